"""The site table of a regional office (Kanwil): one row per prison, and which roster rows belong to which prison.

A province reconciles all its prisons in one run (``reconcile_sites``). The site table is the spreadsheet the Kanwil
keeps anyway, one row per UPT, in CSV or Excel::

    Nama UPT,Kode Kecamatan,Kelurahan,TPS,Kode UPT,Berkas WBP
    Rutan Kelas IIB Blora,33.16.09,Kauman,901,,roster_blora.xlsx
    Lapas Kelas I Semarang,33.74.12,,901;902,,

The table is taken as the Kanwil keeps it: the header row may sit under a title block, the table may be on a later
sheet, a "No" column may be numbered further than the prisons go and a "Jumlah" row may close it. Those rows are not
prisons; they are skipped and counted (:attr:`SiteTable.skipped`). Each prison row is validated as a
:class:`~dpt_rutan.site.Site`. The inmates come either from the row's own roster file (``Berkas WBP``, relative to
the table) or from province-wide rosters whose UPT column names the prison by its name or its UPT code. A roster row
that names no prison of the table, or none at all, is an error, never a dropped row; so is a roster file or a TPS
that two prisons would share, since each would then count the other's inmates or voters as its own or as gone.
"""

from __future__ import annotations

import csv
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from io import StringIO
from pathlib import Path

import python_calamine as calamine
from pydantic import ValidationError

from dpt_rutan.commands.reconcile.site_conflicts import refuse_repeats, refuse_shared_rosters, refuse_shared_tps
from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.read import workbook
from dpt_rutan.read.headers import normalise_header
from dpt_rutan.read.text_files import decode_text
from dpt_rutan.site import Site

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Nama UPT", "Nama", "UPT", "Nama Lapas/Rutan", "Satker", "Satuan Kerja", "Nama Satker", "Name"),
    "district_code": ("Kode Kecamatan", "Kode Kec", "Kode Wilayah", "District Code"),
    "village": ("Kelurahan", "Desa", "Kelurahan/Desa", "Village"),
    "tps_numbers": ("TPS", "Nomor TPS", "No TPS", "TPS Numbers"),
    "upt_code": ("Kode UPT", "Kode Satker", "UPT Code"),
    "roster": ("Berkas WBP", "Daftar WBP", "Berkas", "Roster"),
}
"""Site field -> the headers a site table may give it (compared loosely, as roster headers are)."""
REQUIRED = ("name", "district_code")
MAX_HEADER_SCAN = 20
"""How many rows from the top may hold the header row: a Kanwil's table often has a title and a date line above it."""
MAX_TABLE_BYTES = 20_000_000
"""A site table holds one row per prison; a file larger than this is another input given in its place."""
_ALIASES = {normalise_header(alias): name for name, aliases in COLUMNS.items() for alias in aliases}
_TPS_SEPARATORS = re.compile(r"[;,/\s]+")
_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")  # zip (xlsx, ods), OLE2 (xls)
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
ROSTER_SUFFIXES = (".csv", ".txt", ".tsv", *_WORKBOOK_SUFFIXES)
"""What a roster file named in a site table may be called: the forms the readers take."""
_TOTAL = re.compile(r"\s*(jumlah|jml|total)\b", re.IGNORECASE)


@dataclass
class SiteEntry:
    """A row of the site table."""

    site: Site
    roster: Path | None  # the prison's own roster file, if the table names one
    location: Location  # the table's file, sheet and row


@dataclass
class SiteTable:
    """The prisons of a site table, and the rows below its header that are not prisons (numbered empty rows, totals)."""

    entries: list[SiteEntry]
    skipped: list[int] = field(default_factory=list)  # their row numbers, as the user sees them


@dataclass
class _Sheet:
    """A sheet or a CSV text as rows of text cells; row 1 first."""

    name: str | None  # None for CSV
    rows: list[list[str]]
    delimiter: str | None = None  # CSV only


