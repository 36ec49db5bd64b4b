"""Workbooks: a file's kind told by its content, the one place calamine opens a workbook, and a sheet as a grid.

Formats are told by content, not only by extension: a zip is an xlsx/xlsm/ods, an OLE2 (CFB) file is an xls or a
password-protected workbook, anything else is read as CSV text. Workbooks are read with python-calamine, which says
whether a cell holds a number: a NIK stored as a number may already have lost digits (Excel keeps 15 significant
digits, a float64 about 16), so readers flag it in ``<field>_was_number`` and leave judging it to ``nik.py``.
"""

from __future__ import annotations

import datetime as dt
from itertools import zip_longest
from pathlib import Path

import numpy as np
import python_calamine as calamine

from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.read import workbook_guard
from dpt_rutan.read.grid import MAX_HEADER_SCAN, WHITESPACE, Body, Grid, object_array

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_SUFFIXES = {"zip": {".xlsx", ".xlsm", ".xlsb", ".ods"}, "cfb": {".xls"}}


def file_kind(path: Path) -> str:
    """ "zip" (xlsx, xlsm, ods), "cfb" (xls, or an encrypted workbook) or "text" (CSV), judged by content."""
    location = Location(str(path))
    if not path.exists():
        raise UnusableInputError(location, "file not found", "Check the path and the file name")
    if path.is_dir():
        raise UnusableInputError(location, "is a folder, not a file", "Give the path of the file inside it")
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except PermissionError:
        raise UnusableInputError(location, "no permission to read the file", "Ask for read access to it") from None
    except OSError as error:
        raise UnusableInputError(
            location, f"cannot be read ({error.strerror})", "Copy the file and try again"
        ) from None
    if not head.strip():
        raise UnusableInputError(location, "the file is empty", "Export the list again")
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head.startswith(CFB_MAGIC):
        return "cfb"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise UnusableInputError(
            location,
            "is a web page or XML file, not a workbook or CSV (some systems export these with an .xls name)",
            "Open it in Excel or LibreOffice and save it as .xlsx",
        )
    return "text"


def open_workbook(path: Path, *, by_content: bool, every_sheet: bool = False) -> calamine.CalamineWorkbook:
    """Open a workbook with calamine, after the bomb guard (:mod:`workbook_guard`) has looked at it.

    ``by_content``: calamine tells the format from the bytes, not from the extension (an .xls renamed .xlsx still
    opens). ``every_sheet``: the guard checks every sheet now, for a reader that reads them all; otherwise only the
    archive, and each sheet as it is read (:func:`sheet_grid`). calamine's own errors (``PasswordError`` among
    them) and ``OSError`` are left to the caller, which knows what to tell the user.
    """
    if every_sheet:
        workbook_guard.check_workbook(path)
    elif _starts_as_zip(path):
        workbook_guard.check_archive(path)
    if not by_content:
        return calamine.CalamineWorkbook.from_path(str(path))
    with path.open("rb") as handle:
        return calamine.CalamineWorkbook.from_filelike(handle)


def _starts_as_zip(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(len(ZIP_MAGIC)) == ZIP_MAGIC


def open_for_reading(path: Path, kind: str) -> calamine.CalamineWorkbook:
    """:func:`open_workbook` for a roster or extract of ``kind`` (:func:`file_kind`), with what went wrong said."""
    location = Location(str(path))
    try:
        return open_workbook(path, by_content=path.suffix.lower() not in _SUFFIXES[kind])
    except calamine.PasswordError:
        raise _password_error(location) from None
    except calamine.CalamineError as error:
        if kind == "cfb" and _ENCRYPTED_STREAM in path.read_bytes():
            raise _password_error(location) from None
        raise UnusableInputError(
            location,
            f"not a workbook that can be read, damaged or of an unknown kind ({error})",
            "Open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None


def _password_error(location: Location) -> UnusableInputError:
    return UnusableInputError(
        location, "the workbook is protected with a password", "Save an unprotected copy and read that one"
    )


def named_sheet(path: Path, names: list[str], sheet: str | int) -> str:
    """A sheet by name, by loose name, or by 0-based index ("2" is an index unless a sheet is named "2")."""
    wanted = str(sheet).strip()
    if wanted in names:
        return wanted
    loose = [name for name in names if name.strip().casefold() == wanted.casefold()]
    if loose:
        return loose[0]
    if wanted.isdigit() and int(wanted) < len(names):
        return names[int(wanted)]
    listed = ", ".join(f"{i}: '{name}'" for i, name in enumerate(names))
    raise UnusableInputError(
        Location(str(path)), f"no sheet '{sheet}' (sheets: {listed})", "Give --sheet a name or number from that list"
    )


def sheet_grid(path: Path, workbook: calamine.CalamineWorkbook, name: str) -> Grid:
    """A sheet as a grid: its first rows as text, the rows below a header converted when asked for."""
    workbook_guard.check_sheet(path, name)
    try:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except calamine.CalamineError as error:
        raise UnusableInputError(
            Location(str(path), name),
            f"the sheet cannot be read, the workbook may be damaged ({error})",
            "Open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None
    top = [[cell_text(value) for value in row] for row in rows[:MAX_HEADER_SCAN]]
    return Grid(top=top, body_after=lambda last, _width: _sheet_body(rows, last), labels=column_letter)


def _sheet_body(rows: list[list[object]], last_header: int) -> Body:
    """Rows below the header, converted column by column; ``to_python`` keeps row 1 at index 0."""
    below = rows[last_header + 1 :]
    width = max((len(row) for row in rows), default=0)
    columns = [list(column) for column in zip_longest(*below, fillvalue=None)]
    columns += [[None] * len(below) for _ in range(width - len(columns))]
    cells = [object_array(_texts(column)) for column in columns]

    def numeric(j: int) -> np.ndarray:
        return np.fromiter((type(value) in (int, float) for value in columns[j]), dtype=bool, count=len(below))

    source_rows = np.arange(last_header + 2, last_header + 2 + len(below), dtype="int64")
    return Body(cells=cells, source_rows=source_rows, numeric=numeric)


def _texts(column: list[object]) -> list[str]:
    return [value.strip(WHITESPACE) if type(value) is str else cell_text(value) for value in column]


def cell_text(value: object) -> str:
    """A workbook cell as the text a user would type: whole numbers without ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip(WHITESPACE)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{int(value)}" if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """Excel's letters for a 0-based column index: 0 -> "A", 26 -> "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters
