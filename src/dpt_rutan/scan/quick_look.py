"""The quick look: only the columns the matcher compares, read as written, before the rows are read in full.

It tells which inmates a row with their own NIK settles (``match.settled_rows``: they need no birth-date or name
blocks) and which NIKs are listed at the prison's TPS.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan import decide, match, nik
from dpt_rutan.fields import Field
from dpt_rutan.people import match_view, prepare_people
from dpt_rutan.read import reader
from dpt_rutan.read.grid import WHITESPACE
from dpt_rutan.read.stream import TableBlocks, concat_rows
from dpt_rutan.scan.kept import with_rows


def listed_at_prison(data: pd.DataFrame, rules: decide.Rules) -> np.ndarray:
    """A TPS number of the prison's; the kecamatan and kelurahan are checked once the rows are typed."""
    if Field.TPS.value not in data:
        return np.zeros(len(data), dtype=bool)
    return decide.tps_number(data[Field.TPS.value]).isin(list(rules.prison_tps)).fillna(False).to_numpy(dtype=bool)


def inmate_niks(roster: pd.DataFrame) -> frozenset[str]:
    """The inmates' usable NIKs."""
    return frozenset(roster.loc[roster["nik_usable"], "nik_clean"])


def settled_by(
    rows: reader.ReadTable, roster: pd.DataFrame, reference_date: date, settings: match.MatchSettings
) -> pd.Index:
    """The inmates that extract rows holding their own NIK settle (``match.settled_rows``)."""
    typed = match_view(prepare_people(rows, reference_date=reference_date, require_rows=False).frame)
    compared = match.compare_pairs(match.nik_candidate_pairs(roster, typed), roster, typed, settings)
    return match.settled_rows(compared, settings)


_LOOK_FIELDS = tuple(
    field.value
    for field in (
        Field.NIK,
        Field.NAME,
        Field.BIRTH_DATE,
        Field.TTL,
        Field.SEX,
        Field.MOTHER_NAME,
        Field.TPS,
    )
)


@dataclass
class Look:
    """What a quick look at the columns the matcher compares tells before the rows are read in full."""

    settled: pd.Index  # inmates whose own NIK row decides them: no birth-date or name blocks needed
    prison_niks: frozenset[str]  # NIKs listed at a TPS number of the prison's


def look_at(
    blocks: TableBlocks,
    roster: pd.DataFrame,
    rules: decide.Rules,
    reference_date: date,
    settings: match.MatchSettings,
    tell: Callable[[int], None],
) -> Look:
    """Read the look's columns of every block, ``tell`` told the rows read after each."""
    own_niks = inmate_niks(roster)
    found: list[pd.DataFrame] = []
    prison_niks: set[str] = set()
    rows = 0
    for columns in blocks.columns_only(_LOOK_FIELDS):
        clean = nik.nik_text(columns)["nik_clean"]
        found.append(columns[clean.isin(own_niks).to_numpy()])
        prison_niks.update(clean[listed_at_prison(columns, rules)])
        rows += len(columns)
        tell(rows)
    described = blocks.description
    rows_found = concat_rows(found, described.data.drop(columns="source_row"))
    rows_found = rows_found.apply(lambda column: column.str.strip(WHITESPACE)).assign(
        source_row=np.arange(len(rows_found), dtype="int64")
    )
    settled = settled_by(with_rows(described, rows_found), roster, reference_date, settings)
    return Look(settled, frozenset(prison_niks - {""}))
