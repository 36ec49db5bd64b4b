"""What the changes of a roster mean for the election: one row per action, not yet checked against KPU."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dpt_rutan.commands.diff.changes import joined_codes
from dpt_rutan.commands.diff.result import Action, RowClass
from dpt_rutan.election import ElectionProfile
from dpt_rutan.fields import Field
from dpt_rutan.people import People


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
    notes = joined_codes({"DATE_IN_UNKNOWN": date_in.isna(), "NO_USABLE_NIK": ~frame["nik_usable"].astype(bool)})
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
