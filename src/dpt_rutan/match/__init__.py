"""Record linkage of people on frames, never files: candidate pairs, comparison levels, one-to-one assignment.

Roster against a KPU extract, roster against Dukcapil, roster to itself. Shaped after Splink: the comparison levels
are declared once (``settings.py``), candidates come from blocking rules (``blocking.py``), never from comparing all
against all, each pair is compared field by field and scored (``levels.py``), and assignment is one-to-one and
greedy by score (``assign.py``).
"""

from dpt_rutan.match.assign import assign, link, settled_rows
from dpt_rutan.match.blocking import (
    NikBlocks,
    candidate_pairs,
    fuzzy_candidate_pairs,
    nik_candidate_pairs,
)
from dpt_rutan.match.levels import compare_pairs, dob_level, name_level, nik_level
from dpt_rutan.match.settings import (
    COMPARISONS,
    MATCH_COLUMNS,
    PAIR_COLUMNS,
    Comparison,
    Level,
    LevelWeights,
    MatchSettings,
    differing_names_rule_out,
    settling_score,
)

__all__ = [
    "COMPARISONS",
    "MATCH_COLUMNS",
    "PAIR_COLUMNS",
    "Comparison",
    "Level",
    "LevelWeights",
    "MatchSettings",
    "NikBlocks",
    "assign",
    "candidate_pairs",
    "compare_pairs",
    "differing_names_rule_out",
    "dob_level",
    "fuzzy_candidate_pairs",
    "link",
    "name_level",
    "nik_candidate_pairs",
    "nik_level",
    "settled_rows",
    "settling_score",
]
