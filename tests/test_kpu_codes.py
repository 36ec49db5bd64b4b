"""KETERANGAN codes of a KPU extract (TMS, B, U), read through the election profile: a struck-off row is not a
registration."""

from __future__ import annotations

from importlib import resources

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from dpt_rutan import kpu_codes
from dpt_rutan.cli import app
from dpt_rutan.commands.reconcile.run import reconcile
from dpt_rutan.election import available_profiles, load_profile
from tests.test_remarks import SITE, SITE_TOML, write_kpu, write_roster

PEMILU = load_profile("pemilu2024")


@pytest.mark.parametrize(
    ("cell", "code"),
    [("TMS-4", "TMS 4"), ("TMS 1", "TMS 1"), ("tms4", "TMS 4"), ("T M S - 08", "TMS 8"), ("TMS", "TMS"), ("b", "B")],
)
def test_codes_are_written_alike(cell, code):
    assert kpu_codes.normalise_code(cell) == code


@pytest.mark.parametrize("name", available_profiles())
def test_every_shipped_profile_has_the_code_table(name):
    table = load_profile(name).kpu_codes
    assert {f"TMS {n}" for n in range(1, 9)} | {"TMS", "B", "U"} <= set(table)
    assert not any(table[f"TMS {n}"].registered for n in range(1, 9))
    assert table["B"].registered and table["U"].registered


def test_read_codes_follows_the_profile_table():
    frame = pd.DataFrame({"source_row": [2, 3, 4, 5, 6, 7], "tms_code": ["TMS-4", "", "B", "U", "TMS 9", "X"]})
    codes = kpu_codes.read_codes(frame, PEMILU)
    assert codes["kpu_code"].tolist() == ["TMS 4", "", "B", "U", "TMS 9", "X"]
    assert codes["registered"].tolist() == [False, True, True, True, False, True]
    assert codes["kpu_code_meaning"].iloc[0] == "Pindah domisili"
    assert codes["known"].tolist() == [True, True, True, True, False, False]


def test_a_profile_may_change_what_a_code_means(tmp_path):
    path = tmp_path / "pilkada_lama.toml"
    body = (resources.files("dpt_rutan") / "profiles" / "pilkada2024.toml").read_text(encoding="utf-8")
    body = body.replace('"TMS 8" = { meaning = "Salah TPS"', '"TMS 8" = { meaning = "Gangguan jiwa"')
    path.write_text(body + '"TMS 9" = { meaning = "Dicabut hak pilihnya", registered = false }\n', encoding="utf-8")
    profile = load_profile(path)
    codes = kpu_codes.read_codes(pd.DataFrame({"source_row": [2, 3], "tms_code": ["TMS-8", "TMS-9"]}), profile)
    assert codes["kpu_code_meaning"].tolist() == ["Gangguan jiwa", "Dicabut hak pilihnya"]
    assert codes["known"].all()


KETERANGAN = {1: "TMS-4", 2: "TMS 1", 3: "B", 4: "U", 5: "X9"}


def test_an_inmate_found_only_on_a_struck_off_row_is_not_registered_and_the_reason_names_the_code(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", {"KETERANGAN": [""] * 6})
    kpu = write_kpu(tmp_path / "dpt.csv", 6, KETERANGAN)
    result = reconcile(roster, kpu, site=SITE, profile=PEMILU)
    decided = result.decisions.set_index("source_row")
    assert decided["status"].tolist() == ["NOT_REGISTERED", "NOT_REGISTERED", *["REGISTERED_ELSEWHERE"] * 4]
    assert decided.loc[2, "kpu_struck_off_code"] == "TMS 4: Pindah domisili"
    assert "DPT TMS 1: Meninggal dunia" in decided.loc[3, "reasons"]
    assert decided.loc[[4, 5, 6, 7], "kpu_struck_off_code"].tolist() == [""] * 4
    unknown = result.kpu.findings[result.kpu.findings["code"] == "KPU_CODE_UNKNOWN"]
    assert unknown["value"].tolist() == ["X9"]


def test_a_registration_beside_a_struck_off_duplicate_wins(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", {"KETERANGAN": [""]})
    kpu = write_kpu(tmp_path / "dpt.csv", 1)
    lines = kpu.read_text(encoding="utf-8").splitlines()
    kpu.write_text("\n".join([lines[0], lines[1].rsplit(";", 1)[0] + ";TMS-2", lines[1]]) + "\n", encoding="utf-8")
    result = reconcile(roster, kpu, site=SITE, profile=PEMILU)
    assert result.decisions["status"].tolist() == ["REGISTERED_ELSEWHERE"]
    assert result.decisions["kpu_row"].tolist() == [3]
    assert result.kpu_side.empty  # a NIK listed twice, once struck off, is not a KPU duplicate


def test_cli_reconcile_shows_struck_off_rows_in_the_workbook(tmp_path):
    roster = write_roster(tmp_path / "wbp.xlsx", {"KETERANGAN": [""] * 6})
    kpu = write_kpu(tmp_path / "dpt.csv", 6, KETERANGAN)
    site = tmp_path / "site.toml"
    site.write_text(SITE_TOML, encoding="utf-8")
    out = tmp_path / "hasil.xlsx"
    result = CliRunner().invoke(app, ["reconcile", str(roster), str(kpu), "--site", str(site), "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out, read_only=True)
    rows = list(book["Model A lengkap"].iter_rows(values_only=True))
    column = rows[0].index("DICORET DARI DPT (KODE)")
    assert [row[column] for row in rows[1:3]] == ["TMS 4: Pindah domisili", "TMS 1: Meninggal dunia"]
    summary = {row[0]: row[-1] for row in book["Ringkasan"].iter_rows(values_only=True) if row}
    assert summary["DPT: WBP yang hanya ada di baris yang dicoret (TMS): belum terdaftar"] == 2
    assert summary["DPT: baris dengan kode KETERANGAN yang tidak dikenal profil"] == 1


@given(
    number=st.integers(min_value=1, max_value=99),
    separator=st.sampled_from(["", " ", "-", " - ", ".", "_", ":", "/"]),
    case=st.sampled_from([str.upper, str.lower, str.title]),
)
def test_any_way_of_writing_a_tms_number_reads_alike(number, separator, case):
    written = case(f"TMS{separator}{number}")
    assert kpu_codes.normalise_code(written) == f"TMS {number}"
    assert kpu_codes.normalise_code(kpu_codes.normalise_code(written)) == f"TMS {number}"
