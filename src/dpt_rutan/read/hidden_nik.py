"""A column of NIKs under a header the tool does not know ("Nomor Identitas"), found before it is ignored.

Without a NIK column every inmate would be taken for one without a NIK and sent to Dukcapil for recording: a wrong
answer without a word. So when no column maps to NIK, the first rows below the header (the ones the header was
found in, the same for the whole-file and the block reader) are looked at, and a column whose filled cells mostly
look like NIKs stops the run with the ``--map`` that reads it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.read import headers as hdr

MOST = 0.6
"""The share of a column's filled cells that must look like NIKs."""

# 16 digits (spaces, dots or dashes between groups allowed), a masked NIK (digits and x/*, 16 in all), or a NIK
# that went through a float ("3.31609E+15", "3,316E+015").
_NIK_LIKE = re.compile(
    r"\d{2}[\d \-.]{14,20}|(?=[\dxX*]{16}$)\d{2}[\dxX*]*\d|\d[.,]\d+[eE]\+?0?15",
)
_SEPARATORS = re.compile(r"[ \-.]")


def check(
    path: Path,
    sheet: str | None,
    mapping: hdr.HeaderMapping,
    rows_below: Sequence[Sequence[str]],
    labels: Sequence[str],
    header_row: int,
) -> None:
    """Raise :class:`UnusableInputError` when no column maps to NIK but an unmapped one holds NIKs."""
    if Field.NIK in mapping.fields:
        return
    used = {column.index for column in mapping.fields.values()}
    for index, header in enumerate(mapping.headers):
        if index in used or not hdr.normalise_header(header):
            continue
        cells = [row[index] for row in rows_below if index < len(row) and row[index]]
        looks = sum(_looks_like_nik(cell) for cell in cells)
        if cells and looks >= MOST * len(cells):
            raise UnusableInputError(
                Location(str(path), sheet, header_row, f"{labels[index]} ('{header}')"),
                f"no column is read as NIK, but this one holds what look like NIKs ({looks} of the first "
                f"{len(cells)} cells); read without it, every inmate would seem to have no NIK",
                f'Name it: --map nik="{header}"',
            )


def _looks_like_nik(cell: str) -> bool:
    if not _NIK_LIKE.fullmatch(cell):
        return False
    digits = _SEPARATORS.sub("", cell)
    return len(digits) == 16 or not digits.isdigit()
