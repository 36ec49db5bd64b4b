"""A revoked right to vote written as free text in a roster's KETERANGAN, CATATAN, KET or PIDANA TAMBAHAN."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from dpt_rutan import remarks
from dpt_rutan.cli import app
from dpt_rutan.commands.reconcile.run import reconcile
from dpt_rutan.election import load_profile
from dpt_rutan.read.headers import map_headers
from dpt_rutan.site import Site

SITE = Site(name="Rutan Kelas IIB Blora", district_code="33.16.09", tps_numbers=(901,))
SITE_TOML = 'name = "Rutan Kelas IIB Blora"\ndistrict_code = "33.16.09"\ntps_numbers = [901]\nprofile = "pemilu2024"\n'
ROSTER_HEADER = ["NO", "NO. REGISTRASI", "NAMA", "NIK", "TGL LAHIR", "JK", "ALAMAT", "KECAMATAN", "KABUPATEN"]
KPU_HEADER = ["NIK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "TPS"]


def inmate(number: int) -> list[object]:
    """Row ``number`` of a roster of Blora inmates, each with a NIK KPU lists at home."""
    return [
        number,
        f"BI.{number:04d}/2023",
        f"WARGA {chr(64 + number)}",
        f"33160912039{number:03d}01",
        "12-03-1990",
        "L",
        "JL. MELATI",
        "BLORA",
        "BLORA",
    ]


def write_roster(path: Path, extra: dict[str, list[str]]) -> Path:
    """A roster with one inmate per value of the extra columns (header -> one cell per inmate)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([*ROSTER_HEADER, *extra])
    rows = len(next(iter(extra.values())))
    for number in range(1, rows + 1):
        sheet.append([*inmate(number), *(cells[number - 1] for cells in extra.values())])
    book.save(path)
    return path


def write_kpu(path: Path, rows: int, keterangan: dict[int, str] | None = None) -> Path:
    """Every inmate of :func:`write_roster` listed at home (TPS 001), with a KETERANGAN code for some."""
    keterangan = keterangan or {}
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([*KPU_HEADER, "KETERANGAN"])
        for number in range(1, rows + 1):
            row = inmate(number)
            code = keterangan.get(number, "")
            writer.writerow([row[3], row[2], row[4], "L", "KAUMAN", "BLORA", "BLORA", "001", code])
    return path


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dicabut hak memilih", "vote"),
        ("Pencabutan hak pilih", "vote"),
        ("hak memilih dan dipilih dicabut", "vote"),
        ("pidana tambahan: pencabutan hak memilih", "vote"),
        ("dicabut hak dipilih", "elected"),
        ("dicabut hak dipilih, hak memilih tetap", "elected"),
        ("pencabutan hak politik untuk dipilih dalam jabatan publik", "elected"),
        ("pencabutan hak politik", "political"),
        ("dicabut haknya", "unclear"),
        ("hak pilih tidak dicabut", ""),
        ("residivis", ""),
        ("TMS-4", ""),
        ("", ""),
    ],
)
def test_each_remark_is_classified_by_the_right_it_revokes(text, expected):
    assert remarks.classify(pd.Series([text])).iloc[0] == expected


REMARKS = {
    "KETERANGAN": ["dicabut hak memilih", "dicabut hak dipilih", "", "", "", "", ""],
    "CATATAN": ["", "", "hak memilih dan dipilih dicabut", "pencabutan hak politik", "dicabut haknya", "", ""],
    "PIDANA TAMBAHAN": ["", "", "", "", "", "pidana tambahan: pencabutan hak pilih", "denda"],
}
EXPECTED = {
    2: ("INELIGIBLE_RIGHTS_REVOKED", "REMARK_RIGHT_TO_VOTE_REVOKED"),
    3: ("REGISTERED_ELSEWHERE", "REMARK_ONLY_RIGHT_TO_BE_ELECTED_REVOKED"),
    4: ("INELIGIBLE_RIGHTS_REVOKED", "REMARK_RIGHT_TO_VOTE_REVOKED"),
    5: ("INELIGIBLE_RIGHTS_REVOKED", "REMARK_POLITICAL_RIGHTS_REVOKED"),
    6: ("REGISTERED_ELSEWHERE", "REMARK_RIGHTS_UNCLEAR"),
    7: ("INELIGIBLE_RIGHTS_REVOKED", "REMARK_RIGHT_TO_VOTE_REVOKED"),
    8: ("REGISTERED_ELSEWHERE", None),
}


def test_reconcile_reads_the_remark_columns_for_a_revoked_right_to_vote(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", REMARKS)
    kpu = write_kpu(tmp_path / "dpt.csv", 7)
    result = reconcile(roster, kpu, site=SITE, profile=load_profile("pemilu2024"))
    statuses = dict(zip(result.decisions["source_row"], result.decisions["status"], strict=True))
    assert statuses == {row: status for row, (status, _) in EXPECTED.items()}
    findings = result.roster.findings
    remark_codes = findings[findings["code"].str.startswith("REMARK_")].set_index("source_row")["code"].to_dict()
    assert remark_codes == {row: code for row, (_, code) in EXPECTED.items() if code}


def test_a_remark_against_the_revocation_column_is_flagged_and_the_remark_wins(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", {"HAK PILIH DICABUT": ["Tidak"], "CATATAN": ["dicabut hak memilih"]})
    result = reconcile(roster, write_kpu(tmp_path / "dpt.csv", 1), site=SITE, profile=load_profile("pemilu2024"))
    assert result.decisions["status"].tolist() == ["INELIGIBLE_RIGHTS_REVOKED"]
    assert "REMARK_CONTRADICTS_FLAG" in set(result.roster.findings["code"])


def test_cli_reconcile_reports_the_remarks(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", REMARKS)
    kpu = write_kpu(tmp_path / "dpt.csv", 7)
    site = tmp_path / "site.toml"
    site.write_text(SITE_TOML, encoding="utf-8")
    out = tmp_path / "hasil.xlsx"
    result = CliRunner().invoke(app, ["reconcile", str(roster), str(kpu), "--site", str(site), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "INELIGIBLE_RIGHTS_REVOKED" in result.output
    findings = openpyxl.load_workbook(out, read_only=True)["Temuan data"]
    codes = [row[5] for row in findings.iter_rows(min_row=2, values_only=True)]
    assert codes.count("REMARK_RIGHT_TO_VOTE_REVOKED") == 3
    assert "REMARK_RIGHTS_UNCLEAR" in codes


def test_the_remark_headers_map_to_their_own_fields():
    mapping = map_headers(["NAMA", "KETERANGAN", "CATATAN", "PIDANA TAMBAHAN"])
    assert mapping.columns == {
        "name": "NAMA",
        "tms_code": "KETERANGAN",
        "remarks": "CATATAN",
        "additional_penalty": "PIDANA TAMBAHAN",
    }
