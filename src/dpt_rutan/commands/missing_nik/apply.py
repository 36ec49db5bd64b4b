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
from enum import StrEnum
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from dpt_rutan import report
from dpt_rutan.commands.missing_nik.report import FILL_NIK, FILL_NKK, KEY_REG_NO, KEY_ROW, PERSON_COLUMNS
from dpt_rutan.commands.missing_nik.run import STRUCTURAL
from dpt_rutan.errors import CODES, Location, UnusableInputError, define_code
from dpt_rutan.fields import Field
from dpt_rutan.nik import nik_findings, nkk_findings
from dpt_rutan.people import People, prepare_people
from dpt_rutan.read import reader, workbook
from dpt_rutan.read.headers import normalise_header
from dpt_rutan.read.table import SourceTable

define_code(
    "NIK_USED_BY_OTHER_ROW",
    "error",
    "NIK kembalian sudah dipakai WBP lain di daftar: salah satunya keliru. Tidak diterapkan.",
    "The returned NIK already belongs to another inmate on the roster: one of them is wrong. Not applied.",
)
define_code(
    "RETURNED_CONFLICT",
    "error",
    "Berkas kembalian memberi NIK berbeda untuk WBP yang sama, atau NIK yang sama untuk WBP berbeda. Tidak diterapkan.",
    "The returned file gives one inmate different NIKs, or one NIK to different inmates. Not applied.",
)

NAME_HEADER = PERSON_COLUMNS["name"]
MAX_ROW_NUMBER = 1_048_576  # the last row of an Excel sheet
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


class ApplyOutcome(StrEnum):
    APPLIED = "APPLIED"
    REJECTED = "REJECTED"
    UNCHANGED = "UNCHANGED"
    ROW_NOT_FOUND = "ROW_NOT_FOUND"


@dataclass
class ApplyResult:
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
    target = _target_rows(lines, frame)
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
    verdict = _judge_niks(lines, at, frame, reference_date)
    nkk = _judge_nkks(lines, at, verdict["nik_accepted"])
    log = pd.concat([log, verdict, nkk], axis=1)[LOG_COLUMNS]
    return ApplyResult(roster=roster, returned_path=Path(returned_path), updated=_updated(table.data, log), log=log)


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


# --- matching and judging -----------------------------------------------------------------------------------------


