"""io's fast paths for big CSV files give exactly what a plain per-cell reading gives.

``read_table`` strips, tests digits and counts cells a column at a time with C-speed shortcuts: ``str.strip()``
without arguments, one test of a joined column, cell counts that stop early, a bound on line lengths instead of
measuring every cell. Each test compares one of them with the straightforward per-cell reference kept here, on
cells full of the characters that tell them apart (NBSP, zero-width spaces, BOMs, figure spaces, line breaks, digits
``\\d`` does not know, float-rendered NIKs), and whole files written to disk are read back against the reference.
"""

from __future__ import annotations

import csv
import io as stdio
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.fields import ID_FIELDS, Field, arrived_as_number
from dpt_rutan.read import csv_grid, reader, row_kinds, text_files
from dpt_rutan.read import headers as hdr
from dpt_rutan.read.grid import MAX_CELL_CHARS, MAX_HEADER_SCAN, WHITESPACE, Body, stripped
from dpt_rutan.read.rows import (
    EXTRA_COLUMN,
    FLOAT_RENDERING,
    arrived_as_numbers,
    column_has_digits,
    digit_cells,
    skip_reasons,
)

ROOT = Path(__file__).resolve().parents[2]
ZERO_WIDTH = "\u200b\ufeff"
# Whitespace str.strip() knows, the two it does not, and characters that look like digits to one test and not
# the other ("²" is a digit to str.isdigit but not to \d; "٣" is both).
ODD_CHARACTERS = " \t\x0b\x0c\x1c\x1f\x85\xa0\u2007\u202f\u3000\u200b\ufeff²٣"
FLOAT_RENDERED = ["3.31609E+15", "9,17101170845E+015", "9.17101170845e+015", "3316014503900000.0", "1,00"]
NIKS = ["3316011203900001", "331609********01", "33160145039*****", *FLOAT_RENDERED]

padding = st.text(st.sampled_from(WHITESPACE.replace("\n", "").replace("\r", "")), max_size=2)
core = st.one_of(
    st.sampled_from(["", "BUDI SANTOSO", "Jl. Pemuda, 3", "JUMLAH", "NIP. 19750101", *NIKS]),
    st.text(st.sampled_from("0123456789eE+-.,*ab" + ODD_CHARACTERS), max_size=8),
)
cell = st.builds(lambda left, text, right: left + text + right, padding, core, padding)
digit_cell = st.sampled_from(["", "3316011203900001", "12", "²", "٣٣", "3.31609E+15", " 1"])
column = st.one_of(st.lists(cell, max_size=30), st.lists(digit_cell, max_size=30)).map(lambda c: object_array(c))


def object_array(cells: list[str]) -> np.ndarray:
    array = np.empty(len(cells), dtype=object)
    array[:] = cells
    return array


def reference_strip(cells: np.ndarray) -> list[str]:
    return [cell.strip(WHITESPACE) for cell in cells]


def reference_arrived_as_number(cells: np.ndarray) -> list[bool]:
    return [not cell.isdigit() and FLOAT_RENDERING.fullmatch(cell) is not None for cell in cells]


def reference_has_digits(cells: np.ndarray) -> list[bool]:
    return [cell.isdigit() or re.search(r"\d", cell) is not None for cell in cells]


# --- One column at a time -----------------------------------------------------------------------------------------


@given(column)
def test_stripping_equals_stripping_every_whitespace_character(cells):
    expected = reference_strip(cells)
    assert stripped(cells, zero_width=True).tolist() == expected
    if not any(char in cell for cell in cells for char in ZERO_WIDTH):
        assert stripped(cells, zero_width=False).tolist() == expected


@given(column)
def test_digit_tests_equal_the_per_cell_tests(cells):
    clean = object_array(reference_strip(cells))
    body = Body(cells=[clean], source_rows=np.arange(len(clean)))
    mapping = hdr.map_headers(["NIK"])
    assert digit_cells(clean).tolist() == [cell.isdigit() for cell in clean]
    assert arrived_as_numbers(body, 0).tolist() == reference_arrived_as_number(clean)
    assert column_has_digits([clean], mapping, Field.NIK).tolist() == reference_has_digits(clean)


LINE_LENGTHS = st.one_of(st.integers(0, 40), st.integers(16_380, 16_390), st.integers(32_760, 32_775))


@settings(max_examples=40)
@given(st.lists(LINE_LENGTHS, min_size=1, max_size=6))
def test_lines_that_fit_a_cell_are_never_longer_than_a_cell(lengths):
    data = b"\n".join(b"x" * length for length in lengths)
    longest = max(lengths)
    fits = csv_grid.lines_fit_a_cell(data, "utf-8")
    assert longest <= MAX_CELL_CHARS if fits else longest >= (MAX_CELL_CHARS + 2) // 2
    assert not csv_grid.lines_fit_a_cell(data, "utf-16-le")


