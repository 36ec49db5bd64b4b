"""Text files as Windows programs save them: the bytes of a CSV export or a small settings file become text.

Notepad saves "UTF-8" (since 2019 without a byte-order mark, before with one), "UTF-16 LE/BE" ("Unicode", with a
mark) or "ANSI", the Windows code page (cp1252 in Indonesia); Excel saves "CSV UTF-8" with a mark and plain "CSV" in
the code page. The mark decides; without one, text that is valid UTF-8 is UTF-8, and anything else the code page.

Two readers apply that rule with different strictness, on purpose. A small text file (site files, profiles, dapil
tables: :func:`read_text`) may be UTF-16 without a mark, and bytes that are no text refuse it. A CSV roster or
extract (:func:`decode`) is data: NUL bytes in it are named as damage or binary content, and a byte the code page
leaves unassigned is read as Latin-1 rather than lose the row. A UTF-8 file with a few cp1252 lines is repaired line
by line before either sees it (``text_encoding``).
"""

from __future__ import annotations

import codecs
from pathlib import Path

import numpy as np

from dpt_rutan.errors import Location, UnusableInputError

ANSI_CODE_PAGE = "cp1252"

MAX_SAMPLE_CHARS = 1_000_000
"""How much of a CSV text is searched for the header and its delimiter: a few hundred long lines."""

_BYTE_ORDER_MARKS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def byte_order_mark(data: bytes) -> tuple[str, int] | None:
    """The codec a byte-order mark at the start of ``data`` names, and the mark's length; None without one."""
    for mark, codec in _BYTE_ORDER_MARKS:
        if data.startswith(mark):
            return codec, len(mark)
    return None


# --- Small text files ---------------------------------------------------------------------------------------------


def decode_text(data: bytes) -> str:
    """The text of a file's bytes: by its byte-order mark, else UTF-8, else the Windows code page.

    UTF-16 without a mark is recognised by its zero bytes, all on one side of each pair (ASCII letters). Raises
    UnicodeDecodeError for bytes that are no text in any of these, such as a workbook given in place of a text file.
    """
    marked = byte_order_mark(data)
    if marked is not None:
        codec, length = marked
        return data[length:].decode(codec)
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


# --- CSV data -----------------------------------------------------------------------------------------------------


def decode(raw: bytes, location: Location) -> tuple[str, str, int]:
    """The text, its codec and BOM length: a BOM decides; else UTF-8 if it decodes, else cp1252, else latin-1."""
    marked = byte_order_mark(raw)
    if marked is not None:
        codec, length = marked
        try:
            return raw[length:].decode(codec), codec, length
        except UnicodeDecodeError as error:
            raise UnusableInputError(
                location, f"the text is not valid {codec} ({error.reason})", "Save it again as CSV UTF-8"
            ) from None
    first_nul = raw.find(b"\x00")
    if first_nul >= 0:
        raise _nul_error(raw, first_nul, location)
    for codec in ("utf-8", ANSI_CODE_PAGE):
        try:
            return raw.decode(codec), codec, 0
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1", 0


def decode_head(raw: bytes, location: Location) -> tuple[str, str, int]:
    """:func:`decode`'s answer, with only the first :data:`MAX_SAMPLE_CHARS` characters of the text when possible.

    Bytes that are all ASCII after an optional UTF-8 BOM, with no NUL when there is no BOM, are UTF-8 to
    :func:`decode` and one character each; their head alone is decoded then, so that a big export is not decoded
    in full for its first lines (pandas decodes it again as it parses).
    """
    bom_length = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    ascii_only = np.frombuffer(raw, dtype=np.uint8, offset=bom_length).max(initial=0) < 0x80
    if ascii_only and (bom_length or b"\x00" not in raw):
        return raw[bom_length : bom_length + MAX_SAMPLE_CHARS].decode("ascii"), "utf-8", bom_length
    text, codec, bom_length = decode(raw, location)
    return text[:MAX_SAMPLE_CHARS], codec, bom_length


def _nul_error(raw: bytes, first_nul: int, location: Location) -> UnusableInputError:
    """NUL bytes throughout are binary or UTF-16 without a BOM; a few are damage, shown on their line."""
    head = raw[:4096]
    if head.count(b"\x00") * 4 > len(head):
        return UnusableInputError(
            location,
            "binary content: not a workbook, nor text in a known encoding (UTF-16 without a BOM?)",
            "Save it as .xlsx or as CSV UTF-8",
        )
    line = raw.count(b"\n", 0, first_nul) + 1
    return UnusableInputError(
        Location(location.file, row=line),
        "NUL bytes (character 0) in the text, the first on this row: a damaged export",
        "Open it in Excel or LibreOffice and save it again as CSV UTF-8",
    )