@dataclass
class _Header:
    index: int  # 0-based row of the header in its sheet
    cells: list[str]
    fields: dict[str, int]  # site field -> column index

    @property
    def columns(self) -> dict[str, str]:
        """Site field -> the header as the table writes it, for messages."""
        return {name: self.cells[index] for name, index in self.fields.items()}


def _cell_text(value: object) -> str:
    """A cell as the user typed it (901, not "901.0"); a CSV's blank cell, which pandas gives as NaN, is empty."""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return workbook.cell_text(value).strip()


def _sheets(path: Path, sheet: str | int | None) -> Iterator[_Sheet]:
    """The table's sheets in order (the one asked for, if any); a CSV is one sheet. Unusable files raise."""
    if not path.exists():
        raise UnusableInputError(Location(str(path)), "file not found", "Check the path and the file name")
    if path.is_dir():
        raise UnusableInputError(Location(str(path)), "is a folder, not a site table", "Give the .csv or .xlsx file")
    if path.stat().st_size > MAX_TABLE_BYTES:
        raise UnusableInputError(
            Location(str(path)),
            f"is {path.stat().st_size // 1_000_000} MB, too large for a table of prisons",
            "Is it a roster or the KPU extract? Give the site table first, then the KPU extract",
        )
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnusableInputError(Location(str(path)), f"cannot be read ({error.strerror})") from None
    if raw.startswith(_WORKBOOK_MAGIC):
        yield from _workbook_sheets(path, sheet)
    elif path.suffix.lower() in _WORKBOOK_SUFFIXES:
        raise UnusableInputError(
            Location(path.name),
            f"is named {path.suffix} but is not an Excel workbook",
            "Save it from Excel as .xlsx, or name it .csv if it is CSV text",
        )
    else:
        yield _csv_sheet(path, raw)


