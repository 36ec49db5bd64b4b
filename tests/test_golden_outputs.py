"""Every command of the CLI, run on ``examples/``, writes the very reports it wrote when the goldens were made.

The safety net for moving modules around (issue 17): each case runs one command through Typer's CliRunner and
compares its exit code, its terminal output and every file it writes with ``tests/data/golden/<case>.json``.
Workbooks are compared by sheet names in order, every cell's value and type, and the number formats per column;
CSV, JSON and text files line by line. Regenerate the goldens from the code as it is with
``DPT_RUTAN_UPDATE_GOLDEN=1 pytest tests/test_golden_outputs.py``.

The commands run in a fresh folder holding copies of the examples, given relative paths, with ``sys.argv`` set to
the command line a user would type and the terminal 160 columns wide: so the command line in provenance, the
terminal's wrapping and every path but the folder's own are the same on every machine, and nothing has to be masked
for them. What still differed between two runs (every case run twice, in two folders, in two processes with
different hash seeds, seconds apart, once in another time zone and so on another date) is masked, and nothing else:

* the run's date and time: provenance's "created at" timestamp (with the machine's time zone) and the day the
  report was made ("Dibuat / made: 04-12-2026"), in any of the forms reports write a date in;
* the run's folder, in provenance's input paths;
* the tool's version, in provenance;
* the SHA-256 and size of inputs that the run itself wrote: workbooks written by openpyxl or by an earlier command
  carry the time they were saved in their zip entries and document properties.
"""

from __future__ import annotations

import functools
import json
import os
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
GOLDEN = Path(__file__).resolve().parent / "data" / "golden"
UPDATE = os.environ.get("DPT_RUTAN_UPDATE_GOLDEN") == "1"

ROSTER = "roster_rutan_blora.xlsx"
OLD_ROSTER = "roster_rutan_blora_2023-12-15.xlsx"
KPU = "dpt_kpu_blora.csv"
DUKCAPIL = "dukcapil_blora.csv"
SITE = "site_rutan_blora.toml"
DAPIL = "dapil_blora.csv"
TOOL = "dpt-rutan"
TERMINAL_WIDTH = 160  # wide enough that no table cuts a header or a cell short
RECONCILE = ("reconcile", ROSTER, KPU, "--dukcapil", DUKCAPIL, "--site", SITE)
MISSING_NIK_WORKBOOK = "perekaman.xlsx"
RETURNED_WORKBOOK = "perekaman_kembali.xlsx"

# Two prisons, each with its own roster: the example prison, and a second one in the same kecamatan whose roster is
# the example prison's earlier snapshot (so the province summary has inmates listed by two prisons).
SITE_TABLE = (
    "Nama UPT,Kode Kecamatan,TPS,Berkas WBP\r\n"
    "Rutan Kelas IIB Blora,33.16.09,901,blora.xlsx\r\n"
    "Lapas Uji Cepu,331609,TPS 902,cepu.xlsx\r\n"
)

# What a Dukcapil officer types into the missing-nik workbook, by its BARIS WBP key: two NIKs the list proposes
# (good) and one with the birth day one off (refused).
RETURNED_NIKS = {
    14: {"NIK DITEMUKAN/DIREKAM": "3316091306000001", "TANGGAL": "20-01-2024", "PETUGAS": "SUPRIYADI"},
    97: {"NIK DITEMUKAN/DIREKAM": "3316052202880001", "NKK": "3316052202100001"},
    27: {"NIK DITEMUKAN/DIREKAM": "3316081009700001"},
}


def write_site_table(work: Path) -> None:
    folder = work / "upt"
    folder.mkdir()
    shutil.copyfile(work / ROSTER, folder / "blora.xlsx")
    shutil.copyfile(work / OLD_ROSTER, folder / "cepu.xlsx")
    (folder / "upt.csv").write_bytes(SITE_TABLE.encode())


def fill_in_returned_niks(work: Path) -> None:
    workbook = openpyxl.load_workbook(work / MISSING_NIK_WORKBOOK)
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        header = next((row for row in rows[:30] if row[0].value == "BARIS WBP"), None)
        if header is None:
            continue
        column = {cell.value: cell.column for cell in header}
        for row in rows[header[0].row :]:
            for title, value in RETURNED_NIKS.get(row[0].value, {}).items():
                sheet.cell(row[0].row, column[title]).value = value
    workbook.save(work / RETURNED_WORKBOOK)


