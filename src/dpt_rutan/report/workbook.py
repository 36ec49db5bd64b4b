"""Excel workbooks: sheets of a title block and a table with a frozen, filtered header, written in streaming mode.

In workbooks every text cell is stored with the string type, so Excel never sees a formula (nor an error value such
as ``#N/A``) whatever the text is; NIK columns are text cells formatted ``@``.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterable, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from dpt_rutan.report.dates import is_date_column, midnight_only, naive_timestamps
from dpt_rutan.report.formulas import neutralise_formulas, neutralise_text
from dpt_rutan.report.provenance import Provenance
from dpt_rutan.report.safe_files import OutputError, open_output

PROVENANCE_SHEET = "Provenance"
EXCEL_MAX_ROWS = 1_048_576
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
TEXT_FORMAT = "@"
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60

_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31


@dataclass(frozen=True)
class BarChartSpec:
    """A native Excel bar chart drawn from columns of its sheet's table, e.g. ballots by type per TPS."""

    title: str
    categories: str
    series: Sequence[str]
    anchor: str | None = None
    """Top-left cell of the chart; by default beside the table, level with its header."""
    x_axis_title: str = ""
    y_axis_title: str = ""


@dataclass
class SheetSpec:
    """One sheet of a workbook: an optional title block of note lines, then the table with a frozen header.

    ``text_columns`` (NIK, NKK, TPS, phone) are written as text cells formatted ``@``: a number cell would show a
    NIK as 3.31601E+15 and lose its last digit, and a TPS "001" as 1. Names the frame lacks are ignored, so one
    list can serve several sheets. Date columns (datetime64, or ``date`` objects) become real dates shown
    DD-MM-YYYY.
    """

    title: str
    frame: pd.DataFrame
    notes: Sequence[str] = ()
    text_columns: Collection[Any] = ()
    chart: BarChartSpec | None = None

    def __post_init__(self) -> None:
        if safe_sheet_title(self.title) != self.title:
            raise ValueError(f"sheet title {self.title!r} is not Excel-safe; pass it through safe_sheet_title()")
        if self.chart is None:
            return
        missing = {self.chart.categories, *self.chart.series} - set(self.frame.columns)
        if missing:
            raise ValueError(f"chart {self.chart.title!r}: sheet {self.title!r} has no columns {sorted(missing)}")
        if not all(pd.api.types.is_numeric_dtype(self.frame[name]) for name in self.chart.series):
            raise ValueError(f"chart {self.chart.title!r}: every series column must be numeric")

    @property
    def header_row(self) -> int:
        """Worksheet row of the table header: below the notes and one blank row, when there are notes."""
        return len(self.notes) + 2 if self.notes else 1


