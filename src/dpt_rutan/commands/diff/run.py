"""`dpt-rutan diff`: what changed between two snapshots of a roster (or of a KPU extract), and what to do about it.

Prisons change every day (DKI Jakarta: 6,851 inmates left and 6,380 arrived between the fixing of the list and voting
day), so staff need the difference, not a new list. files -> people frames (``people``) -> repeated rows set aside
(``decide.roster_duplicates``) -> pairs across the files: usable NIK, then registration number, then name and birth
date through the matching core (``match.link``) -> field-by-field changes -> actions for the election (rosters),
optionally checked against a current KPU extract, read in blocks and screened for the people the actions are about
(``screen.py``): a province's extract never sits in memory whole. Rendering is ``diff_report``'s job; this module
returns data.

Every row of both files ends in exactly one class (:class:`RowClass`); :meth:`DiffResult.check_accounting` proves
it before anything is reported.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing, match
from dpt_rutan.commands.diff import snapshot_order
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConfigError, ConservationError, UnusableInputError, empty_findings
from dpt_rutan.fields import Field
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import sources
from dpt_rutan.read.stream import BLOCK_BYTES, TableBlocks
from dpt_rutan.scan.screen import screen_extract
from dpt_rutan.site import Site


class FileKind(StrEnum):
    ROSTER = "roster"
    KPU = "kpu"


KIND_MARKS = {FileKind.ROSTER: (Field.REG_NO, Field.DATE_IN, Field.RELEASE_DATE), FileKind.KPU: (Field.TPS,)}
"""Columns only one kind of file has: a roster knows when people came and go, a KPU extract where they vote."""


class RowClass(StrEnum):
    ARRIVED = "arrived"  # only in the new file (KPU: voter added)
    LEFT = "left"  # only in the old file (KPU: voter removed)
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    UNCERTAIN = "uncertain"  # may be the same person as a row of the other file: a person must look
    DUPLICATE = "duplicate"  # repeats an earlier row of the same file


class Action(StrEnum):
    MOVE_IN = "MOVE_IN"  # pindah memilih to the prison's TPS (DPTb)
    TOO_LATE_TO_MOVE_IN = "TOO_LATE_TO_MOVE_IN"
    RETURN_TO_HOME_TPS = "RETURN_TO_HOME_TPS"
    CAN_NOW_BE_MATCHED = "CAN_NOW_BE_MATCHED"
    NOW_RELEASED_BEFORE_VOTING = "NOW_RELEASED_BEFORE_VOTING"
    NOW_IN_CUSTODY_ON_VOTING_DAY = "NOW_IN_CUSTODY_ON_VOTING_DAY"


INTO_PRISON_TPS = (
    Action.MOVE_IN,
    Action.TOO_LATE_TO_MOVE_IN,
    Action.CAN_NOW_BE_MATCHED,
    Action.NOW_IN_CUSTODY_ON_VOTING_DAY,
)
"""Actions that end with the person listed at the prison's TPS; the others end with them off it."""


COMPARED_FIELDS: dict[Field, str] = {
    # How each field is compared: "text" (case and spacing ignored), "number" (RT/RW: "004" is 4), "date",
    # "nik" (usable NIKs only: "-" and "BELUM ADA" are both no NIK), "tps" (its number: "TPS 901" is 901).
    Field.REG_NO: "text",
    Field.NIK: "nik",
    Field.NKK: "text",
    Field.NAME: "text",
    Field.BIRTH_PLACE: "text",
    Field.BIRTH_DATE: "date",
    Field.SEX: "text",
    Field.MARITAL_STATUS: "text",
    Field.CITIZENSHIP: "text",
    Field.ADDRESS: "text",
    Field.RT: "number",
    Field.RW: "number",
    Field.VILLAGE: "text",
    Field.DISTRICT: "text",
    Field.REGENCY: "text",
    Field.PROVINCE: "text",
    Field.REGISTER_CLASS: "text",
    Field.DATE_IN: "date",
    Field.RELEASE_DATE: "date",
    Field.TPS: "tps",
    Field.TMS_CODE: "text",
}
TPS_PLACE = (Field.TPS.value, Field.VILLAGE.value)  # a TPS number repeats in every village: both say where one votes

