"""What a check of a NIK or NKK column gives back, and the collector its stages add their findings to."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd


@dataclass
class NikCheck:
    """Findings about an identifier column and per-row columns derived from it.

    ``findings`` has ``source_row``, ``field``, ``code`` and ``value`` (for :func:`errors.make_findings`);
    ``columns`` is aligned with the input frame's index.
    """

    findings: pd.DataFrame
    columns: pd.DataFrame


class FindingCollector:
    """Findings gathered per code as (row positions, values), put in row order at the end."""

    def __init__(self, frame: pd.DataFrame, field: str) -> None:
        self.source_rows = frame["source_row"].to_numpy()
        self.field = str(field)
        self.parts: list[tuple[np.ndarray, str, np.ndarray]] = []

    def add(self, positions: np.ndarray, code: str, values: np.ndarray) -> None:
        if len(positions):
            self.parts.append((positions, code, values))

    def frame(self) -> pd.DataFrame:
        if not self.parts:
            return pd.DataFrame({"source_row": [], "field": [], "code": [], "value": []}).astype(
                {"source_row": "int64", "field": object, "code": object, "value": object}
            )
        positions = np.concatenate([p for p, _, _ in self.parts])
        codes = np.concatenate([np.full(len(p), c, dtype=object) for p, c, _ in self.parts])
        values = np.concatenate([v.astype(object) for _, _, v in self.parts])
        order = np.argsort(positions, kind="stable")
        return pd.DataFrame(
            {
                "source_row": self.source_rows[positions[order]].astype("int64"),
                "field": self.field,
                "code": codes[order],
                "value": values[order],
            }
        )
