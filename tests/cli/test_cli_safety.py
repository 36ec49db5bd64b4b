"""What the command line prints, whatever the files hold: no crash on a legacy console encoding, data shown as data
(never as rich markup), NIKs masked wherever they end up, the tool's own exit codes and one-line errors."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from dpt_rutan import __version__
from dpt_rutan.cli import terminal
from dpt_rutan.commands.missing_nik.columns import FILL_NIK, KEY_REG_NO, KEY_ROW
from dpt_rutan.report.mask import mask_text
from tests.cli.command_line import run
from tests.commands.missing_nik.test_missing_nik import PEOPLE, write_roster

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"
FULL_NIK = re.compile(r"(?<![0-9])[0-9]{15,16}(?![0-9])")
NIK = "3316010503900001"
MARKUP = ("[/x]", "[red]MERAH[/red]", "[link=https://example.org]klik[/link]", "[bold]")


def write_csv(path: Path, lines: list[str], encoding: str = "utf-8") -> Path:
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


@pytest.fixture
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """A terminal wide enough that no table cell wraps: values are checked as printed."""
    # rich's _width, not its width property: undoing a set width would pin the width it had then (80) for the
    # tests that follow, which then ignore COLUMNS; _width is put back as it was (None: from the terminal).
    monkeypatch.setattr(terminal.console, "_width", 250)


def error_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("dpt-rutan: error:")]


# --- 1. a console or redirect in cp1252 -------------------------------------------------------------------------


def dpt_rutan_command() -> str:
    command = shutil.which("dpt-rutan", path=str(Path(sys.executable).parent))
    assert command, "the dpt-rutan script of this environment"
    return command


@pytest.mark.parametrize("encoding", ["cp1252", "cp437", "ascii"])
def test_output_redirected_in_a_legacy_encoding_degrades_instead_of_crashing(tmp_path: Path, encoding: str):
    out, err = tmp_path / "v.txt", tmp_path / "err.txt"
    environment = {**os.environ, "PYTHONIOENCODING": encoding}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        finished = subprocess.run(
            [dpt_rutan_command(), "validate", str(ROSTER)], stdout=stdout, stderr=stderr, env=environment, timeout=120
        )
    errors = err.read_bytes().decode(encoding)
    assert finished.returncode == 1, errors  # the example roster has findings: 1, not 70
    text = out.read_bytes().decode(encoding)
    assert "DOB_MISMATCH" in text
    assert " != " in text  # "≠" written as its ASCII stand-in
    assert not FULL_NIK.search(text)


def test_an_error_line_in_a_legacy_encoding_is_written_too(tmp_path: Path):
    bad = write_csv(tmp_path / "bad.csv", ["x"])
    environment = {**os.environ, "PYTHONIOENCODING": "cp1252"}
    finished = subprocess.run(
        [dpt_rutan_command(), "validate", str(bad)], capture_output=True, env=environment, timeout=120
    )
    assert finished.returncode == 2
    assert finished.stderr.decode("cp1252").startswith("dpt-rutan: error:")


# --- 4. rich markup in the data ---------------------------------------------------------------------------------


def test_validate_prints_markup_in_cells_and_file_names_as_written(tmp_path: Path, wide_terminal: None):
    roster = write_csv(
        tmp_path / "wbp [red]merah[bold].csv",
        ["Nama,NIK,Tanggal Lahir,Jenis Kelamin"] + [f"ORANG {i},{cell},05-03-1990,L" for i, cell in enumerate(MARKUP)],
    )
    result = run("validate", roster)
    assert result.exit_code == 1, result.output
    assert "wbp [red]merah[bold].csv" in result.output
    for cell in MARKUP:
        assert f" {cell} " in result.output


def test_missing_nik_prints_markup_in_names_as_written(tmp_path: Path, wide_terminal: None):
    people = [(*PEOPLE[1][:1], "[/x] AGUS [link=https://example.org]SALIM[/link]", *PEOPLE[1][2:]), *PEOPLE[2:4]]
    roster = write_roster(tmp_path / "roster.xlsx", people)
    result = run("missing-nik", roster, "--site", SITE)
    assert result.exit_code == 1, result.output
    assert " [/x] AGUS [link=https://example.org]SALIM[/link] " in result.output


def test_reconcile_prints_a_prison_name_with_markup_as_written(wide_terminal: None):
    name = "Rutan [/x] Blora [red]"
    result = run("reconcile", ROSTER, KPU, "--site", SITE, "--name", name)
    assert result.exit_code == 0, result.output
    assert f"{name} — Pemilu 2024" in result.output


def test_an_error_quoting_markup_is_printed_as_written(tmp_path: Path):
    roster = write_csv(tmp_path / "r.csv", ["[/x],NIK,[red]B[/red],[link=x]C", "1,2,3,4"])
    result = run("validate", roster)
    assert result.exit_code == 2, result.output
    (line,) = error_lines(result.output)
    assert "'[/x]', 'NIK', '[red]B[/red]', '[link=x]C'" in line


# --- 5. NIKs masked in everything printed -----------------------------------------------------------------------


def test_a_data_row_taken_for_headers_shows_its_nik_masked(tmp_path: Path):
    roster = write_csv(tmp_path / "tanpa_header.csv", [f"{NIK},NIK,12-03-1990", "3316014503900002,x,12-03-1991"])
    result = run("validate", roster)
    assert result.exit_code == 2
    (line,) = error_lines(result.output)
    assert "headers found" in line
    assert "3316********0001" in line
    assert not FULL_NIK.search(result.output)


def test_a_nik_shifted_into_another_column_is_masked_unless_asked(tmp_path: Path):
    roster = write_csv(
        tmp_path / "koma.csv",
        ["Nama,NIK,Tanggal Lahir,Jenis Kelamin", f"BUDI, S.H.,{NIK},05-03-1990,L", "AGUS,3316014503900002,05-03-90,P"],
    )
    masked = run("validate", roster)
    assert masked.exit_code == 1
    assert "BAD_BIRTH_DATE" in masked.output  # the NIK is in the birth-date column
    assert not FULL_NIK.search(masked.output)
    assert "3316********0001" in masked.output
    assert NIK in run("validate", roster, "--show-nik").output


def test_the_debug_traceback_masks_niks_too(tmp_path: Path):
    roster = write_csv(tmp_path / "tanpa_header.csv", [f"{NIK},NIK,12-03-1990", "3316014503900002,x,12-03-1991"])
    result = run("--debug", "validate", roster)
    assert result.exit_code == 2
    assert "Traceback" in result.output
    assert not FULL_NIK.search(result.output)


def test_mask_text_masks_nik_like_numbers_anywhere_and_nothing_else():
    assert mask_text(f"x '{NIK}' y") == "x '3316********0001' y"
    assert mask_text("331601050390001") == "3316*******0001"  # fifteen digits: a NIK that lost one
    assert mask_text("3316 0105 0390 0001") == "3316 **** **** 0001"
    assert mask_text("row 12, 150 rows, 2024-02-14, 3.31609E+15, 12345678901234") == (
        "row 12, 150 rows, 2024-02-14, 3.31609E+15, 12345678901234"
    )


# --- 6. exit codes under --debug, unreadable inputs and bad option values as one line ---------------------------


def test_debug_keeps_the_exit_code_and_shows_the_traceback(tmp_path: Path):
    missing = tmp_path / "nope.xlsx"
    plain, debug = run("validate", missing), run("--debug", "validate", missing)
    assert plain.exit_code == debug.exit_code == 2
    assert "Traceback" not in plain.output
    assert "Traceback" in debug.output
    assert error_lines(debug.output) == error_lines(plain.output)


@pytest.mark.parametrize("kind", ["missing", "folder"])
def test_an_unreadable_input_is_the_tools_one_line(tmp_path: Path, kind: str):
    path = tmp_path / "nope.xlsx" if kind == "missing" else tmp_path
    commands = (
        ["validate", path],
        ["reconcile", path, KPU, "--site", SITE],
        ["reconcile", ROSTER, path, "--site", SITE],
    )
    for args in commands:
        result = run(*args)
        assert result.exit_code == 2, result.output
        assert len(error_lines(result.output)) == 1, result.output
        assert "Invalid value" not in result.output and "╭" not in result.output


def test_a_bad_option_value_is_one_line_and_a_usage_error_has_no_box():
    bad_date = run("tps-plan", ROSTER, "--site", SITE, "--as-of", "2024-13-01")
    assert bad_date.exit_code == 2
    assert error_lines(bad_date.output) == [line for line in bad_date.output.splitlines() if line.strip()]
    assert "--as-of" in bad_date.output
    unknown = run("validate", "--bogus", ROSTER)
    assert unknown.exit_code == 2
    assert "No such option: --bogus" in unknown.output
    assert "╭" not in unknown.output + bad_date.output


def test_version_and_debug_options_still_work():
    for option in ("-V", "--version"):
        result = run(option)
        assert result.exit_code == 0
        assert result.output.strip() == f"dpt-rutan {__version__}"
    assert run("--debug", "validate", ROSTER).exit_code == 1
    assert "Usage" in run().output


# --- 7. apply-nik with a row reference that is no row number ----------------------------------------------------


def test_apply_nik_with_a_fractional_row_reference_names_the_cell(tmp_path: Path):
    roster = write_roster(tmp_path / "roster.xlsx")
    returned = tmp_path / "perekaman.xlsx"
    assert run("missing-nik", roster, "--site", SITE, "-o", returned).exit_code == 1
    workbook = openpyxl.load_workbook(returned)
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        header = next((row for row in rows[:30] if row[0].value == KEY_ROW), None)
        if header is not None and len(rows) > header[0].row:
            column = {cell.value: cell.column for cell in header}
            line = header[0].row + 1
            sheet.cell(line, column[KEY_ROW]).value = 14.5
            sheet.cell(line, column[KEY_REG_NO]).value = None
            sheet.cell(line, column[FILL_NIK]).value = "3316092505850002"
            break
    workbook.save(returned)
    out = tmp_path / "roster_baru.xlsx"
    result = run("apply-nik", roster, returned, "-o", out)
    assert result.exit_code == 1, result.output
    log = openpyxl.load_workbook(out, read_only=True)["Log NIK"]
    reasons = [str(cell) for row in log.iter_rows(values_only=True) for cell in row if cell]
    assert any("BARIS WBP '14.5' bukan nomor baris" in reason for reason in reasons)


def test_emoji_codes_in_data_are_printed_as_written(tmp_path, wide_terminal):
    path = write_csv(tmp_path / "wbp.csv", ["NAMA;NIK;TGL LAHIR;JK", "BUDI;-;12-03-1990;:x:"])
    result = run("validate", path)
    assert ":x:" in result.output and "❌" not in result.output, result.output
