"""Pairs across the two snapshots: usable NIK, then registration number, then name and birth date.

Repeated rows of one file are set aside first (``decide.roster_duplicates`` for a roster, the same usable NIK for a
KPU extract); a key pair whose name and birth date both disagree is doubted, not taken, and the matching core
(``match.link``) pairs the rest.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dpt_rutan import decide, match
from dpt_rutan.commands.diff.result import UNCERTAIN_COLUMNS, FileKind
from dpt_rutan.fields import Field
from dpt_rutan.people import People


def repeated_rows(view: pd.DataFrame, kind: FileKind, settings: match.MatchSettings) -> pd.DataFrame:
    """Rows that repeat an earlier row of the same file: ``source_row``, ``duplicate_of``, ``method``.

    A roster repeats people with or without their NIK (``decide.roster_duplicates``); a KPU extract counts as the
    same voter only the same usable NIK (KPU_DUPLICATE, TMS 2): voter lists are long and full of namesakes.
    """
    if kind is FileKind.ROSTER:
        return decide.roster_duplicates(view, settings)
    nik = view["nik_clean"].where(view["nik_usable"], "")
    first = view.groupby(nik)["source_row"].transform("min")
    repeats = (nik != "") & (view["source_row"] != first)
    return pd.DataFrame(
        {"source_row": view.loc[repeats, "source_row"], "duplicate_of": first[repeats], "method": "nik_exact"}
    ).reset_index(drop=True)


def reg_keys(people: People) -> pd.Series:
    """Registration numbers by source row, without spaces and in upper case: "AI. 0436/2023" is "AI.0436/2023"."""
    frame = people.frame
    if Field.REG_NO not in frame.columns:
        return pd.Series("", index=frame["source_row"].astype("int64"), dtype=object)
    text = frame[Field.REG_NO].fillna("").astype(str).str.upper().str.replace(r"\s+", "", regex=True)
    return pd.Series(text.to_numpy(), index=frame["source_row"].astype("int64").to_numpy(), dtype=object)


def _key_pairs(old_keys: pd.Series, new_keys: pd.Series, method: str) -> pd.DataFrame:
    """Rows whose key is the same on both sides; a key repeated within a file pairs nothing (left to later passes)."""

    def unique(keys: pd.Series, name: str) -> pd.DataFrame:
        keys = keys[(keys != "") & ~keys.duplicated(keep=False)]
        return pd.DataFrame({name: keys.index.to_numpy(dtype="int64"), "key": keys.to_numpy()})

    joined = unique(old_keys, "old_row").merge(unique(new_keys, "new_row"), on="key")
    return joined[["old_row", "new_row"]].assign(method=method, score=np.nan)


def _doubtful(pairs: pd.DataFrame, old_view: pd.DataFrame, new_view: pd.DataFrame, settings) -> pd.Series:
    """Pairs on a shared key whose name and birth date both disagree: the key may have been typed for someone else."""
    old = old_view.set_index("source_row").loc[pairs["old_row"]]
    new = new_view.set_index("source_row").loc[pairs["new_row"]]
    differ = (old["name_norm"].to_numpy() != new["name_norm"].to_numpy()) & (
        old["birth_date"].to_numpy() != new["birth_date"].to_numpy()
    )
    doubtful = pd.Series(False, index=pairs.index)
    if differ.any():
        suspects = pairs[differ].rename(columns={"old_row": "left_row", "new_row": "right_row"})
        compared = match.compare_pairs(suspects.reset_index(drop=True), old_view, new_view, settings)
        bad = (compared["name_level"] == "different") & (compared["dob_level"] == "different")
        doubtful[pairs.index[differ]] = bad.to_numpy()
    return doubtful


def pair_people(
    old_view: pd.DataFrame,
    new_view: pd.DataFrame,
    reg_keys: tuple[pd.Series, pd.Series] | None,
    settings: match.MatchSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs by usable NIK, then registration number, then name and birth date; and the pairs not taken.

    A doubtful key pair does not take its rows: a later pass may pair them better (an old NIK typed for someone
    else, corrected since). Review-grade pairs of the matcher are never taken.
    """
    usable = [
        view["nik_clean"].where(view["nik_usable"], "").set_axis(view["source_row"]) for view in (old_view, new_view)
    ]
    passes = [("nik_exact", *usable)] + ([("reg_no", *reg_keys)] if reg_keys is not None else [])
    taken, doubts = [], []
    for method, old_keys, new_keys in passes:
        open_old = set(old_view["source_row"]).difference(*(t["old_row"] for t in taken))
        open_new = set(new_view["source_row"]).difference(*(t["new_row"] for t in taken))
        found = _key_pairs(old_keys[old_keys.index.isin(open_old)], new_keys[new_keys.index.isin(open_new)], method)
        doubtful = _doubtful(found, old_view, new_view, settings)
        taken.append(found[~doubtful])
        doubts.append(
            found[doubtful].assign(agreed=f"{method}:exact", disagreed="name:different, dob:different", candidates="")
        )
    paired = pd.concat(taken, ignore_index=True)
    rest_old = old_view[~old_view["source_row"].isin(paired["old_row"])]
    rest_new = new_view[~new_view["source_row"].isin(paired["new_row"])]
    decisions, _ = match.link(rest_old, rest_new, settings)
    decisions = decisions.rename(columns={"left_row": "old_row", "right_row": "new_row"})
    linked = decisions.loc[decisions["decision"] == "match", ["old_row", "new_row", "method", "score"]]
    reviewed = decisions.loc[decisions["decision"] == "review", UNCERTAIN_COLUMNS]
    pairs = pd.concat([paired, linked], ignore_index=True).astype({"old_row": "int64", "new_row": "int64"})
    uncertain = pd.concat([*doubts, reviewed], ignore_index=True)[UNCERTAIN_COLUMNS]
    uncertain = uncertain.drop_duplicates(["old_row", "new_row"], ignore_index=True)
    return pairs, uncertain.astype({"old_row": "int64", "new_row": "int64"})
