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

For files, :func:`nik_findings` checks a whole column with array operations and returns every finding per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal, NamedTuple

import numpy as np
import pandas as pd
from pydantic import BaseModel

from dpt_rutan.errors import CODES, define_code
from dpt_rutan.regions import REGION_STATUS_DTYPE, REGION_STATUSES, classify_region_codes

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
    "NUMBER_SUSPECT",
    "warning",
    "Tersimpan sebagai angka dan berakhir 0: Excel mungkin memotong digit terakhir. Tidak dipakai sebagai kunci; "
    "cocokkan dengan KTP-el/KK dan format kolom sebagai Teks.",
    "Stored as a number and ends in 0: Excel may have cut the last digit. Not used as an exact key; check it "
    "against the e-KTP/family card and format the column as Text.",
)
define_code(
    "ARRIVED_AS_NUMBER",
    "info",
    "Tersimpan sebagai angka, bukan teks. Nilai ini utuh, tetapi format kolom sebagai Teks agar nomor lain aman.",
    "Stored as a number, not text. This value is intact, but format the column as Text so other numbers survive.",
)
define_code(
    "TEMPORARY_NIK",
    "warning",
    "NIK diawali 0: tanda NIK sementara di beberapa sistem, bukan NIK Dukcapil. Mintakan NIK yang sebenarnya.",
    "NIK starts with 0: some systems mark temporary NIKs this way; it is no Dukcapil NIK. Ask for the real one.",
)
define_code(
    "UNKNOWN_PROVINCE",
    "error",
    "Kode provinsi (2 digit pertama) tidak dikenal: nomor ini tidak mungkin benar.",
    "Unknown province code (first 2 digits): this number cannot be right.",
)
define_code(
    "UNKNOWN_REGION",
    "warning",
    "Kode kabupaten/kota atau kecamatan tidak ada di daftar Kemendagri: kode lama atau salah ketik. Periksa KTP-el.",
    "Kab/kota or kecamatan code not in the Kemendagri list: an old code or a typo. Check the e-KTP.",
)
define_code(
    "HISTORIC_REGION",
    "info",
    "Kode wilayah lama (sebelum pemekaran); NIK tetap berlaku seumur hidup.",
    "Retired region code (from before a region split); the NIK stays valid for life.",
)
define_code(
    "NIK_BAD_BIRTH_DATE",
    "error",
    "Tanggal lahir dalam NIK (digit 7-12, tanggal +40 untuk perempuan) bukan tanggal yang ada.",
    "The birth date in the NIK (digits 7-12, day + 40 for women) is not a real date.",
)
define_code(
    "SERIAL_ZERO",
    "error",
    "Nomor urut NIK (4 digit terakhir) 0000 tidak pernah diterbitkan.",
    "NIK serial (last 4 digits) 0000 is never issued.",
)
define_code(
    "MASKED",
    "info",
    "Sebagian digit disamarkan (* atau x): hanya bisa dicocokkan pada digit yang terlihat.",
    "Some digits are hidden (* or x): can only be matched on the visible digits.",
)
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

# Above 2^53 a float64 cannot hold every integer: every Papua NIK (91-96) read as a number has lost digits.
FLOAT_EXACT_LIMIT = 2**53
PLACEHOLDERS = frozenset(
    {"-", "0", "?", "BELUM ADA", "TIDAK ADA", "BLM ADA", "TDK ADA", "NIHIL", "N/A", "NA", "KOSONG", "TIDAK PUNYA"}
)
_SEPARATORS = re.compile(r"[\s.\-\u2010-\u2015\u200b\ufeff]+")
_PLACEHOLDER_RUN = re.compile(r"(0+|\?+)?")  # after separators are gone: "", "0000", "??"
_SCIENTIFIC = re.compile(r"[+-]?\d+(?:[.,]\d*)?[eE][+-]?\d+")
_FLOAT_RENDERING = re.compile(r"(\d+)[.,]0+")  # "3316011203900001.0": a number printed as a float
_MASKABLE = re.compile(r"[0-9*xX]{16}")
_ASCII_0, _ASCII_9 = ord("0"), ord("9")


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


def compact(text: str) -> str:
    """Drop spaces, dots, dashes and a leading apostrophe (Excel's "store as text" mark)."""
    return _SEPARATORS.sub("", str(text).strip().lstrip("'\u2018\u2019"))


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


