"""`dpt-rutan reconcile-sites`: every prison of a province in one run, one report each and a summary, all or none."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dpt_rutan import report
from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.options import ElectionOption, KpuArgument, KpuSheetOption, MapOption, SheetOption, parse_mapping
from dpt_rutan.cli.output import output_format, write_report
from dpt_rutan.cli.progress import extract_progress
from dpt_rutan.cli.reconcile import write_reconcile_report
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.commands.reconcile import sites_report
from dpt_rutan.commands.reconcile.run import reconcile_sites as run_reconcile_sites
from dpt_rutan.commands.reconcile.site_rosters import site_rosters
from dpt_rutan.commands.reconcile.site_table import SiteEntry, read_site_table
from dpt_rutan.election import ElectionProfile, load_profile
from dpt_rutan.errors import ConfigError


@app.command("reconcile-sites")
@handles_errors
def reconcile_sites_command(
    ctx: typer.Context,
    sites: Annotated[
        Path,
        typer.Argument(help="The site table (.csv/.xlsx): one row per prison: Nama UPT, Kode Kecamatan, TPS, ..."),
    ],
    kpu: KpuArgument,
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for one report per prison and the summary.")],
    roster: Annotated[
        list[Path] | None,
        typer.Option(help="A province-wide roster with a UPT column (repeatable); else each site's Berkas WBP."),
    ] = None,
    dukcapil: Annotated[Path | None, typer.Option(help="A Dukcapil extract, to confirm and propose NIKs.")] = None,
    election: ElectionOption = None,
    sheet: SheetOption = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output_type: Annotated[str | None, typer.Option("--format", help="xlsx (default), csv or json.")] = None,
    allow_outside_paths: Annotated[
        bool, typer.Option(help="Let the site table's Berkas WBP name files outside the table's folder.")
    ] = False,
) -> None:
    """Reconcile every prison of a province in one run: the extract is read once, each prison gets its own report,
    and a summary puts them side by side with the inmates two rosters both list."""
    folder = check_report_folder(output, ctx)
    kind = output_format(output / f"{sites_report.SUMMARY_NAME}.xlsx", output_type)
    entries = read_site_entries(sites, allow_outside_paths)
    parsed = parse_mapping(mapping)
    rosters = site_rosters(entries, roster or [], mapping=parsed, sheet=sheet)
    profile = load_profile(election or entries[0].site.profile)
    with extract_progress() as progress:
        result = run_reconcile_sites(
            rosters.prisons,
            kpu,
            kpu_sheets=kpu_sheet or (),
            profile=profile,
            dukcapil_path=dukcapil,
            mapping=parsed,
            progress=progress,
        )
    render_sites(result)
    write_site_reports(result, rosters, sites, folder, kind, profile)
    report.publish_folder(folder, output)
    console.print(f"Written: {plain(output)}/ ({len(result.prisons)} UPT reports and {sites_report.SUMMARY_NAME})")


def read_site_entries(sites: Path, allow_outside_paths: bool) -> list[SiteEntry]:
    """The site table's prisons, after saying which of its rows are not prisons (empty, totals) and are skipped."""
    site_table = read_site_table(sites, allow_outside_paths=allow_outside_paths)
    if site_table.skipped:
        skipped = ", ".join(map(str, site_table.skipped))
        console.print(
            f"{plain(sites.name)}: rows {skipped} are not prisons (empty or totals): skipped", highlight=False
        )
    return site_table.entries


def write_site_reports(result, rosters, sites: Path, folder: Path, kind: str, profile: ElectionProfile) -> None:
    """Each prison's report and the province summary (one CSV per table in CSV form) into the work folder."""
    sources = sites_report.input_sources(result, rosters, sites)
    inputs = [path for path, _ in sources]
    for prison, name in zip(result.prisons, sites_report.report_names(result, kind), strict=True):
        write_reconcile_report(prison, folder / name, kind, inputs, quiet=True)
    if kind == "csv":
        for title, frame in sites_report.tables(result, rosters, kind).items():
            report.write_csv(folder / sites_report.csv_name(title), frame, inputs=inputs)
    else:
        write_report(
            folder / f"{sites_report.SUMMARY_NAME}.{kind}",
            kind,
            inputs=inputs,
            provenance=report.Provenance.for_inputs(
                sources, profile=profile.name, settings=result.prisons[0].settings.model_dump()
            ),
            sheets=lambda: sites_report.workbook_sheets(result, rosters),
            payload=lambda: sites_report.json_payload(result, rosters),
            quiet=True,
        )


def check_report_folder(output: Path, ctx: typer.Context) -> Path:
    """Before hours of reading: a folder, not a report file name, and none of an earlier run's reports in it.

    Returns the private folder the reports are written in, renamed to ``output`` once all are (all or none); it is
    removed when the run ends otherwise."""
    if output.suffix.lower() in (".xlsx", ".csv", ".json"):
        raise ConfigError(f"{output}: -o names a folder for one report per prison and the summary, e.g. -o hasil/")
    earlier = sites_report.earlier_reports(output)
    if earlier:
        raise ConfigError(
            f"{output}: holds reports of an earlier run ({', '.join(earlier[:3])}"
            f"{', ...' if len(earlier) > 3 else ''}): give a new folder with -o, or move them away"
        )
    return ctx.with_resource(report.staged_folder(output))


def render_sites(result) -> None:
    """The province summary, one row per prison and the totals, and the count of inmates two rosters both list."""
    summary = sites_report.province_summary(result)
    table = Table(
        *sites_report.TERMINAL_COLUMNS.values(),
        title=f"{len(result.prisons)} UPT — DPT: {result.kpu_rows_read:,} baris",
    )
    for row in summary[list(sites_report.TERMINAL_COLUMNS)].itertuples(index=False):
        if row[0] == sites_report.TOTAL_LABEL:
            table.add_section()
        table.add_row(*map(plain, row))
    console.print(table)
    console.print(f"Ganda antar-UPT (satu orang di dua daftar WBP): {len(result.across_prisons)}")
