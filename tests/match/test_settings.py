"""The comparison levels are declared once: every level weighs a field of LevelWeights and every weight is used."""

from __future__ import annotations

from dpt_rutan import match


def test_every_weight_belongs_to_a_declared_level():
    used = {level.weight for comparison in match.COMPARISONS for level in comparison.levels if level.weight}
    assert used == set(match.LevelWeights.model_fields)


def test_every_field_compares_to_a_column_of_the_pairs_and_ends_with_its_fallback():
    for comparison in match.COMPARISONS:
        assert comparison.column in match.PAIR_COLUMNS
        assert [level.name for level in comparison.levels].count("missing") == 1
    assert [comparison.levels[-1].name for comparison in match.COMPARISONS] == [
        "missing",
        "different",
        "different",
        "different",
        "different",
    ]
