"""Refuse a workbook that would exhaust memory before python-calamine opens or reads it.

calamine holds a sheet as one dense grid from its first to its last cell that has a value: a single cell typed at
XFD1048576 in a 2 KB file makes it ask for 17 billion cells (512 GiB) and abort the process. It also inflates the
whole shared-string table when it opens the workbook. So, before calamine sees the file:

* the zip directory is checked (:func:`check_archive`): the total inflated size against a limit, and the parts that
  inflate far more than spreadsheet XML does (a zip bomb: a sheet of millions of rows, a giant shared-string table);
* a sheet about to be read is streamed, never held whole, for the grid calamine would build (:func:`check_sheet`):
  the first and last row and column holding a cell with a value. A stale ``<dimension>`` or far cells that only
  carry a format cost calamine nothing and are not counted.

A legacy .xls holds at most 65,536 x 256 cells, under the default limit, and is not checked. The limits can be
raised with the environment variables :data:`CELLS_VARIABLE` and :data:`UNZIPPED_VARIABLE`.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
import zipfile
from pathlib import Path

from dpt_rutan.errors import Location, UnusableInputError

CELLS_VARIABLE = "DPT_RUTAN_MAX_CELLS"
DEFAULT_MAX_CELLS = 50_000_000
"""A full sheet of 1,048,576 rows and 47 columns; calamine takes about 32 bytes a cell before Python sees it."""

UNZIPPED_VARIABLE = "DPT_RUTAN_MAX_UNZIPPED_MB"
DEFAULT_MAX_UNZIPPED_MB = 2048
"""The XML of a full sheet of a KPU extract (a million rows, twenty columns) is about 1 GB."""

MAX_RATIO = 100
"""Spreadsheet XML inflates 5 to 30 times; a part inflating more than this, and bigger than a tenth of the size
limit, is a bomb or machine-made filler."""

_CHUNK = 4 * 1024 * 1024
_SHEET = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)\s*=\s*"([^"]*)"')
_RELATIONSHIP = re.compile(rb"<Relationship\b[^>]*>")
# A cell with content (not self-closing: a far cell with only a format holds no value) and its reference.
# Elements may carry a namespace prefix (<x:c>, as the Open XML SDK writes them).
_VALUED_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d+)"[^>]*(?<!/)>')
_ROW_REF = re.compile(rb'<(?:\w+:)?row\s[^>]*?\br="(\d+)"')
_CELL_TAG = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_END = re.compile(rb"</(?:\w+:)?row>")


def max_cells() -> int:
    """The cell limit: :data:`CELLS_VARIABLE` when set, else :data:`DEFAULT_MAX_CELLS`."""
    return _limit(CELLS_VARIABLE, DEFAULT_MAX_CELLS)


def max_unzipped_bytes() -> int:
    """The inflated-size limit in bytes: :data:`UNZIPPED_VARIABLE` (MB) when set, else the default."""
    return _limit(UNZIPPED_VARIABLE, DEFAULT_MAX_UNZIPPED_MB) * 1024 * 1024


def _limit(variable: str, default: int) -> int:
    text = os.environ.get(variable, "").replace("_", "").replace(",", "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) == 0:
        raise UnusableInputError(
            Location(variable),
            f"the environment variable is '{os.environ[variable]}', not a positive whole number",
            f"Set it to a number such as {default}, or unset it",
        )
    return int(text)


def check_archive(path: Path) -> None:
    """Refuse a zip workbook whose parts inflate past the size limit, or far more than spreadsheet XML does."""
    location = Location(str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # calamine says what is wrong with it
    limit = max_unzipped_bytes()
    total = sum(part.file_size for part in parts)
    raise_hint = f"if the file is genuine, raise the limit: set {UNZIPPED_VARIABLE} (now {limit // 2**20:,})"
    if total > limit:
        raise UnusableInputError(
            location,
            f"the workbook inflates to {total / 2**20:,.0f} MB, more than the limit of {limit // 2**20:,} MB",
            f"Save the list as CSV, or {raise_hint}",
        )
    for part in parts:
        if part.file_size > limit // 10 and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise UnusableInputError(
                location,
                f"part {part.filename} inflates {part.file_size // max(part.compress_size, 1):,} times to "
                f"{part.file_size / 2**20:,.0f} MB (a zip bomb, or rows of filler?)",
                f"Open it in Excel or LibreOffice, delete the empty rows and save it again, or {raise_hint}",
            )


def check_sheet(path: Path, sheet: str) -> None:
    """Refuse a sheet of an xlsx/xlsm whose cells with values span more cells than the limit.

    Other formats (xlsb, ods) and parts that cannot be found are left to calamine.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return
    rows, columns = _sheet_extent(str(path), stat.st_mtime_ns, stat.st_size, sheet)
    limit = max_cells()
    if rows * columns > limit:
        raise UnusableInputError(
            Location(str(path), sheet),
            f"its cells with a value reach row {rows:,} and column {_letters(columns)}: {rows * columns:,} cells "
            f"to read, more than the limit of {limit:,} (a stray value far below or right of the list?)",
            "Delete the rows and columns past the list (Ctrl+End shows the last cell) and save it again; if the "
            f"sheet is genuinely that big, set {CELLS_VARIABLE} to a higher limit",
        )


