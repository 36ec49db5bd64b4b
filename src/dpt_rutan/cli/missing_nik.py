"""`dpt-rutan missing-nik` lists the inmates who need Dukcapil; `dpt-rutan apply-nik` puts the NIKs Dukcapil filled in
back into the roster."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.options import (
    DistrictCodeOption,
    ElectionOption,
    KpuSheetOption,
    MapOption,
    NameOption,
    OutputOption,
    SheetOption,
    ShowNikOption,
    SiteOption,
    parse_mapping,
    resolve_site_and_profile,
)
from dpt_rutan.cli.output import masked, output_format
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.commands.missing_nik import apply as apply_nik
from dpt_rutan.commands.missing_nik import report as missing_nik_report
from dpt_rutan.commands.missing_nik import run as missing_nik
from dpt_rutan.election import load_profile
from dpt_rutan.errors import ConfigError


@app.command("missing-nik")
@handles_errors
def missing_nik_command(
    roster: Annotated[Path, typer.Argument(help="The prison's inmate roster.")],
    dukcapil: Annotated[Path | None, typer.Option(help="A Dukcapil extract: candidate NIKs, NIKs not found.")] = None,
    kpu: Annotated[
        Path | None, typer.Option(help="A KPU extract (file or folder): candidate NIKs, NIKs not found.")
    ] = None,
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    sheet: SheetOption = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    show_nik: ShowNikOption = False,
) -> None:
    """List inmates who need Dukcapil (no usable NIK), with candidate NIKs; exit 1 when anyone is listed."""
    site, profile = resolve_site_and_profile(site_file, election, {"name": name, "district_code": district_code})
    with console.status("Checking NIKs and searching the extracts…"):
        result = missing_nik.find_missing_nik(
            roster,
            site=site,
            profile=profile,
            dukcapil_path=dukcapil,
            kpu_path=kpu,
            sheet=sheet,
            mapping=parse_mapping(mapping),
            kpu_sheets=kpu_sheet or (),
        )
    console.print(plain(missing_nik_report.accounting_line(result)), highlight=False)
    render_missing_nik(result, show_nik)
    if output is not None:
        if output_format(output, None) != "xlsx":
            raise ConfigError(f"{output}: the Dukcapil list is a workbook: use .xlsx")
        missing_nik_report.write_missing_nik_workbook(result, output)
        console.print(f"Written: {plain(output)}")
    counts = result.counts()
    raise typer.Exit(1 if counts["LISTED"] + counts["LISTED_APART"] else 0)


def render_missing_nik(result, show_nik: bool) -> None:
    """One line per inmate listed for Dukcapil: row, name, NIK as written, why, and whether this election needs it."""
    listed = result.listed
    table = Table("row", "name", "NIK as written", "reason", "this election", title=f"{len(listed)} to Dukcapil")
    for row, nik_text in zip(listed.itertuples(index=False), masked(listed["nik_written"], show_nik), strict=True):
        table.add_row(
            *map(plain, (row.source_row, row.name, nik_text, row.reason)), "yes" if row.for_this_election else "no"
        )
    console.print(table)


@app.command("apply-nik")
@handles_errors
def apply_nik_command(
    roster: Annotated[Path, typer.Argument(help="The roster the missing-nik list was made from.")],
    returned: Annotated[Path, typer.Argument(help="The missing-nik workbook as Dukcapil returned it, filled in.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the updated roster (.xlsx).")],
    election: ElectionOption = None,
    sheet: SheetOption = None,
    mapping: MapOption = None,
) -> None:
    """Put the NIKs Dukcapil filled in back into the roster; a bad NIK is reported, never applied (exit 1)."""
    profile = load_profile(election or "pemilu2024")
    result = apply_nik.apply_returned_niks(
        roster, returned, reference_date=profile.voting_day, sheet=sheet, mapping=parse_mapping(mapping)
    )
    table = Table("outcome", "lines", title=f"{plain(returned.name)} -> {plain(output.name)}")
    for outcome, count in result.counts().items():
        table.add_row(plain(outcome), str(count))
    console.print(table)
    apply_nik.write_updated_roster(result, output)
    console.print(f"Written: {plain(output)}")
    raise typer.Exit(1 if result.has_problems else 0)