@given(
    st.text(st.sampled_from("ab;\xa0\u200b\ufeff\u2007é"), max_size=20),
    st.sampled_from(["utf-8", "cp1252", "utf-16-le"]),
)
def test_zero_width_characters_are_never_missed(text, codec):
    try:
        data = text.encode(codec)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
        codec = "utf-8"
    if not csv_grid.may_hold_zero_width(data, codec):
        assert not any(char in data.decode(codec) for char in ZERO_WIDTH)


BOMS = [b"", b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"]
raw_text = st.builds(
    lambda bom, text, tail: bom + text + tail,
    st.sampled_from(BOMS),
    st.text(st.characters(max_codepoint=127), max_size=30).map(str.encode),
    st.sampled_from([b"", b"\x00", b"\xe9", b"\xc3\xa9", b"\x00N\x00"]),
)


def decoded_or_error(decode, raw: bytes) -> tuple[str, str, int] | str:
    try:
        return decode(raw, Location("dpt.csv"))
    except UnusableInputError as error:
        return str(error)


@given(raw_text)
@example(b"\xef\xbb\xbfNIK;NAMA\n" + b"1;BUDI\n" * 200_000)  # a head shorter than the text
@example(b"NIK;NAMA\n" + b"1;BUDI\n" * 200_000 + b"\x00")  # a NUL after the head is still found
def test_decoding_the_head_agrees_with_decoding_everything(raw):
    expected = decoded_or_error(text_files.decode, raw)
    if isinstance(expected, tuple):
        expected = (expected[0][: text_files.MAX_SAMPLE_CHARS], *expected[1:])
    assert decoded_or_error(text_files.decode_head, raw) == expected


# --- Skipped rows -------------------------------------------------------------------------------------------------

SKIP_HEADER = ["NO", "NIK", "NAMA", "ALAMAT", "KETERANGAN"]
skip_cell = st.sampled_from(
    ["", "", "", "1", "2", "3", "3316011203900001", "BUDI", "JUMLAH", "NIK", "NAMA", "KEPALA RUTAN", "Blora, 1-2-2024"]
)
lone_row = st.builds(lambda at, value: [value if j == at else "" for j in range(5)], st.integers(0, 4), skip_cell)
skip_row = st.one_of(st.lists(skip_cell, min_size=5, max_size=5), lone_row)


def reference_skip_reasons(cells: list[np.ndarray], mapping: hdr.HeaderMapping) -> np.ndarray:
    """The reader's skip rules, with every row's cells counted in full and its NIK cell judged alone."""
    if not len(cells[0]):
        return np.full(0, "", dtype=object)
    count = np.column_stack([column != "" for column in cells]).sum(axis=1)
    has_nik = np.array(reference_has_digits(cells[mapping.fields[Field.NIK].index]), dtype=bool)
    return row_kinds.skip_reasons(cells, count, has_nik, SKIP_HEADER, mapping)


@settings(max_examples=200)
@given(st.lists(skip_row, max_size=25))
@example(  # a lone cell is a section heading, not the signatory, when a full row without a NIK follows it
    [["1", "3316011203900001", "BUDI", "Jepon", ""], ["", "", "", "BLOK A", ""], ["2", "", "SRI", "Cepu", "x"]]
)
def test_skip_reasons_equal_a_full_count_of_every_row(rows):
    cells = [object_array([row[j] for row in rows]) for j in range(len(SKIP_HEADER))]
    mapping = hdr.map_headers(SKIP_HEADER)
    expected = reference_skip_reasons(cells, mapping)
    assert skip_reasons(cells, SKIP_HEADER, mapping).tolist() == expected.tolist()


# --- Whole files --------------------------------------------------------------------------------------------------


def reference_data(path: Path, table: reader.ReadTable) -> pd.DataFrame:
    """The data rows of a CSV read cell by cell with the csv module, for a file whose rows are all data."""
    text, _, _ = text_files.decode(path.read_bytes(), Location(str(path)))
    delimiter = csv_grid.choose_delimiter(text[: csv_grid.offset_after_lines(text, 4 * MAX_HEADER_SCAN)])
    records = csv.reader(stdio.StringIO(text, newline=""), delimiter=delimiter)
    lines, rows, extras, line, width = [], [], [], 1, 0
    for record in records:
        if line == table.header_row:
            width = len(record)
        elif line > table.header_row:
            cells, extra = reference_row([value.strip(WHITESPACE) for value in record], width, delimiter)
            lines, rows, extras = [*lines, line], [*rows, cells], [*extras, extra]
        line = records.line_num + 1
    columns: dict[str, object] = {"source_row": lines}
    for field, letter in table.column_letters.items():
        values = object_array([cells[int(letter) - 1] for cells in rows])
        columns[field] = pd.Series(values, dtype=str)
        if Field(field) in ID_FIELDS:
            columns[arrived_as_number(field)] = np.array(reference_arrived_as_number(values), dtype=bool)
    if any(extras):
        columns[EXTRA_COLUMN] = pd.Series(extras, dtype=str)
    return pd.DataFrame(columns)


def reference_row(record: list[str], width: int, delimiter: str) -> tuple[list[str], str]:
    """One row's cells under the header and its surplus cells; a row whose only filled cell holds a whole row
    written with another delimiter is split with that one when it gives at least as many cells as headers."""
    cells = record[:width] + [""] * (width - len(record))
    extra = delimiter.join(record[width:]) if any(record[width:]) else ""
    others = [other for other in ",;\t|" if other != delimiter]
    if width < 3 or not any(other in cells[0] for other in others) or any(cells[1:]):
        return cells, extra
    split = next(csv.reader([cells[0]], delimiter=max(others, key=cells[0].count)))
    if len(split) < width:
        return cells, extra
    return [value.strip(WHITESPACE) for value in split[:width]], delimiter.join(split[width:])


def assert_read_as_reference(path: Path) -> reader.ReadTable:
    table = reader.read_table(path)
    assert table.skipped.empty
    expected = reference_data(path, table)
    pd.testing.assert_frame_equal(table.data, expected, check_exact=True)
    return table


REAL_FILES = [
    "examples/dpt_kpu_blora.csv",
    "examples/dukcapil_blora.csv",
    "examples/dapil_blora.csv",
    "tests/data/examples_truth.csv",
    "tests/data/examples_truth_kpu.csv",
    "tests/data/bad/dates_extreme.csv",
    "tests/data/bad/duplicate_headers.csv",
    "tests/data/bad/formulas.csv",
    "tests/data/bad/long_names.csv",
    "tests/data/bad/mixed_delimiters.csv",
    "tests/data/bad/ragged.csv",
    "tests/data/bad/utf16.csv",
]


@pytest.mark.parametrize("name", REAL_FILES)
def test_real_files_read_as_the_per_cell_reference(name):
    assert len(assert_read_as_reference(ROOT / name).data)


def write_rows(path: Path, rows: list[list[str]], encoding: str, quoting: int, line_end: str) -> Path:
    buffer = stdio.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator=line_end, quoting=quoting)
    writer.writerow(["NO", "NIK", "NAMA", "NKK", "ALAMAT"])
    writer.writerows(rows)
    try:
        path.write_bytes(buffer.getvalue().encode(encoding))
    except UnicodeEncodeError:
        path.write_bytes(buffer.getvalue().encode("utf-8"))
    return path


