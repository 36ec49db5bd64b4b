"""tps-plan on a reconciled workbook without --roster says that the inflow forecast is zero and how to fix it."""

from __future__ import annotations

from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.commands.plan.inputs import load_plan_inputs
from tests.commands.plan.test_plan_inputs import BLORA, PEMILU, write_reconciled, write_roster

SITE_TOML = 'name = "Rutan Kelas IIB Blora"\ndistrict_code = "33.16.09"\ntps_numbers = [901]\nprofile = "pemilu2024"\n'


def test_a_workbook_without_its_roster_is_flagged(tmp_path):
    workbook = write_reconciled(tmp_path / "hasil.xlsx")
    alone = load_plan_inputs(workbook, site=BLORA, profile=PEMILU)
    assert "PLAN_INPUT_NO_ROSTER" in [flag.code for flag in alone.flags]
    with_roster = load_plan_inputs(workbook, site=BLORA, profile=PEMILU, roster=write_roster(tmp_path / "wbp.xlsx"))
    assert "PLAN_INPUT_NO_ROSTER" not in [flag.code for flag in with_roster.flags]


def test_cli_tps_plan_points_to_roster(tmp_path):
    workbook = write_reconciled(tmp_path / "hasil.xlsx")
    site = tmp_path / "site.toml"
    site.write_text(SITE_TOML, encoding="utf-8")
    result = CliRunner().invoke(app, ["tps-plan", str(workbook), "--site", str(site)])
    assert result.exit_code == 0, result.output
    assert "PLAN_INPUT_NO_ROSTER" in result.output
    assert "--roster" in " ".join(result.output.split())
