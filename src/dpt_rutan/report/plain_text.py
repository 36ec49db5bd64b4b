"""CSV, JSON and text reports, written through :func:`open_output` like every report.

A CSV report keeps NIKs exact, but Excel, when it opens a CSV by double-click, turns 16-digit texts into numbers and
drops the last digit; give people the workbook, where NIK columns are text cells formatted ``@``.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pydantic import BaseModel

from dpt_rutan.report.dates import midnight_only
from dpt_rutan.report.formulas import neutralise_frame
from dpt_rutan.report.provenance import Provenance
from dpt_rutan.report.safe_files import open_output


def write_csv(path: Path, frame: pd.DataFrame, *, inputs: Iterable[Path]) -> None:
    """Write a CSV report: UTF-8 with a BOM (without it Excel reads names in the local code page), commas, CRLF."""
    safe = neutralise_frame(frame)
    with open_output(path, inputs=inputs) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
        safe.to_csv(text, index=False, lineterminator="\r\n")
        text.flush()
        text.detach()


def write_json(
    path: Path, payload: Mapping[str, Any], *, inputs: Iterable[Path], provenance: Provenance | None = None
) -> None:
    """Write a JSON report: UTF-8, dates as ISO 8601, NaN and NaT as null, tables as lists of records.

    ``provenance`` goes under the key "provenance".
    """
    document = {str(key): _jsonable(value) for key, value in payload.items()}
    if provenance is not None:
        if "provenance" in document:
            raise ValueError("payload already has a 'provenance' key")
        document["provenance"] = provenance.model_dump(mode="json")
    with open_output(path, inputs=inputs) as handle:
        text = io.TextIOWrapper(handle, encoding="utf-8", newline="\n")
        json.dump(document, text, ensure_ascii=False, indent=2, allow_nan=False)
        text.write("\n")
        text.flush()
        text.detach()


def write_text(path: Path, text: str, *, inputs: Iterable[Path] = ()) -> None:
    """Write a UTF-8 text file (a site template, a note) the same all-or-nothing, owner-only way."""
    with open_output(path, inputs=inputs) as handle:
        handle.write(text.encode("utf-8"))


def _jsonable(value: Any) -> Any:
    """Plain JSON types for what reports hold: pandas tables, numpy scalars, dates, pydantic models, enums."""
    if isinstance(value, pd.DataFrame):
        return _records(value)
    if isinstance(value, pd.Series | np.ndarray | list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Mapping):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return _jsonable_scalar(value)


def _jsonable_scalar(value: Any) -> Any:
    """One value as JSON: numpy's as Python's, missing and infinite numbers as null, dates in ISO 8601."""
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    elif isinstance(value, np.generic):
        value = value.item()
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write a {type(value).__name__} to JSON")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts; a column of dates without times gives "2024-02-14", not "2024-02-14T00:00:00"."""
    labels = [str(label) for label in frame.columns]
    if len(set(labels)) != len(labels):
        raise ValueError(f"a table for JSON has repeated column names: {labels}")
    columns = []
    for position in range(frame.shape[1]):
        values = frame.iloc[:, position]
        if pd.api.types.is_datetime64_any_dtype(values) and midnight_only(values):
            values = values.dt.strftime("%Y-%m-%d")
        columns.append([_jsonable(item) for item in values.astype(object).where(values.notna(), None)])
    return [dict(zip(labels, row, strict=True)) for row in zip(*columns, strict=True)]