PAIR_COLUMNS = ["old_row", "new_row", "method", "score", "changed_fields", "moved_tps"]
UNCERTAIN_COLUMNS = ["old_row", "new_row", "method", "score", "agreed", "disagreed", "candidates"]
CHANGE_COLUMNS = ["old_row", "new_row", "field", "change", "old_value", "new_value"]
ACTION_COLUMNS = [
    "side",
    "source_row",
    "action",
    "notes",
    "kpu_check",
    "kpu_row",
    "kpu_tps",
    "kpu_village",
    "still_needed",  # None until checked against a KPU extract
]


@dataclass
class DiffResult:
    kind: FileKind
    old: People
    new: People
    old_rows: pd.DataFrame  # one row per old data row: source_row, row_class, other_row, ineligible
    new_rows: pd.DataFrame  # the same for the new file
    pairs: pd.DataFrame  # PAIR_COLUMNS: the people found in both files
    changes: pd.DataFrame  # CHANGE_COLUMNS: one row per changed field of a pair
    uncertain: pd.DataFrame  # UNCERTAIN_COLUMNS: possible pairs not taken
    actions: pd.DataFrame  # ACTION_COLUMNS: one row per action for the election (rosters only)
    kpu: People | None  # the --kpu extract's rows that concern the actions' people (see screen.py)
    rules: decide.Rules
    profile: ElectionProfile
    site: Site
    settings: match.MatchSettings
    kpu_rows_read: int | None = None  # data rows of the whole --kpu extract
    # DIFF_FILES_REVERSED findings on OLD: it looks newer than NEW (snapshot_order.py); the diff warns, never swaps.
    reversed_findings: pd.DataFrame = dataclasses.field(default_factory=empty_findings)

    def class_counts(self, side: str) -> pd.Series:
        rows = self.old_rows if side == "old" else self.new_rows
        return rows["row_class"].value_counts().reindex([c.value for c in RowClass], fill_value=0)

    def check_accounting(self) -> None:
        """Old rows = left + unchanged + changed + uncertain + duplicates, new rows likewise with arrived; each
        pair joins one old and one new row."""
        for side, people, rows in (("old", self.old, self.old_rows), ("new", self.new, self.new_rows)):
            read = people.frame["source_row"].astype("int64")
            counted = int(self.class_counts(side).sum())
            if counted != len(read) or rows["source_row"].duplicated().any() or set(rows["source_row"]) != set(read):
                raise ConservationError(f"{side} file: {len(read)} rows read but {counted} rows accounted for")
            paired = set(rows.loc[rows["row_class"].isin([RowClass.UNCHANGED, RowClass.CHANGED]), "source_row"])
            column = self.pairs[f"{side}_row"]
            if paired != set(column) or column.duplicated().any():
                raise ConservationError(f"{side} file: {len(paired)} paired rows but {len(column)} pairs")


