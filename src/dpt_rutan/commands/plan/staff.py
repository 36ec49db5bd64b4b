"""The people a prison's TPS needs besides its voters: KPPS, Linmas and Pengawas TPS from the profile, and the
witness slots each participant may fill."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from dpt_rutan.commands.plan.forecast import PlanFlag
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import define_code
from dpt_rutan.site import Site

WITNESS_COUNT_UNKNOWN = define_code(
    "PLAN_WITNESS_COUNT_UNKNOWN",
    "info",
    "Jumlah peserta untuk saksi belum diisi di profil: jumlah saksi tidak dihitung.",
    "The number of participants is not set in the profile: witness slots are not counted.",
)


class StaffRow(BaseModel):
    """One staff role: how many per TPS and in all, from the profile."""

    model_config = ConfigDict(frozen=True)

    role: str
    per_tps: int
    tps_count: int
    total: int
    basis: str


class WitnessRow(BaseModel):
    """Witness slots one kind of participant may fill; counts are None where the profile does not know them."""

    model_config = ConfigDict(frozen=True)

    participant: str
    label: str
    participants: int | None
    per_participant_per_tps: int
    per_tps: int | None
    tps_count: int
    total: int | None
    basis: str


def staff_rows(profile: ElectionProfile, tps_count: int) -> list[StaffRow]:
    """KPPS, Linmas and Pengawas TPS per TPS and in all, from the profile."""
    roles = (
        ("KPPS", profile.kpps_per_tps, "kpps_per_tps"),
        ("Linmas", profile.linmas_per_tps, "linmas_per_tps"),
        ("Pengawas TPS", profile.pengawas_per_tps, "pengawas_per_tps"),
    )
    return [
        StaffRow(
            role=role,
            per_tps=per_tps,
            tps_count=tps_count,
            total=per_tps * tps_count,
            basis=f"profile {profile.name}: {setting} = {per_tps}, x {tps_count} TPS",
        )
        for role, per_tps, setting in roles
    ]


def witness_rows(site: Site, profile: ElectionProfile, tps_count: int) -> list[WitnessRow]:
    """Witness slots per participant kind that competes at the site; unknown counts stay None and are flagged."""
    rules = profile.witnesses
    held = {ballot.code for ballot in profile.ballots_held_in(site.district_code)}
    rows = []
    for participant in rules.participants:
        if not participant.applies_in(site.district_code) or (participant.ballot and participant.ballot not in held):
            continue
        count = participant.count_in(site.district_code)
        per_tps = None if count is None else count * rules.per_participant_per_tps
        source = "not set in the profile" if count is None else f"{count} ({profile.name})"
        rows.append(
            WitnessRow(
                participant=participant.code,
                label=participant.label,
                participants=count,
                per_participant_per_tps=rules.per_participant_per_tps,
                per_tps=per_tps,
                tps_count=tps_count,
                total=None if per_tps is None else per_tps * tps_count,
                basis=(
                    f"participants: {source}; up to {rules.per_participant_per_tps} witnesses each per TPS, "
                    f"{rules.inside_at_a_time} inside at a time"
                ),
            )
        )
    return rows


def witness_flags(witnesses: list[WitnessRow]) -> list[PlanFlag]:
    """One flag per participant kind whose count the profile does not set: its witness slots are not counted."""
    return [PlanFlag.of(WITNESS_COUNT_UNKNOWN, row.label) for row in witnesses if row.participants is None]
