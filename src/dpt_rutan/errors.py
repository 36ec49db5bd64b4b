"""One error model for the whole tool.

Two kinds of trouble, as in frictionless-py:

* A **finding** is something wrong with one cell or row. Findings are collected, never raised: the row is kept
  and reported. Each finding has a stable UPPER_SNAKE code, defined once with :func:`define_code` next to the
  check that produces it, with a severity and a message in Indonesian and English.
* An :class:`UnusableInputError` means a whole file cannot be used (missing, unreadable, no header, a required
  column absent). The CLI prints its one line and exits with code 2.

Row numbers are always ``source_row``: the row number the user sees in Excel or a text editor, header and title
rows counted, always paired with ``sheet``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pandas as pd
from pydantic import BaseModel, ConfigDict

Severity = Literal["error", "warning", "info"]

FINDING_COLUMNS = [
    "file",
    "sheet",
    "source_row",
    "field",
    "column",
    "code",
    "severity",
    "value",
    "message_id",
    "message_en",
]


class FindingCode(BaseModel):
    """A kind of finding: its stable code, how bad it is and what to tell the user."""

    model_config = ConfigDict(frozen=True)

    code: str
    severity: Severity
    message_id: str
    message_en: str


class Finding(BaseModel):
    """One finding about one cell (or row, when ``field`` is empty) of an input file."""

    file: str
    sheet: str | None
    source_row: int
    field: str
    column: str
    code: str
    severity: Severity
    value: str
    message_id: str
    message_en: str


CODES: dict[str, FindingCode] = {}


def define_code(code: str, severity: Severity, message_id: str, message_en: str) -> FindingCode:
    """Register a finding code; call once, at import time of the module that checks for it."""
    finding_code = FindingCode(code=code, severity=severity, message_id=message_id, message_en=message_en)
    existing = CODES.get(code)
    if existing is not None and existing != finding_code:
        raise ValueError(f"finding code {code} defined twice with different meanings")
    CODES[code] = finding_code
    return finding_code


def empty_findings() -> pd.DataFrame:
    """A findings table without rows, its columns those of :func:`make_findings`."""
    return pd.DataFrame({name: pd.Series(dtype="object") for name in FINDING_COLUMNS})


def make_findings(
    rows: pd.DataFrame,
    *,
    file: str,
    sheet: str | None,
    columns: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Turn ``rows`` with ``source_row``, ``field``, ``code`` and ``value`` into full findings.

    ``columns`` maps a canonical field to the header the user's file has for it, so a finding names the column
    as the user knows it. Severity and messages come from the code's definition.
    """
    if rows.empty:
        return empty_findings()
    unknown = set(rows["code"]) - CODES.keys()
    if unknown:
        raise KeyError(f"undefined finding codes: {sorted(unknown)}")
    header_of = columns or {}
    out = pd.DataFrame(
        {
            "file": file,
            "sheet": sheet,
            "source_row": rows["source_row"].astype("int64").to_numpy(),
            "field": rows["field"].to_numpy(),
            "column": rows["field"].map(lambda field: header_of.get(field, field)).to_numpy(),
            "code": rows["code"].to_numpy(),
            "severity": rows["code"].map(lambda code: CODES[code].severity).to_numpy(),
            "value": rows["value"].astype(str).to_numpy(),
            "message_id": rows["code"].map(lambda code: CODES[code].message_id).to_numpy(),
            "message_en": rows["code"].map(lambda code: CODES[code].message_en).to_numpy(),
        }
    )
    return out[FINDING_COLUMNS]


class DptRutanError(Exception):
    """Base of every error this tool raises on purpose; the CLI turns it into one line and an exit code."""

    exit_code = 2


@dataclass
class Location:
    """Where in the user's files a problem is: as much of file, sheet, row and column as is known."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(f"sheet '{self.sheet}'")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        return ", ".join(parts)


class UnusableInputError(DptRutanError):
    """A file that cannot be used at all. Exit code 2."""

    def __init__(self, location: Location, problem: str, fix: str = "") -> None:
        self.location = location
        self.problem = problem
        self.fix = fix
        super().__init__(self.one_line())

    def one_line(self) -> str:
        line = f"{self.location}: {self.problem}"
        return f"{line}. {self.fix}" if self.fix else line


class ConservationError(DptRutanError):
    """Rows read and rows reported differ: a bug, never to be shown as a result."""

    exit_code = 3


class ConfigError(DptRutanError):
    """A site file, profile or option that is invalid. Exit code 2."""
