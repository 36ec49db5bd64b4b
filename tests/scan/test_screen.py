"""The streaming path (extract read in blocks, screened) decides exactly what reading the whole extract decides.

The reference below is the plain in-memory path: the whole extract read at once, typed, and matched row against row
with no screen. A generated regency of 200,000 voters and a roster of 1,000 inmates with the usual damage (NIK typos,
no NIK, swapped or missing birth dates, old spellings, aliases, people at the prison's TPS who are no longer held).
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dpt_rutan import decide, match
from dpt_rutan.commands.reconcile.run import reconcile
from dpt_rutan.election import load_profile
from dpt_rutan.fields import Field
from dpt_rutan.people import match_view, prepare_people
from dpt_rutan.read import reader
from dpt_rutan.scan import quick_look
from dpt_rutan.site import load_site

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "scripts"))
from make_examples import FEMALE_NAMES, MALE_NAMES, MALE_SURNAMES  # noqa: E402

SITE = load_site(REPO / "examples" / "site_rutan_blora.toml")
PROFILE = load_profile("pemilu2024")
VOTERS, INMATES = 200_000, 1_000
DISTRICTS = [f"3316{n:02d}" for n in range(1, 17)]
VILLAGES = ("KAUMAN", "TEMPELAN", "KUNDEN", "JEPON", "NGAWEN", "CEPU")


def _names(rng: np.random.Generator, size: int) -> np.ndarray:
    given = np.array(MALE_NAMES + FEMALE_NAMES, dtype=object)[rng.integers(0, len(MALE_NAMES + FEMALE_NAMES), size)]
    surname = np.array(MALE_SURNAMES, dtype=object)[rng.integers(0, len(MALE_SURNAMES), size)]
    return np.where(rng.random(size) < 0.5, given, given + " " + surname)


def _extract(rng: np.random.Generator) -> pd.DataFrame:
    born = pd.DatetimeIndex(np.datetime64("1934-01-01") + rng.integers(0, 365 * 72, VOTERS).astype("timedelta64[D]"))
    female = rng.random(VOTERS) < 0.5
    district = np.array(DISTRICTS)[rng.integers(0, len(DISTRICTS), VOTERS)]
    day = born.day + 40 * female
    stem = pd.Series(
        [f"{c}{d:02d}{m:02d}{y % 100:02d}" for c, d, m, y in zip(district, day, born.month, born.year, strict=True)]
    )
    serial = stem.groupby(stem).cumcount() + 1
    nik = (stem + serial.map("{:04d}".format)).to_numpy(dtype=object)
    at_prison = rng.random(VOTERS) < 0.002
    return pd.DataFrame(
        {
            "NIK": nik,
            "NAMA": _names(rng, VOTERS),
            "TEMPAT LAHIR": "BLORA",
            "TANGGAL LAHIR": born.strftime("%d-%m-%Y"),
            "JENIS KELAMIN": np.where(female, "P", "L"),
            "KELURAHAN": np.where(at_prison, "KAUMAN", np.array(VILLAGES)[rng.integers(0, 6, VOTERS)]),
            "KECAMATAN": np.where(at_prison, "BLORA", "JEPON"),
            "KABUPATEN/KOTA": "BLORA",
            "TPS": np.where(at_prison, "901", pd.Series(rng.integers(1, 30, VOTERS)).map("{:03d}".format)),
        }
    )


def _damaged(rng: np.random.Generator, extract: pd.DataFrame) -> pd.DataFrame:
    """Inmates as the roster writes them: most from the extract, with damage; some never registered."""
    listed = extract.iloc[rng.choice(len(extract), INMATES - 150, replace=False)].reset_index(drop=True)
    nik, name, born = listed["NIK"].copy(), listed["NAMA"].copy(), listed["TANGGAL LAHIR"].copy()
    mess = rng.random(len(listed))
    typo = mess < 0.08
    nik[typo] = [n[:12] + n[13] + n[12] + n[14:] if n[12] != n[13] else n[:15] + "9" for n in nik[typo]]
    nik[(mess >= 0.08) & (mess < 0.15)] = ""
    name[(mess >= 0.15) & (mess < 0.2)] = name[(mess >= 0.15) & (mess < 0.2)].str.replace("U", "OE", n=1)
    name[(mess >= 0.2) & (mess < 0.25)] += " als KOKO"
    swap = (mess >= 0.25) & (mess < 0.3)
    born[swap] = born[swap].str.slice(3, 5) + "-" + born[swap].str.slice(0, 2) + born[swap].str.slice(5)
    born[(mess >= 0.3) & (mess < 0.33) & (nik == "")] = ""
    unlisted = pd.DataFrame(
        {
            "NIK": [f"331609{n % 28 + 1:02d}0{n % 9 + 1}8{n % 10}7{n % 1000:03d}" for n in range(150)],
            "NAMA": _names(rng, 150),
            "TANGGAL LAHIR": [f"{n % 28 + 1:02d}-0{n % 9 + 1}-198{n % 10}" for n in range(150)],
            "JENIS KELAMIN": "L",
        }
    )
    roster = pd.concat(
        [pd.DataFrame({"NIK": nik, "NAMA": name, "TANGGAL LAHIR": born, "JENIS KELAMIN": listed["JENIS KELAMIN"]}),
         unlisted],
        ignore_index=True,
    )  # fmt: skip
    return roster.assign(**{"KAB/KOTA": "BLORA", "PROVINSI": "JAWA TENGAH"})


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("screen")
    rng = np.random.default_rng(7)
    extract = _extract(rng)
    roster = _damaged(rng, extract)
    extract_path, roster_path = folder / "dpt.csv", folder / "roster.csv"
    extract.to_csv(extract_path, sep=";", index=False)
    roster.to_csv(roster_path, index=False)
    return roster_path, extract_path


def _whole_extract_statuses(roster_path: Path, extract_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The plain path: every row of the extract typed and offered to the matcher, nothing screened out."""
    settings, day = match.MatchSettings(), PROFILE.voting_day
    roster = prepare_people(reader.read_table(roster_path, required=(Field.NAME,)), reference_date=day)
    kpu = prepare_people(reader.read_table(extract_path, required=(Field.NAME, Field.NIK)), reference_date=day)
    rules = decide.Rules.for_site(SITE, PROFILE)
    roster_view = match_view(roster.frame)
    duplicates = decide.roster_duplicates(roster_view, settings)
    unique = roster_view[~roster_view["source_row"].isin(duplicates["source_row"])]
    here = frozenset(kpu.frame.loc[decide.at_prison_tps(kpu.frame, rules), "source_row"].astype("int64"))
    matches, _ = match.link(unique, match_view(kpu.frame), settings, preferred_right=here)
    coverage = decide.extract_coverage(kpu.frame)
    decisions = decide.decide_statuses(roster.frame, duplicates, matches, kpu.frame, rules, coverage)
    return decisions, decide.kpu_findings(kpu.frame, matches, rules)


