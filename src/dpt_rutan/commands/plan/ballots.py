"""Which ballots each voter gets, and how many of each a prison TPS needs.

A voter away from home gets a ballot when their home (the address, else the NIK's region) lies in the prison's
region for that ballot (UU 7/2017 art. 348(4); the profile says the scope and dapil of each ballot type). Each voter
gets ``yes``, ``no`` or ``unknown`` per ballot type; ``unknown`` when the home region or a dapil is not known, so
that a count is a range (min: the yeses; max: yeses and unknowns) rather than a guess.

Without a dapil table one inference is made, the one docs/ballots.md's "same kab/kota, 4 or 5" rests on: a kab/kota
lies within one DPR and one provincial dapil, and a kecamatan within one kab/kota dapil. A dapil table overrides it.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from dpt_rutan.commands.plan.dapil import DapilTable, same_dapil_key
from dpt_rutan.commands.plan.forecast import PlanFlag
from dpt_rutan.election import BallotType, DapilKind, ElectionProfile, round_count
from dpt_rutan.errors import define_code
from dpt_rutan.site import Site

YES, NO, UNKNOWN = "yes", "no", "unknown"
HOME_COLUMNS = ("home_province", "home_regency", "home_district")
DAPIL_UNIT: dict[str, str] = {"dpr": "home_regency", "dprd_provinsi": "home_regency", "dprd_kabkota": "home_district"}
DAPIL_LABEL = {"dpr": "DPR", "dprd_provinsi": "DPRD Provinsi", "dprd_kabkota": "DPRD Kab/Kota"}

DAPIL_UNKNOWN = define_code(
    "PLAN_DAPIL_UNKNOWN",
    "warning",
    "Jumlah surat suara ini bergantung pada dapil yang tidak diketahui: ditampilkan sebagai rentang. "
    "Berikan tabel dapil.",
    "These ballot counts depend on a dapil that is not known: shown as a range. Give a dapil table.",
)
HOME_UNKNOWN = define_code(
    "PLAN_HOME_UNKNOWN",
    "warning",
    "Wilayah asal sebagian pemilih tidak diketahui: surat suara selain yang berlaku di mana saja dihitung sebagai "
    "rentang.",
    "Some voters' home region is unknown: every ballot but the one valid anywhere is counted as a range.",
)
BALLOT_NOT_HELD = define_code(
    "PLAN_BALLOT_NOT_HELD",
    "info",
    "Jenis surat suara ini tidak ada di wilayah rutan/lapas (mis. DPRD Kab/Kota di DKI Jakarta).",
    "This ballot type is not held in the prison's region (e.g. DPRD Kab/Kota in DKI Jakarta).",
)


class BallotRow(BaseModel):
    """Ballots of one type at one TPS: entitled voters (listed, forecast), reserve and what to order."""

    model_config = ConfigDict(frozen=True)

    tps: int
    ballot: str
    listed_min: int
    listed_max: int
    inflow_min: int
    inflow_max: int
    needed_min: int
    needed_max: int
    reserve: int
    planned: int
    basis: str


class ShortfallRow(BaseModel):
    """The Blora check for one ballot type (or ``TOTAL``): would a plan from the list alone have run short?"""

    model_config = ConfigDict(frozen=True)

    ballot: str
    list_only: int
    needed_at_high: int
    planned: int
    list_only_short: int
    plan_short: int
    basis: str


class Mix(BaseModel):
    """Share of voters here entitled to one ballot type: at least ``low``, at most ``high``."""

    model_config = ConfigDict(frozen=True)

    low: Fraction
    high: Fraction
    basis: str

    def of(self, voters: int) -> tuple[int, int]:
        """Entitled voters among ``voters`` new arrivals, rounded up: a ballot short is worse than one spare."""
        return math.ceil(self.low * voters), math.ceil(self.high * voters)


def even_split(total: int, parts: int) -> list[int]:
    """``total`` in ``parts`` that differ by at most one, the larger first: 301 in 2 is 151 + 150, not 300 + 1."""
    if parts == 0:
        return []
    base, extra = divmod(total, parts)
    return [base + 1] * extra + [base] * (parts - extra)


def tps_needed(voters: int, capacity: int) -> int:
    """The TPS that ``voters`` need at ``capacity`` voters each, rounded up; none for no voters."""
    return math.ceil(voters / capacity) if voters > 0 else 0


def clean_homes(voters: pd.DataFrame) -> pd.DataFrame:
    """Home codes as text, "" when unknown; a coarser code missing is taken from a finer one ("33.16" gives "33")."""
    homes = pd.DataFrame(index=voters.index)
    for column in HOME_COLUMNS:
        homes[column] = voters[column].astype("object").fillna("").astype(str).str.strip()
    homes["home_regency"] = homes["home_regency"].mask(homes["home_regency"] == "", homes["home_district"].str[:5])
    homes["home_province"] = homes["home_province"].mask(homes["home_province"] == "", homes["home_regency"].str[:2])
    return homes


def scope_entitlement(homes: pd.DataFrame, site: Site, ballot: BallotType) -> np.ndarray:
    """yes/no/unknown from the region alone: anywhere, same province or same kab/kota."""
    if ballot.scope == "anywhere":
        return np.full(len(homes), YES, dtype=object)
    province, regency = homes["home_province"], homes["home_regency"]
    other_province = (province != "") & (province != site.province_code)
    if ballot.scope == "province":
        same, other = province == site.province_code, other_province
    else:
        same, other = regency == site.regency_code, other_province | ((regency != "") & (regency != site.regency_code))
    return np.select([same.to_numpy(), other.to_numpy()], [YES, NO], default=UNKNOWN).astype(object)


def dapil_entitlement(
    scoped: np.ndarray, homes: pd.DataFrame, site: Site, kind: DapilKind, dapil: DapilTable | None
) -> np.ndarray:
    """Narrow a scope result by dapil: the table decides where it knows both sides, else the same-unit inference."""
    unit = DAPIL_UNIT[kind]
    site_unit = site.regency_code if unit == "home_regency" else site.district_code
    same_unit = (homes[unit] == site_unit).to_numpy()
    site_dapil = dapil.dapil_of(kind, site.district_code) if dapil else None
    if site_dapil is None:
        known = np.zeros(len(homes), dtype=bool)
        same_dapil = known
    else:
        voter_dapil = dapil.dapil_of_homes(kind, homes)
        known = voter_dapil.notna().to_numpy()
        same_dapil = (voter_dapil == same_dapil_key(site_dapil)).fillna(False).to_numpy(dtype=bool)
    candidate = scoped != NO
    return np.select(
        [~candidate, known, same_unit],
        [NO, np.where(same_dapil, YES, NO), YES],
        default=UNKNOWN,
    ).astype(object)


def entitlements(voters: pd.DataFrame, site: Site, profile: ElectionProfile, dapil: DapilTable | None) -> pd.DataFrame:
    """One column per ballot type held at the site: each voter's ``yes``, ``no`` or ``unknown``."""
    homes = clean_homes(voters)
    columns = {}
    for ballot in profile.ballots_held_in(site.district_code):
        scoped = scope_entitlement(homes, site, ballot)
        columns[ballot.code] = (
            scoped if ballot.dapil is None else dapil_entitlement(scoped, homes, site, ballot.dapil, dapil)
        )
    return pd.DataFrame(columns, index=voters.index)


