"""Report writers shared by every command: Excel workbooks, CSV and JSON.

Reports carry names and NIKs (personal data, UU 27/2022) and travel between a prison and the election office, where
they are opened in Excel. So every writer:

* writes to a file in a private work folder beside the target, readable only by its owner (0600), fsyncs it and
  renames it into place: a crash never leaves half a report, and the report is never readable by other users of the
  machine; temporary files (openpyxl's) go in that folder, not in the system's temporary folder;
* refuses to overwrite any input file of the run, however it is named (symlink, hard link, relative path): those
  given, and every file the run has read (:func:`lifecycle.files_read`);
* neutralises spreadsheet formulas (OWASP "CSV injection"): a text starting with ``=``, ``+``, ``-``, ``@``, tab,
  carriage return or NUL gets a leading ``'``. Two kinds of text are left alone because Excel cannot run them: a
  plain signed number (``-5``, ``+6281234567890``, ``-1.234,5``) and ``-`` on its own, the placeholder people type
  into empty cells. Numbers stay numbers. In workbooks every text cell is also stored with the string type, so
  Excel never sees a formula (nor an error value such as ``#N/A``) whatever the text is.

A CSV report keeps NIKs exact, but Excel, when it opens a CSV by double-click, turns 16-digit texts into numbers and
drops the last digit; give people the workbook, where NIK columns are text cells formatted ``@``.
"""

from __future__ import annotations

import errno
import io
import json
import math
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import numpy as np
import openpyxl
import pandas as pd
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter
from pydantic import BaseModel

from dpt_rutan import lifecycle
from dpt_rutan.errors import DptRutanError
from dpt_rutan.report.provenance import Provenance

if TYPE_CHECKING:
    from dpt_rutan.election import ElectionProfile
    from dpt_rutan.site import Site

PROVENANCE_SHEET = "Provenance"
EXCEL_MAX_ROWS = 1_048_576
DATE_FORMAT = "dd-mm-yyyy"
DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
TEXT_FORMAT = "@"
MIN_COLUMN_WIDTH = 8
MAX_COLUMN_WIDTH = 60

# Starts with a formula trigger, unless it is a plain signed number or the "-" placeholder. \Z, not $: "-5\n" is
# not a plain number.
_FORMULA_START = re.compile(r"(?!-\Z)(?![+-]\d+(?:[.,]\d+)*\Z)[=+\-@\t\r\x00]")
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_TITLE_MAX = 31


class OutputError(DptRutanError):
    """A report that cannot be written where the user asked. Exit code 2."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        super().__init__(f"{path}: {problem}. {fix}")


# --- formula injection -------------------------------------------------------------------------------------------


def neutralise_text(text: str) -> str:
    """One text made safe for a spreadsheet: ``'`` in front when Excel would read it as a formula."""
    return "'" + text if _FORMULA_START.match(text) else text


def neutralise_formulas(values: pd.Series) -> pd.Series:
    """:func:`neutralise_text` on every text of a column at once; numbers, dates and empty cells are untouched."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        values = values.astype(object)
    if values.dtype == object:
        is_text = values.map(lambda value: isinstance(value, str)).to_numpy(dtype=bool)
    elif pd.api.types.is_string_dtype(values.dtype):
        is_text = values.notna().to_numpy(dtype=bool)
    else:
        return values
    risky = np.zeros(len(values), dtype=bool)
    risky[is_text] = values[is_text].astype(str).str.match(_FORMULA_START.pattern).to_numpy(dtype=bool)
    if not risky.any():
        return values
    safe = values.to_numpy(dtype=object, copy=True)
    safe[risky] = "'" + safe[risky]
    return pd.Series(safe, index=values.index, name=values.name, dtype=values.dtype)


def _neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy with every text cell and header neutralised, by position: labels may repeat. The index is dropped."""
    columns = [
        neutralise_formulas(frame.iloc[:, position]).reset_index(drop=True) for position in range(frame.shape[1])
    ]
    safe = pd.concat(columns, axis=1) if columns else pd.DataFrame(index=range(len(frame)))
    safe.columns = [neutralise_text(str(column)) for column in frame.columns]
    return safe


