"""Small text files (site files, profiles, dapil tables) as Windows programs save them.

Notepad saves "UTF-8" (since 2019 without a byte-order mark, before with one), "UTF-16 LE/BE" ("Unicode", with a
mark) or "ANSI", the Windows code page (cp1252 in Indonesia); Excel saves "CSV UTF-8" with a mark and plain "CSV" in
the code page. The mark decides; without one, text that is valid UTF-8 is UTF-8, and anything else the code page.
"""

from __future__ import annotations

import codecs
from pathlib import Path

from dpt_rutan.errors import Location, UnusableInputError

ANSI_CODE_PAGE = "cp1252"
_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """The text of a file's bytes: by its byte-order mark, else UTF-8, else the Windows code page.

    UTF-16 without a mark is recognised by its zero bytes, all on one side of each pair (ASCII letters). Raises
    UnicodeDecodeError for bytes that are no text in any of these, such as a workbook given in place of a text file.
    """
    for mark, encoding in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return data.decode(encoding)
    if b"\x00" in data:
        even, odd = data[::2].count(0), data[1::2].count(0)
        if min(even, odd) == 0 and max(even, odd) >= len(data) // 4:
            return data.decode("utf-16-le" if odd else "utf-16-be")
        raise UnicodeDecodeError("utf-8", data, data.index(0), data.index(0) + 1, "zero byte: not a text file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode(ANSI_CODE_PAGE)


def read_text(path: Path) -> str:
    """Read a small text file in any encoding :func:`decode_text` knows; a file that cannot be read or is no text
    is an UnusableInputError with one line."""
    location = Location(str(path))
    if path.is_dir():
        raise UnusableInputError(location, "is a folder, not a file", "Give the path of the file inside it")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnusableInputError(location, "file not found", "Check the path and the file name") from None
    except PermissionError:
        raise UnusableInputError(location, "cannot be read: permission denied") from None
    except OSError as error:
        raise UnusableInputError(location, f"cannot be read ({error.strerror or error})") from None
    try:
        return decode_text(data)
    except UnicodeDecodeError:
        raise UnusableInputError(
            location, "is not text (UTF-8, UTF-16 or Windows ANSI)", "Save it again as text, UTF-8"
        ) from None
