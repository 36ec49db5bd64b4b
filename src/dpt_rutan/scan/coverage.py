"""What the whole extract covers (its regions, the prison's loksus TPS numbers), from one row per distinct address
and NIK region: the rows a screen lets go still count here."""

from __future__ import annotations

from collections import Counter
from datetime import date

import numpy as np
import pandas as pd

from dpt_rutan import decide, listing
from dpt_rutan.fields import Field
from dpt_rutan.people import prepare_people
from dpt_rutan.read import reader
from dpt_rutan.scan.kept import with_rows

_REGION_INPUTS = (Field.PROVINCE.value, Field.REGENCY.value, Field.DISTRICT.value)


def nik_region(nik_clean: object) -> str:
    """The first six characters of a 16-character NIK (the kecamatan it was issued in), else ""."""
    return nik_clean[:6] if type(nik_clean) is str and len(nik_clean) == 16 else ""


def nik_region_codes(niks: np.ndarray) -> np.ndarray:
    """An integer per row that is equal exactly where :func:`nik_region` is; without a Python step per row when the
    16-character NIKs are ASCII (their six leading bytes, read as one number)."""
    lengths = np.fromiter((len(text) if type(text) is str else 0 for text in niks), dtype=np.int64, count=len(niks))
    sixteen = np.flatnonzero(lengths == 16)
    joined = "".join(niks[sixteen])
    if not joined.isascii():
        return pd.factorize(np.array([nik_region(text) for text in niks], dtype=object))[0]
    leading = np.zeros((len(niks), 8), dtype=np.uint8)
    leading[sixteen, :6] = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).reshape(-1, 16)[:, :6]
    return pd.factorize(leading.view(np.int64).ravel())[0]


class RegionSamples:
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
        for codes in [*(pd.factorize(column)[0] + 1 for column in columns), nik_region_codes(niks)]:
            combination = pd.factorize(combination * (int(codes.max(initial=0)) + 1) + codes)[0]
        positions = np.sort(np.unique(combination, return_index=True)[1])
        distinct = [(*(column[p] for column in columns), nik_region(niks[p])) for p in positions]
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
        people = prepare_people(with_rows(table, samples), reference_date=reference_date, require_rows=False)
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