def diff_files(
    old_path: Path,
    new_path: Path,
    *,
    site: Site,
    profile: ElectionProfile,
    kpu_path: Path | None = None,
    old_sheet: str | None = None,
    new_sheet: str | None = None,
    mapping: dict[str, str] | None = None,
    settings: match.MatchSettings | None = None,
    block_bytes: int = BLOCK_BYTES,
    kpu_sheets: Sequence[str] = (),
) -> DiffResult:
    """Compare two snapshots of the same roster (or KPU extract); raise UnusableInputError when they differ in kind.
    The --kpu extract is read in blocks of ``block_bytes``."""
    settings = settings or match.MatchSettings()
    old = _read_people(old_path, old_sheet, mapping, profile)
    new = _read_people(new_path, new_sheet, mapping, profile)
    kind = same_kind(old, new)
    if kpu_path is not None and kind is FileKind.KPU:
        raise ConfigError("--kpu checks the actions of a roster diff; these are two KPU extracts, which have none")
    result = compare_people(old, new, kind, decide.Rules.for_site(site, profile), profile, site, settings)
    result.reversed_findings = snapshot_order.reversed_findings(old, new, profile.voting_day)
    if kind is FileKind.ROSTER:
        result.actions = roster_actions(new, result.old_rows, result.new_rows, result.pairs, result.changes, profile)
        if kpu_path is not None:
            blocks = _kpu_blocks(kpu_path, mapping, block_bytes, kpu_sheets)
            screened = screen_extract(
                blocks,
                _acting_people(result.actions, old, new),
                result.rules,
                reference_date=profile.voting_day,
                settings=settings,
                site_regencies=frozenset({site.district_code[:5]}),
            )
            result.kpu = prepare_people(screened.table, reference_date=profile.voting_day, require_rows=False)
            result.kpu.frame = listing.with_listing(result.kpu.frame, screened.regency)
            result.kpu_rows_read = screened.rows_read
            result.actions = check_against_kpu(result.actions, old, new, result.kpu, result.rules, settings)
    result.check_accounting()
    return result


def compare_people(
    old: People,
    new: People,
    kind: FileKind,
    rules: decide.Rules,
    profile: ElectionProfile,
    site: Site,
    settings: match.MatchSettings,
) -> DiffResult:
    """Repeated rows set aside, pairs found, changes listed and every row classed; no actions yet."""
    old_view, new_view = match_view(old.frame), match_view(new.frame)
    old_duplicates, new_duplicates = (_repeated_rows(view, kind, settings) for view in (old_view, new_view))
    old_view = old_view[~old_view["source_row"].isin(old_duplicates["source_row"])]
    new_view = new_view[~new_view["source_row"].isin(new_duplicates["source_row"])]
    reg_keys = (_reg_keys(old), _reg_keys(new)) if kind is FileKind.ROSTER else None
    pairs, uncertain = pair_people(old_view, new_view, reg_keys, settings)
    changes = field_changes(pairs, old, new)
    pairs = _with_change_summary(pairs, changes)
    uncertain = uncertain[~uncertain["old_row"].isin(pairs["old_row"])].reset_index(drop=True)
    return DiffResult(
        kind=kind,
        old=old,
        new=new,
        old_rows=_row_classes(old, old_duplicates, pairs, uncertain, "old", rules),
        new_rows=_row_classes(new, new_duplicates, pairs, uncertain, "new", rules),
        pairs=pairs,
        changes=changes,
        uncertain=uncertain,
        actions=pd.DataFrame(columns=ACTION_COLUMNS),
        kpu=None,
        rules=rules,
        profile=profile,
        site=site,
        settings=settings,
    )


# --- kinds of file ------------------------------------------------------------------------------------------------


def file_kind(people: People) -> FileKind:
    """A roster or a KPU extract, told by the columns only one of them has."""
    table = people.table
    for kind in (FileKind.ROSTER, FileKind.KPU):
        if any(field in table.columns for field in KIND_MARKS[kind]):
            return kind
    raise UnusableInputError(
        table.location(),
        "cannot tell whether this is a roster or a KPU extract: it has no registration number, date in or release "
        "date column (roster) and no TPS column (KPU extract)",
        'Name one of them with --map, e.g. --map reg_no="No. Induk" or --map tps="No TPS"',
    )


def same_kind(old: People, new: People) -> FileKind:
    old_kind, new_kind = file_kind(old), file_kind(new)
    if old_kind is not new_kind:
        raise UnusableInputError(
            new.table.location(),
            f"is a {_kind_name(new_kind)} but {old.table.name} is a {_kind_name(old_kind)}; diff compares two "
            "snapshots of the same kind",
            "Give two rosters or two KPU extracts; to check a roster against an extract, use dpt-rutan reconcile",
        )
    return old_kind