# --- safe writing ------------------------------------------------------------------------------------------------

_CHOOSE_OTHER = "choose another output path with -o"


@contextmanager
def open_output(path: Path, *, inputs: Iterable[Path]) -> Iterator[BinaryIO]:
    """Open a report file for writing, all or nothing.

    Yields a binary handle on a 0600 file in a private (0700) work folder beside the target; when the block ends
    normally the file is fsynced and renamed over the target, otherwise it is dropped and any earlier report at the
    target is kept. Temporary files made meanwhile (openpyxl's sheets, with whole NIKs) go in the work folder too,
    never in the system's temporary folder, and the work folder is removed on every way out. One left by a killed
    run is removed by the next run that writes the same report.
    """
    target = _writable_target(Path(path), inputs)
    with work_folder(target, path) as work:
        part = work / "report"
        try:
            descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle, _temporary_files_in(work):
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(part, target)
        except OSError as exc:
            full = exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
            fix = (
                f"Free some disk space, or {_CHOOSE_OTHER}"
                if full
                else f"Close it if Excel has it open, or {_CHOOSE_OTHER}"
            )
            raise OutputError(path, f"could not be written ({exc.strerror or exc})", fix) from exc
    _sync_folder(target.parent)


_WORK_MARK = ".dpt-rutan-"
_WORK_SUFFIX = ".part"


@contextmanager
def work_folder(target: Path, shown: Path) -> Iterator[Path]:
    """A new private folder beside ``target`` (``.NAME.dpt-rutan-PID-XXXX.part``), removed when the block ends.

    Work folders of ``target`` left by runs that no longer exist (killed) are removed first; a live run's is kept.
    """
    remove_stale_work(target)
    # Made and registered for removal with the stop signals held back: stopped in between, it would be left behind.
    with lifecycle.signals_deferred():
        try:
            work = Path(
                tempfile.mkdtemp(
                    dir=target.parent, prefix=f".{target.name}{_WORK_MARK}{os.getpid()}-", suffix=_WORK_SUFFIX
                )
            )
        except OSError as exc:
            raise OutputError(
                shown,
                f"cannot write in folder {target.parent} ({exc.strerror})",
                f"Check its permissions, or {_CHOOSE_OTHER}",
            ) from exc
        lifecycle.remove_if_stopped(work)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lifecycle.forget(work)


