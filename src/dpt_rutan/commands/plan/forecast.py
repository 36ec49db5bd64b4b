"""Forecast of the late inflow: voters who arrive after the roster's date and can still be moved in (up to H-7).

At Rutan Blora in February 2024 the TPS ran 116 ballots short because inmates kept arriving after the list was
drawn up. This module estimates how many voters will still arrive, from the roster's own history:

    inflow voters = admissions per week x weeks left until H-7 x stay share x voter share

* **admissions per week**: counted over the last ``history_weeks`` full weeks before the roster's date; the
  expected value is their mean, the high value their ``high_quantile`` (90th percentile), never below the mean.
  ``inflow_per_week`` replaces both.
* **stay share**: of past admissions, the share whose stay (release date less admission date) would keep them in
  custody until voting day if they arrived in the window, averaged over the window's days; no release date counts
  as staying. A roster of present inmates over-represents long stays, which errs towards more ballots, not fewer.
* **voter share**: of the inmates who will be in custody on voting day, the share who are voters at this TPS, so
  that foreigners, minors and inmates without a NIK are not counted as voters.
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConfigError, FindingCode, Severity, define_code

SizeFor = Literal["high", "expected"]
ForecastMethod = Literal["history", "inflow_per_week", "none"]

NO_ADMISSION_DATES = define_code(
    "PLAN_NO_ADMISSION_DATES",
    "warning",
    "Daftar WBP tidak memuat tanggal masuk: arus masuk setelah tanggal daftar tidak dapat diperkirakan. "
    "Berikan --inflow-per-week.",
    "The roster has no admission dates: arrivals after the roster's date cannot be forecast. Give --inflow-per-week.",
)
MOVE_IN_CLOSED = define_code(
    "PLAN_MOVE_IN_CLOSED",
    "info",
    "Tanggal daftar sudah melewati batas pindah memilih (H-7): tidak ada arus masuk pemilih lagi.",
    "The roster's date is past the last move-in day (H-7): no more voters can be moved in.",
)
SHORT_HISTORY = define_code(
    "PLAN_SHORT_HISTORY",
    "warning",
    "Riwayat tanggal masuk lebih pendek dari yang diminta: perkiraan arus masuk kurang andal.",
    "The admission history is shorter than asked for: the inflow forecast is less reliable.",
)

ROSTER_DATE_OLD = define_code(
    "PLAN_ROSTER_DATE_OLD",
    "warning",
    "Tanggal daftar WBP jauh sebelum batas pindah memilih (H-7): perkiraan hanya menghitung kedatangan pada "
    "minggu-minggu terakhir sebelum H-7. Gunakan daftar WBP terkini.",
    "The roster's date is long before the last move-in day (H-7): the forecast counts arrivals in the last weeks "
    "before H-7 only. Use a current roster.",
)
INFLOW_IMPLAUSIBLE = define_code(
    "PLAN_INFLOW_IMPLAUSIBLE",
    "warning",
    "Perkiraan arus masuk melebihi kapasitas UPT atau kelipatan jumlah WBP saat ini: periksa tanggal masuk, --as-of "
    "dan --inflow-per-week sebelum mencetak surat suara sebanyak itu.",
    "The inflow forecast exceeds the prison's capacity or a multiple of its present inmates: check the admission "
    "dates, --as-of and --inflow-per-week before ordering that many ballots.",
)


class PlanFlag(BaseModel):
    """Something the reader of a plan must know: a finding code plus the numbers of this plan."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message_id: str
    message_en: str
    detail: str

    @classmethod
    def of(cls, code: FindingCode, detail: str) -> PlanFlag:
        return cls(
            code=code.code,
            severity=code.severity,
            message_id=code.message_id,
            message_en=code.message_en,
            detail=detail,
        )