@dataclass
class NikCheck:
    """Findings about an identifier column and per-row columns derived from it.

    ``findings`` has ``source_row``, ``field``, ``code`` and ``value`` (for :func:`errors.make_findings`);
    ``columns`` is aligned with the input frame's index.
    """

    findings: pd.DataFrame
    columns: pd.DataFrame


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
class _Text:
    """The text stage over a whole column."""

    raw: np.ndarray  # object: the cell text, "" for empty
    clean: np.ndarray  # object
    code: np.ndarray  # object: text-stage finding code or ""
    masked_pattern: np.ndarray  # object
    as_number: np.ndarray  # bool: arrived as a number, or printed like one ("...0001.0")
    full: np.ndarray  # bool: ``clean`` is 16 digits
    digits: np.ndarray  # (full.sum(), 16) uint8 digits of the full rows


def _read_text(frame: pd.DataFrame, field: str) -> _Text:
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
    return _Text(raw, clean, code, masked, as_number, full, digits[~zeros])


def _pair(digits: np.ndarray, start: int) -> np.ndarray:
    return digits[:, start].astype(np.int64) * 10 + digits[:, start + 1]


class _Collector:
    """Findings gathered per code as (row positions, values), put in row order at the end."""

    def __init__(self, frame: pd.DataFrame, field: str) -> None:
        self.source_rows = frame["source_row"].to_numpy()
        self.field = str(field)
        self.parts: list[tuple[np.ndarray, str, np.ndarray]] = []

    def add(self, positions: np.ndarray, code: str, values: np.ndarray) -> None:
        if len(positions):
            self.parts.append((positions, code, values))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({"source_row": [], "field": [], "code": [], "value": []}).astype(
                {"source_row": "int64", "field": object, "code": object, "value": object}
            )
        positions = np.concatenate([p for p, _, _ in self.parts])
        codes = np.concatenate([np.full(len(p), c, dtype=object) for p, c, _ in self.parts])
        values = np.concatenate([v.astype(object) for _, _, v in self.parts])
        order = np.argsort(positions, kind="stable")
        return pd.DataFrame(
            {
                "source_row": self.source_rows[positions[order]].astype("int64"),
                "field": self.field,
                "code": codes[order],
                "value": values[order],
            }
        )


def _text_findings(text: _Text, out: _Collector) -> None:
    for code in ("MISSING", "PLACEHOLDER", "EXCEL_MANGLED", "MASKED", "NOT_DIGITS", "BAD_LENGTH"):
        positions = np.flatnonzero(text.code == code)
        out.add(positions, code, text.raw[positions])


def _number_findings(text: _Text, out: _Collector) -> tuple[np.ndarray, np.ndarray]:
    """Findings on 16-digit values that were numbers; returns (mangled, suspect) over the full rows."""
    as_number = text.as_number[text.full]
    value = np.zeros(len(as_number), dtype=np.int64)
    value[as_number] = text.digits[as_number].astype(np.int64) @ (10 ** np.arange(15, -1, -1, dtype=np.int64))
    mangled = as_number & (value > FLOAT_EXACT_LIMIT)
    suspect = as_number & ~mangled & (value % 10 == 0)
    full_positions = np.flatnonzero(text.full)
    for code, mask in (
        ("EXCEL_MANGLED", mangled),
        ("NUMBER_SUSPECT", suspect),
        ("ARRIVED_AS_NUMBER", as_number & ~mangled & ~suspect),
    ):
        out.add(full_positions[mask], code, text.raw[full_positions[mask]])
    return mangled, suspect


@dataclass
class _Regions:
    """The region codes of the rows, each distinct code looked up once."""

    codes: np.ndarray  # the distinct codes, as dotted strings ("33.16.01")
    rows: np.ndarray  # per row: its position in ``codes``
    status: np.ndarray  # per row: a code into REGION_STATUS_DTYPE


def _regions(digits: np.ndarray, places: int) -> _Regions:
    """The first ``places`` digits of each row as a region code."""
    region = np.zeros(len(digits), dtype=np.int64)
    for position in range(places):
        region = region * 10 + digits[:, position].astype(np.int64)
    rows, distinct = pd.factorize(region)
    codes = [f"{code:0{places}d}" for code in distinct]
    statuses = classify_region_codes(pd.Series(codes, dtype=object)).cat.codes.to_numpy()
    dotted = np.array([".".join(code[i : i + 2] for i in range(0, places, 2)) for code in codes], dtype=object)
    return _Regions(dotted, rows, statuses[rows])


