"""Record linkage of people across two lists: roster against a KPU extract, roster against Dukcapil, roster to itself.

Shaped after Splink's comparison levels: each field compares at an ordered list of labelled levels, each level adds
a weight (in bits of evidence, positive for agreement, negative for disagreement, zero when a value is missing so
that a missing value counts neither for nor against). The sum is the pair's score. Candidates are found by blocking
rules (exact NIK first, then NIK neighbours, visible digits of hidden NIKs, birth date, name key), never by comparing
all against all. Assignment is one-to-one and greedy by score; ties and near-threshold pairs go to review with the
candidates listed, never silently taken.

Both sides are "people frames": ``source_row``, ``name_norm``, ``name_key``, ``nik_clean``, ``nik_usable``,
``nik_masked_pattern``, ``birth_date`` (datetime64), ``sex`` ("L"/"P"/""), optionally ``mother_norm``.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict

from dpt_rutan import names


class LevelWeights(BaseModel):
    model_config = ConfigDict(frozen=True)

    nik_exact: float = 20
    nik_one_edit: float = 8  # only counted when the birth dates agree: see compare_pairs
    nik_masked_agree: float = 6
    # A masked NIK whose shown digits differ from a usable NIK is evidence against, as strong as a different NIK:
    # name and birth date alone then stay below the accept score.
    nik_masked_disagree: float = -10
    nik_different: float = -10
    name_exact: float = 8
    name_close: float = 6  # similarity >= name_close_at: a spelling variant or one letter
    name_similar: float = 3  # similarity >= name_similar_at: a missing middle name, a typo or two
    name_different: float = -12
    dob_exact: float = 10
    dob_partial: float = 4  # day and month swapped, or one digit off
    dob_different: float = -8
    sex_agree: float = 1
    sex_different: float = -4
    mother_agree: float = 4
    mother_different: float = -2


class MatchSettings(BaseModel):
    """Thresholds of the matcher; copied into every report's provenance."""

    model_config = ConfigDict(frozen=True)

    accept_score: float = 16
    review_score: float = 8
    tie_margin: float = 4
    name_close_at: float = 0.93
    name_similar_at: float = 0.85
    weights: LevelWeights = LevelWeights()


PAIR_COLUMNS = [
    "left_row",
    "right_row",
    "nik_level",
    "name_level",
    "dob_level",
    "sex_level",
    "mother_level",
    "name_similarity",
    "score",
]

MATCH_COLUMNS = [
    "left_row",
    "right_row",
    "decision",  # "match" | "review" | "none"
    "method",
    "score",
    "agreed",
    "disagreed",
    "candidates",
]


# --- blocking -------------------------------------------------------------------------------------------------

# The place value of each of a NIK's 16 digits: a NIK as an int64 key joins far faster than as text.
_PLACES = 10 ** np.arange(15, -1, -1, dtype=np.int64)
_MASK_CODE = ord("*")


def _join_keys(lk: pd.DataFrame, rk: pd.DataFrame, on: str | list[str]) -> pd.DataFrame:
    """Inner join of ``left_row`` and ``right_row`` frames on their key column(s).

    The right side is usually the big extract: it is cut down to the keys the left side has before the join.
    """
    first = on if isinstance(on, str) else on[0]
    return lk.merge(rk[rk[first].isin(lk[first])], on=on)[["left_row", "right_row"]]


class _SortedKeys:
    """One side's int64 keys sorted once, so that many other sides join to it by binary search.

    :meth:`join` gives the pairs in the order of an inner ``merge`` with this side on the left: by this side's
    row, then by the other side's.
    """

    def __init__(self, rows: np.ndarray, keys: np.ndarray) -> None:
        self._order = np.argsort(keys)
        self._rows, self._keys = rows, keys[self._order]

    def join(self, rows: np.ndarray, keys: np.ndarray) -> pd.DataFrame:
        # Searching in key order is several times faster (numpy narrows each search from the last), and most keys
        # find nothing: only those that do are searched for where their run ends. The pairs are put in order at the
        # end, so equal keys need no stable sort.
        by_key = np.argsort(keys)
        sorted_keys = keys[by_key]
        low = np.searchsorted(self._keys, sorted_keys)
        found = np.flatnonzero(np.take(self._keys, low, mode="clip") == sorted_keys) if len(self._keys) else low[:0]
        low = low[found]
        hits = np.searchsorted(self._keys, sorted_keys[found], side="right") - low
        right = np.repeat(by_key[found], hits)
        within = np.arange(len(right)) - np.repeat(np.cumsum(hits) - hits, hits)
        left = self._order[np.repeat(low, hits) + within]
        sequence = np.lexsort((right, left))
        return pd.DataFrame({"left_row": self._rows[left[sequence]], "right_row": rows[right[sequence]]})


