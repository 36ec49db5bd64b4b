"""A sheet or a CSV text as rows of text cells: what the workbook and CSV readers hand to the header and row stages.

A :class:`Grid` is the top of a table (where the header is looked for) and a way to get the rows below a header; a
:class:`Body` is those rows, one array of text cells per column. Both readers strip cells of the same whitespace
(:data:`WHITESPACE`), so that a roster gives the same text whether it arrives as a workbook or as CSV.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

MAX_HEADER_SCAN = 30
"""How many rows from the top of a sheet may hold the header row (title blocks are rarely longer)."""

MAX_CELL_CHARS = 32_767
"""Excel's limit for one cell. A longer cell was not typed into a spreadsheet: the file is damaged (often an unclosed
quote that joined the rows below it into one cell), and no report written from it could be opened in Excel."""

# Every character str.strip() treats as whitespace (NBSP included), plus the zero-width space and a stray BOM.
WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
WHITESPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff"
# What WHITESPACE adds to str.strip()'s own set: only a cell holding one of these needs the slower strip(chars).
ZERO_WIDTH = "\u200b\ufeff"


@dataclass
class Grid:
    """A sheet or CSV text as rows of text cells, before the header is mapped and the rows are sorted out."""

    top: list[list[str]]  # the first MAX_HEADER_SCAN rows, to find the header in
    body_after: Callable[[int, int], Body] | None  # (0-based index of the last header row, width) -> rows below it
    labels: Callable[[int], str]  # column index -> "C" or "3"


@dataclass
class Body:
    """The rows below a header, one object array of str per column, "" when empty.

    Per-cell work maps C-level str methods over these, or searches a column joined into one string, several times
    faster than pandas' str methods on Python-backed strings when there are a million rows.
    """

    cells: list[np.ndarray]
    source_rows: np.ndarray
    numeric: Callable[[int], np.ndarray] | None = None  # column -> cell held a number (workbooks only)
    extra: np.ndarray | None = None
    split_with: np.ndarray | None = None  # per row: the other delimiter its one cell was split with, else ""
    cells_fit: bool = False  # every cell is known to hold at most MAX_CELL_CHARS characters
    recoded: np.ndarray | None = None  # per row: a line of it was cp1252 in a UTF-8 file (text_encoding)


def empty_body(width: int) -> Body:
    """A body of ``width`` columns and no rows."""
    return Body(cells=[np.empty(0, dtype=object) for _ in range(width)], source_rows=np.empty(0, dtype="int64"))


def object_array(texts: list[str]) -> np.ndarray:
    """``texts`` as a 1-D array of Python strings (``np.array`` would make a fixed-width unicode array)."""
    array = np.empty(len(texts), dtype=object)
    array[:] = texts
    return array


def holds_any(column: np.ndarray, characters: Iterable[str]) -> bool:
    """Whether any cell holds one of ``characters``: one C-speed search of the joined column per character."""
    joined = "".join(column)
    return any(character in joined for character in characters)


def stripped(column: np.ndarray, zero_width: bool) -> np.ndarray:
    """Every cell stripped of :data:`WHITESPACE`; ``zero_width`` says whether a cell holds a zero-width character.

    ``str.strip()`` without arguments strips the same set save the zero-width characters, and is several times
    faster than ``strip(WHITESPACE)``, which rebuilds its character set for every cell; the slow form is kept for a
    column that holds a zero-width character.
    """
    if zero_width:
        return object_array([cell.strip(WHITESPACE) for cell in column])
    return np.fromiter(map(str.strip, column), dtype=object, count=len(column))
