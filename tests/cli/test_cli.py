"""The command line through Typer's CliRunner: exit codes, one-line errors, masking, files, and the same answer as
the library."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import openpyxl
import pytest

from dpt_rutan.commands.reconcile.run import reconcile
from dpt_rutan.election import load_profile
from dpt_rutan.site import load_site
from tests.cli.command_line import run, run_catching

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
DUKCAPIL = EXAMPLES / "dukcapil_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"
FULL_NIK = re.compile(r"\b\d{16}\b")


def reconcile_args(*extra):
    return ("reconcile", ROSTER, KPU, "--dukcapil", DUKCAPIL, "--site", SITE, *extra)


@pytest.mark.parametrize("command", [[], ["validate"], ["reconcile"], ["init-site"]])
def test_help_explains_every_command(command):
    result = run(*command, "--help")
    assert result.exit_code == 0
    assert "Usage" in result.output


def test_reconcile_writes_a_private_workbook_with_every_sheet(tmp_path):
    out = tmp_path / "hasil.xlsx"
    result = run(*reconcile_args("-o", out))
    assert result.exit_code == 0, result.output
    assert "150 rows read = sum of statuses" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    workbook = openpyxl.load_workbook(out, read_only=True)
    assert workbook.sheetnames[0] == "Ringkasan"
    assert {"Pindah memilih", "Perekaman Dukcapil", "Periksa", "Model A lengkap", "Provenance"} <= set(
        workbook.sheetnames
    )


def test_terminal_masks_niks_unless_asked():
    masked = run("validate", ROSTER)
    shown = run("validate", ROSTER, "--show-nik")
    assert masked.exit_code == shown.exit_code == 1
    assert not FULL_NIK.search(masked.output)
    assert re.search(r"\b\d{4}\*{8}\d{4}\b", masked.output)
    assert FULL_NIK.search(shown.output)


def test_json_output_equals_the_library_result(tmp_path):
    out = tmp_path / "hasil.json"
    assert run(*reconcile_args("-o", out)).exit_code == 0
    payload = json.loads(out.read_text(encoding="utf-8"))
    library = reconcile(ROSTER, KPU, dukcapil_path=DUKCAPIL, site=load_site(SITE), profile=load_profile("pemilu2024"))
    cli_statuses = {row["source_row"]: row["status"] for row in payload["rows"]}
    assert cli_statuses == dict(zip(library.decisions["source_row"], library.decisions["status"], strict=True))
    assert payload["provenance"]["inputs"][0]["sha256"]


def test_output_never_overwrites_an_input(tmp_path):
    result = run_catching(*reconcile_args("-o", KPU))
    assert result.exit_code == 2
    assert "Traceback" not in result.output


def test_missing_input_is_one_line_and_exit_2(tmp_path):
    result = run_catching("reconcile", tmp_path / "nope.xlsx", KPU, "--site", SITE)
    assert result.exit_code == 2
    assert "nope.xlsx" in result.output
    assert "Traceback" not in result.output


def test_reconcile_without_a_site_asks_for_the_prison(tmp_path):
    result = run_catching("reconcile", ROSTER, KPU)
    assert result.exit_code == 2
    assert "--district-code" in result.output


def test_validate_exit_codes(tmp_path):
    clean = tmp_path / "clean.csv"
    clean.write_text("NAMA;NIK;TGL LAHIR;JK\nBUDI SANTOSO;3316011203900001;12-03-1990;L\n", encoding="utf-8")
    broken = tmp_path / "broken.csv"
    broken.write_text("NAMA;NIK;TGL LAHIR;JK\nBUDI SANTOSO;3.31601E+15;12-03-1990;L\n", encoding="utf-8")
    assert run("validate", clean).exit_code == 0
    assert run("validate", broken).exit_code == 1
    assert run_catching("validate", tmp_path / "none.csv").exit_code == 2


def test_validate_report_names_rows_as_the_user_sees_them(tmp_path):
    out = tmp_path / "temuan.csv"
    result = run("validate", ROSTER, "-o", out)
    assert result.exit_code == 1
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("source_row,sheet")
    assert len(lines) == 1 + 150  # every data row, clean or not
    assert lines[1].startswith("6,DATA WBP")  # the first data row is row 6 under the title block and header
    assert any("EXCEL_MANGLED" in line for line in lines)


def test_bad_map_option_is_a_usage_error():
    result = run_catching("validate", ROSTER, "--map", "nik")
    assert result.exit_code == 2
    assert "field=Header" in result.output


def test_init_site_writes_a_template_that_loads(tmp_path):
    path = tmp_path / "site.toml"
    assert run("init-site", path).exit_code == 0
    assert load_site(path).tps_numbers == (901,)
    again = run_catching("init-site", path)
    assert again.exit_code == 2


def test_missing_nik_lists_people_and_exits_1(tmp_path):
    out = tmp_path / "perekaman.xlsx"
    result = run("missing-nik", ROSTER, "--dukcapil", DUKCAPIL, "--site", SITE, "-o", out)
    assert result.exit_code == 1
    assert "Baris data WBP dibaca: 150" in result.output
    assert not FULL_NIK.search(result.output)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_apply_nik_round_trip_through_the_cli(tmp_path):
    listed = tmp_path / "perekaman.xlsx"
    run("missing-nik", ROSTER, "--dukcapil", DUKCAPIL, "--site", SITE, "-o", listed)
    updated = tmp_path / "roster-baru.xlsx"
    unchanged = run("apply-nik", ROSTER, listed, "-o", updated)
    assert unchanged.exit_code == 0, unchanged.output
    assert "APPLIED" in unchanged.output
    assert updated.exists()


def test_diff_of_two_snapshots_accounts_for_both_files(tmp_path):
    out = tmp_path / "perubahan.json"
    old = EXAMPLES / "roster_rutan_blora_2023-12-15.xlsx"
    result = run("diff", old, ROSTER, "--kpu", KPU, "--site", SITE, "-o", out)
    assert result.exit_code == 0, result.output
    assert "143  Baris berkas lama" in result.output
    assert "150  Baris berkas baru" in result.output
    assert json.loads(out.read_text(encoding="utf-8"))["provenance"]["inputs"][2]["name"] == KPU.name