@dataclass(frozen=True)
class Case:
    """One command line, the files and folders it writes, and what to prepare in the work folder before it runs."""

    name: str
    args: tuple[str, ...]
    outputs: tuple[str, ...] = ()
    prepare: Callable[[Path], None] | None = None
    written_inputs: tuple[str, ...] = ()  # inputs an earlier step of the run wrote: their bytes differ every run


# In this order: apply-nik reads what missing-nik wrote, tps-plan what reconcile wrote.
CASES = (
    Case("validate_roster", ("validate", ROSTER, "-o", "validasi_wbp.xlsx"), ("validasi_wbp.xlsx",)),
    Case("validate_roster_json", ("validate", ROSTER, "-o", "validasi_wbp.json"), ("validasi_wbp.json",)),
    Case("validate_kpu", ("validate", KPU, "-o", "validasi_dpt.csv"), ("validasi_dpt.csv",)),
    Case("reconcile_xlsx", (*RECONCILE, "-o", "hasil.xlsx"), ("hasil.xlsx",)),
    Case("reconcile_csv", (*RECONCILE, "-o", "hasil.csv"), ("hasil.csv",)),
    Case("reconcile_json", (*RECONCILE, "-o", "hasil.json"), ("hasil.json",)),
    Case(
        "reconcile_sites",
        ("reconcile-sites", "upt/upt.csv", KPU, "--dukcapil", DUKCAPIL, "-o", "hasil_upt"),
        ("hasil_upt",),
        prepare=write_site_table,
    ),
    Case(
        "reconcile_sites_csv",
        ("reconcile-sites", "upt/upt.csv", KPU, "--dukcapil", DUKCAPIL, "--format", "csv", "-o", "hasil_upt_csv"),
        ("hasil_upt_csv",),
    ),
    Case(
        "missing_nik",
        ("missing-nik", ROSTER, "--dukcapil", DUKCAPIL, "--kpu", KPU, "--site", SITE, "-o", MISSING_NIK_WORKBOOK),
        (MISSING_NIK_WORKBOOK,),
    ),
    Case(
        "apply_nik",
        ("apply-nik", ROSTER, RETURNED_WORKBOOK, "-o", "roster_baru.xlsx"),
        ("roster_baru.xlsx",),
        prepare=fill_in_returned_niks,
        written_inputs=(RETURNED_WORKBOOK,),
    ),
    Case(
        "tps_plan_roster",
        ("tps-plan", ROSTER, "--site", SITE, "--dapil", DAPIL, "-o", "rencana_tps.xlsx"),
        ("rencana_tps.xlsx",),
    ),
    Case(
        "tps_plan_reconciled",
        ("tps-plan", "hasil.xlsx", "--site", SITE, "--dapil", DAPIL, "-o", "rencana_hasil.xlsx"),
        ("rencana_hasil.xlsx",),
        written_inputs=("hasil.xlsx",),
    ),
    Case(
        "tps_plan_reconciled_with_roster",
        ("tps-plan", "hasil.xlsx", "--site", SITE, "--dapil", DAPIL, "--roster", ROSTER, "-o", "rencana_forecast.json"),
        ("rencana_forecast.json",),
        written_inputs=("hasil.xlsx",),
    ),
    Case(
        "diff",
        ("diff", OLD_ROSTER, ROSTER, "--kpu", KPU, "--site", SITE, "-o", "perubahan.xlsx"),
        ("perubahan.xlsx",),
    ),
    Case(
        "diff_csv",
        ("diff", OLD_ROSTER, ROSTER, "--kpu", KPU, "--site", SITE, "-o", "perubahan.csv"),
        ("perubahan.csv",),
    ),
    Case("init_site", ("init-site", "site_baru.toml"), ("site_baru.toml",)),
)


# --- masking what differs between runs ---------------------------------------------------------------------------

PROVENANCE_SHEET = "Provenance"
DATE_FORMS = ("%d-%m-%Y", "%Y-%m-%d", "%d/%m/%Y")
RUN_TIMESTAMP = re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})?")
INPUT_NAME_KEY = re.compile(r"Berkas / Input (\d+): nama / name")
INPUT_VARYING_KEY = re.compile(r"Berkas / Input (\d+): (SHA-256|ukuran / size \(bytes\))")
WRITTEN_INPUT_JSON = r'("name": "{name}",\n(?:[^\n]*\n){{0,3}}?\s*"sha256": )"[0-9a-f]{{64}}"(,\n\s*"size_bytes": )\d+'


@functools.cache
def tool_version() -> str:
    """The version ``dpt-rutan --version`` prints, asked of the command line itself."""
    return CliRunner().invoke(app, ["--version"]).stdout.split()[-1]


# --- running ------------------------------------------------------------------------------------------------------


