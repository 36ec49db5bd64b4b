"""`dpt-rutan reconcile`: the prison's voter list, matched against a KPU extract and, optionally, Dukcapil.

files -> people frames (``people``) -> roster duplicates, matches (``match``) -> statuses (``decide``). Rendering is
the report stage's job; this module returns data. One prison is a province of one: ``reconcile`` reads its roster
and runs ``reconcile_sites``, which reads the extract once for every prison (``extract``), decides each prison's
statuses (``prison``), and finds the people two prisons' reports both concern.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, match
from dpt_rutan.commands.reconcile.dukcapil import Dukcapil, read_dukcapil
from dpt_rutan.commands.reconcile.extract import Extract, screened_extract
from dpt_rutan.commands.reconcile.inmates import Inmates, numbered_through, prepare_inmates
from dpt_rutan.commands.reconcile.prison import ReconcileResult, decide_prison
from dpt_rutan.commands.reconcile.site_rosters import SiteRoster
from dpt_rutan.commands.reconcile.stopwatch import Stopwatch
from dpt_rutan.election import ElectionProfile
from dpt_rutan.read import sources
from dpt_rutan.read.stream import BLOCK_BYTES
from dpt_rutan.scan.screen import PassProgress
from dpt_rutan.site import Site


def reconcile(
    roster_path: Path,
    kpu_path: Path | Sequence[Path],
    *,
    site: Site,
    profile: ElectionProfile,
    dukcapil_path: Path | None = None,
    roster_sheet: str | None = None,
    kpu_sheets: Sequence[str] = (),
    mapping: dict[str, str] | None = None,
    settings: match.MatchSettings | None = None,
    block_bytes: int = BLOCK_BYTES,
    progress: PassProgress | None = None,
) -> ReconcileResult:
    """The prison's voter list. The extract is read in blocks of ``block_bytes`` and only the rows that can concern
    the inmates are kept (``screen.py``), so memory follows the roster, not the extract."""
    clock = Stopwatch()
    with clock.stage("read roster"):
        table = sources.read_roster(roster_path, roster_sheet, mapping=mapping)
    (result,) = reconcile_sites(
        [SiteRoster(site, table)],
        kpu_path,
        kpu_sheets=kpu_sheets,
        profile=profile,
        dukcapil_path=dukcapil_path,
        mapping=mapping,
        settings=settings,
        block_bytes=block_bytes,
        progress=progress,
    ).prisons
    result.timings = {**clock.timings, **result.timings}
    return result


@dataclass
class SitesResult:
    """A province's prisons reconciled against one read of the extract."""

    prisons: list[ReconcileResult]  # in the site table's order; each as ``reconcile`` alone would give it
    across_prisons: pd.DataFrame  # one person on two prisons' rosters: prison_a, row_a, prison_b, row_b, method
    transfers: pd.DataFrame  # voters at one prison's TPS now in another: kpu_row, from/to_prison, to_row, to_status
    kpu_rows_read: int
    timings: dict[str, float] = field(default_factory=dict)


def reconcile_sites(
    site_rosters: list[SiteRoster],
    kpu_path: Path | Sequence[Path],
    *,
    kpu_sheets: Sequence[str] = (),
    profile: ElectionProfile,
    dukcapil_path: Path | None = None,
    mapping: dict[str, str] | None = None,
    settings: match.MatchSettings | None = None,
    block_bytes: int = BLOCK_BYTES,
    progress: PassProgress | None = None,
) -> SitesResult:
    """Every prison's voter list, reading the extract (a province's: tens of millions of rows) once for all."""
    settings = settings or match.MatchSettings()
    clock = Stopwatch()
    with clock.stage("Dukcapil"):
        dukcapil = read_dukcapil(dukcapil_path, mapping, profile)
    prisons = [prepare_inmates(site_roster, profile, settings, dukcapil, clock) for site_roster in site_rosters]
    with clock.stage("read and screen extract"):
        extract = screened_extract(
            prisons,
            kpu_path,
            kpu_sheets=kpu_sheets,
            mapping=mapping,
            profile=profile,
            settings=settings,
            block_bytes=block_bytes,
            progress=progress,
        )
    results = [_decide_prison(prison, extract, dukcapil, profile, settings, clock) for prison in prisons]
    with clock.stage("across prisons"):
        across = _across_prisons(prisons, settings) if len(prisons) > 1 else _ACROSS_NONE.copy()
    for result in results:
        result.timings = clock.timings
    return SitesResult(results, across, _transfers(results), extract.rows_read, clock.timings)


