"""What `dpt-rutan tps-plan` plans from: the voters listed now and the roster's admission history.

:func:`plan.plan_tps` needs one row per voter expected at the prison's TPS, with a home region, and the admission
and release dates of the whole roster. Two kinds of file give them:

* **a roster** (any file :func:`reader.read_table` reads): the rows are decided (``roster_input``) as ``reconcile``
  decides them, without a KPU extract: duplicates, ineligible inmates and those released before voting day are
  left out, in ``decide``'s order of precedence; the rest are the voters. The roster's own dates are the history.
* **a workbook written by** ``dpt-rutan reconcile`` (sheet "Model A lengkap", column STATUS): the voters are the
  rows that will be at the prison's TPS once the workbook's actions are done. Rows that still need review or
  Dukcapil recording are held apart and reported, since nobody knows yet whether they will vote here. The workbook
  has no admission dates: the history then comes from the roster passed as ``roster``, else there is none and the
  forecast needs ``--inflow-per-week``. This module reads that workbook.

Every data row read ends up either among the voters or in ``excluded`` with its reason
(:meth:`PlanInputs.check_conservation`, in ``contract``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd
import python_calamine as calamine

from dpt_rutan import match, regions, values
from dpt_rutan.commands.plan.contract import (
    HOME_COLUMNS,
    VOTER_COLUMNS,
    PlanInputs,
    excluded_table,
    history_of,
    text_of,
)
from dpt_rutan.commands.plan.forecast import PlanFlag
from dpt_rutan.commands.plan.roster_input import inputs_from_roster
from dpt_rutan.commands.reconcile.columns import FULL_LIST_SHEET, MODEL_A_COLUMNS, STATUS_COLUMNS
from dpt_rutan.decide import Status
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import ConfigError, Location, UnusableInputError, define_code
from dpt_rutan.fields import Field
from dpt_rutan.read import reader, sources, workbook
from dpt_rutan.site import Site

RECONCILED_SHEET = FULL_LIST_SHEET
VOTER_STATUSES = (Status.REGISTERED_HERE, Status.REGISTERED_ELSEWHERE, Status.NOT_REGISTERED, Status.NOT_IN_EXTRACT)
PENDING_STATUSES = (Status.NEEDS_REVIEW, Status.NEEDS_RECORDING)
GONE_BY_VOTING_DAY = (Status.DUPLICATE, Status.RELEASED_BEFORE_VOTING)
"""Rows of a reconciled workbook that are not an inmate in custody on voting day."""

# The reconciled workbook's headers, from the module that writes them.
HEADER_OF = {**MODEL_A_COLUMNS, **STATUS_COLUMNS}
WORKBOOK_REQUIRED = ("source_row", "status", "name", "nik")
WORKBOOK_HEADER_SCAN = 10
SIXTEEN_DIGITS = r"[0-9]{16}"

PENDING_NOT_COUNTED = define_code(
    "PLAN_INPUT_PENDING",
    "warning",
    "Sebagian WBP masih perlu diperiksa atau direkam Dukcapil: tidak dihitung sebagai pemilih. Bila selesai sebelum "
    "H-7 mereka menambah pemilih di TPS rutan, di luar perkiraan arus masuk.",
    "Some inmates still need review or Dukcapil recording: not counted as voters. If resolved before H-7 they add "
    "to the prison's voters, on top of the inflow forecast.",
)
UNKNOWN_STATUS = define_code(
    "PLAN_INPUT_UNKNOWN_STATUS",
    "warning",
    "Kolom STATUS berisi nilai yang tidak dikenal (diubah tangan?): baris itu tidak dihitung sebagai pemilih.",
    "The STATUS column holds a value the tool does not know (edited by hand?): those rows are not counted as voters.",
)
ROSTER_ROWS_DIFFER = define_code(
    "PLAN_INPUT_ROSTER_DIFFERS",
    "info",
    "Daftar WBP untuk riwayat tanggal masuk memiliki jumlah baris berbeda dari buku kerja rekonsiliasi.",
    "The roster given for the admission history has a different number of rows than the reconciled workbook.",
)
NO_ROSTER_GIVEN = define_code(
    "PLAN_INPUT_NO_ROSTER",
    "warning",
    "Buku kerja rekonsiliasi tidak memuat tanggal masuk dan daftar WBP tidak diberikan: perkiraan arus masuk "
    "pemilih sampai H-7 nol (kecuali --inflow-per-week dengan --as-of). Berikan daftar WBP dengan --roster.",
    "The reconciled workbook has no admission dates and no roster was given: the forecast of voters arriving up "
    "to H-7 is zero (unless --inflow-per-week with --as-of). Give the roster with --roster.",
)


def load_plan_inputs(
    path: Path | str,
    *,
    site: Site,
    profile: ElectionProfile,
    sheet: str | int | None = None,
    mapping: Mapping[str, str] | None = None,
    roster: Path | str | None = None,
    settings: match.MatchSettings | None = None,
) -> PlanInputs:
    """Voters and history from a roster or a reconciled workbook (told apart by content; see the module docstring).

    ``roster`` gives the admission history to a reconciled workbook; ``sheet`` and ``mapping`` apply to whichever
    roster is read (the workbook's own sheet is always "Model A lengkap").
    """
    path = Path(path)
    if is_reconciled_workbook(path):
        history_file = Path(roster) if roster is not None else None
        inputs = inputs_from_workbook(path, profile, history_file, sheet, mapping)
    elif roster is not None:
        raise ConfigError(f"--roster goes with a workbook from 'dpt-rutan reconcile'; {path.name} is itself a roster")
    else:
        inputs = inputs_from_roster(path, site, profile, sheet, mapping, settings or match.MatchSettings())
    inputs.check_conservation()
    return inputs


def is_reconciled_workbook(path: Path) -> bool:
    """Whether the file is a workbook ``dpt-rutan reconcile`` wrote: it has the sheet "Model A lengkap"."""
    return RECONCILED_SHEET in reader.list_sheets(path)


# --- a reconciled workbook ---------------------------------------------------------------------------------------


def inputs_from_workbook(
    path: Path,
    profile: ElectionProfile,
    roster: Path | None,
    roster_sheet: str | int | None,
    mapping: Mapping[str, str] | None,
) -> PlanInputs:
    """Voters, left-out rows and history from a reconciled workbook (see the module docstring)."""
    frame, blank_rows = read_reconciled(path)
    status = frame["status"].str.strip().str.upper()
    voting = status.isin([str(s) for s in VOTER_STATUSES])
    reason = status.where(status.isin([str(s) for s in Status]), "UNKNOWN: " + status.replace("", "(blank)"))
    history, history_rows, history_source, history_flags = workbook_history(
        path, status, roster, roster_sheet, mapping, profile
    )
    return PlanInputs(
        kind="reconciled",
        path=path,
        sheet=RECONCILED_SHEET,
        voters=workbook_voters(frame[voting]),
        roster_history=history,
        excluded=excluded_table(frame[~voting], reason[~voting]),
        rows_read=len(frame),
        rows_not_data=blank_rows,
        included=(
            f"STATUS {', '.join(map(str, VOTER_STATUSES))}: at the prison's TPS once the workbook's actions are "
            f"done; {', '.join(map(str, PENDING_STATUSES))} not counted"
        ),
        history_source=history_source,
        history_path=roster,
        history_rows=history_rows,
        flags=workbook_flags(status) + history_flags,
    )


def workbook_history(
    path: Path,
    status: pd.Series,
    roster: Path | None,
    roster_sheet: str | int | None,
    mapping: Mapping[str, str] | None,
    profile: ElectionProfile,
) -> tuple[pd.DataFrame, int, str, list[PlanFlag]]:
    """The admission history, its row count, where it came from, and its flags: the roster's dates when a roster is
    given, else one undated row per inmate the workbook says is in custody on voting day."""
    flags = []
    if roster is not None:
        history, history_rows = roster_history(roster, roster_sheet, mapping, profile)
        history_source = f"admission and release dates of all {history_rows} rows of {roster.name}"
        if history_rows != len(status):
            detail = f"{roster.name}: {history_rows} rows; {path.name}: {len(status)} rows"
            flags.append(PlanFlag.of(ROSTER_ROWS_DIFFER, detail))
    else:
        # No dates, but the workbook knows who is in custody on voting day: the forecast's voter share needs that.
        in_custody = int((~status.isin([str(s) for s in GONE_BY_VOTING_DAY])).sum())
        history = pd.DataFrame({"date_in": [pd.NaT] * in_custody, "release_date": [pd.NaT] * in_custody})
        history = history.astype("datetime64[ns]")
        history_rows = in_custody
        flags.append(
            PlanFlag.of(
                NO_ROSTER_GIVEN, f"no roster given with {path.name}: inflow forecast 0; add --roster ROSTER.xlsx"
            )
        )
        history_source = (
            f"none with dates: the workbook has no admission dates (give the roster with --roster, or "
            f"--inflow-per-week); {in_custody} inmates in custody on voting day"
        )
    return history, history_rows, history_source, flags


def workbook_flags(status: pd.Series) -> list[PlanFlag]:
    """Flags about the workbook's STATUS column: rows still pending, values the tool does not know."""
    flags = []
    pending = status[status.isin([str(s) for s in PENDING_STATUSES])].value_counts()
    if len(pending):
        detail = ", ".join(f"{count} {state}" for state, count in pending.items())
        flags.append(PlanFlag.of(PENDING_NOT_COUNTED, detail))
    unknown = status[~status.isin([str(s) for s in Status])].value_counts()
    if len(unknown):
        detail = ", ".join(f"{count} '{state}'" for state, count in unknown.items())
        flags.append(PlanFlag.of(UNKNOWN_STATUS, detail))
    return flags


def roster_history(
    path: Path, sheet: str | int | None, mapping: Mapping[str, str] | None, profile: ElectionProfile
) -> tuple[pd.DataFrame, int]:
    """The admission history from the roster given with a reconciled workbook, and its row count."""
    table = sources.read_roster(path, sheet, mapping=mapping, required=(Field.DATE_IN,))
    typed, _ = values.type_table(table, reference_date=profile.voting_day)
    return history_of(typed), len(typed)


def read_reconciled(path: Path) -> tuple[pd.DataFrame, int]:
    """Sheet "Model A lengkap" as text columns named like the fields ``reconcile_report`` wrote them from.

    Read with python-calamine directly: this is our own fixed format, not a roster whose headers need guessing.
    Returns the frame and the number of blank rows below the header.
    """
    location = Location(path.name, RECONCILED_SHEET)
    try:
        with workbook.open_workbook(path, by_content=True, every_sheet=True) as opened:
            rows = opened.get_sheet_by_name(RECONCILED_SHEET).to_python(skip_empty_area=False)
    except (calamine.CalamineError, OSError) as exc:
        raise UnusableInputError(
            location, f"cannot be read ({exc})", "Write it again with 'dpt-rutan reconcile'"
        ) from exc
    header_index, field_of = reconciled_header(rows, location)
    body = rows[header_index + 1 :]
    kept = [(number, row) for number, row in enumerate(body, start=header_index + 2) if any(map(cell_text, row))]
    columns = {
        name: [cell_text(row[position]) if position < len(row) else "" for _, row in kept]
        for position, name in field_of.items()
    }
    frame = pd.DataFrame(columns, index=[number for number, _ in kept], dtype=object)
    frame["source_row"] = roster_rows(frame, location)
    return frame.reset_index(drop=True), len(body) - len(kept)


def reconciled_header(rows: list[list[object]], location: Location) -> tuple[int, dict[int, str]]:
    """The header row's index and, per column position, the field it holds; our headers only, others ignored."""
    field_by_header = {header: name for name, header in HEADER_OF.items()}
    for index, row in enumerate(rows[:WORKBOOK_HEADER_SCAN]):
        field_of = {pos: field_by_header[cell_text(c)] for pos, c in enumerate(row) if cell_text(c) in field_by_header}
        if set(WORKBOOK_REQUIRED) <= set(field_of.values()):
            return index, field_of
    wanted = ", ".join(HEADER_OF[name] for name in WORKBOOK_REQUIRED)
    raise UnusableInputError(
        location, f"no header row with {wanted}", "Use the workbook as 'dpt-rutan reconcile' wrote it"
    )


def roster_rows(frame: pd.DataFrame, location: Location) -> pd.Series:
    """The roster row (BARIS) of each row: whole, unique numbers, or the workbook cannot be trusted."""
    text = frame["source_row"].astype(str)
    bad = ~text.str.fullmatch(r"[0-9]{1,9}")
    if bad.any():
        where = Location(location.file, location.sheet, int(frame.index[bad.to_numpy()][0]), HEADER_OF["source_row"])
        raise UnusableInputError(where, "not a roster row number", "Use the workbook as 'dpt-rutan reconcile' wrote it")
    rows = text.astype("int64")
    if rows.duplicated().any():
        where = Location(location.file, location.sheet, int(frame.index[rows.duplicated().to_numpy()][0]))
        raise UnusableInputError(where, f"roster row {rows[rows.duplicated()].iloc[0]} appears twice", "Remove one")
    return rows


def cell_text(value: object) -> str:
    """A cell of our own workbook as the text written into it, as :func:`workbook.cell_text` reads it but for three
    kinds of cell: a date-time reads as its day (the workbook's dates are days), TRUE/FALSE as Python writes them,
    and text is stripped of plain whitespace only (BARIS with a zero-width space in it is no row number)."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, str | bool):
        return str(value).strip()
    return workbook.cell_text(value)


def workbook_voters(frame: pd.DataFrame) -> pd.DataFrame:
    """The voters frame (VOTER_COLUMNS) from the workbook's voter rows, home codes re-derived."""
    voters = pd.DataFrame({column: text_of(frame, column) for column in VOTER_COLUMNS}, index=frame.index)
    voters["source_row"] = frame["source_row"].astype("int64")
    voters["birth_date_used"] = pd.to_datetime(voters["birth_date_used"], format="%Y-%m-%d", errors="coerce")
    voters["reconcile_status"] = frame["status"].str.strip().str.upper()
    homes = workbook_homes(frame)
    for column in HOME_COLUMNS:
        voters[column] = homes[column]
    return voters.reset_index(drop=True)


def workbook_homes(frame: pd.DataFrame) -> pd.DataFrame:
    """Home region codes, re-derived from the names: the workbook holds no codes.

    The kab/kota comes from the address (KABUPATEN/KOTA), within the province DAERAH ASAL names; else from DAERAH
    ASAL itself, which is reconcile's home region (address, else NIK) as a label such as "Kab. Blora, Jawa Tengah"
    or "Kab. Mimika (kode lama 91.09), Papua". The kecamatan comes from KECAMATAN, else from the NIK when the NIK
    was issued in the same kab/kota (as ``people`` does).
    """
    label = text_of(frame, "home_label")
    # "Kab. Blora, Jawa Tengah": the province after the last comma; extract, unlike rpartition, keeps its columns
    # when no row is left to plan for.
    label_parts = label.str.extract(r"^(?:(?P<regency>.*), )?(?P<province>.*)$").fillna("")
    province_text, label_regency = label_parts["province"], label_parts["regency"]
    from_address = regions.find_regency_codes(province_text, text_of(frame, "regency"))
    coded = label_regency.str.extract(r"\b([0-9]{2}\.[0-9]{2})\b", expand=False).fillna("")
    from_label = coded.where(coded != "", regions.find_regency_codes(province_text, label_regency))
    regency = from_address.where(from_address != "", from_label)
    district = regions.find_district_codes(regency, text_of(frame, "district"))
    nik = text_of(frame, "nik")
    from_nik = (nik.str[0:2] + "." + nik.str[2:4] + "." + nik.str[4:6]).where(nik.str.fullmatch(SIXTEEN_DIGITS), "")
    district = district.where(district != "", from_nik.where((from_nik.str[:5] == regency) & (regency != ""), ""))
    return pd.DataFrame(
        {"home_province": regency.str[:2], "home_regency": regency, "home_district": district}, index=frame.index
    )
