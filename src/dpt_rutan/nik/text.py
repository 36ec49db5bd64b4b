"""The text stage of a NIK or NKK column: each cell to its clean 16 digits, or the finding that says why not.

Most cells of an extract are exactly 16 digits and are found so with array operations; every other distinct value
is judged once (placeholder, damaged by Excel, masked, not digits, wrong length) and the verdicts mapped back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code
from dpt_rutan.nik.findings import FindingCollector

define_code(
    "MISSING",
    "warning",
    "NIK/NKK kosong: tanpa NIK dan NKK KPU tidak dapat mendaftarkan pemilih. Cari di berkas atau mintakan ke Dukcapil.",
    "NIK/NKK is empty: KPU cannot list a voter without NIK and NKK. Look it up in the files or ask Dukcapil.",
)
define_code(
    "PLACEHOLDER",
    "warning",
    "Berisi pengganti, bukan nomor (misalnya '-', '0', 'BELUM ADA'): NIK/NKK belum diketahui.",
    "Holds a placeholder, not a number (such as '-', '0', 'BELUM ADA'): the NIK/NKK is not known.",
)
define_code(
    "NOT_DIGITS",
    "error",
    "NIK/NKK berisi karakter selain angka.",
    "NIK/NKK contains characters other than digits.",
)
define_code("BAD_LENGTH", "error", "NIK/NKK harus 16 digit.", "NIK/NKK must have 16 digits.")
define_code(
    "EXCEL_MANGLED",
    "error",
    "Angka sudah dirusak Excel (notasi ilmiah, atau angka di atas 2^53): digit terakhir hilang dan tidak bisa "
    "dipulihkan. Ambil lagi dari sumbernya dan format kolom sebagai Teks.",
    "Excel has damaged the number (scientific notation, or a number above 2^53): the last digits are lost for good. "
    "Take it again from the source and format the column as Text.",
)

define_code(
    "MASKED",
    "info",
    "Sebagian digit disamarkan (* atau x): hanya bisa dicocokkan pada digit yang terlihat.",
    "Some digits are hidden (* or x): can only be matched on the visible digits.",
)

PLACEHOLDERS = frozenset(
    {"-", "0", "?", "BELUM ADA", "TIDAK ADA", "BLM ADA", "TDK ADA", "NIHIL", "N/A", "NA", "KOSONG", "TIDAK PUNYA"}
)
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u200b\ufeff]+")
_PLACEHOLDER_RUN = re.compile(r"(0+|\?+)?")  # after separators are gone: "", "0000", "??"
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
_FLOAT_RENDERING = re.compile(r"(\d+)[.,]0+")  # "3316011203900001.0": a number printed as a float
_MASKABLE = re.compile(r"[0-9*xX]{16}")

_ASCII_0, _ASCII_9 = ord("0"), ord("9")


def compact(text: str) -> str:
    """Drop spaces, dots, dashes and a leading apostrophe (Excel's "store as text" mark)."""
    return _SEPARATORS.sub("", str(text).strip().lstrip("'\u2018\u2019"))


class _TextVerdict(NamedTuple):
    clean: str  # compacted digits, "" when there are none worth keeping
    code: str  # finding code of the text stage, "" when ``clean`` is 16 digits
    masked_pattern: str
    printed_as_float: bool


def _is_placeholder(stripped: str, compacted: str) -> bool:
    words = " ".join(stripped.upper().replace(".", " ").split())
    return words in PLACEHOLDERS or _PLACEHOLDER_RUN.fullmatch(compacted) is not None


def _judge_text(text: str) -> _TextVerdict:
    """The verdict on one distinct value that is not simply 16 digits."""
    stripped = text.strip()
    if not stripped:
        return _TextVerdict("", "MISSING", "", False)
    float_rendering = _FLOAT_RENDERING.fullmatch(stripped)
    compacted = compact(float_rendering.group(1) if float_rendering else stripped)
    if _is_placeholder(stripped, compacted):
        return _TextVerdict("", "PLACEHOLDER", "", False)
    if _SCIENTIFIC.fullmatch(stripped):
        return _TextVerdict("", "EXCEL_MANGLED", "", False)
    if compacted.isascii() and compacted.isdigit():
        return _TextVerdict(compacted, "" if len(compacted) == 16 else "BAD_LENGTH", "", bool(float_rendering))
    if _MASKABLE.fullmatch(compacted):
        return _TextVerdict("", "MASKED", re.sub(r"[xX*]", "*", compacted), False)
    return _TextVerdict("", "NOT_DIGITS", "", False)


def _digit_matrix(values: np.ndarray) -> np.ndarray:
    """16-character strings -> (n, 16) uint8 array of their characters; beyond Latin-1 becomes "?"."""
    # One join and encode is twice as fast as numpy's own conversion to fixed-width strings.
    encoded = "".join(values.tolist()).encode("latin-1", errors="replace")
    return np.frombuffer(encoded, dtype=np.uint8).reshape(-1, 16)


def _plain_16_digits(raw: np.ndarray) -> np.ndarray:
    """True where the text is exactly 16 ASCII digits: the common case, found without a Python loop per value."""
    plain = np.fromiter(map(len, raw), dtype=np.int64, count=len(raw)) == 16
    candidates = np.flatnonzero(plain)
    points = _digit_matrix(raw[candidates])
    plain[candidates] = ((points >= _ASCII_0) & (points <= _ASCII_9)).all(axis=1)
    return plain


@dataclass
class ColumnText:
    """The text stage over a whole column."""

    raw: np.ndarray  # object: the cell text, "" for empty
    clean: np.ndarray  # object
    code: np.ndarray  # object: text-stage finding code or ""
    masked_pattern: np.ndarray  # object
    as_number: np.ndarray  # bool: arrived as a number, or printed like one ("...0001.0")
    full: np.ndarray  # bool: ``clean`` is 16 digits
    digits: np.ndarray  # (full.sum(), 16) uint8 digits of the full rows


def read_text(frame: pd.DataFrame, field: str) -> ColumnText:
    """The text stage over ``frame[field]``; ``<field>_was_number``, when present, says which cells were numbers."""
    raw = frame[field].fillna("").astype(str).to_numpy(dtype=object)
    number_column = f"{field}_was_number"
    as_number = (
        frame[number_column].fillna(False).to_numpy(dtype=bool, copy=True)
        if number_column in frame
        else np.zeros(len(raw), dtype=bool)
    )
    plain = _plain_16_digits(raw)
    clean, code, masked = raw.copy(), np.full(len(raw), "", dtype=object), np.full(len(raw), "", dtype=object)
    others = np.flatnonzero(~plain)
    positions, uniques = pd.factorize(raw[others])
    verdicts = [_judge_text(value) for value in uniques]
    for target, column in ((clean, 0), (code, 1), (masked, 2)):
        target[others] = np.array([v[column] for v in verdicts], dtype=object)[positions]
    as_number[others] |= np.array([v.printed_as_float for v in verdicts], dtype=bool)[positions]
    full = plain.copy()
    full[others] = code[others] == ""
    digits = _digit_matrix(clean[full]) - np.uint8(_ASCII_0)
    zeros = ~digits.any(axis=1)  # "0000000000000000" stands for "unknown"
    zero_rows = np.flatnonzero(full)[zeros]
    code[zero_rows], clean[zero_rows], full[zero_rows] = "PLACEHOLDER", "", False
    return ColumnText(raw, clean, code, masked, as_number, full, digits[~zeros])


def text_findings(text: ColumnText, out: FindingCollector) -> None:
    """Add the text stage's findings to ``out``: missing, placeholder, damaged, masked, not digits, wrong length."""
    for code in ("MISSING", "PLACEHOLDER", "EXCEL_MANGLED", "MASKED", "NOT_DIGITS", "BAD_LENGTH"):
        positions = np.flatnonzero(text.code == code)
        out.add(positions, code, text.raw[positions])
