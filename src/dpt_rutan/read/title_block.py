"""The location a sheet's title block and name give its rows, as KPU's lists carry it.

SIDALIH's lists (Model A-Daftar Pemilih, DPT and DPTb per TPS) come one workbook per kelurahan, one sheet per TPS. The
rows have no location columns: the place is written above the header, ``PROVINSI : JAWA TENGAH``,
``KABUPATEN/KOTA : BLORA``, ``KECAMATAN : BLORA``, ``DESA/KELURAHAN : KAUMAN``, ``TPS : 901`` (one label a line,
or several on a line, the colon in a cell of its own or not), and the sheet is often named for its TPS ("TPS 901").
This module reads those into the location fields, for the rows of a sheet that lack the columns.
"""

from __future__ import annotations

import re
from pathlib import Path

from dpt_rutan.errors import Location
from dpt_rutan.fields import Field
from dpt_rutan.read import csv_grid, text_files, workbook, workbook_guard
from dpt_rutan.read.grid import MAX_HEADER_SCAN

_LABELS: tuple[tuple[Field, str], ...] = (
    (Field.PROVINCE, r"PROVINSI|PROV"),
    (Field.REGENCY, r"KABUPATEN\s*/\s*KOTA|KAB\s*/\s*KOTA|KAB\.?\s*/\s*KOTA|KABUPATEN|KOTA|KAB"),
    (Field.DISTRICT, r"KECAMATAN|KEC|DISTRIK"),
    (Field.VILLAGE, r"DESA\s*/\s*KELURAHAN|KELURAHAN\s*/\s*DESA|KEL\s*/\s*DESA|KELURAHAN|DESA"),
    (Field.TPS, r"NOMOR\s+TPS|NO\.?\s*TPS|TPS"),
)
_ALTERNATIVES = "|".join(f"(?P<{field.value}>{pattern})" for field, pattern in _LABELS)
_LABEL = re.compile(r"(?:^|(?<=[\s|]))(" + _ALTERNATIVES + r")\.?\s*(?:\|\s*)?:", re.IGNORECASE)
_SHEET_TPS = re.compile(r"^\s*(?:TPS)?[\s_.\-]*0*(\d{1,3})\s*$", re.IGNORECASE)
_HEAD_BYTES = 64 * 1024
LOCATION_FIELDS = tuple(field.value for field, _ in _LABELS)


def read_title(rows: list[list[str]]) -> dict[str, str]:
    """``LABEL : VALUE`` pairs of the rows above a header, by field; the first value of a field wins."""
    found: dict[str, str] = {}
    for cells in rows:
        line = " | ".join(cell.strip() for cell in cells if cell and cell.strip())
        marks = list(_LABEL.finditer(line))
        for mark, following in zip(marks, [*marks[1:], None], strict=False):
            end = following.start() if following is not None else len(line)
            value = line[mark.end() : end].strip(" |:\t")
            field = next(name for name, text in mark.groupdict().items() if text)
            if value and field not in found:
                found[field] = value
    return found


def tps_of_sheet_name(sheet: str | None) -> str:
    """ "TPS 901", "TPS_001", "901" -> "901", "1"; any other name -> ""."""
    match = _SHEET_TPS.match(sheet or "")
    return match.group(1) if match else ""


def top_rows(path: Path, sheet: str | None, rows: int) -> list[list[str]]:
    """The first ``rows`` rows of a sheet, or of a CSV (read from its head only: an extract may be gigabytes)."""
    if rows <= 0:
        return []
    if sheet is None:
        with path.open("rb") as handle:
            head = handle.read(_HEAD_BYTES)
        text, _, _ = text_files.decode_head(head, Location(str(path)))
        lines = text.splitlines()[:rows]
        delimiter = csv_grid.choose_delimiter("\n".join(lines)) if lines else ","
        return [line.split(delimiter) for line in lines]
    with workbook.open_for_reading(path, workbook.file_kind(path)) as opened:
        return sheet_top(path, opened, sheet, rows)


def sheet_top(path: Path, opened, sheet: str, rows: int = MAX_HEADER_SCAN) -> list[list[str]]:
    """The first ``rows`` rows of a workbook's sheet as text, without reading the rest (a sheet may be long)."""
    # calamine lays out the sheet's whole used area even for its first rows: a far cell must be refused first.
    workbook_guard.check_sheet(path, sheet)
    # Empty leading rows kept, as io reads the sheet: row numbers must agree with the header row it found.
    top = opened.get_sheet_by_name(sheet).to_python(nrows=rows, skip_empty_area=False)
    return [[workbook.cell_text(value) for value in row] for row in top]


def location_of(path: Path, sheet: str | None, header_row: int) -> dict[str, str]:
    """What the title block above ``header_row`` (1-based, the last header row) and the sheet's name say of where
    its rows are listed, by field."""
    found = read_title(top_rows(path, sheet, header_row - 1))
    if Field.TPS.value not in found and tps_of_sheet_name(sheet):
        found[Field.TPS.value] = tps_of_sheet_name(sheet)
    return found