def safe_sheet_title(text: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``, no quote at either end."""
    title = _SHEET_TITLE_FORBIDDEN.sub("_", text)[:_SHEET_TITLE_MAX].strip(" '")
    if title.casefold() == "history":  # reserved by Excel for change tracking
        title += "_"
    return title or "Sheet"


def write_workbook(
    path: Path, sheets: Sequence[SheetSpec], *, inputs: Iterable[Path], provenance: Provenance | None
) -> None:
    """Write an xlsx report: the given sheets in order, then a "Provenance" sheet when provenance is given.

    Written in openpyxl's streaming mode: rows go to disk as they are made instead of piling up as cell objects.
    """
    specs = [*sheets, _provenance_sheet(provenance)] if provenance is not None else list(sheets)
    _check_titles(specs)
    for spec in specs:
        rows_needed = spec.header_row + len(spec.frame)
        if rows_needed > EXCEL_MAX_ROWS:
            raise OutputError(
                path, f"sheet '{spec.title}' needs {rows_needed:,} rows; Excel holds {EXCEL_MAX_ROWS:,}", "Write CSV"
            )
    with open_output(path, inputs=inputs) as handle:
        workbook = openpyxl.Workbook(write_only=True)
        try:
            for spec in specs:
                _write_sheet(workbook.create_sheet(spec.title), spec)
            # openpyxl's own save leaves its zip file open when a write fails (disk full); closed later by the
            # garbage collector, it would print "Exception ignored" after our one-line error.
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                ExcelWriter(workbook, archive).write_data()
        except BaseException:
            _close_sheet_streams(workbook)
            raise


def _close_sheet_streams(workbook: openpyxl.Workbook) -> None:
    """Close the sheets' streams to their temporary files now, after a failed write: left to the garbage collector,
    one that cannot flush prints "Exception ignored" and a traceback after the run's error line."""
    for sheet in workbook.worksheets:
        # openpyxl has no public way to abandon a streaming sheet: its rows feed one generator, which feeds another.
        for stream in (getattr(sheet, "_rows", None), getattr(getattr(sheet, "_writer", None), "xf", None)):
            if stream is not None:
                with suppress(Exception):
                    stream.close()


def _provenance_sheet(provenance: Provenance) -> SheetSpec:
    frame = pd.DataFrame(provenance.rows(), columns=["Kunci / Key", "Nilai / Value"], dtype=object)
    return SheetSpec(PROVENANCE_SHEET, frame, text_columns=list(frame.columns))


def _check_titles(specs: Sequence[SheetSpec]) -> None:
    if not specs:
        raise ValueError("a workbook needs at least one sheet")
    titles = [spec.title.casefold() for spec in specs]
    if len(set(titles)) != len(titles):
        raise ValueError(f"sheet titles repeat (Excel ignores case): {[spec.title for spec in specs]}")


@dataclass
class _Column:
    """A table column ready for cells: Python values (None where empty), its number format and width."""

    values: list[Any]
    number_format: str | None
    width: float


def _write_sheet(sheet: Any, spec: SheetSpec) -> None:
    frame = spec.frame
    columns = [
        _prepare_column(frame.columns[position], frame.iloc[:, position], frame.columns[position] in spec.text_columns)
        for position in range(frame.shape[1])
    ]
    for number, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(number)]
        dimension.width = column.width
        if column.number_format == TEXT_FORMAT:  # so that a NIK typed later into an empty cell stays text too
            dimension.number_format = TEXT_FORMAT
    header_row = spec.header_row
    sheet.freeze_panes = f"A{header_row + 1}"
    if columns:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(frame)}"
    bold = Font(bold=True)
    if spec.notes:
        for number, note in enumerate(spec.notes):
            sheet.append([_cell(sheet, neutralise_text(note), None, font=bold if number == 0 else None)])
        sheet.append([])
    sheet.append([_cell(sheet, neutralise_text(str(label)), None, font=bold) for label in frame.columns])
    formats = [column.number_format for column in columns]
    for row in zip(*(column.values for column in columns), strict=True):
        sheet.append([_cell(sheet, value, number_format) for value, number_format in zip(row, formats, strict=True)])
    if spec.chart is not None:
        _add_chart(sheet, spec.chart, spec)


def _prepare_column(label: Any, values: pd.Series, as_text: bool) -> _Column:
    number_format = None
    if as_text:
        values, number_format = values.astype("string").astype(object), TEXT_FORMAT
    elif is_date_column(values):
        values = naive_timestamps(values)
        number_format = DATE_FORMAT if midnight_only(values) else DATETIME_FORMAT
    cells = neutralise_formulas(values.astype(object).where(values.notna(), None))
    content = len(number_format) if number_format in (DATE_FORMAT, DATETIME_FORMAT) else _longest_text(cells)
    # The header also needs room for the filter button.
    width = min(max(content + 2, len(str(label)) + 4, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
    return _Column(cells.tolist(), number_format, width)


def _longest_text(cells: pd.Series) -> int:
    present = cells.dropna()
    return int(present.astype(str).str.len().max()) if len(present) else 0


def _cell(sheet: Any, value: Any, number_format: str | None, font: Font | None = None) -> Any:
    """A text as a cell whose type we fix, never left to openpyxl, which reads "=..." as a formula and "#N/A" as an
    error; a plain number, truth value or empty cell as the bare value, which openpyxl types right and writes faster.
    """
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))  # XML cannot hold these
        cell.data_type = "s"
    elif value is None or (number_format is None and font is None):
        return value
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _add_chart(sheet: Any, chart_spec: BarChartSpec, spec: SheetSpec) -> None:
    labels = list(spec.frame.columns)
    first_row, last_row = spec.header_row, spec.header_row + len(spec.frame)
    chart = BarChart()
    chart.title = chart_spec.title
    chart.x_axis.title = chart_spec.x_axis_title or None
    chart.y_axis.title = chart_spec.y_axis_title or None
    # openpyxl 3.1 marks both axes deleted by default, and Excel then draws no axis labels at all.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for name in chart_spec.series:
        column = labels.index(name) + 1
        chart.add_data(Reference(sheet, min_col=column, min_row=first_row, max_row=last_row), titles_from_data=True)
    categories = labels.index(chart_spec.categories) + 1
    chart.set_categories(
        Reference(sheet, min_col=categories, min_row=first_row + 1, max_row=max(last_row, first_row + 1))
    )
    chart.width = min(15 + len(spec.frame), 40)  # centimetres: room for every category label
    chart.height = 10
    sheet.add_chart(chart, chart_spec.anchor or f"{get_column_letter(len(labels) + 2)}{first_row}")
