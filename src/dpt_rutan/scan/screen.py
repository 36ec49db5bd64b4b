"""Keep the rows of a KPU extract that can concern the prison; read the rest once and let it go.

A regency's extract has a million rows and a province's thirty million, against a roster of a few thousand. A row
can only matter if the matcher could pair it with an inmate at the review score or above, or if it is listed at the
prison's TPS. The matcher finds pairs only through its blocking rules (``match.NikBlocks``,
``match.fuzzy_candidate_pairs``), so the screen asks those same functions, block by block, and keeps:

* the quick look (only the columns the matcher compares, read as written): which inmates a row with their own NIK
  settles (``match.settled_rows``: they need no birth-date or name blocks), and the NIKs listed at the prison's TPS;
* the full read: every row of the inmates' NIK blocks, a NIK Dukcapil proposes, a row at one of the prison's TPS
  numbers and any other row of a NIK listed there (a NIK listed twice is a KPU_DUPLICATE), and, for the inmates the
  look left open, the rows of their birth-date and name blocks that score the review score with one of them;
* a further read, only if the full read contradicts the quick look, for what the look missed.

The decisions are then the ones reading the whole extract gives (``tests/scan/test_screen.py`` checks it). What the
whole extract is needed for, the regions it covers, is gathered from one row per distinct address and NIK region
(``coverage.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing, match, names, nik
from dpt_rutan.fields import Field
from dpt_rutan.people import match_view, prepare_people
from dpt_rutan.read import reader
from dpt_rutan.read.stream import TableBlocks, concat_rows
from dpt_rutan.scan import quick_look
from dpt_rutan.scan.coverage import RegionSamples
from dpt_rutan.scan.kept import keep_rows, with_rows
from dpt_rutan.scan.quick_look import Look, inmate_niks, listed_at_prison, settled_by
from dpt_rutan.scan.views import PerDistinct, birth_dates, fuzzy_blocks_view, name_parts, nik_blocks_view

PassProgress = Callable[[str, int, int, int], None]
"""Told (what the pass looks for, bytes read, bytes in all, rows read) after each block."""


@dataclass
class ScreenedExtract:
    """The rows of an extract that concern the prison, and what the screen learnt from all of them."""

    table: reader.ReadTable  # the rows kept, in file order; the skipped rows and notes of the whole file
    rows_read: int  # data rows in the whole extract
    coverage: decide.Coverage
    regency: listing.ExtractRegency  # the file's regency, for rows that do not name one
    loksus_tps: dict[str, list[int]] = field(default_factory=dict)  # kecamatan -> its TPS numbers of 900 and up


@dataclass
class _Context:
    """What typing and comparing rows during a pass needs."""

    table: reader.ReadTable  # the extract's description
    reference_date: date
    settings: match.MatchSettings
    name_norms: PerDistinct = field(default_factory=lambda: name_parts("name_norm"))
    count_nik_regencies: bool = False  # only when neither the file's name nor the site says its regency


def _plausible(data: pd.DataFrame, pairs: pd.DataFrame, open_roster: pd.DataFrame, context: _Context) -> np.ndarray:
    """Rows of a birth-date or name block that score at least the review score with an inmate.

    ``match.assign`` and the review sheets never look at a pair below it, so a stranger who only shares a birth date
    (a province holds a thousand per date) is let go here instead of being kept to the end. Names are compared first,
    on their own: most strangers are ruled out by them (``match.differing_names_rule_out``) before any typing. A pair
    with a masked NIK on either side is not: its NIKs may agree where the mask shows digits, which outweighs a name.
    """
    if match.differing_names_rule_out(context.settings) and len(pairs):
        right_names = pd.Series(context.name_norms(data[Field.NAME.value]), index=data["source_row"].to_numpy())
        left_names = open_roster.set_index("source_row")["name_norm"]
        similarity = names.name_similarities(
            pd.Series(left_names.reindex(pairs["left_row"]).to_numpy()),
            pd.Series(right_names.reindex(pairs["right_row"]).to_numpy()),
        ).to_numpy()
        pairs = pairs[~(similarity < context.settings.name_similar_at) | _masked_nik_in(pairs, data, open_roster)]
    rows = data[_rows_in(pairs, data)]
    if rows.empty:
        return np.zeros(len(data), dtype=bool)
    typed = prepare_people(with_rows(context.table, rows), reference_date=context.reference_date, require_rows=False)
    compared = match.compare_pairs(pairs, open_roster, match_view(typed.frame), context.settings)
    return _rows_in(compared[compared["score"] >= context.settings.review_score], data)


def _masked_nik_in(pairs: pd.DataFrame, data: pd.DataFrame, roster: pd.DataFrame) -> np.ndarray:
    paired = data[_rows_in(pairs, data)]
    masked_right = paired["source_row"].astype("int64")[nik.nik_text(paired)["nik_masked_pattern"].ne("").to_numpy()]
    masked_left = roster.loc[roster["nik_masked_pattern"].fillna("").ne(""), "source_row"]
    return (pairs["right_row"].isin(masked_right) | pairs["left_row"].isin(masked_left)).to_numpy()


def _rows_in(pairs: pd.DataFrame, data: pd.DataFrame) -> np.ndarray:
    return data["source_row"].astype("int64").isin(pairs["right_row"]).to_numpy()


def _told(progress: PassProgress | None, label: str, blocks: TableBlocks) -> Callable[[int], None]:
    def tell(rows: int) -> None:
        if progress:
            progress(label, blocks.bytes_read, blocks.size, rows)

    return tell


class _FuzzyScreen:
    """The rows of the open inmates' birth-date and name blocks that could be decided for one of them."""

    def __init__(self, open_roster: pd.DataFrame, context: _Context) -> None:
        self.open_roster, self.context = open_roster, context
        self._birth_dates, self._name_keys = birth_dates(context.reference_date), name_parts("name_key")

    def __call__(self, data: pd.DataFrame) -> np.ndarray:
        if self.open_roster.empty:
            return np.zeros(len(data), dtype=bool)
        view = fuzzy_blocks_view(data, self.context.reference_date, self._birth_dates, self._name_keys)
        return _plausible(data, match.fuzzy_candidate_pairs(self.open_roster, view), self.open_roster, self.context)


