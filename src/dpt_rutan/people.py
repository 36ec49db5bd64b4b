"""From a read table to a people frame: typed values, NIK checks, name keys and home region, plus every finding.

This is the "typed tables" stage every command shares: roster, KPU extract and Dukcapil extract all pass through
:func:`prepare_people`, so they are cleaned and checked the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan import names, nik, regions, remarks, values
from dpt_rutan.errors import UnusableInputError, make_findings
from dpt_rutan.fields import Field
from dpt_rutan.read import reader
from dpt_rutan.read.table import SourceTable


@dataclass
class People:
    """A source table made ready for matching and decisions, with the findings met on the way."""

    table: SourceTable
    frame: pd.DataFrame
    findings: pd.DataFrame


def _text(frame: pd.DataFrame, field: str) -> pd.Series:
    if field in frame.columns:
        return frame[field].fillna("").astype(str)
    return pd.Series("", index=frame.index, dtype=object)


_HOME_INPUTS = (Field.PROVINCE, Field.REGENCY, Field.DISTRICT)


def _home_region(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`_home_region_of` once per distinct combination of the columns it reads, spread back over the rows.

    An extract of a million voters holds a few hundred combinations; working on each row costs seconds.
    """
    inputs = pd.DataFrame(
        {
            **{field: _text(frame, field).to_numpy() for field in _HOME_INPUTS if field in frame.columns},
            "nik_regency": frame["nik_regency"].to_numpy(),
            "nik_district": frame["nik_district"].to_numpy(),
        }
    )
    combination, combinations = np.zeros(len(inputs), dtype=np.int64), 1
    for column in inputs.columns:
        codes, uniques = pd.factorize(inputs[column], use_na_sentinel=False)
        combination, distinct = pd.factorize(combination * len(uniques) + codes)
        combinations = len(distinct)
    first_rows = np.full(combinations, len(inputs), dtype=np.int64)
    np.minimum.at(first_rows, combination, np.arange(len(inputs)))
    found = _home_region_of(inputs.iloc[first_rows].reset_index(drop=True))
    return found.iloc[combination].set_axis(frame.index)


def _home_region_of(frame: pd.DataFrame) -> pd.DataFrame:
    """Where the person lives: the roster's address when it names a regency, else where the NIK was issued.

    The NIK's region is where it was first issued and never changes (docs/nik.md), so the address is the better
    guide to the home polling station; it is only a fallback.
    """
    address_regency = regions.find_regency_codes(_text(frame, Field.PROVINCE), _text(frame, Field.REGENCY))
    address_district = regions.find_district_codes(address_regency, _text(frame, Field.DISTRICT))
    home_regency = address_regency.where(address_regency != "", frame["nik_regency"].fillna(""))
    from_nik = (address_regency == "") | (address_regency == frame["nik_regency"])
    home_district = address_district.where(address_district != "", frame["nik_district"].where(from_nik, ""))
    home_district = home_district.fillna("")
    home_district = home_district.where(home_district.str.slice(0, 5) == home_regency, "")
    return pd.DataFrame(
        {
            "home_province": home_regency.str.slice(0, 2),
            "home_regency": home_regency,
            "home_district": home_district,
            "home_source": (address_regency != "").map({True: "address", False: "nik"}).where(home_regency != "", ""),
        },
        index=frame.index,
    )


def prepare_people(table: SourceTable, *, reference_date: date, require_rows: bool = True) -> People:
    """Type, check and key every row; a table with no data rows is unusable unless ``require_rows`` is False
    (``validate`` reports it as a finding instead)."""
    if require_rows and table.data.empty:
        raise UnusableInputError(
            table.location(table.header_row),
            "no data rows below the header",
            "Export the list again without a filter, or choose the right sheet with --sheet.",
        )
    typed, value_findings = values.type_table(table, reference_date=reference_date)
    remark_rows = remarks.read_revocations(typed)
    if Field.NIK not in typed.columns:
        typed[Field.NIK] = ""
    nik_check = nik.nik_findings(typed, field=Field.NIK, reference_date=reference_date)
    frame = pd.concat([typed, nik_check.columns], axis=1)
    if "birth_date" not in frame.columns:
        frame["birth_date"] = pd.NaT
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    # A row without a birth date still has the one its NIK encodes, when the NIK is trustworthy.
    frame["birth_date_used"] = frame["birth_date"].fillna(frame["nik_birth_date"].where(frame["nik_usable"]))
    if "sex" not in frame.columns:
        frame["sex"] = ""
    frame["sex"] = frame["sex"].fillna("")
    name_parts = names.normalise_names(_text(frame, Field.NAME))
    frame = pd.concat([frame, name_parts.set_index(frame.index)], axis=1)
    if Field.MOTHER_NAME in frame.columns:
        frame["mother_norm"] = names.normalise_names(_text(frame, Field.MOTHER_NAME))["name_norm"].to_numpy()
    frame = pd.concat([frame, _home_region(frame)], axis=1)
    nik_rows = make_findings(nik_check.findings, file=table.name, sheet=table.sheet, columns=table.columns)
    remark_findings = make_findings(remark_rows, file=table.name, sheet=table.sheet, columns=table.columns)
    findings = pd.concat([reader.read_findings(table), value_findings, remark_findings, nik_rows], ignore_index=True)
    return People(table=table, frame=frame, findings=findings.sort_values("source_row", kind="stable"))


def match_view(frame: pd.DataFrame) -> pd.DataFrame:
    """The columns the matcher compares, with the birth date the row or its NIK gives."""
    view = pd.DataFrame(
        {
            "source_row": frame["source_row"].astype("int64"),
            "name_norm": frame["name_norm"],
            "name_key": frame["name_key"],
            "nik_clean": frame["nik_clean"],
            "nik_usable": frame["nik_usable"].astype(bool),
            "nik_masked_pattern": frame["nik_masked_pattern"],
            "birth_date": frame["birth_date_used"],
            "sex": frame["sex"],
        }
    )
    if "mother_norm" in frame.columns:
        view["mother_norm"] = frame["mother_norm"]
    return view.reset_index(drop=True)