def _workbook_sheets(path: Path, sheet: str | int | None) -> Iterator[_Sheet]:
    try:
        opened = workbook.open_workbook(path, by_content=True, every_sheet=True)
        names = [m.name for m in opened.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
        for name in names if sheet is None else [_named_sheet(path, names, sheet)]:
            rows = opened.get_sheet_by_name(name).to_python(skip_empty_area=False)
            yield _Sheet(name, [[_cell_text(value) for value in row] for row in rows])
    except calamine.CalamineError as error:
        locked = isinstance(error, calamine.PasswordError)
        raise UnusableInputError(
            Location(path.name),
            "is protected with a password" if locked else f"is a workbook that cannot be read ({error})",
            "Open it in Excel and save " + ("an unprotected copy" if locked else "it again as .xlsx"),
        ) from None


def _named_sheet(path: Path, names: list[str], sheet: str | int) -> str:
    """A sheet by name, by loose name, or by 0-based index."""
    wanted = str(sheet).strip()
    loose = [name for name in names if name.strip().casefold() == wanted.casefold()]
    if loose:
        return loose[0]
    if wanted.isdigit() and int(wanted) < len(names):
        return names[int(wanted)]
    listed = ", ".join(f"{index}: '{name}'" for index, name in enumerate(names))
    raise UnusableInputError(Location(path.name), f"no sheet '{sheet}' (sheets: {listed})")


def _csv_sheet(path: Path, raw: bytes) -> _Sheet:
    """A CSV text, with the delimiter among , ; tab | that finds the header row; else the most frequent one."""
    try:
        text = decode_text(raw)
    except UnicodeDecodeError:
        raise UnusableInputError(
            Location(path.name), "is not text in UTF-8, UTF-16 or Windows-1252", "Save it as CSV UTF-8"
        ) from None
    head = "\n".join(text.splitlines()[:MAX_HEADER_SCAN])
    ranked = sorted(_DELIMITERS, key=head.count, reverse=True)
    try:
        delimiter = next((d for d in ranked if _find_header(_csv_rows(head, d)) is not None), ranked[0])
        return _Sheet(None, _csv_rows(text, delimiter), delimiter)
    except csv.Error as error:
        raise UnusableInputError(Location(path.name), f"cannot be read as CSV ({error})") from None


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    return [[cell.strip() for cell in row] for row in csv.reader(StringIO(text, newline=""), delimiter=delimiter)]


def _recognised(row: list[str]) -> dict[str, int]:
    """Site field -> index of the first cell of ``row`` that is one of its headers."""
    found: dict[str, int] = {}
    for index, cell in enumerate(row):
        name = _ALIASES.get(normalise_header(cell))
        if name is not None and name not in found:
            found[name] = index
    return found


def _find_header(rows: list[list[str]]) -> _Header | None:
    """The first of the top rows that has every required column."""
    for index, row in enumerate(rows[:MAX_HEADER_SCAN]):
        fields = _recognised(row)
        if all(name in fields for name in REQUIRED):
            return _Header(index, row, fields)
    return None


def _find_table(path: Path, sheet: str | int | None) -> tuple[_Sheet, _Header]:
    """The first sheet with a header row, and that row; else an error showing the row that came closest."""
    seen: list[_Sheet] = []
    for candidate in _sheets(path, sheet):
        header = _find_header(candidate.rows)
        if header is not None:
            return candidate, header
        seen.append(candidate)
    raise _no_header_error(path, seen)


def _no_header_error(path: Path, seen: list[_Sheet]) -> UnusableInputError:
    """Names the required columns missing from the row that came closest to a header."""
    closest = max(
        ((candidate, row) for candidate in seen for row in candidate.rows[:MAX_HEADER_SCAN]),
        key=lambda pair: (len(_recognised(pair[1])), any(pair[1])),
        default=None,
    )
    if closest is None or not any(closest[1]):
        return UnusableInputError(Location(path.name), "is empty", "Write one row per prison under a header row")
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in _recognised(closest[1])]
    where = f"in the first {MAX_HEADER_SCAN} rows" + (f" of any of its {len(seen)} sheets" if len(seen) > 1 else "")
    # A row with no column of ours is not a header: shown, it would echo a line of whatever file this is.
    found = ", ".join(cell for cell in closest[1] if cell) if _recognised(closest[1]) else ""
    return UnusableInputError(
        Location(path.name, closest[0].name if len(seen) == 1 else None),
        f"no column {' or '.join(repr(m) for m in missing)} {where}",
        f"Headers found: {found}" if found else "Is it the site table? Give a .csv or .xlsx with one row per prison",
    )


def parse_tps_numbers(text: str) -> list[int] | None:
    """ "901", "901;902", "TPS 901, TPS 902" -> the numbers; None when the text is not such a list."""
    parts = [part for part in _TPS_SEPARATORS.split(text.upper().replace("TPS", " ")) if part]
    return [int(part) for part in parts] if parts and all(part.isdigit() for part in parts) else None


def read_site_table(
    path: Path | str, *, sheet: str | int | None = None, allow_outside_paths: bool = False
) -> SiteTable:
    """Every prison of the table, in its order; the first bad cell is an error that names its row and column.

    ``sheet`` (a name or 0-based index) picks the sheet; by default the first one whose header has the required
    columns. A roster file named on two rows, or two prisons that cannot be told apart at a TPS, is an error too.
    A roster file (``Berkas WBP``) must be in the table's folder or below it, symlinks followed, unless
    ``allow_outside_paths``: a table passed around should not make the tool read, say, ``/etc/shadow``.
    """
    path = Path(path)
    found, header = _find_table(path, sheet)
    entries: list[SiteEntry] = []
    skipped: list[int] = []
    for number, row in enumerate(found.rows[header.index + 1 :], start=header.index + 2):
        location = Location(path.name, found.name, number, None)
        if found.delimiter is not None:
            _refuse_extra_cells(row, header, found.delimiter, location)
        values = {name: row[index] if index < len(row) else "" for name, index in header.fields.items()}
        if not _is_prison(row, values):
            skipped += [number] if any(row) else []
            continue
        entries.append(_entry(values, header.columns, path, location, allow_outside_paths))
    if not entries:
        raise UnusableInputError(Location(path.name, found.name), "lists no prison")
    refuse_repeats(entries, header.columns)
    refuse_shared_rosters(entries, header.columns)
    refuse_shared_tps(entries, header.columns, COLUMNS["tps_numbers"][0])
    return SiteTable(entries, skipped)


