"""`dpt-rutan diff`: what changed between two snapshots of a roster (or of a KPU extract), and what to do about it.

Prisons change every day (DKI Jakarta: 6,851 inmates left and 6,380 arrived between the fixing of the list and voting
day), so staff need the difference, not a new list. files -> people frames (``people``) -> repeated rows set aside
and pairs across the files: usable NIK, then registration number, then name and birth date (``pairing``) ->
field-by-field changes and the class of every row (``changes``) -> actions for the election, rosters only
(``actions``), optionally checked against a current KPU extract (``kpu_check``). This module reads the two files,
tells their kind and runs those steps; rendering is ``diff_report``'s job.

Every row of both files ends in exactly one class (:class:`RowClass`); :meth:`DiffResult.check_accounting` proves
it before anything is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dpt_rutan import decide, match
from dpt_rutan.commands.diff import pairing, snapshot_order
from dpt_rutan.commands.diff.actions import roster_actions
from dpt_rutan.commands.diff.changes import field_changes, row_classes, with_change_summary
from dpt_rutan.commands.diff.kpu_check import check_actions_against_extract
from dpt_rutan.commands.diff.result import ACTION_COLUMNS, DiffResult, FileKind
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConfigError, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import sources
from dpt_rutan.read.stream import BLOCK_BYTES
from dpt_rutan.site import Site

KIND_MARKS = {FileKind.ROSTER: (Field.REG_NO, Field.DATE_IN, Field.RELEASE_DATE), FileKind.KPU: (Field.TPS,)}
"""Columns only one kind of file has: a roster knows when people came and go, a KPU extract where they vote."""


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
            check_actions_against_extract(result, kpu_path, mapping, block_bytes, kpu_sheets)
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
    old_duplicates, new_duplicates = (pairing.repeated_rows(view, kind, settings) for view in (old_view, new_view))
    old_view = old_view[~old_view["source_row"].isin(old_duplicates["source_row"])]
    new_view = new_view[~new_view["source_row"].isin(new_duplicates["source_row"])]
    reg_keys = (pairing.reg_keys(old), pairing.reg_keys(new)) if kind is FileKind.ROSTER else None
    pairs, uncertain = pairing.pair_people(old_view, new_view, reg_keys, settings)
    changes = field_changes(pairs, old, new)
    pairs = with_change_summary(pairs, changes)
    uncertain = uncertain[~uncertain["old_row"].isin(pairs["old_row"])].reset_index(drop=True)
    return DiffResult(
        kind=kind,
        old=old,
        new=new,
        old_rows=row_classes(old, old_duplicates, pairs, uncertain, "old", rules),
        new_rows=row_classes(new, new_duplicates, pairs, uncertain, "new", rules),
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
    """The kind both files are; refused when one is a roster and the other a KPU extract."""
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
