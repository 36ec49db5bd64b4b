"""Turn the text cells readers produce into typed columns: dates, sex, marital status, citizenship, yes/no flags.

Every parser takes a whole column, parses each distinct value once (a million-row roster holds a few thousand
distinct birth dates) and maps the results back. It returns the typed column with a mask of the non-empty cells it
could not read, so that :func:`type_table` reports them as findings instead of guessing.

Dates are always read day first, as Indonesians write them: ``12-03-1990`` is 12 March.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import TypeVar

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code, make_findings
from dpt_rutan.fields import Field
from dpt_rutan.read.table import SourceTable

T = TypeVar("T")

define_code(
    "BAD_BIRTH_DATE",
    "error",
    "Tanggal lahir tidak terbaca atau mustahil; tulis seperti 12-03-1990.",
    "Birth date unreadable or impossible; write it like 12-03-1990.",
)
define_code(
    "FUTURE_BIRTH_DATE",
    "error",
    "Tanggal lahir sesudah hari pemungutan suara; periksa tahunnya.",
    "Birth date after election day; check the year.",
)
define_code(
    "BAD_DATE",
    "warning",
    "Tanggal tidak terbaca atau mustahil; tulis seperti 12-03-1990.",
    "Date unreadable or impossible; write it like 12-03-1990.",
)
define_code(
    "FUTURE_DATE",
    "warning",
    "Tanggal masuk sesudah hari pemungutan suara; periksa tahunnya.",
    "Date of entry after election day; check the year.",
)
define_code(
    "BAD_SEX",
    "error",
    "Jenis kelamin tidak dikenali; isi L atau P.",
    "Sex not recognised; use L (male) or P (female).",
)
define_code(
    "BAD_MARITAL_STATUS",
    "warning",
    "Status perkawinan tidak dikenali; isi B (belum kawin), S (sudah kawin) atau P (pernah kawin).",
    "Marital status not recognised; use B (never married), S (married) or P (ever married).",
)
define_code(
    "BAD_CITIZENSHIP",
    "warning",
    "Kewarganegaraan tidak dikenali; isi WNI atau WNA.",
    "Citizenship not recognised; use WNI (Indonesian) or WNA (foreign).",
)
define_code(
    "BAD_YES_NO",
    "warning",
    "Isian tidak dikenali; isi Ya atau Tidak.",
    "Value not recognised; use Ya (yes) or Tidak (no).",
)

# Excel's 1900 date system counts 1900-02-29, a day that never existed (serial 60): serials below it start one day
# later than serials above it.
_EXCEL_EPOCH_BEFORE_LEAP_BUG = date(1899, 12, 31)
_EXCEL_EPOCH = date(1899, 12, 30)
_EXCEL_FAKE_LEAP_DAY = 60
_EARLIEST_YEAR = 1900
_TYPO_HORIZON_YEARS = 10

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


def _as_text(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip()


def _per_unique(s: pd.Series, parse_one: Callable[[str], T]) -> tuple[list[T], np.ndarray]:
    """Parse each distinct value of ``s`` once; return the results and, per row, the index of its result."""
    codes, uniques = pd.factorize(_as_text(s))
    return [parse_one(str(value)) for value in uniques], codes


def _add_years(day: date, years: int) -> date:
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
    latest = _add_years(reference_date, _TYPO_HORIZON_YEARS)
    window_end = min(two_digit_until or reference_date, latest)

    def parse_one(text: str) -> tuple[date | None, bool]:
        if _is_no_date(text):
            return None, False
        parsed = _parse_date_text(text, two_digit_until=window_end, latest=latest)
        return parsed, parsed is None

    results, codes = _per_unique(s, parse_one)
    days = np.array([np.datetime64(day, "D") if day else np.datetime64("NaT", "D") for day, _ in results])
    bad = np.array([is_bad for _, is_bad in results], dtype=bool)
    dates = pd.Series(days.astype("datetime64[D]")[codes].astype("datetime64[ns]"), index=s.index)
    return dates, pd.Series(bad[codes], index=s.index)


def split_ttl(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Split "tempat, tanggal lahir" cells (``Blora, 12-03-1990``) into place and date text.

    The date starts at the first digit: place names carry no digits, and the separator between the two varies
    (comma, slash, space or nothing). A cell without a digit is all place.
    """
    parts = _as_text(s).str.extract(_TTL)
    return parts["place"].fillna("").str.strip(), parts["date"].fillna("").str.strip()


