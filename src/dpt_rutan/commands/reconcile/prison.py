"""One prison's statuses: its inmates matched against the screened extract, decided, and accounted for."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, kpu_codes, listing, match
from dpt_rutan.commands.reconcile.dukcapil import match_by_proposed_nik
from dpt_rutan.commands.reconcile.extract import Extract
from dpt_rutan.commands.reconcile.inmates import Inmates
from dpt_rutan.commands.reconcile.stopwatch import Stopwatch
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConservationError, empty_findings
from dpt_rutan.people import People
from dpt_rutan.site import Site


@dataclass
class ReconcileResult:
    """One prison's reconciliation: a status per roster row, the extract's rows that concern it, and the notes."""

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
    notes: list[str] = field(default_factory=list)  # what the input leaves undecided, for the summary
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    extract_findings: pd.DataFrame = field(default_factory=empty_findings)  # where KPU rows are listed, the site's TPS
    kpu_parts: pd.DataFrame = field(default_factory=pd.DataFrame)  # every file and sheet of the KPU input
    kpu_files: list[tuple[Path, int]] = field(default_factory=list)  # each KPU file read and its data rows

    def status_counts(self) -> pd.Series:
        """Roster rows per status, every status listed in its order."""
        order = [status.value for status in decide.Status]
        return self.decisions["status"].value_counts().reindex(order, fill_value=0)

    def check_conservation(self) -> None:
        """Every roster row read has exactly one status, or the run stops."""
        read = len(self.roster.frame)
        reported = int(self.status_counts().sum())
        if read != reported or self.decisions["source_row"].duplicated().any():
            raise ConservationError(f"{read} roster rows read but {reported} statuses reported")


def _niks_concerning(
    prison: Inmates, extract: Extract, compared: pd.DataFrame, settings: match.MatchSettings
) -> frozenset[str]:
    """The extract's NIKs that concern the prison: an inmate's NIK or one a typo from it, any candidate at the review
    score or above, a NIK Dukcapil proposes, a NIK listed at the prison's TPS."""
    nik_block = match.nik_candidate_pairs(prison.unique_view, extract.view)["right_row"]
    candidates = compared.loc[compared["score"] >= settings.review_score, "right_row"]
    frame = extract.kpu.frame
    rows = pd.concat([nik_block, candidates, frame.loc[decide.at_prison_tps(frame, prison.rules), "source_row"]])
    niks = frame.loc[frame["source_row"].isin(rows) & frame["nik_usable"].astype(bool), "nik_clean"]
    proposed = prison.proposed_nik
    return frozenset(niks) | (frozenset(proposed[proposed != ""]) if proposed is not None else frozenset())


def decide_prison(
    prison: Inmates, extract: Extract, profile: ElectionProfile, settings: match.MatchSettings, clock: Stopwatch
) -> ReconcileResult:
    """The prison's statuses, from its inmates and the extract read for every prison, with what the extract leaves
    undecided."""
    rules, kpu = prison.rules, extract.kpu
    # Rows KPU struck off (TMS) are not registrations: matched only for the inmates no registration matches.
    registered = extract.codes["registered"].to_numpy(dtype=bool)
    listed = kpu.frame[registered]
    with clock.stage("match"):
        kpu_matches, kpu_pairs, struck_off = _link(prison, extract, listed, registered, settings, clock)

    with clock.stage("decide"):
        decisions = _statuses(prison, extract, listed, kpu_matches, struck_off)
        review_candidates = _review_candidates(decisions, kpu_pairs, settings)
        concerning = _niks_concerning(prison, extract, kpu_pairs, settings)
        kpu_side = decide.kpu_findings(listed, kpu_matches, rules, concerning)

    result = ReconcileResult(
        roster=prison.roster,
        kpu=kpu,
        kpu_rows_read=extract.rows_read,
        dukcapil=None,
        decisions=decisions.reset_index(drop=True),
        kpu_side=kpu_side,
        review_candidates=review_candidates.reset_index(drop=True),
        coverage=extract.coverage,
        rules=rules,
        profile=profile,
        site=prison.site,
        settings=settings,
        timings=clock.timings,
    )
    result.notes, result.extract_findings = listing.extract_checks(
        extract.kpu, extract.regency, extract.coverage, extract.loksus_tps, rules
    )
    result.kpu_parts, result.kpu_files = extract.parts.parts_frame(), extract.parts.files()
    result.notes += extract.parts.footer_notes()
    result.check_conservation()
    return result


def _link(
    prison: Inmates,
    extract: Extract,
    listed: pd.DataFrame,
    registered: np.ndarray,
    settings: match.MatchSettings,
    clock: Stopwatch,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The inmates' matches among the registrations (the prison's TPS preferred, then by a NIK Dukcapil proposes),
    every pair compared, and the struck-off rows matched to the inmates no registration matches."""
    listed_view = extract.view[registered]
    at_prison = frozenset(listed.loc[decide.at_prison_tps(listed, prison.rules), "source_row"].astype("int64"))
    kpu_matches, kpu_pairs = match.link(
        prison.unique_view, listed_view, settings, preferred_right=at_prison, timings=clock.timings
    )
    if prison.checks is not None:
        kpu_matches = match_by_proposed_nik(prison.roster.frame, prison.proposed_nik, listed_view, kpu_matches)
    struck_off = kpu_codes.struck_off_matches(prison.unique_view, extract.view[~registered], kpu_matches, settings)
    return kpu_matches, kpu_pairs, struck_off


def _statuses(
    prison: Inmates, extract: Extract, listed: pd.DataFrame, kpu_matches: pd.DataFrame, struck_off: pd.DataFrame
) -> pd.DataFrame:
    """One row per roster row: its status, how it was matched, and Dukcapil's word on it."""
    decisions = decide.decide_statuses(
        prison.roster.frame,
        prison.duplicates,
        kpu_matches,
        listed,
        prison.rules,
        extract.coverage,
        prison.proposed_nik,
    )
    kpu_codes.mark_struck_off(decisions, struck_off, extract.codes, extract.kpu.frame)
    decisions = decisions.join(
        kpu_matches.set_index("left_row")[["method", "score", "agreed", "disagreed", "candidates"]],
        on="source_row",
    )
    if prison.checks is not None:
        decisions = pd.concat([decisions, prison.checks], axis=1)
    return decisions


def _review_candidates(decisions: pd.DataFrame, pairs: pd.DataFrame, settings: match.MatchSettings) -> pd.DataFrame:
    """The pairs at the review score or above of the rows that need review, best first."""
    review_rows = decisions.loc[decisions["status"] == decide.Status.NEEDS_REVIEW, "source_row"]
    return pairs[pairs["left_row"].isin(review_rows) & (pairs["score"] >= settings.review_score)].sort_values(
        ["left_row", "score"], ascending=[True, False]
    )
