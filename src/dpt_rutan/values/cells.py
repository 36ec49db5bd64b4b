"""A column's cells as stripped text, and each distinct value of it parsed once (a roster repeats its values)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import numpy as np
import pandas as pd

T = TypeVar("T")


def as_text(s: pd.Series) -> pd.Series:
    """The cells as text, stripped; empty cells become ""."""
    return s.fillna("").astype(str).str.strip()


def per_unique(s: pd.Series, parse_one: Callable[[str], T]) -> tuple[list[T], np.ndarray]:
    """Parse each distinct value of ``s`` once; return the results and, per row, the index of its result."""
    codes, uniques = pd.factorize(as_text(s))
    return [parse_one(str(value)) for value in uniques], codes