def _read_people(path: Path, sheet: str | None, mapping: dict[str, str] | None, profile: ElectionProfile) -> People:
    table = sources.read_roster(path, sheet, mapping=mapping)
    return prepare_people(table, reference_date=profile.voting_day)


def _kind_name(kind: FileKind) -> str:
    return "roster" if kind is FileKind.ROSTER else "KPU extract"


def _kpu_blocks(
    path: Path, mapping: dict[str, str] | None, block_bytes: int, sheets: Sequence[str] = ()
) -> TableBlocks | sources.PartsBlocks:
    """The --kpu extract (a file, or a folder of per-TPS sheets), ready to be read in blocks; refused before any row
    is read when neither a column nor a title block gives the TPS."""
    blocks = sources.blocks_for_screen(sources.open_extract(path, sheets, mapping=mapping, block_bytes=block_bytes))
    described = blocks.description
    if Field.TPS not in described.columns:
        raise UnusableInputError(
            described.location(),
            "the --kpu file has no TPS column, so it cannot say who is listed at the prison's TPS",
            'Give the KPU extract of the prison\'s village, or name the column with --map tps="..."',
        )
    return blocks


def _acting(people: People, actions: pd.DataFrame, side: str) -> pd.DataFrame:
    """The match view of the rows of one file that have an action."""
    view = match_view(people.frame)
    return view[view["source_row"].isin(actions.loc[actions["side"] == side, "source_row"])]


def _acting_people(actions: pd.DataFrame, old: People, new: People) -> pd.DataFrame:
    """Everyone with an action, from both files, as one roster to screen the extract for. Row numbers repeat across
    the files and the screen tells people apart by them, so they are numbered afresh: only the extract's rows it
    keeps matter here."""
    both = pd.concat([_acting(old, actions, "old"), _acting(new, actions, "new")], ignore_index=True)
    return both.assign(source_row=np.arange(len(both), dtype="int64"))


# --- pairing ------------------------------------------------------------------------------------------------------


def _repeated_rows(view: pd.DataFrame, kind: FileKind, settings: match.MatchSettings) -> pd.DataFrame:
    """Rows that repeat an earlier row of the same file: ``source_row``, ``duplicate_of``, ``method``.

    A roster repeats people with or without their NIK (``decide.roster_duplicates``); a KPU extract counts as the
    same voter only the same usable NIK (KPU_DUPLICATE, TMS 2): voter lists are long and full of namesakes.
    """
    if kind is FileKind.ROSTER:
        return decide.roster_duplicates(view, settings)
    nik = view["nik_clean"].where(view["nik_usable"], "")
    first = view.groupby(nik)["source_row"].transform("min")
    repeats = (nik != "") & (view["source_row"] != first)
    return pd.DataFrame(
        {"source_row": view.loc[repeats, "source_row"], "duplicate_of": first[repeats], "method": "nik_exact"}
    ).reset_index(drop=True)


def _reg_keys(people: People) -> pd.Series:
    """Registration numbers by source row, without spaces and in upper case: "AI. 0436/2023" is "AI.0436/2023"."""
    frame = people.frame
    if Field.REG_NO not in frame.columns:
        return pd.Series("", index=frame["source_row"].astype("int64"), dtype=object)
    text = frame[Field.REG_NO].fillna("").astype(str).str.upper().str.replace(r"\s+", "", regex=True)
    return pd.Series(text.to_numpy(), index=frame["source_row"].astype("int64").to_numpy(), dtype=object)


