"""What `dpt-rutan diff` returns: the classes of rows, the actions for the election, and :class:`DiffResult`.

Every row of both files ends in exactly one class (:class:`RowClass`); :meth:`DiffResult.check_accounting` proves
it before anything is reported.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum

import pandas as pd

from dpt_rutan import decide, match
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConservationError, empty_findings
from dpt_rutan.people import People
from dpt_rutan.site import Site


class FileKind(StrEnum):
    """What the two files are: both rosters, or both KPU extracts."""

    ROSTER = "roster"
    KPU = "kpu"


class RowClass(StrEnum):
    """The one class each row of either file ends in."""

    ARRIVED = "arrived"  # only in the new file (KPU: voter added)
    LEFT = "left"  # only in the old file (KPU: voter removed)
    UNCHANGED = "unchanged"
    CHANGED = "changed"
    UNCERTAIN = "uncertain"  # may be the same person as a row of the other file: a person must look
    DUPLICATE = "duplicate"  # repeats an earlier row of the same file


class Action(StrEnum):
    """What staff must do for the election about one person of a roster diff."""

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
    """Everything the diff found, as data; ``diff_report`` renders it."""

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
