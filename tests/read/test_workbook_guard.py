"""Spreadsheet bombs are refused with one line and exit 2 before python-calamine allocates for them."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.errors import UnusableInputError
from dpt_rutan.read import reader, workbook_guard

runner = CliRunner()
KPU = Path(__file__).resolve().parents[2] / "examples" / "dpt_kpu_blora.csv"
ROSTER = KPU.with_name("roster_rutan_blora.xlsx")
SITE = Path(__file__).resolve().parents[2] / "examples" / "site_rutan_blora.toml"


def _roster(path: Path, far_cell: str | None = None) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "WBP"
    sheet.append(["NIK", "NAMA", "TGL LAHIR", "JK"])
    sheet.append(["3316090311780001", "BUDI", "03-11-1978", "L"])
    if far_cell:
        sheet[far_cell] = " "
    workbook.save(path)
    return path


def _replace_part(path: Path, name: str, content: bytes, compresslevel: int = 9) -> Path:
    """Write a copy of the workbook at ``path`` with the part ``name`` replaced (or added)."""
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = content
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return path


def _assert_one_line_refusal(result, *words: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in lines[0], lines[0]


@pytest.mark.parametrize("command", ["validate", "reconcile", "missing-nik"])
def test_one_far_cell_is_refused_in_one_line_by_every_command(tmp_path, command):
    roster = _roster(tmp_path / "far.xlsx", "XFD1048576")
    args = {"validate": [roster], "reconcile": [roster, KPU, "--site", SITE, "-o", tmp_path / "out.xlsx"]}
    args["missing-nik"] = [roster, "--site", SITE, "-o", tmp_path / "perekaman.xlsx"]
    result = runner.invoke(app, [command, *map(str, args[command])])
    _assert_one_line_refusal(result, "far.xlsx", "sheet 'WBP'", "XFD", "50,000,000", "DPT_RUTAN_MAX_CELLS")


def test_the_limit_is_raised_with_the_environment_variable(tmp_path, monkeypatch):
    roster = _roster(tmp_path / "wide.xlsx", "CV2000")  # 100 columns x 2,000 rows = 200,000 cells
    monkeypatch.setenv("DPT_RUTAN_MAX_CELLS", "100000")
    _assert_one_line_refusal(runner.invoke(app, ["validate", str(roster)]), "200,000", "100,000")
    monkeypatch.setenv("DPT_RUTAN_MAX_CELLS", "300000")
    assert reader.read_table(roster).data["name"].tolist() == ["BUDI"]


def test_a_stale_dimension_or_a_far_formatted_cell_is_read(tmp_path):
    roster = _roster(tmp_path / "stale.xlsx")
    with zipfile.ZipFile(roster) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
    xml = xml.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576" s="1" t="n" /></row></sheetData>')
    _replace_part(roster, "xl/worksheets/sheet1.xml", xml)
    assert reader.read_table(roster).data["name"].tolist() == ["BUDI"]


def test_a_row_bomb_is_refused(tmp_path):
    """A million rows with a cell in column A and one in AZ: 54 million cells, a few MB zipped."""
    roster = _roster(tmp_path / "rows.xlsx")
    with zipfile.ZipFile(roster) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml")
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>1</v></c><c r="AZ%d"><v>1</v></c></row>' % (n, n, n) for n in range(3, 1_048_577)
    )
    _replace_part(roster, "xl/worksheets/sheet1.xml", xml.replace(b"</sheetData>", rows + b"</sheetData>"), 1)
    assert roster.stat().st_size < 20 * 2**20
    result = runner.invoke(app, ["validate", str(roster)])
    _assert_one_line_refusal(result, "rows.xlsx", "row 1,048,576", "column AZ", "DPT_RUTAN_MAX_CELLS")


def test_a_shared_string_bomb_is_refused_before_the_workbook_is_opened(tmp_path, monkeypatch):
    monkeypatch.setenv("DPT_RUTAN_MAX_UNZIPPED_MB", "20")
    strings = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>'
    strings += b"A" * (30 * 2**20) + b"</t></si></sst>"
    roster = _replace_part(_roster(tmp_path / "strings.xlsx"), "xl/sharedStrings.xml", strings)
    _assert_one_line_refusal(runner.invoke(app, ["validate", str(roster)]), "strings.xlsx", "20 MB", "MAX_UNZIPPED")


def test_a_part_that_inflates_like_a_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv("DPT_RUTAN_MAX_UNZIPPED_MB", "40")
    roster = _replace_part(_roster(tmp_path / "ratio.xlsx"), "xl/sharedStrings.xml", b" " * (5 * 2**20))
    with pytest.raises(UnusableInputError, match=r"sharedStrings\.xml inflates"):
        reader.read_table(roster)


def test_a_limit_that_is_not_a_number_is_said_so(tmp_path, monkeypatch):
    monkeypatch.setenv(workbook_guard.CELLS_VARIABLE, "lots")
    result = runner.invoke(app, ["validate", str(_roster(tmp_path / "r.xlsx"))])
    _assert_one_line_refusal(result, "DPT_RUTAN_MAX_CELLS", "lots")


def test_apply_nik_and_tps_plan_refuse_a_far_cell_in_the_workbooks_they_read_whole(tmp_path):
    far = _roster(tmp_path / "far.xlsx", "XFD1048576")
    result = runner.invoke(app, ["apply-nik", str(ROSTER), str(far), "-o", str(tmp_path / "baru.xlsx")])
    _assert_one_line_refusal(result, "far.xlsx", "XFD", "DPT_RUTAN_MAX_CELLS")
    result = runner.invoke(app, ["tps-plan", str(far), "--site", str(SITE), "-o", str(tmp_path / "plan.xlsx")])
    _assert_one_line_refusal(result, "far.xlsx", "XFD", "DPT_RUTAN_MAX_CELLS")
