"""Small tables of real junk, written as the files users send: for tests/test_property_commands.py.

A table has headers drawn from the synonym lists the reader knows (:data:`synonyms.SYNONYMS`), only some of
a file kind's columns, and cells from what rosters and extracts really hold: empty cells, ``-``, masked NIKs, NIKs
that passed through a number, impossible dates, formulas, text that looks like rich markup; plus title lines above
the header and blank, totals and signature lines among the rows. It is written as CSV (``;`` or ``,``, in UTF-8,
Windows-1252 or UTF-16) or as a workbook, and knows how many rows lie below its header in the file written, which is
what the tool must account for.
"""

from __future__ import annotations

import csv
import io as text_io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import openpyxl
from hypothesis import strategies as st

from dpt_rutan.fields import Field
from dpt_rutan.read.synonyms import SYNONYMS

# Text with an accent, so that a Windows-1252 file differs from its UTF-8 form; and a name Windows-1252 cannot
# hold at all (written as "?" in a Windows-1252 file), for a Windows-1252 terminal.
ACCENTED = "JOSÉ ALVAREZ"
BEYOND_CP1252 = "ŞAHIN ŁUKASZ"
MARKUP = ["[/x]", "[red]", "[bold]BUDI[/bold]", "[/]", "[link=http://x]y"]
JUNK = ["", "", "-", "--", " ", "3316********0001", "3.31609E+15", "=1+1", "=SUM(A1:A2)", "0", "12", "N/A", ACCENTED]
JUNK += MARKUP
VALID_NIKS = ["3316091203900001", "3316095507850002", "3316020101700003", "3174011505800004", "9171010101010001"]
NIK_CELLS = [*VALID_NIKS, "3316********0001", "3.31609E+15", "3316091203900000", "33160912039", "0000000000000000"]
BAD_DATES = ["-", "00-00-0000", "31-02-1985", "12-13-1990", "1990", "32/01/2000"]
DATES = ["12-03-1990", "15-07-1985", "1970-01-01", "01/05/2000", "12 Maret 1990", *BAD_DATES]
NAMES = ["BUDI SANTOSO", "SITI AMINAH", "MOH. ROHMAN BIN SLAMET", "SUPARNO", "BUDI SANTOSA", ACCENTED, BEYOND_CP1252]
NAMES += MARKUP
VALUES: dict[Field, list[str]] = {
    Field.NAME: NAMES,
    Field.NIK: NIK_CELLS,
    Field.NKK: NIK_CELLS,
    Field.BIRTH_DATE: DATES,
    Field.TTL: ["BLORA, 12-03-1990", "BLORA, -", "BLORA,", "JAKARTA 15-07-1985", "BLORA, 31-02-1985"],
    Field.BIRTH_PLACE: ["BLORA", "JAKARTA", "-"],
    Field.SEX: ["L", "P", "LAKI-LAKI", "PEREMPUAN", "X", "-"],
    Field.MARITAL_STATUS: ["S", "B", "P", "KAWIN", "BELUM KAWIN", "-"],
    Field.ADDRESS: ["JL. MELATI NO. 81", "DUSUN KRAJAN RT 01/02", "-"],
    Field.VILLAGE: ["KAUMAN", "RANDUBLATUNG", "-"],
    Field.DISTRICT: ["BLORA", "RANDUBLATUNG", "-"],
    Field.REGENCY: ["BLORA", "KAB. BLORA", "-"],
    Field.PROVINCE: ["JAWA TENGAH", "-"],
    Field.TPS: ["901", "001", "1", "-", "TPS 901"],
    Field.REG_NO: ["AI.001/2023", "BI.12/2024", "-", "AI.001/2023"],
    Field.DATE_IN: ["01-12-2023", "10-02-2024", "2024-01-20", *BAD_DATES],
    Field.RELEASE_DATE: ["01-01-2025", "10-02-2024", "seumur hidup", *BAD_DATES],
    Field.CITIZENSHIP: ["WNI", "WNA", "INDONESIA", "-"],
    Field.RIGHT_TO_VOTE_REVOKED: ["YA", "TIDAK", "-"],
    Field.REGISTER_CLASS: ["AI", "BI", "AII", "-"],
    Field.MOTHER_NAME: ["SITI", "ASIH", "-"],
    Field.PRISON: ["Rutan Kelas IIB Cépu", "Rutan Lain", "-", ""],
}
# In a workbook the same junk also comes as Excel types: NIKs as floats, dates as dates.
WORKBOOK_EXTRAS: dict[Field, list[object]] = {
    Field.NIK: [3316091203900001.0, 3316091203900001, 3.31609e15, None],
    Field.NKK: [3316090101100001.0, None],
    Field.BIRTH_DATE: [datetime(1990, 3, 12), datetime(1899, 12, 31), 32946, None],
    Field.DATE_IN: [datetime(2023, 12, 1), None],
    Field.RELEASE_DATE: [datetime(2024, 2, 10), None],
    Field.TPS: [901, None],
}

