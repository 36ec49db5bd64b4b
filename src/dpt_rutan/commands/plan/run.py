"""The TPS plan for a prison: how many TPS, who votes where, ballots per type, staff and witnesses (``staff``).

On 14 Feb 2024 the TPS inside Rutan Blora (TPS 901) ran 116 ballots short: its plan counted the list as it stood,
not the inmates moved in later, nor which ballots each of them was entitled to. :func:`plan_tps` sizes for both:
the voters listed now, plus a forecast of the late inflow up to H-7 (:mod:`plan_forecast`), each voter's ballots
by home region and dapil (:mod:`plan_ballots`), and the reserve. Every number carries its ``basis``: the rule,
profile value or forecast it came from. :func:`plan_tables` turns a plan into the tables the report and CLI show.

Input contract: ``voters`` has one row per eligible inmate expected in custody on voting day, with ``source_row``,
``name``, ``nik``, ``home_province`` ("33"), ``home_regency`` ("33.16"), ``home_district`` ("33.16.09" or "")
and optionally ``status`` ("DPK" rows count here only when the profile says so); ``roster_history`` has
``date_in`` and ``release_date`` (datetime64, NaT allowed) for every row of the roster.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from dpt_rutan.commands.plan.ballots import (
    NO,
    YES,
    BallotRow,
    ShortfallRow,
    TpsRow,
    ballot_rows,
    entitlement_flags,
    entitlement_mix,
    entitlements,
    even_split,
    shortfall_rows,
    tps_needed,
)
from dpt_rutan.commands.plan.dapil import DapilTable
from dpt_rutan.commands.plan.forecast import Forecast, ForecastSettings, PlanFlag, SizeFor, forecast_inflow
from dpt_rutan.commands.plan.staff import StaffRow, WitnessRow, staff_rows, witness_flags, witness_rows
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import define_code
from dpt_rutan.site import Site

VOTER_COLUMNS = ("source_row", "home_province", "home_regency", "home_district")
HISTORY_COLUMNS = ("date_in", "release_date")
CARRIED_COLUMNS = ("source_row", "name", "nik", "home_province", "home_regency", "home_district")
NOTE_NO_BALLOT = "no ballot at this TPS: home outside every ballot's area"
NOTE_DPK = "DPK: votes at the home TPS (profile dpk_counted_at_prison_tps = false)"

NO_VOTERS = define_code(
    "PLAN_NO_VOTERS",
    "warning",
    "Tidak ada pemilih untuk TPS rutan/lapas: tidak ada TPS yang direncanakan.",
    "No voters for the prison TPS: no TPS planned.",
)
NO_BALLOT_HERE = define_code(
    "PLAN_NO_BALLOT_HERE",
    "info",
    "Sebagian pemilih tidak mendapat surat suara apa pun di TPS ini (mis. Pilkada, asal provinsi lain): "
    "tidak dimasukkan ke TPS.",
    "Some voters get no ballot at all at this TPS (e.g. Pilkada, home in another province): not assigned a TPS.",
)
DPK_ELSEWHERE = define_code(
    "PLAN_DPK_ELSEWHERE",
    "info",
    "Pemilih DPK tidak dihitung di TPS rutan/lapas (pengaturan profil dpk_counted_at_prison_tps).",
    "DPK voters are not counted at the prison TPS (profile setting dpk_counted_at_prison_tps).",
)
BELOW_LOKSUS_MINIMUM = define_code(
    "PLAN_BELOW_LOKSUS_MINIMUM",
    "info",
    "TPS ini memiliki pemilih di bawah minimum TPS Loksus yang biasa; rutan/lapas boleh kurang.",
    "This TPS has fewer voters than the usual Loksus minimum; a prison may have fewer.",
)
UNUSED_TPS_NUMBER = define_code(
    "PLAN_UNUSED_TPS_NUMBER",
    "info",
    "Berkas lokasi mencantumkan lebih banyak nomor TPS daripada yang dibutuhkan.",
    "The site file lists more TPS numbers than are needed.",
)


class TpsPlan(BaseModel):
    """Everything planned for one prison at one election; :func:`plan_tables` renders it."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    site: Site
    profile: ElectionProfile
    dapil_source: str | None
    forecast: Forecast
    voters_listed: int
    voters_not_here: int
    tps: list[TpsRow]
    ballots: list[BallotRow]
    shortfall: list[ShortfallRow]
    staff: list[StaffRow]
    witnesses: list[WitnessRow]
    assignments: pd.DataFrame
    flags: list[PlanFlag]

    @property
    def tps_count(self) -> int:
        return len(self.tps)

    @property
    def voters_total(self) -> int:
        return sum(row.voters_total for row in self.tps)

    def ballots_planned(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for row in self.ballots:
            totals[row.ballot] = totals.get(row.ballot, 0) + row.planned
        return totals


def plan_tps(
    voters: pd.DataFrame,
    roster_history: pd.DataFrame,
    site: Site,
    profile: ElectionProfile,
    dapil: DapilTable | None = None,
    *,
    inflow_per_week: float | None = None,
    as_of: date | None = None,
    size_for: SizeFor = "high",
    settings: ForecastSettings | None = None,
) -> TpsPlan:
    """Plan the prison's TPS for voting day, sized for the late inflow (see the module docstring)."""
    require_columns(voters, VOTER_COLUMNS, "voters")
    require_columns(roster_history, HISTORY_COLUMNS, "roster_history")
    entitled = entitlements(voters, site, profile, dapil)
    note = not_here_notes(voters, entitled, profile)
    here = note == ""
    voters_here = int(here.sum())
    forecast, forecast_flags = forecast_inflow(
        roster_history,
        profile,
        voters_here=voters_here,
        as_of=as_of,
        inflow_per_week=inflow_per_week,
        size_for=size_for,
        settings=settings,
        capacity=site.capacity,
    )
    layout = tps_layout(voters_here, forecast.sized, site, profile)
    assignments = assignment_table(voters, entitled, note, layout)
    held = profile.ballots_held_in(site.district_code)
    mixes = {ballot.code: entitlement_mix(entitled.loc[here, ballot.code], ballot) for ballot in held}
    rows = ballot_rows(layout, assignments[assignments["tps"].notna()], held, mixes, profile, dapil)
    flags = [
        *entitlement_flags(voters.loc[here], entitled.loc[here], site, profile, dapil),
        *forecast_flags,
        *layout_flags(note, layout, site, profile),
    ]
    witnesses = witness_rows(site, profile, len(layout))
    flags += witness_flags(witnesses)
    return TpsPlan(
        site=site,
        profile=profile,
        dapil_source=dapil.source if dapil else None,
        forecast=forecast,
        voters_listed=voters_here,
        voters_not_here=len(voters) - voters_here,
        tps=layout,
        ballots=rows,
        shortfall=shortfall_rows(rows, held, mixes, voters_here, forecast.high_voters, profile),
        staff=staff_rows(profile, len(layout)),
        witnesses=witnesses,
        assignments=assignments,
        flags=flags,
    )


def require_columns(frame: pd.DataFrame, columns: tuple[str, ...], name: str) -> None:
    """Refuse a frame that lacks columns of the input contract (see the module docstring)."""
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{name} lacks columns {missing}")


def not_here_notes(voters: pd.DataFrame, entitled: pd.DataFrame, profile: ElectionProfile) -> pd.Series:
    """Why a voter does not vote at the prison TPS, "" for those who do."""
    note = pd.Series("", index=voters.index, dtype=object)
    note[(entitled == NO).all(axis=1)] = NOTE_NO_BALLOT
    if "status" in voters.columns and not profile.dpk_counted_at_prison_tps:
        note[voters["status"].astype("object").fillna("").astype(str).str.strip().str.upper() == "DPK"] = NOTE_DPK
    return note


def tps_layout(listed: int, inflow: int, site: Site, profile: ElectionProfile) -> list[TpsRow]:
    """How many TPS and how many voters each: listed voters and arrivals each spread evenly.

    The arrivals are spread in the opposite order to the listed voters, so that TPS totals differ by at most one.
    """
    total = listed + inflow
    count = tps_needed(total, profile.max_voters_per_tps)
    numbers = site.tps_number_list(count)
    basis = (
        f"{count} TPS = {total} voters / {profile.max_voters_per_tps} per TPS ({profile.name}), rounded up; "
        f"{listed} listed and {inflow} forecast arrivals spread evenly; numbered from {site.tps_numbers[0]}"
    )
    listed_parts, inflow_parts = even_split(listed, count), even_split(inflow, count)[::-1]
    return [
        TpsRow(tps=number, voters_listed=own, inflow_share=arriving, voters_total=own + arriving, basis=basis)
        for number, own, arriving in zip(numbers, listed_parts, inflow_parts, strict=True)
    ]


def assign_tps(voters: pd.DataFrame, layout: list[TpsRow]) -> pd.Series:
    """TPS per voter: by name (then row) in consecutive blocks, so the same list always gives the same TPS."""
    names = voters["name"].astype("object").fillna("").astype(str).str.casefold() if "name" in voters else ""
    order = pd.DataFrame({"name": names, "row": voters["source_row"]}).sort_values(["name", "row"], kind="stable")
    numbers = np.repeat([row.tps for row in layout], [row.voters_listed for row in layout])
    return pd.Series(numbers, index=order.index, dtype="Int64").reindex(voters.index)


def assignment_table(
    voters: pd.DataFrame, entitled: pd.DataFrame, note: pd.Series, layout: list[TpsRow]
) -> pd.DataFrame:
    """One row per voter: TPS (empty when not voting here), each ballot's yes/no/unknown, ballot count range."""
    carried = [column for column in CARRIED_COLUMNS if column in voters.columns]
    table = voters[carried].copy()
    here = note == ""
    table["tps"] = assign_tps(voters.loc[here], layout).reindex(voters.index).astype("Int64")
    for code in entitled.columns:
        table[code] = entitled[code]
    table["ballots_min"] = (entitled == YES).sum(axis=1).astype("int64")
    table["ballots_max"] = (entitled != NO).sum(axis=1).astype("int64")
    table["note"] = note
    sort_names = table["name"].astype("object").fillna("").astype(str).str.casefold() if "name" in table else ""
    order = table.assign(_name=sort_names).sort_values(["tps", "_name", "source_row"], na_position="last").index
    return table.loc[order].reset_index(drop=True)


def layout_flags(note: pd.Series, layout: list[TpsRow], site: Site, profile: ElectionProfile) -> list[PlanFlag]:
    """Flags about the layout: no TPS, voters not voting here, TPS below the Loksus minimum, unused TPS numbers."""
    flags = []
    if not layout:
        flags.append(PlanFlag.of(NO_VOTERS, "0 voters listed and 0 forecast"))
    for text, code in ((NOTE_NO_BALLOT, NO_BALLOT_HERE), (NOTE_DPK, DPK_ELSEWHERE)):
        count = int((note == text).sum())
        if count:
            flags.append(PlanFlag.of(code, f"{count} voters: {text}"))
    minimum = profile.min_voters_per_tps_loksus
    flags += [
        PlanFlag.of(BELOW_LOKSUS_MINIMUM, f"TPS {row.tps}: {row.voters_total} voters < {minimum}")
        for row in layout
        if row.voters_total < minimum
    ]
    unused = site.tps_numbers[len(layout) :]
    if unused:
        flags.append(PlanFlag.of(UNUSED_TPS_NUMBER, f"TPS {', '.join(map(str, unused))} not needed"))
    return flags


def plan_tables(plan: TpsPlan) -> dict[str, pd.DataFrame]:
    """The plan as tables for the report and the CLI; every table has a ``basis`` column saying where numbers come
    from, except ``assignments`` (one row per voter, with ``note``) and ``flags``."""
    return {
        "summary": summary_table(plan),
        "tps": records_table(plan.tps, TpsRow),
        "ballots": records_table(plan.ballots, BallotRow),
        "shortfall": records_table(plan.shortfall, ShortfallRow),
        "assignments": plan.assignments.copy(),
        "staff": records_table(plan.staff, StaffRow),
        "witnesses": records_table(plan.witnesses, WitnessRow).astype(
            {"participants": "Int64", "per_tps": "Int64", "total": "Int64"}
        ),
        "flags": records_table(plan.flags, PlanFlag),
    }


def records_table(rows: list[BaseModel], model: type[BaseModel]) -> pd.DataFrame:
    """Rows of one model as a table whose columns are the model's fields, also when there are no rows."""
    return pd.DataFrame([row.model_dump() for row in rows], columns=list(model.model_fields))


def summary_table(plan: TpsPlan) -> pd.DataFrame:
    """The plan's headline numbers, one per row, each with its basis."""
    profile, forecast = plan.profile, plan.forecast
    total = plan.shortfall[-1] if plan.shortfall else None
    rows: list[tuple[str, object, str]] = [
        ("Pemilihan / election", profile.label, f"profile {profile.name}"),
        ("Hari pemungutan suara / voting day", profile.voting_day, f"profile {profile.name}"),
        ("Batas pindah memilih (H-7) / last move-in day", profile.last_move_in_day, f"profile {profile.name}"),
        ("Lokasi / site", f"{plan.site.name}, {plan.site.region_label()}", f"site: {plan.site.district_code}"),
        ("Tanggal daftar / roster date", forecast.as_of, "latest admission date in the roster unless given"),
        ("Pemilih terdaftar di TPS ini / voters listed here", plan.voters_listed, "voter rows that vote here"),
        ("Pemilih tidak di TPS ini / voters not voting here", plan.voters_not_here, "see the note per voter"),
        ("Perkiraan arus masuk (harapan) / inflow expected", round(forecast.expected, 2), forecast.basis),
        ("Perkiraan arus masuk (tinggi) / inflow high", round(forecast.high, 2), forecast.basis),
        ("Arus masuk yang direncanakan / inflow planned for", forecast.sized, f"the {forecast.size_for} value"),
        ("Pemilih hari H / voters on voting day", plan.voters_total, "listed here + inflow planned for"),
        ("Jumlah TPS / TPS", plan.tps_count, plan.tps[0].basis if plan.tps else "no voters"),
    ]
    rows += [
        (f"Surat suara {code} / {code} ballots", count, "per TPS: entitled voters (max) + arrivals + reserve")
        for code, count in plan.ballots_planned().items()
    ]
    rows.append(("Petugas / staff", sum(row.total for row in plan.staff), "KPPS + Linmas + Pengawas TPS, all TPS"))
    known = [row.total for row in plan.witnesses if row.total is not None]
    unknown = [row.participant for row in plan.witnesses if row.total is None]
    per = profile.witnesses.per_participant_per_tps
    witness_basis = f"up to {per} per participant per TPS" + (f"; not counted: {', '.join(unknown)}" if unknown else "")
    rows.append(("Slot saksi / witness slots", sum(known), witness_basis))
    if total is not None:
        rows.append(("Kurang jika hanya dari daftar / short from the list alone", total.list_only_short, total.basis))
        rows.append(("Kurang pada arus masuk tinggi / plan short at high inflow", total.plan_short, total.basis))
    return pd.DataFrame(rows, columns=["item", "value", "basis"])
