"""`dpt-rutan apply-nik`: put the NIKs Dukcapil found or recorded back into the roster, never a bad one.

The returned file is the workbook ``missing-nik`` wrote, with ``NIK DITEMUKAN/DIREKAM`` (and perhaps ``NKK``) filled
in. Its rows are found in the roster by the key columns ``BARIS WBP`` and ``NO. REGISTRASI`` (by the registration
number alone when the roster was exported again and its rows moved). Each NIK is checked as the roster's own are
(:func:`nik.nik_findings`, the vectorised form of :func:`nik.validate`) and against the row's birth date and sex:
a NIK typed with one digit wrong still looks valid, and only that cross-check catches it. A NIK that fails is
rejected with its reason and the roster keeps what it had. Every line of the returned file gets one outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from dpt_rutan import report
from dpt_rutan.commands.missing_nik.columns import FILL_NIK, FILL_NKK, KEY_REG_NO, KEY_ROW, PERSON_COLUMNS
from dpt_rutan.commands.missing_nik.judge import ApplyOutcome, judge_niks, judge_nkks, target_rows, updated_data
from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.people import People, prepare_people
from dpt_rutan.read import reader, workbook
from dpt_rutan.read.headers import normalise_header
from dpt_rutan.read.table import SourceTable

NAME_HEADER = PERSON_COLUMNS["name"]
SCAN_ROWS = 30
LOG_COLUMNS = [
    "sheet",
    "returned_row",
    "source_row",
    "reg_no",
    "name",
    "old_nik",
    "new_nik",
    "outcome",
    "reason_code",
    "reason",
    "old_nkk",
    "new_nkk",
    "nkk_outcome",
]
LOG_HEADERS = {
    "sheet": "LEMBAR KEMBALIAN",
    "returned_row": "BARIS KEMBALIAN",
    "source_row": "BARIS WBP",
    "reg_no": "NO. REGISTRASI",
    "name": "NAMA",
    "old_nik": "NIK LAMA",
    "new_nik": "NIK BARU",
    "outcome": "HASIL",
    "reason_code": "KODE",
    "reason": "ALASAN",
    "old_nkk": "NKK LAMA",
    "new_nkk": "NKK BARU",
    "nkk_outcome": "HASIL NKK",
}
LOG_SHEET = "Log NIK"


@dataclass
class ApplyResult:
    """The roster, the returned file, the roster with the NIKs applied, and what became of each returned line."""

    roster: People
    returned_path: Path
    updated: pd.DataFrame  # the roster's data rows (canonical fields, text), NIKs and NKKs filled in
    log: pd.DataFrame  # LOG_COLUMNS, one row per line of the returned file

    def counts(self) -> dict[str, int]:
        found = self.log["outcome"].value_counts()
        return {outcome.value: int(found.get(outcome.value, 0)) for outcome in ApplyOutcome}

    @property
    def has_problems(self) -> bool:
        """A NIK was rejected or a line matched no roster row: someone has to look at the log."""
        counts = self.counts()
        return bool(counts[ApplyOutcome.REJECTED] or counts[ApplyOutcome.ROW_NOT_FOUND])


def apply_returned_niks(
    roster_path: Path,
    returned_path: Path,
    *,
    reference_date: date,
    sheet: str | None = None,
    mapping: dict[str, str] | None = None,
) -> ApplyResult:
    """Check every NIK filled in on the returned workbook and fill the good ones into the roster.

    ``reference_date`` is the election day: it sets the century of the birth year a NIK encodes.
    """
    table = reader.read_table(roster_path, sheet=sheet, mapping=mapping, required=(Field.NAME,))
    roster = prepare_people(table, reference_date=reference_date)
    lines = read_returned(Path(returned_path))
    frame = roster.frame
    target = target_rows(lines, frame)
    at = frame.set_index("source_row").reindex(target)
    log = pd.DataFrame(
        {
            "sheet": lines["sheet"],
            "returned_row": lines["returned_row"],
            "source_row": target.astype("Int64").array,
            "reg_no": _text_or(at, Field.REG_NO, lines["reg_no"]),
            "name": _text_or(at, Field.NAME, lines["name"]),
            "old_nik": _text_or(at, Field.NIK, pd.Series("", index=lines.index)),
        }
    )
    verdict = judge_niks(lines, at, frame, reference_date)
    nkk = judge_nkks(lines, at, verdict["nik_accepted"])
    log = pd.concat([log, verdict, nkk], axis=1)[LOG_COLUMNS]
    return ApplyResult(roster=roster, returned_path=Path(returned_path), updated=updated_data(table.data, log), log=log)


def _text_or(at: pd.DataFrame, field: str, fallback: pd.Series) -> np.ndarray:
    own = at[field].fillna("").astype(str).to_numpy() if field in at.columns else np.full(len(at), "", dtype=object)
    return np.where(own != "", own, fallback.to_numpy())


# --- reading the returned workbook --------------------------------------------------------------------------------


def _cell_text(value: object) -> tuple[str, bool]:
    """A cell as text, and whether it was a number (a NIK typed into a General cell may have lost digits).

    A number reads as :func:`workbook.cell_text` reads it. Unlike it, TRUE/FALSE is no NIK and reads as empty, a
    date-time keeps its time in ISO form, and text is stripped of plain whitespace only.
    """
    if isinstance(value, bool) or value is None:
        return "", False
    if isinstance(value, int | float):
        return workbook.cell_text(value), True
    if isinstance(value, datetime | date):
        return value.isoformat(), False
    return str(value).strip(), False


def _header_position(rows: list[list[object]]) -> tuple[int, dict[str, int]] | None:
    """The header row of a person sheet (it holds the key and the NIK to fill in), with column positions."""
    wanted = {normalise_header(name): name for name in (KEY_ROW, KEY_REG_NO, NAME_HEADER, FILL_NIK, FILL_NKK)}
    for index, row in enumerate(rows[:SCAN_ROWS]):
        found = {}
        for position, value in enumerate(row):
            name = wanted.get(normalise_header(_cell_text(value)[0]))
            if name is not None and name not in found:
                found[name] = position
        if KEY_ROW in found and FILL_NIK in found:
            return index, found
    return None


def _sheet_lines(name: str, rows: list[list[object]]) -> pd.DataFrame | None:
    located = _header_position(rows)
    if located is None:
        return None
    header_index, positions = located
    records = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = {key: _cell_text(row[at] if at < len(row) else None) for key, at in positions.items()}
        if not any(text for text, _ in cells.values()):
            continue
        empty = ("", False)
        records.append(
            {
                "sheet": name,
                "returned_row": offset,
                "key_row": cells[KEY_ROW][0],
                "reg_no": cells.get(KEY_REG_NO, empty)[0],
                "name": cells.get(NAME_HEADER, empty)[0],
                "nik": cells[FILL_NIK][0],
                "nik_was_number": cells[FILL_NIK][1],
                "nkk": cells.get(FILL_NKK, empty)[0],
                "nkk_was_number": cells.get(FILL_NKK, empty)[1],
            }
        )
    return pd.DataFrame(records, columns=_LINE_COLUMNS)


_LINE_COLUMNS = ["sheet", "returned_row", "key_row", "reg_no", "name", "nik", "nik_was_number", "nkk", "nkk_was_number"]


def read_returned(path: Path) -> pd.DataFrame:
    """Every filled or keyed line of every person sheet of a returned workbook, with where it is in that file."""
    location = Location(str(path))
    if not path.is_file():
        raise UnusableInputError(location, "file not found", "Check the path and the file name")
    try:
        opened = workbook.open_workbook(path, by_content=False, every_sheet=True)
        sheets = [
            (meta.name, opened.get_sheet_by_name(meta.name).to_python(skip_empty_area=False))
            for meta in opened.sheets_metadata
            if meta.typ == calamine.SheetTypeEnum.WorkSheet
        ]
    except calamine.CalamineError as error:
        raise UnusableInputError(
            location, f"not a workbook that can be read ({error})", "Save it again as .xlsx in Excel or LibreOffice"
        ) from None
    parts = [lines for name, rows in sheets if (lines := _sheet_lines(name, rows)) is not None]
    if not parts:
        raise UnusableInputError(
            location,
            f"no sheet has the columns {KEY_ROW} and {FILL_NIK}",
            "Return the workbook written by 'dpt-rutan missing-nik', with its headers unchanged",
        )
    return pd.concat(parts, ignore_index=True)


# --- writing the updated roster -----------------------------------------------------------------------------------

_ID_HEADERS = {Field.NIK: "NIK", Field.NKK: "NKK"}


def _plain(value: object) -> object:
    """A workbook value as it should be written back: whole numbers without ".0", empty cells empty."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None if value == "" else value


