"""KPU extracts as the field sends them: bad birth dates, masked NIKs, no regency column, empty frames."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dpt_rutan import listing, regions
from dpt_rutan.cli import app
from dpt_rutan.election import load_profile
from dpt_rutan.reconcile import reconcile
from dpt_rutan.site import load_site

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
DUKCAPIL = EXAMPLES / "dukcapil_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def kpu_rows() -> list[list[str]]:
    with KPU.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def write_kpu(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (pd.Series([], dtype=object), pd.Series([], dtype=object)),
        (pd.Series([], dtype=float), pd.Series([], dtype="string")),
    ],
)
def test_region_lookups_take_empty_frames(first, second):
    assert regions.find_regency_codes(first, second).empty
    assert regions.find_district_codes(first, second).empty


def test_region_lookups_answer_each_row_of_repeated_pairs():
    regency = pd.Series(["33.16", "", "33.16", "33.16"])
    district = pd.Series(["Kec. Blora", "Blora", "JATI", "Kec. Blora"])
    assert regions.find_district_codes(regency, district).tolist() == ["33.16.09", "", "33.16.01", "33.16.09"]


@pytest.mark.parametrize("unparsed", ["-", "00-00-0000", "31-02-1985"])
def test_a_kpu_birth_date_that_does_not_parse_is_no_crash(tmp_path, unparsed):
    rows = kpu_rows()
    column = rows[0].index("TANGGAL LAHIR")
    for row in rows[5], rows[40]:
        row[column] = unparsed
    kpu = write_kpu(tmp_path / "dpt.csv", rows)
    result = run("reconcile", ROSTER, kpu, "--site", SITE)
    assert result.exit_code == 0, result.output
    assert "150 rows read = sum of statuses" in result.output


def test_a_dukcapil_birth_date_that_does_not_parse_is_no_crash(tmp_path):
    with DUKCAPIL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("TGL_LHR")
    rows[5][column], rows[8][column] = "-", "00-00-0000"
    dukcapil = tmp_path / "dukcapil.csv"
    with dukcapil.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = run("reconcile", ROSTER, KPU, "--dukcapil", dukcapil, "--site", SITE)
    assert result.exit_code == 0, result.output


# --- where a KPU voter is listed: the extract's own columns, never the NIK -------------------------------------


def _reconcile(kpu: Path, **site_changes):
    site = load_site(SITE)
    return reconcile(
        ROSTER,
        kpu,
        dukcapil_path=DUKCAPIL,
        site=site.model_copy(update=site_changes) if site_changes else site,
        profile=load_profile("pemilu2024"),
    )


@pytest.fixture(scope="module")
def original_statuses() -> pd.Series:
    return _reconcile(KPU).decisions.set_index("source_row")["status"]


def _without(rows: list[list[str]], header: str) -> list[list[str]]:
    column = rows[0].index(header)
    return [row[:column] + row[column + 1 :] for row in rows]


def _masked(rows: list[list[str]], *headers: str, keep: int = 12) -> list[list[str]]:
    """The last digits of NIK and NKK as asterisks, as KPU's published lists show them (facts.md)."""
    columns = [rows[0].index(header) for header in headers]
    masked = [list(row) for row in rows]
    for row in masked[1:]:
        for column in columns:
            row[column] = row[column][:keep] + "*" * (16 - keep)
    return masked


def _changed(statuses: pd.Series, original: pd.Series) -> dict[int, tuple[str, str]]:
    differs = statuses != original
    return {int(row): (original[row], statuses[row]) for row in statuses[differs].index}


def test_no_regency_column_places_rows_in_the_sites_regency(tmp_path, original_statuses):
    kpu = write_kpu(tmp_path / "dpt.csv", _without(kpu_rows(), "KABUPATEN/KOTA"))
    result = _reconcile(kpu)
    assert _changed(result.decisions.set_index("source_row")["status"], original_statuses) == {}
    assert any("Kab. Blora" in note and "situs" in note for note in result.notes)
    listed = result.kpu.frame
    at_901 = listed[listed["tps"].str.contains("901")]
    assert set(at_901["listed_district"]) == {"33.16.09"}  # Kec. Blora, whatever kecamatan their NIKs name


def test_inmates_at_the_prisons_tps_stay_registered_here_without_a_regency_column(tmp_path):
    """The bug: unresolved names fell back to the NIK's kecamatan, and inmates listed at TPS 901 were told to move."""
    kpu = write_kpu(tmp_path / "dpt.csv", _without(kpu_rows(), "KABUPATEN/KOTA"))
    result = run("reconcile", ROSTER, kpu, "--site", SITE)
    assert result.exit_code == 0, result.output
    assert re.search(r"REGISTERED_HERE\s+│[^│]+│ 46 ", result.output), result.output


