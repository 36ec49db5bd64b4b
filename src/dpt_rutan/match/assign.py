"""One decision per left row: one-to-one assignment of the compared pairs, and :func:`link`, which blocks, compares
and assigns.

Assignment is greedy by score; ties and near-threshold pairs go to review with the candidates listed, never
silently taken.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from dpt_rutan.match.blocking import fuzzy_candidate_pairs, nik_candidate_pairs
from dpt_rutan.match.levels import compare_pairs
from dpt_rutan.match.settings import COMPARISONS, MATCH_COLUMNS, MatchSettings, method_of, settling_score


def _explain(levels: list[str]) -> tuple[str, str]:
    """The fields a pair agrees and disagrees on, as "field:level" lists, from its levels in the order of
    :data:`settings.COMPARISONS`; a missing value is neither."""
    agreed, disagreed = [], []
    for comparison, name in zip(COMPARISONS, levels, strict=True):
        level = comparison.level(name)
        if level.weight is None:
            continue
        (disagreed if level.disagrees else agreed).append(f"{comparison.field}:{name}")
    return ", ".join(agreed), ", ".join(disagreed)


def _ranked(compared: pd.DataFrame, settings: MatchSettings, preferred_right: frozenset[int]) -> pd.DataFrame:
    """The pairs assignment looks at, grouped by left row, the left rows in the order they are served (best score
    first) and each one's pairs best first; ``rank`` numbers the left rows in that order."""
    plausible = compared[(compared["score"] >= settings.review_score) | (compared["nik_level"] == "exact")]
    plausible = plausible.assign(preferred=plausible["right_row"].isin(preferred_right))
    plausible = plausible.sort_values(
        ["score", "preferred", "left_row", "right_row"], ascending=[False, False, True, True]
    )
    # A left row is served where its best pair stands in that order: sorted by its best score, then as listed.
    first_seen = pd.factorize(plausible["left_row"].to_numpy())[0]
    return plausible.assign(rank=first_seen).sort_values("rank", kind="stable").reset_index(drop=True)


class _Greedy:
    """Walks the ranked pairs of each left row in turn; a right row matched once is not offered again."""

    def __init__(self, ranked: pd.DataFrame, settings: MatchSettings) -> None:
        self.settings = settings
        self.right = ranked["right_row"].to_numpy(dtype=np.int64)
        self.score = ranked["score"].to_numpy(dtype=float)
        self.exact = (ranked["nik_level"] == "exact").to_numpy()
        self.taken: set[int] = set()

    def available(self, start: int, end: int, wanted: int) -> list[int]:
        """Positions of up to ``wanted`` pairs in ``start:end`` whose right row is still free."""
        found = []
        for position in range(start, end):
            if int(self.right[position]) not in self.taken:
                found.append(position)
                if len(found) == wanted:
                    break
        return found

    def decide(self, start: int, end: int) -> tuple[str, list[int]] | None:
        """("match" or "review", the available pairs that decision names), or None if no right row is free."""
        shown = self.available(start, end, 3)
        if not shown:
            return None
        best = shown[0]
        runner_up = shown[1] if len(shown) > 1 else None
        # Two rows with the person's own NIK are one person listed twice (KPU_DUPLICATE), not a doubt about who.
        same_person_twice = runner_up is not None and self.exact[best] and self.exact[runner_up]
        tied = (
            runner_up is not None
            and self.score[best] - self.score[runner_up] < self.settings.tie_margin
            and not same_person_twice
        )
        if tied or self.score[best] < self.settings.accept_score:
            return "review", shown
        self.taken.add(int(self.right[best]))
        return "match", shown


