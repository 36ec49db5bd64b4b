"""The people listed for Dukcapil: one row each, with what the roster says about them and why they are listed.

This election's voters come first, then the others, each by home kab/kota (unknown last) and roster row.
"""

from __future__ import annotations

import pandas as pd

from dpt_rutan import match, regions
from dpt_rutan.commands.missing_nik.candidates import near_ties
from dpt_rutan.commands.missing_nik.reasons import Outcome
from dpt_rutan.fields import Field
from dpt_rutan.nik import nkk_findings

_PERSON_FIELDS = (
    Field.REG_NO,
    Field.NAME,
    Field.BIRTH_PLACE,
    Field.SEX,
    Field.MOTHER_NAME,
    Field.FATHER_NAME,
    Field.ADDRESS,
    Field.RT,
    Field.RW,
    Field.VILLAGE,
    Field.DISTRICT,
    Field.REGENCY,
    Field.PROVINCE,
)


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].fillna("").astype(str) if name in frame.columns else pd.Series("", index=frame.index)


def _known_nkk(frame: pd.DataFrame) -> pd.Series:
    """The family card number where the roster has a usable one; placeholders and damaged numbers are left out."""
    if Field.NKK not in frame.columns:
        return pd.Series("", index=frame.index)
    check = nkk_findings(frame, field=Field.NKK).columns
    return check[f"{Field.NKK}_clean"].where(check[f"{Field.NKK}_usable"], "")


def _repeat_rows(rows: pd.DataFrame) -> pd.Series:
    """By representative source_row: the other rows of the person, "57, 80"."""
    repeats = rows[rows["outcome"] == Outcome.DUPLICATE]
    return repeats.groupby("representative")["source_row"].agg(lambda found: ", ".join(map(str, found)))


def listed_people(
    frame: pd.DataFrame,
    rows: pd.DataFrame,
    detail: pd.Series,
    candidates: pd.DataFrame,
    settings: match.MatchSettings,
) -> pd.DataFrame:
    """One row per listed person, with the roster's fields, the reason, the repeats and whether candidates tie."""
    listed_mask = rows["outcome"].isin([Outcome.LISTED, Outcome.LISTED_APART])
    people, outcome = frame[listed_mask], rows[listed_mask]
    source_rows = people["source_row"].astype("int64")
    listed = pd.DataFrame({"source_row": source_rows}, index=people.index)
    for name in _PERSON_FIELDS:
        listed[name.value] = _text(people, name)
    listed["name_given"] = people["name_given"]
    listed["name_alias"] = people["name_alias"]
    listed["name_father"] = people["name_father"]
    listed["birth_date"] = people["birth_date"]
    listed["nkk"] = _known_nkk(people)
    listed["nik_written"] = _text(people, Field.NIK)
    listed["home_regency"] = people["home_regency"].fillna("")
    listed["home_label"] = listed["home_regency"].map(lambda code: regions.region_label(code) if code else "")
    for column in ("reason_code", "reason", "reason_codes", "not_this_election"):
        listed[column] = outcome[column]
    listed["reason_detail"] = source_rows.map(detail).fillna("")
    listed["for_this_election"] = outcome["outcome"] == Outcome.LISTED
    listed["repeat_rows"] = source_rows.map(_repeat_rows(rows)).astype(object).fillna("")
    ties = near_ties(candidates, settings)
    listed["near_tie"] = source_rows.isin(ties.index[ties.to_numpy(dtype=bool)])
    unknown_home_last = listed["home_regency"].replace("", "~")
    order = listed.assign(home_order=unknown_home_last).sort_values(
        ["for_this_election", "home_order", "source_row"], ascending=[False, True, True]
    )
    return order.drop(columns="home_order").reset_index(drop=True)