@dataclass
class _Dates:
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


def _decode_dates(digits: np.ndarray, reference_date: date, known: np.ndarray, max_age: int) -> _Dates:
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
    return _Dates(birth, female)


def _known_birth_dates(frame: pd.DataFrame, positions: np.ndarray) -> np.ndarray:
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


def _dob_findings(positions: np.ndarray, birth: np.ndarray, known: np.ndarray, out: _Collector) -> None:
    differs = ~np.isnat(birth) & ~np.isnat(known) & (birth != known)
    texts = [_dob_mismatch_text(a, b) for a, b in zip(birth[differs], known[differs], strict=True)]
    out.add(positions[differs], "DOB_MISMATCH", np.array(texts, dtype=object))


def _sex_findings(frame: pd.DataFrame, positions: np.ndarray, nik_sex: np.ndarray, out: _Collector) -> None:
    if "sex" not in frame:
        return
    codes, uniques = pd.factorize(frame["sex"].fillna("").astype(str))
    normalised = np.array([value.strip().upper() for value in uniques], dtype=object)
    row_sex = normalised[codes[positions]]
    wrong = (nik_sex != "") & np.isin(row_sex, ["L", "P"]) & (row_sex != nik_sex)
    texts = [f"NIK {a} ≠ {b}" for a, b in zip(nik_sex[wrong], row_sex[wrong], strict=True)]
    out.add(positions[wrong], "GENDER_MISMATCH", np.array(texts, dtype=object))


_HISTORIC, _UNKNOWN_DISTRICT, _UNKNOWN_REGENCY, _UNKNOWN_PROVINCE = (
    REGION_STATUSES.index(status) for status in ("historic", "unknown_district", "unknown_regency", "unknown_province")
)


def _region_findings(positions: np.ndarray, status: np.ndarray, raw: np.ndarray, out: _Collector) -> None:
    for code, mask in (
        ("UNKNOWN_PROVINCE", status == _UNKNOWN_PROVINCE),
        ("UNKNOWN_REGION", (status == _UNKNOWN_REGENCY) | (status == _UNKNOWN_DISTRICT)),
        ("HISTORIC_REGION", status == _HISTORIC),
    ):
        out.add(positions[mask], code, raw[positions[mask]])


def _prefixes(codes: np.ndarray, length: int) -> np.ndarray:
    return np.array([code[:length] for code in codes], dtype=object)


def _spread(n: int, positions: np.ndarray, values: np.ndarray, fill: object) -> np.ndarray:
    """An array of ``n`` rows holding ``values`` at ``positions`` and ``fill`` elsewhere."""
    out = np.full(n, fill, dtype=values.dtype)
    out[positions] = values
    return out


@dataclass
class _Structure:
    """What the 16 digits of the full, non-temporary rows say; arrays aligned with ``positions``."""

    positions: np.ndarray  # row positions in the frame
    regions: _Regions
    birth: np.ndarray  # datetime64[D]
    sex: np.ndarray  # "L" / "P" / "" (no real date)
    usable: np.ndarray


def _check_structure(
    text: _Text, frame: pd.DataFrame, reference_date: date, max_age: int, out: _Collector
) -> _Structure:
    mangled, suspect = _number_findings(text, out)
    full = np.flatnonzero(text.full)
    temporary = text.digits[:, 0] == 0
    out.add(full[temporary], "TEMPORARY_NIK", text.raw[full[temporary]])
    positions, digits = full[~temporary], text.digits[~temporary]
    regions = _regions(digits, 6)
    _region_findings(positions, regions.status, text.raw, out)
    known = _known_birth_dates(frame, positions)
    dates = _decode_dates(digits, reference_date, known, max_age)
    bad_date = np.isnat(dates.birth)
    out.add(positions[bad_date], "NIK_BAD_BIRTH_DATE", text.raw[positions[bad_date]])
    serial_zero = ~digits[:, 12:].any(axis=1)
    out.add(positions[serial_zero], "SERIAL_ZERO", text.raw[positions[serial_zero]])
    sex = np.where(bad_date, "", np.where(dates.female, "P", "L")).astype(object)
    _dob_findings(positions, dates.birth, known, out)
    _sex_findings(frame, positions, sex, out)
    usable = ~(mangled | suspect)[~temporary] & ~bad_date & ~serial_zero & (regions.status <= _UNKNOWN_REGENCY)
    return _Structure(positions, regions, dates.birth, sex, usable)


