"""Election profiles: the packaged ones carry the law's dates, a TOML file makes the next one, bad files say where."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpt_rutan.election import ElectionProfile, available_profiles, in_region, load_profile, round_count
from dpt_rutan.errors import ConfigError

PACKAGED = Path(__file__).parents[1] / "src" / "dpt_rutan" / "profiles"


def test_both_profiles_ship():
    assert available_profiles() == ["pemilu2024", "pilkada2024"]


def test_pemilu2024_carries_the_facts():
    profile = load_profile("pemilu2024")
    assert (profile.voting_day, profile.last_move_in_day) == (date(2024, 2, 14), date(2024, 2, 7))
    assert [ballot.code for ballot in profile.ballots] == ["PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KABKOTA"]
    assert {ballot.reserve_rate for ballot in profile.ballots} == {Decimal("0.02")}
    assert (profile.max_voters_per_tps, profile.min_voters_per_tps_loksus) == (300, 100)
    assert (profile.kpps_per_tps, profile.linmas_per_tps, profile.pengawas_per_tps) == (7, 2, 1)
    assert profile.reserve_rounding == "ceil"
    assert profile.dpk_counted_at_prison_tps is False
    counts = {participant.code: participant.count for participant in profile.witnesses.participants}
    assert counts == {"PASLON_PRESIDEN": 3, "PARTAI_NASIONAL": 18, "PARTAI_LOKAL_ACEH": 6, "CALON_DPD": None}
    assert profile.witnesses.per_participant_per_tps == 2


def test_pilkada2024_carries_the_facts():
    profile = load_profile("pilkada2024")
    assert (profile.voting_day, profile.last_move_in_day) == (date(2024, 11, 27), date(2024, 11, 20))
    assert [(ballot.code, ballot.scope) for ballot in profile.ballots] == [
        ("GUBERNUR", "province"),
        ("BUPATI_WALIKOTA", "regency"),
    ]
    assert {ballot.reserve_rate for ballot in profile.ballots} == {Decimal("0.025")}
    assert profile.max_voters_per_tps == 600


@pytest.mark.parametrize(
    ("profile_name", "district", "missing"),
    [
        ("pemilu2024", "31.71.01", {"DPRD_KABKOTA"}),  # DKI Jakarta has no DPRD Kab/Kota
        ("pemilu2024", "33.16.09", set()),
        ("pilkada2024", "34.71.01", {"GUBERNUR"}),  # DIY has no governor election
        ("pilkada2024", "31.71.01", {"BUPATI_WALIKOTA"}),  # DKI's cities elect no mayor
        ("pilkada2024", "31.01.01", {"BUPATI_WALIKOTA"}),  # nor its administrative regency
        ("pilkada2024", "33.16.09", set()),
    ],
)
def test_regional_exceptions(profile_name, district, missing):
    profile = load_profile(profile_name)
    held = {ballot.code for ballot in profile.ballots_held_in(district)}
    assert {ballot.code for ballot in profile.ballots} - held == missing


def test_voting_age_cutoff_is_the_last_birth_date_of_age():
    assert load_profile("pemilu2024").voting_age_cutoff() == date(2007, 2, 14)
    assert load_profile("pilkada2024").voting_age_cutoff() == date(2007, 11, 27)


def test_voting_age_cutoff_on_a_leap_day():
    profile = load_profile("pemilu2024").model_copy(update={"voting_day": date(2032, 2, 29)})
    assert profile.voting_age_cutoff() == date(2015, 2, 28)


def next_election_toml(tmp_path: Path, replace: dict[str, str] | None = None) -> Path:
    """A profile for an imagined next election: the packaged Pemilu file with some lines changed."""
    text = (PACKAGED / "pemilu2024.toml").read_text(encoding="utf-8")
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "pemilu2029.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_from_a_toml_file(tmp_path):
    path = next_election_toml(
        tmp_path,
        {
            'name = "pemilu2024"': 'name = "pemilu2029"',
            "voting_day = 2024-02-14": "voting_day = 2029-02-14",
            "last_move_in_day = 2024-02-07": "last_move_in_day = 2029-02-07",
            "max_voters_per_tps = 300": "max_voters_per_tps = 400",
            'reserve_rounding = "ceil"': 'reserve_rounding = "floor"',
            "count_by_region = {}": 'count_by_region = { "33" = 20, "11" = 12 }',
        },
    )
    profile = load_profile(path)
    assert (profile.name, profile.voting_day, profile.max_voters_per_tps) == ("pemilu2029", date(2029, 2, 14), 400)
    assert profile.reserve_rounding == "floor"
    dpd = next(p for p in profile.witnesses.participants if p.code == "CALON_DPD")
    assert (dpd.count_in("33.16.09"), dpd.count_in("11.01.01"), dpd.count_in("35.22.01")) == (20, 12, None)
    assert load_profile(str(path)) == profile


@pytest.mark.parametrize(
    ("replace", "key"),
    [
        ({"reserve_rate = 0.02\n\n[[ballots]]\ncode = \"DPR\"": 'reserve_rate = "lots"\n\n[[ballots]]\ncode = "DPR"'},
         "ballots[0].reserve_rate"),
        ({"max_voters_per_tps = 300": "max_voters_per_tps = 0"}, "max_voters_per_tps"),
        ({'reserve_rounding = "ceil"': 'reserve_rounding = "up"'}, "reserve_rounding"),
        ({"kpps_per_tps = 7": "kpps_per_tps = 7\nkpps_per_tsp = 7"}, "kpps_per_tsp"),
        ({'dapil = "dpr"': 'dapil = "dprd_kabkota"'}, "ballots[1]"),
        ({"last_move_in_day = 2024-02-07": "last_move_in_day = 2024-02-21"}, "last_move_in_day"),
        ({'not_held_in = ["31"]': 'not_held_in = ["DKI"]'}, "ballots[4].not_held_in[0]"),
    ],
)  # fmt: skip
def test_a_bad_profile_is_one_line_naming_file_and_key(tmp_path, replace, key):
    path = next_election_toml(tmp_path, replace)
    with pytest.raises(ConfigError) as raised:
        load_profile(path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    assert key in message


def test_a_toml_syntax_error_names_the_file(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('name = "x"\nvoting_day = \n', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(str(path)) + ": not valid TOML"):
        load_profile(path)


def test_an_unknown_profile_lists_the_choices():
    with pytest.raises(ConfigError, match="pemilu2024, pilkada2024"):
        load_profile("pemilu2099")


def test_packaged_profiles_validate_directly():
    for name in available_profiles():
        with (PACKAGED / f"{name}.toml").open("rb") as handle:
            assert ElectionProfile.model_validate(tomllib.load(handle)) == load_profile(name)


@pytest.mark.parametrize(
    ("rate", "voters", "ceil", "floor", "half_up"),
    [
        ("0.02", 300, 6, 6, 6),  # exact: never 7 from float noise
        ("0.02", 51, 2, 1, 1),
        ("0.02", 75, 2, 1, 2),  # 1.5
        ("0.025", 600, 15, 15, 15),
        ("0.025", 20, 1, 0, 1),  # 0.5
        ("0.025", 0, 0, 0, 0),
    ],
)
def test_reserve_rounding(rate, voters, ceil, floor, half_up):
    exact = Decimal(rate) * voters
    assert [round_count(exact, mode) for mode in ("ceil", "floor", "round")] == [ceil, floor, half_up]


@given(voters=st.integers(0, 100_000), permille=st.integers(0, 1000))
def test_rounding_brackets_the_exact_reserve(voters, permille):
    exact = Decimal(permille) / 1000 * voters
    assert round_count(exact, "floor") <= exact <= round_count(exact, "ceil")
    assert round_count(exact, "ceil") - round_count(exact, "floor") <= 1
    assert abs(round_count(exact, "round") - exact) <= Decimal("0.5")


@pytest.mark.parametrize(
    ("code", "region", "inside"),
    [
        ("33.16.09", "33", True),
        ("33.16.09", "33.16", True),
        ("33.16.09", "33.16.09", True),
        ("33.16.09", "33.1", False),
        ("33.16.09", "3", False),
        ("33.16", "33.16.09", False),
        ("31.71.01", "33", False),
    ],
)
def test_in_region_respects_code_boundaries(code, region, inside):
    assert in_region(code, region) is inside


def test_aceh_local_parties_only_in_aceh():
    profile = load_profile("pemilu2024")
    local = next(p for p in profile.witnesses.participants if p.code == "PARTAI_LOKAL_ACEH")
    assert local.applies_in("11.71.01")
    assert not local.applies_in("33.16.09")
