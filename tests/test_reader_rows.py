"""Odd rows through the readers and the CLI: a lone '""' line, sparse inmates, totals, sections, hidden NIKs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
SITE = EXAMPLES / "site_rutan_blora.toml"
KPU_HEADER = "NIK;NKK;NAMA;TEMPAT LAHIR;TANGGAL LAHIR;JENIS KELAMIN;KECAMATAN;KELURAHAN;TPS"


def _one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output, result.output
    return result.output


@pytest.mark.parametrize("command", ["validate", "reconcile", "missing-nik"])
def test_a_kpu_extract_of_a_header_and_one_empty_quoted_line(tmp_path, command):
    kpu = tmp_path / "dpt.csv"
    kpu.write_text(KPU_HEADER + '\n""\n', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    args = {
        "validate": [kpu],
        "reconcile": [ROSTER, kpu, "--site", SITE, "-o", out],
        "missing-nik": [ROSTER, "--kpu", kpu, "--site", SITE, "-o", out],
    }[command]
    result = runner.invoke(app, [command, *map(str, args)])
    if command == "validate":
        assert result.exit_code == 1 and "NO_DATA_ROWS" in result.output, result.output
    else:
        assert "dpt.csv" in _one_line_exit_2(result)


def test_a_lone_empty_quoted_line_before_the_voters_is_set_aside(tmp_path):
    kpu = tmp_path / "dpt.csv"
    voter = "3316090311780001;3316090101080001;BUDI;BLORA;03-11-1978;L;BLORA;KAUMAN;901"
    kpu.write_text(KPU_HEADER + '\n""\n' + voter + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["reconcile", str(ROSTER), str(kpu), "--site", str(SITE), "-o", str(tmp_path / "o.xlsx")]
    )
    assert result.exit_code in (0, 1), result.output