def _is_prison(row: list[str], values: dict[str, str]) -> bool:
    """A row without a kecamatan code is a prison only if it is not a total row ("Jumlah" first) and has some site
    cell: an empty row under a "No" column numbered ahead has none."""
    if values.get("district_code"):
        return True
    if _TOTAL.match(next((cell for cell in row if cell), "")):
        return False
    return bool(values.get("name")) or any(
        values.get(name) for name in ("village", "tps_numbers", "upt_code", "roster")
    )


def _refuse_extra_cells(row: list[str], header: _Header, delimiter: str, location: Location) -> None:
    """A CSV row longer than its header holds an unquoted delimiter: its cells have slid into the wrong columns."""
    width, cells = _filled_width(header.cells), _filled_width(row)
    if cells > width:
        raise UnusableInputError(
            location,
            f"has {cells} cells, the header {width}",
            f"Put a name or TPS list that holds a {_DELIMITERS[delimiter]} in double quotes",
        )


def _filled_width(cells: list[str]) -> int:
    """Cells up to the last filled one: trailing empty cells are how spreadsheets pad rows."""
    return next((index + 1 for index in range(len(cells) - 1, -1, -1) if cells[index]), 0)


def _entry(
    values: dict[str, str], columns: dict[str, str], table_path: Path, location: Location, allow_outside: bool
) -> SiteEntry:
    given: dict[str, object] = {
        name: values[name] for name in ("name", "district_code", "village", "upt_code") if values.get(name)
    }
    if values.get("tps_numbers"):
        numbers = parse_tps_numbers(values["tps_numbers"])
        if numbers is None:
            where = replace(location, column=columns["tps_numbers"])
            raise UnusableInputError(where, f"'{values['tps_numbers']}' is not a list of TPS numbers like 901;902")
        given["tps_numbers"] = numbers
    try:
        site = Site.model_validate(given)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]) if first["loc"] else ""
        where = replace(location, column=columns.get(name, name) or None)
        problem = "is empty" if first["type"] == "missing" else first["msg"].removeprefix("Value error, ")
        raise UnusableInputError(where, problem) from exc
    roster_cell = replace(location, column=columns.get("roster"))
    return SiteEntry(site, _roster_file(values.get("roster", ""), table_path, roster_cell, allow_outside), location)


def _roster_file(cell: str, table_path: Path, location: Location, allow_outside: bool) -> Path | None:
    """The row's own roster, relative to the table; a missing one is an error now, before the extract is read.

    Refused before it is opened: a file outside the table's folder (absolute path, ``..``, a symlink leading out)
    unless ``allow_outside``, and a file that is not a table by its name, whose lines an error could echo.
    """
    if not cell:
        return None
    roster = table_path.parent / cell
    folder = table_path.parent.resolve()
    if not allow_outside and not roster.resolve().is_relative_to(folder):
        raise UnusableInputError(
            location,
            f"'{cell}' is outside the site table's folder {folder}",
            "Put the rosters in the table's folder (or below it), or give --allow-outside-paths",
        )
    if roster.suffix.lower() not in ROSTER_SUFFIXES:
        raise UnusableInputError(
            location, f"'{cell}' is not a roster file by its name", f"Give a {', '.join(ROSTER_SUFFIXES)} file"
        )
    if not roster.is_file():
        raise UnusableInputError(
            location,
            f"'{cell}' not found (looked for {roster.resolve()})",
            "Put the roster next to the site table, or write its path relative to the table",
        )
    return roster