def _nik_columns(frame: pd.DataFrame, field: str, text: _Text, found: _Structure) -> pd.DataFrame:
    n, at, regions = len(frame), found.positions, found.regions
    derived = {
        "clean": text.clean,
        "usable": _spread(n, at, found.usable, False),
        "masked_pattern": text.masked_pattern,
        "birth_date": _spread(n, at, found.birth, np.datetime64("NaT")).astype("datetime64[ns]"),
        "sex": _spread(n, at, found.sex, ""),
        "province": _spread(n, at, _prefixes(regions.codes, 2)[regions.rows], ""),
        "regency": _spread(n, at, _prefixes(regions.codes, 5)[regions.rows], ""),
        "district": _spread(n, at, regions.codes[regions.rows], ""),
        "region_status": pd.Categorical.from_codes(_spread(n, at, regions.status, -1), dtype=REGION_STATUS_DTYPE),
    }
    return pd.DataFrame({f"{field}_{name}": values for name, values in derived.items()}, index=frame.index)


def nik_findings(frame: pd.DataFrame, *, field: str = "nik", reference_date: date, max_age: int = 120) -> NikCheck:
    """Check the NIK column ``field`` of ``frame``: every finding per row, and per-row derived columns.

    ``frame`` has ``source_row`` and ``field`` (text); optionally ``<field>_was_number`` (the cell was a number),
    ``birth_date`` (datetime64) and ``sex`` ("L"/"P") to cross-check against what the NIK encodes.
    ``reference_date`` is the election day; a row's birth date that agrees with the NIK sets the century only if
    it makes the person at most ``max_age`` years old on that day.

    Columns, prefixed with ``field``: ``_clean`` (the compacted digits, or ""), ``_usable`` (safe as an exact key:
    16 digits that could have been issued, province known, not damaged or suspect as a number; an unknown
    regency or district under a known province is valid with a warning, as docs/nik.md says: newer than the table or
    a retired code not yet in ``historic_regions.csv``), ``_masked_pattern`` (visible digits with ``*`` for hidden
    ones), ``_birth_date``, ``_sex``, ``_province``, ``_regency``, ``_district`` (dotted codes) and
    ``_region_status`` (see
    :func:`regions.classify_region_codes`; missing where there are not 16 digits).
    """
    text = _read_text(frame, field)
    out = _Collector(frame, field)
    _text_findings(text, out)
    found = _check_structure(text, frame, reference_date, max_age, out)
    return NikCheck(out.frame(), _nik_columns(frame, field, text, found))


def nik_text(frame: pd.DataFrame, *, field: str = "nik") -> pd.DataFrame:
    """``<field>_clean`` and ``<field>_masked_pattern`` exactly as :func:`nik_findings` gives them, without the
    structure checks: a cheap first look at the millions of rows of an extract."""
    text = _read_text(frame, field)
    columns = {f"{field}_clean": text.clean, f"{field}_masked_pattern": text.masked_pattern}
    return pd.DataFrame(columns, index=frame.index)


def nkk_findings(frame: pd.DataFrame, *, field: str = "nkk") -> NikCheck:
    """Check a family card number (NKK) column: the NIK checks that apply to it.

    Cleaning, placeholders, digits, length, masking, damage by Excel and the province code. An NKK's middle six
    digits are the card's issue date, not a birth date, and its serial may be anything: neither is checked.
    Columns: ``<field>_clean``, ``<field>_usable``, ``<field>_masked_pattern``.
    """
    text = _read_text(frame, field)
    out = _Collector(frame, field)
    _text_findings(text, out)
    mangled, suspect = _number_findings(text, out)
    full = np.flatnonzero(text.full)
    unknown = _regions(text.digits, 2).status == _UNKNOWN_PROVINCE
    out.add(full[unknown], "UNKNOWN_PROVINCE", text.raw[full[unknown]])
    usable = ~(mangled | suspect | unknown)
    columns = pd.DataFrame(
        {
            f"{field}_clean": text.clean,
            f"{field}_usable": _spread(len(frame), full, usable, False),
            f"{field}_masked_pattern": text.masked_pattern,
        },
        index=frame.index,
    )
    return NikCheck(out.frame(), columns)