def remove_stale_work(target: Path) -> None:
    """Remove the work folders of ``target`` whose run is gone (killed before it could clean up)."""
    prefix = f".{target.name}{_WORK_MARK}"
    with suppress(OSError):
        for entry in target.parent.iterdir():
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(_WORK_SUFFIX)):
                continue
            pid = name[len(prefix) :].partition("-")[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process writes one report at a time: a folder of its own is a leftover
    if os.name != "posix":
        # Windows has no harmless signal 0 (os.kill would end the process); there a live run's open report file
        # cannot be deleted, so removing its folder fails and leaves it be.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True


@contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    """Make ``tempfile`` (which openpyxl's streaming sheets use) create its files in ``folder`` for the block."""
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


@contextmanager
def staged_folder(path: Path) -> Iterator[Path]:
    """A folder of reports written all or none: yields a private work folder beside ``path``; :func:`publish_folder`
    renames it to ``path`` when every report is in it, otherwise it is removed when the block ends.

    ``path`` must be new or empty: the rename refuses a folder another run filled meanwhile, so two runs never mix
    their reports.
    """
    path = Path(path)
    _refuse_filled_folder(path)
    if not path.parent.is_dir():
        raise OutputError(path, f"folder {path.parent} does not exist", f"Create it first, or {_CHOOSE_OTHER}")
    with work_folder(path.resolve(), path) as work:
        yield work


def publish_folder(work: Path, path: Path) -> None:
    """Rename a finished work folder of :func:`staged_folder` to ``path`` in one step (POSIX rename)."""
    try:
        os.rename(work, path)
    except OSError as exc:
        _refuse_filled_folder(path)
        raise OutputError(
            path, f"cannot be created ({exc.strerror})", f"Check permissions, or {_CHOOSE_OTHER}"
        ) from None
    _sync_folder(Path(path).resolve().parent)


def _refuse_filled_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise OutputError(path, "is a file, not a folder", "Give a folder with -o")
    if path.is_dir() and any(path.iterdir()):
        raise OutputError(
            path,
            "is not empty (another run's reports would mix with this one's)",
            "Give a new folder with -o, or move its files away",
        )


def _writable_target(path: Path, inputs: Iterable[Path]) -> Path:
    """The file to replace (symlinks followed), after refusing a missing folder, a folder, and every input."""
    target = path.resolve()
    if not target.parent.is_dir():
        raise OutputError(path, f"folder {target.parent} does not exist", f"Create it first, or {_CHOOSE_OTHER}")
    if target.is_dir():
        raise OutputError(path, "is a folder, not a file", "Give a file name")
    for source in [*inputs, *lifecycle.files_read()]:
        if Path(source).resolve() == target or _same_file(target, Path(source)):
            raise OutputError(
                path, f"is an input of this run ({source})", f"Reports never overwrite their inputs: {_CHOOSE_OTHER}"
            )
    return target


def _same_file(first: Path, second: Path) -> bool:
    """True for two names of one file (hard link, bind mount); false when either does not exist."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (POSIX; some network file systems refuse)."""
    if os.name != "posix":
        return
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- workbooks ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BarChartSpec:
    """A native Excel bar chart drawn from columns of its sheet's table, e.g. ballots by type per TPS."""

    title: str
    categories: str
    series: Sequence[str]
    anchor: str | None = None
    """Top-left cell of the chart; by default beside the table, level with its header."""
    x_axis_title: str = ""
    y_axis_title: str = ""


def subject_notes(what: str, site: Site, profile: ElectionProfile, made: date | None = None) -> list[str]:
    """The title block every report's first sheet opens with, so a printed page says what it is about: the report,
    the prison, its kecamatan (code and name), its TPS numbers, the election and its voting day, the date made."""
    tps = ", ".join(str(number) for number in site.tps_numbers)
    return [
        f"{what} — {site.name}",
        f"Kecamatan / district: {site.district_code} {site.region_label()}",
        f"TPS: {tps}",
        f"Pemilihan / election: {profile.label}, hari pemungutan suara / voting day {profile.voting_day:%d-%m-%Y}",
        f"Dibuat / made: {made or date.today():%d-%m-%Y}",
    ]


@dataclass
class SheetSpec:
    """One sheet of a workbook: an optional title block of note lines, then the table with a frozen header.

    ``text_columns`` (NIK, NKK, TPS, phone) are written as text cells formatted ``@``: a number cell would show a
    NIK as 3.31601E+15 and lose its last digit, and a TPS "001" as 1. Names the frame lacks are ignored, so one
    list can serve several sheets. Date columns (datetime64, or ``date`` objects) become real dates shown
    DD-MM-YYYY.
    """

    title: str
    frame: pd.DataFrame
    notes: Sequence[str] = ()
    text_columns: Collection[Any] = ()
    chart: BarChartSpec | None = None

    def __post_init__(self) -> None:
        if safe_sheet_title(self.title) != self.title:
            raise ValueError(f"sheet title {self.title!r} is not Excel-safe; pass it through safe_sheet_title()")
        if self.chart is None:
            return
        missing = {self.chart.categories, *self.chart.series} - set(self.frame.columns)
        if missing:
            raise ValueError(f"chart {self.chart.title!r}: sheet {self.title!r} has no columns {sorted(missing)}")
        if not all(pd.api.types.is_numeric_dtype(self.frame[name]) for name in self.chart.series):
            raise ValueError(f"chart {self.chart.title!r}: every series column must be numeric")

    @property
    def header_row(self) -> int:
        """Worksheet row of the table header: below the notes and one blank row, when there are notes."""
        return len(self.notes) + 2 if self.notes else 1


def safe_sheet_title(text: str) -> str:
    """A sheet title Excel accepts: at most 31 characters, none of ``[]:*?/\\``, no quote at either end."""
    title = _SHEET_TITLE_FORBIDDEN.sub("_", text)[:_SHEET_TITLE_MAX].strip(" '")
    if title.casefold() == "history":  # reserved by Excel for change tracking
        title += "_"
    return title or "Sheet"


def write_workbook(
    path: Path, sheets: Sequence[SheetSpec], *, inputs: Iterable[Path], provenance: Provenance | None
) -> None:
    """Write an xlsx report: the given sheets in order, then a "Provenance" sheet when provenance is given.

    Written in openpyxl's streaming mode: rows go to disk as they are made instead of piling up as cell objects.
    """
    specs = [*sheets, _provenance_sheet(provenance)] if provenance is not None else list(sheets)
    _check_titles(specs)
    for spec in specs:
        rows_needed = spec.header_row + len(spec.frame)
        if rows_needed > EXCEL_MAX_ROWS:
            raise OutputError(
                path, f"sheet '{spec.title}' needs {rows_needed:,} rows; Excel holds {EXCEL_MAX_ROWS:,}", "Write CSV"
            )
    with open_output(path, inputs=inputs) as handle:
        workbook = openpyxl.Workbook(write_only=True)
        try:
            for spec in specs:
                _write_sheet(workbook.create_sheet(spec.title), spec)
            # openpyxl's own save leaves its zip file open when a write fails (disk full); closed later by the
            # garbage collector, it would print "Exception ignored" after our one-line error.
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
                ExcelWriter(workbook, archive).write_data()
        except BaseException:
            _close_sheet_streams(workbook)
            raise


def _close_sheet_streams(workbook: openpyxl.Workbook) -> None:
    """Close the sheets' streams to their temporary files now, after a failed write: left to the garbage collector,
    one that cannot flush prints "Exception ignored" and a traceback after the run's error line."""
    for sheet in workbook.worksheets:
        # openpyxl has no public way to abandon a streaming sheet: its rows feed one generator, which feeds another.
        for stream in (getattr(sheet, "_rows", None), getattr(getattr(sheet, "_writer", None), "xf", None)):
            if stream is not None:
                with suppress(Exception):
                    stream.close()


def _provenance_sheet(provenance: Provenance) -> SheetSpec:
    frame = pd.DataFrame(provenance.rows(), columns=["Kunci / Key", "Nilai / Value"], dtype=object)
    return SheetSpec(PROVENANCE_SHEET, frame, text_columns=list(frame.columns))


def _check_titles(specs: Sequence[SheetSpec]) -> None:
    if not specs:
        raise ValueError("a workbook needs at least one sheet")
    titles = [spec.title.casefold() for spec in specs]
    if len(set(titles)) != len(titles):
        raise ValueError(f"sheet titles repeat (Excel ignores case): {[spec.title for spec in specs]}")


@dataclass
class _Column:
    """A table column ready for cells: Python values (None where empty), its number format and width."""

    values: list[Any]
    number_format: str | None
    width: float


def _write_sheet(sheet: Any, spec: SheetSpec) -> None:
    frame = spec.frame
    columns = [
        _prepare_column(frame.columns[position], frame.iloc[:, position], frame.columns[position] in spec.text_columns)
        for position in range(frame.shape[1])
    ]
    for number, column in enumerate(columns, start=1):
        dimension = sheet.column_dimensions[get_column_letter(number)]
        dimension.width = column.width
        if column.number_format == TEXT_FORMAT:  # so that a NIK typed later into an empty cell stays text too
            dimension.number_format = TEXT_FORMAT
    header_row = spec.header_row
    sheet.freeze_panes = f"A{header_row + 1}"
    if columns:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(columns))}{header_row + len(frame)}"
    bold = Font(bold=True)
    if spec.notes:
        for number, note in enumerate(spec.notes):
            sheet.append([_cell(sheet, neutralise_text(note), None, font=bold if number == 0 else None)])
        sheet.append([])
    sheet.append([_cell(sheet, neutralise_text(str(label)), None, font=bold) for label in frame.columns])
    formats = [column.number_format for column in columns]
    for row in zip(*(column.values for column in columns), strict=True):
        sheet.append([_cell(sheet, value, number_format) for value, number_format in zip(row, formats, strict=True)])
    if spec.chart is not None:
        _add_chart(sheet, spec.chart, spec)


