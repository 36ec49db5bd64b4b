"""The TPS planner: the Blora shortfall, capacity edges, even spreading, entitlements, reserve, forecast."""

from __future__ import annotations

import math
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpt_rutan.commands.plan.dapil import load_dapil
from dpt_rutan.commands.plan.forecast import ForecastSettings
from dpt_rutan.commands.plan.run import plan_tables, plan_tps, tps_layout
from dpt_rutan.election import load_profile
from dpt_rutan.errors import ConfigError
from dpt_rutan.site import Site, load_site

EXAMPLES = Path(__file__).parents[3] / "examples"
PROFILES = Path(__file__).parents[3] / "src" / "dpt_rutan" / "profiles"
PEMILU, PILKADA = load_profile("pemilu2024"), load_profile("pilkada2024")
BLORA = load_site(EXAMPLES / "site_rutan_blora.toml")
BLORA_DAPIL = load_dapil(EXAMPLES / "dapil_blora.csv", BLORA.district_code)
AS_OF = date(2024, 1, 10)  # four weeks before the Pemilu 2024 move-in deadline (7 Feb)

KEC_BLORA = ("33", "33.16", "33.16.09")  # the prison's own kecamatan, DPRD Blora dapil 1
JEPON = ("33", "33.16", "33.16.08")  # Blora dapil 1
CEPU = ("33", "33.16", "33.16.05")  # Blora dapil 2
BLORA_NO_KEC = ("33", "33.16", "")
GROBOGAN = ("33", "33.15", "33.15.01")  # DPR Jawa Tengah III, like Blora
REMBANG = ("33", "33.17", "33.17.01")
SEMARANG = ("33", "33.74", "33.74.01")  # DPR Jawa Tengah I: not in the example table
BOJONEGORO = ("35", "35.22", "35.22.15")  # East Java
NO_HOME = ("", "", "")


def voters_from(homes: list[tuple[str, str, str]], status: list[str] | None = None) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "source_row": range(5, 5 + len(homes)),
            "name": [f"WBP {i:04d}" for i in range(len(homes))],
            "nik": [f"33160901019{i:05d}" for i in range(len(homes))],
            "sex": "L",
            "birth_date": pd.Timestamp("1990-01-01"),
            "home_province": [home[0] for home in homes],
            "home_regency": [home[1] for home in homes],
            "home_district": [home[2] for home in homes],
        }
    )
    if status is not None:
        frame["status"] = status
    return frame


def history(admissions: list[tuple[date, int | None]]) -> pd.DataFrame:
    """Roster history from (admission date, days in custody or None while still inside)."""
    date_in = pd.to_datetime([day for day, _ in admissions])
    release = [pd.NaT if stay is None else pd.Timestamp(day) + pd.Timedelta(days=stay) for day, stay in admissions]
    return pd.DataFrame({"date_in": date_in, "release_date": pd.to_datetime(release)})


NO_HISTORY = history([])


def plan_without_inflow(voters, site=BLORA, profile=PEMILU, dapil=None):
    return plan_tps(voters, NO_HISTORY, site, profile, dapil, inflow_per_week=0, as_of=AS_OF)


def ballots_of(plan, tps=None) -> dict[str, tuple[int, int]]:
    return {row.ballot: (row.needed_min, row.needed_max) for row in plan.ballots if tps in (None, row.tps)}


# The Blora case (issue: dpt-rutan tps-plan).

BLORA_WEEKLY = [6, 7, 8, 7, 6, 8, 7, 8, 6, 7, 8, 7]  # admissions per week, newest week first: 85 in 12 weeks


def blora_history() -> pd.DataFrame:
    """85 admissions in 12 weeks: the newest 51 are the inmates listed now (still inside), the oldest 34 were
    released after 40 days, long before the roster's date; 40 days would carry any late arrival to voting day."""
    days = [AS_OF - timedelta(days=7 * week) for week, count in enumerate(BLORA_WEEKLY) for _ in range(count)]
    return history([(day, None if index < 51 else 40) for index, day in enumerate(days)])


