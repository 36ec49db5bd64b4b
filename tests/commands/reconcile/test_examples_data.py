"""The example data set: regenerating it gives the committed files, and its ground truth agrees with those files.

The other tests and the README lean on ``examples/`` and ``tests/data/examples_truth*.csv``; a truth that drifted
from the files would make them pass or fail for the wrong reason, so the truth is checked here against the files
themselves, not against the generator's own bookkeeping.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "make_examples.py"
ROSTER = ROOT / "examples" / "roster_rutan_blora.xlsx"
PREVIOUS_ROSTER = ROOT / "examples" / "roster_rutan_blora_2023-12-15.xlsx"
KPU = ROOT / "examples" / "dpt_kpu_blora.csv"
DUKCAPIL = ROOT / "examples" / "dukcapil_blora.csv"
TRUTH = ROOT / "tests" / "data" / "examples_truth.csv"
TRUTH_KPU = ROOT / "tests" / "data" / "examples_truth_kpu.csv"
VOTING_DAY = date(2024, 2, 14)
RUTAN_TPS = "901"

STATUSES = {
    "REGISTERED_HERE",
    "REGISTERED_ELSEWHERE",
    "NOT_REGISTERED",
    "NOT_IN_EXTRACT",
    "NEEDS_RECORDING",
    "INELIGIBLE_AGE",
    "INELIGIBLE_FOREIGN",
    "INELIGIBLE_RIGHTS_REVOKED",
    "INELIGIBLE_MILITARY",
    "RELEASED_BEFORE_VOTING",
    "DUPLICATE",
    "NEEDS_REVIEW",
}
MESS_KINDS = {
    # NIK cells
    "nik_number_cell",
    "nik_number_over_2_53",
    "nik_excel_truncated",
    "placeholder_dash",
    "placeholder_zeros",
    "placeholder_belum_ada",
    "placeholder_tidak_ada",
    "placeholder_question",
    "placeholder_empty",
    "nik_with_dots",
    "nik_with_spaces",
    "nik_leading_apostrophe",
    "nik_one_digit_typo",
    "nik_adjacent_swap",
    "nik_15_digits",
    "nik_unknown_province",
    "historic_region_code",
    "nik_region_differs_from_address",
    # birth dates and sex
    "dob_day_month_swapped",
    "dob_impossible",
    "dob_text_dmy_dash",
    "dob_text_dmy_slash",
    "dob_text_month_name",
    "dob_text_iso",
    "dob_excel_serial",
    "sex_disagrees_with_nik",
    "sex_code_variant",
    # names
    "name_title_case",
    "name_title",
    "name_alias",
    "name_bin_binti",
    "old_spelling",
    # eligibility, custody, duplicates, matching
    "under_17",
    "foreign_national",
    "right_to_vote_revoked",
    "polri_member",
    "release_before_voting",
    "release_day_before_voting",
    "release_on_voting_day",
    "duplicate_same_nik",
    "duplicate_nik_missing",
    "ambiguous_name_birth_date",
    "kpu_nik_masked",
    "kpu_listed_twice",
}
ROSTER_HEADER = (
    "NO;NO. REGISTRASI;NAMA WBP;NIK;NO. KK;TEMPAT LAHIR;TGL LAHIR;JK;STATUS KAWIN;ALAMAT;RT;RW;KEL/DESA;KECAMATAN;"
    "KAB/KOTA;PROVINSI;KEWARGANEGARAAN;PEKERJAAN;GOLONGAN;PERKARA;TGL MASUK;TGL EKSPIRASI;NAMA IBU;NAMA AYAH;"
    "HAK PILIH DICABUT;DISABILITAS"
)
KPU_HEADER = (
    "NO;NKK;NIK;NAMA;TEMPAT LAHIR;TANGGAL LAHIR;STATUS PERKAWINAN;JENIS KELAMIN;ALAMAT;RT;RW;DISABILITAS;KETERANGAN;"
    "KELURAHAN;KECAMATAN;KABUPATEN/KOTA;PROVINSI;TPS"
)


def load_generator():
    spec = importlib.util.spec_from_file_location("make_examples", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is being built
    spec.loader.exec_module(module)
    return module


def read_lines(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> dict[int, dict[str, str]]:
    """CSV rows keyed by their line number in the file (header = line 1); no field spans lines in these files."""
    with path.open(encoding=encoding, newline="") as handle:
        return dict(enumerate(csv.DictReader(handle, delimiter=delimiter), start=2))


def workbook_cells(path: Path) -> dict[str, object]:
    workbook = openpyxl.load_workbook(path)
    return {
        sheet.title: ([list(row) for row in sheet.iter_rows(values_only=True)], sorted(map(str, sheet.merged_cells)))
        for sheet in workbook.worksheets
    }


def roster_rows() -> dict[int, dict[str, object]]:
    """DATA WBP rows below the header, keyed by Excel row number, as header -> value."""
    sheet = openpyxl.load_workbook(ROSTER)["DATA WBP"]
    header = [cell.value for cell in sheet[5]]
    rows = sheet.iter_rows(min_row=6, values_only=True)
    return {number: dict(zip(header, values, strict=True)) for number, values in enumerate(rows, start=6)}


def as_date(value: object) -> date:
    return value.date() if isinstance(value, datetime) else value


def nik_fits(shown: str, true_nik: str) -> bool:
    """A KPU NIK equals the true one, or hides some of its digits behind * or x."""
    return re.fullmatch(re.sub(r"[*xX]", r"\\d", shown), true_nik) is not None


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("regenerated")
    load_generator().write_examples(root)
    return root


@pytest.fixture(scope="module")
def truth() -> list[dict[str, str]]:
    return list(read_lines(TRUTH).values())


@pytest.fixture(scope="module")
def truth_kpu() -> list[dict[str, str]]:
    return list(read_lines(TRUTH_KPU).values())


@pytest.fixture(scope="module")
def kpu() -> dict[int, dict[str, str]]:
    return read_lines(KPU, delimiter=";", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def dukcapil() -> dict[int, dict[str, str]]:
    return read_lines(DUKCAPIL)


@pytest.fixture(scope="module")
def roster() -> dict[int, dict[str, object]]:
    return roster_rows()


@pytest.mark.parametrize("relative", [path.relative_to(ROOT) for path in (KPU, DUKCAPIL, TRUTH, TRUTH_KPU)])
def test_regenerated_csv_is_byte_identical(regenerated: Path, relative: Path) -> None:
    assert (regenerated / relative).read_bytes() == (ROOT / relative).read_bytes()


@pytest.mark.parametrize("relative", [ROSTER.relative_to(ROOT), PREVIOUS_ROSTER.relative_to(ROOT)])
def test_regenerated_workbook_has_identical_cells(regenerated: Path, relative: Path) -> None:
    assert workbook_cells(regenerated / relative) == workbook_cells(ROOT / relative)


def test_files_stay_small() -> None:
    assert ROSTER.stat().st_size < 100_000
    assert PREVIOUS_ROSTER.stat().st_size < 100_000
    assert KPU.stat().st_size < 1_000_000
    assert DUKCAPIL.stat().st_size < 1_000_000


def test_roster_has_title_block_header_and_footer(truth: list[dict[str, str]]) -> None:
    workbook = openpyxl.load_workbook(ROSTER)
    assert workbook.sheetnames == ["DATA WBP", "REKAP"]
    sheet = workbook["DATA WBP"]
    assert [sheet.cell(row, 1).value for row in range(1, 5)] == [
        "DAFTAR WARGA BINAAN PEMASYARAKATAN",
        "RUTAN KELAS IIB BLORA",
        "Keadaan per tanggal : 15 Januari 2024",
        None,
    ]
    assert ";".join(cell.value for cell in sheet[5]) == ROSTER_HEADER
    total = next(row for row in sheet.iter_rows(min_row=6) if row[0].value == "JUMLAH")
    assert total[2].value == len(truth)


def test_previous_roster_uses_the_older_template() -> None:
    header = [cell.value for cell in openpyxl.load_workbook(PREVIOUS_ROSTER)["DATA WBP"][5]]
    assert {"NAMA", "TTL", "L/P"} <= set(header)
    assert not {"NAMA WBP", "TEMPAT LAHIR", "TGL LAHIR", "JK"} & set(header)


def test_kpu_extract_is_a_sidalih_export() -> None:
    raw = KPU.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + KPU_HEADER.encode() + b"\r\n")


def test_truth_covers_every_status(truth: list[dict[str, str]]) -> None:
    assert {row["status"] for row in truth} == STATUSES


def test_truth_covers_every_mess_kind(truth: list[dict[str, str]]) -> None:
    recorded = {mess for row in truth for mess in row["mess"].split("|") if mess}
    assert MESS_KINDS - recorded == set()


def test_truth_rows_are_exactly_the_named_roster_rows(
    truth: list[dict[str, str]], roster: dict[int, dict[str, object]]
) -> None:
    named = {number: row for number, row in roster.items() if row["NAMA WBP"] and row["NO"] != "JUMLAH"}
    named = {number: row for number, row in named.items() if isinstance(row["NO"], int)}
    assert sorted(int(row["source_row"]) for row in truth) == sorted(named)
    for row in truth:
        assert named[int(row["source_row"])]["NO. REGISTRASI"] == row["reg_no"]


def test_roster_has_blank_rows_inside_the_data(truth: list[dict[str, str]], roster) -> None:
    first, last = min(int(r["source_row"]) for r in truth), max(int(r["source_row"]) for r in truth)
    blank = [n for n in range(first, last) if not any(roster[n].values())]
    assert 1 <= len(blank) <= 2


def test_kpu_lines_hold_the_true_nik(truth: list[dict[str, str]], kpu: dict[int, dict[str, str]]) -> None:
    for row in truth:
        if row["kpu_source_row"]:
            line = kpu[int(row["kpu_source_row"])]
            assert nik_fits(line["NIK"], row["nik_true"]), row["source_row"]
            assert line["TANGGAL LAHIR"] == date.fromisoformat(row["birth_date_true"]).strftime("%d-%m-%Y")
            assert line["JENIS KELAMIN"] == row["sex_true"]


def test_dukcapil_lines_hold_the_true_person(truth: list[dict[str, str]], dukcapil) -> None:
    for row in truth:
        if row["dukcapil_source_row"]:
            line = dukcapil[int(row["dukcapil_source_row"])]
            assert (line["NIK"], line["TGL_LHR"]) == (row["nik_true"], row["birth_date_true"])
            assert line["JENIS_KLMIN"] == {"L": "LAKI-LAKI", "P": "PEREMPUAN"}[row["sex_true"]]


def test_true_niks_encode_birth_date_and_sex(truth: list[dict[str, str]]) -> None:
    for row in (r for r in truth if r["nik_true"]):
        nik, born = row["nik_true"], date.fromisoformat(row["birth_date_true"])
        day = int(nik[6:8])
        assert re.fullmatch(r"\d{12}(?!0000)\d{4}", nik)
        assert ("P" if day > 40 else "L") == row["sex_true"]
        assert (day % 40, int(nik[8:10]), nik[10:12]) == (born.day, born.month, f"{born:%y}")


def test_name_and_birth_date_find_exactly_the_expected_kpu_lines(
    truth: list[dict[str, str]], truth_kpu: list[dict[str, str]], kpu, dukcapil
) -> None:
    """Inmates whose roster NIK is unusable must be findable by their KTP name and birth date, and only where the
    truth says: a stray namesake in the extract would make the truth wrong."""
    by_name_and_birth: dict[tuple[str, str], set[int]] = {}
    for number, line in kpu.items():
        by_name_and_birth.setdefault((line["NAMA"], line["TANGGAL LAHIR"]), set()).add(number)
    twice = [r for r in truth_kpu if r["status"] == "KPU_DUPLICATE"]
    listed_twice = {int(r["kpu_source_row"]): int(r["other_kpu_source_row"]) for r in twice}
    for row in (r for r in truth if r["dukcapil_source_row"]):
        name = dukcapil[int(row["dukcapil_source_row"])]["NAMA_LGKP"]
        born = date.fromisoformat(row["birth_date_true"]).strftime("%d-%m-%Y")
        expected = {int(n) for n in row["kpu_candidate_rows"].split("|") if n}
        if row["kpu_source_row"]:
            expected |= {int(row["kpu_source_row"])}
            expected |= {listed_twice[n] for n in list(expected) if n in listed_twice}
        assert by_name_and_birth.get((name, born), set()) == expected, row["source_row"]


def test_name_and_birth_date_find_one_dukcapil_record(truth: list[dict[str, str]], dukcapil) -> None:
    """The record Dukcapil would propose a NIK from is unique, except for the namesakes left for review."""
    by_name_and_birth: dict[tuple[str, str], int] = {}
    for line in dukcapil.values():
        key = (line["NAMA_LGKP"], line["TGL_LHR"])
        by_name_and_birth[key] = by_name_and_birth.get(key, 0) + 1
    for row in (r for r in truth if r["dukcapil_source_row"]):
        name = dukcapil[int(row["dukcapil_source_row"])]["NAMA_LGKP"]
        expected = 2 if row["status"] == "NEEDS_REVIEW" else 1
        assert by_name_and_birth[(name, row["birth_date_true"])] == expected, row["source_row"]


def test_registration_statuses_agree_with_the_kpu_tps(truth: list[dict[str, str]], kpu) -> None:
    for row in truth:
        tps = kpu[int(row["kpu_source_row"])]["TPS"] if row["kpu_source_row"] else None
        if row["status"] == "REGISTERED_HERE":
            assert tps == RUTAN_TPS, row["source_row"]
        elif row["status"] == "REGISTERED_ELSEWHERE":
            assert tps not in (None, RUTAN_TPS), row["source_row"]
        elif row["status"] in ("NOT_REGISTERED", "NOT_IN_EXTRACT", "NEEDS_RECORDING"):
            assert tps is None, row["source_row"]


def test_tps_901_holds_inmates_and_the_not_in_custody_lines(truth, truth_kpu, kpu) -> None:
    at_rutan = {number for number, line in kpu.items() if line["TPS"] == RUTAN_TPS}
    of_inmates = {int(r["kpu_source_row"]) for r in truth if r["kpu_source_row"]} & at_rutan
    not_in_custody = {int(r["kpu_source_row"]) for r in truth_kpu if r["status"] == "NOT_IN_CUSTODY"}
    assert not_in_custody and not of_inmates & not_in_custody
    assert at_rutan == of_inmates | not_in_custody


def test_eligibility_cases_show_in_the_roster(truth: list[dict[str, str]], roster) -> None:
    """What makes an inmate ineligible or gone by voting day is written in their roster row."""
    for row in truth:
        cells = roster[int(row["source_row"])]
        status = row["status"]
        if status == "INELIGIBLE_AGE":
            assert date.fromisoformat(row["birth_date_true"]) > date(2007, 2, 14)
            assert cells["STATUS KAWIN"] == "BELUM KAWIN"
        elif status == "INELIGIBLE_FOREIGN":
            assert cells["KEWARGANEGARAAN"] == "WNA" and not row["nik_true"]
        elif status == "INELIGIBLE_RIGHTS_REVOKED":
            assert cells["HAK PILIH DICABUT"] == "Ya"
        elif status == "INELIGIBLE_MILITARY":
            assert cells["PEKERJAAN"] == "POLRI"
        elif status == "RELEASED_BEFORE_VOTING":
            assert as_date(cells["TGL EKSPIRASI"]) < VOTING_DAY
        elif status != "DUPLICATE" and isinstance(cells["TGL EKSPIRASI"], datetime):
            assert as_date(cells["TGL EKSPIRASI"]) >= VOTING_DAY, row["source_row"]
