"""A UTF-8 CSV with a line in cp1252 is read line by line: UTF-8 stays UTF-8, the odd line is named."""

from __future__ import annotations

import pandas as pd
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.read import reader
from dpt_rutan.read.stream import TableBlocks, read_whole

runner = CliRunner()


def _mixed(path, bad_at: int, rows: int = 40, bom: bool = False):
    lines = [b"NIK;NAMA;TGL LAHIR;JK"]
    for n in range(rows):
        name = "JOSÉ" if n % 2 else "RENÉ"
        encoding = "cp1252" if n == bad_at else "utf-8"
        lines.append(f"33160901018{n:05d};{name} {n};01-02-1980;L".encode(encoding))
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("bad_at", [0, 17, 39])
@pytest.mark.parametrize("bom", [False, True])
def test_utf8_lines_stay_utf8_and_the_cp1252_line_is_named(tmp_path, bad_at, bom):
    path = _mixed(tmp_path / "dpt.csv", bad_at, bom=bom)
    table = reader.read_table(path)
    assert not table.data["name"].str.contains("Ã").any()
    assert table.data["name"].iloc[bad_at] == ("JOSÉ" if bad_at % 2 else "RENÉ") + f" {bad_at}"
    findings = reader.read_findings(table)
    mixed = findings[findings["code"] == "MIXED_ENCODING_LINE"]
    assert mixed["source_row"].tolist() == [bad_at + 2]
    for block_bytes in (64, 300, 1 << 20):
        blocks = read_whole(TableBlocks(path, block_bytes=block_bytes))
        pd.testing.assert_frame_equal(blocks.data, table.data)
        pd.testing.assert_frame_equal(reader.read_findings(blocks), findings)


def test_validate_reports_the_mixed_line(tmp_path):
    result = runner.invoke(app, ["validate", str(_mixed(tmp_path / "dpt.csv", 5))])
    assert "MIXED_ENCODING_LINE" in result.output, result.output
    assert "Ã" not in result.output


def test_a_cp1252_file_is_still_read_whole_as_cp1252_without_a_warning(tmp_path):
    path = tmp_path / "dpt.csv"
    path.write_bytes("NIK;NAMA\n3316090101800001;JOSÉ\n3316090101800002;RENÉ\n".encode("cp1252"))
    table = reader.read_table(path)
    assert table.data["name"].tolist() == ["JOSÉ", "RENÉ"]
    assert "MIXED_ENCODING_LINE" not in reader.read_findings(table)["code"].tolist()
