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

The decisions are then the ones reading the whole extract gives (``tests/test_screen.py`` checks it). What the whole
extract is needed for, the regions it covers, is gathered from one row per distinct address and NIK region.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing, match, names, nik, values
from dpt_rutan.fields import Field
from dpt_rutan.people import match_view, prepare_people
from dpt_rutan.read import reader
from dpt_rutan.read.grid import WHITESPACE
from dpt_rutan.read.stream import TableBlocks, concat_rows, no_data_error

PassProgress = Callable[[str, int, int, int], None]
"""Told (what the pass looks for, bytes read, bytes in all, rows read) after each block."""

_MAX_REMEMBERED = 2_000_000
_REGION_INPUTS = (Field.PROVINCE.value, Field.REGENCY.value, Field.DISTRICT.value)


@dataclass
class ScreenedExtract:
    """The rows of an extract that concern the prison, and what the screen learnt from all of them."""

    table: reader.ReadTable  # the rows kept, in file order; the skipped rows and notes of the whole file
    rows_read: int  # data rows in the whole extract
    coverage: decide.Coverage
    regency: listing.ExtractRegency  # the file's regency, for rows that do not name one
    loksus_tps: dict[str, list[int]] = field(default_factory=dict)  # kecamatan -> its TPS numbers of 900 and up


class _PerDistinct:
    """``compute`` (a function of a Series of texts) of each distinct text once, remembered across blocks: birth
    dates and names repeat from block to block, and parsing them is most of a block's cost."""

    def __init__(self, compute: Callable[[pd.Series], pd.Series]) -> None:
        self._compute = compute
        self._known: dict[str, object] = {}

    def __call__(self, texts: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(texts.fillna("").astype(str).to_numpy(dtype=object))
        new = [text for text in uniques if text not in self._known]
        if new:
            if len(self._known) > _MAX_REMEMBERED:
                self._known.clear()
            self._known.update(zip(new, self._compute(pd.Series(new, dtype=object)).to_numpy(), strict=True))
        return pd.Series([self._known[text] for text in uniques] or [None]).to_numpy()[codes]


def _name_parts(part: str) -> _PerDistinct:
    """``name_norm`` or ``name_key`` as ``names.normalise_names`` gives them."""
    return _PerDistinct(lambda texts: names.normalise_names(texts)[part])


def _birth_dates(reference_date: date) -> _PerDistinct:
    return _PerDistinct(lambda texts: values.parse_dates(texts, reference_date=reference_date)[0])


def _nik_blocks_view(data: pd.DataFrame) -> pd.DataFrame:
    """The columns NIK blocking reads. Usable NIKs join through their neighbours, which include the NIK itself,
    so no row needs the structure checks here."""
    text = nik.nik_text(data)
    return pd.DataFrame(
        {
            "source_row": data["source_row"].astype("int64").to_numpy(),
            "nik_clean": text["nik_clean"].to_numpy(),
            "nik_usable": False,
            "nik_masked_pattern": text["nik_masked_pattern"].to_numpy(),
        }
    )


def _fuzzy_blocks_view(
    data: pd.DataFrame, reference_date: date, birth_dates: _PerDistinct, name_keys: _PerDistinct
) -> pd.DataFrame:
    """The columns birth-date and name blocking read, as ``prepare_people`` computes them."""
    birth = pd.Series(pd.to_datetime(birth_dates(values.birth_date_texts(data))), index=data.index)
    unknown = birth.isna().to_numpy()
    if unknown.any():  # the birth date a trustworthy NIK encodes stands in, as in prepare_people
        # The row's own birth date did not parse (``-``, ``00-00-0000``): the NIK's date stands alone, as typed.
        unparsed = data.loc[unknown].assign(**{Field.BIRTH_DATE.value: pd.NaT})
        check = nik.nik_findings(unparsed, reference_date=reference_date).columns
        birth.loc[unknown] = check["nik_birth_date"].where(check["nik_usable"])
    name = data[Field.NAME.value] if Field.NAME.value in data else pd.Series("", index=data.index)
    return pd.DataFrame(
        {
            "source_row": data["source_row"].astype("int64").to_numpy(),
            "birth_date": birth.to_numpy(),
            "name_key": name_keys(name),
        }
    )


def _listed_at_prison(data: pd.DataFrame, rules: decide.Rules) -> np.ndarray:
    """A TPS number of the prison's; the kecamatan and kelurahan are checked once the rows are typed."""
    if Field.TPS.value not in data:
        return np.zeros(len(data), dtype=bool)
    return decide.tps_number(data[Field.TPS.value]).isin(list(rules.prison_tps)).fillna(False).to_numpy(dtype=bool)


def _nik_region(nik_clean: object) -> str:
    """The first six characters of a 16-character NIK (the kecamatan it was issued in), else ""."""
    return nik_clean[:6] if type(nik_clean) is str and len(nik_clean) == 16 else ""


def _nik_region_codes(niks: np.ndarray) -> np.ndarray:
    """An integer per row that is equal exactly where :func:`_nik_region` is; without a Python step per row when the
    16-character NIKs are ASCII (their six leading bytes, read as one number)."""
    lengths = np.fromiter((len(text) if type(text) is str else 0 for text in niks), dtype=np.int64, count=len(niks))
    sixteen = np.flatnonzero(lengths == 16)
    joined = "".join(niks[sixteen])
    if not joined.isascii():
        return pd.factorize(np.array([_nik_region(text) for text in niks], dtype=object))[0]
    leading = np.zeros((len(niks), 8), dtype=np.uint8)
    leading[sixteen, :6] = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 16)[:, :6]
    return pd.factorize(leading.view(np.int64).ravel())[0]


