"""Junk in, only the project's own errors out: random bytes and random tables through the reader and the typing stage.

Whatever a user's file holds, ``read_table`` and ``prepare_people`` either work or raise a ``DptRutanError`` (which
the CLI turns into one line and exit code 2). When a random table is read, every row written below its header comes
back as a data row or a skipped row.
"""

from __future__ import annotations

import codecs
import csv
import io as text_io
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpt_rutan.errors import DptRutanError
from dpt_rutan.fields import Field
from dpt_rutan.people import prepare_people
from dpt_rutan.read import reader, workbook

VOTING_DAY = date(2024, 2, 14)
FAST = settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADER_CHOICES = ["NO", "TEMPAT LAHIR", "TGL LAHIR", "JK", "ALAMAT", "NO. KK", "KEWARGANEGARAAN", "TGL MASUK"]
# Text a user could type into a cell: no line breaks (each row stays on one line) and nothing XML cannot hold.
CELL_TEXT = st.text(
    st.characters(exclude_categories=["Cs", "Cc"]) | st.sampled_from(" \t;,|\"'"),
    max_size=20,
)
CELL = st.one_of(
    CELL_TEXT,
    st.from_regex(r"[0-9]{16}", fullmatch=True),
    st.from_regex(r"[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}", fullmatch=True),
    st.sampled_from(["", "-", "L", "P", "0000000000000000", "3.31609E+15", "BELUM ADA", "=SUM(A1:A2)", "WNA"]),
)
WORKBOOK_VALUE = st.one_of(
    CELL,
    st.none(),
    st.integers(min_value=-(10**17), max_value=10**17),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=date(1900, 1, 1), max_value=date(9999, 12, 31)),
    st.datetimes(min_value=datetime(1900, 1, 1)),
    st.booleans(),
)
PREFIXES = [
    b"",
    workbook.ZIP_MAGIC,
    workbook.CFB_MAGIC,
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    b"NIK;NAMA\r\n",
    b"NIK,NAMA\n",
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("robustness")


def read_and_prepare(path: Path) -> reader.ReadTable | None:
    """Read and type ``path``; None when the tool refused it with its own error."""
    try:
        table = reader.read_table(path, required=(Field.NAME,))
        people = prepare_people(table, reference_date=VOTING_DAY)
    except DptRutanError:
        return None
    assert len(people.frame) == len(table.data)
    return table


@FAST
@given(
    prefix=st.sampled_from(PREFIXES), body=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".xls"])
)
def test_random_bytes_raise_nothing_but_the_tools_own_errors(folder, prefix, body, suffix):
    path = folder / f"random{suffix}"
    path.write_bytes(prefix + body)
    read_and_prepare(path)


def header_strategy() -> st.SearchStrategy[list[str]]:
    extra = st.lists(st.sampled_from(HEADER_CHOICES), unique=True, max_size=len(HEADER_CHOICES))
    return extra.flatmap(lambda chosen: st.permutations(["NIK", "NAMA", *chosen]))


@st.composite
def tables(draw, value: st.SearchStrategy) -> tuple[list[str], list[list[object]]]:
    """A header the tool recognises, then rows of random cells, some shorter or longer than the header."""
    header = draw(header_strategy())
    width = len(header)
    rows = draw(st.lists(st.lists(value, min_size=0, max_size=width + 2), max_size=12))
    return header, rows


def csv_bytes(header: list[str], rows: list[list[object]], delimiter: str, encoding: str) -> bytes:
    buffer = text_io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([header, *rows])
    return buffer.getvalue().encode(encoding)


@FAST
@given(
    table=tables(CELL),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
def test_random_csv_tables_keep_every_row(folder, table, delimiter, encoding):
    header, rows = table
    path = folder / "random.csv"
    path.write_bytes(csv_bytes(header, rows, delimiter, encoding))
    read = read_and_prepare(path)
    if read is not None:
        assert read.header_row == 1
        assert read.rows_in_file == len(rows)
        assert sorted([*read.data["source_row"], *read.skipped["source_row"]]) == list(range(2, 2 + len(rows)))


def xlsx_file(path: Path, header: list[str], rows: list[list[object]]) -> int:
    """Write the table; return how many rows below the header the sheet holds: openpyxl saves no cell for None or
    "", so trailing rows of those are not in the file. Text starting with "=" is stored as text: openpyxl would
    otherwise save it as a formula with no value, and the cell would hold nothing."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    workbook.save(path)
    return max((number for number, row in enumerate(rows, start=1) if any(v not in (None, "") for v in row)), default=0)


@FAST
@given(table=tables(WORKBOOK_VALUE))
def test_random_workbook_tables_keep_every_row(folder, table):
    header, rows = table
    path = folder / "random.xlsx"
    rows_below_header = xlsx_file(path, header, rows)
    read = read_and_prepare(path)
    if read is not None:
        assert read.header_row == 1
        assert read.rows_in_file == rows_below_header