class ForecastSettings(BaseModel):
    """How the forecast reads the history; copied into the plan so a report says what it assumed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    history_weeks: int = Field(default=12, gt=0)
    high_quantile: float = Field(default=0.9, gt=0, le=1)
    max_horizon_weeks: int = Field(default=26, gt=0)
    """Arrivals are counted over at most this many weeks before H-7. Move-in registration opens when the DPT is set,
    about 31 weeks before H-7 in 2024; a roster dated long before that is not the prison's present, and counting
    arrivals from it (a 1990 date gave 87,636 late voters) plans for inmates long gone."""
    max_inflow_per_week: float = Field(default=1000, gt=0)
    """The most admissions a week ``inflow_per_week`` may give: Indonesia's largest prisons hold a few thousand."""
    max_inflow_ratio: float = Field(default=1.0, gt=0)
    """A forecast of more late voters than this many times the inmates on the roster is flagged."""


class Forecast(BaseModel):
    """The late inflow of voters, expected and high, with every factor that produced it."""

    model_config = ConfigDict(frozen=True)

    method: ForecastMethod
    as_of: date | None
    last_move_in_day: date
    window_days: int
    weeks_of_history: int
    weekly_admissions: tuple[int, ...]
    admissions_per_week_expected: float
    admissions_per_week_high: float
    stay_share: float
    voter_share: float
    expected: float
    high: float
    size_for: SizeFor
    sized: int
    settings: ForecastSettings
    basis: str

    @property
    def high_voters(self) -> int:
        return ceil_count(self.high)


def ceil_count(value: float) -> int:
    """Round a forecast up to whole voters, ignoring float noise (4.000000001 is 4)."""
    return math.ceil(round(value, 6))


def latest_admission(history: pd.DataFrame) -> date | None:
    """The latest admission date of the history, the roster's date by default; None without dates."""
    latest = history["date_in"].max() if len(history) else pd.NaT
    return None if pd.isna(latest) else pd.Timestamp(latest).date()


