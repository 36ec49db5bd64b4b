"""diff OLD NEW with the files the wrong way round: a loud warning (finding, summary line), never a silent swap."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.commands.diff.run import diff_files
from dpt_rutan.election import load_profile
from dpt_rutan.site import Site

SITE = Site(name="Rutan Kelas IIB Blora", district_code="33.16.09", tps_numbers=(901,))
SITE_TOML = 'name = "Rutan Kelas IIB Blora"\ndistrict_code = "33.16.09"\ntps_numbers = [901]\nprofile = "pemilu2024"\n'
PEMILU = load_profile("pemilu2024")
HEADER = ["NO", "NO. REGISTRASI", "NAMA", "NIK", "TGL LAHIR", "JK", "TGL MASUK", "TGL BEBAS"]


def write_roster(path: Path, title: str | None, admissions: list[str]) -> Path:
    """A roster whose inmates were admitted on ``admissions``, under a title block dated ``title`` (or none)."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title is not None:
        sheet.append(["DAFTAR WARGA BINAAN PEMASYARAKATAN"])
        sheet.append([f"Keadaan per tanggal : {title}"])
        sheet.append([])
    sheet.append(HEADER)
    for number, admitted in enumerate(admissions, start=1):
        nik = f"33160912039{number:03d}01"
        sheet.append([number, f"BI.{number:04d}/2023", f"WARGA {chr(64 + number)}", nik, "12-03-1990", "L", admitted,
                      "01-01-2026"])  # fmt: skip
    book.save(path)
    return path


@pytest.fixture
def snapshots(tmp_path):
    december = write_roster(tmp_path / "desember.xlsx", "15 Desember 2023", ["01-06-2023", "10-12-2023"])
    january = write_roster(tmp_path / "januari.xlsx", "15 Januari 2024", ["01-06-2023", "10-12-2023", "05-01-2024"])
    return december, january


def test_the_right_order_says_nothing(snapshots):
    december, january = snapshots
    assert diff_files(december, january, site=SITE, profile=PEMILU).reversed_findings.empty


def test_the_wrong_order_is_found_by_title_date_and_by_admissions(snapshots):
    december, january = snapshots
    found = diff_files(january, december, site=SITE, profile=PEMILU).reversed_findings
    assert set(found["code"]) == {"DIFF_FILES_REVERSED"}
    assert found["source_row"].tolist() == [2, 7]  # the title row, the row admitted 05-01-2024
    assert found["value"].iloc[0].startswith("15-01-2024 > 15-12-2023")


def test_without_title_blocks_the_admissions_alone_tell(tmp_path):
    older = write_roster(tmp_path / "a.xlsx", None, ["01-06-2023"])
    newer = write_roster(tmp_path / "b.xlsx", None, ["01-06-2023", "05-01-2024"])
    found = diff_files(newer, older, site=SITE, profile=PEMILU).reversed_findings
    assert found["source_row"].tolist() == [3]


def test_cli_diff_warns_loudly_and_counts_it(snapshots, tmp_path):
    december, january = snapshots
    site = tmp_path / "site.toml"
    site.write_text(SITE_TOML, encoding="utf-8")
    out = tmp_path / "perubahan.json"
    result = CliRunner().invoke(app, ["diff", str(january), str(december), "--site", str(site), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "PERINGATAN / WARNING" in result.output
    payload = json.loads(out.read_text(encoding="utf-8"))
    assert payload["counts"]["files_reversed"] == 2
    right = CliRunner().invoke(app, ["diff", str(december), str(january), "--site", str(site)])
    assert "PERINGATAN" not in right.output
