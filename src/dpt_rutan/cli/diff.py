"""`dpt-rutan diff`: what changed between two rosters, and what to do about it for the election."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dpt_rutan import report
from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.options import (
    DistrictCodeOption,
    ElectionOption,
    FormatOption,
    KpuSheetOption,
    MapOption,
    NameOption,
    OutputOption,
    SiteOption,
    TpsOption,
    parse_mapping,
    resolve_site_and_profile,
)
from dpt_rutan.cli.output import write_report
from dpt_rutan.cli.terminal import console
from dpt_rutan.commands.diff import report as diff_report
from dpt_rutan.commands.diff.run import diff_files
from dpt_rutan.read import sources as extract_sources


@app.command()
@handles_errors
def diff(
    old: Annotated[Path, typer.Argument(help="The earlier roster (or KPU extract).")],
    new: Annotated[Path, typer.Argument(help="The later roster (or KPU extract), any header layout.")],
    kpu: Annotated[
        Path | None, typer.Option(help="The current KPU extract (file or folder), to check each action against.")
    ] = None,
    site_file: SiteOption = None,
    election: ElectionOption = None,
    name: NameOption = None,
    district_code: DistrictCodeOption = None,
    tps: TpsOption = None,
    old_sheet: Annotated[str | None, typer.Option(help="Sheet of the earlier file.")] = None,
    new_sheet: Annotated[str | None, typer.Option(help="Sheet of the later file.")] = None,
    kpu_sheet: KpuSheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
) -> None:
    """What changed between two rosters (arrived, left, changed field by field) and what to do for the election."""
    overrides = {"name": name, "district_code": district_code, "tps_numbers": tps or None}
    site, profile = resolve_site_and_profile(site_file, election, overrides)
    with console.status("Reading and pairing both files…"):
        result = diff_files(
            old,
            new,
            site=site,
            profile=profile,
            kpu_path=kpu,
            old_sheet=old_sheet,
            new_sheet=new_sheet,
            mapping=parse_mapping(mapping),
            kpu_sheets=kpu_sheet or (),
        )
    console.print(diff_report.terminal_summary(result), markup=False, highlight=False)
    if output is not None:
        write_diff_report(result, old, new, kpu, output, output_type)


def write_diff_report(result, old: Path, new: Path, kpu: Path | None, output: Path, output_type: str | None) -> None:
    """The diff's report; its provenance names both files, and the KPU extract when one was checked against."""
    inputs = [old, new, *([kpu] if kpu else [])]
    sources = [(old, len(result.old.frame)), (new, len(result.new.frame))]
    sources += extract_sources.with_rows(kpu, result.kpu_rows_read) if kpu and result.kpu is not None else []
    provenance = report.Provenance.for_inputs(
        sources, profile=result.profile.name, settings=result.settings.model_dump()
    )
    write_report(
        output,
        output_type,
        inputs=inputs,
        provenance=provenance,
        sheets=lambda: diff_report.diff_sheets(result),
        payload=lambda: diff_report.diff_json(result),
        rows=lambda: diff_report.machine_rows(result),
    )