@functools.lru_cache(maxsize=64)
def _sheet_extent(path: str, _mtime_ns: int, _size: int, sheet: str) -> tuple[int, int]:
    """The rows and columns a sheet's valued cells span; once per version of the file (a folder's sheets are looked
    at for their title block, then read)."""
    try:
        with zipfile.ZipFile(path) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return 0, 0
            with archive.open(part) as stream:
                return _used_extent(stream)
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return 0, 0


def check_workbook(path: Path) -> None:
    """:func:`check_archive`, then :func:`check_sheet` for every sheet: for readers that read every sheet at once.

    Anything that is not a zip workbook is left to the reader.
    """
    if not zipfile.is_zipfile(path):
        return
    check_archive(path)
    try:
        with zipfile.ZipFile(path) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                return
            tags = _SHEET.findall(_bounded_read(archive, "xl/workbook.xml"))
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return
    for tag in tags:
        check_sheet(path, _unescape(dict(_ATTRIBUTE.findall(tag)).get(b"name", b"")))


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding ``sheet``'s XML, from xl/workbook.xml and its relationships."""
    names = set(archive.namelist())
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return None
    relation = None
    for tag in _SHEET.findall(_bounded_read(archive, "xl/workbook.xml")):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if _unescape(attributes.get(b"name", b"")) == sheet:
            relation = next((value for key, value in attributes.items() if key.endswith(b":id")), None)
    if relation is None:
        return None
    for tag in _RELATIONSHIP.findall(_bounded_read(archive, "xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(tag))
        if attributes.get(b"Id") == relation:
            target = attributes.get(b"Target", b"").decode()
            part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
            return part if part in names else None
    return None


def _bounded_read(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as stream:
        return stream.read(64 * 1024 * 1024)


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", errors="replace")
    for entity, character in (("&lt;", "<"), ("&gt;", ">"), ("&quot;", '"'), ("&apos;", "'"), ("&amp;", "&")):
        text = text.replace(entity, character)
    return text


def _used_extent(stream) -> tuple[int, int]:
    """(last row, last column), 1-based, of the cells with a value, streaming the sheet XML in chunks.

    Rows and cells written without a reference (allowed, and calamine places them one after the other) are
    counted instead: the total of rows and the cells of the widest row bound where they can reach.
    """
    last_row = last_column = 0
    tail = b""
    refless_rows = widest_refless = 0
    while True:
        chunk = stream.read(_CHUNK)
        data = tail + chunk
        cut = data.rfind(b">") + 1 if chunk else len(data)
        text, tail = data[:cut], data[cut:]
        refs = _VALUED_REF.findall(text)
        if refs:
            last_column = max(last_column, *(_column_number(letters) for letters in {ref for ref, _ in refs}))
            last_row = max(last_row, *(int(row) for _, row in refs))
        rows = _ROW_REF.findall(text)
        if rows:
            last_row = max(last_row, *map(int, rows))
        row_tags = len(_ROW_TAG.findall(text))
        if row_tags > len(rows):
            refless_rows += row_tags - len(rows)
        cell_tags = len(_CELL_TAG.findall(text))
        if cell_tags > len(refs):
            widest_refless = max(widest_refless, _widest_row(text))
        if not chunk:
            break
    return max(last_row, last_row + refless_rows), max(last_column, widest_refless)


def _widest_row(text: bytes) -> int:
    """The most cell tags in one row of ``text`` (a row cut by a chunk boundary counts in parts, an estimate)."""
    return max((len(_CELL_TAG.findall(row)) for row in _ROW_END.split(text)), default=0)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - ord("A") + 1
    return number


def _letters(number: int) -> str:
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters or "A"
