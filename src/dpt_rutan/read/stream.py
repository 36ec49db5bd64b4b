"""Read a table block by block: a CSV extract of a province (30 million rows, 4 GB) never sits in memory whole.

Each block is a :class:`~dpt_rutan.read.reader.ReadTable` of a slice of the file's rows, read by the same functions as
:func:`read_table` (header mapping, skipped rows, ragged rows, source row numbers), so that the rows of all blocks
are the rows of the whole file. Two things cross block boundaries and are handled here: a quoted cell may hold a line
break (blocks are cut only where the quotes balance), and the signature block is the trailing run of sparse rows
(a block holds back its sparse tail and hands it to the next block, where rows that follow decide what it is).

Workbooks are read whole by calamine (it has no row streaming) and handed out as one block, as is a CSV file in
UTF-16 or with old Mac line ends (rare, and not worth a second code path).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.read import csv_grid, reader, row_kinds, text_encoding, text_files, workbook
from dpt_rutan.read.grid import Body, Grid, empty_body
from dpt_rutan.read.rows import EXTRA_COLUMN, filled_counts

BLOCK_BYTES = 16 * 1024 * 1024
"""Bytes of CSV text per block: about 110,000 rows of a KPU extract, a few hundred MB of memory once parsed."""

_HEAD_BYTES = 4 * text_files.MAX_SAMPLE_CHARS  # a UTF-8 character takes at most four bytes


class _RestartWith(Exception):
    """Not an error: the blocks must be read again, from the first, with this codec."""

    def __init__(self, codec: str) -> None:
        self.codec = codec


class _NarrowRows(Exception):
    """Not an error: pandas cannot pick columns out of rows all narrower than the header; read them whole."""


def _concat_bodies(first: Body | None, second: Body) -> Body:
    if first is None or not len(first.source_rows):
        return second
    width = len(second.cells)

    def joined(a: np.ndarray | None, b: np.ndarray | None, rows: tuple[int, int]) -> np.ndarray | None:
        if a is None and b is None:
            return None
        a = a if a is not None else np.full(rows[0], "", dtype=object)
        b = b if b is not None else np.full(rows[1], "", dtype=object)
        return np.concatenate([a, b])

    rows = (len(first.source_rows), len(second.source_rows))
    return Body(
        cells=[np.concatenate([first.cells[j], second.cells[j]]) for j in range(width)],
        source_rows=np.concatenate([first.source_rows, second.source_rows]),
        extra=joined(first.extra, second.extra, rows),
        split_with=joined(first.split_with, second.split_with, rows),
        cells_fit=first.cells_fit and second.cells_fit,
        recoded=_joined_flags(first.recoded, second.recoded, rows),
    )


def _joined_flags(a: np.ndarray | None, b: np.ndarray | None, rows: tuple[int, int]) -> np.ndarray | None:
    if a is None and b is None:
        return None
    a = a if a is not None else np.zeros(rows[0], dtype=bool)
    b = b if b is not None else np.zeros(rows[1], dtype=bool)
    return np.concatenate([a, b])


def _take(body: Body, rows: slice) -> Body:
    return Body(
        cells=[column[rows] for column in body.cells],
        source_rows=body.source_rows[rows],
        extra=None if body.extra is None else body.extra[rows],
        split_with=None if body.split_with is None else body.split_with[rows],
        cells_fit=body.cells_fit,
        recoded=None if body.recoded is None else body.recoded[rows],
    )


def _settled_end(body: Body, header: reader.Header) -> int:
    """How many leading rows of ``body`` no later row can change: up to the last full row with a NIK.

    Only the trailing run of sparse rows is judged by what follows (the signature block); a row with a NIK and more
    than three cells ends any such run. It is looked for from the end, in growing windows: it is nearly always one
    of the last rows.
    """
    end, window = len(body.source_rows), 1024
    while end > 0 and body.cells:
        start = max(end - window, 0)
        part = _take(body, slice(start, end))
        has_nik = row_kinds.plain_nik(part.cells, header.mapping)
        full = np.flatnonzero(has_nik & (filled_counts(part.cells) > 3))
        if len(full):
            return start + int(full[-1]) + 1
        end, window = start, window * 4
    return 0


class TableBlocks:
    """A table's rows in blocks, readable as often as needed (each pass over a CSV reads the file again)."""

    def __init__(
        self,
        path: Path | str,
        *,
        sheet: str | None = None,
        mapping: Mapping[str, str] | None = None,
        required: tuple[Field, ...] = (),
        block_bytes: int = BLOCK_BYTES,
    ) -> None:
        self.path = Path(path)
        self.size = self.path.stat().st_size if self.path.is_file() else 0
        self._overrides, self._required, self._block_bytes = mapping, required, block_bytes
        self.sheet = sheet  # of a workbook: None reads the first sheet with a recognisable header
        self._whole: reader.ReadTable | None = None
        self.bytes_read = 0  # of the pass under way, after the last block handed out
        self._codec: str | None = None
        self.header = self._open()

    @property
    def description(self) -> reader.ReadTable:
        """The table with its header mapping and no rows: file, columns, header notes."""
        if self.header is None:
            return self._whole_table()
        return self.header.table(empty_body(len(self.header.labels)))

    def _whole_table(self) -> reader.ReadTable:
        if self._whole is None:
            self._whole = reader.read_table(
                self.path, sheet=self.sheet, mapping=self._overrides, required=self._required
            )
        return self._whole

    def release(self) -> None:
        """Let go of a workbook's rows until the next pass (a folder of workbooks is read one at a time)."""
        self._whole = None

    def _open(self) -> reader.Header | None:
        """The header of a CSV that can be read in blocks; None for anything read whole."""
        if workbook.file_kind(self.path) != "text":
            return None
        with self.path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
        if self.size > len(head):
            head = head[: head.rfind(b"\n") + 1]
        original = head
        mixed = text_encoding.may_be_mixed(head) and text_encoding.classify_file(self.path) == text_encoding.MIXED
        if mixed:  # judged on the whole file, as read_table judges it
            head = text_encoding.recode_lines(head)[0]
        text, codec, bom_length = text_files.decode(head, Location(str(self.path)))
        if codec.startswith("utf-16") or ("\r" in text and "\n" not in text):
            return None
        self._codec = text_encoding.MIXED if mixed else codec
        csv_head = csv_grid.head_of(text)
        self._delimiter = csv_head.delimiter
        grid = Grid(top=csv_head.top, body_after=lambda _last, width: empty_body(width), labels=csv_grid.column_number)
        header = reader.find_header(self.path, None, grid, self._overrides, self._required)
        lines = csv_head.records[header.last_header][1]
        self._body_start = bom_length + csv_head.bytes_of_lines(lines, codec)
        if mixed:  # the offset in the file's own bytes, not in the recoded ones
            self._body_start = _byte_offset_after_lines(original, lines)
        self._first_line = lines + 1
        return header

    def blocks(self, *, restart: Callable[[], None] | None = None) -> Iterator[reader.ReadTable]:
        """Every row, in file order. ``restart`` is called when the blocks start over from the first (a byte that
        is not UTF-8 turned up late): the caller forgets what it took from the blocks so far."""
        if self.header is None:
            self.bytes_read = self.size
            yield self._whole_table()
            return
        while True:
            try:
                yield from self._csv_blocks()
                return
            except _RestartWith as again:
                # read_table decodes the whole file first: a byte that is not UTF-8 anywhere makes it cp1252.
                self._codec = again.codec
                if restart is None:
                    raise RuntimeError("the file must be read again from its start") from None
                restart()

    def _csv_blocks(self) -> Iterator[reader.ReadTable]:
        header, carried, first_line = self.header, None, self._first_line
        with self.path.open("rb") as handle:
            handle.seek(self._body_start)
            pending = b""
            while True:
                chunk = handle.read(self._block_bytes)
                data, pending, last = _cut_at_record_end(pending + chunk, at_end=not chunk)
                if data or last:
                    width = len(header.labels)
                    body = self._parse(data, first_line, width) if data else empty_body(width)
                    first_line += data.count(b"\n")
                    body = _concat_bodies(carried, body)
                    end = len(body.source_rows) if last else _settled_end(body, header)
                    carried = _take(body, slice(end, None))
                    self.bytes_read = handle.tell() - len(pending)
                    yield header.table(_take(body, slice(0, end)))
                if last:
                    return

    def columns_only(self, fields: tuple[str, ...], rows_per_chunk: int = 500_000) -> Iterator[pd.DataFrame]:
        """Just these fields' cells as written (not stripped), for a quick look at every row: no row numbers, no
        skipped rows, no checks."""
        if self.header is None:
            data = self._whole_table().data
            self.bytes_read = self.size
            yield data[[field for field in fields if field in data]]
            return
        wanted = {f.value: column.index for f, column in self.header.mapping.fields.items() if f.value in fields}
        try:
            yield from self._columns_by_pandas(wanted, rows_per_chunk)
        except _NarrowRows:
            # pandas refuses ``usecols`` when its first rows all have fewer cells than the header (a lone '""'
            # line): those rows are read the careful way.
            data = read_whole(self).data
            self.bytes_read = self.size
            yield data[[field for field in fields if field in data]]

    def _columns_by_pandas(self, wanted: dict[str, int], rows_per_chunk: int) -> Iterator[pd.DataFrame]:
        with self.path.open("rb") as handle:
            handle.seek(self._body_start)
            chunks = pd.read_csv(
                handle,
                sep=self._delimiter,
                header=None,
                names=range(len(self.header.labels)),
                usecols=sorted(wanted.values()),
                index_col=False,
                dtype=object,
                na_filter=False,
                skip_blank_lines=True,
                encoding="utf-8" if self._codec == text_encoding.MIXED else self._codec,
                encoding_errors="replace",
                on_bad_lines="skip",
                engine="c",
                chunksize=rows_per_chunk,
            )
            first = True
            while True:
                try:
                    chunk = next(chunks)
                except StopIteration:
                    return
                except pd.errors.ParserError:
                    if first:
                        raise _NarrowRows from None
                    raise
                first = False
                self.bytes_read = handle.tell()
                yield chunk.rename(columns={index: field for field, index in wanted.items()}).fillna("")

    def _parse(self, data: bytes, first_line: int, width: int) -> Body:
        if self._codec == text_encoding.MIXED:
            data, lines = text_encoding.recode_lines(data)
            body = csv_grid.csv_body(self.path, data, "utf-8", self._delimiter, width, first_line)
            body.recoded = text_encoding.recoded_rows(body.source_rows, first_line + lines)
            return csv_grid.split_rows_in_one_cell(body, self._delimiter)
        try:
            if self._codec == "utf-8":
                data.decode("utf-8")
            body = csv_grid.csv_body(self.path, data, self._codec, self._delimiter, width, first_line)
        except UnicodeDecodeError:
            codec = text_encoding.classify_file(self.path) if self._codec == "utf-8" else "latin-1"
            raise _RestartWith(codec) from None
        return csv_grid.split_rows_in_one_cell(body, self._delimiter)


