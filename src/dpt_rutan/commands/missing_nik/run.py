"""`dpt-rutan missing-nik`: the inmates whose NIK Dukcapil must find or record, why, and who they may already be.

"No NIK" in a roster usually means the prison does not know it, rarely that the person was never registered
(docs/missing-nik.md): so every person is listed with the reason their NIK cannot be used and, when a
Dukcapil or KPU extract is given, the NIKs of the people there who look like them, for Dukcapil to confirm a known
person instead of recording them again.

roster and extracts -> people frames (``people``) -> NIK findings, roster duplicates, eligibility (``decide``),
candidate NIKs (``match``) -> one outcome per roster row. Every data row of the roster gets exactly one outcome:
listed for this election, listed apart (released before voting day, under age, or otherwise no voter this time),
fine, or a repeat of a person counted on another row. The reason codes and each row's outcome are in ``reasons``,
the candidate NIKs in ``candidates``, the table of the people listed in ``listed``.

A KPU extract (a province: 30 million rows) is read in blocks, keeping only its rows that can tell something about
the roster's people (:func:`read_kpu_extract`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing, match, regions
from dpt_rutan.commands.missing_nik.candidates import Source, best_candidates, candidate_pairs
from dpt_rutan.commands.missing_nik.listed import listed_people
from dpt_rutan.commands.missing_nik.reasons import (
    DOUBTFUL,
    REASONS,
    STRUCTURAL,
    Outcome,
    detail_of_primary,
    row_outcomes,
)
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConservationError
from dpt_rutan.fields import Field
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import reader, sources
from dpt_rutan.read.stream import BLOCK_BYTES
from dpt_rutan.scan.kept import keep_rows
from dpt_rutan.site import Site

NOT_THIS_ELECTION = (
    decide.Status.RELEASED_BEFORE_VOTING,
    decide.Status.INELIGIBLE_AGE,
    decide.Status.INELIGIBLE_FOREIGN,
    decide.Status.INELIGIBLE_RIGHTS_REVOKED,
    decide.Status.INELIGIBLE_MILITARY,
)
NIK_FOUND_LEVELS = ("exact", "masked_agree")
"""NIK levels of a pair that find the roster's NIK in the extract, whatever the pair's score."""


@dataclass
class RosterPeople:
    """The roster's people: what their NIK cells show and which row speaks for each person."""

    people: People
    structural: pd.DataFrame  # one bool column per structural reason code, aligned with people.frame
    representative: pd.Series  # per row, the source_row of the row that speaks for its person
    unique_view: pd.DataFrame  # match view of the representative rows: whom the extracts are searched for

    @classmethod
    def of(cls, people: People, settings: match.MatchSettings) -> RosterPeople:
        frame = people.frame
        structural = _structural_reasons(frame, people.findings)
        representative = _representatives(frame, ~structural.any(axis=1), settings)
        view = match_view(frame)
        unique_view = view[view["source_row"].isin(representative)].reset_index(drop=True)
        return cls(people, structural, representative, unique_view)


@dataclass
class ExtractRows:
    """An extract as the search needs it: its rows, and what the whole file holds."""

    people: People  # every row of a Dukcapil extract; of a KPU extract, those that can concern the roster's people
    rows_read: int  # data rows of the whole file
    coverage: decide.Coverage  # the regions the whole file covers


@dataclass
class ExtractSearch:
    """What one extract says about the roster's people, per representative roster row."""

    source: Source
    extract: ExtractRows
    found: pd.Series  # bool, by source_row: the row's NIK is in the extract (or agrees with a masked one)
    confirmed: pd.Series  # bool, by source_row: matched to one extract person by that very NIK
    covered: pd.Series  # bool, by source_row: the extract covers the person's home area
    candidates: pd.DataFrame  # CANDIDATE_COLUMNS without rank, every plausible pair with a usable NIK