def entitlement_flags(
    voters: pd.DataFrame, entitled: pd.DataFrame, site: Site, profile: ElectionProfile, dapil: DapilTable | None
) -> list[PlanFlag]:
    """Flags about entitlements: ballots not held at the site, voters without a home province, and ballots whose dapil
    is unknown."""
    flags = [
        PlanFlag.of(BALLOT_NOT_HELD, f"{ballot.code} not held in {site.district_code} ({site.region_label()})")
        for ballot in profile.ballots
        if not ballot.held_in(site.district_code)
    ]
    homes = clean_homes(voters)
    no_home = int((homes["home_province"] == "").sum())
    if no_home:
        flags.append(PlanFlag.of(HOME_UNKNOWN, f"{no_home} voters without a home province"))
    for ballot in profile.ballots_held_in(site.district_code):
        unknown = int(((entitled[ballot.code] == UNKNOWN) & (homes["home_province"] != "")).sum())
        if ballot.dapil is not None and unknown:
            flags.append(
                PlanFlag.of(DAPIL_UNKNOWN, f"{ballot.code}: {unknown} voters; {dapil_gap(ballot, site, dapil)}")
            )
    return flags


def dapil_gap(ballot: BallotType, site: Site, dapil: DapilTable | None) -> str:
    """Why a ballot's dapil could not be told: no dapil table, no dapil for the prison, or none for the home region."""
    label = DAPIL_LABEL[ballot.dapil or ""]
    if dapil is None:
        return f"{label} dapil unknown: no dapil table"
    if dapil.dapil_of(ballot.dapil, site.district_code) is None:
        return f"{dapil.source} gives no {label} dapil for the prison ({site.district_code})"
    return f"{dapil.source} gives no {label} dapil for their home region"