@pytest.fixture(scope="module")
def whole(files):
    return _whole_extract_statuses(*files)


@pytest.fixture(scope="module")
def streamed(files):
    roster_path, extract_path = files
    seen: list[tuple[str, int]] = []
    result = reconcile(
        roster_path,
        extract_path,
        site=SITE,
        profile=PROFILE,
        block_bytes=512 * 1024,
        progress=lambda label, done, total, rows: seen.append((label, rows)),
    )
    return result, seen


COMPARED = ["source_row", "status", "registration", "reasons", "duplicate_of", "kpu_row", "kpu_decision"]


def test_streamed_statuses_and_matches_are_those_of_the_whole_extract(whole, streamed):
    decisions, _ = whole
    result, _ = streamed
    counts = result.status_counts()
    # The data must exercise every path: NIK matches, fuzzy matches, review, the prison's TPS, not registered.
    for status in ("REGISTERED_HERE", "REGISTERED_ELSEWHERE", "NOT_REGISTERED", "NEEDS_REVIEW"):
        assert counts[status] > 0, counts
    assert (result.decisions["method"] == "name_birth_date").sum() > 10
    pd.testing.assert_frame_equal(
        result.decisions[COMPARED].reset_index(drop=True), decisions[COMPARED].reset_index(drop=True)
    )


def test_streamed_extract_keeps_a_small_share_and_counts_every_row(streamed):
    result, seen = streamed
    assert result.kpu_rows_read == VOTERS
    assert len(result.kpu.frame) < VOTERS // 5
    labels = {label for label, _ in seen}
    assert len(labels) == 2 and len(seen) > 10  # two passes, many blocks, each told
    assert max(rows for _, rows in seen) == VOTERS


def test_streamed_kpu_findings_are_the_whole_extracts_that_concern_the_prison(whole, streamed):
    _, whole_side = whole
    result, _ = streamed
    side = result.kpu_side
    KPU = decide.KpuStatus
    for frame in (side, whole_side):
        assert (frame["status"] == KPU.NOT_IN_CUSTODY).any()
    pd.testing.assert_frame_equal(
        side[side["status"] == KPU.NOT_IN_CUSTODY].reset_index(drop=True),
        whole_side[whole_side["status"] == KPU.NOT_IN_CUSTODY].reset_index(drop=True),
    )
    duplicates = set(side.loc[side["status"] == KPU.KPU_DUPLICATE, "source_row"])
    assert duplicates <= set(whole_side.loc[whole_side["status"] == KPU.KPU_DUPLICATE, "source_row"])


