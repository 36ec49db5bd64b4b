"""One prison's roster made ready for the extract, and every prison's inmates numbered through as one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dpt_rutan import decide, match
from dpt_rutan.commands.reconcile.dukcapil import Dukcapil, dukcapil_check
from dpt_rutan.commands.reconcile.site_rosters import SiteRoster
from dpt_rutan.commands.reconcile.stopwatch import Stopwatch
from dpt_rutan.election import ElectionProfile
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.site import Site


@dataclass
class Inmates:
    """One prison's roster made ready for the extract: typed, its duplicates found, checked against Dukcapil."""

    site: Site
    rules: decide.Rules
    roster: People
    duplicates: pd.DataFrame
    unique_view: pd.DataFrame  # the match view of the rows that are not duplicates
    checks: pd.DataFrame | None  # Dukcapil's word per roster row

    @property
    def proposed_nik(self) -> pd.Series | None:
        """Per roster row, the NIK Dukcapil proposes ("" for none); None without Dukcapil."""
        return self.checks["proposed_nik"] if self.checks is not None else None


def prepare_inmates(
    site_roster: SiteRoster,
    profile: ElectionProfile,
    settings: match.MatchSettings,
    dukcapil: Dukcapil | None,
    clock: Stopwatch,
) -> Inmates:
    """The prison's roster typed, its duplicates found, the rest checked against Dukcapil when it is given."""
    with clock.stage("type rosters"):
        roster = prepare_people(site_roster.table, reference_date=profile.voting_day)
    roster_view = match_view(roster.frame)
    with clock.stage("roster duplicates"):
        duplicates = decide.roster_duplicates(roster_view, settings)
    unique_view = roster_view[~roster_view["source_row"].isin(duplicates["source_row"])]
    checks = None
    if dukcapil is not None:
        with clock.stage("Dukcapil"):
            dukcapil_matches, _ = match.link(unique_view, dukcapil.view, settings)
            checks = dukcapil_check(roster.frame, dukcapil_matches, dukcapil.people.frame)
    rules = decide.Rules.for_site(site_roster.site, profile)
    return Inmates(site_roster.site, rules, roster, duplicates, unique_view, checks)


def numbered_through(prisons: list[Inmates]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every prison's inmates in one match view, ``source_row`` numbered through (roster rows repeat across files),
    with each one's prison (its index) and roster row."""
    views = [prison.unique_view for prison in prisons]
    prison_at = np.concatenate([np.full(len(view), index) for index, view in enumerate(views)])
    row_at = np.concatenate([view["source_row"].astype("int64").to_numpy() for view in views])
    inmates = pd.concat(views, ignore_index=True).assign(source_row=np.arange(len(row_at)))
    return inmates, prison_at, row_at