def ballot_rule(ballot: BallotType, dapil: DapilTable | None) -> str:
    """The entitlement rule in words, for the basis column."""
    scope = {"anywhere": "every voter", "province": "home in the prison's province", "regency": "home in its kab/kota"}
    rule = scope[ballot.scope]
    if ballot.dapil:
        unit = "kab/kota" if DAPIL_UNIT[ballot.dapil] == "home_regency" else "kecamatan"
        source = f"from {dapil.source}, else" if dapil else "no dapil table:"
        rule += f" and the same {DAPIL_LABEL[ballot.dapil]} dapil ({source} same {unit})"
    return rule


def entitlement_mix(entitled: pd.Series, ballot: BallotType) -> Mix:
    """The listed voters' mix for one ballot, applied to the forecast arrivals (same mix as the current voters)."""
    total = len(entitled)
    if total == 0:
        low = Fraction(1) if ballot.scope == "anywhere" else Fraction(0)
        return Mix(low=low, high=Fraction(1), basis="no listed voters: arrivals counted as possibly all entitled")
    yes = int((entitled == YES).sum())
    maybe = int((entitled == UNKNOWN).sum())
    mix_basis = f"same mix as the {total} listed voters: {yes} entitled" + (f" + {maybe} unknown" if maybe else "")
    return Mix(low=Fraction(yes, total), high=Fraction(yes + maybe, total), basis=mix_basis)


def reserve_for(ballot: BallotType, voters: int, profile: ElectionProfile) -> tuple[int, str]:
    """The reserve ballots for ``voters`` voters at the ballot's rate, rounded as the profile says, and the arithmetic
    in words."""
    exact = ballot.reserve_rate * Decimal(voters)
    reserve = round_count(exact, profile.reserve_rounding)
    rate = f"{(ballot.reserve_rate * 100).normalize():f}%"
    return reserve, f"reserve {rate} x {voters} voters = {exact.normalize():f}, {profile.reserve_rounding} -> {reserve}"


class TpsRow(BaseModel):
    """One TPS: the listed voters assigned to it and its even share of the forecast arrivals."""

    model_config = ConfigDict(frozen=True)

    tps: int
    voters_listed: int
    inflow_share: int
    voters_total: int
    basis: str


