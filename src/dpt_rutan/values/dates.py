"""Dates as Indonesians write them, always day first (``12-03-1990`` is 12 March), or as Excel stores them.

A whole column is parsed at once, each distinct value once; the mask of non-empty cells that are not a date lets the
caller report them instead of guessing.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

import numpy as np
import pandas as pd

from dpt_rutan.values.cells import as_text, per_unique

# Excel's 1900 date system counts 1900-02-29, a day that never existed (serial 60): serials below it start one day
# later than serials above it.
_EXCEL_EPOCH_BEFORE_LEAP_BUG = date(1899, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EARLIEST_YEAR = 1900
TYPO_HORIZON_YEARS = 10

_MONTHS = {
    1: "JANUARI JANUARY JAN",
    2: "FEBRUARI PEBRUARI FEBRUARY FEB PEB",
    3: "MARET MARCH MAR",
    4: "APRIL APR",
    5: "MEI MAY",
    6: "JUNI JUNE JUN",
    7: "JULI JULY JUL",
    8: "AGUSTUS AUGUST AGU AGS AGT AGST AUG",
    9: "SEPTEMBER SEP SEPT",
    10: "OKTOBER OCTOBER OKT OCT",
    11: "NOVEMBER NOPEMBER NOV NOP",
    12: "DESEMBER DECEMBER DES DEC",
}
_MONTH_NUMBER = {word: number for number, words in _MONTHS.items() for word in words.split()}

# Release dates of prisoners without one: not a date, but not a typo either.
_NO_DATE_WORDS = {"BELUM ADA", "TIDAK ADA", "TIDAK DIKETAHUI", "SEUMUR HIDUP", "PIDANA MATI", "HUKUMAN MATI"}

_SEP = r"(?:\s*[-/.]\s*|\s+)"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_YEAR_FIRST = re.compile(rf"(\d{{4}}){_SEP}(\d{{1,2}}){_SEP}(\d{{1,2}}){_TIME}")
_DAY_FIRST = re.compile(rf"(\d{{1,2}}){_SEP}(\d{{1,2}}){_SEP}(\d{{4}}|\d{{2}}){_TIME}")
_MONTH_NAMED = re.compile(rf"(\d{{1,2}}){_SEP}?([A-Za-z]+)\.?(?:{_SEP}|\s*,\s*)?(\d{{4}}|\d{{2}})")
_COMPACT = re.compile(r"\d{8}")
_SERIAL = re.compile(r"(\d{1,7})(?:\.\d+)?")
_TTL = re.compile(r"^(?P<place>\D*?)[\s,/;:\-]*(?P<date>\d.*)?$", re.DOTALL)


def add_years(day: date, years: int) -> date:
    """The same day ``years`` later; 29 February becomes 28 February in a year that is not a leap year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that is not a leap year
        return day.replace(year=day.year + years, day=28)


def _checked(year: int, month: int, day: int, latest: date) -> date | None:
    try:
        parsed = date(year, month, day)
    except ValueError:
        return None
    return parsed if parsed.year >= _EARLIEST_YEAR and parsed <= latest else None


def _full_year(day: int, month: int, year_text: str, two_digit_until: date, latest: date) -> date | None:
    """A date whose two-digit year is read as the latest such date not after ``two_digit_until``."""
    if len(year_text) == 4:
        return _checked(int(year_text), month, day, latest)
    century = two_digit_until.year - two_digit_until.year % 100
    for year in (century + int(year_text), century + int(year_text) - 100):
        parsed = _checked(year, month, day, latest)
        if parsed is not None and parsed <= two_digit_until:
            return parsed
    return None


def _from_serial(text: str, latest: date) -> date | None:
    serial = int(text.split(".")[0])
    if _EARLIEST_YEAR <= serial <= latest.year and "." not in text:
        return None  # a year alone, not a date: serial 1990 would be 1905, which nobody meant
    if serial < 1 or serial == _EXCEL_FAKE_LEAP_DAY:
        return None
    epoch = _EXCEL_EPOCH_BEFORE_LEAP_BUG if serial < _EXCEL_FAKE_LEAP_DAY else _EXCEL_EPOCH
    try:
        parsed = epoch + timedelta(days=serial)
    except OverflowError:
        return None
    return _checked(parsed.year, parsed.month, parsed.day, latest)


def _from_compact(text: str, latest: date) -> date | None:
    """``12031990`` (day first) or ``19900312`` (year first); at most one of the two is ever a valid date."""
    day_first = _checked(int(text[4:]), int(text[2:4]), int(text[:2]), latest)
    return day_first or _checked(int(text[:4]), int(text[4:6]), int(text[6:]), latest)


def _parse_date_text(text: str, *, two_digit_until: date, latest: date) -> date | None:
    """Read one date as Indonesians write it, day first; None when it is not a date between 1900 and ``latest``."""
    text = " ".join(text.split())
    if match := _YEAR_FIRST.fullmatch(text):
        return _checked(int(match[1]), int(match[2]), int(match[3]), latest)
    if match := _DAY_FIRST.fullmatch(text):
        return _full_year(int(match[1]), int(match[2]), match[3], two_digit_until, latest)
    if match := _MONTH_NAMED.fullmatch(text):
        month = _MONTH_NUMBER.get(match[2].upper())
        return _full_year(int(match[1]), month, match[3], two_digit_until, latest) if month else None
    if _COMPACT.fullmatch(text):
        return _from_compact(text, latest)
    if _SERIAL.fullmatch(text):
        return _from_serial(text, latest)
    return None


def _is_no_date(text: str) -> bool:
    """Empty, a dash or question mark, or words saying there is no date (a life sentence has no release date)."""
    return not text.strip("-–—?. ") or " ".join(text.upper().split()) in _NO_DATE_WORDS


def parse_dates(
    s: pd.Series, *, reference_date: date, two_digit_until: date | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates; return ``(datetime64 column, mask of non-empty cells that are not a valid date)``.

    ``reference_date`` is election day. Dates before 1900 or more than ten years after it are typos, hence bad.
    A two-digit year is read as the latest date not after ``two_digit_until`` (default: election day, so that a
    birth date never lands in the future; pass a later day for release dates).
    """
    latest = add_years(reference_date, TYPO_HORIZON_YEARS)
    window_end = min(two_digit_until or reference_date, latest)

    def parse_one(text: str) -> tuple[date | None, bool]:
        if _is_no_date(text):
            return None, False
        parsed = _parse_date_text(text, two_digit_until=window_end, latest=latest)
        return parsed, parsed is None

    results, codes = per_unique(s, parse_one)
    days = np.array([np.datetime64(day, "D") if day else np.datetime64("NaT", "D") for day, _ in results])
    bad = np.array([is_bad for _, is_bad in results], dtype=bool)
    dates = pd.Series(days.astype("datetime64[D]")[codes].astype("datetime64[ns]"), index=s.index)
    return dates, pd.Series(bad[codes], index=s.index)


def split_ttl(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split "tempat, tanggal lahir" cells (``Blora, 12-03-1990``) into place and date text.

    The date starts at the first digit: place names carry no digits, and the separator between the two varies
    (comma, slash, space or nothing). A cell without a digit is all place.
    """
    parts = as_text(s).str.extract(_TTL)
    return parts["place"].fillna("").str.strip(), parts["date"].fillna("").str.strip()
