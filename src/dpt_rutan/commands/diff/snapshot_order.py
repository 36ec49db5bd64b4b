"""Whether two snapshots given to ``diff OLD NEW`` are the wrong way round.

Two signs, each enough: the title blocks' dates ("Keadaan per tanggal : 15 Januari 2024") say OLD is later than NEW,
or OLD holds admissions later than any in NEW (a later roster keeps every inmate admitted before it unless they
left, so its latest admission is rarely earlier than an older roster's). Neither is proof (a roster's title may be
stale, the last inmates admitted may have left again), so the diff runs and warns loudly: a finding on the rows
that show it and a summary line, never a silent swap.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd
import python_calamine as calamine

from dpt_rutan import values
from dpt_rutan.errors import DptRutanError, define_code, make_findings
from dpt_rutan.fields import Field
from dpt_rutan.people import People
from dpt_rutan.read import reader, title_block, workbook

REVERSED = define_code(
    "DIFF_FILES_REVERSED",
    "warning",
    "Berkas LAMA tampak lebih baru dari berkas BARU (tanggal judul atau tanggal masuk): periksa urutan; perintahnya "
    "dpt-rutan diff LAMA BARU.",
    "The OLD file looks newer than the NEW one (title date or admission dates): check the order; the command is "
    "dpt-rutan diff OLD NEW.",
)

_DATE_TEXT = re.compile(r"\d{1,2}\s*[-/. ]\s*(?:\d{1,2}|[A-Za-z]{3,9})\.?\s*[-/. ,]\s*\d{4}")


def _rows_above_header(people: People) -> list[tuple[int, str]]:
    """(row number, text of the row) of the rows above the header; none when the file cannot be opened again."""
    table = people.table
    above = table.header_row - 1
    if above <= 0:
        return []
    try:
        sheet = table.sheet
        if sheet is None and workbook.file_kind(Path(table.path)) != "text":  # a roster of several sheets, read whole
            sheet = reader.list_sheets(table.path)[0]
        rows = title_block.top_rows(Path(table.path), sheet, above)
    except (OSError, calamine.CalamineError, DptRutanError):
        return []
    return [(number, " ".join(cell for cell in row if cell)) for number, row in enumerate(rows, start=1)]


def title_date(people: People, reference_date: date) -> tuple[int, date] | None:
    """The latest date written in the title block above the header, with its row; None when there is none."""
    found = [(number, text) for number, row in _rows_above_header(people) for text in _DATE_TEXT.findall(row)]
    if not found:
        return None
    dates, _ = values.parse_dates(pd.Series([text for _, text in found]), reference_date=reference_date)
    dated = [(day.date(), number) for (number, _), day in zip(found, dates, strict=True) if pd.notna(day)]
    if not dated:
        return None
    day, number = max(dated)
    return number, day


def reversed_findings(old: People, new: People, reference_date: date) -> pd.DataFrame:
    """Findings on the OLD file when it looks newer than NEW: its title-block date row, and its rows admitted after
    NEW's latest admission. Empty when nothing says so."""
    rows = []
    old_title, new_title = title_date(old, reference_date), title_date(new, reference_date)
    if old_title is not None and new_title is not None and old_title[1] > new_title[1]:
        rows.append((old_title[0], "", f"{old_title[1]:%d-%m-%Y} > {new_title[1]:%d-%m-%Y} ({new.table.name})"))
    date_in = Field.DATE_IN.value
    if date_in in old.frame.columns and date_in in new.frame.columns:
        latest_new = pd.to_datetime(new.frame[date_in]).max()
        admitted = pd.to_datetime(old.frame[date_in])
        later = admitted > latest_new if pd.notna(latest_new) else pd.Series(False, index=admitted.index)
        for row, day in zip(old.frame.loc[later, "source_row"], admitted[later], strict=True):
            rows.append((int(row), date_in, f"{day:%d-%m-%Y} > {latest_new:%d-%m-%Y} ({new.table.name})"))
    found = pd.DataFrame(
        {
            "source_row": [row for row, _, _ in rows],
            "field": [field for _, field, _ in rows],
            "code": REVERSED.code,
            "value": [value for _, _, value in rows],
        }
    )
    table = old.table
    return make_findings(found, file=table.name, sheet=table.sheet, columns=table.columns)