nik_cell = st.builds(lambda left, nik, right: left + nik + right, padding, st.sampled_from(NIKS), padding)
text_cell = st.one_of(cell, st.builds(lambda a, b: f"{a}\n{b}", cell, cell))  # some with a quoted line break
row = st.builds(
    lambda number, nik, name, nkk, address, extra: [str(number), nik, name, nkk, address, *extra],
    st.integers(1, 999),
    nik_cell,
    text_cell,
    cell,
    text_cell,
    st.one_of(st.just([]), st.just([]), st.lists(cell, min_size=1, max_size=2)),  # a ragged row now and then
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(row, min_size=1, max_size=8),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_written_files_read_as_the_per_cell_reference(tmp_path, rows, encoding, quoting, line_end):
    assert_read_as_reference(write_rows(tmp_path / "dpt.csv", rows, encoding, quoting, line_end))


# --- Cells too long for a spreadsheet -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("x" * MAX_CELL_CHARS, False),
        ("x" * (MAX_CELL_CHARS + 1), True),
        ('"' + "Jl. A\n" * 6000 + '"', True),  # short lines, one quoted cell across them
        ("x" * 30_000 + ";" + "y" * 30_000, False),  # a line longer than a cell, of cells that fit
    ],
)
def test_only_cells_longer_than_a_spreadsheet_cell_are_refused(tmp_path, address, refused):
    path = tmp_path / "dpt.csv"
    path.write_text(f"NIK;NAMA;ALAMAT;KETERANGAN\n3316011203900001;BUDI;Jepon;\n3316011203900002;SRI;{address}\n")
    if refused:
        with pytest.raises(UnusableInputError, match=r"row 3, column 3 \(ALAMAT\): a cell of [\d,]+ characters"):
            reader.read_table(path)
    else:
        assert len(reader.read_table(path).data) == 2