class _RegionSamples:
    """One row per distinct address and NIK region: all that ``decide.extract_coverage`` depends on."""

    def __init__(self) -> None:
        self._seen: set[tuple] = set()
        self._rows: list[pd.DataFrame] = []
        self.nik_regencies: Counter = Counter()
        self._loksus: list[pd.DataFrame] = []

    def add(self, data: pd.DataFrame, nik_clean: pd.Series) -> None:
        self._add_loksus(data)
        niks = nik_clean.to_numpy(dtype=object)
        columns = [data[field].to_numpy(dtype=object) for field in _REGION_INPUTS if field in data]
        combination = np.zeros(len(data), dtype=np.int64)
        for codes in [*(pd.factorize(column)[0] + 1 for column in columns), _nik_region_codes(niks)]:
            combination = pd.factorize(combination * (int(codes.max(initial=0)) + 1) + codes)[0]
        positions = np.sort(np.unique(combination, return_index=True)[1])
        distinct = [(*(column[p] for column in columns), _nik_region(niks[p])) for p in positions]
        new = [position for position, key in zip(positions, distinct, strict=True) if key not in self._seen]
        self._seen.update(distinct)
        if new:
            self._rows.append(data.iloc[new])

    def _add_loksus(self, data: pd.DataFrame) -> None:
        """One row per distinct place and TPS number of 900 and up (the numbers loksus TPS take)."""
        if Field.TPS.value not in data:
            return
        numbers = decide.tps_number(data[Field.TPS.value])
        rows = data[(numbers >= 900).fillna(False).to_numpy(dtype=bool)]
        if len(rows):
            self._loksus.append(rows.drop_duplicates(_loksus_keys(rows)))

    def coverage(
        self, table: reader.ReadTable, reference_date: date, regency: listing.ExtractRegency
    ) -> tuple[decide.Coverage, dict[str, list[int]]]:
        """What the extract covers, and its TPS numbers of 900 and up by kecamatan."""
        samples = pd.concat(self._rows, ignore_index=True) if self._rows else table.data.iloc[:0]
        people = prepare_people(_with_rows(table, samples), reference_date=reference_date, require_rows=False)
        coverage = decide.extract_coverage(listing.with_listing(people.frame, regency))
        loksus: dict[str, list[int]] = {}
        if self._loksus:
            rows = pd.concat(self._loksus, ignore_index=True)
            rows = rows.drop_duplicates(_loksus_keys(rows)).reset_index(drop=True)
            placed = listing.listed_location(rows, regency)["listed_district"]
            for district, number in zip(placed, decide.tps_number(rows[Field.TPS.value]), strict=True):
                loksus.setdefault(district, []).append(int(number))
        return coverage, {district: sorted(set(numbers)) for district, numbers in loksus.items()}


