"""Reconcile on the example data against the generator's ground truth, and the decision rules one by one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from dpt_rutan import decide
from dpt_rutan.commands.reconcile.run import reconcile
from dpt_rutan.election import load_profile
from dpt_rutan.site import load_site

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
TRUTH = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def result():
    return reconcile(
        EXAMPLES / "roster_rutan_blora.xlsx",
        EXAMPLES / "dpt_kpu_blora.csv",
        dukcapil_path=EXAMPLES / "dukcapil_blora.csv",
        site=load_site(EXAMPLES / "site_rutan_blora.toml"),
        profile=load_profile("pemilu2024"),
    )


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    frame = pd.read_csv(TRUTH / "examples_truth.csv", dtype=str, keep_default_na=False)
    return frame.assign(source_row=frame["source_row"].astype(int))


def test_every_row_gets_the_true_status(result, truth):
    got = result.decisions.set_index("source_row")["status"]
    wrong = [
        (row.source_row, row.mess, row.status, got.get(row.source_row))
        for row in truth.itertuples()
        if got.get(row.source_row) != row.status
    ]
    assert wrong == []


def test_every_status_appears_on_the_examples(result):
    assert set(result.decisions["status"]) == {status.value for status in decide.Status}


def test_matched_rows_point_at_the_true_kpu_line(result, truth):
    expected = truth[(truth["kpu_source_row"] != "") & truth["status"].str.startswith("REGISTERED")]
    got = result.decisions.set_index("source_row")["kpu_row"]
    assert {row: int(got[row]) for row in expected["source_row"]} == dict(
        zip(expected["source_row"], expected["kpu_source_row"].astype(int), strict=True)
    )


def test_kpu_side_findings_are_the_true_ones(result):
    expected = pd.read_csv(TRUTH / "examples_truth_kpu.csv", dtype=str)
    want = sorted(zip(expected["kpu_source_row"].astype(int), expected["status"], strict=True))
    got = sorted(zip(result.kpu_side["source_row"], result.kpu_side["status"], strict=True))
    assert got == want


def test_counts_add_up_to_the_rows_read(result):
    assert int(result.status_counts().sum()) == len(result.roster.frame) == 150
    assert result.roster.table.rows_in_file == len(result.roster.frame) + len(result.roster.table.skipped)


def test_needs_review_lists_both_namesakes(result, truth):
    review = truth[truth["status"] == "NEEDS_REVIEW"].iloc[0]
    decision = result.decisions.set_index("source_row").loc[review["source_row"]]
    for line in review["kpu_candidate_rows"].split("|"):
        assert f"row {line}" in decision["candidates"]


def test_broken_nik_found_by_name_gets_the_registration_of_the_match(result, truth):
    broken = truth[
        truth["mess"].str.contains("nik_one_digit_typo|nik_adjacent_swap") & (truth["status"] != "DUPLICATE")
    ]
    assert len(broken) >= 2
    decisions = result.decisions.set_index("source_row")
    for row in broken.itertuples():
        assert decisions.loc[row.source_row, "status"] == row.status
        assert decisions.loc[row.source_row, "method"] in ("nik_one_edit", "name_birth_date")


# --- the decision rules on hand-made rows -----------------------------------------------------------------------

RULES = decide.Rules(
    voting_day=date(2024, 2, 14),
    born_on_or_before=date(2007, 2, 14),
    prison_tps=(901,),
    prison_district="33.16.09",
)


def roster_rows(**columns) -> pd.DataFrame:
    size = len(next(iter(columns.values())))
    base = {
        "source_row": list(range(6, 6 + size)),
        "birth_date_used": [pd.Timestamp("1990-01-01")] * size,
        "marital_status": [""] * size,
        "citizenship": ["WNI"] * size,
        "occupation": [""] * size,
        "right_to_vote_revoked": [False] * size,
        "release_date": [pd.NaT] * size,
    }
    base.update(columns)
    return pd.DataFrame(base)


@pytest.mark.parametrize(
    ("column", "value", "flag"),
    [
        ("birth_date_used", pd.Timestamp("2007-02-15"), decide.Status.INELIGIBLE_AGE),
        ("citizenship", "WNA", decide.Status.INELIGIBLE_FOREIGN),
        ("occupation", "Anggota POLRI", decide.Status.INELIGIBLE_MILITARY),
        ("right_to_vote_revoked", True, decide.Status.INELIGIBLE_RIGHTS_REVOKED),
        ("release_date", pd.Timestamp("2024-02-13"), decide.Status.RELEASED_BEFORE_VOTING),
    ],
)
def test_each_ineligibility_is_flagged(column, value, flag):
    flags = decide.eligibility(roster_rows(**{column: [value]}), RULES)
    assert flags.columns[flags.iloc[0]].tolist() == [flag]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("birth_date_used", pd.Timestamp("2007-02-14")),  # 17 on voting day itself
        ("occupation", "Purnawirawan TNI"),  # retired: a civilian
        ("release_date", pd.Timestamp("2024-02-14")),  # released on voting day: in custody when the TPS opens
        ("birth_date_used", pd.NaT),  # unknown birth date never excludes
    ],
)
def test_edges_that_stay_eligible(column, value):
    assert not decide.eligibility(roster_rows(**{column: [value]}), RULES).iloc[0].any()


def test_under_age_but_married_may_vote():
    rows = roster_rows(birth_date_used=[pd.Timestamp("2008-01-01")], marital_status=["S"])
    assert not decide.eligibility(rows, RULES).iloc[0].any()


def test_tps_901_of_another_kecamatan_is_not_the_prisons():
    kpu = pd.DataFrame({"source_row": [2, 3], "tps": ["901", "TPS 901"], "home_district": ["33.16.09", "33.16.05"]})
    assert decide.at_prison_tps(kpu, RULES).tolist() == [True, False]
