"""`dpt-rutan validate`: check one file, show what was found, exit 0 when clean and 1 with errors."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dpt_rutan import report
from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.options import (
    ElectionOption,
    FormatOption,
    MapOption,
    OutputOption,
    SheetOption,
    ShowNikOption,
    parse_mapping,
)
from dpt_rutan.cli.output import masked, write_report
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.commands.validate import validate_file
from dpt_rutan.election import load_profile


@app.command()
@handles_errors
def validate(
    file: Annotated[Path, typer.Argument(help="A roster, KPU extract or Dukcapil extract (.xlsx .xls .ods .csv).")],
    sheet: SheetOption = None,
    mapping: MapOption = None,
    output: OutputOption = None,
    output_type: FormatOption = None,
    election: ElectionOption = None,
    show_nik: ShowNikOption = False,
    limit: Annotated[int, typer.Option(help="How many problem rows to show in the terminal.")] = 20,
) -> None:
    """Check a file: NIKs, dates, sexes, every row; exit 0 when clean, 1 with errors, 2 when unusable."""
    profile = load_profile(election or "pemilu2024")
    result = validate_file(file, reference_date=profile.voting_day, sheet=sheet, mapping=parse_mapping(mapping))
    render_validation(result, show_nik, limit)
    if output is not None:
        write_report(
            output,
            output_type,
            inputs=[file],
            provenance=report.Provenance.for_inputs([(file, len(result.people.frame))], profile=profile.name),
            sheets=lambda: [
                report.SheetSpec("Baris", result.rows_with_findings(), text_columns=["nik", "nkk", "reg_no"]),
                report.SheetSpec("Temuan", result.findings, text_columns=["value"]),
            ],
            payload=lambda: {"rows": result.rows_with_findings(), "findings": result.findings},
            rows=result.rows_with_findings,
        )
    raise typer.Exit(1 if result.error_count else 0)


def render_validation(result, show_nik: bool, limit: int) -> None:
    """The file as read (sheet, header row, rows), the count of each finding, and the first ``limit`` problems."""
    table = result.people.table
    console.print(
        f"[bold]{plain(table.name)}[/]"
        + (f", sheet '{plain(table.sheet)}'" if table.sheet else "")
        + f": header on row {table.header_row}, {len(result.people.frame)} data rows, "
        f"{len(table.skipped)} other rows (blank, totals, signatures)"
    )
    counts = Table("code", "severity", "rows", title="Findings")
    for row in result.code_counts().itertuples(index=False):
        counts.add_row(plain(row.code), plain(row.severity), str(row.rows))
    console.print(counts)
    problems = result.findings[result.findings["severity"] != "info"].head(limit)
    if not problems.empty:
        shown = problems.copy()
        # A mismatch finding's value is a date or a sex, not the number itself.
        identifier = shown["field"].isin(["nik", "nkk"]) & ~shown["code"].isin(["DOB_MISMATCH", "GENDER_MISMATCH"])
        shown.loc[identifier, "value"] = masked(shown.loc[identifier, "value"], show_nik)
        rows = Table("row", "column", "code", "value", "message", title=f"First {len(shown)} problems")
        for row in shown.itertuples(index=False):
            rows.add_row(*map(plain, (row.source_row, row.column, row.code, row.value, row.message_en)))
        console.print(rows)
