"""`missing-nik --kpu` and `diff --kpu` read the extract in blocks and keep only the rows that concern the roster;
their results are exactly those of reading the whole extract.

The reference here is the plain path: the whole extract read at once (``reader.read_table``), typed, and handed to the
same core functions. The data: a regency's extract of 3,000 voters (four or so per birth date, so birth-date blocks
hold strangers) and rosters drawn from it with the usual damage: no NIK, NIK typos, a birth year off, people KPU does
not list, namesakes, and NIKs the extract shows only masked, province digits hidden. The extract is cut into dozens
of blocks; a larger one in cp1252, its only byte that is not UTF-8 near the end, makes the blocks start over.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dpt_rutan import decide, match
from dpt_rutan.commands.diff.kpu_check import check_against_kpu
from dpt_rutan.commands.diff.run import diff_files
from dpt_rutan.commands.missing_nik.candidates import Source
from dpt_rutan.commands.missing_nik.run import ExtractRows, RosterPeople, find_missing_nik, missing_nik_result
from dpt_rutan.election import load_profile
from dpt_rutan.fields import Field
from dpt_rutan.people import prepare_people
from dpt_rutan.read import reader
from dpt_rutan.read.stream import TableBlocks
from dpt_rutan.site import load_site

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from make_examples import FEMALE_NAMES, MALE_NAMES, MALE_SURNAMES  # noqa: E402

SITE = load_site(REPO / "examples" / "site_rutan_blora.toml")
PROFILE = load_profile("pemilu2024")
VOTERS = 3_000
BLOCK_BYTES = 8 * 1024  # about 90 rows a block
DISTRICTS = [f"3316{n:02d}" for n in range(1, 17)]
KPU_HEADERS = ["NIK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "TPS"]
ROSTER_HEADERS = [
    "NO. REGISTRASI", "NAMA", "NIK", "TGL LAHIR", "JK", "TGL MASUK", "TGL EKSPIRASI", "KAB/KOTA", "PROVINSI",
]  # fmt: skip
MASKED, FRESH, NAMESAKES = 5, 30, 10


def _names(rng: np.random.Generator, size: int) -> np.ndarray:
    pool = np.array(MALE_NAMES + FEMALE_NAMES, dtype=object)
    given = pool[rng.integers(0, len(pool), size)]
    surname = np.array(MALE_SURNAMES, dtype=object)[rng.integers(0, len(MALE_SURNAMES), size)]
    return np.where(rng.random(size) < 0.5, given, given + " " + surname)


def _birth_dates(rng: np.random.Generator, size: int, first: str = "1980-01-01") -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.datetime64(first) + rng.integers(0, 730, size).astype("timedelta64[D]"))


def _niks(district: np.ndarray, born: pd.DatetimeIndex, sex: np.ndarray, serial: np.ndarray) -> np.ndarray:
    day = born.day + 40 * (sex == "P")
    parts = zip(district, day, born.month, born.year, serial, strict=True)
    return np.array([f"{c}{d:02d}{m:02d}{y % 100:02d}{s:04d}" for c, d, m, y, s in parts], dtype=object)


def _voters(rng: np.random.Generator, size: int = VOTERS, first_born: str = "1980-01-01") -> pd.DataFrame:
    born = _birth_dates(rng, size, first_born)
    sex = np.where(rng.random(size) < 0.5, "P", "L")
    district = np.array(DISTRICTS)[rng.integers(0, len(DISTRICTS), size)]
    at_prison = rng.random(size) < 0.05
    return pd.DataFrame(
        {
            "NIK": _niks(district, born, sex, np.arange(size) % 8000 + 1),
            "NAMA": _names(rng, size),
            "TANGGAL LAHIR": born.strftime("%d-%m-%Y"),
            "JENIS KELAMIN": sex,
            "KELURAHAN": np.where(at_prison, "KAUMAN", "JEPON"),
            "KECAMATAN": np.where(at_prison, "BLORA", "JEPON"),
            "KABUPATEN/KOTA": "BLORA",
            "TPS": np.where(at_prison, "901", pd.Series(rng.integers(1, 30, size)).map("{:03d}".format)),
        }
    )


def _people_kpu_lacks(rng: np.random.Generator, size: int, first_serial: int) -> pd.DataFrame:
    born = _birth_dates(rng, size)
    sex = np.where(rng.random(size) < 0.5, "P", "L")
    nik = _niks(np.full(size, "331609"), born, sex, np.arange(first_serial, first_serial + size))
    return pd.DataFrame({"NIK": nik, "NAMA": _names(rng, size), "TANGGAL LAHIR": born.strftime("%d-%m-%Y"), "JK": sex})


def _typo(nik: str) -> str:
    return nik[:12] + nik[13] + nik[12] + nik[14:] if nik[12] != nik[13] else nik[:15] + str(9 - int(nik[15]))


@dataclass
class Files:
    extract: Path
    old: Path
    new: Path
    masked_rows: list[int]  # new roster rows whose NIK the extract shows only masked, under another name


def _inmates(rng: np.random.Generator, voters: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The new roster's people, damaged as rosters are, and the rows to add to the extract for them."""
    here = voters.index[voters["TPS"] == "901"]
    picked = np.concatenate([rng.choice(here, 60, replace=False), rng.choice(voters.index.difference(here), 240)])
    listed = voters.loc[np.unique(picked)].sample(frac=1, random_state=1).reset_index(drop=True)
    people = listed[["NIK", "NAMA", "TANGGAL LAHIR"]].assign(JK=listed["JENIS KELAMIN"])
    people.loc[:39, "NIK"] = ""
    people.loc[40:64, "NIK"] = people.loc[40:64, "NIK"].map(_typo)
    year_off = people.loc[65:79, "TANGGAL LAHIR"]
    people.loc[65:79, "TANGGAL LAHIR"] = year_off.str.slice(0, 6) + (year_off.str.slice(6).astype(int) + 1).astype(str)
    namesakes = listed.iloc[:NAMESAKES].copy()  # same name, birth date and sex; another NIK
    namesakes["NIK"] = [nik[:12] + str(8000 + n) for n, nik in enumerate(namesakes["NIK"])]
    masked = _people_kpu_lacks(rng, MASKED, 9000)
    shown_masked = pd.DataFrame(
        {
            "NIK": "**" + masked["NIK"].str.slice(2),
            "NAMA": _names(rng, MASKED),
            "TANGGAL LAHIR": masked["TANGGAL LAHIR"],
            "JENIS KELAMIN": masked["JK"],
            "KELURAHAN": "JEPON",
            "KECAMATAN": "JEPON",
            "KABUPATEN/KOTA": "BLORA",
            "TPS": "007",
        }
    )
    people = pd.concat([people, _people_kpu_lacks(rng, FRESH, 9100), masked], ignore_index=True)
    return people, pd.concat([namesakes, shown_masked], ignore_index=True)


