"""What each row below the header is: data, or a blank, totals, section, repeated header or signature row.

Rows are told by what they hold, never by how few cells they fill: a new detainee may have only a number, a name and
a sex yet, and must get a status like everyone else.

* A totals row has a cell starting with JUMLAH / JML / TOTAL / SUB TOTAL / GRAND TOTAL, in any column (the NIK or
  name column too), and nothing else but counts ("JUMLAH WBP : 150", ``;;JUMLAH;;;150``).
* A section row is one cell: a heading such as "BLOK A", "KAMAR 3", "II. NARAPIDANA", or any lone cell outside the
  name column.
* A signature row is a sparse row (three cells at most) whose cells are all signature lines: place and date
  ("Blora, 12 Januari 2024"), a title (KEPALA RUTAN, Mengetahui, Petugas, a civil-service rank), a NIP. After such a
  line, the sparse rows that carry no personal data (a signatory's name, two names side by side) are signature rows
  too, until the next data row.
* A row with a NIK, or with a name beside personal data (a number, a date, a sex), is data.

The kind of a row depends on nothing after it, and on nothing before the last row with a NIK, so that the block
reader, which cuts blocks after such rows, sorts rows exactly as the whole-file reader does.
"""

from __future__ import annotations

import re

import numpy as np

from dpt_rutan.fields import Field
from dpt_rutan.read import headers as hdr

SPARSE_CELLS = 3
"""A signature line fills no more cells than this; a wider row is data, a header or a totals row."""

_TOTAL = re.compile(r"\s*(sub\s*-?\s*total|grand\s*total|total|jumlah|jml)\b", re.IGNORECASE)
# What a totals row holds besides its label: counts, and the few words counts come with.
_COUNT = re.compile(r"(?:[\d\s.,:;=()/+-]|\b(?:orang|org|jiwa|wbp|l|p|lk|pr|laki-laki|perempuan|pemilih)\b)*", re.I)
_MONTHS = "jan|feb|mar|apr|mei|may|jun|jul|agu|ags|aug|sep|okt|oct|nov|nop|des|dec"
_SIGNATURE = re.compile(
    r"\s*(a\.\s?n\.|an\.\s|plt\.?\s|plh\.?\s|kepala\b|ka\.?\s?(rutan|lapas|upt)\b|kalapas|karutan|kasubsi|kasi\b"
    r"|kaur\b|mengetahui|menyetujui|disetujui|dibuat oleh|yang membuat|hormat kami|petugas\b|pejabat\b|operator\b"
    r"|pembina\b|penata\b|pengatur\b|nip\b|nip\.|nrp\b|ttd\b|tertanda"
    # place and date: "Blora, 15 Januari 2024", "15 Januari 2024", "Blora, 15-01-2024" (a bare date is a birth date)
    r"|(\w[\w .'-]*,\s*)?\d{1,2}\s*[-/ ]?\s*(" + _MONTHS + r")[a-z]*\.?\s*[-/ ]?\s*\d{4}\s*$"
    r"|\w[\w .'-]*,\s*\d{1,2}\s*[-/.]\s*\d{1,2}\s*[-/.]\s*\d{4}\s*$)",
    re.IGNORECASE,
)
_SECTION = re.compile(
    r"\s*(([ivx]+|[a-z]|\d+)\s*[.)]\s*)?(blok|kamar|sel|wisma|lantai|ruang|paviliun|tahanan|narapidana|napi|wbp"
    r"|anak\s+didik|titipan)\b.{0,30}$",
    re.IGNORECASE,
)
_LONGEST_COUNT = 6  # a NIK cell of this many digits or fewer holds a count or a placeholder, not a NIK
_COLUMN_NUMBER = re.compile(r"\(?\d{1,3}\)?")
_DIGIT = re.compile(r"\d")