def _loksus_keys(rows: pd.DataFrame) -> list[str]:
    return [field for field in (*_REGION_INPUTS, Field.TPS.value) if field in rows]


def _with_rows(table: reader.ReadTable, data: pd.DataFrame) -> reader.ReadTable:
    return replace(table, data=data.reset_index(drop=True))


@dataclass
class _Context:
    """What typing and comparing rows during a pass needs."""

    table: reader.ReadTable  # the extract's description
    reference_date: date
    settings: match.MatchSettings
    name_norms: _PerDistinct = field(default_factory=lambda: _name_parts("name_norm"))
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
    typed = prepare_people(_with_rows(context.table, rows), reference_date=context.reference_date, require_rows=False)
    compared = match.compare_pairs(pairs, open_roster, match_view(typed.frame), context.settings)
    return _rows_in(compared[compared["score"] >= context.settings.review_score], data)


def _masked_nik_in(pairs: pd.DataFrame, data: pd.DataFrame, roster: pd.DataFrame) -> np.ndarray:
    paired = data[_rows_in(pairs, data)]
    masked_right = paired["source_row"].astype("int64")[nik.nik_text(paired)["nik_masked_pattern"].ne("").to_numpy()]
    masked_left = roster.loc[roster["nik_masked_pattern"].fillna("").ne(""), "source_row"]
    return (pairs["right_row"].isin(masked_right) | pairs["left_row"].isin(masked_left)).to_numpy()


def _rows_in(pairs: pd.DataFrame, data: pd.DataFrame) -> np.ndarray:
    return data["source_row"].astype("int64").isin(pairs["right_row"]).to_numpy()


class _Kept:
    """What a pass takes from the blocks; forgotten when the blocks start over."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.data: list[pd.DataFrame] = []
        self.skipped: list[pd.DataFrame] = []
        self.notes: list[pd.DataFrame] = []
        self.rows_read = 0
        self.regions = _RegionSamples()


def _told(progress: PassProgress | None, label: str, blocks: TableBlocks) -> Callable[[int], None]:
    def tell(rows: int) -> None:
        if progress:
            progress(label, blocks.bytes_read, blocks.size, rows)

    return tell


def _inmate_niks(roster: pd.DataFrame) -> frozenset[str]:
    return frozenset(roster.loc[roster["nik_usable"], "nik_clean"])


def _settled_by(
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
class _Look:
    """What a quick look at the columns the matcher compares tells before the rows are read in full."""

    settled: pd.Index  # inmates whose own NIK row decides them: no birth-date or name blocks needed
    prison_niks: frozenset[str]  # NIKs listed at a TPS number of the prison's


def _quick_look(
    blocks: TableBlocks,
    roster: pd.DataFrame,
    rules: decide.Rules,
    reference_date: date,
    settings: match.MatchSettings,
    tell,
) -> _Look:
    inmate_niks = _inmate_niks(roster)
    found: list[pd.DataFrame] = []
    prison_niks: set[str] = set()
    rows = 0
    for columns in blocks.columns_only(_LOOK_FIELDS):
        clean = nik.nik_text(columns)["nik_clean"]
        found.append(columns[clean.isin(inmate_niks).to_numpy()])
        prison_niks.update(clean[_listed_at_prison(columns, rules)])
        rows += len(columns)
        tell(rows)
    described = blocks.description
    rows_found = concat_rows(found, described.data.drop(columns="source_row"))
    rows_found = rows_found.apply(lambda column: column.str.strip(WHITESPACE)).assign(
        source_row=np.arange(len(rows_found), dtype="int64")
    )
    settled = _settled_by(_with_rows(described, rows_found), roster, reference_date, settings)
    return _Look(settled, frozenset(prison_niks - {""}))


class _FuzzyScreen:
    """The rows of the open inmates' birth-date and name blocks that could be decided for one of them."""

    def __init__(self, open_roster: pd.DataFrame, context: _Context) -> None:
        self.open_roster, self.context = open_roster, context
        self._birth_dates, self._name_keys = _birth_dates(context.reference_date), _name_parts("name_key")

    def __call__(self, data: pd.DataFrame) -> np.ndarray:
        if self.open_roster.empty:
            return np.zeros(len(data), dtype=bool)
        view = _fuzzy_blocks_view(data, self.context.reference_date, self._birth_dates, self._name_keys)
        return _plausible(data, match.fuzzy_candidate_pairs(self.open_roster, view), self.open_roster, self.context)


