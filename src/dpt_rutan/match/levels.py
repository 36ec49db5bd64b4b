"""Comparing candidate pairs field by field: each field's level (``settings.COMPARISONS``) and the pair's score.

Both sides are "people frames": ``source_row``, ``name_norm``, ``name_key``, ``nik_clean``, ``nik_usable``,
``nik_masked_pattern``, ``birth_date`` (datetime64), ``sex`` ("L"/"P"/""), optionally ``mother_norm``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dpt_rutan import names
from dpt_rutan.match.settings import (
    COMPARISONS,
    DOB,
    MISSING,
    MOTHER,
    NAME,
    NIK,
    PAIR_COLUMNS,
    SEX,
    Comparison,
    MatchSettings,
)

_MASK_CODE = ord("*")  # what a masked NIK shows in place of a hidden digit


def _select(comparison: Comparison, holds: dict[str, np.ndarray]) -> np.ndarray:
    """Per pair, the first of the comparison's levels whose condition in ``holds`` is true; its last level if none."""
    *tested, otherwise = comparison.levels
    return np.select([holds[level.name] for level in tested], [level.name for level in tested], otherwise.name).astype(
        object
    )


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
    return _select(
        NIK,
        {
            "exact": exact,
            "masked_agree": masked,
            "one_edit": one_edit,
            "different": left_usable & right_usable,
            "masked_disagree": masked_disagree,
        },
    )


def nik_level(
    left_nik: str, left_usable: bool, left_mask: str, right_nik: str, right_usable: bool, right_mask: str
) -> str:
    """The NIK level of one pair (see :data:`settings.NIK`)."""
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
    return _select(DOB, {"missing": missing, "exact": exact, "partial": swapped | one_edit})


def dob_level(left: pd.Timestamp, right: pd.Timestamp) -> str:
    """The birth-date level of one pair: exact, partial (day and month swapped, or one digit off), different."""
    return str(_dob_levels(pd.DatetimeIndex([left]), pd.DatetimeIndex([right]))[0])


def _name_levels(similarity: np.ndarray, settings: MatchSettings, comparison: Comparison = NAME) -> np.ndarray:
    """The levels of names (a person's or a mother's) by their similarity."""
    similarity = np.asarray(similarity, dtype=float)
    return _select(
        comparison,
        {
            "missing": np.isnan(similarity),
            "exact": similarity >= 1.0,
            "close": similarity >= settings.name_close_at,
            "similar": similarity >= settings.name_similar_at,
        },
    )


def name_level(similarity: float | None, settings: MatchSettings) -> str:
    """The name level of one pair, from its names' similarity (None when a name is missing)."""
    return str(_name_levels(np.array([np.nan if similarity is None else similarity]), settings)[0])


def _sex_levels(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    missing = (left == "") | (right == "")
    return _select(SEX, {"missing": missing, "exact": left == right})


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


def _nik_arrays(rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A side's NIKs, whether each is usable, and its masked patterns: what :func:`_nik_levels` takes of it."""
    return (
        _text_array(rows, "nik_clean"),
        rows["nik_usable"].to_numpy(dtype=bool),
        _text_array(rows, "nik_masked_pattern"),
    )


def _scores(compared: pd.DataFrame, settings: MatchSettings) -> np.ndarray:
    """Each pair's score: the sum of its fields' level weights."""
    return sum(
        _level_weights(compared[comparison.column], comparison.weights(settings.weights)) for comparison in COMPARISONS
    )


def compare_pairs(
    pairs: pd.DataFrame, left: pd.DataFrame, right: pd.DataFrame, settings: MatchSettings
) -> pd.DataFrame:
    """Comparison levels and score of every candidate pair."""
    if pairs.empty:
        return pd.DataFrame({column: [] for column in PAIR_COLUMNS})
    lrows, rrows = _rows_of(left, pairs["left_row"]), _rows_of(right, pairs["right_row"])
    similarity = names.name_similarities(lrows["name_norm"], rrows["name_norm"]).to_numpy()
    nik = _nik_levels(*_nik_arrays(lrows), *_nik_arrays(rrows))
    dob = _dob_levels(pd.DatetimeIndex(lrows["birth_date"]), pd.DatetimeIndex(rrows["birth_date"]))
    # Neighbouring people have neighbouring NIKs (same district, birth dates a day or a year apart, serial 0001):
    # a NIK one digit off is a typo only when the birth dates agree.
    nik[(nik == "one_edit") & ~np.isin(dob, ["exact", "missing"])] = "different"
    compared = pd.DataFrame(
        {
            "left_row": pairs["left_row"].to_numpy(),
            "right_row": pairs["right_row"].to_numpy(),
            NIK.column: nik,
            NAME.column: _name_levels(similarity, settings),
            DOB.column: dob,
            SEX.column: _sex_levels(_text_array(lrows, "sex"), _text_array(rrows, "sex")),
            MOTHER.column: MISSING.name,
            "name_similarity": similarity,
        }
    )
    if "mother_norm" in left.columns and "mother_norm" in right.columns:
        compared[MOTHER.column] = _name_levels(
            names.name_similarities(lrows["mother_norm"], rrows["mother_norm"]).to_numpy(), settings, MOTHER
        )
    compared["score"] = _scores(compared, settings)
    return compared[PAIR_COLUMNS]
