"""`dpt-rutan reconcile`: the prison's voter list, matched against a KPU extract and, optionally, Dukcapil.

files -> people frames (``people``) -> roster duplicates, matches (``match``) -> statuses (``decide``). Rendering is
the report stage's job; this module returns data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import decide, io, match
from .blocks import BLOCK_BYTES, TableBlocks
from .election import ElectionProfile
from .errors import DptRutanError
from .fields import Field
from .people import People, match_view, prepare_people
from .screen import PassProgress, screen_extract
from .site import Site


class ConservationError(DptRutanError):
    """Rows read and rows reported differ: a bug, never to be shown as a result."""

    exit_code = 3


@dataclass
class ReconcileResult:
    roster: People
    kpu: People  # the extract's rows that concern the prison (see screen.py)
    kpu_rows_read: int  # data rows of the whole extract
    dukcapil: People | None
    decisions: pd.DataFrame  # one row per roster data row, in file order
    kpu_side: pd.DataFrame  # NOT_IN_CUSTODY and KPU_DUPLICATE rows of the extract
    review_candidates: pd.DataFrame  # every plausible pair of the rows that need review
    coverage: decide.Coverage
    rules: decide.Rules
    profile: ElectionProfile
    site: Site
    settings: match.MatchSettings
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds

    def status_counts(self) -> pd.Series:
        order = [status.value for status in decide.Status]
        return self.decisions["status"].value_counts().reindex(order, fill_value=0)

    def check_conservation(self) -> None:
        read = len(self.roster.frame)
        reported = int(self.status_counts().sum())
        if read != reported or self.decisions["source_row"].duplicated().any():
            raise ConservationError(f"{read} roster rows read but {reported} statuses reported")


def rules_for(site: Site, profile: ElectionProfile) -> decide.Rules:
    return decide.Rules(
        voting_day=profile.voting_day,
        born_on_or_before=profile.voting_age_cutoff(),
        prison_tps=tuple(site.tps_numbers),
        prison_district=site.district_code,
        prison_village=site.village or "",
    )


def _dukcapil_check(roster: pd.DataFrame, matches: pd.DataFrame, dukcapil: pd.DataFrame) -> pd.DataFrame:
    """Per roster row: whether Dukcapil confirms the NIK, and the NIK it proposes where the roster's is missing or
    differs."""
    rows = roster["source_row"].astype("int64")
    decided = matches.set_index("left_row") if len(matches) else pd.DataFrame(columns=["right_row", "decision"])
    dukcapil_row = rows.map(decided["right_row"])
    decision = rows.map(decided["decision"]).fillna("none")
    dukcapil_nik = dukcapil_row.map(dukcapil.set_index("source_row")["nik_clean"]).fillna("")
    roster_nik = roster["nik_clean"].where(roster["nik_usable"].astype(bool), "")
    check = pd.Series("NOT_IN_DUKCAPIL", index=roster.index)
    check[decision == "review"] = "DUKCAPIL_REVIEW"
    check[(decision == "match") & (roster_nik == "")] = "NIK_PROPOSED"
    check[(decision == "match") & (roster_nik != "") & (dukcapil_nik != roster_nik)] = "NIK_DIFFERS"
    check[(decision == "match") & (roster_nik != "") & (dukcapil_nik == roster_nik)] = "NIK_CONFIRMED"
    return pd.DataFrame(
        {
            "dukcapil_row": dukcapil_row.where(decision != "none").to_numpy(),
            "dukcapil_check": check.to_numpy(),
            "proposed_nik": dukcapil_nik.where(check.isin(["NIK_PROPOSED", "NIK_DIFFERS"]), "").to_numpy(),
        },
        index=roster.index,
    )


def _match_by_proposed_nik(
    roster: pd.DataFrame, proposed: pd.Series, kpu_view: pd.DataFrame, kpu_matches: pd.DataFrame
) -> pd.DataFrame:
    """Roster rows the KPU matching left alone, found again by the NIK Dukcapil proposes for them."""
    decided_left = set(kpu_matches["left_row"].astype("int64"))
    taken_right = set(kpu_matches.loc[kpu_matches["decision"] == "match", "right_row"].astype("int64"))
    open_kpu = kpu_view[kpu_view["nik_usable"] & ~kpu_view["source_row"].isin(taken_right)]
    by_nik = open_kpu.drop_duplicates("nik_clean", keep=False).set_index("nik_clean")["source_row"]
    found = []
    for source_row, nik in zip(roster["source_row"].astype("int64"), proposed, strict=True):
        if nik and source_row not in decided_left and nik in by_nik.index:
            found.append(
                {
                    "left_row": source_row,
                    "right_row": int(by_nik[nik]),
                    "decision": "match",
                    "method": "dukcapil_nik",
                    "score": float("nan"),
                    "agreed": "nik:dukcapil",
                    "disagreed": "",
                    "candidates": "",
                }
            )
    if not found:
        return kpu_matches
    return pd.concat([kpu_matches, pd.DataFrame(found, columns=match.MATCH_COLUMNS)], ignore_index=True)


class _Stopwatch:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        yield
        self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def reconcile(
    roster_path: Path,
    kpu_path: Path,
    *,
    site: Site,
    profile: ElectionProfile,
    dukcapil_path: Path | None = None,
    roster_sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    settings: match.MatchSettings | None = None,
    block_bytes: int = BLOCK_BYTES,
    progress: PassProgress | None = None,
) -> ReconcileResult:
    """The prison's voter list. The extract is read in blocks of ``block_bytes`` and only the rows that can concern
    the inmates are kept (``screen.py``), so memory follows the roster, not the extract."""
    settings = settings or match.MatchSettings()
    voting_day = profile.voting_day
    clock = _Stopwatch()
    with clock.stage("read roster"):
        roster = prepare_people(
            io.read_table(roster_path, sheet=roster_sheet, mapping=mapping, required=(Field.NAME,)),
            reference_date=voting_day,
        )
    rules = rules_for(site, profile)
    roster_view = match_view(roster.frame)
    with clock.stage("roster duplicates"):
        duplicates = decide.roster_duplicates(roster_view, settings)
    unique_view = roster_view[~roster_view["source_row"].isin(duplicates["source_row"])]

    frame, dukcapil, checks = roster.frame, None, None
    if dukcapil_path:
        with clock.stage("Dukcapil"):
            dukcapil = prepare_people(
                io.read_table(dukcapil_path, mapping=mapping, required=(Field.NAME, Field.NIK)),
                reference_date=voting_day,
            )
            dukcapil_matches, _ = match.link(unique_view, match_view(dukcapil.frame), settings)
            checks = _dukcapil_check(frame, dukcapil_matches, dukcapil.frame)
    proposed_nik = checks["proposed_nik"] if checks is not None else None

    with clock.stage("read and screen extract"):
        screened = screen_extract(
            TableBlocks(kpu_path, mapping=mapping, required=(Field.NAME, Field.NIK), block_bytes=block_bytes),
            unique_view,
            rules,
            reference_date=voting_day,
            settings=settings,
            extra_niks=frozenset(proposed_nik[proposed_nik != ""]) if proposed_nik is not None else frozenset(),
            progress=progress,
        )
        kpu = prepare_people(screened.table, reference_date=voting_day, require_rows=False)
    with clock.stage("match"):
        kpu_view = match_view(kpu.frame)
        at_prison = frozenset(kpu.frame.loc[decide.at_prison_tps(kpu.frame, rules), "source_row"].astype("int64"))
        kpu_matches, kpu_pairs = match.link(
            unique_view, kpu_view, settings, preferred_right=at_prison, timings=clock.timings
        )
        if checks is not None:
            kpu_matches = _match_by_proposed_nik(frame, checks["proposed_nik"], kpu_view, kpu_matches)

    with clock.stage("decide"):
        decisions = decide.decide_statuses(
            frame, duplicates, kpu_matches, kpu.frame, rules, screened.coverage, proposed_nik
        )
        decisions = decisions.join(
            kpu_matches.set_index("left_row")[["method", "score", "agreed", "disagreed", "candidates"]],
            on="source_row",
        )
        if checks is not None:
            decisions = pd.concat([decisions, checks], axis=1)
        review_rows = decisions.loc[decisions["status"] == decide.Status.NEEDS_REVIEW, "source_row"]
        review_candidates = kpu_pairs[
            kpu_pairs["left_row"].isin(review_rows) & (kpu_pairs["score"] >= settings.review_score)
        ].sort_values(["left_row", "score"], ascending=[True, False])
        kpu_side = decide.kpu_findings(kpu.frame, kpu_matches, rules)

    result = ReconcileResult(
        roster=roster,
        kpu=kpu,
        kpu_rows_read=screened.rows_read,
        dukcapil=dukcapil,
        decisions=decisions.reset_index(drop=True),
        kpu_side=kpu_side,
        review_candidates=review_candidates.reset_index(drop=True),
        coverage=screened.coverage,
        rules=rules,
        profile=profile,
        site=site,
        settings=settings,
        timings=clock.timings,
    )
    result.check_conservation()
    return result
