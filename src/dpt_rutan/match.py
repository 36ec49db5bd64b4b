"""Record linkage of people across two lists: roster against a KPU extract, roster against Dukcapil, roster to itself.

Shaped after Splink's comparison levels: each field compares at an ordered list of labelled levels, each level adds
a weight (in bits of evidence, positive for agreement, negative for disagreement, zero when a value is missing so
that a missing value counts neither for nor against). The sum is the pair's score. Candidates are found by blocking
rules (exact NIK first, then NIK neighbours, visible digits of hidden NIKs, birth date, name key), never by comparing
all against all. Assignment is one-to-one and greedy by score; ties and near-threshold pairs go to review with the
candidates listed, never silently taken.

Both sides are "people frames": ``source_row``, ``name_norm``, ``name_key``, ``nik_clean``, ``nik_usable``,
``nik_masked_pattern``, ``birth_date`` (datetime64), ``sex`` ("L"/"P"/""), optionally ``mother_norm``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from . import names


class LevelWeights(BaseModel):
    model_config = ConfigDict(frozen=True)

    nik_exact: float = 20
    nik_one_edit: float = 8  # only counted when the birth dates agree: see compare_pairs
    nik_masked_agree: float = 6
    nik_different: float = -10
    name_exact: float = 8
    name_close: float = 6  # similarity >= name_close_at: a spelling variant or one letter
    name_similar: float = 3  # similarity >= name_similar_at: a missing middle name, a typo or two
    name_different: float = -12
    dob_exact: float = 10
    dob_partial: float = 4  # day and month swapped, or one digit off
    dob_different: float = -8
    sex_agree: float = 1
    sex_different: float = -4
    mother_agree: float = 4
    mother_different: float = -2


class MatchSettings(BaseModel):
    """Thresholds of the matcher; copied into every report's provenance."""

    model_config = ConfigDict(frozen=True)

    accept_score: float = 16
    review_score: float = 8
    tie_margin: float = 4
    name_close_at: float = 0.93
    name_similar_at: float = 0.85
    weights: LevelWeights = LevelWeights()


PAIR_COLUMNS = [
    "left_row",
    "right_row",
    "nik_level",
    "name_level",
    "dob_level",
    "sex_level",
    "mother_level",
    "name_similarity",
    "score",
]

MATCH_COLUMNS = [
    "left_row",
    "right_row",
    "decision",  # "match" | "review" | "none"
    "method",
    "score",
    "agreed",
    "disagreed",
    "candidates",
]


# --- blocking -------------------------------------------------------------------------------------------------


def _join_on(left: pd.DataFrame, right: pd.DataFrame, left_key: pd.Series, right_key: pd.Series) -> pd.DataFrame:
    lk = pd.DataFrame({"left_row": left["source_row"].to_numpy(), "key": left_key.to_numpy()})
    rk = pd.DataFrame({"right_row": right["source_row"].to_numpy(), "key": right_key.to_numpy()})
    lk = lk[lk["key"].notna() & (lk["key"] != "")]
    rk = rk[rk["key"].notna() & (rk["key"] != "")]
    return lk.merge(rk, on="key")[["left_row", "right_row"]]


def _usable_nik(frame: pd.DataFrame) -> pd.Series:
    return frame["nik_clean"].where(frame["nik_usable"], "")


def _nik_digits_slice(frame: pd.DataFrame, *spans: tuple[int, int]) -> pd.Series:
    """Part of a full 16-digit NIK (usable or not: a mangled NIK still has its neighbours), for one-edit blocking."""
    nik = frame["nik_clean"].where(frame["nik_clean"].str.fullmatch(r"\d{16}", na=False), "")
    parts = [nik.str.slice(start, stop) for start, stop in spans]
    key = parts[0]
    for part in parts[1:]:
        key = key + "|" + part
    return key.where(nik != "", "")


