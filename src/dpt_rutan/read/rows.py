"""The rows below a header sorted into data and skipped rows, each kept with the row number the user sees.

Below the header, blank rows, totals, repeated headers and the signature block are not data (:mod:`row_kinds` says
which); each one is listed in ``SourceTable.skipped`` with a reason, so that every row of the file is accounted for.
The data rows become the table's frame, an identifier column with a ``<field>_was_number`` flag beside it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan.errors import Location, UnusableInputError, define_code
from dpt_rutan.fields import ID_FIELDS, Field, arrived_as_number
from dpt_rutan.read import headers as hdr
from dpt_rutan.read import row_kinds, text_encoding
from dpt_rutan.read.grid import MAX_CELL_CHARS, Body, holds_any

EXTRA_COLUMN = "_extra"
"""Column of ``SourceTable.data`` holding, joined by the delimiter, the cells a ragged CSV row has past its headers."""

SKIP_CODES = {
    "blank": define_code("SKIPPED_BLANK_ROW", "info", "Baris kosong, bukan data.", "Blank row, not data."),
    "total": define_code("SKIPPED_TOTAL_ROW", "info", "Baris jumlah/total, bukan data.", "Totals row, not data."),
    "signature": define_code(
        "SKIPPED_SIGNATURE",
        "info",
        "Blok tanda tangan (tempat dan tanggal, jabatan, NIP, nama penanda tangan), bukan data.",
        "Signature block (place and date, title, NIP, signatory's name), not data.",
    ),
    "section": define_code(
        "SKIPPED_SECTION_ROW",
        "info",
        "Satu sel saja tanpa nama atau NIK (judul bagian?), bukan data.",
        "A single cell with no name or NIK (a section heading?), not data.",
    ),
    "header": define_code(
        "SKIPPED_REPEATED_HEADER", "info", "Judul kolom diulang, bukan data.", "Repeated header row, not data."
    ),
    "numbers": define_code(
        "SKIPPED_COLUMN_NUMBERS",
        "info",
        "Baris nomor kolom (1, 2, 3, ...), bukan data.",
        "Column numbering row (1, 2, 3, ...), not data.",
    ),
}
OTHER_DELIMITER = define_code(
    "ROW_OTHER_DELIMITER",
    "warning",
    "Semua sel baris ini ada di sel pertama, dipisah pemisah lain (ditempel dari berkas lain?): dibaca dengan pemisah "
    "itu; periksa barisnya.",
    "All of this row's cells were in its first cell, split by another delimiter (pasted from another file?): read "
    "with that delimiter; check the row.",
)

# A number that passed through a float on its way to text: "3.31609E+15", "9,17101170845E+015", "3316014503900000.0".
FLOAT_RENDERING = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+|\d+[.,]0+")
_DIGIT = re.compile(r"\d")


def finding_rows(source_row: object, code: object, value: object) -> pd.DataFrame:
    """Finding rows (source_row, field, code, value), with no field: notes about whole rows."""
    return pd.DataFrame({"source_row": source_row, "field": "", "code": code, "value": value})


def row_notes(body: Body) -> pd.DataFrame | None:
    """Finding rows for rows split with another delimiter and rows with a line recoded from cp1252."""
    parts = [_split_row_notes(body), text_encoding.notes(body.source_rows, body.recoded)]
    parts = [part for part in parts if part is not None]
    return pd.concat(parts, ignore_index=True) if parts else None


def _split_row_notes(body: Body) -> pd.DataFrame | None:
    if body.split_with is None:
        return None
    split = body.split_with != ""
    return finding_rows(body.source_rows[split], OTHER_DELIMITER.code, [repr(d) for d in body.split_with[split]])


def check_cell_lengths(
    path: Path, sheet: str | None, body: Body, mapping: hdr.HeaderMapping, labels: list[str]
) -> None:
    """Refuse a cell no spreadsheet can hold, naming where it is, before any later stage chokes on it."""
    if body.cells_fit:
        return
    for column in mapping.fields.values():
        cells = body.cells[column.index]
        if max(map(len, cells), default=0) > MAX_CELL_CHARS:
            lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
            row = int(body.source_rows[lengths.argmax()])
            raise UnusableInputError(
                Location(str(path), sheet, row, f"{labels[column.index]} ({column.header})"),
                f"a cell of {lengths.max():,} characters, more than a spreadsheet cell holds ({MAX_CELL_CHARS:,}); "
                'an unclosed quote (") may have joined the rows below it into this cell',
                "Correct that cell in the file and save it again",
            )


def data_frame(body: Body, mapping: hdr.HeaderMapping, keep: np.ndarray) -> pd.DataFrame:
    """The data rows as a frame. Selecting rows with ``keep`` makes new arrays that nothing else holds, so the
    series and the frame take them without copying them again (a third of the time for a million rows)."""
    columns: dict[str, object] = {"source_row": body.source_rows[keep]}
    for target, column in mapping.fields.items():
        columns[target.value] = pd.Series(body.cells[column.index][keep], dtype=str, copy=False)
        if target in ID_FIELDS:
            columns[arrived_as_number(target)] = arrived_as_numbers(body, column.index)[keep]
    if body.extra is not None and (body.extra != "").any():
        columns[EXTRA_COLUMN] = pd.Series(body.extra[keep], dtype=str, copy=False)
    return pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())), copy=False)


def arrived_as_numbers(body: Body, index: int) -> np.ndarray:
    """Per cell of a column: a numeric cell, or text showing it went through a float ("3.31609E+15",
    "3316014503900000.0")."""
    column = body.cells[index]
    rendered = np.zeros(len(column), dtype=bool)
    if holds_any(column, ".,eE"):  # no float is rendered without a point, a comma or an exponent
        others = np.flatnonzero(~digit_cells(column))
        rendered[others] = [FLOAT_RENDERING.fullmatch(cell) is not None for cell in column[others]]
    return rendered | body.numeric(index) if body.numeric is not None else rendered


def digit_cells(column: np.ndarray) -> np.ndarray:
    """``cell.isdigit()`` per cell.

    Identifier columns are often all digits: one test of the joined column settles that case (then exactly the
    non-empty cells are digits). For ASCII text the bytes test is the same and several times faster.
    """
    joined = "".join(column)
    if joined.encode("ascii").isdigit() if joined.isascii() else joined.isdigit():
        return column != ""
    return np.fromiter(map(str.isdigit, column), dtype=bool, count=len(column))


def skipped_frame(body: Body, reasons: np.ndarray, skipped: np.ndarray) -> pd.DataFrame:
    """The rows that are not data, with the reason, its code and the row's filled cells joined."""
    keys = reasons[skipped]
    return pd.DataFrame(
        {
            "source_row": body.source_rows[skipped],
            "reason": pd.Series([SKIP_CODES[key].message_en for key in keys], dtype=str),
            "code": pd.Series([SKIP_CODES[key].code for key in keys], dtype=str),
            "text": pd.Series(
                [" | ".join(cell for cell in row if cell) for row in _rows(body.cells, skipped)], dtype=str
            ),
        }
    )


