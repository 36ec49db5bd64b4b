"""Read a roster or extract into a :class:`~dpt_rutan.read.table.SourceTable` of text.

A file becomes a grid of text cells (``workbook`` reads a workbook's sheet, ``csv_grid`` a CSV text; the two are
told apart by content), and this module finds the header in it. The header row is found, not assumed: prison rosters
carry a title block above it ("DAFTAR WARGA BINAAN RUTAN KELAS IIB BLORA", a date line, merged cells), so the row
among the first :data:`~dpt_rutan.read.grid.MAX_HEADER_SCAN` whose cells look most like known headers wins. The rows
below it are sorted into data and skipped rows by ``rows``. Row-level notes (skipped rows, ragged CSV rows, rows split
with another delimiter, ignored header columns, no data rows at all) come back as findings from
:func:`read_findings`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import python_calamine as calamine

from dpt_rutan.errors import Location, UnusableInputError, define_code, empty_findings, make_findings
from dpt_rutan.fields import Field
from dpt_rutan.read import csv_grid, hidden_nik, rows, workbook
from dpt_rutan.read import headers as hdr
from dpt_rutan.read.grid import MAX_HEADER_SCAN, Body, Grid
from dpt_rutan.read.table import SourceTable

RAGGED_ROW = define_code(
    "RAGGED_ROW",
    "warning",
    "Baris berisi sel lebih banyak daripada judul kolom; sel lebihnya ada di kolom _extra: periksa pemisah kolom.",
    "Row has more cells than there are headers; the extra cells are in the _extra column: check the delimiters.",
)
NO_DATA_ROWS = define_code(
    "NO_DATA_ROWS",
    "error",
    "Tidak ada baris data di bawah judul kolom: apakah daftar tersaring waktu diekspor, atau lembarnya salah?",
    "No data rows below the header: was the list filtered when it was exported, or is it the wrong sheet?",
)
HEADER_NOTE = define_code(
    "HEADER_NOTE",
    "info",
    "Catatan tentang judul kolom (kolom yang tidak dipakai, --map yang tidak cocok): lihat nilainya.",
    "Note about the headers (a column not used, a --map that matched nothing): see the value.",
)


@dataclass
class ReadTable(SourceTable):
    """A :class:`SourceTable` plus what the header mapping had to say, for :func:`read_findings`."""

    header_notes: list[str] = field(default_factory=list)
    row_notes: pd.DataFrame | None = None  # finding rows (source_row, field, code, value) met while reading rows


def read_table(
    path: Path | str,
    *,
    sheet: str | int | None = None,
    mapping: Mapping[str, str] | None = None,
    required: Iterable[Field | str] = (),
) -> ReadTable:
    """Read one table from ``path``; raise :class:`UnusableInputError` when the file cannot be used at all.

    ``sheet`` is a sheet name or 0-based index (ignored for CSV; default: the first sheet with a recognisable
    header, preferring one that has every ``required`` field). ``mapping`` holds ``--map`` overrides,
    canonical field -> header.
    """
    path = Path(path)
    kind = workbook.file_kind(path)
    required = tuple(Field(f) for f in required)
    if kind == "text":
        return table_from_grid(path, None, csv_grid.text_grid(path), mapping, required)
    with workbook.open_for_reading(path, kind) as opened:
        name, grid = _choose_sheet(path, opened, sheet, mapping, required)
        return table_from_grid(path, name, grid, mapping, required)


def list_sheets(path: Path | str) -> list[str]:
    """The sheet names of a workbook, in order; a CSV has none."""
    path = Path(path)
    kind = workbook.file_kind(path)
    if kind == "text":
        return []
    with workbook.open_for_reading(path, kind) as opened:
        return list(opened.sheet_names)


def read_findings(table: SourceTable) -> pd.DataFrame:
    """Findings about the reading itself: non-blank skipped rows, ragged CSV rows and header notes.

    Blank rows stay in ``table.skipped`` only: a sheet can have thousands and they say nothing.
    """
    skipped = table.skipped
    if "code" in skipped.columns:  # a SourceTable built elsewhere may list skipped rows without codes
        skipped = skipped[skipped["code"] != rows.SKIP_CODES["blank"].code]
    parts = [
        rows.finding_rows(skipped["source_row"], skipped["code"], skipped["text"])
        if "code" in skipped.columns
        else None,
        _ragged_rows(table.data),
        rows.finding_rows(table.header_row, HEADER_NOTE.code, getattr(table, "header_notes", [])),
        getattr(table, "row_notes", None),
        rows.finding_rows([table.header_row], NO_DATA_ROWS.code, ["0"]) if table.data.empty else None,
    ]
    parts = [part for part in parts if part is not None and len(part)]
    if not parts:
        return empty_findings()
    found = pd.concat(parts, ignore_index=True).sort_values("source_row", kind="stable")
    return make_findings(found, file=table.name, sheet=table.sheet, columns=table.columns)


def _ragged_rows(data: pd.DataFrame) -> pd.DataFrame | None:
    if rows.EXTRA_COLUMN not in data.columns:
        return None
    ragged = data[data[rows.EXTRA_COLUMN] != ""]
    return rows.finding_rows(ragged["source_row"], RAGGED_ROW.code, ragged[rows.EXTRA_COLUMN])


def _choose_sheet(
    path: Path,
    opened: calamine.CalamineWorkbook,
    sheet: str | int | None,
    overrides: Mapping[str, str] | None,
    required: tuple[Field, ...],
) -> tuple[str, Grid]:
    """The sheet asked for, else the first whose header row is recognisable and has every required field."""
    names = list(opened.sheet_names)
    if sheet is not None:
        name = workbook.named_sheet(path, names, sheet)
        return name, workbook.sheet_grid(path, opened, name)
    extra = list((overrides or {}).values())
    fallback: tuple[int, str, Grid] | None = None
    worksheets = [m.name for m in opened.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    for name in worksheets:
        grid = workbook.sheet_grid(path, opened, name)
        index, score = hdr.find_header_row(grid.top, extra)
        if score >= 2 and has_required(grid, index, extra, overrides, required):
            return name, grid
        if score and (fallback is None or score > fallback[0]):
            fallback = (score, name, grid)
    if fallback is None:
        raise UnusableInputError(
            Location(str(path)),
            f"no sheet has a recognisable header row in its first {MAX_HEADER_SCAN} rows (sheets: {names})",
            'Choose the sheet with --sheet, or name a column with --map nik="Your header"',
        )
    return fallback[1], fallback[2]


def has_required(
    grid: Grid, index: int, extra: list[str], overrides: Mapping[str, str] | None, required: tuple[Field, ...]
) -> bool:
    """Whether the header row at ``index`` maps every required field (a sheet is chosen by it)."""
    cells, _ = hdr.combine_header_rows(grid.top, index, extra)
    try:
        return not hdr.map_headers(cells, overrides, required=required).missing(required)
    except hdr.HeaderMappingError:
        return False


@dataclass
class Header:
    """The header row found in a grid and the field of every column: all a body of rows below it needs."""

    path: Path
    sheet: str | None
    mapping: hdr.HeaderMapping
    labels: list[str]  # column index -> "C" or "3"
    last_header: int  # 0-based index of the last header row in the grid
    top: list[str]  # the header row's own cells, to spot repeated headers

    def table(self, body: Body) -> ReadTable:
        """``body``'s rows, sorted into data and skipped rows, under this header."""
        rows.check_cell_lengths(self.path, self.sheet, body, self.mapping, self.labels)
        reasons = rows.skip_reasons(body.cells, self.top, self.mapping)
        keep = reasons == ""
        return ReadTable(
            path=self.path,
            sheet=self.sheet,
            header_row=self.last_header + 1,
            data=rows.data_frame(body, self.mapping, keep),
            columns=self.mapping.columns,
            column_letters={f.value: self.labels[column.index] for f, column in self.mapping.fields.items()},
            unmapped_headers=self.mapping.unmapped,
            skipped=rows.skipped_frame(body, reasons, ~keep),
            header_notes=self.mapping.notes,
            row_notes=rows.row_notes(body),
        )