def skip_reasons(
    cells: list[np.ndarray],
    filled_counts: np.ndarray,
    nik_digits: np.ndarray,
    header: list[str],
    mapping: hdr.HeaderMapping,
) -> np.ndarray:
    """Why each row is not data ("" for a data row): blank, total, header, numbers, section or signature.

    ``filled_counts`` counts each row's filled cells up to ``SPARSE_CELLS + 1``; ``nik_digits`` says whether the
    row's NIK cell holds a digit. Rows with a NIK are data unless the NIK cell holds a totals label or a NIP line.
    """
    height = len(cells[0]) if cells else 0
    reasons = np.full(height, "", dtype=object)
    if not height:
        return reasons
    reasons[filled_counts == 0] = "blank"
    nik = mapping.fields.get(Field.NIK)
    has_nik = nik_digits.copy()
    if nik is not None:
        plain = plain_nik(cells, mapping)
        texts = np.flatnonzero(nik_digits & ~plain)
        has_nik[texts] = [_id_like(cells[nik.index][i]) for i in texts]
    candidates = np.flatnonzero((filled_counts > 0) & ~has_nik)
    name = mapping.fields.get(Field.NAME)
    name_index = None if name is None else name.index
    nik_rows_before = np.cumsum(has_nik) - has_nik  # a row with a NIK ends any signature block
    signing, signed_at = False, 0
    for i in candidates:
        signing = signing and nik_rows_before[i] == signed_at
        kind = _kind([column[i] for column in cells], header, name_index, signing)
        reasons[i] = kind
        if kind == "signature":
            signing, signed_at = True, nik_rows_before[i]
        elif kind == "":
            signing = False
    if reasons[0] == "" and _is_column_numbering([column[0] for column in cells]):
        reasons[0] = "numbers"
    return reasons


def _kind(values: list[str], header: list[str], name_index: int | None, after_signature: bool) -> str:
    filled = [(j, value) for j, value in enumerate(values) if value]
    if _is_total(filled):
        return "total"
    width = min(len(header), len(values))
    if values[:width] == header[:width]:
        return "header"
    if len(filled) > SPARSE_CELLS:
        return ""
    if all(_SIGNATURE.match(value) for _, value in filled):
        return "signature"
    if len(filled) == 1 and _SECTION.match(filled[0][1]):
        return "section"
    personal = any(j != name_index and _personal(value) for j, value in filled)
    if after_signature and not personal:
        return "signature"
    if len(filled) == 1 and name_index is not None and filled[0][0] != name_index:
        return "section"
    return ""


def _is_total(filled: list[tuple[int, str]]) -> bool:
    labels = [value for _, value in filled if _TOTAL.match(value)]
    return bool(labels) and all(_TOTAL.match(value) or _COUNT.fullmatch(value) for _, value in filled)


def _id_like(cell: str) -> bool:
    """Whether a NIK cell with digits that are not a long plain number may be an identifier: not a count
    ("150"), a totals label or a signature line ("JUMLAH WBP : 150", "NIP. 1975...")."""
    if cell.isdigit():
        return len(cell) > _LONGEST_COUNT
    return not (_TOTAL.match(cell) or _SIGNATURE.match(cell))


def _personal(value: str) -> bool:
    """A cell of personal data beside a name: a number or date (not a NIP or a signing date), or a short code."""
    if _SIGNATURE.match(value):
        return False
    return bool(_DIGIT.search(value)) or len(value) <= 3


def plain_nik(cells: list[np.ndarray], mapping: hdr.HeaderMapping) -> np.ndarray:
    """Rows whose NIK cell is a long plain number: data whatever is around them, so a block may end after one."""
    nik = mapping.fields.get(Field.NIK)
    if nik is None or not cells:
        return np.zeros(len(cells[0]) if cells else 0, dtype=bool)
    column = cells[nik.index]
    return _all_digits(column) & (np.fromiter(map(len, column), dtype="int64", count=len(column)) > _LONGEST_COUNT)


def _all_digits(column: np.ndarray) -> np.ndarray:
    return np.fromiter(map(str.isdigit, column), dtype=bool, count=len(column))


def _is_column_numbering(row: list[str]) -> bool:
    """KPU forms number their columns in the row under the header: "1 2 3 ..." or "(1) (2) (3) ..."."""
    cells = [cell for cell in row if cell]
    if len(cells) < 3 or not all(_COLUMN_NUMBER.fullmatch(cell) for cell in cells):
        return False
    numbers = [int(cell.strip("()")) for cell in cells]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))