def blora_voters() -> pd.DataFrame:
    """51 listed voters: 6 from kecamatan Blora (5 ballots), 41 from Cepu (4: not Blora dapil 1), 4 from
    Bojonegoro in East Java (the president's ballot only)."""
    return voters_from([KEC_BLORA] * 6 + [CEPU] * 41 + [BOJONEGORO] * 4)


def test_blora_the_list_alone_runs_116_short_and_the_plan_covers_the_inflow():
    plan = plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, BLORA_DAPIL)

    forecast = plan.forecast
    assert forecast.as_of == AS_OF  # the latest admission
    assert forecast.weekly_admissions == tuple(reversed(BLORA_WEEKLY))
    assert forecast.admissions_per_week_expected == pytest.approx(85 / 12)
    assert forecast.admissions_per_week_high == 8  # 90th percentile of the weekly counts
    assert (forecast.window_days, forecast.stay_share, forecast.voter_share) == (28, 1.0, 1.0)
    assert forecast.expected == pytest.approx(85 / 12 * 4)
    assert (forecast.high, forecast.sized) == (32, 32)

    assert [(row.tps, row.voters_listed, row.inflow_share, row.voters_total) for row in plan.tps] == [(901, 51, 32, 83)]
    # 51 + 32 voters; 47 get DPR/DPD/DPRD Provinsi (all but Bojonegoro), 6 DPRD Kab/Kota: 32 arrivals at that mix.
    assert ballots_of(plan) == {
        "PPWP": (83, 83),
        "DPR": (47 + 30, 47 + 30),
        "DPD": (77, 77),
        "DPRD_PROV": (77, 77),
        "DPRD_KABKOTA": (6 + 4, 6 + 4),
    }
    shortfall = {row.ballot: row for row in plan.shortfall}
    # From the list alone: entitled listed voters + ceil(2% x 51) = 2 reserve per type.
    assert {code: row.list_only for code, row in shortfall.items()} == {
        "PPWP": 53,
        "DPR": 49,
        "DPD": 49,
        "DPRD_PROV": 49,
        "DPRD_KABKOTA": 8,
        "TOTAL": 208,
    }
    assert shortfall["TOTAL"].list_only_short == 30 + 28 * 3 + 2 == 116
    assert shortfall["TOTAL"].plan_short == 0
    assert all(row.planned >= row.needed_at_high for row in plan.shortfall)
    assert shortfall["PPWP"].planned == 83 + 2  # ceil(2% x 83) reserve
    assert (
        plan_tables(plan)["summary"]
        .set_index("item")
        .loc["Kurang jika hanya dari daftar / short from the list alone", "value"]
        == 116
    )


def test_blora_sized_for_the_expected_inflow_says_it_would_run_short():
    plan = plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, BLORA_DAPIL, size_for="expected")
    assert plan.forecast.sized == math.ceil(85 / 12 * 4) == 29
    assert plan.voters_total == 80
    total = plan.shortfall[-1]
    assert total.ballot == "TOTAL"
    assert total.plan_short > 0


def test_blora_without_a_dapil_table_gives_ranges_and_says_why():
    plan = plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, None)
    assert ballots_of(plan)["DPRD_KABKOTA"] == (6 + 4, 47 + 30)  # Cepu's kab/kota dapil unknown
    assert ballots_of(plan)["DPR"] == (77, 77)  # same kab/kota: the prison's DPR dapil
    details = [flag.detail for flag in plan.flags if flag.code == "PLAN_DAPIL_UNKNOWN"]
    assert details == ["DPRD_KABKOTA: 41 voters; DPRD Kab/Kota dapil unknown: no dapil table"]


# TPS count and spreading.


