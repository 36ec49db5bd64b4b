"""The site table of a regional office (Kanwil): one row per prison, and which roster rows belong to which prison.

A province reconciles all its prisons in one run (``reconcile_sites``). The site table is the spreadsheet the Kanwil
keeps anyway, one row per UPT, in CSV or Excel::

    Nama UPT,Kode Kecamatan,Kelurahan,TPS,Kode UPT,Berkas WBP
    Rutan Kelas IIB Blora,33.16.09,Kauman,901,,roster_blora.xlsx
    Lapas Kelas I Semarang,33.74.12,,901;902,,

Each row is validated as a :class:`~dpt_rutan.site.Site`. The inmates come either from the row's own roster file
(``Berkas WBP``, relative to the table) or from province-wide rosters whose UPT column names the prison by its name
or its UPT code. A roster row that names no prison of the table is an error, never a dropped row.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from io import StringIO
from pathlib import Path

import pandas as pd
from pydantic import ValidationError

from . import io
from .errors import Location, UnusableInputError
from .fields import Field
from .headers import normalise_header
from .site import Site

COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("Nama UPT", "Nama", "UPT", "Nama Lapas/Rutan", "Name"),
    "district_code": ("Kode Kecamatan", "Kode Kec", "Kode Wilayah", "District Code"),
    "village": ("Kelurahan", "Desa", "Kelurahan/Desa", "Village"),
    "tps_numbers": ("TPS", "Nomor TPS", "No TPS", "TPS Numbers"),
    "upt_code": ("Kode UPT", "Kode Satker", "UPT Code"),
    "roster": ("Berkas WBP", "Daftar WBP", "Berkas", "Roster"),
}
"""Site field -> the headers a site table may give it (compared loosely, as roster headers are)."""
REQUIRED = ("name", "district_code")
_TPS_SEPARATORS = re.compile(r"[;,/\s]+")
_DELIMITERS = (",", ";", "\t", "|")
_HEADER_ROW = 1


@dataclass
class SiteRoster:
    """A prison and its inmates: the rows of a roster file (all of them, or those whose UPT column names it)."""

    site: Site
    table: io.ReadTable


@dataclass
class SiteEntry:
    """A row of the site table."""

    site: Site
    roster: Path | None  # the prison's own roster file, if the table names one
    location: Location  # the table's file, sheet and row


def _cell_text(value: object) -> str:
    """A cell as the user typed it: Excel keeps 901 and 331609 as floats, which must not come back as "901.0"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_cells(path: Path) -> tuple[pd.DataFrame, str | None]:
    """The table's cells as text, with the first row as header, and the sheet name (None for CSV)."""
    location = Location(path.name, None, None, None)
    if not path.is_file():
        raise UnusableInputError(location, "file not found")
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls", ".ods"):
            sheets = pd.read_excel(path, sheet_name=None, header=None, dtype=object, engine="calamine")
            sheet, frame = next(iter(sheets.items()))
        else:
            sheet, frame = None, _read_csv(path)
    except (ValueError, OSError, UnicodeError) as exc:
        raise UnusableInputError(location, f"cannot be read as a site table ({exc})") from exc
    cells = frame.map(_cell_text)
    if cells.empty:
        raise UnusableInputError(location, "is empty", "Write one row per prison under a header row")
    return cells.iloc[1:].set_axis([str(header) for header in cells.iloc[0]], axis=1), sheet


def _read_csv(path: Path) -> pd.DataFrame:
    """A small CSV: the delimiter is the one of , ; tab | that the header line holds most of (names hold spaces)."""
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnicodeError("neither UTF-8 nor Windows-1252 text")
    header = text.splitlines()[0] if text.strip() else ""
    delimiter = max(_DELIMITERS, key=header.count)
    options = {"header": None, "dtype": str, "keep_default_na": False, "skip_blank_lines": False}
    try:
        return pd.read_csv(StringIO(text), sep=delimiter, **options)
    except pd.errors.EmptyDataError:
        return pd.DataFrame()


def _field_columns(headers: Sequence[str], location: Location) -> dict[str, str]:
    """Site field -> the table's header for it."""
    wanted = {normalise_header(alias): field for field, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, str] = {}
    for header in headers:
        field = wanted.get(normalise_header(header))
        if field is not None and field not in found:
            found[field] = header
    missing = [COLUMNS[field][0] for field in REQUIRED if field not in found]
    if missing:
        raise UnusableInputError(
            location, f"no column {' or '.join(repr(m) for m in missing)}", f"Headers found: {', '.join(headers)}"
        )
    return found


def parse_tps_numbers(text: str) -> list[int] | None:
    """ "901", "901;902", "TPS 901, TPS 902" -> the numbers; None when the text is not such a list."""
    parts = [part for part in _TPS_SEPARATORS.split(text.upper().replace("TPS", " ")) if part]
    return [int(part) for part in parts] if parts and all(part.isdigit() for part in parts) else None


