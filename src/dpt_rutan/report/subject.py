"""The title block every report's first sheet opens with: what the report is about."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dpt_rutan.election import ElectionProfile
    from dpt_rutan.site import Site


def subject_notes(what: str, site: Site, profile: ElectionProfile, made: date | None = None) -> list[str]:
    """The title block every report's first sheet opens with, so a printed page says what it is about: the report,
    the prison, its kecamatan (code and name), its TPS numbers, the election and its voting day, the date made."""
    tps = ", ".join(str(number) for number in site.tps_numbers)
    return [
        f"{what} — {site.name}",
        f"Kecamatan / district: {site.district_code} {site.region_label()}",
        f"TPS: {tps}",
        f"Pemilihan / election: {profile.label}, hari pemungutan suara / voting day {profile.voting_day:%d-%m-%Y}",
        f"Dibuat / made: {made or date.today():%d-%m-%Y}",
    ]
