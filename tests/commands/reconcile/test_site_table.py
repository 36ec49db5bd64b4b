"""The site table as a Kanwil keeps it (title blocks, several sheets, numbered empty rows, totals) and the mistakes
that would make two prisons count each other's inmates or voters: each is one line naming the rows involved."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpt_rutan.commands.reconcile.site_rosters import MAX_LISTED_VALUES, site_rosters
from dpt_rutan.commands.reconcile.site_table import read_site_table
from dpt_rutan.errors import UnusableInputError
from dpt_rutan.report.mask import mask_nik

BLORA, CEPU = "Rutan Kelas IIB Blora", "Lapas Kelas IIB Cepu"


def _xlsx(path: Path, sheets: dict[str, list[tuple]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def _roster(path: Path, prisons: list[str | None]) -> Path:
    """A province-wide roster: one inmate per entry of ``prisons``, in its UPT column."""
    rows = [(prison, f"WBP {i}", f"33160901019000{i:02d}") for i, prison in enumerate(prisons)]
    return _xlsx(path, {"DATA WBP": [("UPT", "NAMA", "NIK"), *rows]})


def _error(path: Path, **options) -> str:
    with pytest.raises(UnusableInputError) as error:
        read_site_table(path, **options)
    message = str(error.value)
    assert "\n" not in message
    return message


# --- Reading the table as it is kept -------------------------------------------------------------------------------


def test_the_header_is_found_under_a_title_block_on_a_later_sheet(tmp_path):
    path = _xlsx(
        tmp_path / "upt.xlsx",
        {
            "Petunjuk": [("Isi satu baris per UPT",)],
            "UPT": [
                ("DAFTAR UPT KANWIL JAWA TENGAH",),
                (),
                ("No", "Nama UPT", "Kode Kecamatan", "TPS"),
                (1, BLORA, 331609, 901),
            ],
        },
    )
    entries = read_site_table(path).entries
    assert [(e.site.name, e.location.sheet, e.location.row) for e in entries] == [(BLORA, "UPT", 4)]


def test_an_explicit_sheet_is_honoured_and_an_unknown_one_is_listed(tmp_path):
    rows = [("Nama UPT", "Kode Kecamatan", "TPS")]
    path = _xlsx(tmp_path / "upt.xlsx", {"2023": [*rows, (BLORA, 331609, 901)], "2024": [*rows, (CEPU, 331605, 902)]})
    assert [e.site.name for e in read_site_table(path, sheet="2024").entries] == [CEPU]
    assert [e.site.name for e in read_site_table(path, sheet=1).entries] == [CEPU]
    assert "no sheet 'Rekap'" in _error(path, sheet="Rekap") and "1: '2024'" in _error(path, sheet="Rekap")


def test_no_header_on_any_sheet_names_the_missing_column(tmp_path):
    path = _xlsx(tmp_path / "upt.xlsx", {"A": [("Judul",)], "B": [("Nama UPT", "TPS"), (BLORA, 901)]})
    message = _error(path)
    assert "no column 'Kode Kecamatan' in the first 20 rows of any of its 2 sheets" in message
    assert "Headers found: Nama UPT, TPS" in message


@pytest.mark.parametrize("header", ["Satker", "Satuan Kerja", "Nama Satker", "NAMA  SATKER"])
def test_a_satker_header_names_the_prison(tmp_path, header):
    path = tmp_path / "sites.csv"
    path.write_text(f"{header};Kode Kecamatan\n{BLORA};33.16.09\n")
    assert [e.site.name for e in read_site_table(path).entries] == [BLORA]


def test_numbered_empty_rows_and_the_total_row_are_skipped_and_counted(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(
        f"No;Nama UPT;Kode Kecamatan;TPS\n1;{BLORA};33.16.09;901\n\n2;{CEPU};33.16.05;901\n3;;;\n4;;;\nJumlah;;;2\n"
    )
    table = read_site_table(path)
    assert [e.site.name for e in table.entries] == [BLORA, CEPU]
    assert table.skipped == [5, 6, 7]  # the blank row 3 is spacing, not a row to account for


def test_a_total_row_in_the_name_column_of_a_workbook_is_skipped(tmp_path):
    header = ("No", "Nama UPT", "Kode Kecamatan", "TPS")
    path = _xlsx(tmp_path / "upt.xlsx", {"UPT": [header, (1, BLORA, 331609, 901), (None, "JUMLAH", None, 1)]})
    assert read_site_table(path).skipped == [3]


def test_a_row_with_site_cells_but_no_name_is_an_error_not_a_skipped_row(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(f"No;Nama UPT;Kode Kecamatan;TPS\n1;{BLORA};33.16.09;901\n2;;;902\n")
    assert "row 3, column Nama UPT: is empty" in _error(path)


# --- One-line errors ------------------------------------------------------------------------------------------------


def test_a_csv_row_longer_than_its_header_is_an_unquoted_delimiter(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(f"Nama UPT,Kode Kecamatan,TPS\n{BLORA},33.16.09,901\n{CEPU},33.16.05,901,902\n")
    message = _error(path)
    assert message.startswith("sites.csv, row 3: has 4 cells, the header 3") and "comma in double quotes" in message


def test_trailing_empty_cells_are_padding_not_extra_cells(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(f"No;Nama UPT;Kode Kecamatan;TPS\n1;{BLORA};33.16.09;901;;;\n")
    assert [e.site.tps_numbers for e in read_site_table(path).entries] == [(901,)]


def test_text_named_xlsx_is_refused(tmp_path):
    path = tmp_path / "sites.xlsx"
    path.write_text(f"Nama UPT;Kode Kecamatan\n{BLORA};33.16.09\n")
    assert _error(path).startswith("sites.xlsx: is named .xlsx but is not an Excel workbook")


def test_a_damaged_workbook_is_refused(tmp_path):
    path = tmp_path / "sites.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    assert _error(path).startswith("sites.xlsx: is a workbook that cannot be read")


def test_a_folder_is_refused_by_its_path(tmp_path):
    assert _error(tmp_path).startswith(f"{tmp_path}: is a folder")


def test_a_missing_berkas_wbp_is_refused_when_the_table_is_read(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(f"Nama UPT,Kode Kecamatan,Berkas WBP\n{BLORA},33.16.09,hilang.xlsx\n")
    message = _error(path)
    assert message.startswith("sites.csv, row 2, column Berkas WBP: 'hilang.xlsx' not found")
    assert str(tmp_path / "hilang.xlsx") in message


# --- Nothing shared between two prisons -----------------------------------------------------------------------------


@pytest.mark.parametrize("second", ["blora.xlsx", "./blora.xlsx", "sub/../blora.xlsx", "link.xlsx"])
def test_one_roster_file_on_two_rows_is_refused(tmp_path, second):
    _roster(tmp_path / "blora.xlsx", [BLORA])
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path / "blora.xlsx", tmp_path / "link.xlsx")
    path = tmp_path / "sites.csv"
    path.write_text(
        f"Nama UPT,Kode Kecamatan,TPS,Berkas WBP\n{BLORA},33.16.09,901,blora.xlsx\n{CEPU},33.16.05,901,{second}\n"
    )
    message = _error(path)
    assert "row 3, column Berkas WBP" in message and "row 2's roster file too" in message


def test_a_roster_file_also_given_with_roster_is_refused(tmp_path):
    roster = _roster(tmp_path / "blora.xlsx", [BLORA])
    path = tmp_path / "sites.csv"
    path.write_text(f"Nama UPT,Kode Kecamatan,Berkas WBP\n{BLORA},33.16.09,blora.xlsx\n")
    with pytest.raises(UnusableInputError, match=r"row 2: its roster 'blora.xlsx' is also given with --roster"):
        site_rosters(read_site_table(path).entries, [tmp_path / "." / "blora.xlsx"])
    path.write_text(f"Nama UPT,Kode Kecamatan\n{BLORA},33.16.09\n")
    with pytest.raises(UnusableInputError, match="given twice with --roster"):
        site_rosters(read_site_table(path).entries, [roster, roster])


@pytest.mark.parametrize(("first", "second"), [("", ""), ("Kauman", ""), ("", "Kauman"), ("Kauman", " KAU MAN ")])
def test_two_prisons_at_one_tps_that_no_kelurahan_tells_apart_are_refused(tmp_path, first, second):
    path = tmp_path / "sites.csv"
    path.write_text(
        f"Nama UPT,Kode Kecamatan,Kelurahan,TPS\n{BLORA},33.16.09,{first},901;902\n{CEPU},331609,{second},902\n"
    )
    message = _error(path)
    assert message.startswith("sites.csv, row 3, column TPS: TPS 902 of kecamatan 33.16.09 is row 2's too")


@pytest.mark.parametrize(
    ("first", "second"),
    [("33.16.09,Kauman,901", "33.16.09,Balun,901"), ("33.16.09,,901", "33.16.09,,902"), ("33.16.09,,", "33.16.05,,")],
)
def test_prisons_told_apart_by_kelurahan_tps_or_kecamatan_are_accepted(tmp_path, first, second):
    path = tmp_path / "sites.csv"
    path.write_text(f"Nama UPT,Kode Kecamatan,Kelurahan,TPS\n{BLORA},{first}\n{CEPU},{second}\n")
    assert len(read_site_table(path).entries) == 2


# --- The UPT column of a province-wide roster ------------------------------------------------------------------------


@pytest.fixture
def two_prisons(tmp_path) -> list:
    path = tmp_path / "sites.csv"
    path.write_text(f"Nama UPT,Kode Kecamatan,TPS,Kode UPT\n{BLORA},33.16.09,901,W13.PAS.10\n{CEPU},33.16.05,901,\n")
    return read_site_table(path).entries


def test_merged_upt_cells_are_named_not_filled_down(tmp_path, two_prisons):
    path = _roster(tmp_path / "jateng.xlsx", [BLORA, None, None, CEPU, None])
    book = openpyxl.load_workbook(path)
    book["DATA WBP"].merge_cells("A2:A4")
    book.save(path)
    with pytest.raises(UnusableInputError) as error:
        site_rosters(two_prisons, [path])
    assert str(error.value).startswith("jateng.xlsx, sheet 'DATA WBP', row 3, column A (UPT): 3 rows have no UPT")
    assert "merged cells read as empty" in str(error.value)


def test_every_unknown_upt_value_is_listed_with_its_rows(tmp_path, two_prisons):
    prisons = [BLORA, "RUTAN KLS IIB BLORA", "RUTAN KLS IIB BLORA", "w13.pas.10", "Rutan Blora", CEPU]
    with pytest.raises(UnusableInputError) as error:
        site_rosters(two_prisons, [_roster(tmp_path / "jateng.xlsx", prisons)])
    message = str(error.value)
    assert "\n" not in message
    assert (
        "'RUTAN KLS IIB BLORA' (2 rows from row 3), 'Rutan Blora' (row 6) are not prisons of the site table" in message
    )


def test_identity_numbers_in_the_upt_column_are_masked(tmp_path, two_prisons):
    niks = ["3316090101900001", "3316090101900002"]
    with pytest.raises(UnusableInputError) as error:
        site_rosters(two_prisons, [_roster(tmp_path / "jateng.xlsx", niks)])
    message = str(error.value)
    assert not any(nik in message for nik in niks)
    assert mask_nik(niks[0]) in message and "--map prison=" in message


def test_a_long_list_of_unknown_values_is_cut_short(tmp_path, two_prisons):
    prisons = [f"Lapas {i}" for i in range(MAX_LISTED_VALUES + 3)] * 2
    with pytest.raises(UnusableInputError) as error:
        site_rosters(two_prisons, [_roster(tmp_path / "jateng.xlsx", prisons)])
    assert "'Lapas 0' (2 rows from row 2)" in str(error.value) and "3 more values (6 rows)" in str(error.value)


# --- Any CSV a spreadsheet writes reads back --------------------------------------------------------------------------

NAME_TEXT = st.text(alphabet="abcdefghijKLMNOPQ é.,;|\t'\"-()/", max_size=20)
DISTRICTS = ["33.16.09", "331605", "33.15.09", "35.22.14"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    names=st.lists(NAME_TEXT, min_size=1, max_size=6),
    delimiter=st.sampled_from([",", ";", "\t", "|"]),
    title_lines=st.integers(min_value=0, max_value=3),
    encoding=st.sampled_from(["utf-8-sig", "utf-8", "cp1252"]),
    numbered_ahead=st.integers(min_value=0, max_value=3),
)
def test_a_csv_written_by_any_spreadsheet_reads_back(tmp_path, names, delimiter, title_lines, encoding, numbered_ahead):
    prisons = [f"Rutan {chr(65 + i)} {text}".strip() for i, text in enumerate(names)]
    rows = [["DAFTAR UPT KANWIL"]] * title_lines + [["No", "Nama UPT", "Kode Kecamatan", "TPS"]]
    rows += [[str(i + 1), name, DISTRICTS[i % 4], str(901 + i)] for i, name in enumerate(prisons)]
    rows += [[str(len(prisons) + i + 1), "", "", ""] for i in range(numbered_ahead)]
    path = tmp_path / "sites.csv"
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    table = read_site_table(path)
    assert [entry.site.name for entry in table.entries] == prisons
    assert [entry.location.row for entry in table.entries] == [title_lines + 2 + i for i in range(len(prisons))]
    assert len(table.skipped) == numbered_ahead
