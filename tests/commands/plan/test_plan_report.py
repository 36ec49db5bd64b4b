"""The plan's report: workbook sheets written and read back, JSON, and the terminal's rows."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from dpt_rutan.commands.plan.dapil import load_dapil
from dpt_rutan.commands.plan.inputs import load_plan_inputs
from dpt_rutan.commands.plan.report import plan_json, plan_sheets, plan_terminal_rows
from dpt_rutan.commands.plan.run import plan_tps
from dpt_rutan.election import load_profile
from dpt_rutan.report import write_json, write_workbook
from dpt_rutan.report.provenance import Provenance
from dpt_rutan.site import load_site
from tests.commands.plan.test_plan_inputs import BLORA, EXAMPLES, PEMILU, ROSTER_ROWS, write_reconciled, write_roster

AS_OF = date(2024, 1, 12)
PEMILU_CODES = ["PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KABKOTA"]
SHEETS_AFTER_TPS = ["Surat suara", "Rincian surat suara", "Kekurangan", "Petugas", "Saksi", "Catatan", "Tidak dihitung"]


def plan_and_write(inputs, out: Path, profile=PEMILU, site=BLORA, dapil=None, **options):
    plan = plan_tps(inputs.voters, inputs.roster_history, site, profile, dapil, **options)
    provenance = Provenance.for_inputs(inputs.sources(), profile=profile.name)
    write_workbook(out, plan_sheets(plan, inputs), inputs=[path for path, _ in inputs.sources()], provenance=provenance)
    return plan, openpyxl.load_workbook(out)


def table(sheet) -> list[dict]:
    """The sheet's table as dicts, below its title block: the header is the first row whose first cell is bold."""
    rows = list(sheet.iter_rows())
    start = next(number for number, row in enumerate(rows) if row[0].font.b and any(c.value for c in row[1:]))
    header = [cell.value for cell in rows[start]]
    return [dict(zip(header, row, strict=True)) for row in rows[start + 1 :]]


def test_a_roster_plan_workbook_has_every_sheet_a_chart_text_niks_and_every_row(tmp_path):
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=PEMILU)
    plan, book = plan_and_write(inputs, tmp_path / "plan.xlsx", inflow_per_week=3, as_of=AS_OF)

    assert book.sheetnames == ["Ringkasan", "TPS 901", *SHEETS_AFTER_TPS, "Provenance"]
    chart = book["Surat suara"]._charts[0]
    assert len(chart.series) == len(PEMILU_CODES)
    ballots = table(book["Surat suara"])
    assert [row["TPS"].value for row in ballots] == ["TPS 901"]
    assert {code: ballots[0][code].value for code in PEMILU_CODES} == plan.ballots_planned()

    voters = table(book["TPS 901"])
    assert len(voters) == plan.tps[0].voters_listed == 8
    niks = [row["NIK"] for row in voters if row["NIK"].value]
    assert niks and all(cell.data_type == "s" and cell.number_format == "@" for cell in niks)
    assert "3316091203900001" in [cell.value for cell in niks]
    left_out = table(book["Tidak dihitung"])
    assert len(voters) + len(left_out) == inputs.rows_read == len(ROSTER_ROWS)
    rows_seen = {row["BARIS"].value for row in voters} | {row["BARIS"].value for row in left_out}
    assert len(rows_seen) == len(ROSTER_ROWS)

    summary = {row["URAIAN / ITEM"].value: row["NILAI / VALUE"].value for row in table(book["Ringkasan"])}
    assert summary["Baris data dibaca / data rows read"] == 12
    assert summary["Pemilih dari berkas / voters from the input"] == 8
    assert summary["Tidak dihitung: DUPLICATE / left out"] == 1
    assert summary["Pemilih hari H / voters on voting day"] == plan.voters_total
    notes = {row["KODE"].value for row in table(book["Catatan"])}
    assert {"PLAN_INPUT_NO_NIK", "PLAN_DAPIL_UNKNOWN"} <= notes


def test_each_voter_is_on_exactly_one_tps_sheet_with_their_ballots(tmp_path):
    small = PEMILU.model_copy(update={"max_voters_per_tps": 3})
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=small)
    plan, book = plan_and_write(inputs, tmp_path / "plan.xlsx", profile=small, inflow_per_week=0, as_of=AS_OF)

    assert [row.tps for row in plan.tps] == [901, 902, 903]
    assert book.sheetnames[1:4] == ["TPS 901", "TPS 902", "TPS 903"]
    rows = []
    for tps in plan.tps:
        voters = table(book[f"TPS {tps.tps}"])
        assert len(voters) == tps.voters_listed
        rows += [row["BARIS"].value for row in voters]
    assert sorted(rows) == sorted(inputs.voters["source_row"])
    listed = [row for tps in plan.tps for row in table(book[f"TPS {tps.tps}"])]
    gunawan = next(row for row in listed if row["NAMA"].value == "GUNAWAN")
    assert [gunawan[code].value for code in PEMILU_CODES] == ["YA", "TIDAK", "TIDAK", "TIDAK", "TIDAK"]
    assert gunawan["DAERAH ASAL"].value == "Kec. Kapas, Kab. Bojonegoro, Jawa Timur"
    assert len(book["Surat suara"]._charts[0].series) == len(PEMILU_CODES)