@pytest.mark.parametrize(
    ("profile", "voters", "parts"),
    [
        (PEMILU, 1, [1]),
        (PEMILU, 300, [300]),
        (PEMILU, 301, [151, 150]),
        (PEMILU, 600, [300, 300]),
        (PEMILU, 601, [201, 200, 200]),
        (PILKADA, 600, [600]),
        (PILKADA, 601, [301, 300]),
    ],
)
def test_capacity_edges(profile, voters, parts):
    plan = plan_without_inflow(voters_from([KEC_BLORA] * voters), profile=profile)
    assert [row.voters_total for row in plan.tps] == parts
    assert [row.tps for row in plan.tps] == list(range(901, 901 + len(parts)))
    assignments = plan.assignments
    assert assignments["tps"].value_counts().sort_index().tolist() == parts


@given(listed=st.integers(0, 2000), inflow=st.integers(0, 700), capacity=st.sampled_from([1, 7, 300, 600]))
def test_voters_spread_evenly(listed, inflow, capacity):
    profile = PEMILU.model_copy(update={"max_voters_per_tps": capacity})
    layout = tps_layout(listed, inflow, BLORA, profile)
    totals = [row.voters_total for row in layout]
    assert len(layout) == math.ceil((listed + inflow) / capacity)
    assert sum(row.voters_listed for row in layout) == listed
    assert sum(row.inflow_share for row in layout) == inflow
    assert all(total <= capacity for total in totals)
    assert not totals or max(totals) - min(totals) <= 1


def test_assignment_is_deterministic_and_by_name():
    voters = voters_from([KEC_BLORA] * 301)
    plan = plan_without_inflow(voters)
    shuffled = plan_without_inflow(voters.sample(frac=1, random_state=7))
    by_row = plan.assignments.set_index("source_row")["tps"]
    assert by_row.equals(shuffled.assignments.set_index("source_row")["tps"].loc[by_row.index])
    first = plan.assignments[plan.assignments["tps"] == 901]["name"]
    assert first.tolist() == sorted(voters["name"])[:151]


def test_more_tps_continue_from_the_sites_numbers():
    site = BLORA.with_overrides(tps_numbers=[901, 905])
    plan = plan_without_inflow(voters_from([KEC_BLORA] * 700), site=site)
    assert [row.tps for row in plan.tps] == [901, 905, 906]


def test_no_voters_no_tps():
    plan = plan_without_inflow(voters_from([]))
    assert plan.tps == [] and plan.ballots == []
    assert {(row.needed_at_high, row.planned, row.list_only_short) for row in plan.shortfall} == {(0, 0, 0)}
    assert "PLAN_NO_VOTERS" in [flag.code for flag in plan.flags]
    tables = plan_tables(plan)
    assert tables["tps"].empty and list(tables["tps"].columns)[:2] == ["tps", "voters_listed"]


# Entitlement, Pemilu 2024: (PPWP, DPR, DPD, DPRD_PROV, DPRD_KABKOTA); "?" = depends on an unknown dapil or home.

PEMILU_CODES = ["PPWP", "DPR", "DPD", "DPRD_PROV", "DPRD_KABKOTA"]
WORDS = {"y": "yes", "n": "no", "?": "unknown"}


def pemilu_dapil_table(tmp_path: Path) -> Path:
    """A table with provincial dapils, to check the exact rule: Blora and Rembang share one, Grobogan does not."""
    path = tmp_path / "dapil.csv"
    path.write_text(
        "wilayah,dapil_dpr,dapil_dprd_provinsi,dapil_dprd_kabkota\n"
        "33.15,Jawa Tengah III,Jateng 3,\n33.16,Jawa Tengah III,Jateng 4,\n33.17,Jawa Tengah III,Jateng 4,\n"
        "33.16.09,,,Blora 1\n33.16.08,,,Blora 1\n33.16.05,,,Blora 2\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize(
    ("home", "with_table", "expected", "ballots"),
    [
        (BOJONEGORO, False, "ynnnn", (1, 1)),  # another province: the president only
        (BOJONEGORO, True, "ynnnn", (1, 1)),
        (SEMARANG, False, "y?y?n", (2, 4)),  # another kab/kota: 2 to 4
        (SEMARANG, True, "y?y?n", (2, 4)),  # not in the table: still unknown
        (GROBOGAN, True, "yyynn", (3, 3)),  # same DPR dapil, another provincial dapil
        (REMBANG, True, "yyyyn", (4, 4)),  # same DPR and provincial dapil
        (GROBOGAN, False, "y?y?n", (2, 4)),
        (CEPU, False, "yyyy?", (4, 5)),  # same kab/kota: 4 or 5
        (CEPU, True, "yyyyn", (4, 4)),
        (JEPON, True, "yyyyy", (5, 5)),
        (JEPON, False, "yyyy?", (4, 5)),
        (KEC_BLORA, False, "yyyyy", (5, 5)),  # the prison's own kecamatan
        (BLORA_NO_KEC, True, "yyyy?", (4, 5)),
        (NO_HOME, True, "y????", (1, 5)),
    ],
)
def test_pemilu_entitlement(tmp_path, home, with_table, expected, ballots):
    dapil = load_dapil(pemilu_dapil_table(tmp_path), BLORA.district_code) if with_table else None
    row = plan_without_inflow(voters_from([home]), dapil=dapil).assignments.iloc[0]
    assert [row[code] for code in PEMILU_CODES] == [WORDS[mark] for mark in expected]
    assert (row["ballots_min"], row["ballots_max"]) == ballots
    assert row["tps"] == 901


