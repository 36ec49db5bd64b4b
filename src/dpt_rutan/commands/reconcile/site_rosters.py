"""Which roster rows are which prison's: each prison's own roster file, or its rows of a province-wide roster.

A province-wide roster names the prison of each row in its UPT column, by the site table's name or UPT code, compared
loosely. A row that names no prison of the table, or none at all, is an error listing every such value at once,
never a dropped row; so is a roster file that two prisons, or --roster and a prison's row, would both claim.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan.commands.reconcile.site_conflicts import file_key, prison_key
from dpt_rutan.commands.reconcile.site_table import SiteEntry
from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.read import reader, sources
from dpt_rutan.report.mask import mask_nik
from dpt_rutan.site import Site

MAX_LISTED_VALUES = 10
"""How many unknown UPT values one error line lists: a wrongly mapped column (NIKs, names) has thousands."""
NIK_LIKE_DIGITS = 12
"""A UPT cell with this many digits is an identity number from a wrongly mapped column; it is shown masked."""


@dataclass
class SiteRoster:
    """A prison and its inmates: the rows of a roster file (all of them, or those whose UPT column names it)."""

    site: Site
    table: reader.ReadTable


@dataclass
class Rosters:
    """The inmates of every prison, and the province-wide roster files they were taken from."""

    prisons: list[SiteRoster]
    shared_files: list[reader.ReadTable]  # each split over the prisons; its rows that are not data stay here


def site_rosters(
    entries: list[SiteEntry],
    rosters: Sequence[Path] = (),
    *,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Rosters:
    """Each prison with its inmates: its own roster file, or its rows of the province-wide ``rosters``."""
    _refuse_rosters_given_twice(entries, rosters)
    by_key = {
        prison_key(value): index
        for index, entry in enumerate(entries)
        for value in (entry.site.name, entry.site.upt_code or "")
        if value
    }
    tables: list[list[reader.ReadTable]] = [[] for _ in entries]
    shared = []
    for path in rosters:
        table = sources.read_roster(path, sheet, mapping=mapping, required=(Field.NAME, Field.PRISON))
        for index, part in _split_by_prison(table, by_key).items():
            tables[index].append(part)
        shared.append(table)
    for index, entry in enumerate(entries):
        if entry.roster is not None:
            tables[index].append(sources.read_roster(entry.roster, sheet, mapping=mapping))
    prisons = [_one_roster(entry, found) for entry, found in zip(entries, tables, strict=True)]
    return Rosters(prisons, shared)


def _refuse_rosters_given_twice(entries: list[SiteEntry], rosters: Sequence[Path]) -> None:
    """A --roster file that is also a row's own roster, or given twice, would count its inmates twice."""
    own = {file_key(entry.roster): entry for entry in entries if entry.roster is not None}
    given: set[object] = set()
    for path in map(Path, rosters):
        key = file_key(path)
        if key in own:
            raise UnusableInputError(
                own[key].location,
                f"its roster '{own[key].roster.name}' is also given with --roster ({path}): its inmates would count "
                "twice",
                "Name it either on the prison's row or with --roster, not both",
            )
        if key in given:
            raise UnusableInputError(Location(str(path)), "is given twice with --roster")
        given.add(key)


def _one_roster(entry: SiteEntry, found: list[reader.ReadTable]) -> SiteRoster:
    if len(found) == 1:
        return SiteRoster(entry.site, found[0])
    if not found:
        problem = f"prison '{entry.site.name}' has no inmates: no roster file on its row and no roster row names it"
    else:
        names = ", ".join(table.name for table in found)
        problem = f"prison '{entry.site.name}' has inmates in {names}: give one roster per prison"
    raise UnusableInputError(entry.location, problem)


def _split_by_prison(table: reader.ReadTable, by_key: dict[str, int]) -> dict[int, reader.ReadTable]:
    """The table's data rows per prison. Rows that are not data (blank, totals, signatures) stay with the file,
    for the province summary to account for."""
    prison = table.data[Field.PRISON.value].fillna("").astype(str).str.strip()
    codes, values = pd.factorize(prison)
    site = np.array([by_key.get(prison_key(value), -1) for value in values], dtype=np.int64)[codes]
    source_rows = table.data["source_row"].to_numpy()
    _refuse_empty_prison(table, prison.eq("").to_numpy(), source_rows)
    _refuse_unknown_prisons(table, prison, site < 0, source_rows)
    parts = {}
    for index in np.unique(site):
        rows = table.data[site == index].reset_index(drop=True)
        notes = table.row_notes
        if notes is not None:
            notes = notes[notes["source_row"].isin(rows["source_row"])].reset_index(drop=True)
        parts[int(index)] = replace(table, data=rows, skipped=table.skipped.iloc[:0], row_notes=notes)
    return parts


def _refuse_empty_prison(table: reader.ReadTable, empty: np.ndarray, source_rows: np.ndarray) -> None:
    """Empty UPT cells are most often a merged cell over a prison's rows: only its first row holds the name."""
    if not empty.any():
        return
    count, first = int(empty.sum()), int(source_rows[empty][0])
    rows = "1 row has" if count == 1 else f"{count} rows have"
    raise UnusableInputError(
        table.location(first, Field.PRISON.value),
        f"{rows} no UPT; merged cells read as empty",
        "Unmerge the UPT column and fill each prison's name or UPT code down to its last row",
    )


def _refuse_unknown_prisons(table: reader.ReadTable, prison: pd.Series, unknown: np.ndarray, rows: np.ndarray) -> None:
    """One line for every value that names no prison, with its rows, so that all of them are fixed in one go."""
    if not unknown.any():
        return
    found = pd.DataFrame({"value": prison.to_numpy()[unknown], "row": rows[unknown]})
    groups = found.groupby("value", sort=False)["row"].agg(["size", "min"]).sort_values("min")
    listed = [
        _unknown_value(value, int(size), int(first))
        for value, size, first in groups.head(MAX_LISTED_VALUES).itertuples()
    ]
    rest = groups.iloc[MAX_LISTED_VALUES:]
    if len(rest):
        listed.append(f"{len(rest)} more values ({int(rest['size'].sum())} rows)")
    verb, them = ("is not a prison", "it") if len(groups) == 1 else ("are not prisons", "them")
    fix = f"Add {them} to the site table, or correct the cells to a name or UPT code the table has"
    if any(_nik_like(value) for value in groups.index):
        fix = f'The UPT column holds identity numbers: map the UPT column with --map {Field.PRISON.value}="Header"'
    raise UnusableInputError(
        table.location(None, Field.PRISON.value), f"{', '.join(listed)} {verb} of the site table", fix
    )


def _unknown_value(value: str, size: int, first: int) -> str:
    shown = mask_nik(value) if _nik_like(value) else value
    return f"'{shown}' (row {first})" if size == 1 else f"'{shown}' ({size} rows from row {first})"


def _nik_like(value: str) -> bool:
    return sum(character.isdigit() for character in value) >= NIK_LIKE_DIGITS
