"""A CSV text as a :class:`~dpt_rutan.read.grid.Grid`: its delimiter chosen, its rows parsed into columns of text.

The delimiter is the one among :data:`DELIMITERS` under which a row looks most like a header. The rows below the
header are parsed by pandas' C parser straight from the file's bytes; a ragged file (a row with more cells than
headers) falls back to the csv module and keeps the surplus cells, and rows pasted in from a file with another
delimiter are split with that one.
"""

from __future__ import annotations

import csv
import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.read import headers as hdr
from dpt_rutan.read import text_encoding, text_files
from dpt_rutan.read.grid import (
    MAX_CELL_CHARS,
    MAX_HEADER_SCAN,
    WHITESPACE,
    ZERO_WIDTH,
    Body,
    Grid,
    holds_any,
    object_array,
    stripped,
)

DELIMITERS = ",;\t|"
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def text_grid(path: Path) -> Grid:
    """The CSV file at ``path`` as a grid: its first records to find the header in, its rows parsed on demand."""
    raw, recoded_lines = text_encoding.repair(path.read_bytes())
    text, codec, bom_length = text_files.decode_head(raw, Location(str(path)))
    head = head_of(text)
    delimiter, records = head.delimiter, head.records
    # Where the rows below each candidate header start, in bytes, so that pandas parses the raw file from there.
    starts = [bom_length + head.bytes_of_lines(end, codec) for _, end in records]

    def body_after(last_header: int, width: int) -> Body:
        first_line = records[last_header][1] + 1
        body = csv_body(path, raw[starts[last_header] :], codec, delimiter, width, first_line)
        body.recoded = text_encoding.recoded_rows(body.source_rows, recoded_lines)
        return split_rows_in_one_cell(body, delimiter)

    return Grid(top=head.top, body_after=body_after, labels=column_number)


@dataclass
class Head:
    """The head of a CSV text: where the header is looked for, the delimiter it is read with, its first records."""

    sample: str  # the first lines of the text, up to MAX_SAMPLE_CHARS characters
    delimiter: str
    records: list[tuple[list[str], int]]  # the first MAX_HEADER_SCAN records, each with the line it ends on
    top: list[list[str]]  # those records' cells, stripped

    def bytes_of_lines(self, lines: int, codec: str) -> int:
        """How many bytes the first ``lines`` lines of the sample take in ``codec``."""
        return len(self.sample[: offset_after_lines(self.sample, lines)].encode(codec))


def head_of(text: str) -> Head:
    """The head of ``text`` (the whole text or its first characters, :func:`text_files.decode_head`)."""
    sample = text[: offset_after_lines(text[: text_files.MAX_SAMPLE_CHARS], 4 * MAX_HEADER_SCAN)]
    delimiter = choose_delimiter(sample)
    records = first_records(sample, delimiter)
    top = [[cell.strip(WHITESPACE) for cell in record] for record, _ in records]
    return Head(sample, delimiter, records, top)


def column_number(index: int) -> str:
    """A CSV column's label for a 0-based index: its 1-based number, as text."""
    return str(index + 1)


def offset_after_lines(text: str, lines: int) -> int:
    """Where line ``lines + 1`` starts (the end of the text if it has fewer lines)."""
    offset = 0
    for count, match in enumerate(_LINE_BREAK.finditer(text), start=1):
        offset = match.end()
        if count == lines:
            return offset
    return len(text)


