"""A command's report written in the form asked for (the file's extension or --format), and NIKs masked on screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from dpt_rutan import report
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.errors import ConfigError
from dpt_rutan.report.mask import mask_nik_series


def output_format(output: Path, given: str | None) -> str:
    """xlsx, csv or json: as --format says, else as the output file's extension says, else xlsx."""
    chosen = (given or output.suffix.lstrip(".") or "xlsx").lower()
    if chosen not in ("xlsx", "csv", "json"):
        raise ConfigError(f"{output}: cannot write '{chosen}': use .xlsx, .csv or .json (or --format)")
    return chosen


def write_report(
    output: Path,
    output_type: str | None,
    *,
    inputs: list[Path],
    provenance: report.Provenance,
    sheets: Callable[[], list[report.SheetSpec]],
    payload: Callable[[], dict],
    rows: Callable[[], Any] | None = None,
    quiet: bool = False,
) -> None:
    """Write a command's report in the form the file name or --format asks for; only that form is built."""
    kind = output_format(output, output_type)
    if kind == "csv" and rows is None:
        raise ConfigError(f"{output}: this report has no CSV form: use .xlsx or .json")
    if kind == "csv":
        report.write_csv(output, rows(), inputs=inputs)
    elif kind == "json":
        report.write_json(output, payload(), inputs=inputs, provenance=provenance)
    else:
        report.write_workbook(output, sheets(), inputs=inputs, provenance=provenance)
    if not quiet:
        console.print(f"Written: {plain(output)}")


def masked(values, show_nik: bool):
    """NIKs as the terminal shows them: whole with --show-nik, masked otherwise."""
    return values if show_nik else mask_nik_series(values.fillna("").astype(str))
