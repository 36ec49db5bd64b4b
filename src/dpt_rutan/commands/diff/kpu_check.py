"""The --kpu check: each action of a roster diff against the current KPU extract.

The extract is read in blocks and screened for the people the actions are about (``screen.py``): a province's
extract never sits in memory whole.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing, match
from dpt_rutan.commands.diff.result import ACTION_COLUMNS, INTO_PRISON_TPS, DiffResult
from dpt_rutan.errors import UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import sources
from dpt_rutan.read.stream import TableBlocks
from dpt_rutan.scan.screen import screen_extract


def check_actions_against_extract(
    result: DiffResult, path: Path, mapping: dict[str, str] | None, block_bytes: int, sheets: Sequence[str]
) -> None:
    """Screen the --kpu extract for the people with an action, then check each action against it; the extract's
    rows kept, how many were read and the checked actions go into ``result``."""
    blocks = kpu_blocks(path, mapping, block_bytes, sheets)
    screened = screen_extract(
        blocks,
        acting_people(result.actions, result.old, result.new),
        result.rules,
        reference_date=result.profile.voting_day,
        settings=result.settings,
        site_regencies=frozenset({result.site.district_code[:5]}),
    )
    result.kpu = prepare_people(screened.table, reference_date=result.profile.voting_day, require_rows=False)
    result.kpu.frame = listing.with_listing(result.kpu.frame, screened.regency)
    result.kpu_rows_read = screened.rows_read
    result.actions = check_against_kpu(
        result.actions, result.old, result.new, result.kpu, result.rules, result.settings
    )


def kpu_blocks(
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


def acting_people(actions: pd.DataFrame, old: People, new: People) -> pd.DataFrame:
    """Everyone with an action, from both files, as one roster to screen the extract for. Row numbers repeat across
    the files and the screen tells people apart by them, so they are numbered afresh: only the extract's rows it
    keeps matter here."""
    both = pd.concat([_acting(old, actions, "old"), _acting(new, actions, "new")], ignore_index=True)
    return both.assign(source_row=np.arange(len(both), dtype="int64"))


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
    kpu_rows = kpu.frame.set_index("source_row")
    for column, field in (("kpu_tps", Field.TPS), ("kpu_village", Field.VILLAGE)):
        values = kpu_rows[field] if field in kpu_rows.columns else pd.Series(dtype=object)
        # astype(object): with no such column, map keeps the Int64 of the rows, which cannot hold "".
        checked[column] = checked["kpu_row"].map(values).astype(object).fillna("")
    into_prison = checked["action"].isin(INTO_PRISON_TPS)
    checked["still_needed"] = np.where(into_prison, ~at_prison, at_prison | (decision == "review"))
    return checked[ACTION_COLUMNS]