def _key_pairs(old_keys: pd.Series, new_keys: pd.Series, method: str) -> pd.DataFrame:
    """Rows whose key is the same on both sides; a key repeated within a file pairs nothing (left to later passes)."""

    def unique(keys: pd.Series, name: str) -> pd.DataFrame:
        keys = keys[(keys != "") & ~keys.duplicated(keep=False)]
        return pd.DataFrame({name: keys.index.to_numpy(dtype="int64"), "key": keys.to_numpy()})

    joined = unique(old_keys, "old_row").merge(unique(new_keys, "new_row"), on="key")
    return joined[["old_row", "new_row"]].assign(method=method, score=np.nan)


def _doubtful(pairs: pd.DataFrame, old_view: pd.DataFrame, new_view: pd.DataFrame, settings) -> pd.Series:
    """Pairs on a shared key whose name and birth date both disagree: the key may have been typed for someone else."""
    old = old_view.set_index("source_row").loc[pairs["old_row"]]
    new = new_view.set_index("source_row").loc[pairs["new_row"]]
    differ = (old["name_norm"].to_numpy() != new["name_norm"].to_numpy()) & (
        old["birth_date"].to_numpy() != new["birth_date"].to_numpy()
    )
    doubtful = pd.Series(False, index=pairs.index)
    if differ.any():
        suspects = pairs[differ].rename(columns={"old_row": "left_row", "new_row": "right_row"})
        compared = match.compare_pairs(suspects.reset_index(drop=True), old_view, new_view, settings)
        bad = (compared["name_level"] == "different") & (compared["dob_level"] == "different")
        doubtful[pairs.index[differ]] = bad.to_numpy()
    return doubtful