KIND_FIELDS: dict[str, list[Field]] = {
    "roster": [
        Field.REG_NO,
        Field.BIRTH_PLACE,
        Field.BIRTH_DATE,
        Field.TTL,
        Field.SEX,
        Field.ADDRESS,
        Field.NKK,
        Field.MARITAL_STATUS,
        Field.CITIZENSHIP,
        Field.DATE_IN,
        Field.RELEASE_DATE,
        Field.RIGHT_TO_VOTE_REVOKED,
        Field.REGISTER_CLASS,
    ],
    "kpu": [
        Field.NKK,
        Field.BIRTH_PLACE,
        Field.BIRTH_DATE,
        Field.SEX,
        Field.MARITAL_STATUS,
        Field.ADDRESS,
        Field.VILLAGE,
        Field.DISTRICT,
        Field.REGENCY,
        Field.PROVINCE,
        Field.TPS,
    ],
    "dukcapil": [
        Field.NKK,
        Field.BIRTH_PLACE,
        Field.BIRTH_DATE,
        Field.SEX,
        Field.MOTHER_NAME,
        Field.ADDRESS,
        Field.VILLAGE,
        Field.DISTRICT,
        Field.REGENCY,
        Field.PROVINCE,
    ],
}
TITLE_LINES = [["DAFTAR WBP RUTAN KELAS IIB BLORA"], ["KEADAAN TANGGAL 15-01-2024"], []]
# Lines among the rows that are not people: blank, totals, the signature block under a list.
OTHER_LINES = [
    [],
    ["JUMLAH", "", "12"],
    ["", "JUMLAH WBP", "3"],
    ["Blora, 14 Februari 2024"],
    ["Kepala Rutan Kelas IIB Blora"],
    ["ttd"],
    ["NIP. 19800101 200501 1 001"],
]
FORMATS = ["csv;utf-8", "csv,utf-8", "csv;cp1252", "csv,cp1252", "csv;utf-16", "csv,utf-8-sig", "xlsx"]


@dataclass
class JunkTable:
    """A header, rows below it (people and other lines) and the title lines above it."""

    header: list[str]
    fields: list[Field]
    rows: list[list[object]]
    title: list[list[object]]
    written_as: str = ""

    def write(self, path: Path, form: str) -> Path:
        """Write the table as ``form`` (one of :data:`FORMATS`) at ``path`` with the right suffix; return the path."""
        if form == "xlsx":
            path = path.with_suffix(".xlsx")
            write_workbook(path, [*self.title, self.header, *self.rows])
        else:
            delimiter, encoding = form[3], form[4:]
            path = path.with_suffix(".csv")
            text = csv_text(self.title, self.header, self.rows, delimiter)
            path.write_bytes(text.encode(encoding, errors="replace"))
        self.written_as = form
        return path

    def rows_below_header(self) -> int:
        """The rows the file holds below the header: a workbook keeps no trailing empty row."""
        if self.written_as != "xlsx":
            return len(self.rows)
        filled = [number for number, row in enumerate(self.rows, start=1) if any(not _blank(v) for v in row)]
        return max(filled, default=0)


def _blank(value: object) -> bool:
    return value is None or value == ""


def csv_text(title: list[list[object]], header: list[str], rows: list[list[object]], delimiter: str) -> str:
    buffer = text_io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows([*title, header, *[["" if value is None else value for value in row] for row in rows]])
    return buffer.getvalue()


def write_workbook(path: Path, lines: list[list[object]]) -> None:
    """Text starting with "=" is kept as text: openpyxl would save a formula without a cached value otherwise."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "DATA WBP"
    for line in lines:
        sheet.append(line if line else [None])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    workbook.save(path)


def cell(field: Field, workbook: bool) -> st.SearchStrategy[object]:
    """A cell of ``field``: mostly what the field holds (its junk included), sometimes any junk."""
    own = VALUES.get(field, JUNK)
    choices = [st.sampled_from(own), st.sampled_from(own), st.sampled_from(JUNK)]
    if workbook and field in WORKBOOK_EXTRAS:
        choices.append(st.sampled_from(WORKBOOK_EXTRAS[field]))
    return st.one_of(choices)


@st.composite
def junk_tables(
    draw, kind: str, workbook: bool = False, extra_fields: tuple[Field, ...] = (), min_people: int = 0
) -> JunkTable:
    """A table of ``kind`` (roster, kpu, dukcapil): name and NIK columns nearly always, some others, 0-6 people
    (at least ``min_people``) and up to 3 other lines."""
    optional = draw(st.lists(st.sampled_from(KIND_FIELDS[kind]), unique=True, max_size=6))
    core = [field for field in (Field.NAME, Field.NIK) if draw(st.integers(0, 24)) > 0]
    fields = draw(st.permutations(list(dict.fromkeys([*core, *optional, *extra_fields]))))
    if Field.BIRTH_DATE in fields and Field.TTL in fields:
        fields = [field for field in fields if field is not Field.TTL]
    header = [draw(st.sampled_from(SYNONYMS[field])) for field in fields]
    if draw(st.integers(0, 7)) == 0:
        header = [text.upper() for text in header]
    people = draw(
        st.lists(st.tuples(*[cell(field, workbook) for field in fields]).map(list), min_size=min_people, max_size=6)
        if fields
        else st.just([])
    )
    others = draw(st.lists(st.sampled_from(OTHER_LINES), max_size=3))
    rows: list[list[object]] = list(people)
    for line in others:
        rows.insert(draw(st.integers(0, len(rows))), list(line))
    title = TITLE_LINES if draw(st.booleans()) else []
    return JunkTable(header, fields, rows, title)
