"""Masking of NIK and NKK numbers in reports that leave the prison or the election office.

A report handed on needs enough of a number to tell people apart and to find the row in the source, not the whole
number (UU 27/2022 on personal data protection). The first four digits (province and kab/kota of first issue) and
the last four (the serial) are kept; every digit between them becomes ``*``:

>>> mask_nik("3316014503900001")
'3316********0001'

Only digits are masked, so separators and letters stay in place and a value keeps its length: columns stay aligned
and a damaged value shows for what it is.

>>> mask_nik("3316 0145 0390 0001")
'3316 **** **** 0001'
>>> mask_nik("3.31601E+15")
'*.*****E+**'
>>> mask_nik("BELUM ADA")
'BELUM ADA'

Mask characters already there (``*`` or ``x``, as in published lists) count as digit places, so a number masked
elsewhere keeps what it shows:

>>> mask_nik("331601450390xxxx")
'3316********xxxx'

A value with eight digit places or fewer has no middle to hide: all of its digits are masked.
"""

from __future__ import annotations

import re

import pandas as pd

MASK_CHAR = "*"
KEPT_DIGITS = 4
"""Digit places left visible at each end of a value that has more than twice this many."""

_DIGIT_PLACE = re.compile(r"[\d*xX]")
_PLAIN_16 = r"\d{16}"
# In running text: a run of fifteen digits or more (a NIK, one that lost or gained a digit, or one stuck to another
# number), or sixteen digits in groups of four as people type them. ASCII digits only: NIKs are never in others.
_NUMBER_IN_TEXT = re.compile(r"(?<![0-9])(?:[0-9]{15,}|[0-9]{4}(?:[ .-][0-9]{4}){3})(?![0-9])")


def mask_nik(value: str) -> str:
    """Mask the digits of a NIK or NKK, keeping the first and last four places when there are more than eight."""
    places = [match.start() for match in _DIGIT_PLACE.finditer(value)]
    hidden = places[KEPT_DIGITS:-KEPT_DIGITS] if len(places) > 2 * KEPT_DIGITS else places
    characters = list(value)
    for position in hidden:
        if characters[position].isdigit():
            characters[position] = MASK_CHAR
    return "".join(characters)


def mask_text(text: str) -> str:
    """Mask every NIK-like number anywhere in a text (a message, a table line, a header quoted in an error).

    The terminal shows cells of any column, headers and error messages: a NIK shifted into another column or quoted
    in a message is masked there too. Shorter numbers (row numbers, counts, dates) are left as they are.

    >>> mask_text("row 12: '3316014503900001' is not 'BUDI'")
    "row 12: '3316********0001' is not 'BUDI'"
    """
    return _NUMBER_IN_TEXT.sub(lambda found: mask_nik(found.group()), text)


def mask_nik_series(values: pd.Series) -> pd.Series:
    """Mask a whole column; empty cells stay as they are, and a text column stays a text column.

    The common case, exactly sixteen digits, is masked by slicing the whole column at once; only the rest (spaces,
    placeholders, damaged numbers) goes through :func:`mask_nik` one value at a time.
    """
    text = values.astype("string")
    plain = text.str.fullmatch(_PLAIN_16).fillna(False).to_numpy(dtype=bool)
    irregular = text.notna().to_numpy(dtype=bool) & ~plain
    masked = values.to_numpy(dtype=object, copy=True)
    masked[plain] = text[plain].str.slice_replace(KEPT_DIGITS, -KEPT_DIGITS, MASK_CHAR * 8).to_numpy(dtype=object)
    masked[irregular] = [mask_nik(value) for value in text[irregular]]
    result = pd.Series(masked, index=values.index, name=values.name, dtype=object)
    return result.astype(values.dtype) if pd.api.types.is_string_dtype(values.dtype) else result