def _main_pass(
    blocks: TableBlocks,
    roster: pd.DataFrame,
    look: _Look,
    rules: decide.Rules,
    extra_niks: frozenset[str],
    context: _Context,
    tell,
) -> _Kept:
    kept = _Kept()
    fuzzy = _FuzzyScreen(roster[~roster["source_row"].isin(look.settled)], context)
    nik_blocks = match.NikBlocks(roster)
    for block in blocks.blocks(restart=kept.reset):
        data = block.data
        view = _nik_blocks_view(data)
        keep = _rows_in(nik_blocks.pairs(view), data) | _listed_at_prison(data, rules) | fuzzy(data)
        keep = keep | view["nik_clean"].isin(extra_niks | look.prison_niks).to_numpy()
        kept.data.append(data[keep])
        kept.skipped.append(block.skipped)
        if block.row_notes is not None:
            kept.notes.append(block.row_notes)
        kept.rows_read += len(data)
        kept.regions.add(data, view["nik_clean"])
        if context.count_nik_regencies:
            kept.regions.nik_regencies.update(listing.nik_regency_counts(view["nik_clean"]))
        tell(kept.rows_read)
    return kept


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
    look = _quick_look(blocks, roster, rules, reference_date, settings, _told(progress, "NIK (sekilas)", blocks))
    main = _main_pass(
        blocks, roster, look, rules, extra_niks, context, _told(progress, "baris untuk pencocokan", blocks)
    )
    if main.rows_read == 0:
        raise no_data_error(described)
    kept = _with_rows(described, concat_rows(main.data, described.data))
    more = _what_the_look_missed(blocks, kept, roster, look, rules, context, progress)
    rows = concat_rows([kept.data, *more], described.data).sort_values("source_row", kind="stable")
    notes = pd.concat(main.notes, ignore_index=True) if main.notes else None
    table = replace(
        described,
        data=rows.reset_index(drop=True),
        skipped=concat_rows(main.skipped, described.skipped),
        row_notes=notes,
    )
    regency = listing.extract_regency(path, site_regencies, main.regions.nik_regencies)
    coverage, loksus = main.regions.coverage(described, reference_date, regency)
    return ScreenedExtract(table, main.rows_read, coverage, regency, loksus)


def _what_the_look_missed(
    blocks: TableBlocks,
    kept: reader.ReadTable,
    roster: pd.DataFrame,
    look: _Look,
    rules: decide.Rules,
    context: _Context,
    progress: PassProgress | None,
) -> list[pd.DataFrame]:
    """Read once more for inmates the quick look took as settled but the rows read in full do not settle, and for
    NIKs at the prison's TPS it did not see (it reads cells as written: a zero-width space hides a NIK from it):
    rare, and then the result is still exactly that of reading everything."""
    clean = nik.nik_text(kept.data)["nik_clean"]
    own_nik_rows = _with_rows(kept, kept.data[clean.isin(_inmate_niks(roster)).to_numpy()])
    settled = _settled_by(own_nik_rows, roster, context.reference_date, context.settings)
    unsettled = roster[roster["source_row"].isin(look.settled) & ~roster["source_row"].isin(settled)]
    at_prison = clean[_listed_at_prison(kept.data, rules)]
    unseen_niks = frozenset(at_prison) - look.prison_niks - {""}
    if unsettled.empty and not unseen_niks:
        return []
    taken = kept.data["source_row"].astype("int64").to_numpy()
    tell = _told(progress, "baris yang terlewat", blocks)
    return _second_pass(blocks, unsettled, unseen_niks, taken, context, tell)