def _target_rows(lines: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """The roster source_row of each line: by row and registration number, else by a unique registration number."""
    rows = frame["source_row"].astype("int64")
    no_reg_no = pd.Series("", index=frame.index, dtype=object)
    reg_no = frame[Field.REG_NO].fillna("").astype(str) if Field.REG_NO in frame.columns else no_reg_no
    by_key = pd.Series(rows.to_numpy(), index=rows.astype(str) + "|" + reg_no.to_numpy())
    by_key = by_key[~by_key.index.duplicated(keep=False)]
    unique_reg = reg_no[(reg_no != "") & ~reg_no.duplicated(keep=False)]
    by_reg_no = pd.Series(rows[unique_reg.index].to_numpy(), index=unique_reg.to_numpy())
    key_row = _row_numbers(lines["key_row"]).astype(str)
    exact = (key_row + "|" + lines["reg_no"]).map(by_key)
    return exact.fillna(lines["reg_no"].map(by_reg_no)).astype("Int64")


def _row_numbers(cells: pd.Series) -> pd.Series:
    """BARIS WBP cells as row numbers; <NA> where a cell holds no whole row number ("14.5", "x", 1e20)."""
    numbers = pd.to_numeric(cells, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round()) & numbers.between(1, MAX_ROW_NUMBER)
    return numbers.where(whole).astype("Int64")


def _not_found_reason(key_row: pd.Series) -> np.ndarray:
    """Why a line found no roster row, naming a BARIS WBP cell that is no row number."""
    not_a_row = key_row.ne("") & _row_numbers(key_row).isna()
    return np.where(
        not_a_row.to_numpy(dtype=bool),
        f"{KEY_ROW} '" + key_row.astype(str) + "' bukan nomor baris, dan nomor registrasi ini tidak ada di daftar WBP",
        "Baris WBP dan nomor registrasi ini tidak ada di daftar WBP",
    ).astype(object)


def _text_or(at: pd.DataFrame, field: str, fallback: pd.Series) -> np.ndarray:
    own = at[field].fillna("").astype(str).to_numpy() if field in at.columns else np.full(len(at), "", dtype=object)
    return np.where(own != "", own, fallback.to_numpy())


def _first_code(findings: pd.DataFrame, n: int, codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per position 0..n-1: the first of ``codes`` (in that order) found there, and the finding's value."""
    relevant = findings[findings["code"].isin(codes)].copy()
    relevant["rank"] = relevant["code"].map({code: i for i, code in enumerate(codes)})
    first = relevant.sort_values(["source_row", "rank"]).drop_duplicates("source_row").set_index("source_row")
    positions = pd.RangeIndex(n)
    code = first["code"].reindex(positions).fillna("")
    return code.to_numpy(dtype=object), first["value"].reindex(positions).fillna("").to_numpy(dtype=object)


def _structure_check(
    lines: pd.DataFrame, at: pd.DataFrame, reference_date: date
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First structural or cross-check finding per line (against the target row's birth date and sex), its value,
    and the compacted NIK."""
    checked = pd.DataFrame(
        {
            "source_row": np.arange(len(lines)),
            "nik": lines["nik"].to_numpy(),
            "nik_was_number": lines["nik_was_number"].astype(bool).to_numpy(),
            "birth_date": pd.to_datetime(at["birth_date"]).to_numpy(),
            "sex": at["sex"].fillna("").to_numpy(),
        }
    )
    check = nik_findings(checked, reference_date=reference_date)
    codes, values = _first_code(check.findings, len(lines), STRUCTURAL)
    return codes, values, check.columns["nik_clean"].to_numpy()


def _owner_elsewhere(new_nik: pd.Series, target: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """The roster row other than the target that already holds the NIK as a usable one, else <NA>."""
    usable = frame.loc[frame["nik_usable"].astype(bool), ["nik_clean", "source_row"]].drop_duplicates("nik_clean")
    owner = new_nik.map(usable.set_index("nik_clean")["source_row"]).astype("Int64")
    return owner.where((owner != target).fillna(False).astype(bool))


def _conflicts(target: pd.Series, new_nik: pd.Series, candidate: np.ndarray) -> np.ndarray:
    """Lines among the candidates whose row gets several NIKs, or whose NIK goes to several rows."""
    pairs = pd.DataFrame({"target": target, "nik": new_nik})[candidate].drop_duplicates()
    rows_per_nik = pairs.groupby("nik")["target"].nunique()
    niks_per_row = pairs.groupby("target")["nik"].nunique()
    clash = new_nik.map(rows_per_nik).fillna(0).gt(1) | target.map(niks_per_row).fillna(0).gt(1)
    return candidate & clash.to_numpy(dtype=bool)


def _reason_text(codes: np.ndarray, details: np.ndarray) -> np.ndarray:
    """The Indonesian message of each code, with the detail in brackets where there is one."""
    message = pd.Series(codes, dtype=object).map(lambda code: CODES[code].message_id if code else "")
    detail = pd.Series(details, dtype=object).fillna("").astype(str)
    return (message + np.where(detail != "", " (" + detail + ")", "")).to_numpy(dtype=object)


def _judge_niks(lines: pd.DataFrame, at: pd.DataFrame, frame: pd.DataFrame, reference_date: date) -> pd.DataFrame:
    """Outcome, reason code and reason of each line: the first rule that applies wins."""
    target = pd.Series(at.index.to_numpy(), dtype="Int64")
    codes, values, clean = _structure_check(lines, at, reference_date)
    new_nik = pd.Series(np.where(clean != "", clean, lines["nik"].to_numpy()), dtype=object)
    current = at["nik_clean"].fillna("").to_numpy()
    owner = _owner_elsewhere(new_nik, target, frame)
    found = target.notna().to_numpy()
    blank = found & np.isin(codes, ["MISSING", "PLACEHOLDER"])
    bad = found & ~blank & (codes != "")
    same = found & ~blank & ~bad & (new_nik.to_numpy() == current)
    taken = found & ~blank & ~bad & ~same & owner.notna().to_numpy()
    open_lines = found & ~blank & ~bad & ~same & ~taken
    conflict = _conflicts(target, new_nik, open_lines)
    repeat = open_lines & ~conflict & pd.DataFrame({"row": target, "nik": new_nik}).duplicated().to_numpy()
    owner_text = ("baris WBP " + owner.astype(str)).to_numpy(dtype=object)
    rules = [
        (~found, ApplyOutcome.ROW_NOT_FOUND, "", _not_found_reason(lines["key_row"])),
        (blank, ApplyOutcome.UNCHANGED, "", "NIK tidak diisi"),
        (bad, ApplyOutcome.REJECTED, codes, _reason_text(codes, values)),
        (same, ApplyOutcome.UNCHANGED, "", "NIK sama dengan yang sudah ada di daftar"),
        (
            taken,
            ApplyOutcome.REJECTED,
            "NIK_USED_BY_OTHER_ROW",
            _reason_text(np.full(len(lines), "NIK_USED_BY_OTHER_ROW"), owner_text),
        ),
        (conflict, ApplyOutcome.REJECTED, "RETURNED_CONFLICT", CODES["RETURNED_CONFLICT"].message_id),
        (repeat, ApplyOutcome.UNCHANGED, "", "Baris kembalian ganda: sudah diterapkan dari baris lain"),
    ]
    masks = [mask for mask, _, _, _ in rules]
    return pd.DataFrame(
        {
            "new_nik": new_nik,
            "outcome": np.select(masks, [outcome.value for _, outcome, _, _ in rules], ApplyOutcome.APPLIED.value),
            "reason_code": np.select(masks, [np.asarray(code, dtype=object) for _, _, code, _ in rules], ""),
            "reason": np.select(masks, [np.asarray(text, dtype=object) for _, _, _, text in rules], ""),
            "nik_accepted": found & ~blank & ~bad & ~taken & ~conflict,
        }
    )


def _judge_nkks(lines: pd.DataFrame, at: pd.DataFrame, nik_accepted: pd.Series) -> pd.DataFrame:
    """The NKK of a line goes in with its NIK only: a NKK beside a rejected NIK comes from the wrong record."""
    check = nkk_findings(
        pd.DataFrame(
            {
                "source_row": np.arange(len(lines)),
                "nkk": lines["nkk"].to_numpy(),
                "nkk_was_number": lines["nkk_was_number"].astype(bool).to_numpy(),
            }
        )
    )
    codes, _ = _first_code(check.findings, len(lines), STRUCTURAL)
    clean = check.columns["nkk_clean"].to_numpy()
    old = at[Field.NKK].fillna("").astype(str).to_numpy() if Field.NKK in at.columns else np.full(len(at), "")
    given = ~np.isin(codes, ["MISSING", "PLACEHOLDER"])
    target = pd.Series(at.index.to_numpy(), dtype="Int64")
    new_nkk = pd.Series(np.where(clean != "", clean, lines["nkk"].to_numpy()), dtype=object)
    candidate = given & nik_accepted.to_numpy(dtype=bool) & (codes == "") & (clean != old)
    pairs = pd.DataFrame({"row": target, "nkk": new_nkk})[candidate].drop_duplicates()
    clash = candidate & target.map(pairs.groupby("row")["nkk"].nunique()).fillna(0).gt(1).to_numpy(dtype=bool)
    outcome = np.select(
        [~given, ~nik_accepted.to_numpy(dtype=bool), codes != "", clean == old, clash],
        [
            "",
            "REJECTED: NIK tidak diterapkan",
            "REJECTED: " + codes.astype(object),
            ApplyOutcome.UNCHANGED.value,
            "REJECTED: RETURNED_CONFLICT",
        ],
        ApplyOutcome.APPLIED.value,
    )
    return pd.DataFrame({"old_nkk": old, "new_nkk": new_nkk, "nkk_outcome": outcome})


def _updated(data: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """The roster's data with the applied NIKs and NKKs written in."""
    updated = data.copy()
    for field, value, outcome in ((Field.NIK, "new_nik", "outcome"), (Field.NKK, "new_nkk", "nkk_outcome")):
        applied = log[log[outcome] == ApplyOutcome.APPLIED.value].drop_duplicates("source_row")
        if applied.empty:
            continue
        new = updated["source_row"].map(applied.set_index("source_row")[value])
        column = updated[field] if field in updated.columns else pd.Series("", index=updated.index)
        updated[field] = column.astype(object).where(new.isna(), new)
    return updated


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