def _workbook_columns(table: SourceTable, source_rows: pd.Series) -> tuple[pd.DataFrame, list[str], dict[str, int]]:
    """Every column of the roster's sheet for the data rows, as the workbook holds them; the header of each column;
    and the position of each mapped field."""
    opened = workbook.open_workbook(table.path, by_content=False)
    rows = opened.get_sheet_by_name(table.sheet).to_python(skip_empty_area=False)
    data_rows = [rows[number - 1] for number in source_rows]
    width = max(len(row) for row in [rows[table.header_row - 1], *data_rows])
    values = [[_plain(row[j]) if j < len(row) else None for j in range(width)] for row in data_rows]
    headers = [_header_text(rows, table.header_row, j) for j in range(width)]
    position = {field: _column_index(letter) for field, letter in table.column_letters.items()}
    for field, at in position.items():
        headers[at] = table.columns[field]
    return pd.DataFrame(values, columns=range(width), dtype=object), headers, position


def _header_text(rows: list[list[object]], header_row: int, column: int) -> str:
    """The header of a column; under a merged parent header the cell may be empty, so look one row up too."""
    for index in (header_row - 1, header_row - 2):
        if 0 <= index < len(rows) and column < len(rows[index]):
            text = _cell_text(rows[index][column])[0]
            if text:
                return text
    return workbook.column_letter(column)