def test_the_example_tables_blank_provincial_dapil_is_unknown_not_a_guess():
    row = plan_without_inflow(voters_from([GROBOGAN]), dapil=BLORA_DAPIL).assignments.iloc[0]
    assert [row[code] for code in PEMILU_CODES] == ["yes", "yes", "yes", "unknown", "no"]


def test_dki_prison_has_no_dprd_kabkota_ballot():
    site = Site(name="Rutan Salemba", district_code="31.71.02")
    plan = plan_without_inflow(voters_from([("31", "31.71", "31.71.02")]), site=site)
    assert sorted(ballots_of(plan)) == ["DPD", "DPR", "DPRD_PROV", "PPWP"]
    assert "DPRD_KABKOTA" not in plan.assignments.columns
    assert [flag.code for flag in plan.flags if flag.code == "PLAN_BALLOT_NOT_HELD"] == ["PLAN_BALLOT_NOT_HELD"]


# Entitlement, Pilkada 2024.


@pytest.mark.parametrize(
    ("home", "expected", "tps"),
    [
        (CEPU, ["yes", "yes"], 901),  # same kab/kota: governor and regent
        (SEMARANG, ["yes", "no"], 901),  # same province: governor only
        (BOJONEGORO, ["no", "no"], None),  # another province: cannot vote here
        (NO_HOME, ["unknown", "unknown"], 901),
    ],
)
def test_pilkada_entitlement(home, expected, tps):
    plan = plan_without_inflow(voters_from([home, KEC_BLORA]), profile=PILKADA)
    row = plan.assignments.set_index("source_row").loc[5]
    assert [row["GUBERNUR"], row["BUPATI_WALIKOTA"]] == expected
    assert (None if pd.isna(row["tps"]) else row["tps"]) == tps


def test_pilkada_voters_from_another_province_are_not_counted_here():
    plan = plan_without_inflow(voters_from([BOJONEGORO] * 3 + [KEC_BLORA] * 2), profile=PILKADA)
    assert (plan.voters_listed, plan.voters_not_here, plan.voters_total) == (2, 3, 2)
    flag = next(flag for flag in plan.flags if flag.code == "PLAN_NO_BALLOT_HERE")
    assert flag.detail.startswith("3 voters")
    assert plan.assignments["tps"].isna().sum() == 3


def test_diy_prison_has_no_governor_ballot():
    site = Site(name="Lapas Yogyakarta", district_code="34.71.01", profile="pilkada2024")
    plan = plan_without_inflow(voters_from([("34", "34.71", "34.71.01")]), site=site, profile=PILKADA)
    assert list(ballots_of(plan)) == ["BUPATI_WALIKOTA"]
    assert [w.participant for w in plan.witnesses] == ["PASLON_BUPATI_WALIKOTA"]


# Reserve.