def _present(key: pd.Series) -> pd.Series:
    present = key.notna()
    return present if pd.api.types.is_numeric_dtype(key) else present & (key != "")


def _join_on(left: pd.DataFrame, right: pd.DataFrame, left_key: pd.Series, right_key: pd.Series) -> pd.DataFrame:
    lk = pd.DataFrame({"left_row": left["source_row"].to_numpy(), "key": left_key.to_numpy()})
    rk = pd.DataFrame({"right_row": right["source_row"].to_numpy(), "key": right_key.to_numpy()})
    return _join_keys(lk[_present(lk["key"])], rk[_present(rk["key"])], "key")


def _usable_nik(frame: pd.DataFrame) -> pd.Series:
    return frame["nik_clean"].where(frame["nik_usable"], "")


def _full_niks(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``source_row`` and an (n, 16) digit array of the rows whose NIK is 16 digits, usable or not: a mangled NIK
    still has its neighbours."""
    niks = frame["nik_clean"].fillna("").to_numpy(dtype=object)
    sixteen = np.flatnonzero(np.fromiter(map(len, niks), dtype=np.int64, count=len(niks)) == 16)
    # One join and encode is much faster than a regex or numpy's conversion to fixed-width strings; outside Latin-1
    # becomes "?", which is not a digit.
    codes = np.frombuffer("".join(niks[sixteen]).encode("latin-1", errors="replace"), dtype=np.uint8)
    digits = codes.reshape(-1, 16).astype(np.int64) - ord("0")
    full = ((digits >= 0) & (digits <= 9)).all(axis=1)
    return frame["source_row"].to_numpy()[sixteen[full]], digits[full]


def _one_edit_variants(digits: np.ndarray) -> np.ndarray:
    """Every NIK one digit off or with two adjacent digits swapped, the NIK itself included, as int64: (n, 175)."""
    value = digits @ _PLACES
    substituted = value[:, None, None] + (np.arange(10)[None, None, :] - digits[:, :, None]) * _PLACES[None, :, None]
    step = digits[:, 1:] - digits[:, :-1]
    swapped = value[:, None] + step * _PLACES[None, :-1] - step * _PLACES[None, 1:]
    return np.concatenate([substituted.reshape(len(digits), 160), swapped], axis=1)


def _masked_keys(patterns: pd.Series) -> pd.DataFrame:
    """Masked patterns that can agree with a NIK: 16 characters, the first two (the province) shown, every shown
    character a digit; with the positions they hide as a ``shape`` and their shown digits as an int64 ``key``."""
    patterns = patterns[patterns != ""]
    patterns = patterns[patterns.str.fullmatch(r"[0-9]{2}[0-9*]{14}", na=False)]
    codes = np.array([[ord(c) for c in p] for p in patterns], dtype=np.int64).reshape(-1, 16)
    hidden = codes == _MASK_CODE
    digits = np.where(hidden, 0, codes - ord("0"))
    return pd.DataFrame({"shape": [row.tobytes() for row in hidden], "key": digits @ _PLACES}, index=patterns.index)


def _masked_candidates(left: pd.DataFrame, right: pd.DataFrame, left_niks: tuple, right_niks: tuple) -> pd.DataFrame:
    """Pairs where one side's NIK hides digits and the digits it shows agree with the other side's 16-digit NIK.

    Blocked exactly, one mask shape at a time (a published list uses one or a few): the full NIKs' digits at the
    shown positions against the shown digits.
    """
    pairs = []
    for masked_side, (full_rows, full_digits), masked_name, full_name in (
        (right, left_niks, "right_row", "left_row"),
        (left, right_niks, "left_row", "right_row"),
    ):
        keys = _masked_keys(masked_side["nik_masked_pattern"])
        keys["row"] = masked_side.loc[keys.index, "source_row"].to_numpy()
        for shape, group in keys.groupby("shape", sort=False):
            shown = ~np.frombuffer(shape, dtype=bool)
            full_key = (full_digits * shown) @ _PLACES
            mk = pd.DataFrame({"left_row": group["row"].to_numpy(), "key": group["key"].to_numpy()})
            fk = pd.DataFrame({"right_row": full_rows, "key": full_key})
            found = _join_keys(mk, fk, "key").rename(columns={"left_row": masked_name, "right_row": full_name})
            pairs.append(found[["left_row", "right_row"]])
    return pd.concat(pairs) if pairs else pd.DataFrame({"left_row": [], "right_row": []})


def _birth_days(frame: pd.DataFrame) -> pd.Series:
    """The birth date as days since 1970 (time of day dropped), <NA> when unknown: a cheap join key."""
    days = frame["birth_date"].to_numpy().astype("datetime64[D]")
    return pd.Series(days.view(np.int64), dtype="Int64").mask(np.isnat(days))


def _swapped_birth_days(frame: pd.DataFrame) -> pd.Series:
    """The birth date with day and month swapped, where that is another valid date."""
    dob = frame["birth_date"]
    valid = (dob.notna() & (dob.dt.day <= 12) & (dob.dt.day != dob.dt.month)).to_numpy()
    days = np.full(len(frame), np.datetime64("NaT"), dtype="datetime64[D]")
    if valid.any():
        parts = {"year": dob.dt.year, "month": dob.dt.day, "day": dob.dt.month}
        swapped = pd.to_datetime(pd.DataFrame({key: part[valid].astype("int64") for key, part in parts.items()}))
        days[valid] = swapped.to_numpy().astype("datetime64[D]")
    return pd.Series(days.view(np.int64), dtype="Int64").mask(np.isnat(days))


def _name_and_date_part_candidates(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Same name key and two of the birth date's three parts: a birth date one digit off in its day, month or year.

    Only a pair whose birth dates are one edit apart (level "partial") or unknown on both sides can reach the review
    score without a NIK; a name key and birth year alone made blocks of thousands in a province's extract, nearly
    all of them pairs whose dates differ in two parts.
    """

    def parts(frame: pd.DataFrame) -> dict[str, np.ndarray]:
        dob = frame["birth_date"]
        return {part: getattr(dob.dt, part).fillna(-1).to_numpy(dtype=np.int64) for part in ("year", "month", "day")}

    name_keys = pd.Index(pd.unique(left["name_key"].to_numpy(dtype=object)))
    right_code = name_keys.get_indexer(right["name_key"].to_numpy(dtype=object))
    shares_a_name_key = right_code >= 0
    left_parts, right_parts = parts(left), {part: days[shares_a_name_key] for part, days in parts(right).items()}
    left_code, right_code = (
        name_keys.get_indexer(left["name_key"].to_numpy(dtype=object)),
        right_code[shares_a_name_key],
    )
    left_rows, right_rows = left["source_row"].to_numpy(), right["source_row"].to_numpy()[shares_a_name_key]

    def key(code: np.ndarray, part: dict[str, np.ndarray], first: str, second: str) -> np.ndarray:
        # The name key's code and two date parts (-1 when unknown, so +1) in one int64: a year is under 10,000.
        return code * 10**9 + (part[first] + 1) * 10**4 + part[second] + 1

    return pd.concat(
        [
            _SortedKeys(left_rows, key(left_code, left_parts, *two)).join(
                right_rows, key(right_code, right_parts, *two)
            )
            for two in (("year", "month"), ("year", "day"), ("month", "day"))
        ],
        ignore_index=True,
    )


def _union(rules: list[pd.DataFrame]) -> pd.DataFrame:
    pairs = pd.concat(rules, ignore_index=True).drop_duplicates()
    return pairs.astype({"left_row": "int64", "right_row": "int64"}).reset_index(drop=True)


class NikBlocks:
    """The left side's NIK blocking keys, built once and joined to as many right sides as come (an extract read in
    blocks meets the same roster hundreds of times).

    Pairs: the same usable NIK; 16-digit NIKs at most one digit off or one adjacent swap apart (the typos of a NIK
    typed by hand); and NIKs whose masked form shows digits that agree. The left side (the roster) is small: its
    one-typo variants are joined to the right side's NIKs exactly, so that a common kecamatan and birth date
    (thousands of NIKs share their first eight digits) never makes a large block.
    """

    def __init__(self, left: pd.DataFrame) -> None:
        self.left = left
        self.left_niks = _full_niks(left)
        rows, digits = self.left_niks
        variants, values = _one_edit_variants(digits), digits @ _PLACES
        # Each row's variants hold its own NIK many times (a digit "replaced" by itself) and nothing else twice.
        other = variants != values[:, None]
        self._variants = _SortedKeys(
            np.concatenate([rows, np.repeat(rows, other.sum(axis=1))]), np.concatenate([values, variants[other]])
        )

    def pairs(self, right: pd.DataFrame) -> pd.DataFrame:
        """Needs ``source_row``, ``nik_clean``, ``nik_usable`` and ``nik_masked_pattern`` of both sides only."""
        right_niks = _full_niks(right)
        rows, digits = right_niks
        neighbours = self._variants.join(rows, digits @ _PLACES)
        return _union(
            [
                _join_on(self.left, right, _usable_nik(self.left), _usable_nik(right)),
                neighbours,
                _masked_candidates(self.left, right, self.left_niks, right_niks),
            ]
        )


def nik_candidate_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Pairs whose NIKs agree, are one typo apart, or agree where a masked NIK shows digits: :class:`NikBlocks`."""
    return NikBlocks(left).pairs(right)


def fuzzy_candidate_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Pairs that share a birth date (or its day-month swap), or a name key and two parts of the birth date.

    Needs ``source_row``, ``birth_date`` and ``name_key`` only.
    """
    return _union(
        [
            _join_on(left, right, _birth_days(left), _birth_days(right)),
            _join_on(left, right, _swapped_birth_days(left), _birth_days(right)),
            _name_and_date_part_candidates(left, right),
        ]
    )


def candidate_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Union of the blocking rules: every pair that could be the same person, without comparing all against all."""
    return _union([nik_candidate_pairs(left, right), fuzzy_candidate_pairs(left, right)])


# --- comparison levels ----------------------------------------------------------------------------------------


def _code_points(texts: np.ndarray, width: int) -> np.ndarray:
    """Strings all ``width`` long as an (n, width) array of their characters, to compare position by position."""
    return np.asarray(texts, dtype=f"<U{width}").view(np.uint32).reshape(len(texts), width)


def _lengths(texts: np.ndarray) -> np.ndarray:
    return np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))


def _one_edit_rows(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One digit wrong, or two adjacent digits swapped: the typos of numbers typed by hand (NIKs, dates).

    Row by row over two equal-shaped arrays of characters or digits.
    """
    differs = a != b
    count = differs.sum(axis=1)
    rows = np.arange(len(a))
    first = differs.argmax(axis=1)
    second = np.minimum(first + 1, a.shape[1] - 1)
    swapped = (
        (count == 2) & differs[rows, second] & (a[rows, first] == b[rows, second]) & (a[rows, second] == b[rows, first])
    )
    return (count == 1) | swapped


def _one_edit_apart(a: np.ndarray, b: np.ndarray, width: int, where: np.ndarray) -> np.ndarray:
    """:func:`_one_edit_rows` on the strings at ``where``, all ``width`` long; False elsewhere."""
    found = np.zeros(len(a), dtype=bool)
    found[where] = _one_edit_rows(_code_points(a[where], width), _code_points(b[where], width))
    return found


def _masked_comparison(patterns: np.ndarray, niks: np.ndarray, nik_is_16: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where the pattern has 16 characters and the NIK 16: whether every character not hidden (``*``) equals the
    NIK's digit there (agree), and whether a shown digit differs from it (disagree)."""
    where = (patterns != "") & nik_is_16 & (_lengths(patterns) == 16)
    agree, disagree = np.zeros(len(patterns), dtype=bool), np.zeros(len(patterns), dtype=bool)
    shown, digits = _code_points(patterns[where], 16), _code_points(niks[where], 16)
    agrees = ((shown == _MASK_CODE) | (shown == digits)).all(axis=1)
    agree[where] = agrees
    disagree[where] = ~agrees
    return agree, disagree


def _nik_levels(left_nik, left_usable, left_mask, right_nik, right_usable, right_mask) -> np.ndarray:
    """:func:`nik_level` over aligned arrays (NIKs and masks as object arrays of str, usable as bool)."""
    left_16, right_16 = _lengths(left_nik) == 16, _lengths(right_nik) == 16
    exact = left_usable & right_usable & (left_nik == right_nik)
    left_agree, left_disagree = _masked_comparison(left_mask, right_nik, right_16)
    right_agree, right_disagree = _masked_comparison(right_mask, left_nik, left_16)
    masked = left_agree | right_agree
    # Only a usable NIK speaks against a mask: a damaged one (Excel's lost last digit) may differ by damage alone.
    masked_disagree = (left_disagree & right_usable) | (right_disagree & left_usable)
    one_edit = (left_usable | right_usable) & _one_edit_apart(left_nik, right_nik, 16, left_16 & right_16)
    return np.select(
        [exact, masked, one_edit, left_usable & right_usable, masked_disagree],
        ["exact", "masked_agree", "one_edit", "different", "masked_disagree"],
        "missing",
    ).astype(object)


def nik_level(left_nik: str, left_usable: bool, left_mask: str, right_nik: str, right_usable: bool, right_mask: str):
    texts = [np.array([text], dtype=object) for text in (left_nik, left_mask, right_nik, right_mask)]
    usable = [np.array([flag], dtype=bool) for flag in (left_usable, right_usable)]
    return str(_nik_levels(texts[0], usable[0], texts[1], texts[2], usable[1], texts[3])[0])


def _date_digits(dates: pd.DatetimeIndex) -> np.ndarray:
    """The dates as their digits ddmmyyyy, an (n, 8) array; 0 where unknown."""
    parts = [np.nan_to_num(np.asarray(part, dtype=float)).astype(np.int64) for part in (dates.day, dates.month)]
    year = np.nan_to_num(np.asarray(dates.year, dtype=float)).astype(np.int64)
    day, month = parts
    return np.stack(
        [day // 10, day % 10, month // 10, month % 10, year // 1000 % 10, year // 100 % 10, year // 10 % 10, year % 10],
        axis=1,
    )


def _dob_levels(left: pd.DatetimeIndex, right: pd.DatetimeIndex) -> np.ndarray:
    """:func:`dob_level` over aligned dates."""
    missing = np.asarray(left.isna() | right.isna())
    exact = np.asarray(left == right)
    swapped = np.asarray((left.year == right.year) & (left.day == right.month) & (left.month == right.day))
    one_edit = _one_edit_rows(_date_digits(left), _date_digits(right))
    return np.select([missing, exact, swapped | one_edit], ["missing", "exact", "partial"], "different").astype(object)


def dob_level(left: pd.Timestamp, right: pd.Timestamp) -> str:
    return str(_dob_levels(pd.DatetimeIndex([left]), pd.DatetimeIndex([right]))[0])


def _name_levels(similarity: np.ndarray, settings: MatchSettings) -> np.ndarray:
    similarity = np.asarray(similarity, dtype=float)
    return np.select(
        [
            np.isnan(similarity),
            similarity >= 1.0,
            similarity >= settings.name_close_at,
            similarity >= settings.name_similar_at,
        ],
        ["missing", "exact", "close", "similar"],
        "different",
    ).astype(object)


def name_level(similarity: float | None, settings: MatchSettings) -> str:
    return str(_name_levels(np.array([np.nan if similarity is None else similarity]), settings)[0])


def _sex_levels(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    missing = (left == "") | (right == "")
    return np.select([missing, left == right], ["missing", "exact"], "different").astype(object)


def _weight_table(weights: LevelWeights) -> dict[str, dict[str, float]]:
    """The weight of each level of each field; a level not listed (missing) weighs nothing."""
    return {
        "nik": {
            "exact": weights.nik_exact,
            "one_edit": weights.nik_one_edit,
            "masked_agree": weights.nik_masked_agree,
            "different": weights.nik_different,
            "masked_disagree": weights.nik_masked_disagree,
        },
        "name": {
            "exact": weights.name_exact,
            "close": weights.name_close,
            "similar": weights.name_similar,
            "different": weights.name_different,
        },
        "dob": {"exact": weights.dob_exact, "partial": weights.dob_partial, "different": weights.dob_different},
        "sex": {"exact": weights.sex_agree, "different": weights.sex_different},
        "mother": {
            "exact": weights.mother_agree,
            "close": weights.mother_agree,
            "similar": weights.mother_agree / 2,
            "different": weights.mother_different,
        },
    }


def _level_weights(levels: pd.Series, table: dict[str, float]) -> np.ndarray:
    """The weight of each pair's level, looked up once per distinct level (Series.map on strings is slow)."""
    codes, uniques = pd.factorize(levels)
    return np.array([table.get(level, 0.0) for level in uniques], dtype=float)[codes]


def _rows_of(frame: pd.DataFrame, source_rows: pd.Series) -> pd.DataFrame:
    """The rows of ``frame`` with these ``source_row`` values, in that order (a KeyError for one it lacks)."""
    positions = pd.Index(frame["source_row"]).get_indexer(source_rows)
    if (positions < 0).any():
        raise KeyError(f"source_row {source_rows[positions < 0].iloc[0]} not found")
    return frame.iloc[positions].reset_index(drop=True)


def _text_array(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].to_numpy(dtype=object)


def compare_pairs(
    pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame, settings: MatchSettings
) -> pd.DataFrame:
    """Comparison levels and score of every candidate pair."""
    if pairs.empty:
        return pd.DataFrame({column: [] for column in PAIR_COLUMNS})
    lrows, rrows = _rows_of(left, pairs["left_row"]), _rows_of(right, pairs["right_row"])
    similarity = names.name_similarities(lrows["name_norm"], rrows["name_norm"]).to_numpy()
    nik = _nik_levels(
        *(
            _text_array(lrows, "nik_clean"),
            lrows["nik_usable"].to_numpy(dtype=bool),
            _text_array(lrows, "nik_masked_pattern"),
        ),
        *(
            _text_array(rrows, "nik_clean"),
            rrows["nik_usable"].to_numpy(dtype=bool),
            _text_array(rrows, "nik_masked_pattern"),
        ),
    )
    dob = _dob_levels(pd.DatetimeIndex(lrows["birth_date"]), pd.DatetimeIndex(rrows["birth_date"]))
    # Neighbouring people have neighbouring NIKs (same district, birth dates a day or a year apart, serial 0001):
    # a NIK one digit off is a typo only when the birth dates agree.
    nik[(nik == "one_edit") & ~np.isin(dob, ["exact", "missing"])] = "different"
    compared = pd.DataFrame(
        {
            "left_row": pairs["left_row"].to_numpy(),
            "right_row": pairs["right_row"].to_numpy(),
            "nik_level": nik,
            "name_level": _name_levels(similarity, settings),
            "dob_level": dob,
            "sex_level": _sex_levels(_text_array(lrows, "sex"), _text_array(rrows, "sex")),
            "mother_level": "missing",
            "name_similarity": similarity,
        }
    )
    if "mother_norm" in left.columns and "mother_norm" in right.columns:
        compared["mother_level"] = _name_levels(
            names.name_similarities(lrows["mother_norm"], rrows["mother_norm"]).to_numpy(), settings
        )
    compared["score"] = sum(
        _level_weights(compared[f"{field}_level"], table) for field, table in _weight_table(settings.weights).items()
    )
    return compared[PAIR_COLUMNS]


# --- decisions ------------------------------------------------------------------------------------------------


_METHODS = {"exact": "nik_exact", "masked_agree": "nik_masked", "one_edit": "nik_one_edit"}
_EXPLAINED_FIELDS = ("nik", "name", "dob", "sex", "mother")
_DISAGREEING_LEVELS = frozenset({"different", "masked_disagree"})


def _explain(levels: dict[str, str]) -> tuple[str, str]:
    agreed, disagreed = [], []
    for field in _EXPLAINED_FIELDS:
        level = levels[field]
        if level == "missing":
            continue
        (disagreed if level in _DISAGREEING_LEVELS else agreed).append(f"{field}:{level}")
    return ", ".join(agreed), ", ".join(disagreed)


def _ranked(compared: pd.DataFrame, settings: MatchSettings, preferred_right: frozenset[int]) -> pd.DataFrame:
    """The pairs assignment looks at, grouped by left row, the left rows in the order they are served (best score
    first) and each one's pairs best first; ``rank`` numbers the left rows in that order."""
    plausible = compared[(compared["score"] >= settings.review_score) | (compared["nik_level"] == "exact")]
    plausible = plausible.assign(preferred=plausible["right_row"].isin(preferred_right))
    plausible = plausible.sort_values(
        ["score", "preferred", "left_row", "right_row"], ascending=[False, False, True, True]
    )
    # A left row is served where its best pair stands in that order: sorted by its best score, then as listed.
    first_seen = pd.factorize(plausible["left_row"].to_numpy())[0]
    return plausible.assign(rank=first_seen).sort_values("rank", kind="stable").reset_index(drop=True)


class _Greedy:
    """Walks the ranked pairs of each left row in turn; a right row matched once is not offered again."""

    def __init__(self, ranked: pd.DataFrame, settings: MatchSettings) -> None:
        self.settings = settings
        self.right = ranked["right_row"].to_numpy(dtype=np.int64)
        self.score = ranked["score"].to_numpy(dtype=float)
        self.exact = (ranked["nik_level"] == "exact").to_numpy()
        self.taken: set[int] = set()

    def available(self, start: int, end: int, wanted: int) -> list[int]:
        """Positions of up to ``wanted`` pairs in ``start:end`` whose right row is still free."""
        found = []
        for position in range(start, end):
            if int(self.right[position]) not in self.taken:
                found.append(position)
                if len(found) == wanted:
                    break
        return found

    def decide(self, start: int, end: int) -> tuple[str, list[int]] | None:
        """("match" or "review", the available pairs that decision names), or None if no right row is free."""
        shown = self.available(start, end, 3)
        if not shown:
            return None
        best = shown[0]
        runner_up = shown[1] if len(shown) > 1 else None
        # Two rows with the person's own NIK are one person listed twice (KPU_DUPLICATE), not a doubt about who.
        same_person_twice = runner_up is not None and self.exact[best] and self.exact[runner_up]
        tied = (
            runner_up is not None
            and self.score[best] - self.score[runner_up] < self.settings.tie_margin
            and not same_person_twice
        )
        if tied or self.score[best] < self.settings.accept_score:
            return "review", shown
        self.taken.add(int(self.right[best]))
        return "match", shown


def _decision_frame(ranked: pd.DataFrame, best: list[int], decisions: list[str], shown: list[list[int]]):
    chosen = ranked.iloc[best]
    levels = chosen[[f"{field}_level" for field in _EXPLAINED_FIELDS]].to_numpy(dtype=object)
    explained = [_explain(dict(zip(_EXPLAINED_FIELDS, row, strict=True))) for row in levels]
    right, score = ranked["right_row"].to_numpy(), ranked["score"].to_numpy()
    return pd.DataFrame(
        {
            "left_row": [int(row) for row in chosen["left_row"]],
            "right_row": [int(row) for row in chosen["right_row"]],
            "decision": decisions,
            "method": [_METHODS.get(level, "name_birth_date") for level in chosen["nik_level"]],
            "score": [float(value) for value in chosen["score"]],
            "agreed": [agreed for agreed, _ in explained],
            "disagreed": [disagreed for _, disagreed in explained],
            "candidates": [
                "; ".join(f"row {int(right[p])} ({score[p]:g})" for p in positions) if decision == "review" else ""
                for decision, positions in zip(decisions, shown, strict=True)
            ],
        },
        columns=MATCH_COLUMNS,
    )


def assign(
    compared: pd.DataFrame, settings: MatchSettings, preferred_right: frozenset[int] = frozenset()
) -> pd.DataFrame:
    """One decision per left row that has a candidate at or above the review score.

    Among equal scores, a right row in ``preferred_right`` is taken first (a voter listed twice is taken at the
    prison's TPS).

    Greedy one-to-one: the highest-scoring pairs are taken first; a right row goes to at most one left row. A left
    row whose best two available candidates are within ``tie_margin`` goes to review with both listed, as does an
    exact-NIK pair whose other fields disagree (the NIK may belong to someone else). The walk is sequential (who
    is served first decides what is left for the next) but touches only plain integers and floats per pair.
    """
    ranked = _ranked(compared, settings, preferred_right)
    greedy = _Greedy(ranked, settings)
    starts = np.flatnonzero(np.diff(ranked["rank"].to_numpy(), prepend=-1))
    ends = np.append(starts[1:], len(ranked)) if len(starts) else starts
    best, decisions, shown = [], [], []
    for start, end in zip(starts, ends, strict=True):
        decided = greedy.decide(int(start), int(end))
        if decided is not None:
            best.append(decided[1][0])
            decisions.append(decided[0])
            shown.append(decided[1])
    if not decisions:
        return pd.DataFrame({column: [] for column in MATCH_COLUMNS})
    return _decision_frame(ranked, best, decisions, shown)


def settling_score(settings: MatchSettings) -> float:
    """A same-NIK pair scoring this much decides its left row whatever other candidates it has.

    No pair without an exact NIK can score more than the best weight of every field with the NIK's best other level;
    a same-NIK pair ahead of that by the tie margin is taken first and cannot tie, so looking further is wasted.
    """
    best = {field: max([0.0, *table.values()]) for field, table in _weight_table(settings.weights).items()}
    best["nik"] = max(0.0, *(w for level, w in _weight_table(settings.weights)["nik"].items() if level != "exact"))
    return sum(best.values()) + settings.tie_margin


def differing_names_rule_out(settings: MatchSettings) -> bool:
    """Whether a pair whose names differ stays below the review score whatever else agrees, when its NIKs are not
    the same or one typo apart (such pairs come from NIK blocks, not birth-date or name blocks) and neither is
    masked (a masked NIK that agrees where it shows digits is not always in a NIK block)."""
    table = _weight_table(settings.weights)
    best_rest = sum(max([0.0, *table[field].values()]) for field in ("dob", "sex", "mother"))
    return max(0.0, table["nik"]["different"]) + table["name"]["different"] + best_rest < settings.review_score


def settled_rows(nik_pairs: pd.DataFrame, settings: MatchSettings) -> pd.Index:
    """Left rows with a same-NIK pair at or above :func:`settling_score`: they need no fuzzy matching."""
    strong = (nik_pairs["nik_level"] == "exact") & (nik_pairs["score"] >= settling_score(settings))
    return pd.Index(nik_pairs.loc[strong, "left_row"].unique())


def link(
    left: pd.DataFrame,
    right: pd.DataFrame,
    settings: MatchSettings,
    preferred_right: frozenset[int] = frozenset(),
    timings: dict[str, float] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Block, compare and assign: the decisions per left row, and every compared pair (for review sheets).
    ``timings`` gets the seconds of "match by NIK" and "fuzzy matching" added to it.

    NIK blocks first; only the left rows they do not settle are blocked by birth date and name. The decisions are
    those of blocking everything at once (see :func:`settling_score`), and a large extract's birth-date blocks,
    which hold thousands of strangers per inmate, are built for the few inmates who need them.
    """
    start = time.perf_counter()
    by_nik = compare_pairs(nik_candidate_pairs(left, right), left, right, settings)
    unsettled = left[~left["source_row"].isin(settled_rows(by_nik, settings))]
    settled_at = time.perf_counter()
    fuzzy_pairs = fuzzy_candidate_pairs(unsettled, right)
    known = pd.MultiIndex.from_frame(by_nik[["left_row", "right_row"]].astype("int64"))
    fuzzy_pairs = fuzzy_pairs[~pd.MultiIndex.from_frame(fuzzy_pairs).isin(known)]
    by_fuzzy = compare_pairs(fuzzy_pairs, unsettled, right, settings)
    if timings is not None:
        timings["match by NIK"] = timings.get("match by NIK", 0.0) + settled_at - start
        timings["fuzzy matching"] = timings.get("fuzzy matching", 0.0) + time.perf_counter() - settled_at
    compared = pd.concat([frame for frame in (by_nik, by_fuzzy) if len(frame)] or [by_nik], ignore_index=True)
    return assign(compared, settings, preferred_right), compared