def test_a_reconciled_workbook_plan_lists_the_status_and_the_rows_held_apart(tmp_path):
    inputs = load_plan_inputs(write_reconciled(tmp_path / "hasil.xlsx"), site=BLORA, profile=PEMILU)
    plan, book = plan_and_write(inputs, tmp_path / "plan.xlsx", inflow_per_week=2, as_of=AS_OF)

    voters = table(book["TPS 901"])
    assert {row["STATUS"].value for row in voters} == {
        "REGISTERED_HERE",
        "REGISTERED_ELSEWHERE",
        "NOT_REGISTERED",
        "NOT_IN_EXTRACT",
    }
    reasons = {row["ALASAN"].value for row in table(book["Tidak dihitung"])}
    assert {"NEEDS_REVIEW", "NEEDS_RECORDING"} <= reasons
    assert "PLAN_INPUT_PENDING" in {row["KODE"].value for row in table(book["Catatan"])}
    assert plan.forecast.method == "inflow_per_week"


def test_pilkada_voters_from_another_province_get_their_own_sheet(tmp_path):
    pilkada = load_profile("pilkada2024")
    site = BLORA.with_overrides(profile="pilkada2024")
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=site, profile=pilkada)
    _, book = plan_and_write(inputs, tmp_path / "plan.xlsx", profile=pilkada, site=site, inflow_per_week=0, as_of=AS_OF)
    elsewhere = table(book["Tidak di TPS ini"])
    assert [row["NAMA"].value for row in elsewhere] == ["GUNAWAN"]
    assert list(table(book["Surat suara"])[0]) == ["TPS", "GUBERNUR", "BUPATI_WALIKOTA", "JUMLAH"]


def test_a_roster_without_voters_still_gives_a_workbook_that_says_why(tmp_path):
    pilkada = load_profile("pilkada2024")
    everyone_leaves = pilkada.model_copy(
        update={"voting_day": date(2025, 12, 1), "last_move_in_day": date(2025, 11, 24)}
    )
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=everyone_leaves)
    plan, book = plan_and_write(inputs, tmp_path / "plan.xlsx", profile=everyone_leaves, inflow_per_week=0, as_of=AS_OF)
    assert plan.tps == [] and len(inputs.voters) == 0
    assert book.sheetnames == ["Ringkasan", *SHEETS_AFTER_TPS, "Provenance"]
    assert not book["Surat suara"]._charts
    assert len(table(book["Tidak dihitung"])) == len(ROSTER_ROWS)
    assert "PLAN_NO_VOTERS" in {row["KODE"].value for row in table(book["Catatan"])}


def test_plan_json_has_the_tables_and_how_the_input_was_read(tmp_path):
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=PEMILU)
    plan = plan_tps(inputs.voters, inputs.roster_history, BLORA, PEMILU, inflow_per_week=3, as_of=AS_OF)
    write_json(tmp_path / "plan.json", plan_json(plan, inputs), inputs=[])
    document = json.loads((tmp_path / "plan.json").read_text(encoding="utf-8"))

    assert document["input"]["rows_read"] == 12
    assert document["input"]["voters"] + sum(document["input"]["left_out"].values()) == 12
    assert len(document["left_out"]) == 4
    assert len(document["assignments"]) == 8
    assert {row["nik"] for row in document["assignments"]} >= {"3316091203900001"}
    assert document["forecast"]["method"] == "inflow_per_week"
    assert [row["ballot"] for row in document["shortfall"]] == [*PEMILU_CODES, "TOTAL"]
    assert document["flags"][0]["code"] == "PLAN_INPUT_NO_NIK"


def test_terminal_rows_add_up_to_their_totals(tmp_path):
    small = PEMILU.model_copy(update={"max_voters_per_tps": 5})
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=small)
    plan = plan_tps(inputs.voters, inputs.roster_history, BLORA, small, inflow_per_week=0, as_of=AS_OF)
    view = plan_terminal_rows(plan, inputs)

    columns = ["TPS", "listed", "arrivals", "voters", *PEMILU_CODES, "KPPS", "Linmas", "Pengawas TPS"]
    assert list(view.per_tps.columns) == columns == list(view.totals)
    assert view.per_tps["TPS"].tolist() == [901, 902]
    assert view.totals["voters"] == plan.voters_total == 8
    assert view.totals["KPPS"] == 14
    assert {code: view.totals[code] for code in PEMILU_CODES} == plan.ballots_planned()
    assert view.notes[0] == (
        "roster.xlsx: 12 rows read, 8 voters, left out: 1 DUPLICATE, 1 INELIGIBLE_FOREIGN, 1 INELIGIBLE_AGE, "
        "1 RELEASED_BEFORE_VOTING"
    )
    assert any(note.startswith("Ballots from the list alone") for note in view.notes)


@pytest.mark.skipif(
    not (EXAMPLES / "roster_rutan_blora.xlsx").exists() or not (EXAMPLES / "site_rutan_blora.toml").exists(),
    reason="examples/roster_rutan_blora.xlsx or examples/site_rutan_blora.toml not generated yet",
)
def test_the_example_roster_plans_and_covers_its_inflow(tmp_path):
    site = load_site(EXAMPLES / "site_rutan_blora.toml")
    dapil = load_dapil(site.dapil_file, site.district_code) if site.dapil_file else None
    inputs = load_plan_inputs(EXAMPLES / "roster_rutan_blora.xlsx", site=site, profile=PEMILU)
    plan, book = plan_and_write(inputs, tmp_path / "plan.xlsx", site=site, dapil=dapil)

    assert plan.forecast.method == "history" and plan.forecast.sized > 0
    assert plan.shortfall[-1].plan_short == 0 < plan.shortfall[-1].list_only_short
    listed = sum(len(table(book[f"TPS {row.tps}"])) for row in plan.tps)
    assert listed + len(table(book["Tidak dihitung"])) == inputs.rows_read
    assert book["Surat suara"]._charts