def _dob_key(frame: pd.DataFrame, swapped: bool = False) -> pd.Series:
    dob = frame["birth_date"]
    if swapped:
        valid = dob.notna() & (dob.dt.day <= 12) & (dob.dt.day != dob.dt.month)
        key = dob.dt.strftime("%Y") + "-" + dob.dt.strftime("%d") + "-" + dob.dt.strftime("%m")
        return key.where(valid, "")
    return dob.dt.strftime("%Y-%m-%d").fillna("")


def _masked_candidates(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Pairs where one side's NIK hides digits and the visible digits of both agree, blocked by the visible prefix."""
    pairs = []
    for masked_side, full_side, masked_name, full_name in (
        (right, left, "right_row", "left_row"),
        (left, right, "left_row", "right_row"),
    ):
        masked = masked_side[masked_side["nik_masked_pattern"] != ""]
        if masked.empty:
            continue
        full = full_side[full_side["nik_clean"].str.fullmatch(r"\d{16}", na=False)]
        prefix_len = int(masked["nik_masked_pattern"].str.find("*").clip(lower=0).min())
        prefix_len = max(prefix_len, 2)
        candidates = _join_on(
            full.assign(source_row=full["source_row"]),
            masked,
            full["nik_clean"].str.slice(0, prefix_len),
            masked["nik_masked_pattern"].str.slice(0, prefix_len),
        ).rename(columns={"left_row": full_name, "right_row": masked_name})
        if candidates.empty:
            continue
        nik_full = candidates[full_name].map(full.set_index("source_row")["nik_clean"])
        pattern = candidates[masked_name].map(masked.set_index("source_row")["nik_masked_pattern"])
        agree = [_visible_digits_agree(p, n) for p, n in zip(pattern, nik_full, strict=True)]
        pairs.append(candidates[np.array(agree, dtype=bool)][["left_row", "right_row"]])
    return pd.concat(pairs) if pairs else pd.DataFrame({"left_row": [], "right_row": []})


def _visible_digits_agree(pattern: str, nik: str) -> bool:
    return len(pattern) == 16 and all(p == "*" or p == d for p, d in zip(pattern, nik, strict=True))


def candidate_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Union of the blocking rules: every pair that could be the same person, without comparing all against all."""
    rules = [
        _join_on(left, right, _usable_nik(left), _usable_nik(right)),
        # A NIK one digit off or with two adjacent digits swapped keeps one of these three parts intact.
        _join_on(left, right, _nik_digits_slice(left, (0, 8)), _nik_digits_slice(right, (0, 8))),
        _join_on(left, right, _nik_digits_slice(left, (8, 16)), _nik_digits_slice(right, (8, 16))),
        _join_on(left, right, _nik_digits_slice(left, (0, 6), (10, 16)), _nik_digits_slice(right, (0, 6), (10, 16))),
        _masked_candidates(left, right),
        _join_on(left, right, _dob_key(left), _dob_key(right)),
        _join_on(left, right, _dob_key(left, swapped=True), _dob_key(right)),
        # Same name key and birth year catches birth dates off by a digit in the day or month.
        _join_on(
            left,
            right,
            left["name_key"] + "|" + left["birth_date"].dt.strftime("%Y").fillna(""),
            right["name_key"] + "|" + right["birth_date"].dt.strftime("%Y").fillna(""),
        ),
    ]
    pairs = pd.concat(rules, ignore_index=True).drop_duplicates()
    return pairs.astype({"left_row": "int64", "right_row": "int64"}).reset_index(drop=True)


# --- comparison levels ----------------------------------------------------------------------------------------


def _one_edit(a: str, b: str) -> bool:
    """One digit wrong, or two adjacent digits swapped: the typos of numbers typed by hand (NIKs, dates)."""
    if len(a) != len(b) or not a or a == b:
        return False
    diff = [i for i in range(len(a)) if a[i] != b[i]]
    if len(diff) == 1:
        return True
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


def nik_level(left_nik: str, left_usable: bool, left_mask: str, right_nik: str, right_usable: bool, right_mask: str):
    if left_usable and right_usable and left_nik == right_nik:
        return "exact"
    if left_mask and len(right_nik) == 16 and _visible_digits_agree(left_mask, right_nik):
        return "masked_agree"
    if right_mask and len(left_nik) == 16 and _visible_digits_agree(right_mask, left_nik):
        return "masked_agree"
    if len(left_nik) == 16 and _one_edit(left_nik, right_nik) and (left_usable or right_usable):
        return "one_edit"
    if left_usable and right_usable:
        return "different"
    return "missing"


def _date_digits(value: pd.Timestamp) -> str:
    return value.strftime("%d%m%Y")


def dob_level(left: pd.Timestamp, right: pd.Timestamp) -> str:
    if pd.isna(left) or pd.isna(right):
        return "missing"
    if left == right:
        return "exact"
    if left.year == right.year and left.day == right.month and left.month == right.day:
        return "partial"
    if _one_edit(_date_digits(left), _date_digits(right)):
        return "partial"
    return "different"


def name_level(similarity: float | None, settings: MatchSettings) -> str:
    if similarity is None or np.isnan(similarity):
        return "missing"
    if similarity >= 1.0:
        return "exact"
    if similarity >= settings.name_close_at:
        return "close"
    if similarity >= settings.name_similar_at:
        return "similar"
    return "different"


def _sex_level(left: str, right: str) -> str:
    if not left or not right:
        return "missing"
    return "exact" if left == right else "different"


def _weight_table(weights: LevelWeights) -> dict[str, dict[str, float]]:
    """The weight of each level of each field; a level not listed (missing) weighs nothing."""
    return {
        "nik": {
            "exact": weights.nik_exact,
            "one_edit": weights.nik_one_edit,
            "masked_agree": weights.nik_masked_agree,
            "different": weights.nik_different,
        },
        "name": {
            "exact": weights.name_exact,
            "close": weights.name_close,
            "similar": weights.name_similar,
            "different": weights.name_different,
        },
        "dob": {"exact": weights.dob_exact, "partial": weights.dob_partial, "different": weights.dob_different},
        "sex": {"exact": weights.sex_agree, "different": weights.sex_different},
        "mother": {
            "exact": weights.mother_agree,
            "close": weights.mother_agree,
            "similar": weights.mother_agree / 2,
            "different": weights.mother_different,
        },
    }


def compare_pairs(
    pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame, settings: MatchSettings
) -> pd.DataFrame:
    """Comparison levels and score of every candidate pair."""
    if pairs.empty:
        return pd.DataFrame({column: [] for column in PAIR_COLUMNS})
    lrows = left.set_index("source_row").loc[pairs["left_row"]].reset_index(drop=True)
    rrows = right.set_index("source_row").loc[pairs["right_row"]].reset_index(drop=True)
    similarity = names.name_similarities(lrows["name_norm"], rrows["name_norm"])
    compared = pd.DataFrame(
        {
            "left_row": pairs["left_row"].to_numpy(),
            "right_row": pairs["right_row"].to_numpy(),
            "nik_level": [
                nik_level(*values)
                for values in zip(
                    lrows["nik_clean"],
                    lrows["nik_usable"].astype(bool),
                    lrows["nik_masked_pattern"],
                    rrows["nik_clean"],
                    rrows["nik_usable"].astype(bool),
                    rrows["nik_masked_pattern"],
                    strict=True,
                )
            ],
            "name_level": [name_level(value, settings) for value in similarity],
            "dob_level": [dob_level(a, b) for a, b in zip(lrows["birth_date"], rrows["birth_date"], strict=True)],
            "sex_level": [_sex_level(a, b) for a, b in zip(lrows["sex"], rrows["sex"], strict=True)],
            "mother_level": "missing",
            "name_similarity": similarity.to_numpy(),
        }
    )
    # Neighbouring people have neighbouring NIKs (same district, birth dates a day or a year apart, serial 0001):
    # a NIK one digit off is a typo only when the birth dates agree.
    typo_possible = compared["dob_level"].isin(["exact", "missing"])
    compared.loc[(compared["nik_level"] == "one_edit") & ~typo_possible, "nik_level"] = "different"
    if "mother_norm" in left.columns and "mother_norm" in right.columns:
        mother = names.name_similarities(lrows["mother_norm"], rrows["mother_norm"])
        compared["mother_level"] = [name_level(value, settings) for value in mother]
    weights = _weight_table(settings.weights)
    compared["score"] = sum(compared[f"{field}_level"].map(table).fillna(0.0) for field, table in weights.items())
    return compared[PAIR_COLUMNS]


# --- decisions ------------------------------------------------------------------------------------------------


def _method(pair) -> str:
    if pair.nik_level == "exact":
        return "nik_exact"
    if pair.nik_level == "masked_agree":
        return "nik_masked"
    if pair.nik_level == "one_edit":
        return "nik_one_edit"
    return "name_birth_date"


def _explain(pair) -> tuple[str, str]:
    agreed, disagreed = [], []
    for field in ("nik", "name", "dob", "sex", "mother"):
        level = getattr(pair, f"{field}_level")
        if level in ("missing",):
            continue
        label = f"{field}:{level}"
        (disagreed if level == "different" else agreed).append(label)
    return ", ".join(agreed), ", ".join(disagreed)


def _candidate_text(pairs: pd.DataFrame) -> str:
    return "; ".join(f"row {int(p.right_row)} ({p.score:g})" for p in pairs.itertuples(index=False))


def assign(
    compared: pd.DataFrame, settings: MatchSettings, preferred_right: frozenset[int] = frozenset()
) -> pd.DataFrame:
    """One decision per left row that has a candidate at or above the review score.

    Among equal scores, a right row in ``preferred_right`` is taken first (a voter listed twice is taken at the
    prison's TPS).

    Greedy one-to-one: the highest-scoring pairs are taken first; a right row goes to at most one left row. A left
    row whose best two available candidates are within ``tie_margin`` goes to review with both listed, as does an
    exact-NIK pair whose other fields disagree (the NIK may belong to someone else).
    """
    plausible = compared[(compared["score"] >= settings.review_score) | (compared["nik_level"] == "exact")]
    plausible = plausible.assign(preferred=plausible["right_row"].isin(preferred_right))
    plausible = plausible.sort_values(
        ["score", "preferred", "left_row", "right_row"], ascending=[False, False, True, True]
    )
    taken_right: set[int] = set()
    decided: dict[int, dict] = {}
    order = plausible.groupby("left_row", sort=False)["score"].max().sort_values(ascending=False, kind="stable")
    by_left = {key: group for key, group in plausible.groupby("left_row", sort=False)}
    for left_row in order.index:
        group = by_left[left_row]
        available = group[~group["right_row"].isin(taken_right)]
        if available.empty:
            continue
        best = available.iloc[0]
        runner_up = available.iloc[1] if len(available) > 1 else None
        # Two rows with the person's own NIK are one person listed twice (KPU_DUPLICATE), not a doubt about who.
        same_person_twice = runner_up is not None and best["nik_level"] == runner_up["nik_level"] == "exact"
        tied = (
            runner_up is not None and best["score"] - runner_up["score"] < settings.tie_margin and not same_person_twice
        )
        weak = best["score"] < settings.accept_score
        decision = "review" if tied or weak else "match"
        agreed, disagreed = _explain(best)
        decided[int(left_row)] = {
            "left_row": int(left_row),
            "right_row": int(best["right_row"]),
            "decision": decision,
            "method": _method(best),
            "score": float(best["score"]),
            "agreed": agreed,
            "disagreed": disagreed,
            "candidates": _candidate_text(available.head(3)) if decision == "review" else "",
        }
        if decision == "match":
            taken_right.add(int(best["right_row"]))
    if not decided:
        return pd.DataFrame({column: [] for column in MATCH_COLUMNS})
    return pd.DataFrame(list(decided.values()), columns=MATCH_COLUMNS)


def link(
    left: pd.DataFrame,
    right: pd.DataFrame,
    settings: MatchSettings,
    preferred_right: frozenset[int] = frozenset(),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Block, compare and assign: the decisions per left row, and every compared pair (for review sheets)."""
    compared = compare_pairs(candidate_pairs(left, right), left, right, settings)
    return assign(compared, settings, preferred_right), compared