def _decision_frame(ranked: pd.DataFrame, best: list[int], decisions: list[str], shown: list[list[int]]):
    chosen = ranked.iloc[best]
    levels = chosen[[comparison.column for comparison in COMPARISONS]].to_numpy(dtype=object)
    explained = [_explain(list(row)) for row in levels]
    right, score = ranked["right_row"].to_numpy(), ranked["score"].to_numpy()
    return pd.DataFrame(
        {
            "left_row": [int(row) for row in chosen["left_row"]],
            "right_row": [int(row) for row in chosen["right_row"]],
            "decision": decisions,
            "method": [method_of(level) for level in chosen["nik_level"]],
            "score": [float(value) for value in chosen["score"]],
            "agreed": [agreed for agreed, _ in explained],
            "disagreed": [disagreed for _, disagreed in explained],
            "candidates": [
                "; ".join(f"row {int(right[p])} ({score[p]:g})" for p in positions) if decision == "review" else ""
                for decision, positions in zip(decisions, shown, strict=True)
            ],
        },
        columns=MATCH_COLUMNS,
    )


def assign(
    compared: pd.DataFrame, settings: MatchSettings, preferred_right: frozenset[int] = frozenset()
) -> pd.DataFrame:
    """One decision per left row that has a candidate at or above the review score.

    Among equal scores, a right row in ``preferred_right`` is taken first (a voter listed twice is taken at the
    prison's TPS).

    Greedy one-to-one: the highest-scoring pairs are taken first; a right row goes to at most one left row. A left
    row whose best two available candidates are within ``tie_margin`` goes to review with both listed, as does an
    exact-NIK pair whose other fields disagree (the NIK may belong to someone else). The walk is sequential (who
    is served first decides what is left for the next) but touches only plain integers and floats per pair.
    """
    ranked = _ranked(compared, settings, preferred_right)
    greedy = _Greedy(ranked, settings)
    starts = np.flatnonzero(np.diff(ranked["rank"].to_numpy(), prepend=-1))
    ends = np.append(starts[1:], len(ranked)) if len(starts) else starts
    best, decisions, shown = [], [], []
    for start, end in zip(starts, ends, strict=True):
        decided = greedy.decide(int(start), int(end))
        if decided is not None:
            best.append(decided[1][0])
            decisions.append(decided[0])
            shown.append(decided[1])
    if not decisions:
        return pd.DataFrame({column: [] for column in MATCH_COLUMNS})
    return _decision_frame(ranked, best, decisions, shown)


def settled_rows(nik_pairs: pd.DataFrame, settings: MatchSettings) -> pd.Index:
    """Left rows with a same-NIK pair at or above :func:`settling_score`: they need no fuzzy matching."""
    strong = (nik_pairs["nik_level"] == "exact") & (nik_pairs["score"] >= settling_score(settings))
    return pd.Index(nik_pairs.loc[strong, "left_row"].unique())


def link(
    left: pd.DataFrame,
    right: pd.DataFrame,
    settings: MatchSettings,
    preferred_right: frozenset[int] = frozenset(),
    timings: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Block, compare and assign: the decisions per left row, and every compared pair (for review sheets).
    ``timings`` gets the seconds of "match by NIK" and "fuzzy matching" added to it.

    NIK blocks first; only the left rows they do not settle are blocked by birth date and name. The decisions are
    those of blocking everything at once (see :func:`settling_score`), and a large extract's birth-date blocks,
    which hold thousands of strangers per inmate, are built for the few inmates who need them.
    """
    start = time.perf_counter()
    by_nik = compare_pairs(nik_candidate_pairs(left, right), left, right, settings)
    unsettled = left[~left["source_row"].isin(settled_rows(by_nik, settings))]
    settled_at = time.perf_counter()
    fuzzy_pairs = fuzzy_candidate_pairs(unsettled, right)
    known = pd.MultiIndex.from_frame(by_nik[["left_row", "right_row"]].astype("int64"))
    fuzzy_pairs = fuzzy_pairs[~pd.MultiIndex.from_frame(fuzzy_pairs).isin(known)]
    by_fuzzy = compare_pairs(fuzzy_pairs, unsettled, right, settings)
    if timings is not None:
        timings["match by NIK"] = timings.get("match by NIK", 0.0) + settled_at - start
        timings["fuzzy matching"] = timings.get("fuzzy matching", 0.0) + time.perf_counter() - settled_at
    compared = pd.concat([frame for frame in (by_nik, by_fuzzy) if len(frame)] or [by_nik], ignore_index=True)
    return assign(compared, settings, preferred_right), compared