def _letters_key(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def _lookup(s: pd.Series, canonical_of: Callable[[str], str | None]) -> tuple[pd.Series, pd.Series]:
    """Map each cell through ``canonical_of`` (None: not recognised); empty cells map to "" and are not bad."""

    def parse_one(text: str) -> tuple[str, bool]:
        if not _letters_key(text):
            return "", False
        canonical = canonical_of(text)
        return (canonical, False) if canonical is not None else ("", True)

    results, codes = _per_unique(s, parse_one)
    values = np.array([value for value, _ in results] or [""], dtype=object)
    bad = np.array([is_bad for _, is_bad in results] or [False], dtype=bool)
    return pd.Series(values[codes], index=s.index).astype(str), pd.Series(bad[codes], index=s.index)


_SEX = {
    **dict.fromkeys(["L", "LK", "LAKI", "LAKILAKI", "PRIA", "M", "MALE"], "L"),
    **dict.fromkeys(["P", "PR", "PEREMPUAN", "WANITA", "W", "F", "FEMALE"], "P"),
}


def parse_sex(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``L`` / ``P`` as SIDALIH writes them, from the many ways rosters spell male and female.

    The codes 1 and 2 are not accepted: Dukcapil's use of them is not documented in our sources, and a stray
    number in the column is likelier a shifted cell than a sex; they are reported as bad.
    """
    return _lookup(s, lambda text: _SEX.get(_letters_key(text)))


_MARITAL = {
    **dict.fromkeys(["B", "BK", "BELUMKAWIN", "BELUMMENIKAH", "LAJANG", "SINGLE"], "B"),
    **dict.fromkeys(["S", "K", "SK", "KAWIN", "SUDAHKAWIN", "MENIKAH", "SUDAHMENIKAH", "MARRIED"], "S"),
    **dict.fromkeys(
        ["P", "PK", "PERNAHKAWIN", "PERNAHMENIKAH", "CERAI", "CERAIHIDUP", "CERAIMATI", "CH", "CM", "JANDA", "DUDA"],
        "P",
    ),
    **dict.fromkeys(["DIVORCED", "WIDOWED", "WIDOW", "WIDOWER"], "P"),
}


def parse_marital(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``B`` / ``S`` / ``P`` (never / married / ever married), also from Dukcapil's "Kawin Tercatat" wording."""

    def canonical_of(text: str) -> str | None:
        key = re.sub(r"(BELUM)?TERCATAT$", "", _letters_key(text))
        return _MARITAL.get(key)

    return _lookup(s, canonical_of)


_WNI = {"WNI", "INDONESIA", "INDONESIAN", "WARGANEGARAINDONESIA", "RI", "INA", "IDN"}
_WNA = {"WNA", "ASING", "WARGANEGARAASING", "FOREIGN", "FOREIGNER"}
# Nationalities of foreign inmates, in Indonesian and English. Unknown text stays unknown (and is reported):
# calling an Indonesian a foreigner would take away their vote.
_COUNTRY_NAMES = (
    "Malaysia, Singapura, Singapore, Thailand, Filipina, Philippines, Vietnam, Myanmar, Kamboja, Cambodia, "
    "Laos, Brunei, Brunei Darussalam, Timor Leste, Timor-Leste, Papua Nugini, Papua New Guinea, Australia, "
    "Selandia Baru, New Zealand, Tiongkok, China, Cina, RRC, RRT, Taiwan, Hong Kong, Jepang, Japan, Korea, "
    "Korea Selatan, South Korea, Korea Utara, India, Pakistan, Bangladesh, Sri Lanka, Nepal, Iran, Irak, Iraq, "
    "Afghanistan, Arab Saudi, Saudi Arabia, Yaman, Yemen, Turki, Turkey, Suriah, Syria, Mesir, Egypt, Maroko, "
    "Morocco, Nigeria, Ghana, Kenya, Tanzania, Uganda, Senegal, Kamerun, Cameroon, Pantai Gading, Ivory Coast, "
    "Afrika Selatan, South Africa, Amerika, Amerika Serikat, United States, USA, Kanada, Canada, Brasil, "
    "Brazil, Meksiko, Mexico, Peru, Kolombia, Colombia, Inggris, United Kingdom, UK, Britain, Irlandia, Ireland, "
    "Belanda, Netherlands, Jerman, Germany, Prancis, Perancis, France, Italia, Italy, Spanyol, Spain, Portugal, "
    "Belgia, Belgium, Swiss, Switzerland, Austria, Swedia, Sweden, Norwegia, Norway, Denmark, Finlandia, "
    "Finland, Polandia, Poland, Rusia, Russia, Ukraina, Ukraine, Yunani, Greece"
)
_COUNTRIES = {_letters_key(name) for name in re.split(r",\s*", _COUNTRY_NAMES)}


def parse_citizenship(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """``WNI`` / ``WNA``; a country other than Indonesia means WNA. Text naming no known country is left unknown."""

    def canonical_of(text: str) -> str | None:
        key = _letters_key(text)
        if key in _WNI or key.startswith("WNI"):
            return "WNI"
        if key in _WNA or key in _COUNTRIES or key.startswith("WNA"):
            return "WNA"
        return None

    return _lookup(s, canonical_of)


_YES = {"YA", "Y", "YES", "1", "TRUE", "BENAR", "DICABUT"}
_NO = {"TIDAK", "T", "TDK", "NO", "N", "0", "FALSE", "SALAH", "TIDAKDICABUT"}


def parse_yes_no(s: pd.Series) -> tuple[pd.Series, pd.Series]:
    """True for Ya / Yes / 1 / Dicabut, False for Tidak / No / 0 / empty; unrecognised text is False and bad."""

    def canonical_of(text: str) -> str | None:
        key = _letters_key(text)
        return "Y" if key in _YES else "N" if key in _NO else None

    flags, bad = _lookup(s, canonical_of)
    return (flags == "Y").astype(bool), bad


_BIRTH_DATE, _BIRTH_PLACE, _TTL_FIELD = Field.BIRTH_DATE.value, Field.BIRTH_PLACE.value, Field.TTL.value


def _finding_rows(
    data: pd.DataFrame, mask: pd.Series, field: str | pd.Series, code: str, value: pd.Series
) -> pd.DataFrame:
    chosen = mask.to_numpy(dtype=bool)
    return pd.DataFrame(
        {
            "source_row": data["source_row"].to_numpy()[chosen],
            "field": field[chosen].to_numpy() if isinstance(field, pd.Series) else field,
            "code": code,
            "value": value.to_numpy()[chosen],
        }
    )


def _column_or_empty(data: pd.DataFrame, field: str) -> pd.Series:
    return _as_text(data[field]) if field in data else pd.Series("", index=data.index, dtype=object)


def _birth_date_text(data: pd.DataFrame, out: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The birth date text per row, the field it came from (``birth_date`` or ``ttl``) and that cell as typed.

    A TTL column fills birth place and birth date where those columns are absent or their cell is empty.
    """
    own_date = _column_or_empty(data, _BIRTH_DATE)
    if _TTL_FIELD not in data:
        return own_date, pd.Series(_BIRTH_DATE, index=data.index), own_date
    ttl = _as_text(data[_TTL_FIELD])
    place, ttl_date = split_ttl(ttl)
    own_place = _column_or_empty(data, _BIRTH_PLACE)
    out[_BIRTH_PLACE] = own_place.where(own_place != "", place)
    from_ttl = own_date == ""
    field = pd.Series(np.where(from_ttl, _TTL_FIELD, _BIRTH_DATE), index=data.index)
    return own_date.where(~from_ttl, ttl_date), field, own_date.where(~from_ttl, ttl)


def birth_date_texts(data: pd.DataFrame) -> pd.Series:
    """The text every row's birth date is read from by :func:`type_table` (its own column, else the TTL's date)."""
    if _BIRTH_DATE not in data and _TTL_FIELD not in data:
        return pd.Series("", index=data.index, dtype=object)
    return _birth_date_text(data, pd.DataFrame(index=data.index))[0]


def _type_birth_date(data: pd.DataFrame, out: pd.DataFrame, reference_date: date) -> list[pd.DataFrame]:
    if _BIRTH_DATE not in data and _TTL_FIELD not in data:
        return []
    text, field, typed = _birth_date_text(data, out)
    dates, bad = parse_dates(text, reference_date=reference_date)
    out[f"{_BIRTH_DATE}_text"] = text
    out[_BIRTH_DATE] = dates
    return [
        _finding_rows(data, bad, field, "BAD_BIRTH_DATE", typed),
        _finding_rows(data, dates > pd.Timestamp(reference_date), field, "FUTURE_BIRTH_DATE", typed),
    ]


_EVENT_DATES = ((Field.DATE_IN.value, False), (Field.RELEASE_DATE.value, True))  # (field, may lie after election day)


def _type_event_dates(data: pd.DataFrame, out: pd.DataFrame, reference_date: date) -> list[pd.DataFrame]:
    """Date in and release date. A release date may lie up to ten years ahead, so its two-digit years may too."""
    rows = []
    for field, may_lie_ahead in _EVENT_DATES:
        if field not in data:
            continue
        text = _as_text(data[field])
        two_digit_until = _add_years(reference_date, _TYPO_HORIZON_YEARS) if may_lie_ahead else reference_date
        dates, bad = parse_dates(text, reference_date=reference_date, two_digit_until=two_digit_until)
        out[f"{field}_text"] = text
        out[field] = dates
        rows.append(_finding_rows(data, bad, field, "BAD_DATE", text))
        if not may_lie_ahead:
            rows.append(_finding_rows(data, dates > pd.Timestamp(reference_date), field, "FUTURE_DATE", text))
    return rows


_CATEGORICAL = (
    (Field.SEX.value, parse_sex, "BAD_SEX"),
    (Field.MARITAL_STATUS.value, parse_marital, "BAD_MARITAL_STATUS"),
    (Field.CITIZENSHIP.value, parse_citizenship, "BAD_CITIZENSHIP"),
    (Field.RIGHT_TO_VOTE_REVOKED.value, parse_yes_no, "BAD_YES_NO"),
)


def _type_categorical(data: pd.DataFrame, out: pd.DataFrame) -> list[pd.DataFrame]:
    rows = []
    for field, parse, code in _CATEGORICAL:
        if field not in data:
            continue
        text = _as_text(data[field])
        out[f"{field}_text"] = text
        out[field], bad = parse(text)
        rows.append(_finding_rows(data, bad, field, code, text))
    return rows


def type_table(table: SourceTable, *, reference_date: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type the known columns of ``table``; return the typed copy and findings for the cells that could not be read.

    Each typed field keeps what the user wrote in ``<field>_text``. Severity follows what the value decides: a bad
    birth date or sex is an error, as age and the NIK cross-check rest on them; a bad date in, release date,
    marital status, citizenship or revocation flag is a warning for a person to check. Identifier columns are left
    alone (``nik.py`` checks them).
    """
    data = table.data
    out = data.copy()
    frames = [
        frame
        for frame in (
            *_type_birth_date(data, out, reference_date),
            *_type_event_dates(data, out, reference_date),
            *_type_categorical(data, out),
        )
        if not frame.empty
    ]
    if not frames:
        return out, make_findings(pd.DataFrame(), file=table.name, sheet=table.sheet)
    found = pd.concat(frames, ignore_index=True).sort_values("source_row", kind="stable")
    return out, make_findings(found, file=table.name, sheet=table.sheet, columns=table.columns)
