"""What changed within each pair, field by field, and the class of every row of both files."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dpt_rutan import decide
from dpt_rutan.commands.diff.result import CHANGE_COLUMNS, PAIR_COLUMNS, RowClass
from dpt_rutan.fields import Field
from dpt_rutan.people import People

COMPARED_FIELDS: dict[Field, str] = {
    # How each field is compared: "text" (case and spacing ignored), "number" (RT/RW: "004" is 4), "date",
    # "nik" (usable NIKs only: "-" and "BELUM ADA" are both no NIK), "tps" (its number: "TPS 901" is 901).
    Field.REG_NO: "text",
    Field.NIK: "nik",
    Field.NKK: "text",
    Field.NAME: "text",
    Field.BIRTH_PLACE: "text",
    Field.BIRTH_DATE: "date",
    Field.SEX: "text",
    Field.MARITAL_STATUS: "text",
    Field.CITIZENSHIP: "text",
    Field.ADDRESS: "text",
    Field.RT: "number",
    Field.RW: "number",
    Field.VILLAGE: "text",
    Field.DISTRICT: "text",
    Field.REGENCY: "text",
    Field.PROVINCE: "text",
    Field.REGISTER_CLASS: "text",
    Field.DATE_IN: "date",
    Field.RELEASE_DATE: "date",
    Field.TPS: "tps",
    Field.TMS_CODE: "text",
}
TPS_PLACE = (Field.TPS.value, Field.VILLAGE.value)  # a TPS number repeats in every village: both say where one votes


def _has_field(people: People, field: Field) -> bool:
    """Whether the file holds the field at all; birth place and date may come from a combined TTL column."""
    columns = people.table.columns
    from_ttl = field in (Field.BIRTH_PLACE, Field.BIRTH_DATE) and Field.TTL in columns
    return (field in columns or from_ttl) and field in people.frame.columns


def _comparable(rows: pd.DataFrame, field: Field, how: str) -> tuple[pd.Series, pd.Series]:
    """What is compared and what is shown, both text; "" where the cell is empty."""
    values = rows[field.value]
    if how == "date":
        shown = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
        return shown, shown
    shown = values.fillna("").astype(str).str.strip()
    if how == "nik":
        return rows["nik_clean"].where(rows["nik_usable"].astype(bool), "").fillna(""), shown
    key = shown.str.upper().str.replace(r"\s+", " ", regex=True)
    if how == "number":
        key = key.str.lstrip("0")
    elif how == "tps":
        key = decide.tps_number(key).astype("string").fillna("")
    return key, shown


def field_changes(pairs: pd.DataFrame, old: People, new: People) -> pd.DataFrame:
    """One row per field that differs between the two rows of a pair: filled in, removed, changed (NIK: corrected)."""
    old_rows = old.frame.set_index("source_row").loc[pairs["old_row"]].reset_index()
    new_rows = new.frame.set_index("source_row").loc[pairs["new_row"]].reset_index()
    found = []
    for field, how in COMPARED_FIELDS.items():
        if not (_has_field(old, field) and _has_field(new, field)):
            continue
        (old_key, old_shown), (new_key, new_shown) = (
            _comparable(old_rows, field, how),
            _comparable(new_rows, field, how),
        )
        differ = (old_key != new_key).to_numpy()
        if not differ.any():
            continue
        change = np.where(old_key == "", "filled_in", np.where(new_key == "", "removed", "changed"))
        if how == "nik":
            change = np.where(change == "changed", "corrected", change)
        found.append(
            pd.DataFrame(
                {
                    "old_row": pairs["old_row"].to_numpy()[differ],
                    "new_row": pairs["new_row"].to_numpy()[differ],
                    "field": field.value,
                    "change": change[differ],
                    "old_value": old_shown.to_numpy()[differ],
                    "new_value": new_shown.to_numpy()[differ],
                }
            )
        )
    if not found:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in CHANGE_COLUMNS})
    return pd.concat(found, ignore_index=True).sort_values(["new_row", "old_row"], kind="stable", ignore_index=True)


def with_change_summary(pairs: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    """The pairs with the fields that changed (joined by ", ") and whether the person moved to another TPS."""
    by_pair = changes.groupby("old_row")["field"]
    fields = pairs["old_row"].map(by_pair.agg(", ".join)).astype(object).fillna("")
    moved = pairs["old_row"].isin(changes.loc[changes["field"].isin(TPS_PLACE), "old_row"])
    return pairs.assign(changed_fields=fields, moved_tps=moved)[PAIR_COLUMNS]


def joined_codes(flags: dict[str, pd.Series]) -> pd.Series:
    """The codes whose flag is set, joined by "; " per row, without a per-row Python loop."""
    parts = [
        pd.Series(np.where(flag.to_numpy(dtype=bool), code, ""), index=flag.index, dtype=object)
        for code, flag in flags.items()
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + np.where((joined != "") & (part != ""), "; ", "") + part
    return joined


def row_classes(
    people: People, duplicates: pd.DataFrame, pairs: pd.DataFrame, uncertain: pd.DataFrame, side: str, rules
) -> pd.DataFrame:
    """The class of every row of one file, the row of the other file (or the earlier row) it goes with, why the
    person is not a voter (ineligibility statuses joined by "; "), and whether they leave before voting day."""
    rows = people.frame["source_row"].astype("int64")
    other_side = "new_row" if side == "old" else "old_row"
    paired = pairs.set_index(f"{side}_row")
    doubt = uncertain.drop_duplicates(f"{side}_row").set_index(f"{side}_row")[other_side]
    row_class = pd.Series(RowClass.ARRIVED.value if side == "new" else RowClass.LEFT.value, index=rows.index)
    other = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    in_doubt = rows.isin(doubt.index)
    row_class[in_doubt] = RowClass.UNCERTAIN.value
    other[in_doubt] = rows[in_doubt].map(doubt)
    is_paired = rows.isin(paired.index)
    changed = rows.isin(pairs.loc[pairs["changed_fields"] != "", f"{side}_row"])
    row_class[is_paired] = np.where(changed[is_paired], RowClass.CHANGED.value, RowClass.UNCHANGED.value)
    other[is_paired] = rows[is_paired].map(paired[other_side])
    repeats = rows.isin(duplicates["source_row"])
    flags = decide.eligibility(people.frame, rules)
    row_class[repeats] = RowClass.DUPLICATE.value
    other[repeats] = rows[repeats].map(duplicates.set_index("source_row")["duplicate_of"])
    return pd.DataFrame(
        {
            "source_row": rows.to_numpy(),
            "row_class": row_class.to_numpy(),
            "other_row": pd.array(other, dtype="Int64"),
            "ineligible": joined_codes({status.value: flags[status] for status in decide.INELIGIBLE}).to_numpy(),
            "released_before_voting": flags[decide.Status.RELEASED_BEFORE_VOTING].to_numpy(dtype=bool),
        }
    )