class _MainScreen:
    """What the main pass keeps of each block; it samples the regions of every row read as it goes."""

    def __init__(
        self, roster: pd.DataFrame, look: Look, rules: decide.Rules, extra_niks: frozenset[str], context: _Context
    ) -> None:
        self.rules, self.context = rules, context
        self.wanted_niks = extra_niks | look.prison_niks
        self.fuzzy = _FuzzyScreen(roster[~roster["source_row"].isin(look.settled)], context)
        self.nik_blocks = match.NikBlocks(roster)
        self.restart()

    def restart(self) -> None:
        """Forget the regions sampled: the blocks start over."""
        self.regions = RegionSamples()

    def __call__(self, block: reader.ReadTable) -> np.ndarray:
        data = block.data
        view = nik_blocks_view(data)
        keep = _rows_in(self.nik_blocks.pairs(view), data) | listed_at_prison(data, self.rules) | self.fuzzy(data)
        keep = keep | view["nik_clean"].isin(self.wanted_niks).to_numpy()
        self.regions.add(data, view["nik_clean"])
        if self.context.count_nik_regencies:
            self.regions.nik_regencies.update(listing.nik_regency_counts(view["nik_clean"]))
        return keep


def _second_pass(
    blocks: TableBlocks,
    open_roster: pd.DataFrame,
    listed_niks: frozenset[str],
    taken: np.ndarray,
    context: _Context,
    tell,
) -> list[pd.DataFrame]:
    found: list[pd.DataFrame] = []
    fuzzy = _FuzzyScreen(open_roster, context)
    rows = 0
    for block in blocks.blocks(restart=found.clear):
        rows += len(block.data)
        data = block.data[~block.data["source_row"].astype("int64").isin(taken).to_numpy()]
        keep = nik.nik_text(data)["nik_clean"].isin(listed_niks).to_numpy() | fuzzy(data)
        found.append(data[keep])
        tell(rows)
    return found


def screen_extract(
    blocks: TableBlocks,
    roster: pd.DataFrame,
    rules: decide.Rules,
    *,
    reference_date: date,
    settings: match.MatchSettings,
    extra_niks: frozenset[str] = frozenset(),
    site_regencies: frozenset[str] = frozenset(),
    progress: PassProgress | None = None,
) -> ScreenedExtract:
    """The rows of the extract in ``blocks`` that can concern the inmates of ``roster`` (a match view).

    ``site_regencies``, the prisons' regencies, place the rows of a file that names none (``listing.py``)."""

    described = blocks.description
    path = getattr(blocks, "path", None)
    context = _Context(described, reference_date, settings)
    context.count_nik_regencies = len(site_regencies) != 1 and not (path and listing.regency_in_file_name(path))
    look = quick_look.look_at(blocks, roster, rules, reference_date, settings, _told(progress, "NIK (sekilas)", blocks))
    main = _MainScreen(roster, look, rules, extra_niks, context)
    passed = keep_rows(blocks, main, restart=main.restart, tell=_told(progress, "baris untuk pencocokan", blocks))
    kept = passed.table(described)
    more = _what_the_look_missed(blocks, with_rows(described, kept.data), roster, look, rules, context, progress)
    rows = concat_rows([kept.data, *more], described.data).sort_values("source_row", kind="stable")
    regency = listing.extract_regency(path, site_regencies, main.regions.nik_regencies)
    coverage, loksus = main.regions.coverage(described, reference_date, regency)
    return ScreenedExtract(with_rows(kept, rows), passed.rows_read, coverage, regency, loksus)


def _what_the_look_missed(
    blocks: TableBlocks,
    kept: reader.ReadTable,
    roster: pd.DataFrame,
    look: Look,
    rules: decide.Rules,
    context: _Context,
    progress: PassProgress | None,
) -> list[pd.DataFrame]:
    """Read once more for inmates the quick look took as settled but the rows read in full do not settle, and for
    NIKs at the prison's TPS it did not see (it reads cells as written: a zero-width space hides a NIK from it):
    rare, and then the result is still exactly that of reading everything."""
    clean = nik.nik_text(kept.data)["nik_clean"]
    own_nik_rows = with_rows(kept, kept.data[clean.isin(inmate_niks(roster)).to_numpy()])
    settled = settled_by(own_nik_rows, roster, context.reference_date, context.settings)
    unsettled = roster[roster["source_row"].isin(look.settled) & ~roster["source_row"].isin(settled)]
    at_prison = clean[listed_at_prison(kept.data, rules)]
    unseen_niks = frozenset(at_prison) - look.prison_niks - {""}
    if unsettled.empty and not unseen_niks:
        return []
    taken = kept.data["source_row"].astype("int64").to_numpy()
    tell = _told(progress, "baris yang terlewat", blocks)
    return _second_pass(blocks, unsettled, unseen_niks, taken, context, tell)