def _roster(people: pd.DataFrame, date_in: pd.Series, release: pd.Series) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "NO. REGISTRASI": people["REG"],
            "NAMA": people["NAMA"],
            "NIK": people["NIK"],
            "TGL LAHIR": people["TANGGAL LAHIR"],
            "JK": people["JK"],
            "TGL MASUK": date_in,
            "TGL EKSPIRASI": release,
            "KAB/KOTA": "BLORA",
            "PROVINSI": "JAWA TENGAH",
        }
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Files:
    folder = tmp_path_factory.mktemp("streaming")
    rng = np.random.default_rng(11)
    voters = _voters(rng)
    people, more_voters = _inmates(rng, voters)
    extract = pd.concat([voters, more_voters], ignore_index=True).sample(frac=1, random_state=2)
    people = people.assign(REG=[f"AI.{n:04d}/2023" for n in range(len(people))])
    arrived = np.arange(len(people)) % 5 == 0
    date_in = np.where(arrived, np.where(np.arange(len(people)) % 2 == 0, "10-01-2024", "10-02-2024"), "01-06-2023")
    release = pd.Series("01-07-2025", index=people.index)
    new = _roster(people, pd.Series(date_in), release.where(np.arange(len(people)) % 7 != 1, "01-02-2024"))
    left = _inmates_who_left(rng, voters)
    earlier = people[~arrived].copy()
    earlier.loc[earlier.index % 9 == 3, "NIK"] = "-"  # filled in since
    old = pd.concat([_roster(earlier, "01-06-2023", release[~arrived]), left], ignore_index=True)
    masked_rows = [len(people) - MASKED + n + 2 for n in range(MASKED)]  # the header is row 1
    return Files(
        extract=_write_csv(folder / "dpt.csv", extract, sep=";"),
        old=_write_csv(folder / "old.csv", old),
        new=_write_csv(folder / "new.csv", new),
        masked_rows=masked_rows,
    )


def _inmates_who_left(rng: np.random.Generator, voters: pd.DataFrame) -> pd.DataFrame:
    """Former inmates, most still listed at the prison's TPS."""
    here = voters[voters["TPS"] == "901"].iloc[-30:]
    gone = pd.concat([here, voters[voters["TPS"] != "901"].iloc[:10]])
    people = gone[["NIK", "NAMA", "TANGGAL LAHIR"]].assign(
        JK=gone["JENIS KELAMIN"], REG=[f"BI.{n:04d}/2022" for n in range(len(gone))]
    )
    return _roster(people, "01-06-2022", "01-07-2025")


def _write_csv(path: Path, frame: pd.DataFrame, sep: str = ",") -> Path:
    frame.to_csv(path, sep=sep, index=False)
    return path


def _whole_extract(path: Path):
    table = reader.read_table(path, required=(Field.NAME, Field.NIK))
    return prepare_people(table, reference_date=PROFILE.voting_day)


def test_the_extract_is_read_in_many_blocks(files):
    assert sum(1 for _ in TableBlocks(files.extract, block_bytes=BLOCK_BYTES).blocks()) > 20


# --- missing-nik --------------------------------------------------------------------------------------------------


