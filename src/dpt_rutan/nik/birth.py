"""The birth date and sex a NIK encodes (digits 7-12, day + 40 for women), checked against the row's own.

Two digits of year cannot tell 1924 from 2024: the century is the one that puts the birth on or before the
reference date, unless the row's birth date agrees on day, month and two-digit year and gives a plausible age.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code
from dpt_rutan.nik.findings import FindingCollector

define_code(
    "DOB_MISMATCH",
    "warning",
    "Tanggal lahir dalam NIK berbeda dengan kolom tanggal lahir: salah satunya keliru.",
    "The birth date in the NIK differs from the birth date column: one of them is wrong.",
)
define_code(
    "GENDER_MISMATCH",
    "warning",
    "Jenis kelamin dalam NIK (tanggal +40 = perempuan) berbeda dengan kolom jenis kelamin.",
    "The sex in the NIK (day + 40 = woman) differs from the sex column.",
)


def _pair(digits: np.ndarray, start: int) -> np.ndarray:
    return digits[:, start].astype(np.int64) * 10 + digits[:, start + 1]


@dataclass
class EncodedDates:
    """The birth dates and sexes encoded in NIK digits, aligned with them."""

    birth: np.ndarray  # datetime64[D], NaT where the encoded date is not real
    female: np.ndarray  # bool


def _split_dates(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """datetime64[D] -> (year, month, day) integer arrays; NaT becomes 1970-01-01, for the caller to mask out."""
    index = pd.DatetimeIndex(np.where(np.isnat(dates), np.datetime64("1970-01-01"), dates))
    return index.year.to_numpy(np.int64), index.month.to_numpy(np.int64), index.day.to_numpy(np.int64)


_DAYS_IN_MONTH = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def _days_in_month(year: np.ndarray, month: np.ndarray) -> np.ndarray:
    """Days in each month (0 for a month outside 1-12), leap years included."""
    valid_month = np.where((month >= 1) & (month <= 12), month, 0)
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    return _DAYS_IN_MONTH[valid_month] + ((valid_month == 2) & leap)


def decode_dates(digits: np.ndarray, reference_date: date, known: np.ndarray, max_age: int) -> EncodedDates:
    """Birth dates in the NIK digits; ``known`` is the row's own birth date (NaT where none), aligned."""
    coded_day, month, two_digit_year = _pair(digits, 6), _pair(digits, 8), _pair(digits, 10)
    female = coded_day > 40
    day = np.where(female, coded_day - 40, coded_day)
    reference_key = reference_date.year * 10000 + reference_date.month * 100 + reference_date.day
    year = reference_date.year // 100 * 100 + two_digit_year
    year -= 100 * (year * 10000 + month * 100 + day > reference_key)
    known_year, known_month, known_day = _split_dates(known)
    known_age = reference_date.year - known_year - (known_month * 100 + known_day > reference_key % 10000)
    agrees = (
        ~np.isnat(known)
        & (known_year % 100 == two_digit_year)
        & (known_month == month)
        & (known_day == day)
        & (known_age >= 0)
        & (known_age <= max_age)
    )
    year = np.where(agrees, known_year, year)
    real = (day >= 1) & (day <= _days_in_month(year, month))
    birth = np.full(len(year), np.datetime64("NaT"), dtype="datetime64[D]")
    month_start = ((year[real] - 1970) * 12 + month[real] - 1).astype("datetime64[M]")
    birth[real] = month_start.astype("datetime64[D]") + (day[real] - 1)
    return EncodedDates(birth, female)


def known_birth_dates(frame: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
    """The rows' own birth dates at ``positions``, as datetime64[D]; NaT everywhere when the frame has none."""
    if "birth_date" not in frame:
        return np.full(len(positions), np.datetime64("NaT"), dtype="datetime64[D]")
    return frame["birth_date"].to_numpy(dtype="datetime64[D]")[positions]


_DATE_PARTS = ("hari/day", "bulan/month", "tahun/year")


def _dob_mismatch_text(nik_birth: np.datetime64, known: np.datetime64) -> str:
    """ "NIK 12-03-1990 ≠ 03-12-1990: hari dan bulan tertukar / day and month swapped", or which parts differ."""
    nik_date, known_date = pd.Timestamp(nik_birth).date(), pd.Timestamp(known).date()
    nik_parts = (nik_date.day, nik_date.month, nik_date.year)
    known_parts = (known_date.day, known_date.month, known_date.year)
    if nik_parts == (known_date.month, known_date.day, known_date.year):
        differs = "hari dan bulan tertukar / day and month swapped"
    else:
        pairs = zip(_DATE_PARTS, nik_parts, known_parts, strict=True)
        differs = ", ".join(part for part, nik_value, known_value in pairs if nik_value != known_value)
    return f"NIK {nik_date:%d-%m-%Y} ≠ {known_date:%d-%m-%Y}: {differs}"


def dob_findings(positions: np.ndarray, birth: np.ndarray, known: np.ndarray, out: FindingCollector) -> None:
    """Add DOB_MISMATCH where the birth date in the NIK and the row's differ, saying which parts do."""
    differs = ~np.isnat(birth) & ~np.isnat(known) & (birth != known)
    texts = [_dob_mismatch_text(a, b) for a, b in zip(birth[differs], known[differs], strict=True)]
    out.add(positions[differs], "DOB_MISMATCH", np.array(texts, dtype=object))


def sex_findings(frame: pd.DataFrame, positions: np.ndarray, nik_sex: np.ndarray, out: FindingCollector) -> None:
    """Add GENDER_MISMATCH where the row's sex (L or P) is not the one the NIK encodes."""
    if "sex" not in frame:
        return
    codes, uniques = pd.factorize(frame["sex"].fillna("").astype(str))
    normalised = np.array([value.strip().upper() for value in uniques], dtype=object)
    row_sex = normalised[codes[positions]]
    wrong = (nik_sex != "") & np.isin(row_sex, ["L", "P"]) & (row_sex != nik_sex)
    texts = [f"NIK {a} ≠ {b}" for a, b in zip(nik_sex[wrong], row_sex[wrong], strict=True)]
    out.add(positions[wrong], "GENDER_MISMATCH", np.array(texts, dtype=object))
