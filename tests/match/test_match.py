"""The matcher on hand-made left/right tables: each row says what must be decided and by which method."""

from __future__ import annotations

import pandas as pd
import pytest

from dpt_rutan import match, names

SETTINGS = match.MatchSettings()


def people(rows: list[dict]) -> pd.DataFrame:
    """A people frame as ``people.match_view`` makes it, from (row, name, nik, dob, sex) dicts."""
    frame = pd.DataFrame(rows)
    norm = frame["name"].map(names.normalise_name)
    nik = frame["nik"].fillna("")
    return pd.DataFrame(
        {
            "source_row": frame["row"].astype("int64"),
            "name_norm": norm,
            "name_key": norm.map(names.name_block_key),
            "nik_clean": nik.str.replace("*", "", regex=False).where(~nik.str.contains(r"\*"), ""),
            "nik_usable": nik.str.fullmatch(r"\d{16}"),
            "nik_masked_pattern": nik.where(nik.str.contains(r"\*"), ""),
            "birth_date": pd.to_datetime(frame["dob"]),
            "sex": frame["sex"],
        }
    )


KPU = people(
    [
        {"row": 2, "name": "JOKO SUSILO", "nik": "3316011203900001", "dob": "1990-03-12", "sex": "L"},
        {"row": 3, "name": "MUHAMMAD CAHYONO", "nik": "3316012505850002", "dob": "1985-05-25", "sex": "L"},
        {"row": 4, "name": "SITI AMINAH", "nik": "3316015708920003", "dob": "1992-08-17", "sex": "P"},
        {"row": 5, "name": "SITI AMINAH", "nik": "3316025708920011", "dob": "1992-08-17", "sex": "P"},
        {"row": 6, "name": "BAMBANG WIJAYA", "nik": "3316********0004", "dob": "1980-01-05", "sex": "L"},
        {"row": 7, "name": "AGUS PRASETYO", "nik": "3316010302880005", "dob": "1988-02-03", "sex": "L"},
        {"row": 8, "name": "DEWI LESTARI", "nik": "3316014711950006", "dob": "1995-11-07", "sex": "P"},
        {"row": 9, "name": "SUPARNO", "nik": "3316010101700007", "dob": "1970-01-01", "sex": "L"},
    ]
)

CASES = [
    # (roster row, expected decision, expected KPU row, expected method)
    (
        {"row": 10, "name": "Djoko Soesilo", "nik": "3316011203900001", "dob": "1990-03-12", "sex": "L"},
        "match",
        2,
        "nik_exact",
    ),
    (
        {"row": 11, "name": "MOCH. TJAHJONO bin KARTO", "nik": "-", "dob": "1985-05-25", "sex": "L"},
        "match",
        3,
        "name_birth_date",
    ),
    ({"row": 12, "name": "SITI AMINAH", "nik": "", "dob": "1992-08-17", "sex": "P"}, "review", 4, "name_birth_date"),
    (
        {"row": 13, "name": "BAMBANG WIJAYA", "nik": "3316010501800004", "dob": "1980-01-05", "sex": "L"},
        "match",
        6,
        "nik_masked",
    ),
    (
        {"row": 14, "name": "AGUS PRASETYO", "nik": "3316010302880095", "dob": "1988-02-03", "sex": "L"},
        "match",
        7,
        "nik_one_edit",
    ),
    (
        {"row": 15, "name": "DEWI LESTARI", "nik": "3316017411950006", "dob": "1995-11-07", "sex": "P"},
        "match",
        8,
        "nik_one_edit",
    ),
    ({"row": 16, "name": "SUPARNO", "nik": "", "dob": "1970-01-10", "sex": "L"}, "review", 9, "name_birth_date"),
    (
        {"row": 17, "name": "RUDI HARTONO", "nik": "3316010101700007", "dob": "1975-06-30", "sex": "L"},
        "review",
        9,
        "nik_exact",
    ),
]


@pytest.mark.parametrize(("roster_row", "decision", "kpu_row", "method"), CASES, ids=[c[0]["name"] for c in CASES])
def test_each_case_is_decided_as_expected(roster_row, decision, kpu_row, method):
    decisions, _ = match.link(people([roster_row]), KPU, SETTINGS)
    assert decisions[["decision", "right_row", "method"]].values.tolist() == [[decision, kpu_row, method]]


def test_a_person_with_no_candidate_gets_no_decision():
    stranger = people(
        [{"row": 20, "name": "YOHANES KOIBUR", "nik": "9109011507800001", "dob": "1980-07-15", "sex": "L"}]
    )
    decisions, compared = match.link(stranger, KPU, SETTINGS)
    assert decisions.empty
    assert compared.empty


def test_tie_lists_both_candidates():
    siti = people([{"row": 12, "name": "SITI AMINAH", "nik": "", "dob": "1992-08-17", "sex": "P"}])
    decisions, _ = match.link(siti, KPU, SETTINGS)
    assert "row 4" in decisions.loc[0, "candidates"] and "row 5" in decisions.loc[0, "candidates"]


def test_assignment_is_one_to_one():
    """Two roster rows that both look like KPU row 2: the stronger takes it, the other does not get it too."""
    roster = people(
        [
            {"row": 30, "name": "JOKO SUSILO", "nik": "3316011203900001", "dob": "1990-03-12", "sex": "L"},
            {"row": 31, "name": "JOKO SUSILO", "nik": "", "dob": "1990-03-12", "sex": "L"},
        ]
    )
    decisions, _ = match.link(roster, KPU, SETTINGS)
    matched = decisions[decisions["decision"] == "match"]
    assert matched["right_row"].tolist() == [2]
    assert matched["left_row"].tolist() == [30]


def test_blocking_does_not_compare_all_against_all():
    many = people(
        [
            {"row": 100 + i, "name": f"ORANG {i}", "nik": f"33160101019{i:05d}", "dob": "1991-01-01", "sex": "L"}
            for i in range(200)
        ]
    )
    pairs = match.candidate_pairs(people([CASES[0][0]]), many)
    assert len(pairs) < 20


@pytest.mark.parametrize(
    ("left", "right", "level"),
    [
        ("1990-03-12", "1990-03-12", "exact"),
        ("1990-03-12", "1990-12-03", "partial"),
        ("1990-03-12", "1990-03-13", "partial"),
        ("1990-03-12", "1991-03-12", "partial"),
        ("1990-03-12", "1985-07-30", "different"),
        (None, "1990-03-12", "missing"),
    ],
)
def test_birth_date_levels(left, right, level):
    assert match.dob_level(pd.Timestamp(left) if left else pd.NaT, pd.Timestamp(right)) == level