def _byte_offset_after_lines(data: bytes, lines: int) -> int:
    """:func:`csv_grid.offset_after_lines` counted in bytes."""
    offset = 0
    for count, match in enumerate(re.finditer(rb"\r\n|\r|\n", data), start=1):
        offset = match.end()
        if count == lines:
            return offset
    return len(data)


def _cut_at_record_end(data: bytes, *, at_end: bool) -> tuple[bytes, bytes, bool]:
    """(whole records, the rest, whether this is the last block): cut after the last line break outside quotes."""
    if at_end:
        return data, b"", True
    cut = data.rfind(b"\n") + 1
    quotes = data.count(b'"', 0, cut)
    while cut and quotes % 2:
        previous = data.rfind(b"\n", 0, cut - 1) + 1
        quotes -= data.count(b'"', previous, cut)
        cut = previous
    return data[:cut], data[cut:], False


def concat_rows(frames: list[pd.DataFrame], empty: pd.DataFrame) -> pd.DataFrame:
    """Data rows of several blocks as one frame; only ragged blocks have the ``_extra`` column."""
    frames = [frame for frame in frames if len(frame)]
    if not frames:
        return empty.iloc[:0]
    rows = pd.concat(frames, ignore_index=True)
    if EXTRA_COLUMN in rows:
        rows[EXTRA_COLUMN] = rows[EXTRA_COLUMN].fillna("")
    return rows


def read_whole(blocks: TableBlocks) -> reader.ReadTable:
    """All blocks as one table: what :func:`reader.read_table` returns for the same file."""
    parts: list[reader.ReadTable] = []
    for part in blocks.blocks(restart=parts.clear):
        parts.append(part)
    if len(parts) == 1:
        return parts[0]
    notes = [part.row_notes for part in parts if part.row_notes is not None]
    return replace(
        parts[0],
        data=concat_rows([part.data for part in parts], parts[0].data),
        skipped=pd.concat([part.skipped for part in parts], ignore_index=True),
        row_notes=pd.concat(notes, ignore_index=True) if notes else None,
    )


def no_data_error(table: reader.ReadTable) -> UnusableInputError:
    """The error for a table with a header and no data rows below it."""
    return UnusableInputError(
        table.location(table.header_row),
        "no data rows below the header",
        "Export the list again without a filter, or choose the right sheet with --sheet.",
    )