@dataclass
class MissingNikResult:
    """One outcome per roster row, the people listed for Dukcapil, and their candidate NIKs."""

    roster: People
    rows: pd.DataFrame  # one per roster data row, in file order: source_row, outcome, representative, reasons
    listed: pd.DataFrame  # one per listed person, this election first, then by home kab/kota and row
    candidates: pd.DataFrame  # CANDIDATE_COLUMNS: up to MAX_CANDIDATES per listed person, best first
    extracts: dict[Source, People]
    profile: ElectionProfile
    site: Site
    settings: match.MatchSettings
    notes: list[str] = field(default_factory=list)
    kpu_rows_read: int | None = None  # data rows of the whole KPU extract (``extracts`` holds the rows kept)

    def counts(self) -> dict[str, int]:
        """Rows read and the rows of each outcome; the outcomes add up to the rows read."""
        by_outcome = self.rows["outcome"].value_counts()
        return {"rows_read": len(self.roster.frame)} | {o.value: int(by_outcome.get(o.value, 0)) for o in Outcome}

    def check_accounting(self) -> None:
        counts = self.counts()
        accounted = sum(counts[outcome.value] for outcome in Outcome)
        if accounted != counts["rows_read"] or self.rows["source_row"].duplicated().any():
            raise ConservationError(f"{counts['rows_read']} roster rows read but {accounted} accounted for")


def find_missing_nik(
    roster_path: Path,
    *,
    site: Site,
    profile: ElectionProfile,
    dukcapil_path: Path | None = None,
    kpu_path: Path | None = None,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    settings: match.MatchSettings | None = None,
    block_bytes: int = BLOCK_BYTES,
    kpu_sheets: Sequence[str] = (),
) -> MissingNikResult:
    """List every inmate whose NIK is missing or cannot be trusted, with candidate NIKs from the extracts given.
    A KPU extract is read in blocks of ``block_bytes``."""
    settings = settings or match.MatchSettings()
    table = sources.read_roster(roster_path, sheet, mapping=mapping)
    roster = RosterPeople.of(prepare_people(table, reference_date=profile.voting_day), settings)
    extracts: dict[Source, ExtractRows] = {}
    if dukcapil_path is not None:
        extracts[Source.DUKCAPIL] = _read_dukcapil_extract(dukcapil_path, mapping, profile)
    if kpu_path is not None:
        extracts[Source.KPU] = read_kpu_extract(
            kpu_path, roster, mapping, profile, settings, block_bytes, kpu_sheets, site.district_code[:5]
        )
    return missing_nik_result(roster, extracts, site=site, profile=profile, settings=settings)


def missing_nik_result(
    roster: RosterPeople,
    extracts: dict[Source, ExtractRows],
    *,
    site: Site,
    profile: ElectionProfile,
    settings: match.MatchSettings,
) -> MissingNikResult:
    """One outcome per roster row and the candidate NIKs, from the roster's people and the extracts read."""
    frame = roster.people.frame
    searches = [search_extract(source, extract, roster, settings) for source, extract in extracts.items()]
    codes = _final_reasons(frame, roster.structural, searches)
    flags = decide.eligibility(frame, decide.Rules.for_site(site, profile))[list(NOT_THIS_ELECTION)]
    rows = row_outcomes(frame, codes, flags, roster.representative)
    listed_rows = rows.loc[rows["outcome"].isin([Outcome.LISTED, Outcome.LISTED_APART]), "source_row"]
    candidates = best_candidates([search.candidates for search in searches], listed_rows)
    result = MissingNikResult(
        roster=roster.people,
        rows=rows.reset_index(drop=True),
        listed=listed_people(frame, rows, detail_of_primary(roster.people.findings, rows), candidates, settings),
        candidates=candidates,
        extracts={source: extract.people for source, extract in extracts.items()},
        profile=profile,
        site=site,
        settings=settings,
        notes=[_coverage_note(search) for search in searches],
        kpu_rows_read=extracts[Source.KPU].rows_read if Source.KPU in extracts else None,
    )
    result.check_accounting()
    return result


# --- reading the extracts ---------------------------------------------------------------------------------------