def _prepare_column(label: Any, values: pd.Series, as_text: bool) -> _Column:
    number_format = None
    if as_text:
        values, number_format = values.astype("string").astype(object), TEXT_FORMAT
    elif _is_date_column(values):
        values = _naive_timestamps(values)
        number_format = DATE_FORMAT if _midnight_only(values) else DATETIME_FORMAT
    cells = neutralise_formulas(values.astype(object).where(values.notna(), None))
    content = len(number_format) if number_format in (DATE_FORMAT, DATETIME_FORMAT) else _longest_text(cells)
    # The header also needs room for the filter button.
    width = min(max(content + 2, len(str(label)) + 4, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH)
    return _Column(cells.tolist(), number_format, width)


def _is_date_column(values: pd.Series) -> bool:
    if pd.api.types.is_datetime64_any_dtype(values):
        return True
    return values.dtype == object and pd.api.types.infer_dtype(values, skipna=True) in ("date", "datetime")


def _naive_timestamps(values: pd.Series) -> pd.Series:
    """Timestamps without time zone, at their local wall time: Excel has no time zones."""
    stamps = pd.to_datetime(values)
    return stamps.dt.tz_localize(None) if stamps.dt.tz is not None else stamps


def _midnight_only(stamps: pd.Series) -> bool:
    present = stamps.dropna()
    return bool((present == present.dt.normalize()).all())


def _longest_text(cells: pd.Series) -> int:
    present = cells.dropna()
    return int(present.astype(str).str.len().max()) if len(present) else 0


def _cell(sheet: Any, value: Any, number_format: str | None, font: Font | None = None) -> Any:
    """A text as a cell whose type we fix, never left to openpyxl, which reads "=..." as a formula and "#N/A" as an
    error; a plain number, truth value or empty cell as the bare value, which openpyxl types right and writes faster.
    """
    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))  # XML cannot hold these
        cell.data_type = "s"
    elif value is None or (number_format is None and font is None):
        return value
    else:
        cell = WriteOnlyCell(sheet, value=value)
    if number_format is not None:
        cell.number_format = number_format
    if font is not None:
        cell.font = font
    return cell