def test_one_block_and_many_blocks_agree_on_everything(files, streamed):
    roster_path, extract_path = files
    result, _ = streamed
    one_block = reconcile(roster_path, extract_path, site=SITE, profile=PROFILE, block_bytes=1 << 30)
    pd.testing.assert_frame_equal(result.decisions, one_block.decisions)
    pd.testing.assert_frame_equal(result.kpu_side, one_block.kpu_side)
    assert result.coverage == one_block.coverage
    assert result.kpu.frame["source_row"].tolist() == one_block.kpu.frame["source_row"].tolist()


def test_what_a_wrong_quick_look_misses_is_read_again(tmp_path, monkeypatch):
    """The quick look reads cells unchecked; should it take an inmate as settled or miss a NIK at the prison's TPS,
    a further pass fetches those rows and the result is still that of reading everything."""
    header = "NIK;NAMA;TANGGAL LAHIR;JENIS KELAMIN;KELURAHAN;KECAMATAN;KABUPATEN/KOTA;TPS"
    rows = [f"3316091201800{n:03d};WARGA {n};12-01-1980;L;JEPON;JEPON;BLORA;003" for n in range(1, 400)]
    rows[10] = "3316094507900001;SITI AMINAH;05-07-1990;P;JEPON;JEPON;BLORA;004"
    rows[20] = "3316092303750002;AGUS SALIM;23-03-1975;L;JEPON;JEPON;BLORA;004"
    rows.append("3316094507900001;SITI AMINAH;05-07-1990;P;KAUMAN;BLORA;BLORA;901")
    extract = tmp_path / "dpt.csv"
    extract.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "NAMA,NIK,TGL LAHIR,JK\nBUDI,3316091201800007,12-01-1980,L\nAGUS SALIM,,23-03-1975,L\n", encoding="utf-8"
    )

    def wrong_look(blocks, roster, *_):
        return quick_look.Look(settled=pd.Index(roster["source_row"]), prison_niks=frozenset())

    monkeypatch.setattr(quick_look, "look_at", wrong_look)
    labels: list[str] = []
    result = reconcile(
        roster, extract, site=SITE, profile=PROFILE, block_bytes=4096, progress=lambda label, *_: labels.append(label)
    )
    decisions, whole_side = _whole_extract_statuses(roster, extract)
    assert "baris yang terlewat" in labels
    assert result.decisions["kpu_row"].tolist() == [8, 22]  # BUDI by NIK, AGUS SALIM by name and birth date
    pd.testing.assert_frame_equal(result.decisions[COMPARED], decisions[COMPARED])
    pd.testing.assert_frame_equal(result.kpu_side, whole_side)
    assert set(result.kpu_side["source_row"]) == {12, 401}


def test_a_masked_nik_that_agrees_is_kept_though_the_names_differ(tmp_path):
    """KPU extracts mask NIKs; one masked where the province digits are hides from NIK blocks and reaches review
    only through its birth date, with a different name. The screen must keep it as reading everything does."""
    roster_path, extract_path = tmp_path / "roster.csv", tmp_path / "dpt.csv"
    roster_path.write_text(
        "NIK,NAMA,TANGGAL LAHIR,JENIS KELAMIN,NAMA IBU\n3316091203900001,BUDI SANTOSO,12-03-1990,L,SUMIYATI\n"
    )
    rows = ["NIK;NAMA;TANGGAL LAHIR;JENIS KELAMIN;NAMA IBU;KELURAHAN;KECAMATAN;KABUPATEN/KOTA;TPS"]
    rows += [f"33160512018{n:05d};WARGA {n};12-01-1980;L;X;JEPON;JEPON;BLORA;003" for n in range(50)]
    rows += ["**16091203900001;JOKO WIDODO;12-03-1990;L;SUMIYATI;JEPON;JEPON;BLORA;004"]
    extract_path.write_text("\n".join(rows) + "\n")
    decisions, _ = _whole_extract_statuses(roster_path, extract_path)
    result = reconcile(roster_path, extract_path, site=SITE, profile=PROFILE)
    assert decisions["kpu_decision"].iloc[0] != "none"  # the data must reach the case
    pd.testing.assert_frame_equal(
        result.decisions[COMPARED].reset_index(drop=True), decisions[COMPARED].reset_index(drop=True)
    )