def _read_dukcapil_extract(path: Path, mapping: dict[str, str] | None, profile: ElectionProfile) -> ExtractRows:
    table, _ = sources.read_extract(path, mapping=mapping)
    people = prepare_people(table, reference_date=profile.voting_day)
    return ExtractRows(people, len(people.frame), decide.extract_coverage(people.frame))


def read_kpu_extract(
    path: Path,
    roster: RosterPeople,
    mapping: dict[str, str] | None,
    profile: ElectionProfile,
    settings: match.MatchSettings,
    block_bytes: int = BLOCK_BYTES,
    sheets: Sequence[str] = (),
    site_regency: str = "",
) -> ExtractRows:
    """The KPU extract read in blocks, keeping the rows that can tell something about the roster's people
    (:class:`_TellingRows`): memory follows the roster, not the extract. The search gives what reading the whole
    extract gives.

    ``screen.screen_extract`` keeps what the matcher's decisions need, which is not enough here: a NIK counts as
    found on any pair whose NIKs agree (:data:`NIK_FOUND_LEVELS`), whatever its score, and a pair from a
    birth-date or name block has "masked_agree" when the mask hides digits NIK blocking cannot join on (the
    province's). Each block is typed whole, as reading the whole file types it.
    """
    blocks = sources.blocks_for_screen(sources.open_extract(path, sheets, mapping=mapping, block_bytes=block_bytes))
    # Where the rows are listed, for the regions the extract covers: its own columns, never the NIK (listing.py).
    regency = listing.extract_regency(path, frozenset({site_regency} - {""}), Counter())
    telling = _TellingRows(roster.unique_view, settings)
    coverages: list[decide.Coverage] = []

    def keep(block: reader.ReadTable) -> np.ndarray:
        people = prepare_people(block, reference_date=profile.voting_day, require_rows=False)
        coverages.append(decide.extract_coverage(listing.with_listing(people.frame, regency)))
        return telling(people.frame)

    kept = keep_rows(blocks, keep, restart=coverages.clear)
    people = prepare_people(kept.table(blocks.description), reference_date=profile.voting_day, require_rows=False)
    return ExtractRows(people, kept.rows_read, decide.Coverage.union_of(coverages))


class _TellingRows:
    """Rows of a block that can tell something about the roster's people: those of their NIK blocks, and those of
    their birth-date and name blocks that score the review score with one of them or whose NIK agrees.

    :func:`match.link` compares no other pair, and pairs below the review score only count through their NIK
    level. It blocks by birth date and name only the people no NIK row settles; this keeps those rows for everyone,
    as which people are settled is known only once every block is read.
    """

    def __init__(self, people: pd.DataFrame, settings: match.MatchSettings) -> None:
        self.people, self.settings = people, settings
        self.nik_blocks = match.NikBlocks(people)

    def __call__(self, frame: pd.DataFrame) -> np.ndarray:
        if frame.empty:
            return np.zeros(0, dtype=bool)
        view = match_view(frame)
        fuzzy = match.fuzzy_candidate_pairs(self.people, view)
        compared = match.compare_pairs(fuzzy, self.people, view, self.settings)
        telling = (compared["score"] >= self.settings.review_score) | compared["nik_level"].isin(NIK_FOUND_LEVELS)
        wanted = pd.concat([self.nik_blocks.pairs(view)["right_row"], compared.loc[telling, "right_row"]])
        return view["source_row"].isin(wanted).to_numpy()


# --- reasons ------------------------------------------------------------------------------------------------------


def _structural_reasons(frame: pd.DataFrame, findings: pd.DataFrame) -> pd.DataFrame:
    """One boolean column per structural reason code, aligned with ``frame``: what the NIK cell itself shows."""
    nik_findings = findings[(findings["field"] == Field.NIK.value) & findings["code"].isin(STRUCTURAL)]
    rows = frame["source_row"].astype("int64")
    return pd.DataFrame(
        {code: rows.isin(nik_findings.loc[nik_findings["code"] == code, "source_row"]) for code in STRUCTURAL},
        index=frame.index,
    )


