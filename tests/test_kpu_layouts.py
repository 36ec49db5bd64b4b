"""KPU extracts as the field sends them: bad birth dates, masked NIKs, no regency column, empty frames."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dpt_rutan import regions
from dpt_rutan.cli import app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
DUKCAPIL = EXAMPLES / "dukcapil_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def kpu_rows() -> list[list[str]]:
    with KPU.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def write_kpu(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (pd.Series([], dtype=object), pd.Series([], dtype=object)),
        (pd.Series([], dtype=float), pd.Series([], dtype="string")),
    ],
)
def test_region_lookups_take_empty_frames(first, second):
    assert regions.find_regency_codes(first, second).empty
    assert regions.find_district_codes(first, second).empty


def test_region_lookups_answer_each_row_of_repeated_pairs():
    regency = pd.Series(["33.16", "", "33.16", "33.16"])
    district = pd.Series(["Kec. Blora", "Blora", "JATI", "Kec. Blora"])
    assert regions.find_district_codes(regency, district).tolist() == ["33.16.09", "", "33.16.01", "33.16.09"]


@pytest.mark.parametrize("unparsed", ["-", "00-00-0000", "31-02-1985"])
def test_a_kpu_birth_date_that_does_not_parse_is_no_crash(tmp_path, unparsed):
    rows = kpu_rows()
    column = rows[0].index("TANGGAL LAHIR")
    for row in rows[5], rows[40]:
        row[column] = unparsed
    kpu = write_kpu(tmp_path / "dpt.csv", rows)
    result = run("reconcile", ROSTER, kpu, "--site", SITE)
    assert result.exit_code == 0, result.output
    assert "150 rows read = sum of statuses" in result.output


def test_a_dukcapil_birth_date_that_does_not_parse_is_no_crash(tmp_path):
    with DUKCAPIL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("TGL_LHR")
    rows[5][column], rows[8][column] = "-", "00-00-0000"
    dukcapil = tmp_path / "dukcapil.csv"
    with dukcapil.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = run("reconcile", ROSTER, KPU, "--dukcapil", dukcapil, "--site", SITE)
    assert result.exit_code == 0, result.output
