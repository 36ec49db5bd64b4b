"""`dpt-rutan missing-nik`: the inmates whose NIK Dukcapil must find or record, why, and who they may already be.

"No NIK" in a roster usually means the prison does not know it, rarely that the person was never registered
(docs/missing-nik.md): so every person is listed with the reason their NIK cannot be used and, when a
Dukcapil or KPU extract is given, the NIKs of the people there who look like them, for Dukcapil to confirm a known
person instead of recording them again.

roster and extracts -> people frames (``people``) -> NIK findings, roster duplicates, eligibility (``decide``),
candidate NIKs (``match``) -> one outcome per roster row. Every data row of the roster gets exactly one outcome:
listed for this election, listed apart (released before voting day, under age, or otherwise no voter this time),
fine, or a repeat of a person counted on another row.

A KPU extract (a province: 30 million rows) is read in blocks, keeping only its rows that can tell something about
the roster's people (:func:`read_kpu_extract`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing, match, regions
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConservationError, define_code
from dpt_rutan.fields import Field
from dpt_rutan.nik import nkk_findings
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import reader, sources
from dpt_rutan.read.stream import BLOCK_BYTES
from dpt_rutan.scan.kept import keep_rows
from dpt_rutan.site import Site

define_code(
    "NOT_FOUND_IN_DUKCAPIL",
    "warning",
    "NIK tidak ada di data Dukcapil yang diberikan, padahal data itu mencakup daerah asal WBP: mungkin salah ketik.",
    "The NIK is not in the Dukcapil extract given, although it covers the inmate's home area: it may be mistyped.",
)
define_code(
    "NOT_FOUND_IN_KPU",
    "warning",
    "NIK tidak ada di data KPU yang diberikan, padahal data itu mencakup daerah asal WBP: pastikan NIK ke Dukcapil.",
    "The NIK is not in the KPU extract given, although it covers the inmate's home area: have Dukcapil confirm it.",
)

REASONS: dict[str, str] = {
    "MISSING": "NIK kosong",
    "PLACEHOLDER": "NIK belum diketahui (diisi tanda pengganti)",
    "EXCEL_MANGLED": "NIK rusak oleh Excel: digit terakhir hilang",
    "NUMBER_SUSPECT": "NIK tersimpan sebagai angka berakhir 0: mungkin terpotong oleh Excel",
    "NOT_DIGITS": "NIK berisi huruf atau tanda selain angka",
    "BAD_LENGTH": "NIK tidak 16 digit",
    "MASKED": "Sebagian digit NIK disamarkan (* atau x)",
    "TEMPORARY_NIK": "NIK sementara (diawali 0), bukan NIK Dukcapil",
    "UNKNOWN_PROVINCE": "Kode provinsi dalam NIK tidak ada",
    "NIK_BAD_BIRTH_DATE": "Tanggal lahir dalam NIK bukan tanggal yang ada",
    "SERIAL_ZERO": "Nomor urut NIK 0000 tidak pernah diterbitkan",
    "DOB_MISMATCH": "Tanggal lahir dalam NIK berbeda dengan tanggal lahir WBP: NIK mungkin milik orang lain",
    "GENDER_MISMATCH": "Jenis kelamin dalam NIK berbeda dengan jenis kelamin WBP: NIK mungkin milik orang lain",
    "NOT_FOUND_IN_DUKCAPIL": "NIK tidak ditemukan di data Dukcapil",
    "NOT_FOUND_IN_KPU": "NIK tidak ditemukan di data KPU",
}
"""Reason codes, most telling first (the first that applies is a person's reason), with a plain Indonesian reason."""

DOUBTFUL = ("DOB_MISMATCH", "GENDER_MISMATCH")
"""A structurally valid NIK that may be someone else's: an extract holding it for this very person clears it."""

STRUCTURAL = tuple(code for code in REASONS if not code.startswith("NOT_FOUND_IN_"))

NOT_THIS_ELECTION = (
    decide.Status.RELEASED_BEFORE_VOTING,
    decide.Status.INELIGIBLE_AGE,
    decide.Status.INELIGIBLE_FOREIGN,
    decide.Status.INELIGIBLE_RIGHTS_REVOKED,
    decide.Status.INELIGIBLE_MILITARY,
)
MAX_CANDIDATES = 3
FIELD_LABELS = {"nik": "NIK", "name": "nama", "dob": "tanggal lahir", "sex": "jenis kelamin", "mother": "nama ibu"}
_CLOSE_LEVELS = ("close", "similar", "partial", "one_edit", "masked_agree")
NIK_FOUND_LEVELS = ("exact", "masked_agree")
"""NIK levels of a pair that find the roster's NIK in the extract, whatever the pair's score."""


class Outcome(StrEnum):
    LISTED = "LISTED"  # needs a NIK for this election
    LISTED_APART = "LISTED_APART"  # needs a NIK, but is no voter at this election
    FINE = "FINE"
    DUPLICATE = "DUPLICATE"  # another row of a person counted on their representative row


class Source(StrEnum):
    DUKCAPIL = "DUKCAPIL"
    KPU = "KPU"


CANDIDATE_COLUMNS = ["source_row", "rank", "nik", "source", "extract_row", "score", "agreed", "disagreed"]


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
    rows = _row_outcomes(frame, codes, flags, roster.representative)
    listed_rows = rows.loc[rows["outcome"].isin([Outcome.LISTED, Outcome.LISTED_APART]), "source_row"]
    candidates = _best_candidates([search.candidates for search in searches], listed_rows)
    result = MissingNikResult(
        roster=roster.people,
        rows=rows.reset_index(drop=True),
        listed=_listed_people(frame, rows, _detail_of_primary(roster.people.findings, rows), candidates, settings),
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
        candidates=_candidate_pairs(compared, extract.people.frame, source, settings),
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


def _codes_text(codes: pd.DataFrame) -> pd.Series:
    """The codes that apply, as "MISSING; DOB_MISMATCH", one column at a time."""
    text = pd.Series("", index=codes.index, dtype=object)
    for code in codes.columns:
        text = text + np.where(codes[code], code + "; ", "")
    return text.str.removesuffix("; ")


def _row_outcomes(
    frame: pd.DataFrame, codes: pd.DataFrame, flags: pd.DataFrame, representative: pd.Series
) -> pd.DataFrame:
    rows = frame["source_row"].astype("int64")
    has_reason = codes.any(axis=1)
    apart = flags.any(axis=1)
    outcome = np.select(
        [rows != representative, has_reason & ~apart, has_reason],
        [Outcome.DUPLICATE.value, Outcome.LISTED.value, Outcome.LISTED_APART.value],
        Outcome.FINE.value,
    )
    reason_code = codes.idxmax(axis=1).where(has_reason, "")
    apart_status = flags.idxmax(axis=1).where(apart, "")
    return pd.DataFrame(
        {
            "source_row": rows,
            "outcome": outcome,
            "representative": representative,
            "reason_code": reason_code.astype(object),
            "reason": reason_code.map(REASONS).fillna(""),
            "reason_codes": _codes_text(codes),
            "not_this_election": apart_status.map(lambda status: decide.STATUS_LABELS.get(status, "")),
        },
        index=frame.index,
    )


def _detail_of_primary(findings: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Per row, the finding's value for its reason code ("NIK 12-03-1990 ≠ 03-12-1990: ..."), by source_row."""
    nik_findings = findings[findings["field"] == Field.NIK.value].drop_duplicates(["source_row", "code"])
    keyed = nik_findings.set_index(["source_row", "code"])["value"]
    wanted = pd.MultiIndex.from_arrays([rows["source_row"], rows["reason_code"]])
    return pd.Series(keyed.reindex(wanted).fillna("").to_numpy(), index=rows["source_row"].to_numpy())


# --- candidates ---------------------------------------------------------------------------------------------------


def _fields_at(compared: pd.DataFrame, levels: tuple[str, ...], mark_close: bool) -> pd.Series:
    """The fields compared at one of ``levels``, in Indonesian: "nama, tanggal lahir (mirip), nama ibu"."""
    text = pd.Series("", index=compared.index, dtype=object)
    for name, label in FIELD_LABELS.items():
        level = compared[f"{name}_level"]
        suffix = np.where(mark_close & level.isin(_CLOSE_LEVELS), " (mirip)", "")
        text = text + np.where(level.isin(levels), label + suffix + ", ", "")
    return text.str.removesuffix(", ")


def _candidate_pairs(
    compared: pd.DataFrame, extract: pd.DataFrame, source: Source, settings: match.MatchSettings
) -> pd.DataFrame:
    """Plausible pairs whose extract row has a usable NIK: that NIK is a candidate for the roster row."""
    plausible = compared[compared["score"] >= settings.review_score]
    by_row = extract.set_index("source_row")
    usable = plausible["right_row"].map(by_row["nik_usable"]).fillna(False).astype(bool)
    plausible = plausible[usable.to_numpy()]
    return pd.DataFrame(
        {
            "source_row": plausible["left_row"].astype("int64"),
            "nik": plausible["right_row"].map(by_row["nik_clean"]),
            "source": source.value,
            "extract_row": plausible["right_row"].astype("int64"),
            "score": plausible["score"].astype(float),
            "agreed": _fields_at(plausible, ("exact", *_CLOSE_LEVELS), mark_close=True),
            "disagreed": _fields_at(plausible, ("different",), mark_close=False),
        }
    )


def _best_candidates(parts: list[pd.DataFrame], listed_rows: pd.Series) -> pd.DataFrame:
    """Up to MAX_CANDIDATES NIKs per listed person, best score first; a NIK both extracts hold counts once."""
    if not parts:
        return pd.DataFrame({column: [] for column in CANDIDATE_COLUMNS})
    pairs = pd.concat(parts, ignore_index=True)
    pairs = pairs[pairs["source_row"].isin(listed_rows)]
    pairs = pairs.sort_values(["source_row", "score", "source"], ascending=[True, False, True], kind="stable")
    pairs = pairs.drop_duplicates(["source_row", "nik"])
    pairs["rank"] = pairs.groupby("source_row").cumcount() + 1
    return pairs[pairs["rank"] <= MAX_CANDIDATES][CANDIDATE_COLUMNS].reset_index(drop=True)


def _near_ties(candidates: pd.DataFrame, settings: match.MatchSettings) -> pd.Series:
    """By source_row: the best two candidates are within the tie margin, so neither may be taken on score alone."""
    best = candidates[candidates["rank"] == 1].set_index("source_row")["score"]
    second = candidates[candidates["rank"] == 2].set_index("source_row")["score"]
    return (best - second.reindex(best.index)) < settings.tie_margin


# --- the listed people --------------------------------------------------------------------------------------------

_PERSON_FIELDS = (
    Field.REG_NO,
    Field.NAME,
    Field.BIRTH_PLACE,
    Field.SEX,
    Field.MOTHER_NAME,
    Field.FATHER_NAME,
    Field.ADDRESS,
    Field.RT,
    Field.RW,
    Field.VILLAGE,
    Field.DISTRICT,
    Field.REGENCY,
    Field.PROVINCE,
)


def _text(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name].fillna("").astype(str) if name in frame.columns else pd.Series("", index=frame.index)


def _known_nkk(frame: pd.DataFrame) -> pd.Series:
    """The family card number where the roster has a usable one; placeholders and damaged numbers are left out."""
    if Field.NKK not in frame.columns:
        return pd.Series("", index=frame.index)
    check = nkk_findings(frame, field=Field.NKK).columns
    return check[f"{Field.NKK}_clean"].where(check[f"{Field.NKK}_usable"], "")


def _repeat_rows(rows: pd.DataFrame) -> pd.Series:
    """By representative source_row: the other rows of the person, "57, 80"."""
    repeats = rows[rows["outcome"] == Outcome.DUPLICATE]
    return repeats.groupby("representative")["source_row"].agg(lambda found: ", ".join(map(str, found)))


def _listed_people(
    frame: pd.DataFrame,
    rows: pd.DataFrame,
    detail: pd.Series,
    candidates: pd.DataFrame,
    settings: match.MatchSettings,
) -> pd.DataFrame:
    listed_mask = rows["outcome"].isin([Outcome.LISTED, Outcome.LISTED_APART])
    people, outcome = frame[listed_mask], rows[listed_mask]
    source_rows = people["source_row"].astype("int64")
    listed = pd.DataFrame({"source_row": source_rows}, index=people.index)
    for name in _PERSON_FIELDS:
        listed[name.value] = _text(people, name)
    listed["name_given"] = people["name_given"]
    listed["name_alias"] = people["name_alias"]
    listed["name_father"] = people["name_father"]
    listed["birth_date"] = people["birth_date"]
    listed["nkk"] = _known_nkk(people)
    listed["nik_written"] = _text(people, Field.NIK)
    listed["home_regency"] = people["home_regency"].fillna("")
    listed["home_label"] = listed["home_regency"].map(lambda code: regions.region_label(code) if code else "")
    for column in ("reason_code", "reason", "reason_codes", "not_this_election"):
        listed[column] = outcome[column]
    listed["reason_detail"] = source_rows.map(detail).fillna("")
    listed["for_this_election"] = outcome["outcome"] == Outcome.LISTED
    listed["repeat_rows"] = source_rows.map(_repeat_rows(rows)).astype(object).fillna("")
    ties = _near_ties(candidates, settings)
    listed["near_tie"] = source_rows.isin(ties.index[ties.to_numpy(dtype=bool)])
    unknown_home_last = listed["home_regency"].replace("", "~")
    order = listed.assign(home_order=unknown_home_last).sort_values(
        ["for_this_election", "home_order", "source_row"], ascending=[False, True, True]
    )
    return order.drop(columns="home_order").reset_index(drop=True)


def _coverage_note(search: ExtractSearch) -> str:
    extract = search.extract
    labels = ", ".join(sorted(regions.region_label(code) for code in extract.coverage.regencies)) or "-"
    return (
        f"{search.source.value} {extract.people.table.name}: {extract.rows_read} baris; "
        f"NIK hanya dinyatakan tidak ditemukan bagi WBP yang daerah asalnya tercakup ({labels})"
    )
