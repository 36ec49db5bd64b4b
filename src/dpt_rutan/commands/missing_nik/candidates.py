"""The NIKs an extract offers for a roster person: the people there who look like them, best first.

Each candidate is a plausible pair (at the review score or above) whose extract row has a usable NIK, with the
fields that agree and those that differ, in Indonesian, for the Dukcapil officer who confirms one.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from dpt_rutan import match


class Source(StrEnum):
    """The extract a candidate NIK comes from."""

    DUKCAPIL = "DUKCAPIL"
    KPU = "KPU"


CANDIDATE_COLUMNS = ["source_row", "rank", "nik", "source", "extract_row", "score", "agreed", "disagreed"]

MAX_CANDIDATES = 3
FIELD_LABELS = {"nik": "NIK", "name": "nama", "dob": "tanggal lahir", "sex": "jenis kelamin", "mother": "nama ibu"}
_CLOSE_LEVELS = ("close", "similar", "partial", "one_edit", "masked_agree")


def _fields_at(compared: pd.DataFrame, levels: tuple[str, ...], mark_close: bool) -> pd.Series:
    """The fields compared at one of ``levels``, in Indonesian: "nama, tanggal lahir (mirip), nama ibu"."""
    text = pd.Series("", index=compared.index, dtype=object)
    for name, label in FIELD_LABELS.items():
        level = compared[f"{name}_level"]
        suffix = np.where(mark_close & level.isin(_CLOSE_LEVELS), " (mirip)", "")
        text = text + np.where(level.isin(levels), label + suffix + ", ", "")
    return text.str.removesuffix(", ")


def candidate_pairs(
    compared: pd.DataFrame, extract: pd.DataFrame, source: Source, settings: match.MatchSettings
) -> pd.DataFrame:
    """Plausible pairs whose extract row has a usable NIK: that NIK is a candidate for the roster row."""
    plausible = compared[compared["score"] >= settings.review_score]
    by_row = extract.set_index("source_row")
    usable = plausible["right_row"].map(by_row["nik_usable"]).fillna(False).astype(bool)
    plausible = plausible[usable.to_numpy()]
    return pd.DataFrame(
        {
            "source_row": plausible["left_row"].astype("int64"),
            "nik": plausible["right_row"].map(by_row["nik_clean"]),
            "source": source.value,
            "extract_row": plausible["right_row"].astype("int64"),
            "score": plausible["score"].astype(float),
            "agreed": _fields_at(plausible, ("exact", *_CLOSE_LEVELS), mark_close=True),
            "disagreed": _fields_at(plausible, ("different",), mark_close=False),
        }
    )


def best_candidates(parts: list[pd.DataFrame], listed_rows: pd.Series) -> pd.DataFrame:
    """Up to MAX_CANDIDATES NIKs per listed person, best score first; a NIK both extracts hold counts once."""
    if not parts:
        return pd.DataFrame({column: [] for column in CANDIDATE_COLUMNS})
    pairs = pd.concat(parts, ignore_index=True)
    pairs = pairs[pairs["source_row"].isin(listed_rows)]
    pairs = pairs.sort_values(["source_row", "score", "source"], ascending=[True, False, True], kind="stable")
    pairs = pairs.drop_duplicates(["source_row", "nik"])
    pairs["rank"] = pairs.groupby("source_row").cumcount() + 1
    return pairs[pairs["rank"] <= MAX_CANDIDATES][CANDIDATE_COLUMNS].reset_index(drop=True)


def near_ties(candidates: pd.DataFrame, settings: match.MatchSettings) -> pd.Series:
    """By source_row: the best two candidates are within the tie margin, so neither may be taken on score alone."""
    best = candidates[candidates["rank"] == 1].set_index("source_row")["score"]
    second = candidates[candidates["rank"] == 2].set_index("source_row")["score"]
    return (best - second.reindex(best.index)) < settings.tie_margin