def run_case(case: Case, work: Path) -> dict[str, Any]:
    """Run one case in ``work`` and return what it did, normalised: exit code, terminal output, files written."""
    if case.prepare is not None:
        case.prepare(work)
    started = datetime.now().astimezone()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(work)
        patch.setenv("COLUMNS", str(TERMINAL_WIDTH))
        patch.setattr(sys, "argv", [TOOL, *case.args])
        result = CliRunner().invoke(app, list(case.args), catch_exceptions=False)
    masks = RunMasks(work, started, datetime.now().astimezone(), case.written_inputs)
    return {
        "command": [TOOL, *case.args],
        "exit_code": result.exit_code,
        "stdout": masks.text(result.stdout).splitlines(),
        "stderr": masks.text(result.stderr).splitlines(),
        "outputs": {name: snapshot(work / name, masks) for name in written_files(work, case.outputs)},
    }


def written_files(work: Path, outputs: tuple[str, ...]) -> list[str]:
    """The files a case wrote, a folder's by name; a missing output is listed too, to show up as missing."""
    names: list[str] = []
    for output in outputs:
        path = work / output
        if path.is_dir():
            names += sorted(file.relative_to(work).as_posix() for file in path.rglob("*") if file.is_file())
        else:
            names.append(output)
    return names


def snapshot(path: Path, masks: RunMasks) -> dict[str, Any]:
    if not path.exists():
        return {"missing": True}
    if path.suffix == ".xlsx":
        return workbook_snapshot(path, masks)
    # Bytes decoded as they are, line ends kept: CSV reports end lines with CRLF, JSON and TOML with LF.
    return {"lines": masks.text(path.read_bytes().decode("utf-8")).splitlines(keepends=True)}


def workbook_snapshot(path: Path, masks: RunMasks) -> dict[str, Any]:
    """Sheet names in order, and per sheet its cell values (typed) and the number formats of each column."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = {}
        for sheet in workbook.worksheets:
            rows, formats = [], {}
            for row in sheet.iter_rows():
                rows.append([masks.cell(cell.value) for cell in row])
                for position, cell in enumerate(row):
                    formats.setdefault(position, []).append(cell.number_format)
            rows = masks.provenance_rows(rows) if sheet.title == PROVENANCE_SHEET else rows
            sheets[sheet.title] = {"rows": trimmed(rows), "number_formats": format_runs(formats)}
        return {"sheet_names": workbook.sheetnames, "sheets": sheets}
    finally:
        workbook.close()


def trimmed(rows: list[list[Any]]) -> list[list[Any]]:
    """Rows without their trailing empty cells: read-only mode pads every row to the sheet's widest."""
    result = []
    for row in rows:
        while row and row[-1] is None:
            row = row[:-1]
        result.append(row)
    return result


def format_runs(formats: dict[int, list[str]]) -> dict[str, list[list[Any]]]:
    """Per column (A, B, ...) with any format but General, its number formats top to bottom as [format, count]."""
    runs: dict[str, list[list[Any]]] = {}
    for position, column in formats.items():
        if all(number_format == "General" for number_format in column):
            continue
        column_runs: list[list[Any]] = []
        for number_format in column:
            if column_runs and column_runs[-1][0] == number_format:
                column_runs[-1][1] += 1
            else:
                column_runs.append([number_format, 1])
        runs[openpyxl.utils.get_column_letter(position + 1)] = column_runs
    return runs


class RunMasks:
    """Masks what differs between two runs of the same command on the same files, and nothing else."""

    def __init__(self, work: Path, started: datetime, ended: datetime, written_inputs: tuple[str, ...]) -> None:
        self.folders = sorted({str(work), str(work.resolve())}, key=len, reverse=True)
        self.started, self.ended = started, ended
        self.days = [started.date(), ended.date()]
        self.written_inputs = written_inputs

    def text(self, text: str) -> str:
        for folder in self.folders:
            text = text.replace(folder, "<work>")
        text = RUN_TIMESTAMP.sub(self._timestamp, text)
        for day in self.days:
            for form in DATE_FORMS:
                text = text.replace(day.strftime(form), "<run date>")
        version = tool_version()
        text = text.replace(f"{TOOL} {version}", f"{TOOL} <version>")
        text = text.replace(f'"version": "{version}"', '"version": "<version>"')
        for name in self.written_inputs:
            text = re.sub(WRITTEN_INPUT_JSON.format(name=re.escape(name)), r"\1<sha256>\2<size>", text)
        return text

    def _timestamp(self, match: re.Match[str]) -> str:
        moment = datetime.fromisoformat(match[0])
        if moment.tzinfo is None:
            moment = moment.astimezone()
        slack = timedelta(seconds=2)
        return "<run time>" if self.started - slack <= moment <= self.ended + slack else match[0]

    def cell(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, datetime | date):
            return {type(value).__name__: value.isoformat()}
        if value is None or isinstance(value, bool | int | float):
            return value
        return {type(value).__name__: str(value)}

    def provenance_rows(self, rows: list[list[Any]]) -> list[list[Any]]:
        """The Provenance sheet with the checksum and size of every input this run wrote masked."""
        written = {
            match[1]
            for key, value, *_ in ([*row, None, None] for row in rows)
            if isinstance(key, str) and (match := INPUT_NAME_KEY.match(key)) and value in self.written_inputs
        }
        masked = []
        for row in rows:
            match = INPUT_VARYING_KEY.match(str(row[0])) if row else None
            varying = "<sha256>" if match and match[2] == "SHA-256" else "<size>"
            masked.append([row[0], varying, *row[2:]] if match and match[1] in written else row)
        return masked


