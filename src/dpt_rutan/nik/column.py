"""A whole NIK or NKK column checked with array operations: every finding per row, and the columns it decodes.

The text stage (:mod:`dpt_rutan.nik.text`) finds the 16-digit cells; their digits are then checked all at once:
damage by Excel, temporary numbers, region codes, the encoded birth date and sex, the serial.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code
from dpt_rutan.nik.birth import decode_dates, dob_findings, known_birth_dates, sex_findings
from dpt_rutan.nik.findings import FindingCollector, NikCheck
from dpt_rutan.nik.text import ColumnText, read_text, text_findings
from dpt_rutan.regions import REGION_STATUS_DTYPE, REGION_STATUSES, classify_region_codes

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

# Above 2^53 a float64 cannot hold every integer: every Papua NIK (91-96) read as a number has lost digits.
FLOAT_EXACT_LIMIT = 2**53


def _number_findings(text: ColumnText, out: FindingCollector) -> tuple[np.ndarray, np.ndarray]:
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


_HISTORIC, _UNKNOWN_DISTRICT, _UNKNOWN_REGENCY, _UNKNOWN_PROVINCE = (
    REGION_STATUSES.index(status) for status in ("historic", "unknown_district", "unknown_regency", "unknown_province")
)


def _region_findings(positions: np.ndarray, status: np.ndarray, raw: np.ndarray, out: FindingCollector) -> None:
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
    text: ColumnText, frame: pd.DataFrame, reference_date: date, max_age: int, out: FindingCollector
) -> _Structure:
    mangled, suspect = _number_findings(text, out)
    full = np.flatnonzero(text.full)
    temporary = text.digits[:, 0] == 0
    out.add(full[temporary], "TEMPORARY_NIK", text.raw[full[temporary]])
    positions, digits = full[~temporary], text.digits[~temporary]
    regions = _regions(digits, 6)
    _region_findings(positions, regions.status, text.raw, out)
    known = known_birth_dates(frame, positions)
    dates = decode_dates(digits, reference_date, known, max_age)
    bad_date = np.isnat(dates.birth)
    out.add(positions[bad_date], "NIK_BAD_BIRTH_DATE", text.raw[positions[bad_date]])
    serial_zero = ~digits[:, 12:].any(axis=1)
    out.add(positions[serial_zero], "SERIAL_ZERO", text.raw[positions[serial_zero]])
    sex = np.where(bad_date, "", np.where(dates.female, "P", "L")).astype(object)
    dob_findings(positions, dates.birth, known, out)
    sex_findings(frame, positions, sex, out)
    usable = ~(mangled | suspect)[~temporary] & ~bad_date & ~serial_zero & (regions.status <= _UNKNOWN_REGENCY)
    return _Structure(positions, regions, dates.birth, sex, usable)


def _nik_columns(frame: pd.DataFrame, field: str, text: ColumnText, found: _Structure) -> pd.DataFrame:
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
    text = read_text(frame, field)
    out = FindingCollector(frame, field)
    text_findings(text, out)
    found = _check_structure(text, frame, reference_date, max_age, out)
    return NikCheck(out.frame(), _nik_columns(frame, field, text, found))


def nik_text(frame: pd.DataFrame, *, field: str = "nik") -> pd.DataFrame:
    """``<field>_clean`` and ``<field>_masked_pattern`` exactly as :func:`nik_findings` gives them, without the
    structure checks: a cheap first look at the millions of rows of an extract."""
    text = read_text(frame, field)
    columns = {f"{field}_clean": text.clean, f"{field}_masked_pattern": text.masked_pattern}
    return pd.DataFrame(columns, index=frame.index)


def nkk_findings(frame: pd.DataFrame, *, field: str = "nkk") -> NikCheck:
    """Check a family card number (NKK) column: the NIK checks that apply to it.

    Cleaning, placeholders, digits, length, masking, damage by Excel and the province code. An NKK's middle six
    digits are the card's issue date, not a birth date, and its serial may be anything: neither is checked.
    Columns: ``<field>_clean``, ``<field>_usable``, ``<field>_masked_pattern``.
    """
    text = read_text(frame, field)
    out = FindingCollector(frame, field)
    text_findings(text, out)
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
