"""Reading in blocks gives the rows, source rows, skipped rows and notes that reading the whole file gives."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpt_rutan.errors import UnusableInputError
from dpt_rutan.read import reader
from dpt_rutan.read.stream import TableBlocks, read_whole

REPO = Path(__file__).resolve().parents[2]
FILES = sorted((REPO / "tests" / "data" / "bad").glob("*.csv")) + sorted((REPO / "examples").glob("*.csv"))


def _assert_same(path: Path, block_bytes: int) -> None:
    try:
        whole = reader.read_table(path)
    except UnusableInputError as error:
        with pytest.raises(UnusableInputError) as raised:
            read_whole(TableBlocks(path, block_bytes=block_bytes))
        assert str(raised.value) == str(error)
        return
    blocks = read_whole(TableBlocks(path, block_bytes=block_bytes))
    pd.testing.assert_frame_equal(blocks.data, whole.data)
    pd.testing.assert_frame_equal(blocks.skipped.reset_index(drop=True), whole.skipped.reset_index(drop=True))
    assert (blocks.header_row, blocks.columns, blocks.header_notes) == (
        whole.header_row,
        whole.columns,
        whole.header_notes,
    )
    pd.testing.assert_frame_equal(reader.read_findings(blocks), reader.read_findings(whole))


@pytest.mark.parametrize("path", FILES, ids=lambda path: path.name)
@pytest.mark.parametrize("block_bytes", [64, 4096])
def test_every_csv_reads_the_same_in_blocks(path, block_bytes):
    _assert_same(path, max(block_bytes, path.stat().st_size // 50))  # at most ~50 blocks, to stay quick


HEADER = ["NO", "NIK", "NAMA", "TGL LAHIR", "JK", "ALAMAT"]
DATA_ROW = st.tuples(
    st.integers(1, 999).map(str),
    st.from_regex(r"33[0-9]{14}", fullmatch=True),
    st.text(alphabet="ABCDEFGHIJ .,'\"\n", min_size=1, max_size=12),
    st.just("01-02-1980"),
    st.sampled_from(["L", "P", ""]),
    st.text(alphabet='JL. 0123456789,\n"', max_size=15),
).map(list)
SPARSE_ROW = st.sampled_from(
    [["", "", "", "", "", ""], ["JUMLAH", "", "", "", "", "12"], ["", "", "Blora, 15 Januari 2024", "", "", ""],
     ["", "", "KEPALA RUTAN", "", "", ""], ["", "", "BUDI", "", "", ""], ["BLOK A", "", "", "", "", ""]]
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.one_of(DATA_ROW, DATA_ROW, SPARSE_ROW), min_size=1, max_size=40),
    block_bytes=st.integers(16, 400),
    line_end=st.sampled_from(["\n", "\r\n"]),
)
def test_quoted_line_breaks_and_signature_blocks_survive_any_block_size(tmp_path, rows, block_bytes, line_end):
    path = tmp_path / "extract.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator=line_end)
        writer.writerow(HEADER)
        writer.writerows(rows)
    _assert_same(path, block_bytes)


def test_a_late_byte_that_is_not_utf8_makes_the_whole_file_cp1252(tmp_path):
    path = tmp_path / "extract.csv"
    lines = ["NIK;NAMA;TGL LAHIR"] + [f"33160901018{n:05d};BUDI;01-02-1980" for n in range(2000)]
    path.write_bytes(("\n".join(lines) + "\n").encode() + "3316090101899999;JOS\xc9;01-02-1980\n".encode("cp1252"))
    blocks = read_whole(TableBlocks(path, block_bytes=4096))
    assert blocks.data["name"].iloc[-1] == "JOSÉ"
    pd.testing.assert_frame_equal(blocks.data, reader.read_table(path).data)
