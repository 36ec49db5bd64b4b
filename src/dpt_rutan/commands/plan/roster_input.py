"""Plan inputs from a roster: its rows decided as ``reconcile`` decides them, without a KPU extract.

Duplicates, ineligible inmates and those released before voting day are left out, in ``decide``'s order of
precedence; the rest are the voters. The roster's own dates are the history.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from dpt_rutan import decide, match
from dpt_rutan.commands.plan.contract import VOTER_COLUMNS, PlanInputs, excluded_table, history_of, text_of
from dpt_rutan.commands.plan.forecast import PlanFlag
from dpt_rutan.decide import Status
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import define_code
from dpt_rutan.fields import Field
from dpt_rutan.people import match_view, prepare_people
from dpt_rutan.read import sources
from dpt_rutan.site import Site

VOTERS_WITHOUT_NIK = define_code(
    "PLAN_INPUT_NO_NIK",
    "warning",
    "Sebagian pemilih tidak punya NIK yang sah: KPU hanya mendaftar pemilih ber-NIK. Mereka tetap direncanakan; "
    "jalankan reconcile dan minta perekaman Dukcapil.",
    "Some voters have no usable NIK: KPU lists only voters with a NIK. They are still planned for; run reconcile "
    "and ask Dukcapil to record them.",
)


def inputs_from_roster(
    path: Path,
    site: Site,
    profile: ElectionProfile,
    sheet: str | int | None,
    mapping: Mapping[str, str] | None,
    settings: match.MatchSettings,
) -> PlanInputs:
    """Voters, left-out rows and history from a roster (see the module docstring)."""
    table = sources.read_roster(path, sheet, mapping=mapping)
    frame = prepare_people(table, reference_date=profile.voting_day).frame.reset_index(drop=True)
    reason = roster_exclusions(frame, decide.Rules.for_site(site, profile), settings)
    voting = reason == ""
    voters = roster_voters(frame[voting])
    no_nik = int((~frame.loc[voting, "nik_usable"].astype(bool)).sum())
    flags = [PlanFlag.of(VOTERS_WITHOUT_NIK, f"{no_nik} voters without a usable NIK")] if no_nik else []
    history = history_of(frame)
    return PlanInputs(
        kind="roster",
        path=path,
        sheet=table.sheet,
        voters=voters,
        roster_history=history,
        excluded=excluded_table(frame[~voting], reason[~voting]),
        rows_read=len(frame),
        rows_not_data=len(table.skipped),
        included=(
            "roster rows that are not duplicates, are eligible (WNI, of age or married, right to vote not revoked, "
            "not active TNI/Polri) and not released before voting day; not matched against the KPU list "
            f"({no_nik} without a usable NIK)"
        ),
        history_source=f"admission and release dates of all {len(frame)} rows of {path.name}",
        history_rows=len(history),
        flags=flags,
    )


def roster_exclusions(frame: pd.DataFrame, rules: decide.Rules, settings: match.MatchSettings) -> pd.Series:
    """Why each roster row is not a voter ("" for a voter): the first of ``decide``'s statuses that applies."""
    duplicates = decide.roster_duplicates(match_view(frame), settings)
    applicable = decide.eligibility(frame, rules)
    applicable.insert(0, Status.DUPLICATE, frame["source_row"].isin(duplicates["source_row"]).to_numpy())
    reason = pd.Series("", index=frame.index, dtype=object)
    for status in reversed(list(applicable.columns)):
        reason[applicable[status].to_numpy(dtype=bool)] = str(status)
    return reason


def roster_voters(frame: pd.DataFrame) -> pd.DataFrame:
    """The voters frame (VOTER_COLUMNS) from the roster's voter rows; the cleaned NIK where there is one."""
    voters = pd.DataFrame({column: text_of(frame, column) for column in VOTER_COLUMNS}, index=frame.index)
    voters["source_row"] = frame["source_row"].astype("int64")
    voters["nik"] = frame["nik_clean"].where(frame["nik_clean"].fillna("") != "", text_of(frame, Field.NIK))
    voters["birth_date_used"] = pd.to_datetime(frame["birth_date_used"])
    return voters.reset_index(drop=True)