def _missing_nik_both_ways(roster_path: Path, extract_path: Path, block_bytes: int):
    streamed = find_missing_nik(roster_path, site=SITE, profile=PROFILE, kpu_path=extract_path, block_bytes=block_bytes)
    settings = match.MatchSettings()
    table = reader.read_table(roster_path, required=(Field.NAME,))
    roster = RosterPeople.of(prepare_people(table, reference_date=PROFILE.voting_day), settings)
    whole = _whole_extract(extract_path)
    extract = ExtractRows(whole, len(whole.frame), decide.extract_coverage(whole.frame))
    reference = missing_nik_result(roster, {Source.KPU: extract}, site=SITE, profile=PROFILE, settings=settings)
    return streamed, reference, whole


def _assert_same_missing_nik(streamed, reference) -> None:
    for table in ("rows", "listed", "candidates"):
        pd.testing.assert_frame_equal(getattr(streamed, table), getattr(reference, table))
    assert streamed.notes == reference.notes


@pytest.fixture(scope="module")
def missing_nik_both_ways(files):
    return _missing_nik_both_ways(files.new, files.extract, BLOCK_BYTES)


def test_missing_nik_streamed_is_the_whole_extracts_result(missing_nik_both_ways):
    streamed, reference, _ = missing_nik_both_ways
    _assert_same_missing_nik(streamed, reference)


def test_missing_nik_data_exercise_every_path(missing_nik_both_ways, files):
    _, reference, _ = missing_nik_both_ways
    codes = reference.rows["reason_codes"]
    assert codes.str.contains("NOT_FOUND_IN_KPU").sum() >= 25
    assert (codes == "MISSING").sum() >= 30
    assert len(reference.candidates) > 40
    assert reference.listed["near_tie"].sum() >= 5
    masked = reference.rows.set_index("source_row").loc[files.masked_rows]
    assert (masked["outcome"] == "FINE").all(), "found through a masked NIK in a pair below the review score"


def test_missing_nik_keeps_few_rows_and_counts_them_all(missing_nik_both_ways):
    streamed, _, whole = missing_nik_both_ways
    assert streamed.kpu_rows_read == len(whole.frame) == VOTERS + NAMESAKES + MASKED
    assert len(streamed.extracts[Source.KPU].frame) < len(whole.frame) // 5
    assert str(len(whole.frame)) + " baris" in streamed.notes[0]


def test_missing_nik_forgets_what_it_kept_when_the_blocks_start_over(files, tmp_path):
    """A file larger than the look at its head, in cp1252: the blocks start over once the byte that is not UTF-8
    turns up, and what was kept from the first blocks must not be kept twice."""
    rng = np.random.default_rng(5)
    extract = pd.read_csv(files.extract, sep=";", dtype=str, keep_default_na=False)
    filler = _voters(rng, 70_000, first_born="1950-01-01").assign(NAMA="WARGA LAIN", TPS="003")
    extract = pd.concat([filler, extract], ignore_index=True)
    extract.loc[len(extract) - 40, "NAMA"] = "JOSÉ MARTINEZ"
    path = tmp_path / "dpt_cp1252.csv"
    path.write_bytes(extract.to_csv(sep=";", index=False).encode("cp1252"))
    restarts: list[bool] = []
    assert sum(1 for _ in TableBlocks(path, block_bytes=512 * 1024).blocks(restart=lambda: restarts.append(True))) > 5
    assert restarts == [True]
    streamed, reference, whole = _missing_nik_both_ways(files.new, path, 512 * 1024)
    _assert_same_missing_nik(streamed, reference)
    assert streamed.kpu_rows_read == len(whole.frame) == len(extract)


# --- diff ---------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def diff_both_ways(files):
    streamed = diff_files(
        files.old, files.new, site=SITE, profile=PROFILE, kpu_path=files.extract, block_bytes=BLOCK_BYTES
    )
    unchecked = diff_files(files.old, files.new, site=SITE, profile=PROFILE)
    whole = _whole_extract(files.extract)
    reference = check_against_kpu(
        unchecked.actions, unchecked.old, unchecked.new, whole, unchecked.rules, unchecked.settings
    )
    return streamed, reference, whole


def test_diff_actions_checked_against_the_streamed_extract_are_those_of_the_whole(diff_both_ways):
    streamed, reference, _ = diff_both_ways
    pd.testing.assert_frame_equal(streamed.actions, reference)


def test_diff_data_exercise_every_check(diff_both_ways):
    _, reference, _ = diff_both_ways
    assert set(reference["kpu_check"]) == {"at_prison_tps", "elsewhere", "uncertain", "not_found"}
    assert set(reference["action"]) >= {"MOVE_IN", "TOO_LATE_TO_MOVE_IN", "RETURN_TO_HOME_TPS", "CAN_NOW_BE_MATCHED"}
    departures = reference[reference["action"] == "RETURN_TO_HOME_TPS"]
    assert departures["still_needed"].astype(bool).sum() >= 10


def test_diff_keeps_few_rows_and_counts_them_all(diff_both_ways):
    streamed, _, whole = diff_both_ways
    assert streamed.kpu_rows_read == len(whole.frame)
    assert len(streamed.kpu.frame) < len(whole.frame) // 5