def _entry(values: dict[str, str], columns: dict[str, str], table_path: Path, location: Location) -> SiteEntry:
    given: dict[str, object] = {
        field: values[field] for field in ("name", "district_code", "village", "upt_code") if values.get(field)
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
        field = str(first["loc"][0]) if first["loc"] else ""
        where = replace(location, column=columns.get(field, field) or None)
        raise UnusableInputError(where, first["msg"].removeprefix("Value error, ")) from exc
    roster = table_path.parent / values["roster"] if values.get("roster") else None
    return SiteEntry(site, roster, location)


def load_site_table(path: Path | str) -> list[SiteEntry]:
    """Every prison of the table, in its order; the first bad cell is an error that names its row and column."""
    path = Path(path)
    cells, sheet = _read_cells(path)
    columns = _field_columns(list(cells.columns), Location(path.name, sheet, _HEADER_ROW, None))
    entries: list[SiteEntry] = []
    for offset, row in enumerate(cells.itertuples(index=False, name=None)):
        values = {field: row[cells.columns.get_loc(header)] for field, header in columns.items()}
        if not any(row):
            continue  # a blank line between prisons
        entries.append(_entry(values, columns, path, Location(path.name, sheet, _HEADER_ROW + 1 + offset, None)))
    if not entries:
        raise UnusableInputError(Location(path.name, sheet, None, None), "lists no prison")
    _refuse_repeats(entries, columns)
    return entries


def _refuse_repeats(entries: list[SiteEntry], columns: dict[str, str]) -> None:
    """Two rows with one name or one UPT code would make "which prison is this inmate's" unanswerable."""
    seen: dict[str, int | None] = {}
    for entry in entries:
        for field in ("name", "upt_code"):
            key = _prison_key(getattr(entry.site, field) or "")
            if key in seen and seen[key] != entry.location.row:
                where = replace(entry.location, column=columns.get(field))
                raise UnusableInputError(where, f"'{getattr(entry.site, field)}' is already on row {seen[key]}")
            if key:
                seen[key] = entry.location.row


def _prison_key(text: str) -> str:
    return normalise_header(text)


@dataclass
class Rosters:
    """The inmates of every prison, and the province-wide roster files they were taken from."""

    prisons: list[SiteRoster]
    shared_files: list[io.ReadTable]  # each split over the prisons; its rows that are not data stay here


def site_rosters(
    entries: list[SiteEntry],
    rosters: Sequence[Path] = (),
    *,
    mapping: dict[str, str] | None = None,
    sheet: str | None = None,
) -> Rosters:
    """Each prison with its inmates: its own roster file, or its rows of the province-wide ``rosters``."""
    by_key = {
        _prison_key(value): index
        for index, entry in enumerate(entries)
        for value in (entry.site.name, entry.site.upt_code or "")
        if value
    }
    tables: list[list[io.ReadTable]] = [[] for _ in entries]
    shared = []
    for path in rosters:
        table = io.read_table(path, sheet=sheet, mapping=mapping, required=(Field.NAME, Field.PRISON))
        for index, part in _split_by_prison(table, by_key).items():
            tables[index].append(part)
        shared.append(table)
    for index, entry in enumerate(entries):
        if entry.roster is not None:
            tables[index].append(io.read_table(entry.roster, sheet=sheet, mapping=mapping, required=(Field.NAME,)))
    prisons = [_one_roster(entry, found) for entry, found in zip(entries, tables, strict=True)]
    return Rosters(prisons, shared)


def _one_roster(entry: SiteEntry, found: list[io.ReadTable]) -> SiteRoster:
    if len(found) == 1:
        return SiteRoster(entry.site, found[0])
    if not found:
        problem = f"prison '{entry.site.name}' has no inmates: no roster file on its row and no roster row names it"
    else:
        names = ", ".join(table.name for table in found)
        problem = f"prison '{entry.site.name}' has inmates in {names}: give one roster per prison"
    raise UnusableInputError(entry.location, problem)


def _split_by_prison(table: io.ReadTable, by_key: dict[str, int]) -> dict[int, io.ReadTable]:
    """The table's data rows per prison. Rows that are not data (blank, totals, signatures) stay with the file,
    for the province summary to account for."""
    prison = table.data[Field.PRISON.value].fillna("").astype(str)
    site = prison.map(lambda text: by_key.get(_prison_key(text), -1))
    unknown = site < 0
    if unknown.any():
        first = int(unknown.to_numpy().argmax())
        more = int(unknown.sum()) - 1
        others = f" (and {more} more rows)" if more else ""
        row = int(table.data["source_row"].iloc[first])
        raise UnusableInputError(
            table.location(row, Field.PRISON.value),
            f"'{prison.iloc[first]}' is not a prison of the site table{others}",
            "Add it to the site table, or correct the cell to a name or UPT code the table has",
        )
    parts = {}
    for index in sorted(set(site)):
        rows = table.data[(site == index).to_numpy()].reset_index(drop=True)
        notes = table.row_notes
        if notes is not None:
            notes = notes[notes["source_row"].isin(rows["source_row"])].reset_index(drop=True)
        parts[index] = replace(table, data=rows, skipped=table.skipped.iloc[:0], row_notes=notes)
    return parts
