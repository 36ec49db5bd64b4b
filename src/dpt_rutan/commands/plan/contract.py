"""What the plan takes from either kind of input: :class:`PlanInputs`, its columns, and the helpers both inputs
fill it with."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from dpt_rutan.commands.plan.forecast import PlanFlag
from dpt_rutan.commands.reconcile.columns import MODEL_A_COLUMNS
from dpt_rutan.decide import STATUS_LABELS, Status
from dpt_rutan.errors import ConservationError
from dpt_rutan.fields import Field

InputKind = Literal["roster", "reconciled"]

HOME_COLUMNS = ("home_province", "home_regency", "home_district")
VOTER_COLUMNS = ("source_row", "reg_no", *MODEL_A_COLUMNS, *HOME_COLUMNS, "reconcile_status")
"""The voters frame: the plan's input contract, plus the Model A details the TPS lists show."""
EXCLUDED_COLUMNS = ("source_row", "reg_no", "name", "nik", "reason", "reason_label")


@dataclass
class PlanInputs:
    """The voters and roster history :func:`plan.plan_tps` takes, and how every row read was accounted for."""

    kind: InputKind
    path: Path
    sheet: str | None
    voters: pd.DataFrame  # VOTER_COLUMNS, one row per voter, source_row unique
    roster_history: pd.DataFrame  # date_in, release_date
    excluded: pd.DataFrame  # EXCLUDED_COLUMNS: every row read that is not a voter, with its reason
    rows_read: int
    rows_not_data: int  # blank rows, totals, signature block: not inmates
    included: str
    history_source: str
    history_path: Path | None = None
    history_rows: int | None = None
    flags: list[PlanFlag] = field(default_factory=list)

    def excluded_counts(self) -> dict[str, int]:
        """Rows left out, per reason, in the order of ``decide``'s precedence."""
        order = {status.value: number for number, status in enumerate(Status)}
        counts = self.excluded["reason"].value_counts()
        return {reason: int(counts[reason]) for reason in sorted(counts.index, key=lambda r: order.get(r, len(order)))}

    def check_conservation(self) -> None:
        rows = pd.concat([self.voters["source_row"], self.excluded["source_row"]])
        if len(rows) != self.rows_read or rows.duplicated().any():
            raise ConservationError(
                f"{self.rows_read} rows read but {len(self.voters)} voters and {len(self.excluded)} left out"
            )

    def sources(self) -> list[tuple[Path, int]]:
        """``(file, rows read)`` of every input, for :meth:`Provenance.for_inputs`."""
        history = [(self.history_path, self.history_rows or 0)] if self.history_path else []
        return [(self.path, self.rows_read), *history]

    def summary_rows(self) -> list[tuple[str, object, str]]:
        """(item, value, basis) rows saying what was read and what was counted, for the plan's summary."""
        rows: list[tuple[str, object, str]] = [
            ("Berkas / input", self.path.name, f"{self.kind}" + (f", sheet '{self.sheet}'" if self.sheet else "")),
            ("Baris data dibaca / data rows read", self.rows_read, "every row is a voter or left out, below"),
            ("Pemilih dari berkas / voters from the input", len(self.voters), self.included),
        ]
        rows += [
            (f"Tidak dihitung: {reason} / left out", count, STATUS_LABELS.get(reason, "status not known to the tool"))
            for reason, count in self.excluded_counts().items()
        ]
        if self.rows_not_data:
            rows.append(("Baris bukan data / rows that are not data", self.rows_not_data, "blank, totals, signatures"))
        rows.append(("Riwayat masuk/keluar / admission history", self.history_rows or 0, self.history_source))
        return rows


def text_of(frame: pd.DataFrame, column: str) -> pd.Series:
    """A column as text, "" where empty or where the frame has no such column."""
    if column in frame.columns:
        return frame[column].astype("object").fillna("").astype(str)
    return pd.Series("", index=frame.index, dtype=object)


def history_of(frame: pd.DataFrame) -> pd.DataFrame:
    """The admission and release dates of every row, NaT where unknown or where the column is missing."""

    def dates(column: str) -> pd.Series:
        if column in frame.columns:
            return pd.to_datetime(frame[column]).reset_index(drop=True)
        return pd.Series(pd.NaT, index=range(len(frame)), dtype="datetime64[ns]")

    return pd.DataFrame({"date_in": dates(Field.DATE_IN), "release_date": dates(Field.RELEASE_DATE)})


def excluded_table(frame: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    """The rows left out, with their reason and its label (EXCLUDED_COLUMNS)."""
    table = pd.DataFrame(
        {
            "source_row": frame["source_row"].astype("int64"),
            "reg_no": text_of(frame, "reg_no"),
            "name": text_of(frame, "name"),
            "nik": text_of(frame, "nik"),
            "reason": reason.astype(str),
        }
    )
    table["reason_label"] = table["reason"].map(lambda value: STATUS_LABELS.get(value, "")).astype(object)
    return table[list(EXCLUDED_COLUMNS)].reset_index(drop=True)
