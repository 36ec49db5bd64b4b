"""What a reader hands to the rest of the tool: one sheet of one file, as text, with where every row came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dpt_rutan.errors import Location


@dataclass
class SourceTable:
    """One table read from a user's file.

    ``data`` has one row per data row of the file, in file order, with a column per canonical field found (text,
    stripped, ``""`` where the cell was empty), ``source_row`` (the row number the user sees), and for identifier
    fields a boolean ``<field>_was_number`` column. ``skipped`` lists the rows that are not data (blank rows,
    totals, signature blocks) with a reason, so that every row of the file is accounted for.
    """

    path: Path
    sheet: str | None
    header_row: int
    data: pd.DataFrame
    columns: dict[str, str]  # canonical field -> the header as written in the file
    column_letters: dict[str, str]  # canonical field -> "C" (spreadsheet) or "3" (CSV column number)
    unmapped_headers: list[str] = field(default_factory=list)
    skipped: pd.DataFrame = field(default_factory=lambda: pd.DataFrame({"source_row": [], "reason": []}))

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def rows_in_file(self) -> int:
        """Data rows plus skipped rows: every row below the header."""
        return len(self.data) + len(self.skipped)

    def location(self, source_row: int | None = None, field_name: str | None = None) -> Location:
        column = None
        if field_name is not None:
            header = self.columns.get(field_name, field_name)
            letter = self.column_letters.get(field_name)
            column = f"{letter} ({header})" if letter else header
        return Location(self.name, self.sheet, source_row, column)
