"""`dpt-rutan validate`: read any roster or extract and report every finding, row by row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

from dpt_rutan import nik
from dpt_rutan.errors import make_findings
from dpt_rutan.fields import Field
from dpt_rutan.people import People, prepare_people
from dpt_rutan.read import sources


@dataclass
class Validation:
    """One file checked: its people and every finding on them."""

    people: People
    findings: pd.DataFrame

    @property
    def error_count(self) -> int:
        return int((self.findings["severity"] == "error").sum())

    def code_counts(self) -> pd.DataFrame:
        """Rows with each finding code, worst first."""
        if self.findings.empty:
            return pd.DataFrame({"code": [], "severity": [], "rows": []})
        counts = self.findings.groupby(["code", "severity"])["source_row"].nunique().rename("rows").reset_index()
        rank = counts["severity"].map({"error": 0, "warning": 1, "info": 2})
        return counts.assign(rank=rank).sort_values(["rank", "rows"], ascending=[True, False]).drop(columns="rank")

    def rows_with_findings(self) -> pd.DataFrame:
        """Every data row of the file, with the codes found on it (empty when clean)."""
        frame = self.people.frame
        per_row = self.findings.groupby("source_row")["code"].agg(lambda codes: "; ".join(dict.fromkeys(codes)))
        rows = pd.DataFrame({"source_row": frame["source_row"], "sheet": self.people.table.sheet})
        for field in (Field.REG_NO, Field.NAME, Field.NIK, Field.NKK):
            if field in frame.columns:
                rows[field.value] = frame[field]
        codes_of = per_row.to_dict()
        rows["findings"] = [codes_of.get(row, "") for row in frame["source_row"]]
        return rows.reset_index(drop=True)


def validate_file(
    path: Path,
    *,
    reference_date: date,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> Validation:
    """Read one file and check every row: its findings, with NKK findings when it has an NKK column."""
    table = sources.read_roster(path, sheet, mapping=mapping)
    people = prepare_people(table, reference_date=reference_date, require_rows=False)
    parts = [people.findings]
    if Field.NKK in people.frame.columns:
        nkk_rows = nik.nkk_findings(people.frame, field=Field.NKK).findings
        parts.append(make_findings(nkk_rows, file=table.name, sheet=table.sheet, columns=table.columns))
    findings = pd.concat([part for part in parts if not part.empty] or [people.findings], ignore_index=True)
    return Validation(people=people, findings=findings.sort_values(["source_row", "field"], kind="stable"))
