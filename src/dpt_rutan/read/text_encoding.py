"""A CSV text that is UTF-8 but for a few lines in Windows-1252, decoded line by line.

A UTF-8 export with one line typed or pasted in from a Windows program ("JOS\\xc9") is not UTF-8 as a whole. Read
whole as cp1252, every other accented name turns to mojibake ("JOSÃ‰"). So the file is judged by its lines with
bytes past ASCII: when at least as many of them are UTF-8 as not (or the file starts with a UTF-8 BOM), each line is
decoded by itself, UTF-8 where it is, cp1252 where it is not, and those lines are named in a finding. Otherwise the
file is a cp1252 file and is read whole as one, as before.

The whole-file reader (``csv_grid``) and the block reader (``stream``) both judge the whole file with
:func:`classify` and recode the same lines with :func:`recode_lines`, so that they give the same rows.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code

MIXED = "mixed"
"""The codec name, for the readers, of a UTF-8 text some of whose lines are cp1252."""

MIXED_ENCODING_LINE = define_code(
    "MIXED_ENCODING_LINE",
    "warning",
    "Baris ini bukan UTF-8 seperti baris lain berkas ini; dibaca sebagai Windows-1252: periksa huruf beraksennya.",
    "This line is not UTF-8 like the rest of the file; it was read as Windows-1252: check its accented letters.",
)

_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_CHUNK = 16 * 1024 * 1024


def classify(chunks: Iterable[bytes], *, has_bom: bool = False) -> str:
    """ "utf-8", :data:`MIXED` or "cp1252" for text given in ``chunks`` cut at line ends (no UTF-16)."""
    utf8 = other = 0
    for chunk in chunks:
        for match in _NON_ASCII_LINE.finditer(chunk):
            try:
                match.group().decode("utf-8")
                utf8 += 1
            except UnicodeDecodeError:
                other += 1
    if not other:
        return "utf-8"
    return MIXED if has_bom or utf8 >= other else "cp1252"


def classify_file(path: Path) -> str:
    """:func:`classify` of a file read in chunks, never whole."""
    with path.open("rb") as handle:
        has_bom = handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8
        handle.seek(0)
        return classify(_line_chunks(handle), has_bom=has_bom)


def _line_chunks(handle) -> Iterator[bytes]:
    pending = b""
    while chunk := handle.read(_CHUNK):
        data = pending + chunk
        cut = data.rfind(b"\n") + 1
        pending = data[cut:]
        yield data[:cut]
    yield pending


def recode_lines(data: bytes) -> tuple[bytes, np.ndarray]:
    """``data`` as UTF-8, each line that is not UTF-8 decoded as cp1252 (latin-1 for its five unassigned bytes),
    and the 0-based numbers of those lines (counted by line feeds)."""
    try:
        data.decode("utf-8")
        return data, np.empty(0, dtype="int64")
    except UnicodeDecodeError:
        pass
    lines = data.split(b"\n")
    recoded = []
    for number, line in enumerate(lines):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                text = line.decode("latin-1")
            lines[number] = text.encode("utf-8")
            recoded.append(number)
    return b"\n".join(lines), np.array(recoded, dtype="int64")


def may_be_mixed(data: bytes) -> bool:
    """Whether ``data`` may be a UTF-8 text with cp1252 lines: neither ASCII nor UTF-16 (a BOM, or NUL bytes), and
    not UTF-8 as a whole."""
    if data.isascii() or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in data:
        return False
    try:
        data.decode("utf-8")  # at C speed; classify() looks at each line that is not ASCII
        return False
    except UnicodeDecodeError:
        return True


def repair(raw: bytes) -> tuple[bytes, np.ndarray]:
    """The whole file's bytes, recoded line by line when :func:`classify` finds it mixed; with the 1-based line
    numbers recoded (none when the file is left as it is)."""
    none = np.empty(0, dtype="int64")
    if not may_be_mixed(raw):
        return raw, none
    if classify([raw], has_bom=raw.startswith(codecs.BOM_UTF8)) != MIXED:
        return raw, none
    data, lines = recode_lines(raw)
    return data, lines + 1


def recoded_rows(source_rows: np.ndarray, lines: np.ndarray) -> np.ndarray | None:
    """Per row of a body: whether one of its lines was recoded (a row may span lines: a quoted line break)."""
    if not len(lines) or not len(source_rows):
        return None
    index = np.searchsorted(source_rows, lines, side="right") - 1
    flags = np.zeros(len(source_rows), dtype=bool)
    flags[index[index >= 0]] = True
    return flags if flags.any() else None


def notes(source_rows: np.ndarray, flags: np.ndarray | None) -> pd.DataFrame | None:
    """Finding rows (source_row, field, code, value) for the rows with a recoded line."""
    if flags is None or not flags.any():
        return None
    rows = source_rows[flags]
    return pd.DataFrame({"source_row": rows, "field": "", "code": MIXED_ENCODING_LINE.code, "value": "cp1252"})