@pytest.mark.parametrize(
    ("profile", "voters", "rounding", "reserve"),
    [
        (PEMILU, 51, "ceil", 2),  # 1.02
        (PEMILU, 51, "floor", 1),
        (PEMILU, 51, "round", 1),
        (PEMILU, 300, "ceil", 6),  # exactly 6, not 7
        (PILKADA, 20, "ceil", 1),  # 0.5
        (PILKADA, 20, "floor", 0),
        (PILKADA, 20, "round", 1),
        (PILKADA, 600, "floor", 15),
    ],
)
def test_reserve_rounding(profile, voters, rounding, reserve):
    profile = profile.model_copy(update={"reserve_rounding": rounding})
    plan = plan_without_inflow(voters_from([KEC_BLORA] * voters), profile=profile)
    assert {row.reserve for row in plan.ballots} == {reserve}
    assert all(row.planned == row.needed_max + reserve for row in plan.ballots)


# Forecast.


def test_forecast_stay_and_voter_shares():
    """Four inmates stayed 10 days (released), four are still inside; two of those are voters here.

    Arrivals from 1 to 7 Feb need 13 down to 7 days to reach voting day (14 Feb): for 1-3 Feb only the still-inside
    half qualifies, for 4-7 Feb everyone: stay share (3 x 0.5 + 4 x 1) / 7.
    """
    as_of = date(2024, 1, 31)
    roster = history([(as_of - timedelta(days=20), 10)] * 4 + [(as_of, None)] * 4)
    plan = plan_tps(voters_from([KEC_BLORA] * 2), roster, BLORA, PEMILU)
    forecast = plan.forecast
    assert forecast.weekly_admissions == (4, 0, 4)
    assert forecast.weeks_of_history == 3
    assert forecast.admissions_per_week_expected == pytest.approx(8 / 3)
    assert forecast.admissions_per_week_high == pytest.approx(4)
    assert forecast.stay_share == pytest.approx(5.5 / 7)
    assert forecast.voter_share == pytest.approx(2 / 4)
    assert forecast.high == pytest.approx(4 * 1 * 5.5 / 7 * 0.5)
    assert forecast.sized == 2
    assert "PLAN_SHORT_HISTORY" in [flag.code for flag in plan.flags]


def test_forecast_history_window_is_a_setting():
    settings = ForecastSettings(history_weeks=4, high_quantile=0.1)
    plan = plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, BLORA_DAPIL, settings=settings)
    assert plan.forecast.weekly_admissions == (7, 8, 7, 6)  # the last four weeks, oldest first
    assert plan.forecast.admissions_per_week_expected == pytest.approx(7)
    assert plan.forecast.admissions_per_week_high == pytest.approx(7)  # p10 is 6.3: the high never goes below the mean


def test_inflow_per_week_overrides_the_history():
    plan = plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, BLORA_DAPIL, inflow_per_week=10)
    forecast = plan.forecast
    assert forecast.method == "inflow_per_week"
    assert forecast.expected == forecast.high == pytest.approx(40)
    assert "--inflow-per-week 10" in forecast.basis


@pytest.mark.parametrize("as_of", [date(2024, 2, 7), date(2024, 2, 10)])
def test_no_inflow_after_the_move_in_deadline(as_of):
    plan = plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, BLORA_DAPIL, as_of=as_of)
    assert (plan.forecast.window_days, plan.forecast.sized) == (0, 0)
    assert "PLAN_MOVE_IN_CLOSED" in [flag.code for flag in plan.flags]


def test_a_roster_without_admission_dates():
    roster = pd.DataFrame({"date_in": pd.to_datetime([pd.NaT] * 3), "release_date": pd.to_datetime([pd.NaT] * 3)})
    plan = plan_tps(voters_from([KEC_BLORA] * 3), roster, BLORA, PEMILU)
    assert (plan.forecast.method, plan.forecast.sized, plan.voters_total) == ("none", 0, 3)
    assert "PLAN_NO_ADMISSION_DATES" in [flag.code for flag in plan.flags]
    with pytest.raises(ConfigError, match="--as-of"):
        plan_tps(voters_from([KEC_BLORA]), roster, BLORA, PEMILU, inflow_per_week=5)


