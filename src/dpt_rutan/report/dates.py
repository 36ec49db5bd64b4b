"""Date columns as reports write them: real dates, without time zone, and without a time when none has one."""

from __future__ import annotations

import pandas as pd


def is_date_column(values: pd.Series) -> bool:
    """True for datetime64 values, and for a column of ``date`` or ``datetime`` objects."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("date", "datetime")


def naive_timestamps(values: pd.Series) -> pd.Series:
    """Timestamps without time zone, at their local wall time: Excel has no time zones."""
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def midnight_only(stamps: pd.Series) -> bool:
    """True when no timestamp has a time of day: the column is dates, written without times."""
    present = stamps.dropna()
    return bool((present == present.dt.normalize()).all())
