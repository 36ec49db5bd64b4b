"""A masked KPU NIK whose shown digits differ from the inmate's NIK counts against the pair."""

from __future__ import annotations

from dpt_rutan import match
from tests.match.test_match import people

SETTINGS = match.MatchSettings()


def test_masked_nik_levels():
    assert match.nik_level("3316011203900001", True, "", "", False, "3316********0001") == "masked_agree"
    assert match.nik_level("3316011203900001", True, "", "", False, "3317********0001") == "masked_disagree"
    assert match.nik_level("", False, "3317********0001", "3316011203900001", True, "") == "masked_disagree"
    # A NIK that is not usable (damaged, a placeholder) says nothing against a mask.
    assert match.nik_level("3316011203900000", False, "", "", False, "3317********0001") == "missing"


def test_name_and_birth_date_alone_cannot_accept_a_pair_whose_masked_nik_disagrees():
    kpu = people(
        [
            {"row": 2, "name": "BAMBANG WIJAYA", "nik": "3372********0004", "dob": "1980-01-05", "sex": "L"},
            {"row": 3, "name": "AGUS PRASETYO", "nik": "3316********0005", "dob": "1988-02-03", "sex": "L"},
        ]
    )
    roster = people(
        [
            {"row": 10, "name": "BAMBANG WIJAYA", "nik": "3316010501800004", "dob": "1980-01-05", "sex": "L"},
            {"row": 11, "name": "AGUS PRASETYO", "nik": "3316010302880005", "dob": "1988-02-03", "sex": "L"},
        ]
    )
    decided, compared = match.link(roster, kpu, SETTINGS)
    decided = decided.set_index("left_row")
    assert decided.loc[10, "decision"] == "review"
    assert "nik:masked_disagree" in decided.loc[10, "disagreed"]
    assert decided.loc[11, "decision"] == "match"
    pair = compared[(compared["left_row"] == 10) & (compared["right_row"] == 2)].iloc[0]
    assert pair["score"] < SETTINGS.accept_score


def test_the_settling_bound_still_holds_with_the_new_level():
    weights = match.LevelWeights()
    best_without_exact_nik = (
        max(weights.nik_one_edit, weights.nik_masked_agree)
        + weights.name_exact
        + weights.dob_exact
        + weights.sex_agree
        + weights.mother_agree
    )
    assert match.settling_score(SETTINGS) == best_without_exact_nik + SETTINGS.tie_margin
