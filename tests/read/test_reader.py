"""Reading rosters and extracts: every format, header detection, skipped rows, NIKs that arrived as numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io as stdio
import os
import shutil
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpt_rutan.errors import UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.read import reader
from dpt_rutan.read.grid import WHITESPACE

TITLE_BLOCK = [
    ["DAFTAR WARGA BINAAN PEMASYARAKATAN RUTAN KELAS IIB BLORA"],
    ["Keadaan per 15 Januari 2024"],
    [],
]
HEADER = ["NO", "NO. REGISTRASI", "NAMA", "NIK", "TEMPAT LAHIR", "TGL LAHIR", "JK", "ALAMAT"]
PEOPLE = [
    [1, "B.I-001/2023", "BUDI SANTOSO BIN KARTO", 3316011203900001, "Blora", dt.date(1990, 3, 12), "L", "Jl. Pemuda 3"],
    [2, "A.II-014/2024", "SRI WAHYUNI", "3316015507850002", "Cepu", dt.datetime(1985, 7, 15), "P", "Ds. Jepon"],
    [3, "B.I-007/2023", "ANDI ALS GEPENG", None, "Rembang", "1979-01-02", "L", None],
]
FOOTER = [
    [],
    ["JUMLAH", None, None, None, None, None, None, 3],
    [],
    [None, None, None, None, None, None, None, "Blora, 15 Januari 2024"],
    [None, None, None, None, None, None, None, "KEPALA RUTAN KELAS IIB BLORA"],
    [],
    [None, None, None, None, None, None, None, "SUPRIYANTO, S.H., M.H."],
    [None, None, None, None, None, None, None, "NIP. 19750101 200003 1 001"],
]


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cells in (merges or {}).get(name, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_ods(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet, numbers stored as float cells as LibreOffice does."""

    def cell(value: object) -> str:
        if value is None:
            return "<table:table-cell/>"
        if isinstance(value, int | float):
            kind = f'office:value-type="float" office:value="{value}"'
        else:
            kind = 'office:value-type="string"'
        return f"<table:table-cell {kind}><text:p>{escape(str(value))}</text:p></table:table-cell>"

    tables = "".join(
        f'<table:table table:name="{name}">'
        + "".join("<table:table-row>" + "".join(map(cell, row)) + "</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    namespaces = (
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {namespaces} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
    return path


def write_text(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def roster_xlsx(tmp_path: Path) -> Path:
    rows = [*TITLE_BLOCK, HEADER, *PEOPLE, *FOOTER]
    return write_xlsx(tmp_path / "wbp.xlsx", {"WBP": rows}, {"WBP": ["A1:H1", "A2:H2"]})


# --- Workbooks ----------------------------------------------------------------------------------------------------


def test_xlsx_header_found_under_a_title_block(roster_xlsx):
    table = reader.read_table(roster_xlsx)
    assert (table.sheet, table.header_row) == ("WBP", 4)
    assert table.columns == {
        "reg_no": "NO. REGISTRASI",
        "name": "NAMA",
        "nik": "NIK",
        "birth_place": "TEMPAT LAHIR",
        "birth_date": "TGL LAHIR",
        "sex": "JK",
        "address": "ALAMAT",
    }
    assert table.column_letters == {
        "reg_no": "B",
        "name": "C",
        "nik": "D",
        "birth_place": "E",
        "birth_date": "F",
        "sex": "G",
        "address": "H",
    }
    assert table.unmapped_headers == ["NO"]


def test_xlsx_source_rows_are_the_rows_excel_shows(roster_xlsx):
    table = reader.read_table(roster_xlsx)
    assert table.data["source_row"].tolist() == [5, 6, 7]
    assert table.data["name"].tolist() == ["BUDI SANTOSO BIN KARTO", "SRI WAHYUNI", "ANDI ALS GEPENG"]
    sheet = openpyxl.load_workbook(roster_xlsx)["WBP"]
    assert [sheet[f"C{row}"].value for row in table.data["source_row"]] == table.data["name"].tolist()


def test_footer_rows_are_skipped_with_reasons_and_every_row_is_counted(roster_xlsx):
    table = reader.read_table(roster_xlsx)
    skipped = list(zip(table.skipped["source_row"], table.skipped["code"], strict=True))
    assert skipped == [
        (8, "SKIPPED_BLANK_ROW"),
        (9, "SKIPPED_TOTAL_ROW"),
        (10, "SKIPPED_BLANK_ROW"),
        (11, "SKIPPED_SIGNATURE"),
        (12, "SKIPPED_SIGNATURE"),
        (13, "SKIPPED_BLANK_ROW"),
        (14, "SKIPPED_SIGNATURE"),
        (15, "SKIPPED_SIGNATURE"),
    ]
    assert table.rows_in_file == len(PEOPLE) + len(FOOTER)
    assert table.skipped.loc[table.skipped["source_row"] == 14, "text"].item() == "SUPRIYANTO, S.H., M.H."


def test_read_findings_reports_non_blank_skipped_rows(roster_xlsx):
    findings = reader.read_findings(reader.read_table(roster_xlsx))
    assert list(zip(findings["source_row"], findings["code"], strict=True)) == [
        (9, "SKIPPED_TOTAL_ROW"),
        (11, "SKIPPED_SIGNATURE"),
        (12, "SKIPPED_SIGNATURE"),
        (14, "SKIPPED_SIGNATURE"),
        (15, "SKIPPED_SIGNATURE"),
    ]
    assert set(findings["severity"]) == {"info"}
    assert set(findings["sheet"]) == {"WBP"}


def test_nik_stored_as_a_number_is_flagged_and_rendered_as_digits(roster_xlsx):
    data = reader.read_table(roster_xlsx).data
    assert data["nik"].tolist() == ["3316011203900001", "3316015507850002", ""]
    assert data["nik_was_number"].tolist() == [True, False, False]


def test_papua_nik_above_2_to_the_53_keeps_the_digits_the_float_has(tmp_path):
    path = write_xlsx(tmp_path / "papua.xlsx", {"S": [["NAMA", "NIK"], ["YOHANES", 9171011708450001]]})
    data = reader.read_table(path).data
    assert data["nik_was_number"].item()
    assert data["nik"].item() == "9171011708450000"  # the float already lost the last digit; nik.py judges it


def test_cells_become_text_the_way_a_user_reads_them(tmp_path):
    rows = [
        ["NAMA", "TGL LAHIR", "TGL MASUK", "RT", "HAK PILIH DICABUT", "KETERANGAN", "PEKERJAAN"],
        ["\u00a0 BUDI \u00a0", dt.date(1990, 3, 12), dt.datetime(2024, 1, 5, 13, 30), 33000.0, True, 1.5, None],
    ]
    data = reader.read_table(write_xlsx(tmp_path / "cells.xlsx", {"S": rows})).data
    assert data.drop(columns="source_row").iloc[0].tolist() == [
        "BUDI",
        "1990-03-12",
        "2024-01-05 13:30:00",
        "33000",
        "TRUE",
        "1.5",
        "",
    ]


def test_two_row_header_with_merged_parent(tmp_path):
    rows = [
        ["DAFTAR PEMILIH LOKASI KHUSUS"],
        ["NO", "NAMA", "TEMPAT/TGL LAHIR", None, "NIK"],
        [None, None, "TEMPAT", "TANGGAL", None],
        ["1", "2", "3", "4", "5"],
        [1, "BUDI", "Blora", dt.date(1990, 3, 12), "3316011203900001"],
    ]
    merges = {"S": ["A1:E1", "A2:A3", "B2:B3", "C2:D2", "E2:E3"]}
    table = reader.read_table(write_xlsx(tmp_path / "model_a.xlsx", {"S": rows}, merges))
    assert table.header_row == 3
    assert table.columns["birth_place"] == "TEMPAT"
    assert table.column_letters["birth_date"] == "D"
    assert table.data[["source_row", "birth_place", "birth_date"]].values.tolist() == [[5, "Blora", "1990-03-12"]]
    assert table.skipped[["source_row", "code"]].values.tolist() == [[4, "SKIPPED_COLUMN_NUMBERS"]]


def test_section_heading_inside_the_data_is_skipped_but_a_sparse_person_is_kept(tmp_path):
    rows = [
        HEADER,
        PEOPLE[0],
        ["BLOK B"],
        [4, None, "YANTO", None, None, None, None, None],
        PEOPLE[1],
    ]
    table = reader.read_table(write_xlsx(tmp_path / "blok.xlsx", {"S": rows}))
    assert table.data["name"].tolist() == ["BUDI SANTOSO BIN KARTO", "YANTO", "SRI WAHYUNI"]
    assert table.skipped[["source_row", "code"]].values.tolist() == [[3, "SKIPPED_SECTION_ROW"]]


def test_repeated_header_rows_are_skipped(tmp_path):
    rows = [HEADER, PEOPLE[0], HEADER, PEOPLE[1]]
    table = reader.read_table(write_xlsx(tmp_path / "pages.xlsx", {"S": rows}))
    assert table.data["source_row"].tolist() == [2, 4]
    assert table.skipped[["source_row", "code"]].values.tolist() == [[3, "SKIPPED_REPEATED_HEADER"]]


def test_a_person_named_with_a_nik_is_never_skipped(tmp_path):
    rows = [HEADER, [None, None, "JUMLAH", "3316011203900001", None, None, None, None]]
    table = reader.read_table(write_xlsx(tmp_path / "odd.xlsx", {"S": rows}))
    assert table.data["nik"].tolist() == ["3316011203900001"]


def test_sheet_by_name_and_by_index(tmp_path):
    sheets = {"Rekap": [["RINGKASAN"]], "WBP": [HEADER, PEOPLE[0]], "2": [["NAMA", "NIK"], ["SARI", "1"]]}
    path = write_xlsx(tmp_path / "book.xlsx", sheets)
    assert reader.read_table(path, sheet="WBP").sheet == "WBP"
    assert reader.read_table(path, sheet="wbp").sheet == "WBP"
    assert reader.read_table(path, sheet="1").sheet == "WBP"
    assert reader.read_table(path, sheet=1).sheet == "WBP"
    assert reader.read_table(path, sheet="2").sheet == "2"  # a sheet named "2" wins over index 2
    assert reader.list_sheets(path) == ["Rekap", "WBP", "2"]


def test_default_sheet_is_the_first_with_a_recognisable_header(tmp_path):
    sheets = {"Rekap": [["RINGKASAN"], ["Jumlah WBP", 3]], "WBP": [HEADER, PEOPLE[0]]}
    assert reader.read_table(write_xlsx(tmp_path / "book.xlsx", sheets)).sheet == "WBP"


def test_default_sheet_prefers_one_with_the_required_fields(tmp_path):
    sheets = {"Per Kamar": [["NO", "KAMAR", "NAMA"], [1, "A1", "BUDI"]], "WBP": [HEADER, PEOPLE[0]]}
    path = write_xlsx(tmp_path / "book.xlsx", sheets)
    assert reader.read_table(path).sheet == "Per Kamar"
    assert reader.read_table(path, required=[Field.NIK]).sheet == "WBP"


def test_unknown_sheet_lists_the_sheets(tmp_path):
    path = write_xlsx(tmp_path / "book.xlsx", {"Rekap": [["X"]], "WBP": [HEADER]})
    with pytest.raises(UnusableInputError, match=r"no sheet 'Data' \(sheets: 0: 'Rekap', 1: 'WBP'\)"):
        reader.read_table(path, sheet="Data")
    with pytest.raises(UnusableInputError, match="no sheet '5'"):
        reader.read_table(path, sheet="5")


def test_map_override_reads_a_custom_header(tmp_path):
    rows = [["No", "Nama Warga", "Nomor Identitas"], [1, "BUDI", "3316011203900001"]]
    path = write_xlsx(tmp_path / "custom.xlsx", {"S": rows})
    table = reader.read_table(path, mapping={"nik": "nomor identitas", "name": "Nama Warga"}, required=[Field.NIK])
    assert table.columns == {"name": "Nama Warga", "nik": "Nomor Identitas"}
    assert table.data["nik"].tolist() == ["3316011203900001"]


def test_missing_required_field_says_what_was_found_and_how_to_fix_it(tmp_path):
    path = write_xlsx(tmp_path / "nonik.xlsx", {"WBP": [["NO", "NAMA", "ALAMAT"], [1, "BUDI", "Blora"]]})
    with pytest.raises(UnusableInputError) as caught:
        reader.read_table(path, required=[Field.NAME, Field.NIK])
    line = str(caught.value)
    assert "nonik.xlsx, sheet 'WBP', row 1: no column for nik" in line
    assert "headers found: 'NO', 'NAMA', 'ALAMAT'" in line
    assert "No. KTP" in line
    assert '--map nik="Your header"' in line


def test_conflicting_headers_are_an_unusable_input_error_with_the_row(tmp_path):
    path = write_xlsx(tmp_path / "two.xlsx", {"S": [["NAMA", "NIK", "No. KTP"]]})
    with pytest.raises(UnusableInputError, match=r"row 1: two columns look like nik: 'NIK' \(column B\)"):
        reader.read_table(path)


def test_header_notes_become_findings(tmp_path):
    path = write_xlsx(tmp_path / "dup.xlsx", {"S": [["NAMA", "KET", "KET"], ["BUDI", "x", "y"]]})
    findings = reader.read_findings(reader.read_table(path, mapping={"nkk": "No KK"}))
    assert findings["code"].tolist() == ["HEADER_NOTE", "HEADER_NOTE"]
    assert findings["source_row"].tolist() == [1, 1]
    assert "--map nkk='No KK': no such header" in findings["value"].iloc[0]
    assert "'KET' (column C) repeats column B" in findings["value"].iloc[1]


def test_ods_is_read_with_number_cells_flagged(tmp_path):
    rows = [["DAFTAR"], ["NIK", "NAMA"], [3316011203900001, "BUDI"], ["3316015507850002", "SRI"]]
    table = reader.read_table(write_ods(tmp_path / "wbp.ods", {"WBP": rows}))
    assert (table.sheet, table.header_row) == ("WBP", 2)
    assert table.data.values.tolist() == [
        [3, "3316011203900001", True, "BUDI"],
        [4, "3316015507850002", False, "SRI"],
    ]


def test_xls_is_read_and_also_when_renamed_xlsx(tmp_path):
    xlwt = pytest.importorskip("xlwt", reason="xlwt writes the legacy .xls format; not installed")
    book = xlwt.Workbook()
    sheet = book.add_sheet("WBP")
    for r, row in enumerate([["NAMA", "NIK"], ["BUDI", 3316011203900001], ["SRI", "3316015507850002"]]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    path = tmp_path / "wbp.xls"
    book.save(str(path))
    renamed = shutil.copy(path, tmp_path / "wbp.xlsx")
    for candidate in (path, Path(renamed)):
        data = reader.read_table(candidate).data
        assert data["nik"].tolist() == ["3316011203900001", "3316015507850002"]
        assert data["nik_was_number"].tolist() == [True, False]


def test_password_protected_workbook_says_so(tmp_path, roster_xlsx):
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml", reason="msoffcrypto-tool encrypts the test workbook")
    encrypted = tmp_path / "locked.xlsx"
    with roster_xlsx.open("rb") as plain, encrypted.open("wb") as out:
        ooxml.OOXMLFile(plain).encrypt("rahasia", out)
    for candidate in (encrypted, Path(shutil.copy(encrypted, tmp_path / "locked.dat"))):
        with pytest.raises(UnusableInputError, match=r"protected with a password\. Save an unprotected copy"):
            reader.read_table(candidate)


def test_damaged_workbook_is_one_clear_error(tmp_path, roster_xlsx):
    truncated = tmp_path / "cut.xlsx"
    truncated.write_bytes(roster_xlsx.read_bytes()[:1500])
    with pytest.raises(UnusableInputError, match=r"cut\.xlsx: not a workbook that can be read, damaged"):
        reader.read_table(truncated)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "file not found"),
        (b"", "the file is empty"),
        (b"\x01\x00\x02\x00" * 50, "binary content"),
        (b"<html><body><table><tr><td>NIK</td></tr></table></body></html>", "is a web page or XML file"),
        (b"just,some\nwords,here\n", "no header row found in the first 30 rows"),
        (b"\xff\xfeN\x00I\x00K", "the text is not valid utf-16-le"),
    ],
)
def test_unusable_files_raise_one_line(tmp_path, content, message):
    path = tmp_path / "input.xls"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(UnusableInputError, match=message) as caught:
        reader.read_table(path)
    assert "\n" not in str(caught.value)


def test_a_folder_is_not_a_file(tmp_path):
    with pytest.raises(UnusableInputError, match="is a folder"):
        reader.read_table(tmp_path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads files without permission")
def test_unreadable_file(tmp_path):
    path = write_text(tmp_path / "locked.csv", "NIK,NAMA\n1,BUDI\n")
    path.chmod(0)
    with pytest.raises(UnusableInputError, match="no permission"):
        reader.read_table(path)


# --- CSV ----------------------------------------------------------------------------------------------------------


def test_semicolon_csv_in_cp1252_with_a_title_line(tmp_path):
    text = "DAFTAR PEMILIH\r\n\r\nNO;NAMA;NIK;TGL LAHIR\r\n1;Sàrì Dewì;3316015507850002;15-07-1985\r\n"
    table = reader.read_table(write_text(tmp_path / "dpt.csv", text, "cp1252"))
    assert table.header_row == 3
    assert table.sheet is None
    assert table.column_letters == {"name": "2", "nik": "3", "birth_date": "4"}
    assert table.data.values.tolist() == [[4, "Sàrì Dewì", "3316015507850002", False, "15-07-1985"]]


def test_utf8_bom_is_not_part_of_the_first_header(tmp_path):
    table = reader.read_table(write_text(tmp_path / "bom.csv", "NIK,NAMA\n3316015507850002,Sàrì\n", "utf-8-sig"))
    assert table.columns == {"nik": "NIK", "name": "NAMA"}
    assert table.data["name"].tolist() == ["Sàrì"]


def test_utf16_tab_delimited_text(tmp_path):
    table = reader.read_table(write_text(tmp_path / "unicode.txt", "NIK\tNAMA\r\n3316015507850002\tSàrì\r\n", "utf-16"))
    assert table.data[["nik", "name"]].values.tolist() == [["3316015507850002", "Sàrì"]]


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_each_delimiter_is_detected(tmp_path, delimiter):
    text = delimiter.join(["NAMA", "NIK", "ALAMAT"]) + "\n" + delimiter.join(["BUDI, S.H.", "1", "Jl. A; No. 3"])
    text = text.replace("BUDI, S.H.", '"BUDI, S.H."') if delimiter == "," else text
    text = text.replace("Jl. A; No. 3", '"Jl. A; No. 3"') if delimiter == ";" else text
    table = reader.read_table(write_text(tmp_path / "x.csv", text + "\n"))
    assert table.data[["name", "nik", "address"]].values.tolist() == [["BUDI, S.H.", "1", "Jl. A; No. 3"]]


@pytest.mark.parametrize(
    ("written", "as_number"),
    [
        ("3.31609E+15", True),
        ("9.17101170845E+015", True),
        ("9,17101170845E+015", True),
        ("3316014503900000.0", True),
        ("3316014503900001", False),
        ("33160145039*****", False),
        ("", False),
    ],
)
def test_csv_nik_that_passed_through_a_float_is_flagged_and_kept_as_written(tmp_path, written, as_number):
    text = f'NAMA;NIK;NKK\nBUDI;{written};"{written}"\n'
    data = reader.read_table(write_text(tmp_path / "x.csv", text)).data
    assert data[["nik", "nik_was_number", "nkk", "nkk_was_number"]].values.tolist() == [
        [written, as_number, written, as_number]
    ]


def test_quoted_line_breaks_keep_source_rows_on_physical_lines(tmp_path):
    text = 'NAMA,NIK,ALAMAT\nBUDI,1,"Jl. A\nRT 1\nRW 2"\nSRI,2,Jepon\n\nANI,3,Cepu\n'
    table = reader.read_table(write_text(tmp_path / "x.csv", text))
    assert table.data[["source_row", "name"]].values.tolist() == [[2, "BUDI"], [5, "SRI"], [7, "ANI"]]
    assert table.data["address"].iloc[0] == "Jl. A\nRT 1\nRW 2"
    assert table.skipped[["source_row", "code"]].values.tolist() == [[6, "SKIPPED_BLANK_ROW"]]


def test_ragged_rows_are_kept_with_their_extra_cells_and_reported(tmp_path):
    text = 'NAMA;NIK\nBUDI;1\nSRI;2;Jepon;"x;y"\nANI;3;;\nEKO\n'
    table = reader.read_table(write_text(tmp_path / "x.csv", text))
    assert table.data[["source_row", "name", "nik", "_extra"]].values.tolist() == [
        [2, "BUDI", "1", ""],
        [3, "SRI", "2", "Jepon;x;y"],
        [4, "ANI", "3", ""],
        [5, "EKO", "", ""],
    ]
    findings = reader.read_findings(table)
    assert findings[["source_row", "code", "severity"]].values.tolist() == [[3, "RAGGED_ROW", "warning"]]


def test_ragged_first_row_does_not_shift_columns(tmp_path):
    table = reader.read_table(write_text(tmp_path / "x.csv", "NAMA;NIK\nBUDI;1;x\nSRI;2\n"))
    assert table.data[["name", "nik", "_extra"]].values.tolist() == [["BUDI", "1", "x"], ["SRI", "2", ""]]


def test_csv_footer_rows_are_skipped(tmp_path):
    text = 'NO,NAMA,NIK,ALAMAT\n1,BUDI,3316011203900001,Blora\nJUMLAH,,,1\n,,,"Blora, 15 Januari 2024"\n'
    table = reader.read_table(write_text(tmp_path / "x.csv", text))
    assert table.data["source_row"].tolist() == [2]
    assert table.skipped[["source_row", "code"]].values.tolist() == [
        [3, "SKIPPED_TOTAL_ROW"],
        [4, "SKIPPED_SIGNATURE"],
    ]


def test_header_only_csv_has_no_rows(tmp_path):
    table = reader.read_table(write_text(tmp_path / "x.csv", "NIK,NAMA\n"))
    assert list(table.data.columns) == ["source_row", "nik", "nik_was_number", "name"]
    assert table.rows_in_file == 0


def test_text_saved_with_a_spreadsheet_extension_is_read_as_text(tmp_path):
    table = reader.read_table(write_text(tmp_path / "export.xls", "NIK\tNAMA\n3316015507850002\tSRI\n"))
    assert (table.sheet, table.data["name"].tolist()) == (None, ["SRI"])


def test_ragged_row_with_an_enormous_cell_is_an_unusable_input(tmp_path):
    text = "NAMA;NIK\nBUDI;1;x\nSRI;" + "9" * 200_000 + "\n"
    with pytest.raises(UnusableInputError, match="row 3: the CSV text cannot be parsed"):
        reader.read_table(write_text(tmp_path / "x.csv", text))


def test_list_sheets_of_a_csv_is_empty(tmp_path):
    assert reader.list_sheets(write_text(tmp_path / "x.csv", "NIK\n1\n")) == []


NIK_TEXT = st.from_regex(r"[0-9]{16}", fullmatch=True)
CELL_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00\r"), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.tuples(NIK_TEXT, CELL_TEXT, CELL_TEXT, CELL_TEXT), max_size=8),
    delimiter=st.sampled_from(",;\t|"),
    line_end=st.sampled_from(["\n", "\r\n"]),
    quoting=st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]),
)
def test_random_tables_written_to_csv_read_back_identically(tmp_path, rows, delimiter, line_end, quoting):
    buffer = stdio.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=line_end, quoting=quoting)
    writer.writerow(["NIK", "NAMA", "ALAMAT", "KETERANGAN"])
    writer.writerows(rows)
    table = reader.read_table(write_text(tmp_path / "random.csv", buffer.getvalue()))
    expected = [[nik, *(cell.strip(WHITESPACE) for cell in cells)] for nik, *cells in rows]
    assert table.data[["nik", "name", "address", "tms_code"]].values.tolist() == expected
    line_breaks = [sum(cell.count("\n") for cell in row) for row in rows]
    assert table.data["source_row"].tolist() == [2 + i + sum(line_breaks[:i]) for i in range(len(rows))]
    assert table.skipped.empty