def _decide_prison(
    prison: Inmates,
    extract: Extract,
    dukcapil: Dukcapil | None,
    profile: ElectionProfile,
    settings: match.MatchSettings,
    clock: Stopwatch,
) -> ReconcileResult:
    """One prison's statuses, timed on a stopwatch of its own and added to the run's."""
    own = Stopwatch()
    result = decide_prison(prison, extract, profile, settings, own)
    result.dukcapil = dukcapil.people if dukcapil is not None else None
    for stage, seconds in own.timings.items():
        clock.timings[stage] = clock.timings.get(stage, 0.0) + seconds
    return result


_ACROSS_NONE = pd.DataFrame(
    {"prison_a": [], "row_a": np.array([], "int64"), "prison_b": [], "row_b": np.array([], "int64"), "method": []}
)


def _across_prisons(prisons: list[Inmates], settings: match.MatchSettings) -> pd.DataFrame:
    """Pairs of inmates of two prisons who are one person (``decide.same_person_pairs``): a transfer that one of
    the rosters has not caught up with, and a voter who would be listed at two prisons' TPS."""
    inmates, prison_at, row_at = numbered_through(prisons)
    pairs = decide.same_person_pairs(inmates, settings)
    earlier, later = pairs["right_row"].to_numpy(dtype="int64"), pairs["left_row"].to_numpy(dtype="int64")
    apart = prison_at[earlier] != prison_at[later]
    earlier, later = earlier[apart], later[apart]
    return pd.DataFrame(
        {
            "prison_a": [prisons[index].site.name for index in prison_at[earlier]],
            "row_a": row_at[earlier],
            "prison_b": [prisons[index].site.name for index in prison_at[later]],
            "row_b": row_at[later],
            "method": np.where(pairs["nik_level"].to_numpy()[apart] == "exact", "nik_exact", "name_birth_date"),
        }
    )


def _transfers(prisons: list[ReconcileResult]) -> pd.DataFrame:
    """Voters listed at one prison's TPS who are now another prison's inmates: the first prison's report says to take
    them off its TPS (NOT_IN_CUSTODY), the other's to move them in. One move, seen from both ends."""
    gone = pd.concat(
        [
            prison.kpu_side.loc[prison.kpu_side["status"] == decide.KpuStatus.NOT_IN_CUSTODY, ["source_row"]]
            .rename(columns={"source_row": "kpu_row"})
            .assign(from_index=index)
            for index, prison in enumerate(prisons)
        ]
    )
    matched = pd.concat(
        [
            prison.decisions.loc[prison.decisions["kpu_decision"] == "match", ["kpu_row", "source_row", "status"]]
            .astype({"kpu_row": "int64"})
            .assign(to_index=index)
            for index, prison in enumerate(prisons)
        ]
    )
    moved = gone.astype({"kpu_row": "int64"}).merge(matched, on="kpu_row")
    moved = moved[moved["from_index"] != moved["to_index"]].sort_values(["from_index", "to_index", "source_row"])
    names = [prison.site.name for prison in prisons]
    return pd.DataFrame(
        {
            "kpu_row": moved["kpu_row"].to_numpy(dtype="int64"),
            "from_prison": [names[index] for index in moved["from_index"]],
            "to_prison": [names[index] for index in moved["to_index"]],
            "to_row": moved["source_row"].to_numpy(dtype="int64"),
            "to_status": moved["status"].to_numpy(),
        }
    )
