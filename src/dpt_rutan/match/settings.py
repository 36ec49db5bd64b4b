"""The matcher's settings and its comparison levels, declared once, as data (after Splink's settings object).

Each field of a pair compares at one of an ordered list of named levels; the first level whose condition holds is
the pair's level, the last holds when none before it does. Each level weighs a field of :class:`LevelWeights` (in
bits of evidence: positive for agreement, negative for disagreement), or nothing when a value is missing, so that a
missing value counts neither for nor against. The level functions (``levels.py``), the score, the agreed and
disagreed fields of a decision and its method (``assign.py``) all read :data:`COMPARISONS`; the weights themselves
are copied into every report's provenance with :class:`MatchSettings`.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict


class LevelWeights(BaseModel):
    """The weight of each comparison level, in bits of evidence."""

    model_config = ConfigDict(frozen=True)

    nik_exact: float = 20
    nik_one_edit: float = 8  # only counted when the birth dates agree: see levels.compare_pairs
    nik_masked_agree: float = 6
    # A masked NIK whose shown digits differ from a usable NIK is evidence against, as strong as a different NIK:
    # name and birth date alone then stay below the accept score.
    nik_masked_disagree: float = -10
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


@dataclass(frozen=True)
class Level:
    """One level of a field's comparison.

    ``weight`` names the field of :class:`LevelWeights` the level adds (times ``fraction``); a level without one is
    a missing value, which weighs nothing and is left out of a decision's explanation. ``method`` is the decision's
    method when the pair's NIK compares at this level.
    """

    name: str
    weight: str | None = None
    disagrees: bool = False
    fraction: float = 1.0
    method: str = ""

    def weight_in(self, weights: LevelWeights) -> float | None:
        """What the level adds to a pair's score, or None if it says nothing."""
        return None if self.weight is None else getattr(weights, self.weight) * self.fraction


@dataclass(frozen=True)
class Comparison:
    """A field's levels, in the order they are tested: the last holds when no other does."""

    field: str
    levels: tuple[Level, ...]

    @property
    def column(self) -> str:
        """The column of a compared pair that holds the field's level."""
        return f"{self.field}_level"

    def level(self, name: str) -> Level:
        """The level of that name."""
        for level in self.levels:
            if level.name == name:
                return level
        raise KeyError(f"{self.field} has no level {name!r}")

    def weights(self, weights: LevelWeights) -> dict[str, float]:
        """The weight of each level that has one; a level not listed (missing) weighs nothing."""
        table = {level.name: level.weight_in(weights) for level in self.levels}
        return {name: weight for name, weight in table.items() if weight is not None}


MISSING = Level("missing")

COMPARISONS = (
    Comparison(
        "nik",
        (
            Level("exact", "nik_exact", method="nik_exact"),
            Level("masked_agree", "nik_masked_agree", method="nik_masked"),
            Level("one_edit", "nik_one_edit", method="nik_one_edit"),
            Level("different", "nik_different", disagrees=True),
            Level("masked_disagree", "nik_masked_disagree", disagrees=True),
            MISSING,
        ),
    ),
    Comparison(
        "name",
        (
            MISSING,
            Level("exact", "name_exact"),
            Level("close", "name_close"),
            Level("similar", "name_similar"),
            Level("different", "name_different", disagrees=True),
        ),
    ),
    Comparison(
        "dob",
        (
            MISSING,
            Level("exact", "dob_exact"),
            Level("partial", "dob_partial"),
            Level("different", "dob_different", disagrees=True),
        ),
    ),
    Comparison("sex", (MISSING, Level("exact", "sex_agree"), Level("different", "sex_different", disagrees=True))),
    Comparison(
        "mother",
        (
            MISSING,
            Level("exact", "mother_agree"),
            Level("close", "mother_agree"),
            Level("similar", "mother_agree", fraction=0.5),
            Level("different", "mother_different", disagrees=True),
        ),
    ),
)
NIK, NAME, DOB, SEX, MOTHER = COMPARISONS
FALLBACK_METHOD = "name_birth_date"  # the method of a decision whose NIKs do not agree
_METHODS = {level.name: level.method for level in NIK.levels if level.method}

PAIR_COLUMNS = [
    "left_row",
    "right_row",
    *(comparison.column for comparison in COMPARISONS),
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


def weight_table(weights: LevelWeights) -> dict[str, dict[str, float]]:
    """The weight of each level of each field, fields in the order of :data:`COMPARISONS`."""
    return {comparison.field: comparison.weights(weights) for comparison in COMPARISONS}


def method_of(nik_level: str) -> str:
    """The method of a decision whose pair's NIKs compare at ``nik_level``."""
    return _METHODS.get(nik_level, FALLBACK_METHOD)


def settling_score(settings: MatchSettings) -> float:
    """A same-NIK pair scoring this much decides its left row whatever other candidates it has.

    No pair without an exact NIK can score more than the best weight of every field with the NIK's best other level;
    a same-NIK pair ahead of that by the tie margin is taken first and cannot tie, so looking further is wasted.
    """
    table = weight_table(settings.weights)
    best = {field: max([0.0, *levels.values()]) for field, levels in table.items()}
    best["nik"] = max(0.0, *(w for level, w in table["nik"].items() if level != "exact"))
    return sum(best.values()) + settings.tie_margin


def differing_names_rule_out(settings: MatchSettings) -> bool:
    """Whether a pair whose names differ stays below the review score whatever else agrees, when its NIKs are not
    the same or one typo apart (such pairs come from NIK blocks, not birth-date or name blocks) and neither is
    masked (a masked NIK that agrees where it shows digits is not always in a NIK block)."""
    table = weight_table(settings.weights)
    best_rest = sum(max([0.0, *table[field].values()]) for field in ("dob", "sex", "mother"))
    return max(0.0, table["nik"]["different"]) + table["name"]["different"] + best_rest < settings.review_score