def _rows(cells: list[np.ndarray], which: np.ndarray) -> np.ndarray:
    """The chosen rows as a small 2-D array (only ever for the few rows that are not plain data)."""
    return np.column_stack([column[which] for column in cells]) if cells else np.empty((0, 0), dtype=object)


def skip_reasons(cells: list[np.ndarray], header: list[str], mapping: hdr.HeaderMapping) -> np.ndarray:
    """Why each row below the header is not data ("" for a data row): see :mod:`row_kinds`."""
    if not cells or not len(cells[0]):
        return np.empty(0, dtype=object)
    return row_kinds.skip_reasons(
        cells, filled_counts(cells), column_has_digits(cells, mapping, Field.NIK), header, mapping
    )


def filled_counts(cells: list[np.ndarray]) -> np.ndarray:
    """How many cells of each row are filled, counted only up to ``SPARSE_CELLS + 1``: no rule looks further.

    Column by column, stopping once every row is past that (most tables, after their first few columns), so that
    a wide table with a million rows costs a few columns' comparisons.
    """
    count = np.zeros(len(cells[0]), dtype="int64")
    for column in cells:
        count += column != ""
        if count.min() > row_kinds.SPARSE_CELLS:
            break
    return np.minimum(count, row_kinds.SPARSE_CELLS + 1)


def column_has_digits(cells: list[np.ndarray], mapping: hdr.HeaderMapping, target: Field) -> np.ndarray:
    """Per row: whether the cell of ``target``'s column holds a digit (all False when the field has no column)."""
    column = mapping.fields.get(target)
    if column is None:
        return np.zeros(len(cells[0]), dtype=bool)
    values = cells[column.index]
    has_digits = digit_cells(values)
    others = np.flatnonzero(~has_digits & (values != ""))
    has_digits[others] = [_DIGIT.search(cell) is not None for cell in values[others]]
    return has_digits