def ballot_rows(
    layout: list[TpsRow],
    assigned: pd.DataFrame,
    ballots: tuple[BallotType, ...],
    mixes: dict[str, Mix],
    profile: ElectionProfile,
    dapil: DapilTable | None,
) -> list[BallotRow]:
    """Ballots per TPS and type: listed voters' entitlement, the arrivals at the listed mix, and the reserve."""
    rows = []
    for ballot in ballots:
        entitled = assigned[ballot.code]
        yes_by_tps = (entitled == YES).groupby(assigned["tps"]).sum()
        maybe_by_tps = (entitled == UNKNOWN).groupby(assigned["tps"]).sum()
        for tps in layout:
            yes, maybe = int(yes_by_tps.get(tps.tps, 0)), int(maybe_by_tps.get(tps.tps, 0))
            inflow_min, inflow_max = mixes[ballot.code].of(tps.inflow_share)
            reserve, reserve_basis = reserve_for(ballot, tps.voters_total, profile)
            basis = (
                f"entitled: {ballot_rule(ballot, dapil)}; listed {yes}"
                + (f" + {maybe} unknown" if maybe else "")
                + f"; arrivals {tps.inflow_share} x {mixes[ballot.code].basis}, rounded up; {reserve_basis}"
                + "; planned = needed max + reserve"
            )
            rows.append(
                BallotRow(
                    tps=tps.tps,
                    ballot=ballot.code,
                    listed_min=yes,
                    listed_max=yes + maybe,
                    inflow_min=inflow_min,
                    inflow_max=inflow_max,
                    needed_min=yes + inflow_min,
                    needed_max=yes + maybe + inflow_max,
                    reserve=reserve,
                    planned=yes + maybe + inflow_max + reserve,
                    basis=basis,
                )
            )
    return rows


def list_only_reserve(ballot: BallotType, listed: int, profile: ElectionProfile) -> int:
    """The reserve a plan from the list alone would have added: its own TPS count, its own even spread."""
    parts = even_split(listed, tps_needed(listed, profile.max_voters_per_tps))
    return sum(reserve_for(ballot, part, profile)[0] for part in parts)


def shortfall_rows(
    rows: list[BallotRow],
    ballots: tuple[BallotType, ...],
    mixes: dict[str, Mix],
    listed: int,
    high_voters: int,
    profile: ElectionProfile,
) -> list[ShortfallRow]:
    """Per ballot type and in total: the list-only plan and this plan against the ballots needed at high inflow."""
    out = []
    for ballot in ballots:
        own = [row for row in rows if row.ballot == ballot.code]
        listed_max = sum(row.listed_max for row in own)
        arrivals = mixes[ballot.code].of(high_voters)[1]
        list_only = listed_max + list_only_reserve(ballot, listed, profile)
        needed = listed_max + arrivals
        planned = sum(row.planned for row in own)
        basis = (
            f"list only: {listed_max} entitled listed voters + reserve on {listed} voters; needed at high inflow: "
            f"{listed_max} + {arrivals} of {high_voters} arrivals ({mixes[ballot.code].basis}); planned: this plan"
        )
        out.append(shortfall_row(ballot.code, list_only, needed, planned, basis))
    return [*out, total_shortfall(out)] if out else out


def total_shortfall(rows: list[ShortfallRow]) -> ShortfallRow:
    """All types together; a type's surplus does not make up for another's shortage, so shortages are summed."""
    fields = ("list_only", "needed_at_high", "planned", "list_only_short", "plan_short")
    sums = {name: sum(getattr(row, name) for row in rows) for name in fields}
    return ShortfallRow(ballot="TOTAL", **sums, basis="sum over the ballot types; shortages summed per type")


def shortfall_row(ballot: str, list_only: int, needed: int, planned: int, basis: str) -> ShortfallRow:
    """One ballot's shortfall at the high inflow: from the list alone, and from the plan."""
    return ShortfallRow(
        ballot=ballot,
        list_only=list_only,
        needed_at_high=needed,
        planned=planned,
        list_only_short=max(0, needed - list_only),
        plan_short=max(0, needed - planned),
        basis=basis,
    )
