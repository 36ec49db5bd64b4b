"""Every report's first sheet says what it is about: prison, kecamatan (code and name), TPS, election, date."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from dpt_rutan.election import load_profile
from dpt_rutan.report import subject_notes
from tests.cli.command_line import run_catching
from tests.commands.diff.test_diff_order import write_roster as write_dated_roster
from tests.commands.plan import test_plan_inputs
from tests.test_remarks import SITE, SITE_TOML, write_kpu, write_roster

EXPECTED = ["Rutan Kelas IIB Blora", "33.16.09", "Kec. Blora", "TPS: 901", "Pemilu 2024", "14-02-2024"]


def test_subject_notes_name_everything():
    notes = subject_notes("Rekonsiliasi", SITE, load_profile("pemilu2024"), made=date(2024, 1, 20))
    text = "\n".join(notes)
    assert all(part in text for part in [*EXPECTED, "Rekonsiliasi", "20-01-2024"])


def commands(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", {"KETERANGAN": ["", ""]})
    kpu = write_kpu(tmp_path / "dpt.csv", 2)
    plan_roster = test_plan_inputs.write_roster(tmp_path / "wbp_plan.xlsx")
    old = write_dated_roster(tmp_path / "lama.xlsx", "15 Desember 2023", ["01-06-2023"])
    new = write_dated_roster(tmp_path / "baru.xlsx", "15 Januari 2024", ["01-06-2023", "05-01-2024"])
    return {
        "reconcile": ["reconcile", roster, kpu],
        "missing-nik": ["missing-nik", roster, "--kpu", kpu],
        "tps-plan": ["tps-plan", plan_roster, "--inflow-per-week", "2"],
        "diff": ["diff", old, new],
    }


@pytest.mark.parametrize("command", ["reconcile", "missing-nik", "tps-plan", "diff"])
def test_the_first_sheet_of_each_report_names_its_subject(tmp_path, command):
    site = tmp_path / "site.toml"
    site.write_text(SITE_TOML, encoding="utf-8")
    out = tmp_path / f"{command}.xlsx"
    result = run_catching(*commands(tmp_path)[command], "--site", site, "-o", out)
    assert result.exit_code in (0, 1), result.output
    book = openpyxl.load_workbook(out, read_only=True)
    top = "\n".join(str(row[0]) for row in book.worksheets[0].iter_rows(max_row=6, values_only=True) if row)
    assert all(part in top for part in EXPECTED), top
    assert f"{date.today():%d-%m-%Y}" in top