def test_masked_extract_without_regency_gives_the_same_statuses(tmp_path, original_statuses):
    rows = _masked(_without(kpu_rows(), "KABUPATEN/KOTA"), "NIK", "NKK")
    kpu = write_kpu(tmp_path / "dpt.csv", rows)
    changed = _changed(_reconcile(kpu).decisions.set_index("source_row")["status"], original_statuses)
    # Row 68 is listed twice by KPU, at TPS 901 and at home: with its own NIK both rows are one person listed twice;
    # masked, the two rows tie and go to review (match.py's rule for one person listed twice asks an exact NIK).
    assert changed == {68: ("REGISTERED_HERE", "NEEDS_REVIEW")}


def test_kecamatan_names_shared_across_regencies_are_looked_up_in_the_files_regency():
    frame = pd.DataFrame({"district": ["JATI", "Kec. Jati", "BLORA", "NOWHERE"], "source_row": [2, 3, 4, 5]})
    blora = listing.listed_location(frame, listing.ExtractRegency("33.16", "situs"))
    kudus = listing.listed_location(frame, listing.ExtractRegency("33.19", "nama berkas"))
    assert blora["listed_district"].tolist() == ["33.16.01", "33.16.01", "33.16.09", ""]
    assert (
        kudus["listed_district"][0].startswith("33.19.") and kudus["listed_district"][0] == kudus["listed_district"][1]
    )


def test_a_regency_column_wins_over_the_file_and_an_unknown_one_is_not_replaced():
    frame = pd.DataFrame({"regency": ["KUDUS", "", "ATLANTIS"], "district": ["JATI", "JATI", "JATI"]})
    found = listing.listed_location(frame, listing.ExtractRegency("33.16", "situs"))
    assert found["listed_regency"].tolist() == ["33.19", "33.16", ""]
    assert found["listed_district"].tolist()[1:] == ["33.16.01", ""]


def test_the_file_name_names_the_regency():
    assert listing.regency_in_file_name(Path("DPT_KAB_BLORA_2024.xlsx")) == "33.16"
    assert listing.regency_in_file_name(Path("dpt kota semarang.csv")) == "33.74"
    assert listing.regency_in_file_name(Path("A-Daftar Pemilih.xlsx")) == ""


def test_most_niks_name_the_regency_as_a_last_resort_and_it_is_said(tmp_path):
    from collections import Counter

    found = listing.extract_regency(Path("dpt.csv"), frozenset({"33.16", "33.74"}), Counter({"33.16": 9, "33.22": 2}))
    assert found == listing.ExtractRegency("33.16", "NIK terbanyak")
    assert "tebakan terakhir" in found.note()


def test_unresolved_kecamatan_is_said_before_deciding(tmp_path):
    rows = _without(kpu_rows(), "KABUPATEN/KOTA")
    column = rows[0].index("KECAMATAN")
    for row in rows[1:]:
        if row[column] == "BLORA":
            row[column] = "BLORRA"
    result = run("reconcile", ROSTER, write_kpu(tmp_path / "dpt.csv", rows), "--site", SITE, "-o", tmp_path / "o.xlsx")
    assert result.exit_code == 0, result.output
    assert "BLORRA" in result.output and "tidak ditebak dari NIK" in result.output
    findings = pd.read_excel(tmp_path / "o.xlsx", sheet_name="Temuan data", dtype=str, engine="openpyxl")
    assert (findings["code"] == "KPU_LOCATION_UNRESOLVED").sum() > 0


@pytest.mark.parametrize(
    ("option", "value", "listed"), [("--tps", "902", "901"), ("--district-code", "33.16.08", "901 (Kec. Blora)")]
)
def test_a_site_tps_the_extract_does_not_have_is_said_loudly(tmp_path, option, value, listed):
    result = run("reconcile", ROSTER, KPU, "--site", SITE, option, value, "-o", tmp_path / "o.xlsx")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "PERHATIAN" in flat and listed in flat
    findings = pd.read_excel(tmp_path / "o.xlsx", sheet_name="Temuan data", dtype=str, engine="openpyxl")
    assert (findings["code"] == "SITE_TPS_NOT_IN_EXTRACT").sum() == 1


def test_the_right_site_tps_says_nothing():
    result = run("reconcile", ROSTER, KPU, "--site", SITE)
    assert "PERHATIAN" not in result.output
