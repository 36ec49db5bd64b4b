"""NIK (Nomor Induk Kependudukan) and NKK (family card number): clean, validate, decode; one value or a million.

A NIK is 16 digits, PP RR SS DD MM YY NNNN: the Kemendagri codes of the province, kab/kota and kecamatan that first
issued it (kept for life, so retired codes stay valid, see :mod:`dpt_rutan.regions`), the birth date with 40 added
to the day for women, and a serial from 0001. There is no check digit: a mistyped NIK often still looks valid,
so the birth date and sex it encodes are checked against the row. Two digits of year cannot tell 1924 from 2024:
the century is the one that puts the birth on or before the reference date (the election day), unless the row's
birth date agrees on day, month and two-digit year, which then gives the century (people over 100 exist).

Single values, shaped like python-stdnum's ``stdnum.id.nik`` (which is BPS-coded and guesses the century wrongly):

>>> from datetime import date
>>> pemilu = date(2024, 2, 14)
>>> compact("'3316 0112-0390.0001")
'3316011203900001'
>>> validate("33.16.01.120390.0001", reference_date=pemilu)
'3316011203900001'
>>> info = decode("3316015203060001", reference_date=pemilu)  # a woman (day 52 = 12 + 40), born 2006
>>> info.birth_date, info.sex, info.district_code
(datetime.date(2006, 3, 12), 'P', '33.16.01')
>>> decode("9109011203900001", reference_date=pemilu).region_status  # Mimika before Papua Tengah (94.04)
'historic'
>>> validate("3.31609E+15", reference_date=pemilu)  # doctest: +ELLIPSIS
Traceback (most recent call last):
    ...
dpt_rutan.nik.InvalidFormat: EXCEL_MANGLED: Excel has damaged the number ... ('3.31609E+15')
>>> is_valid("3316013102900001", reference_date=pemilu)  # 31 February
False

For files, :func:`nik_findings` checks a whole column with array operations and returns every finding per row
(:mod:`dpt_rutan.nik.column`, after the text stage of :mod:`dpt_rutan.nik.text` and with the birth date checks of
:mod:`dpt_rutan.nik.birth`); the single values above are that check run on a column of one.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from dpt_rutan.errors import CODES
from dpt_rutan.nik.column import nik_findings, nik_text, nkk_findings
from dpt_rutan.nik.findings import NikCheck
from dpt_rutan.nik.text import compact

__all__ = [
    "InvalidComponent",
    "InvalidFormat",
    "InvalidLength",
    "NikCheck",
    "NikError",
    "NikInfo",
    "compact",
    "decode",
    "is_valid",
    "nik_findings",
    "nik_text",
    "nkk_findings",
    "validate",
]


class NikError(ValueError):
    """A value that is no usable NIK; ``code`` is the finding code that says why."""

    def __init__(self, code: str, value: str) -> None:
        self.code = code
        self.value = value
        super().__init__(f"{code}: {CODES[code].message_en} ({value!r})")


class InvalidFormat(NikError):
    """Empty, a placeholder, not digits, masked, damaged by Excel or a temporary number."""


class InvalidLength(NikError):
    """Digits, but not 16 of them."""


class InvalidComponent(NikError):
    """16 digits whose province, birth date or serial cannot be right."""


_RAISES: dict[str, type[NikError]] = {
    **dict.fromkeys(
        ("MISSING", "PLACEHOLDER", "NOT_DIGITS", "EXCEL_MANGLED", "MASKED", "TEMPORARY_NIK"), InvalidFormat
    ),
    "BAD_LENGTH": InvalidLength,
    **dict.fromkeys(("UNKNOWN_PROVINCE", "NIK_BAD_BIRTH_DATE", "SERIAL_ZERO"), InvalidComponent),
}


class NikInfo(BaseModel):
    """What a valid NIK encodes."""

    nik: str
    province_code: str
    regency_code: str
    district_code: str
    region_status: str
    birth_date: date
    sex: Literal["L", "P"]
    serial: str


def _single(text: str, reference_date: date, birth_date: date | None = None) -> NikCheck:
    frame = pd.DataFrame(
        {"source_row": [1], "nik": pd.Series([str(text)], dtype=object), "birth_date": [birth_date]},
    )
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    return nik_findings(frame, reference_date=reference_date)


def _raise_first(check: NikCheck) -> None:
    for code, value in zip(check.findings["code"], check.findings["value"], strict=True):
        if code in _RAISES:
            raise _RAISES[code](code, value)


def validate(text: str, *, reference_date: date) -> str:
    """The clean 16 digits of a valid NIK, or a :class:`NikError` saying why not.

    Valid means: could have been issued. A retired or unknown regency/district under a known province is valid
    (see :func:`nik_findings` for the warnings a file gets).
    """
    check = _single(text, reference_date)
    _raise_first(check)
    return str(check.columns["nik_clean"].iloc[0])


def is_valid(text: str, *, reference_date: date) -> bool:
    """Whether :func:`validate` accepts ``text``."""
    try:
        validate(text, reference_date=reference_date)
    except NikError:
        return False
    return True


def decode(nik: str, *, reference_date: date, birth_date: date | None = None) -> NikInfo:
    """Region, birth date, sex and serial of a valid NIK; :class:`NikError` if it is not valid.

    ``birth_date``, when known from elsewhere and agreeing on day, month and two-digit year, sets the century.
    """
    check = _single(nik, reference_date, birth_date)
    _raise_first(check)
    row = check.columns.iloc[0]
    clean = str(row["nik_clean"])
    return NikInfo(
        nik=clean,
        province_code=row["nik_province"],
        regency_code=row["nik_regency"],
        district_code=row["nik_district"],
        region_status=row["nik_region_status"],
        birth_date=row["nik_birth_date"].date(),
        sex=row["nik_sex"],
        serial=clean[12:],
    )
