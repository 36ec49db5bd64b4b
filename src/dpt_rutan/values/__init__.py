"""Turn the text cells readers produce into typed columns: dates, sex, marital status, citizenship, yes/no flags.

Every parser takes a whole column, parses each distinct value once (a million-row roster holds a few thousand
distinct birth dates) and maps the results back. It returns the typed column with a mask of the non-empty cells it
could not read, so that :func:`type_table` reports them as findings instead of guessing.

Dates are always read day first, as Indonesians write them: ``12-03-1990`` is 12 March (:mod:`dpt_rutan.values.dates`);
the coded values are in :mod:`dpt_rutan.values.coded`.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code, make_findings
from dpt_rutan.fields import Field
from dpt_rutan.read.table import SourceTable
from dpt_rutan.values.cells import as_text
from dpt_rutan.values.coded import parse_citizenship, parse_marital, parse_sex, parse_yes_no
from dpt_rutan.values.dates import TYPO_HORIZON_YEARS, add_years, parse_dates, split_ttl

__all__ = [
    "birth_date_texts",
    "parse_citizenship",
    "parse_dates",
    "parse_marital",
    "parse_sex",
    "parse_yes_no",
    "split_ttl",
    "type_table",
]

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
    return as_text(data[field]) if field in data else pd.Series("", index=data.index, dtype=object)


def _birth_date_text(data: pd.DataFrame, out: pd.DataFrame) -> tuple[pd.Series, pd.Series, pd.Series]:
    """The birth date text per row, the field it came from (``birth_date`` or ``ttl``) and that cell as typed.

    A TTL column fills birth place and birth date where those columns are absent or their cell is empty.
    """
    own_date = _column_or_empty(data, _BIRTH_DATE)
    if _TTL_FIELD not in data:
        return own_date, pd.Series(_BIRTH_DATE, index=data.index), own_date
    ttl = as_text(data[_TTL_FIELD])
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
        text = as_text(data[field])
        two_digit_until = add_years(reference_date, TYPO_HORIZON_YEARS) if may_lie_ahead else reference_date
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
        text = as_text(data[field])
        out[f"{field}_text"] = text
        out[field], bad = parse(text)
        rows.append(_finding_rows(data, bad, field, code, text))
    return rows


def type_table(table: SourceTable, *, reference_date: date) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Type the known columns of ``table``; return the typed copy and findings for the cells that could not be read.

    Each typed field keeps what the user wrote in ``<field>_text``. Severity follows what the value decides: a bad
    birth date or sex is an error, as age and the NIK cross-check rest on them; a bad date in, release date,
    marital status, citizenship or revocation flag is a warning for a person to check. Identifier columns are left
    alone (:mod:`dpt_rutan.nik` checks them).
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