def _csv_columns(table: SourceTable, updated: pd.DataFrame) -> tuple[pd.DataFrame, list[str], dict[str, int]]:
    """The columns a CSV roster's reader recognised, in file order, as text: the reader keeps no others."""
    order = sorted(table.column_letters, key=lambda field: _column_index(table.column_letters[field]))
    frame = pd.DataFrame({j: updated[field].to_numpy() for j, field in enumerate(order)}, dtype=object)
    return frame, [table.columns[field] for field in order], {field: j for j, field in enumerate(order)}


def roster_sheet(result: ApplyResult) -> tuple[pd.DataFrame, list[str]]:
    """The updated roster with the roster's columns and headers in order, and the headers of its NIK/NKK columns.

    From a workbook every column of the sheet is kept, unmapped ones too, with the values the sheet holds; from a
    CSV file the columns the reader recognised. A NIK or NKK column the roster lacks is added at the end.
    """
    table, updated = result.roster.table, result.updated
    if table.sheet is not None:
        frame, headers, position = _workbook_columns(table, updated["source_row"])
    else:
        frame, headers, position = _csv_columns(table, updated)
    id_headers = []
    for field, default_header in _ID_HEADERS.items():
        if field not in updated.columns:
            continue
        if field not in position:
            position[field] = len(headers)
            headers.append(default_header)
        frame[position[field]] = updated[field].fillna("").astype(str).to_numpy()
        id_headers.append(headers[position[field]])
    frame.columns = headers
    return frame, id_headers


def _column_index(letters: str) -> int:
    """0-based column of a spreadsheet letter ("A" -> 0, "AA" -> 26) or of a CSV column number ("3" -> 2)."""
    if letters.isdigit():
        return int(letters) - 1
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - ord("A") + 1
    return index - 1


def log_table(result: ApplyResult) -> pd.DataFrame:
    """The log with its Indonesian headers, as the workbook shows it."""
    return result.log.rename(columns=LOG_HEADERS)


def write_updated_roster(result: ApplyResult, path: Path) -> None:
    """The roster with the NIKs filled in (NIK and NKK as text cells), the change log, and provenance."""
    table = result.roster.table
    roster, id_headers = roster_sheet(result)
    counts = result.counts()
    log_notes = [
        f"NIK dari {result.returned_path.name} ke {table.name}",
        "; ".join(f"{outcome} {count}" for outcome, count in counts.items()) + f" (baris kembalian: {len(result.log)})",
    ]
    roster_title = report.safe_sheet_title(table.sheet or "Daftar WBP")
    log_title = LOG_SHEET if roster_title.casefold() != LOG_SHEET.casefold() else f"{LOG_SHEET} kembalian"
    provenance = report.Provenance.for_inputs(
        [(table.path, len(result.roster.frame)), (result.returned_path, len(result.log))]
    )
    report.write_workbook(
        path,
        [
            report.SheetSpec(roster_title, roster, text_columns=id_headers),
            report.SheetSpec(
                log_title,
                log_table(result),
                notes=log_notes,
                text_columns=[LOG_HEADERS[c] for c in ("reg_no", "old_nik", "new_nik", "old_nkk", "new_nkk")],
            ),
        ],
        inputs=[table.path, result.returned_path],
        provenance=provenance,
    )