def test_no_listed_voters_but_arrivals_are_counted_as_possibly_entitled():
    plan = plan_tps(voters_from([]), NO_HISTORY, BLORA, PEMILU, inflow_per_week=7, as_of=AS_OF)
    assert plan.voters_total == 28
    assert ballots_of(plan) == {"PPWP": (28, 28), **dict.fromkeys(PEMILU_CODES[1:], (0, 28))}


# Profiles from files, staff, witnesses, DPK, tables.


def test_a_profile_loaded_from_toml_drives_the_plan(tmp_path):
    text = (PROFILES / "pemilu2024.toml").read_text(encoding="utf-8")
    text = text.replace("max_voters_per_tps = 300", "max_voters_per_tps = 50").replace(
        "kpps_per_tps = 7", "kpps_per_tps = 5"
    )
    text = text.replace("count_by_region = {}", 'count_by_region = { "33" = 20 }')
    path = tmp_path / "pemilu_small.toml"
    path.write_text(text, encoding="utf-8")
    plan = plan_without_inflow(voters_from([KEC_BLORA] * 120), profile=load_profile(path))
    assert [row.voters_total for row in plan.tps] == [40, 40, 40]
    assert {row.role: row.total for row in plan.staff} == {"KPPS": 15, "Linmas": 6, "Pengawas TPS": 3}
    dpd = next(row for row in plan.witnesses if row.participant == "CALON_DPD")
    assert (dpd.participants, dpd.per_tps, dpd.total) == (20, 40, 120)
    assert "PLAN_WITNESS_COUNT_UNKNOWN" not in [flag.code for flag in plan.flags]


def test_staff_and_witnesses_for_two_tps():
    plan = plan_without_inflow(voters_from([KEC_BLORA] * 301))
    assert [(row.role, row.per_tps, row.total) for row in plan.staff] == [
        ("KPPS", 7, 14),
        ("Linmas", 2, 4),
        ("Pengawas TPS", 1, 2),
    ]
    witnesses = {row.participant: (row.per_tps, row.total) for row in plan.witnesses}
    assert witnesses == {"PASLON_PRESIDEN": (6, 12), "PARTAI_NASIONAL": (36, 72), "CALON_DPD": (None, None)}
    assert "PLAN_WITNESS_COUNT_UNKNOWN" in [flag.code for flag in plan.flags]


def test_aceh_prisons_get_local_party_witnesses():
    site = Site(name="Lapas Banda Aceh", district_code="11.71.01")
    plan = plan_without_inflow(voters_from([("11", "11.71", "11.71.01")]), site=site)
    assert {row.participant: row.per_tps for row in plan.witnesses}["PARTAI_LOKAL_ACEH"] == 12


@pytest.mark.parametrize(("counted", "here"), [(False, 2), (True, 3)])
def test_dpk_at_the_prison_tps_is_a_setting(counted, here):
    profile = PEMILU.model_copy(update={"dpk_counted_at_prison_tps": counted})
    plan = plan_without_inflow(voters_from([KEC_BLORA] * 3, status=["DPT", "dpk", "DPTb"]), profile=profile)
    assert plan.voters_listed == here
    assert ("PLAN_DPK_ELSEWHERE" in [flag.code for flag in plan.flags]) is not counted


def test_plan_tables_carry_a_basis_for_every_number():
    tables = plan_tables(plan_tps(blora_voters(), blora_history(), BLORA, PEMILU, BLORA_DAPIL))
    assert list(tables) == ["summary", "tps", "ballots", "shortfall", "assignments", "staff", "witnesses", "flags"]
    for name in ("summary", "tps", "ballots", "shortfall", "staff", "witnesses"):
        assert (tables[name]["basis"].str.len() > 0).all(), name
    assert len(tables["assignments"]) == 51
    assert tables["assignments"]["source_row"].is_unique
    summary = tables["summary"].set_index("item")["value"]
    assert summary["Jumlah TPS / TPS"] == 1
    assert summary["Surat suara PPWP / PPWP ballots"] == 85
