"""Spreadsheet formulas neutralised (OWASP "CSV injection"): a text Excel would run gets a leading ``'``.

A text starting with ``=``, ``+``, ``-``, ``@``, tab, carriage return or NUL is quoted. Two kinds of text are left
alone because Excel cannot run them: a plain signed number (``-5``, ``+6281234567890``, ``-1.234,5``) and ``-`` on its
own, the placeholder people type into empty cells. Numbers stay numbers.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

# Starts with a formula trigger, unless it is a plain signed number or the "-" placeholder. \Z, not $: "-5\n" is
# not a plain number.
_FORMULA_START = re.compile(r"(?!-\Z)(?![+-]\d+(?:[.,]\d+)*\Z)[=+\-@\t\r\x00]")


def neutralise_text(text: str) -> str:
    """One text made safe for a spreadsheet: ``'`` in front when Excel would read it as a formula."""
    return "'" + text if _FORMULA_START.match(text) else text


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """:func:`neutralise_text` on every text of a column at once; numbers, dates and empty cells are untouched."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if values.dtype == object:
        is_text = values.map(lambda value: isinstance(value, str)).to_numpy(dtype=bool)
    elif pd.api.types.is_string_dtype(values.dtype):
        is_text = values.notna().to_numpy(dtype=bool)
    else:
        return values
    risky = np.zeros(len(values), dtype=bool)
    risky[is_text] = values[is_text].astype(str).str.match(_FORMULA_START.pattern).to_numpy(dtype=bool)
    if not risky.any():
        return values
    safe = values.to_numpy(dtype=object, copy=True)
    safe[risky] = "'" + safe[risky]
    return pd.Series(safe, index=values.index, name=values.name, dtype=values.dtype)


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised, by position: labels may repeat. The index is dropped."""
    columns = [
        neutralise_formulas(frame.iloc[:, position]).reset_index(drop=True) for position in range(frame.shape[1])
    ]
    safe = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(len(frame)))
    safe.columns = [neutralise_text(str(column)) for column in frame.columns]
    return safe