def pair_people(
    old_view: pd.DataFrame,
    new_view: pd.DataFrame,
    reg_keys: tuple[pd.Series, pd.Series] | None,
    settings: match.MatchSettings,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pairs by usable NIK, then registration number, then name and birth date; and the pairs not taken.

    A doubtful key pair does not take its rows: a later pass may pair them better (an old NIK typed for someone
    else, corrected since). Review-grade pairs of the matcher are never taken.
    """
    usable = [
        view["nik_clean"].where(view["nik_usable"], "").set_axis(view["source_row"]) for view in (old_view, new_view)
    ]
    passes = [("nik_exact", *usable)] + ([("reg_no", *reg_keys)] if reg_keys is not None else [])
    taken, doubts = [], []
    for method, old_keys, new_keys in passes:
        open_old = set(old_view["source_row"]).difference(*(t["old_row"] for t in taken))
        open_new = set(new_view["source_row"]).difference(*(t["new_row"] for t in taken))
        found = _key_pairs(old_keys[old_keys.index.isin(open_old)], new_keys[new_keys.index.isin(open_new)], method)
        doubtful = _doubtful(found, old_view, new_view, settings)
        taken.append(found[~doubtful])
        doubts.append(
            found[doubtful].assign(agreed=f"{method}:exact", disagreed="name:different, dob:different", candidates="")
        )
    paired = pd.concat(taken, ignore_index=True)
    rest_old = old_view[~old_view["source_row"].isin(paired["old_row"])]
    rest_new = new_view[~new_view["source_row"].isin(paired["new_row"])]
    decisions, _ = match.link(rest_old, rest_new, settings)
    decisions = decisions.rename(columns={"left_row": "old_row", "right_row": "new_row"})
    linked = decisions.loc[decisions["decision"] == "match", ["old_row", "new_row", "method", "score"]]
    reviewed = decisions.loc[decisions["decision"] == "review", UNCERTAIN_COLUMNS]
    pairs = pd.concat([paired, linked], ignore_index=True).astype({"old_row": "int64", "new_row": "int64"})
    uncertain = pd.concat([*doubts, reviewed], ignore_index=True)[UNCERTAIN_COLUMNS]
    uncertain = uncertain.drop_duplicates(["old_row", "new_row"], ignore_index=True)
    return pairs, uncertain.astype({"old_row": "int64", "new_row": "int64"})


# --- changes ------------------------------------------------------------------------------------------------------


def _has_field(people: People, field: Field) -> bool:
    """Whether the file holds the field at all; birth place and date may come from a combined TTL column."""
    columns = people.table.columns
    from_ttl = field in (Field.BIRTH_PLACE, Field.BIRTH_DATE) and Field.TTL in columns
    return (field in columns or from_ttl) and field in people.frame.columns


def _comparable(rows: pd.DataFrame, field: Field, how: str) -> tuple[pd.Series, pd.Series]:
    """What is compared and what is shown, both text; "" where the cell is empty."""
    values = rows[field.value]
    if how == "date":
        shown = pd.to_datetime(values).dt.strftime("%Y-%m-%d").fillna("")
        return shown, shown
    shown = values.fillna("").astype(str).str.strip()
    if how == "nik":
        return rows["nik_clean"].where(rows["nik_usable"].astype(bool), "").fillna(""), shown
    key = shown.str.upper().str.replace(r"\s+", " ", regex=True)
    if how == "number":
        key = key.str.lstrip("0")
    elif how == "tps":
        key = decide.tps_number(key).astype("string").fillna("")
    return key, shown


def field_changes(pairs: pd.DataFrame, old: People, new: People) -> pd.DataFrame:
    """One row per field that differs between the two rows of a pair: filled in, removed, changed (NIK: corrected)."""
    old_rows = old.frame.set_index("source_row").loc[pairs["old_row"]].reset_index()
    new_rows = new.frame.set_index("source_row").loc[pairs["new_row"]].reset_index()
    found = []
    for field, how in COMPARED_FIELDS.items():
        if not (_has_field(old, field) and _has_field(new, field)):
            continue
        (old_key, old_shown), (new_key, new_shown) = (
            _comparable(old_rows, field, how),
            _comparable(new_rows, field, how),
        )
        differ = (old_key != new_key).to_numpy()
        if not differ.any():
            continue
        change = np.where(old_key == "", "filled_in", np.where(new_key == "", "removed", "changed"))
        if how == "nik":
            change = np.where(change == "changed", "corrected", change)
        found.append(
            pd.DataFrame(
                {
                    "old_row": pairs["old_row"].to_numpy()[differ],
                    "new_row": pairs["new_row"].to_numpy()[differ],
                    "field": field.value,
                    "change": change[differ],
                    "old_value": old_shown.to_numpy()[differ],
                    "new_value": new_shown.to_numpy()[differ],
                }
            )
        )
    if not found:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in CHANGE_COLUMNS})
    return pd.concat(found, ignore_index=True).sort_values(["new_row", "old_row"], kind="stable", ignore_index=True)


def _with_change_summary(pairs: pd.DataFrame, changes: pd.DataFrame) -> pd.DataFrame:
    by_pair = changes.groupby("old_row")["field"]
    fields = pairs["old_row"].map(by_pair.agg(", ".join)).astype(object).fillna("")
    moved = pairs["old_row"].isin(changes.loc[changes["field"].isin(TPS_PLACE), "old_row"])
    return pairs.assign(changed_fields=fields, moved_tps=moved)[PAIR_COLUMNS]


def _joined_codes(flags: dict[str, pd.Series]) -> pd.Series:
    """The codes whose flag is set, joined by "; " per row, without a per-row Python loop."""
    parts = [
        pd.Series(np.where(flag.to_numpy(dtype=bool), code, ""), index=flag.index, dtype=object)
        for code, flag in flags.items()
    ]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + np.where((joined != "") & (part != ""), "; ", "") + part
    return joined


def _row_classes(
    people: People, duplicates: pd.DataFrame, pairs: pd.DataFrame, uncertain: pd.DataFrame, side: str, rules
) -> pd.DataFrame:
    """The class of every row of one file, the row of the other file (or the earlier row) it goes with, why the
    person is not a voter (ineligibility statuses joined by "; "), and whether they leave before voting day."""
    rows = people.frame["source_row"].astype("int64")
    other_side = "new_row" if side == "old" else "old_row"
    paired = pairs.set_index(f"{side}_row")
    doubt = uncertain.drop_duplicates(f"{side}_row").set_index(f"{side}_row")[other_side]
    row_class = pd.Series(RowClass.ARRIVED.value if side == "new" else RowClass.LEFT.value, index=rows.index)
    other = pd.Series(pd.NA, index=rows.index, dtype="Int64")
    in_doubt = rows.isin(doubt.index)
    row_class[in_doubt] = RowClass.UNCERTAIN.value
    other[in_doubt] = rows[in_doubt].map(doubt)
    is_paired = rows.isin(paired.index)
    changed = rows.isin(pairs.loc[pairs["changed_fields"] != "", f"{side}_row"])
    row_class[is_paired] = np.where(changed[is_paired], RowClass.CHANGED.value, RowClass.UNCHANGED.value)
    other[is_paired] = rows[is_paired].map(paired[other_side])
    repeats = rows.isin(duplicates["source_row"])
    flags = decide.eligibility(people.frame, rules)
    row_class[repeats] = RowClass.DUPLICATE.value
    other[repeats] = rows[repeats].map(duplicates.set_index("source_row")["duplicate_of"])
    return pd.DataFrame(
        {
            "source_row": rows.to_numpy(),
            "row_class": row_class.to_numpy(),
            "other_row": pd.array(other, dtype="Int64"),
            "ineligible": _joined_codes({status.value: flags[status] for status in decide.INELIGIBLE}).to_numpy(),
            "released_before_voting": flags[decide.Status.RELEASED_BEFORE_VOTING].to_numpy(dtype=bool),
        }
    )


# --- actions for the election -------------------------------------------------------------------------------------


def _actions(side: str, rows: pd.Series, action: Action | pd.Series, notes: pd.Series | str = "") -> pd.DataFrame:
    return pd.DataFrame({"side": side, "source_row": rows.to_numpy(), "action": action, "notes": notes})


def _arrival_actions(new: People, new_rows: pd.DataFrame, profile: ElectionProfile) -> pd.DataFrame:
    """Arrivals who may vote and stay past voting day: moved in as DPTb up to H-7, too late after it.

    A missing date in or usable NIK is noted: KPU lists nobody without a NIK.
    """
    frame = new.frame.reset_index(drop=True)
    voter = (new_rows["row_class"] == RowClass.ARRIVED) & (new_rows["ineligible"] == "")
    voter &= ~new_rows["released_before_voting"]
    date_in = pd.to_datetime(frame[Field.DATE_IN]) if Field.DATE_IN in frame.columns else pd.Series(pd.NaT, frame.index)
    late = date_in > pd.Timestamp(profile.last_move_in_day)
    notes = _joined_codes({"DATE_IN_UNKNOWN": date_in.isna(), "NO_USABLE_NIK": ~frame["nik_usable"].astype(bool)})
    action = pd.Series(np.where(late, Action.TOO_LATE_TO_MOVE_IN.value, Action.MOVE_IN.value), index=frame.index)
    return _actions("new", new_rows.loc[voter, "source_row"], action[voter].to_numpy(), notes[voter].to_numpy())


def _departure_actions(old_rows: pd.DataFrame) -> pd.DataFrame:
    """Everyone who left and could be a voter goes back to the home TPS; --kpu says whether they were ever here."""
    left = (old_rows["row_class"] == RowClass.LEFT) & (old_rows["ineligible"] == "")
    return _actions("old", old_rows.loc[left, "source_row"], Action.RETURN_TO_HOME_TPS)


def _nik_actions(changes: pd.DataFrame) -> pd.DataFrame:
    """A NIK filled in or corrected since: the person can now be matched against the voter list."""
    found = changes[(changes["field"] == Field.NIK) & changes["change"].isin(["filled_in", "corrected"])]
    return _actions("new", found["new_row"], Action.CAN_NOW_BE_MATCHED, "NIK_" + found["change"].str.upper())


def _release_actions(old_rows: pd.DataFrame, new_rows: pd.DataFrame, pairs: pd.DataFrame) -> pd.DataFrame:
    """A new expected release date on the other side of voting day turns a voter into a non-voter, or back."""
    before_old = pairs["old_row"].map(old_rows.set_index("source_row")["released_before_voting"])
    before_new = pairs["new_row"].map(new_rows.set_index("source_row")["released_before_voting"])
    crossed = before_old != before_new
    action = np.where(
        before_new[crossed], Action.NOW_RELEASED_BEFORE_VOTING.value, Action.NOW_IN_CUSTODY_ON_VOTING_DAY.value
    )
    return _actions("new", pairs.loc[crossed, "new_row"], action)


def roster_actions(
    new: People,
    old_rows: pd.DataFrame,
    new_rows: pd.DataFrame,
    pairs: pd.DataFrame,
    changes: pd.DataFrame,
    profile: ElectionProfile,
) -> pd.DataFrame:
    """What the changes mean for the election, one row per action; nothing checked against KPU yet."""
    parts = [
        _arrival_actions(new, new_rows, profile),
        _departure_actions(old_rows),
        _nik_actions(changes),
        _release_actions(old_rows, new_rows, pairs),
    ]
    actions = pd.concat([part for part in parts if len(part)] or [_actions("new", pd.Series([]), "")])
    actions = actions.assign(kpu_check="", kpu_row=pd.NA, kpu_tps="", kpu_village="", still_needed=None)
    actions["notes"] = actions["notes"].fillna("")
    return actions.astype({"source_row": "int64", "kpu_row": "Int64"}).reset_index(drop=True)


def check_against_kpu(
    actions: pd.DataFrame, old: People, new: People, kpu: People, rules: decide.Rules, settings
) -> pd.DataFrame:
    """Each action against the current extract: is the arrival already at the prison's TPS, is the departure
    still listed there? ``kpu_check`` is at_prison_tps, elsewhere, uncertain or not_found."""
    kpu_view = match_view(kpu.frame)
    here_rows = frozenset(kpu.frame.loc[decide.at_prison_tps(kpu.frame, rules), "source_row"].astype("int64"))
    found = []
    for side, people in (("old", old), ("new", new)):
        decisions, _ = match.link(_acting(people, actions, side), kpu_view, settings, preferred_right=here_rows)
        found.append(decisions.assign(side=side).rename(columns={"left_row": "source_row"}))
    decided = pd.concat(found, ignore_index=True)[["side", "source_row", "right_row", "decision"]]
    checked = actions.drop(columns=["kpu_row"]).merge(decided, on=["side", "source_row"], how="left")
    decision = checked["decision"].astype(object).fillna("none")
    at_prison = (decision == "match") & checked["right_row"].isin(here_rows)
    checked["kpu_check"] = np.select(
        [at_prison, decision == "match", decision == "review"], ["at_prison_tps", "elsewhere", "uncertain"], "not_found"
    )
    checked["kpu_row"] = checked["right_row"].astype("Int64")
    listing = kpu.frame.set_index("source_row")
    for column, field in (("kpu_tps", Field.TPS), ("kpu_village", Field.VILLAGE)):
        values = listing[field] if field in listing.columns else pd.Series(dtype=object)
        # astype(object): with no such column, map keeps the Int64 of the rows, which cannot hold "".
        checked[column] = checked["kpu_row"].map(values).astype(object).fillna("")
    into_prison = checked["action"].isin(INTO_PRISON_TPS)
    checked["still_needed"] = np.where(into_prison, ~at_prison, at_prison | (decision == "review"))
    return checked[ACTION_COLUMNS]