def weekly_admissions(date_in: pd.Series, as_of: date, weeks: int) -> np.ndarray:
    """Admissions per 7-day week ending on ``as_of``, oldest week first; only weeks the history covers."""
    days_back = (pd.Timestamp(as_of) - date_in.dropna()).dt.days
    days_back = days_back[days_back >= 0]
    covered = min(weeks, int(days_back.max()) // 7 + 1) if len(days_back) else 0
    week_index = days_back // 7
    counts = np.bincount(week_index[week_index < covered].to_numpy(dtype=np.int64), minlength=covered)
    return counts[::-1]


def stay_share(history: pd.DataFrame, as_of: date, profile: ElectionProfile, window_days: int | None = None) -> float:
    """Share of admissions in the move-in window who would still be in custody on voting day (see module doc).

    The window is the ``window_days`` before H-7 (default: every day from ``as_of``'s next day to H-7)."""
    admitted = history.dropna(subset=["date_in"])
    stays = (admitted["release_date"] - admitted["date_in"]).dt.days
    stays = stays[stays.isna() | (stays >= 0)].to_numpy(dtype=float, na_value=np.inf)
    if not len(stays):
        return 1.0
    stays = np.sort(stays)
    window = (profile.last_move_in_day - as_of).days if window_days is None else window_days
    first_day = profile.last_move_in_day - timedelta(days=window - 1)
    needed = (profile.voting_day - first_day).days - np.arange(window)
    staying = len(stays) - np.searchsorted(stays, needed, side="left")
    return float(np.mean(staying / len(stays)))


def in_custody_on_voting_day(history: pd.DataFrame, as_of: date, voting_day: date) -> int:
    """Inmates admitted by ``as_of`` (or on an unknown date) and not released before voting day."""
    admitted = history["date_in"].isna() | (history["date_in"] <= pd.Timestamp(as_of))
    staying = history["release_date"].isna() | (history["release_date"] >= pd.Timestamp(voting_day))
    return int((admitted & staying).sum())


def voter_share(voters_here: int, history: pd.DataFrame, as_of: date, voting_day: date) -> tuple[float, int]:
    """Voters at this TPS over inmates in custody on voting day; 1 when the history cannot tell."""
    inmates = in_custody_on_voting_day(history, as_of, voting_day)
    if inmates == 0:
        return 1.0, inmates
    return min(1.0, voters_here / inmates), inmates


def forecast_inflow(
    history: pd.DataFrame,
    profile: ElectionProfile,
    *,
    voters_here: int,
    as_of: date | None = None,
    inflow_per_week: float | None = None,
    size_for: SizeFor = "high",
    settings: ForecastSettings | None = None,
    capacity: int | None = None,
) -> tuple[Forecast, list[PlanFlag]]:
    """Forecast the voters still to arrive between ``as_of`` (default: the latest admission) and H-7, over at most
    ``settings.max_horizon_weeks``; ``capacity`` is the prison's, for the plausibility check."""
    settings = settings or ForecastSettings()
    check_inflow_per_week(inflow_per_week, settings)
    as_of = as_of or latest_admission(history)
    if as_of is None:
        if inflow_per_week is not None:
            raise ConfigError("the roster has no admission dates: give the roster's date (--as-of) for the forecast")
        return no_forecast(profile, size_for, settings), [PlanFlag.of(NO_ADMISSION_DATES, "no date_in in the roster")]
    window_days, flags = move_in_window(as_of, profile, settings)
    weekly = weekly_admissions(history["date_in"], as_of, settings.history_weeks)
    flags += forecast_flags(as_of, window_days, len(weekly), inflow_per_week, profile, settings)
    method, per_week_expected, per_week_high = admissions_per_week(weekly, inflow_per_week, settings)
    stays = stay_share(history, as_of, profile, window_days) if window_days else 1.0
    share, inmates = voter_share(voters_here, history, as_of, profile.voting_day)
    factor = window_days / 7 * stays * share
    expected, high = per_week_expected * factor, per_week_high * factor
    sized = ceil_count(high if size_for == "high" else expected)
    forecast = Forecast(
        method=method,
        as_of=as_of,
        last_move_in_day=profile.last_move_in_day,
        window_days=window_days,
        weeks_of_history=len(weekly),
        weekly_admissions=tuple(int(count) for count in weekly),
        admissions_per_week_expected=per_week_expected,
        admissions_per_week_high=per_week_high,
        stay_share=stays,
        voter_share=share,
        expected=expected,
        high=high,
        size_for=size_for,
        sized=sized,
        settings=settings,
        basis="",
    )
    flags += implausible_inflow_flags(forecast, len(history), capacity, settings)
    return forecast.model_copy(update={"basis": forecast_basis(forecast, voters_here, inmates)}), flags


def move_in_window(as_of: date, profile: ElectionProfile, settings: ForecastSettings) -> tuple[int, list[PlanFlag]]:
    """The days from ``as_of`` to H-7 over which arrivals are counted, at most ``settings.max_horizon_weeks``; a
    capped window is flagged."""
    window_days = max(0, (profile.last_move_in_day - as_of).days)
    flags = []
    if window_days > settings.max_horizon_weeks * 7:
        window_days = settings.max_horizon_weeks * 7
        detail = (
            f"roster date {as_of} is {(profile.last_move_in_day - as_of).days // 7} weeks before the last move-in day "
            f"{profile.last_move_in_day}: arrivals counted over its last {settings.max_horizon_weeks} weeks only"
        )
        flags.append(PlanFlag.of(ROSTER_DATE_OLD, detail))
    return window_days, flags


def admissions_per_week(
    weekly: np.ndarray, inflow_per_week: float | None, settings: ForecastSettings
) -> tuple[ForecastMethod, float, float]:
    """How the admissions per week were found, and their expected and high values: ``inflow_per_week`` when given,
    else the mean and high quantile of the history's weeks, else none."""
    if inflow_per_week is not None:
        return "inflow_per_week", float(inflow_per_week), float(inflow_per_week)
    if len(weekly):
        per_week_expected = float(weekly.mean())
        return "history", per_week_expected, max(per_week_expected, float(np.quantile(weekly, settings.high_quantile)))
    return "none", 0.0, 0.0


def check_inflow_per_week(inflow_per_week: float | None, settings: ForecastSettings) -> None:
    """A weekly inflow that no prison has (or no number at all) is refused before anything is planned on it."""
    if inflow_per_week is None:
        return
    if not math.isfinite(inflow_per_week) or inflow_per_week < 0:
        raise ConfigError(f"--inflow-per-week {inflow_per_week:g}: give the admissions per week, a number 0 or more")
    if inflow_per_week > settings.max_inflow_per_week:
        raise ConfigError(
            f"--inflow-per-week {inflow_per_week:g}: more than {settings.max_inflow_per_week:g} admissions a week is "
            "not one prison's inflow; give the prison's own weekly admissions"
        )


def implausible_inflow_flags(
    forecast: Forecast, roster_inmates: int, capacity: int | None, settings: ForecastSettings
) -> list[PlanFlag]:
    """Flag a forecast larger than the prison can hold, or than a multiple of the inmates it holds now."""
    limits = [f"{settings.max_inflow_ratio:g} x the {roster_inmates} inmates on the roster"]
    over = forecast.sized > settings.max_inflow_ratio * roster_inmates
    if capacity is not None:
        limits.append(f"the prison's capacity of {capacity}")
        over = over or forecast.sized > capacity
    if not over:
        return []
    return [PlanFlag.of(INFLOW_IMPLAUSIBLE, f"{forecast.sized} late voters planned; limits: {', '.join(limits)}")]


def forecast_flags(
    as_of: date,
    window_days: int,
    weeks: int,
    inflow_per_week: float | None,
    profile: ElectionProfile,
    settings: ForecastSettings,
) -> list[PlanFlag]:
    """Flags about the forecast's basis: move-in closed already, or less admission history than asked for."""
    flags = []
    if window_days == 0:
        flags.append(PlanFlag.of(MOVE_IN_CLOSED, f"roster date {as_of}, last move-in day {profile.last_move_in_day}"))
    elif inflow_per_week is None and weeks < settings.history_weeks:
        flags.append(PlanFlag.of(SHORT_HISTORY, f"{weeks} of {settings.history_weeks} weeks of admissions"))
    return flags


def no_forecast(profile: ElectionProfile, size_for: SizeFor, settings: ForecastSettings) -> Forecast:
    """The forecast when the history has no dates and no weekly inflow was given: zero, and why."""
    return Forecast(
        method="none",
        as_of=None,
        last_move_in_day=profile.last_move_in_day,
        window_days=0,
        weeks_of_history=0,
        weekly_admissions=(),
        admissions_per_week_expected=0.0,
        admissions_per_week_high=0.0,
        stay_share=1.0,
        voter_share=1.0,
        expected=0.0,
        high=0.0,
        size_for=size_for,
        sized=0,
        settings=settings,
        basis="no forecast: the roster has no admission dates and no --inflow-per-week was given",
    )


def forecast_basis(forecast: Forecast, voters_here: int, inmates: int) -> str:
    """The forecast's arithmetic in one line, so anyone can redo it by hand."""
    if forecast.window_days == 0:
        return f"roster date {forecast.as_of} is on or after the last move-in day {forecast.last_move_in_day}: 0"
    weeks = forecast.window_days / 7
    capped = forecast.as_of is not None and forecast.window_days < (forecast.last_move_in_day - forecast.as_of).days
    arrivals = "arrivals in the last weeks (horizon capped)" if capped else f"arrivals after {forecast.as_of}"
    if forecast.method == "inflow_per_week":
        rate = f"--inflow-per-week {forecast.admissions_per_week_expected:g} admissions/week (expected = high)"
    else:
        quantile = round(forecast.settings.high_quantile * 100)
        rate = (
            f"admissions/week over the {forecast.weeks_of_history} weeks to {forecast.as_of}: "
            f"mean {forecast.admissions_per_week_expected:.2f}, p{quantile} {forecast.admissions_per_week_high:.2f}"
        )
    return (
        f"{rate}; {arrivals} up to {forecast.last_move_in_day} (H-7): {forecast.window_days} days "
        f"= {weeks:.2f} weeks; stay share {forecast.stay_share:.3f} (past stays long enough to reach voting day); "
        f"voter share {forecast.voter_share:.3f} ({voters_here} voters here / {inmates} inmates in custody on "
        f"voting day); expected {forecast.expected:.2f}, high {forecast.high:.2f} voters; "
        f"sized for {forecast.size_for}: {forecast.sized} (rounded up)"
    )
