"""Candidate pairs: the blocking rules that find who could be the same person without comparing all against all.

Exact NIK first, then NIK neighbours (one typo apart), the visible digits of hidden NIKs, the birth date (and its
day-month swap), and a name key with two parts of the birth date. Each rule gives ``left_row`` and ``right_row``
pairs; the candidates are their union.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# The place value of each of a NIK's 16 digits: a NIK as an int64 key joins far faster than as text.
_PLACES = 10 ** np.arange(15, -1, -1, dtype=np.int64)
_MASK_CODE = ord("*")


def _join_keys(lk: pd.DataFrame, rk: pd.DataFrame, on: str | list[str]) -> pd.DataFrame:
    """Inner join of ``left_row`` and ``right_row`` frames on their key column(s).

    The right side is usually the big extract: it is cut down to the keys the left side has before the join.
    """
    first = on if isinstance(on, str) else on[0]
    return lk.merge(rk[rk[first].isin(lk[first])], on=on)[["left_row", "right_row"]]


class SortedKeys:
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


def name_and_date_part_candidates(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
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
            SortedKeys(left_rows, key(left_code, left_parts, *two)).join(right_rows, key(right_code, right_parts, *two))
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
        self._variants = SortedKeys(
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
            name_and_date_part_candidates(left, right),
        ]
    )


def candidate_pairs(left: pd.DataFrame, right: pd.DataFrame) -> pd.DataFrame:
    """Union of the blocking rules: every pair that could be the same person, without comparing all against all."""
    return _union([nik_candidate_pairs(left, right), fuzzy_candidate_pairs(left, right)])
