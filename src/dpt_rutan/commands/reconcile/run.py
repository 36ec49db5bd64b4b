"""`dpt-rutan reconcile`: the prison's voter list, matched against a KPU extract and, optionally, Dukcapil.

files -> people frames (``people``) -> roster duplicates, matches (``match``) -> statuses (``decide``). Rendering is
the report stage's job; this module returns data.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, kpu_codes, listing, match
from dpt_rutan.commands.reconcile.site_rosters import SiteRoster
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConservationError, empty_findings, make_findings
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import sources
from dpt_rutan.read.stream import BLOCK_BYTES
from dpt_rutan.scan.screen import PassProgress, screen_extract
from dpt_rutan.site import Site


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
    notes: list[str] = field(default_factory=list)  # what the input leaves undecided, for the summary
    timings: dict[str, float] = field(default_factory=dict)  # stage -> seconds
    extract_findings: pd.DataFrame = field(default_factory=empty_findings)  # where KPU rows are listed, the site's TPS
    kpu_parts: pd.DataFrame = field(default_factory=pd.DataFrame)  # every file and sheet of the KPU input
    kpu_files: list[tuple[Path, int]] = field(default_factory=list)  # each KPU file read and its data rows

    def status_counts(self) -> pd.Series:
        order = [status.value for status in decide.Status]
        return self.decisions["status"].value_counts().reindex(order, fill_value=0)

    def check_conservation(self) -> None:
        read = len(self.roster.frame)
        reported = int(self.status_counts().sum())
        if read != reported or self.decisions["source_row"].duplicated().any():
            raise ConservationError(f"{read} roster rows read but {reported} statuses reported")


def _dukcapil_check(roster: pd.DataFrame, matches: pd.DataFrame, dukcapil: pd.DataFrame) -> pd.DataFrame:
    """Per roster row: whether Dukcapil confirms the NIK, and the NIK it proposes where the roster's is missing or
    differs."""
    rows = roster["source_row"].astype("int64")
    decided = matches.set_index("left_row") if len(matches) else pd.DataFrame(columns=["right_row", "decision"])
    dukcapil_row = rows.map(decided["right_row"])
    decision = rows.map(decided["decision"]).astype(object).fillna("none")
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


@dataclass
class _Inmates:
    """One prison's roster made ready for the extract: typed, its duplicates found, checked against Dukcapil."""

    site: Site
    rules: decide.Rules
    roster: People
    duplicates: pd.DataFrame
    unique_view: pd.DataFrame  # the match view of the rows that are not duplicates
    checks: pd.DataFrame | None  # Dukcapil's word per roster row

    @property
    def proposed_nik(self) -> pd.Series | None:
        return self.checks["proposed_nik"] if self.checks is not None else None


@dataclass
class _Dukcapil:
    people: People
    view: pd.DataFrame  # matched against every prison's roster: made once


def _read_dukcapil(path: Path | None, mapping: dict[str, str] | None, profile: ElectionProfile) -> _Dukcapil | None:
    if path is None:
        return None
    table, _ = sources.read_extract(path, mapping=mapping)
    people = prepare_people(table, reference_date=profile.voting_day)
    return _Dukcapil(people, match_view(people.frame))


def _prepare_inmates(
    site_roster: SiteRoster,
    profile: ElectionProfile,
    settings: match.MatchSettings,
    dukcapil: _Dukcapil | None,
    clock: _Stopwatch,
) -> _Inmates:
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
            checks = _dukcapil_check(roster.frame, dukcapil_matches, dukcapil.people.frame)
    rules = decide.Rules.for_site(site_roster.site, profile)
    return _Inmates(site_roster.site, rules, roster, duplicates, unique_view, checks)


@dataclass
class _Extract:
    """The rows of the KPU extract that concern any of the prisons, typed once for all of them."""

    kpu: People
    view: pd.DataFrame
    rows_read: int
    coverage: decide.Coverage
    regency: listing.ExtractRegency
    loksus_tps: dict[str, list[int]]
    parts: sources.PartsBlocks
    codes: pd.DataFrame  # kpu_codes.read_codes: each row's KETERANGAN code and whether it is a registration


