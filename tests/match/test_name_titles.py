"""Degrees written before the name, MOKH./MUKH. for Muhammad, and NUR written apart or joined with KH or CH."""

from __future__ import annotations

import pandas as pd
import pytest

from dpt_rutan import match, names
from tests.match.test_match import people


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("S.PD. HARTONO", "HARTONO"),
        ("S.Pd. Hartono", "HARTONO"),
        ("S. PD. HARTONO", "HARTONO"),
        ("S.H. BUDI SANTOSO", "BUDI SANTOSO"),
        ("DRS. HARTONO", "HARTONO"),
        ("IR. HARTONO", "HARTONO"),
        ("DR. HARTONO", "HARTONO"),
        ("H. HARTONO", "HARTONO"),
        ("HJ. SITI AMINAH", "SITI AMINAH"),
        ("MOKH. YUSUF", "MUHAMMAD YUSUF"),
        ("MUKH YUSUF", "MUHAMMAD YUSUF"),
        ("MOCHAMMAD YUSUF", "MUHAMMAD YUSUF"),
        ("SE HARTONO", "SE HARTONO"),  # without dots a leading degree cannot be told from a name
    ],
)
def test_titles_and_muhammad_forms_come_off_in_normalise_names(raw, expected):
    assert names.normalise_names(pd.Series([raw]))["name_norm"].iloc[0] == expected


@pytest.mark.parametrize(("left", "right"), [("NUR KHOLIS", "NURCHOLIS"), ("NUR CHOLIS", "NURKHOLIS")])
def test_nur_apart_or_joined_with_kh_or_ch_is_the_same_name(left, right):
    parsed = names.normalise_names(pd.Series([left, right]))
    assert names.name_similarity(*parsed["name_norm"]) == 1.0
    assert parsed["name_key"].nunique() == 1


def test_a_degree_before_the_name_and_a_joined_nur_still_match_without_a_nik():
    kpu = people(
        [
            {"row": 2, "name": "HARTONO", "nik": "3316011203900001", "dob": "1990-03-12", "sex": "L"},
            {"row": 3, "name": "NURCHOLIS", "nik": "3316012505850002", "dob": "1985-05-25", "sex": "L"},
            {"row": 4, "name": "MUHAMMAD YUSUF", "nik": "3316010101700007", "dob": "1970-01-01", "sex": "L"},
        ]
    )
    roster = people(
        [
            {"row": 10, "name": "S.PD. HARTONO", "nik": "-", "dob": "1990-03-12", "sex": "L"},
            {"row": 11, "name": "NUR KHOLIS bin SAMIDI", "nik": "-", "dob": "1985-05-25", "sex": "L"},
            {"row": 12, "name": "MOKH. YUSUF", "nik": "-", "dob": "1970-01-01", "sex": "L"},
        ]
    )
    decided, _ = match.link(roster, kpu, match.MatchSettings())
    decided = decided.set_index("left_row")
    assert decided.loc[[10, 11, 12], "decision"].tolist() == ["match"] * 3
    assert decided.loc[[10, 11, 12], "right_row"].tolist() == [2, 3, 4]
    assert set(decided.loc[[10, 11, 12], "agreed"].str.extract(r"name:(\w+)")[0]) == {"exact"}
