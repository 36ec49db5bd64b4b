"""`dpt-rutan reconcile`: one prison's roster against the KPU extract (and Dukcapil), one status per inmate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dpt_rutan import report
from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.options import (
    DistrictCodeOption,
    ElectionOption,
    FormatOption,
    KpuArgument,
    KpuSheetOption,
    MapOption,
    NameOption,
    OutputOption,
    SheetOption,
    ShowNikOption,
    SiteOption,
    TpsOption,
    parse_mapping,
    resolve_site_and_profile,
)
from dpt_rutan.cli.output import masked, write_report
from dpt_rutan.cli.progress import extract_progress
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.commands.reconcile import report as reconcile_report
from dpt_rutan.commands.reconcile.run import reconcile as run_reconcile
from dpt_rutan.read import sources as extract_sources


@app.command()
@handles_errors
def reconcile(
    roster: Annotated[Path, typer.Argument(help="The prison's inmate roster (SDP export, .xlsx or .csv).")],
    kpu: KpuArgument,
    dukcapil: Annotated[Path | None, typer.Option(help="A Dukcapil extract, to confirm and propose NIKs.")] = None,
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    village: Annotated[str | None, typer.Option(help="Kelurahan/desa of the prison's TPS.")] = None,
    tps: TpsOption = None,
    sheet: SheetOption = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
    show_nik: ShowNikOption = False,
) -> None:
    """Match the roster to the KPU extract (and Dukcapil) and decide one status per inmate."""
    overrides = {"name": name, "district_code": district_code, "village": village, "tps_numbers": tps or None}
    site, profile = resolve_site_and_profile(site_file, election, overrides)
    with extract_progress() as progress:
        result = run_reconcile(
            roster,
            kpu,
            site=site,
            profile=profile,
            dukcapil_path=dukcapil,
            roster_sheet=sheet,
            kpu_sheets=kpu_sheet or (),
            mapping=parse_mapping(mapping),
            progress=progress,
        )
    render_reconcile(result, show_nik)
    if output is not None:
        write_reconcile_report(result, output, output_type, inputs=[])


def write_reconcile_report(
    result, output: Path, output_type: str | None, inputs: list[Path], *, quiet: bool = False
) -> None:
    """One prison's reconciliation report, its provenance naming the roster, the KPU files and Dukcapil read."""
    sources = [(result.roster.table.path, len(result.roster.frame)), *result.kpu_files]
    if result.dukcapil is not None:
        sources += extract_sources.with_rows(result.dukcapil.table.path, len(result.dukcapil.frame))
    write_report(
        output,
        output_type,
        inputs=[*inputs, *[path for path, _ in sources]],
        provenance=report.Provenance.for_inputs(
            sources, profile=result.profile.name, settings=result.settings.model_dump()
        ),
        sheets=lambda: reconcile_report.workbook_sheets(result),
        payload=lambda: reconcile_report.json_payload(result),
        rows=lambda: reconcile_report.machine_rows(result),
        quiet=quiet,
    )


def render_reconcile(result, show_nik: bool) -> None:
    """The count of each status (adding up to the rows read), the notes, the KPU side, the first inmates to review."""
    counts = result.status_counts()
    table = Table("status", "keterangan", "rows", title=f"{plain(result.site.name)} — {plain(result.profile.label)}")
    for status, count in counts.items():
        table.add_row(status, reconcile_report.STATUS_LABELS[status], str(count))
    table.add_section()
    table.add_row("total", f"{len(result.roster.frame)} rows read = sum of statuses", str(int(counts.sum())))
    console.print(table)
    for note in result.notes:
        console.print(plain(note), style="bold red" if note.startswith("PERHATIAN") else None)
    kpu_counts = result.kpu_side["status"].value_counts()
    for status, count in kpu_counts.items():
        console.print(f"KPU extract: {plain(status)} {count}")
    review = result.decisions[result.decisions["status"] == "NEEDS_REVIEW"].head(10)
    if not review.empty:
        roster = result.roster.frame.set_index("source_row")
        lines = Table("row", "name", "NIK", "candidates", title="To review (first 10)")
        niks = masked(review["source_row"].map(roster["nik_clean"]), show_nik)
        for row, nik_text in zip(review.itertuples(index=False), niks, strict=True):
            name_text = roster.loc[row.source_row, "name"]
            lines.add_row(*map(plain, (row.source_row, name_text, nik_text, row.candidates)))
        console.print(lines)