# --- goldens ------------------------------------------------------------------------------------------------------


LINE_KEYS = ("lines", "stdout", "stderr")


def dumps(value: Any, indent: str = "", *, one_per_line: bool = False) -> str:
    """JSON with a row of cells on one line and a text's lines one per line: compact, and a diff shows the row."""
    inner = indent + " "
    if isinstance(value, dict) and value:
        items = [
            f"{inner}{json.dumps(key, ensure_ascii=False)}: {dumps(item, inner, one_per_line=key in LINE_KEYS)}"
            for key, item in value.items()
        ]
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(value, list) and value and (one_per_line or any(isinstance(item, dict | list) for item in value)):
        return "[\n" + ",\n".join(inner + dumps(item, inner) for item in value) + "\n" + indent + "]"
    return json.dumps(value, ensure_ascii=False)


def first_difference(golden: Any, now: Any, path: tuple[Any, ...] = ()) -> tuple[tuple[Any, ...], Any, Any] | None:
    """Where two snapshots first differ (the path of keys and indexes) and the two values there."""
    if isinstance(golden, dict) and isinstance(now, dict):
        for key in [*golden, *(key for key in now if key not in golden)]:
            found = first_difference(golden.get(key, "<absent>"), now.get(key, "<absent>"), (*path, key))
            if found:
                return found
        return None
    if isinstance(golden, list) and isinstance(now, list):
        for index in range(max(len(golden), len(now))):
            old = golden[index] if index < len(golden) else "<absent>"
            new = now[index] if index < len(now) else "<absent>"
            found = first_difference(old, new, (*path, index))
            if found:
                return found
        return None
    same = golden == now and type(golden) is type(now)
    return None if same else (path, golden, now)


def describe(path: tuple[Any, ...]) -> str:
    """A path in the reader's terms: the file, then the sheet and cell (B7) or the line number."""
    match path:
        case ("outputs", file, "sheets", sheet, "rows", row, column):
            return f"{file}, sheet '{sheet}', cell {openpyxl.utils.get_column_letter(column + 1)}{row + 1}"
        case ("outputs", file, "sheets", sheet, "rows", row):
            return f"{file}, sheet '{sheet}', row {row + 1}"
        case ("outputs", file, "sheets", sheet, "number_formats", column, *_):
            return f"{file}, sheet '{sheet}', number formats of column {column} ([format, cells] top to bottom)"
        case ("outputs", file, "lines", line):
            return f"{file}, line {line + 1}"
        case (("stdout" | "stderr") as stream, line):
            return f"{stream}, line {line + 1}"
    return " > ".join(map(str, path))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every case, run in order in one folder holding copies of the examples."""
    work = tmp_path_factory.mktemp("golden")
    for example in EXAMPLES.iterdir():
        shutil.copyfile(example, work / example.name)
    return {case.name: run_case(case, work) for case in CASES}


@pytest.mark.parametrize("case", [case.name for case in CASES])
def test_command_writes_its_golden_output(runs: dict[str, dict[str, Any]], case: str) -> None:
    golden_file = GOLDEN / f"{case}.json"
    now = runs[case]
    if UPDATE:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        golden_file.write_text(dumps(now) + "\n", encoding="utf-8")
        return
    assert golden_file.exists(), f"no golden for {case}: make it with DPT_RUTAN_UPDATE_GOLDEN=1"
    difference = first_difference(json.loads(golden_file.read_text(encoding="utf-8")), now)
    if difference:
        path, old, new = difference
        pytest.fail(f"{case}: {describe(path)}: golden {old!r} != now {new!r}", pytrace=False)