def _add_chart(sheet: Any, chart_spec: BarChartSpec, spec: SheetSpec) -> None:
    labels = list(spec.frame.columns)
    first_row, last_row = spec.header_row, spec.header_row + len(spec.frame)
    chart = BarChart()
    chart.title = chart_spec.title
    chart.x_axis.title = chart_spec.x_axis_title or None
    chart.y_axis.title = chart_spec.y_axis_title or None
    # openpyxl 3.1 marks both axes deleted by default, and Excel then draws no axis labels at all.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    for name in chart_spec.series:
        column = labels.index(name) + 1
        chart.add_data(Reference(sheet, min_col=column, min_row=first_row, max_row=last_row), titles_from_data=True)
    categories = labels.index(chart_spec.categories) + 1
    chart.set_categories(
        Reference(sheet, min_col=categories, min_row=first_row + 1, max_row=max(last_row, first_row + 1))
    )
    chart.width = min(15 + len(spec.frame), 40)  # centimetres: room for every category label
    chart.height = 10
    sheet.add_chart(chart, chart_spec.anchor or f"{get_column_letter(len(labels) + 2)}{first_row}")


# --- CSV, JSON and text -----------------------------------------------------------------------------------------


def write_csv(path: Path, frame: pd.DataFrame, *, inputs: Iterable[Path]) -> None:
    """Write a CSV report: UTF-8 with a BOM (without it Excel reads names in the local code page), commas, CRLF."""
    safe = _neutralise_frame(frame)
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
        if pd.api.types.is_datetime64_any_dtype(values) and _midnight_only(values):
            values = values.dt.strftime("%Y-%m-%d")
        columns.append([_jsonable(item) for item in values.astype(object).where(values.notna(), None)])
    return [dict(zip(labels, row, strict=True)) for row in zip(*columns, strict=True)]
