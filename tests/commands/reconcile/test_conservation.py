"""Every command accounts for every row of every example file: rows read = rows reported, per file.

The rows below the header and the blank ones among them are counted here straight from the files (openpyxl, plain
text), not through the tool's reader, so a reader that loses a row cannot hide it. Each command then has to report
each of those rows exactly once: as data, as a skipped non-data row, or (blank rows only) not at all.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
OLD_ROSTER = EXAMPLES / "roster_rutan_blora_2023-12-15.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
DUKCAPIL = EXAMPLES / "dukcapil_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"
SUMMARY = re.compile(r"header on row (\d+), (\d+) data rows, (\d+) other rows")
STATUS_ROW = re.compile(r"^[A-Z_]+ — ")
ACCOUNTING = re.compile(
    r"Baris data WBP dibaca: (\d+) = perlu NIK untuk pemilu ini (\d+) \+ perlu NIK, tidak untuk pemilu ini (\d+)"
    r" \+ NIK baik (\d+) \+ baris ganda \(dihitung sekali\) (\d+)"
)
NOT_PERSON_SHEETS = {"Ringkasan", "Provenance"}
RETURNED_NIK = "NIK DITEMUKAN/DIREKAM"

runner = CliRunner()


def run(*args: object):
    result = runner.invoke(app, [str(arg) for arg in args])
    assert result.exit_code in (0, 1), result.output
    return result


@dataclass(frozen=True)
class Example:
    path: Path
    sheet: str | None
    header_row: int
    delimiter: str = ","


EXAMPLE_FILES = [
    Example(ROSTER, "DATA WBP", 5),
    Example(OLD_ROSTER, "DATA WBP", 5),
    Example(KPU, None, 1, ";"),
    Example(DUKCAPIL, None, 1),
]
ROSTERS = [ROSTER, OLD_ROSTER]


def file_rows(example: Example) -> list[list[str]]:
    """Every row of the file as text, row 1 first, read without the tool."""
    if example.sheet is None:
        text = example.path.read_text(encoding="utf-8-sig")
        return [line.split(example.delimiter) for line in text.splitlines()]
    sheet = openpyxl.load_workbook(example.path)[example.sheet]
    return [["" if value is None else str(value) for value in row] for row in sheet.iter_rows(values_only=True)]


@dataclass
class BelowHeader:
    rows: set[int]
    blank: set[int]


@functools.cache
def below_header(example: Example) -> BelowHeader:
    rows = file_rows(example)
    numbered = dict(enumerate(rows, start=1))
    below = {number for number in numbered if number > example.header_row}
    blank = {number for number in below if not "".join(numbered[number]).strip()}
    return BelowHeader(below, blank)


def counts(result) -> tuple[int, int, int]:
    found = SUMMARY.search(" ".join(result.stdout.split()))
    assert found, result.output
    return int(found[1]), int(found[2]), int(found[3])


@functools.cache
def sheet_records(path: Path, title: str) -> list[dict[str, object]]:
    """The rows of one sheet of a report as header -> value; each report is written once, so read it once."""
    rows = list(openpyxl.load_workbook(path, read_only=True)[title].iter_rows(values_only=True))
    header = rows[0]
    return [dict(zip(header, row, strict=True)) for row in rows[1:]]


def records_below(rows: list[tuple], first_header: str) -> list[dict[str, object]]:
    """The rows under the header row that starts with ``first_header`` (sheets with notes above their header)."""
    start = next(i for i, row in enumerate(rows) if row and row[0] == first_header)
    return [dict(zip(rows[start], row, strict=False)) for row in rows[start + 1 :] if row and row[0] is not None]


def csv_records(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


# --- validate -----------------------------------------------------------------------------------------------------


@dataclass
class Validated:
    example: Example
    header_row: int
    data_rows: int
    other_rows: int
    workbook: Path
    findings_csv: Path
    payload: dict


@pytest.fixture(scope="module")
def validated(tmp_path_factory) -> dict[Path, Validated]:
    """validate on each example, written as xlsx, csv and json."""
    out = {}
    for example in EXAMPLE_FILES:
        folder = tmp_path_factory.mktemp(example.path.stem)
        workbook, findings, document = folder / "v.xlsx", folder / "v.csv", folder / "v.json"
        result = run("validate", example.path, "-o", workbook)
        run("validate", example.path, "-o", findings)
        run("validate", example.path, "-o", document)
        header_row, data_rows, other_rows = counts(result)
        payload = json.loads(document.read_text(encoding="utf-8"))
        out[example.path] = Validated(example, header_row, data_rows, other_rows, workbook, findings, payload)
    return out


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda example: example.path.name)
def test_validate_reports_every_row_below_the_header_once(example, validated):
    run_ = validated[example.path]
    below = below_header(example)
    assert run_.header_row == example.header_row
    assert run_.data_rows + run_.other_rows == len(below.rows)
    data = {record["source_row"] for record in sheet_records(run_.workbook, "Baris")}
    findings = sheet_records(run_.workbook, "Temuan")
    skipped = {record["source_row"] for record in findings if str(record["code"]).startswith("SKIPPED_")}
    assert len(data) == run_.data_rows
    assert data.isdisjoint(skipped) and data.isdisjoint(below.blank) and skipped.isdisjoint(below.blank)
    assert data | skipped | below.blank == below.rows
    assert len(skipped) + len(below.blank) == run_.other_rows


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda example: example.path.name)
def test_validate_csv_and_json_report_the_same_findings_on_rows_it_read(example, validated):
    run_ = validated[example.path]
    in_workbook = {(r["source_row"], r["code"]) for r in sheet_records(run_.workbook, "Temuan")}
    in_csv = {
        (int(r["source_row"]), code)
        for r in csv_records(run_.findings_csv)
        for code in r["findings"].split("; ")
        if code
    }
    in_json = {(r["source_row"], r["code"]) for r in run_.payload["findings"]}
    data_rows = {r["source_row"] for r in run_.payload["rows"]}
    assert len(csv_records(run_.findings_csv)) == len(data_rows) == run_.data_rows
    assert in_csv == {(row, code) for row, code in in_json if row in data_rows}
    assert in_workbook == in_json
    assert {row for row, _ in in_csv} <= below_header(example).rows
    assert run_.payload["provenance"]["inputs"][0]["rows_read"] == run_.data_rows


# --- reconcile ----------------------------------------------------------------------------------------------------


@dataclass
class Reconciled:
    workbook: Path
    payload: dict
    terminal: str


@pytest.fixture(scope="module")
def reconciled(tmp_path_factory) -> dict[Path, Reconciled]:
    """reconcile of each roster against the KPU and Dukcapil examples, written as xlsx and json."""
    out = {}
    for roster in ROSTERS:
        folder = tmp_path_factory.mktemp(f"reconcile_{roster.stem}")
        workbook, document = folder / "r.xlsx", folder / "r.json"
        args = ("reconcile", roster, KPU, "--dukcapil", DUKCAPIL, "--site", SITE)
        result = run(*args, "-o", workbook)
        run(*args, "-o", document)
        out[roster] = Reconciled(workbook, json.loads(document.read_text(encoding="utf-8")), result.stdout)
    return out


def summary_items(workbook: Path) -> dict[str, object]:
    rows = list(openpyxl.load_workbook(workbook, read_only=True)["Ringkasan"].iter_rows(values_only=True))
    return {record["Uraian"]: record["Jumlah"] for record in records_below(rows, "Uraian")}


@pytest.mark.parametrize("roster", ROSTERS, ids=lambda path: path.name)
def test_reconcile_gives_every_roster_row_one_status_and_the_summary_says_so(roster, reconciled, validated):
    result = reconciled[roster]
    read = validated[roster]
    items = summary_items(result.workbook)
    statuses = {key.split(" — ")[0]: value for key, value in items.items() if STATUS_ROW.match(key)}
    below = below_header(next(example for example in EXAMPLE_FILES if example.path == roster))
    assert items["Baris di bawah judul kolom"] == len(below.rows)
    assert items["Baris bukan data (kosong, jumlah, tanda tangan)"] == read.other_rows
    assert items["Baris data WBP dibaca"] == read.data_rows
    assert sum(statuses.values()) == read.data_rows
    assert items[f"Jumlah status = baris dibaca ({read.data_rows})"] == read.data_rows
    assert f"{read.data_rows} rows read = sum of statuses" in " ".join(result.terminal.split())
    full = sheet_records(result.workbook, "Model A lengkap")
    validated_rows = {record["source_row"] for record in sheet_records(read.workbook, "Baris")}
    assert sorted(record["BARIS"] for record in full) == sorted(validated_rows)
    listed = {status: sum(record["STATUS"] == status for record in full) for status in statuses}
    assert listed == statuses


@pytest.mark.parametrize("roster", ROSTERS, ids=lambda path: path.name)
def test_reconcile_reads_every_row_of_each_input(roster, reconciled, validated):
    payload = reconciled[roster].payload
    assert sorted(row["source_row"] for row in payload["rows"]) == sorted(
        record["source_row"] for record in sheet_records(validated[roster].workbook, "Baris")
    )
    rows_read = {source["name"]: source["rows_read"] for source in payload["provenance"]["inputs"]}
    assert rows_read == {path.name: validated[path].data_rows for path in (roster, KPU, DUKCAPIL)}
    assert summary_items(reconciled[roster].workbook)["DPT: baris dibaca"] == validated[KPU].data_rows


# --- tps-plan -----------------------------------------------------------------------------------------------------


def plan(path: Path, folder: Path) -> dict:
    document = folder / f"plan_{path.stem}.json"
    run("tps-plan", path, "--site", SITE, "-o", document)
    return json.loads(document.read_text(encoding="utf-8"))


def assert_voters_and_left_out_are_the_rows_read(payload: dict, rows_read: set[int]) -> None:
    voters = [row["source_row"] for row in payload["assignments"]]
    left_out = [row["source_row"] for row in payload["left_out"]]
    summary = payload["input"]
    assert summary["rows_read"] == len(rows_read) == summary["voters"] + sum(summary["left_out"].values())
    assert (len(voters), len(left_out)) == (summary["voters"], sum(summary["left_out"].values()))
    assert sorted(voters + left_out) == sorted(rows_read)


@pytest.mark.parametrize("roster", ROSTERS, ids=lambda path: path.name)
def test_tps_plan_from_a_roster_counts_every_row_as_voter_or_left_out(roster, validated, tmp_path):
    payload = plan(roster, tmp_path)
    read = validated[roster]
    assert payload["input"]["rows_not_data"] == read.other_rows
    assert_voters_and_left_out_are_the_rows_read(
        payload, {record["source_row"] for record in sheet_records(read.workbook, "Baris")}
    )


def test_tps_plan_from_a_reconciled_workbook_counts_every_row(reconciled, tmp_path):
    workbook = reconciled[ROSTER].workbook
    payload = plan(workbook, tmp_path)
    assert payload["input"]["kind"] == "reconciled"
    assert_voters_and_left_out_are_the_rows_read(
        payload, {record["BARIS"] for record in sheet_records(workbook, "Model A lengkap")}
    )


# --- missing-nik and apply-nik ------------------------------------------------------------------------------------


@dataclass
class MissingNik:
    workbook: Path
    people: dict[str, list[dict[str, object]]]  # person sheet -> its rows


@pytest.fixture(scope="module")
def missing_nik(tmp_path_factory) -> dict[Path, MissingNik]:
    """missing-nik of each roster, searched in the Dukcapil and KPU examples."""
    out = {}
    for roster in ROSTERS:
        workbook = tmp_path_factory.mktemp(f"missing_{roster.stem}") / "perlu_nik.xlsx"
        run("missing-nik", roster, "--dukcapil", DUKCAPIL, "--kpu", KPU, "--site", SITE, "-o", workbook)
        sheets = openpyxl.load_workbook(workbook, read_only=True)
        people = {
            sheet.title: records_below(list(sheet.iter_rows(values_only=True)), "BARIS WBP")
            for sheet in sheets
            if sheet.title not in NOT_PERSON_SHEETS
        }
        out[roster] = MissingNik(workbook, people)
    return out


@pytest.mark.parametrize("roster", ROSTERS, ids=lambda path: path.name)
def test_missing_nik_accounts_for_every_roster_row(roster, missing_nik, validated):
    result = missing_nik[roster]
    notes = [row[0] for row in openpyxl.load_workbook(result.workbook)["Ringkasan"].iter_rows(values_only=True)]
    accounting = next(ACCOUNTING.fullmatch(note) for note in notes if isinstance(note, str) and ACCOUNTING.match(note))
    read, now, apart, fine, duplicate = map(int, accounting.groups())
    data = {record["source_row"] for record in sheet_records(validated[roster].workbook, "Baris")}
    assert read == len(data) == now + apart + fine + duplicate
    listed = [person["BARIS WBP"] for people in result.people.values() for person in people]
    assert len(listed) == len(set(listed)) == now + apart
    assert set(listed) <= data
    assert len(result.people.get("Tidak untuk pemilu ini", [])) == apart


def fill_one_bad_nik(workbook: Path, returned: Path) -> None:
    """The missing-nik workbook as Dukcapil might send it back: one NIK typed wrong, the rest left empty."""
    book = openpyxl.load_workbook(workbook)
    sheet = next(sheet for sheet in book if sheet.title not in NOT_PERSON_SHEETS)
    rows = list(sheet.iter_rows())
    header = next(row for row in rows if row[0].value == "BARIS WBP")
    column = next(cell.column for cell in header if cell.value == RETURNED_NIK)
    sheet.cell(row=header[0].row + 1, column=column, value="33160912345")
    book.save(returned)


@pytest.mark.parametrize("roster", ROSTERS, ids=lambda path: path.name)
def test_apply_nik_keeps_every_roster_row_and_logs_every_returned_line(roster, missing_nik, validated, tmp_path):
    returned, updated = tmp_path / "kembali.xlsx", tmp_path / "diperbarui.xlsx"
    fill_one_bad_nik(missing_nik[roster].workbook, returned)
    result = runner.invoke(app, [str(a) for a in ("apply-nik", roster, returned, "-o", updated)])
    assert result.exit_code == 1, result.output
    book = openpyxl.load_workbook(updated, read_only=True)
    roster_rows = records_below(list(book["DATA WBP"].iter_rows(values_only=True)), "NO")
    validated_rows = sheet_records(validated[roster].workbook, "Baris")
    assert [row["NO. REGISTRASI"] for row in roster_rows] == [row["reg_no"] for row in validated_rows]
    log = records_below(list(book["Log NIK"].iter_rows(values_only=True)), "LEMBAR KEMBALIAN")
    returned_lines = sum(len(people) for people in missing_nik[roster].people.values())
    assert len(log) == returned_lines
    assert [row["HASIL"] for row in log].count("REJECTED") == 1