def find_header(
    path: Path,
    sheet: str | None,
    grid: Grid,
    overrides: Mapping[str, str] | None,
    required: tuple[Field, ...],
) -> Header:
    """The header row among the grid's top rows, mapped to fields; refuse a grid with none or one lacking a field."""
    extra = list((overrides or {}).values())
    index, score = hdr.find_header_row(grid.top, extra)
    if score == 0:
        raise UnusableInputError(
            Location(str(path), sheet),
            f"no header row found in the first {MAX_HEADER_SCAN} rows: no cell reads like NIK, NAMA, TGL LAHIR, ...",
            'Put the column headers at the top, or name a column with --map nik="Your header"',
        )
    header_cells, last_header = hdr.combine_header_rows(grid.top, index, extra)
    location = Location(str(path), sheet, last_header + 1)
    labels = [grid.labels(j) for j in range(len(header_cells))]
    try:
        mapping = hdr.map_headers(header_cells, overrides, required=required, labels=labels)
    except hdr.HeaderMappingError as error:
        raise UnusableInputError(location, error.problem, error.fix) from None
    missing = mapping.missing(required)
    if missing:
        raise hdr.missing_field_error(missing, mapping, location)
    hidden_nik.check(path, sheet, mapping, grid.top[last_header + 1 :], labels, last_header + 1)
    return Header(path, sheet, mapping, labels, last_header, grid.top[index])


def table_from_grid(
    path: Path,
    sheet: str | None,
    grid: Grid,
    overrides: Mapping[str, str] | None,
    required: tuple[Field, ...],
) -> ReadTable:
    """The grid's table: its header found, the rows below it sorted out."""
    header = find_header(path, sheet, grid, overrides, required)
    return header.table(grid.body_after(header.last_header, len(header.labels)))