def _numbered_through(prisons: list[_Inmates]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Every prison's inmates in one match view, ``source_row`` numbered through (roster rows repeat across files),
    with each one's prison (its index) and roster row."""
    views = [prison.unique_view for prison in prisons]
    prison_at = np.concatenate([np.full(len(view), index) for index, view in enumerate(views)])
    row_at = np.concatenate([view["source_row"].astype("int64").to_numpy() for view in views])
    inmates = pd.concat(views, ignore_index=True).assign(source_row=np.arange(len(row_at)))
    return inmates, prison_at, row_at


def _screened_extract(
    prisons: list[_Inmates],
    kpu_path: Path | Sequence[Path],
    *,
    kpu_sheets: Sequence[str],
    mapping: dict[str, str] | None,
    profile: ElectionProfile,
    settings: match.MatchSettings,
    block_bytes: int,
    progress: PassProgress | None,
) -> _Extract:
    """One read of the extract for every prison. The screen only tells inmates apart, so the prisons' inmates are
    numbered through (their roster rows repeat across files), and it keeps the rows at any of their TPS numbers."""
    inmates, _, _ = _numbered_through(prisons)
    extra_niks: set[str] = set()
    for prison in prisons:
        if prison.proposed_nik is not None:
            extra_niks.update(prison.proposed_nik[prison.proposed_nik != ""])
    tps_numbers = sorted({number for prison in prisons for number in prison.rules.prison_tps})
    parts = sources.open_extract(kpu_path, kpu_sheets, mapping=mapping, block_bytes=block_bytes)
    screened = screen_extract(
        sources.blocks_for_screen(parts),
        inmates,
        replace(prisons[0].rules, prison_tps=tuple(tps_numbers)),
        reference_date=profile.voting_day,
        settings=settings,
        extra_niks=frozenset(extra_niks),
        site_regencies=frozenset(prison.rules.prison_district[:5] for prison in prisons),
        progress=progress,
    )
    parts.count_single(screened.rows_read, screened.table.skipped)
    kpu = prepare_people(screened.table, reference_date=profile.voting_day, require_rows=False)
    kpu.frame = listing.with_listing(kpu.frame, screened.regency)
    codes = kpu_codes.read_codes(kpu.frame, profile)
    unknown = kpu_codes.unknown_code_findings(kpu.frame, codes)
    table = kpu.table
    kpu.findings = pd.concat(
        [kpu.findings, make_findings(unknown, file=table.name, sheet=table.sheet, columns=table.columns)],
        ignore_index=True,
    )
    view = match_view(kpu.frame)
    return _Extract(
        kpu, view, screened.rows_read, screened.coverage, screened.regency, screened.loksus_tps, parts, codes
    )


def _niks_concerning(
    prison: _Inmates, extract: _Extract, compared: pd.DataFrame, settings: match.MatchSettings
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


def _decide(
    prison: _Inmates, extract: _Extract, profile: ElectionProfile, settings: match.MatchSettings, clock: _Stopwatch
) -> ReconcileResult:
    frame, rules, kpu = prison.roster.frame, prison.rules, extract.kpu
    # Rows KPU struck off (TMS) are not registrations: matched only for the inmates no registration matches.
    registered = extract.codes["registered"].to_numpy(dtype=bool)
    listed, listed_view = kpu.frame[registered], extract.view[registered]
    with clock.stage("match"):
        at_prison = frozenset(listed.loc[decide.at_prison_tps(listed, rules), "source_row"].astype("int64"))
        kpu_matches, kpu_pairs = match.link(
            prison.unique_view, listed_view, settings, preferred_right=at_prison, timings=clock.timings
        )
        if prison.checks is not None:
            kpu_matches = _match_by_proposed_nik(frame, prison.proposed_nik, listed_view, kpu_matches)
        struck_off = kpu_codes.struck_off_matches(prison.unique_view, extract.view[~registered], kpu_matches, settings)

    with clock.stage("decide"):
        decisions = decide.decide_statuses(
            frame, prison.duplicates, kpu_matches, listed, rules, extract.coverage, prison.proposed_nik
        )
        kpu_codes.mark_struck_off(decisions, struck_off, extract.codes, kpu.frame)
        decisions = decisions.join(
            kpu_matches.set_index("left_row")[["method", "score", "agreed", "disagreed", "candidates"]],
            on="source_row",
        )
        if prison.checks is not None:
            decisions = pd.concat([decisions, prison.checks], axis=1)
        review_rows = decisions.loc[decisions["status"] == decide.Status.NEEDS_REVIEW, "source_row"]
        review_candidates = kpu_pairs[
            kpu_pairs["left_row"].isin(review_rows) & (kpu_pairs["score"] >= settings.review_score)
        ].sort_values(["left_row", "score"], ascending=[True, False])
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
    clock = _Stopwatch()
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
    clock = _Stopwatch()
    with clock.stage("Dukcapil"):
        dukcapil = _read_dukcapil(dukcapil_path, mapping, profile)
    prisons = [_prepare_inmates(site_roster, profile, settings, dukcapil, clock) for site_roster in site_rosters]
    with clock.stage("read and screen extract"):
        extract = _screened_extract(
            prisons,
            kpu_path,
            kpu_sheets=kpu_sheets,
            mapping=mapping,
            profile=profile,
            settings=settings,
            block_bytes=block_bytes,
            progress=progress,
        )
    results = []
    for prison in prisons:
        own = _Stopwatch()
        result = _decide(prison, extract, profile, settings, own)
        result.dukcapil = dukcapil.people if dukcapil is not None else None
        for stage, seconds in own.timings.items():
            clock.timings[stage] = clock.timings.get(stage, 0.0) + seconds
        results.append(result)
    with clock.stage("across prisons"):
        across = _across_prisons(prisons, settings) if len(prisons) > 1 else _ACROSS_NONE.copy()
    for result in results:
        result.timings = clock.timings
    return SitesResult(results, across, _transfers(results), extract.rows_read, clock.timings)


_ACROSS_NONE = pd.DataFrame(
    {"prison_a": [], "row_a": np.array([], "int64"), "prison_b": [], "row_b": np.array([], "int64"), "method": []}
)


def _across_prisons(prisons: list[_Inmates], settings: match.MatchSettings) -> pd.DataFrame:
    """Pairs of inmates of two prisons who are one person (``decide.same_person_pairs``): a transfer that one of
    the rosters has not caught up with, and a voter who would be listed at two prisons' TPS."""
    inmates, prison_at, row_at = _numbered_through(prisons)
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