def _representatives(frame: pd.DataFrame, clean: pd.Series, settings: match.MatchSettings) -> pd.Series:
    """Per row, the source_row of the row that speaks for its person: a row with a clean NIK if one has it.

    Repeats of a person (same NIK, or same name and birth date) are counted once; a person whose NIK is right on
    one of their rows needs nothing from Dukcapil.
    """
    rows = frame["source_row"].astype("int64")
    duplicates = decide.roster_duplicates(match_view(frame), settings)
    group = rows.map(duplicates.set_index("source_row")["duplicate_of"]).fillna(rows).astype("int64")
    ordered = pd.DataFrame({"group": group, "clean": clean, "source_row": rows}).sort_values(
        ["group", "clean", "source_row"], ascending=[True, False, True]
    )
    return group.map(ordered.groupby("group")["source_row"].first())


def search_extract(
    source: Source, extract: ExtractRows, roster: RosterPeople, settings: match.MatchSettings
) -> ExtractSearch:
    """Link the roster's people to one extract: is each NIK there, and who there looks like each person."""
    unique_view = roster.unique_view
    decisions, compared = match.link(unique_view, match_view(extract.people.frame), settings)
    rows = unique_view["source_row"]
    nik_agrees = compared.loc[compared["nik_level"].isin(NIK_FOUND_LEVELS), "left_row"]
    by_nik = decisions[(decisions["decision"] == "match") & (decisions["method"] == "nik_exact")]["left_row"]
    home = roster.people.frame.set_index("source_row").loc[rows, ["home_regency", "home_district"]].fillna("")
    covered = extract.coverage.covers(home["home_regency"], home["home_district"])
    return ExtractSearch(
        source=source,
        extract=extract,
        found=pd.Series(rows.isin(nik_agrees).to_numpy(), index=rows),
        confirmed=pd.Series(rows.isin(by_nik).to_numpy(), index=rows),
        covered=pd.Series(covered.to_numpy(), index=rows),
        candidates=candidate_pairs(compared, extract.people.frame, source, settings),
    )


def _final_reasons(frame: pd.DataFrame, structural: pd.DataFrame, searches: list[ExtractSearch]) -> pd.DataFrame:
    """Structural reasons, less the doubts an extract clears, plus NOT_FOUND_IN_* for usable NIKs an extract lacks.

    A KPU extract's silence says nothing about the NIK when Dukcapil, the registry itself, confirms it: the person
    is then merely not on the voter list, which is reconcile's business, not Dukcapil's.
    """
    rows = frame["source_row"].astype("int64")
    codes = structural.copy()
    confirmed = pd.Series(False, index=frame.index)
    for search in searches:
        confirmed |= rows.map(search.confirmed).fillna(False).astype(bool)
    for doubt in DOUBTFUL:
        codes[doubt] &= ~confirmed
    usable = frame["nik_usable"].astype(bool) & ~structural.any(axis=1)
    dukcapil_confirmed = pd.Series(False, index=frame.index)
    for search in sorted(searches, key=lambda s: s.source != Source.DUKCAPIL):  # Dukcapil first
        covered = rows.map(search.covered).fillna(False).astype(bool)
        found = rows.map(search.found).fillna(False).astype(bool)
        missing_here = usable & covered & ~found
        if search.source == Source.KPU:
            missing_here &= ~dukcapil_confirmed
        else:
            dukcapil_confirmed = rows.map(search.confirmed).fillna(False).astype(bool)
        codes[f"NOT_FOUND_IN_{search.source.value}"] = missing_here
    return codes.reindex(columns=[code for code in REASONS if code in codes.columns])


def _coverage_note(search: ExtractSearch) -> str:
    extract = search.extract
    labels = ", ".join(sorted(regions.region_label(code) for code in extract.coverage.regencies)) or "-"
    return (
        f"{search.source.value} {extract.people.table.name}: {extract.rows_read} baris; "
        f"NIK hanya dinyatakan tidak ditemukan bagi WBP yang daerah asalnya tercakup ({labels})"
    )
