"""`dpt-rutan tps-plan`: the prison's TPS on voting day: voters with the late inflow, TPS count, staff, ballots."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from dpt_rutan import report
from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.options import (
    DistrictCodeOption,
    ElectionOption,
    FormatOption,
    MapOption,
    NameOption,
    OutputOption,
    SheetOption,
    SiteOption,
    TpsOption,
    parse_mapping,
    resolve_site_and_profile,
)
from dpt_rutan.cli.output import write_report
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.commands.plan.dapil import load_dapil
from dpt_rutan.commands.plan.inputs import load_plan_inputs
from dpt_rutan.commands.plan.report import plan_json, plan_sheets, plan_terminal_rows
from dpt_rutan.commands.plan.run import plan_tps


class SizeFor(StrEnum):
    """The inflow the ballots are sized for: the high estimate or the expected one."""

    high = "high"
    expected = "expected"


@app.command("tps-plan")
@handles_errors
def tps_plan(
    file: Annotated[Path, typer.Argument(help="The roster, or the workbook 'dpt-rutan reconcile' wrote.")],
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    tps: TpsOption = None,
    dapil: Annotated[Path | None, typer.Option(help="Dapil table (CSV): kecamatan -> DPR / DPRD dapil.")] = None,
    roster: Annotated[
        Path | None, typer.Option(help="With a reconciled workbook: the roster, for admission dates (the forecast).")
    ] = None,
    as_of: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Date of the roster (default: latest admission).")
    ] = None,
    inflow_per_week: Annotated[
        float | None, typer.Option(help="Admissions per week, instead of the roster's own history.")
    ] = None,
    size_for: Annotated[SizeFor, typer.Option(help="Size ballots for the high or the expected inflow.")] = SizeFor.high,
    sheet: SheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
) -> None:
    """Plan the prison's TPS: voters on voting day with the late inflow, TPS count, staff, ballots per type."""
    overrides = {"name": name, "district_code": district_code, "tps_numbers": tps or None}
    site, profile = resolve_site_and_profile(site_file, election, overrides)
    inputs = load_plan_inputs(
        file, site=site, profile=profile, sheet=sheet, mapping=parse_mapping(mapping), roster=roster
    )
    dapil_path = dapil or site.dapil_file
    dapil_table = load_dapil(dapil_path, site.district_code) if dapil_path else None
    as_of_day: date | None = as_of.date() if as_of else None
    plan = plan_tps(
        inputs.voters,
        inputs.roster_history,
        site,
        profile,
        dapil_table,
        inflow_per_week=inflow_per_week,
        as_of=as_of_day,
        size_for=size_for.value,
    )
    render_plan(plan, inputs)
    if output is not None:
        settings = {"size_for": size_for.value, "inflow_per_week": inflow_per_week, "as_of": as_of_day}
        write_plan_report(plan, inputs, output, output_type, profile.name, settings, dapil_path)


def write_plan_report(
    plan, inputs, output: Path, output_type: str | None, profile: str, settings: dict[str, Any], dapil: Path | None
) -> None:
    """The plan's report; its provenance names the roster (or reconciled workbook) and the settings planned with."""
    write_report(
        output,
        output_type,
        inputs=[path for path, _ in inputs.sources()] + ([dapil] if dapil else []),
        provenance=report.Provenance.for_inputs(inputs.sources(), profile=profile, settings=settings),
        sheets=lambda: plan_sheets(plan, inputs),
        payload=lambda: plan_json(plan, inputs),
    )


def render_plan(plan, inputs) -> None:
    """One row per TPS and the totals, then the plan's notes."""
    view = plan_terminal_rows(plan, inputs)
    table = Table(*map(plain, view.per_tps.columns), title=plain(view.title))
    for row in view.per_tps.itertuples(index=False):
        table.add_row(*map(plain, row))
    table.add_section()
    table.add_row(*[plain(view.totals.get(column, "")) for column in view.per_tps.columns])
    console.print(table)
    for note in view.notes:
        console.print(plain(note), highlight=False)