def first_records(sample: str, delimiter: str) -> list[tuple[list[str], int]]:
    """The first records of the sample, each with the physical line it ends on (1-based)."""
    reader = csv.reader(io.StringIO(sample, newline=None), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            records.append((record, reader.line_num))
            if len(records) == MAX_HEADER_SCAN:
                break
    except csv.Error:
        pass  # a damaged line in the title block: the records before it still show the header
    return records


def choose_delimiter(sample: str) -> str:
    """The delimiter under which a row looks most like a header; ties go to csv.Sniffer, then to line counts."""
    scores = {d: hdr.find_header_row([r for r, _ in first_records(sample, d)], [])[1] for d in DELIMITERS}
    best = max(scores.values())
    tied = [d for d in DELIMITERS if scores[d] == best]
    if len(tied) == 1:
        return tied[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in tied:
        return sniffed
    return max(tied, key=lambda d: _steady_count(sample, d))


def _steady_count(sample: str, delimiter: str) -> int:
    """How many lines share the most common non-zero count of ``delimiter``: real delimiters recur steadily."""
    counts = [line.count(delimiter) for line in sample.splitlines()]
    nonzero = [count for count in counts if count]
    return max((nonzero.count(count) for count in set(nonzero)), default=0)


def csv_body(path: Path, data: bytes, codec: str, delimiter: str, width: int, first_line: int) -> Body:
    """Rows below the header with pandas' C parser; a ragged file falls back to the csv module.

    Per-cell work is kept to one ``str.strip()`` a cell. Each column that might hold a line break (only a quoted
    cell can) or a zero-width character is joined once and searched at C speed; only a column that holds a line
    break has its cells' breaks counted.
    """
    try:
        frame = _pandas_frame(data, codec, delimiter, width)
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        return _ragged_csv_body(path, data.decode(codec), delimiter, width, first_line)
    quoted = b'"' in data
    zero_width_possible = may_hold_zero_width(data, codec)
    extra_lines = np.zeros(len(frame), dtype="int64")
    longest_multiline = 0  # characters in the longest cell that holds a line break (line lengths do not bound it)
    cells = []
    for column in (frame[j].to_numpy(dtype=object) for j in range(width)):
        joined = "".join(column) if quoted or zero_width_possible else ""
        if "\n" in joined:
            breaks = np.fromiter((cell.count("\n") for cell in column), dtype="int64", count=len(column))
            extra_lines += breaks
            longest_multiline = max(longest_multiline, *map(len, column[breaks > 0]))
        cells.append(stripped(column, zero_width=any(char in joined for char in ZERO_WIDTH)))
    source_rows = first_line + np.arange(len(frame), dtype="int64") + np.cumsum(extra_lines) - extra_lines
    cells_fit = longest_multiline <= MAX_CELL_CHARS and lines_fit_a_cell(data, codec)
    return Body(cells=cells, source_rows=source_rows, cells_fit=cells_fit)


def _pandas_frame(data: bytes, codec: str, delimiter: str, width: int) -> pd.DataFrame:
    """The rows as text cells, "" where empty; raises ParserError or ParserWarning for a ragged file.

    pandas meets a row wider than ``names`` in one of three ways: an error, a silent shift of the first column
    into the index, or (with ``index_col=False``) a ParserWarning while it drops cells. The last two would lose or
    move data, so the index is turned off and the warning made an error: every ragged file takes the slow path.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            names=range(width),
            index_col=False,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            encoding=codec,
            engine="c",
        )


def lines_fit_a_cell(data: bytes, codec: str) -> bool:
    """Whether no line of ``data`` is longer than a spreadsheet cell may be: then no cell without a line break is.

    A run of ``2 * window - 1`` bytes or more covers a whole window aligned on a multiple of ``window``, so one
    look for a line feed per window (a few thousand C-speed searches for a big file) bounds every line to
    ``2 * window - 2`` bytes. In UTF-8 and the one-byte code pages a line feed byte is always a line feed and no
    character takes less than a byte; other codecs are not judged.
    """
    if codec not in ("utf-8", "cp1252", "latin-1"):
        return False
    window = (MAX_CELL_CHARS + 2) // 2
    starts = range(0, len(data) - window + 1, window)
    return all(data.find(b"\n", start, start + window) >= 0 for start in starts)


def may_hold_zero_width(data: bytes, codec: str) -> bool:
    """Whether the text can hold a zero-width space or a BOM: never in ASCII or in a one-byte code page.

    Only UTF-8 bytes that are all ASCII are ASCII text: UTF-16 writes a zero-width space as two bytes below 0x80.
    """
    if codec in ("cp1252", "latin-1") or (codec == "utf-8" and data.isascii()):
        return False
    return codec != "utf-8" or any(char.encode("utf-8") in data for char in ZERO_WIDTH)


def _ragged_csv_body(path: Path, text: str, delimiter: str, width: int, first_line: int) -> Body:
    """The slow path for rows with more cells than headers: keep them, with the surplus in ``extra``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    strip = _strip_all if any(char in text for char in ZERO_WIDTH) else _strip_but_zero_width
    records, source_rows = [], []
    line = first_line
    try:
        for record in reader:
            records.append(strip(record))
            source_rows.append(line)
            line = first_line + reader.line_num
    except csv.Error as error:
        raise UnusableInputError(
            Location(str(path), row=line), f"the CSV text cannot be parsed ({error})", "Save it again as CSV UTF-8"
        ) from None
    cells = [object_array([record[j] if j < len(record) else "" for record in records]) for j in range(width)]
    extra = object_array([delimiter.join(record[width:]) if any(record[width:]) else "" for record in records])
    return Body(cells=cells, source_rows=np.array(source_rows, dtype="int64"), extra=extra)


def _strip_all(cells: Iterable[str]) -> list[str]:
    return [cell.strip(WHITESPACE) for cell in cells]


def _strip_but_zero_width(cells: Iterable[str]) -> list[str]:
    """The same as :func:`_strip_all` for text without zero-width characters, and several times faster."""
    return list(map(str.strip, cells))


def split_rows_in_one_cell(body: Body, delimiter: str) -> Body:
    """Rows pasted in from a file with another delimiter arrive whole in their first cell: split them with it.

    Only a row whose first cell splits into at least as many cells as there are headers is split, so that a lone
    note with a comma in it ("Blora, 15 Januari 2024") stays as it is.
    """
    width = len(body.cells)
    if width < 3:
        return body
    others = [d for d in DELIMITERS if d != delimiter]
    first = body.cells[0]
    if not holds_any(first, others):
        return body
    has_other = re.compile(f"[{re.escape(''.join(others))}]").search
    split_with = np.full(len(first), "", dtype=object)
    for i in [i for i, cell in enumerate(first) if has_other(cell)]:
        cell = first[i]
        if any(column[i] for column in body.cells[1:]):
            continue
        other = max(others, key=cell.count)
        record = next(csv.reader([cell], delimiter=other))
        if len(record) < width:
            continue
        for column, value in zip(body.cells, record, strict=False):
            column[i] = value.strip(WHITESPACE)
        if len(record) > width:
            body.extra = body.extra if body.extra is not None else np.full(len(split_with), "", dtype=object)
            body.extra[i] = delimiter.join(record[width:])
        split_with[i] = other
    if (split_with != "").any():
        body.split_with = split_with
    return body
