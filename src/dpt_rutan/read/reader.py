"""Read a roster or extract into a :class:`~dpt_rutan.read.table.SourceTable` of text.

Formats are told by content, not only by extension: a zip is an xlsx/xlsm/ods, an OLE2 (CFB) file is an xls or a
password-protected workbook, anything else is read as CSV text. Workbooks are read with python-calamine, which says
whether a cell holds a number: a NIK stored as a number may already have lost digits (Excel keeps 15 significant
digits, a float64 about 16), so readers flag it in ``<field>_was_number`` and leave judging it to ``nik.py``.

The header row is found, not assumed: prison rosters carry a title block above it ("DAFTAR WARGA BINAAN RUTAN KELAS
IIB BLORA", a date line, merged cells), so the row among the first :data:`MAX_HEADER_SCAN` whose cells look most like
known headers wins. Below it, blank rows, totals, repeated headers and the signature block are not data; each one is
listed in ``SourceTable.skipped`` with a reason, so that every row of the file is accounted for. Row-level notes
(skipped rows, ragged CSV rows, rows split with another delimiter, ignored header columns, no data rows at all) come
back as findings from :func:`read_findings`.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from pathlib import Path

import numpy as np
import pandas as pd
import python_calamine as calamine

from dpt_rutan.errors import Location, UnusableInputError, define_code, empty_findings, make_findings
from dpt_rutan.fields import ID_FIELDS, Field, arrived_as_number
from dpt_rutan.read import headers as hdr
from dpt_rutan.read import hidden_nik, row_kinds, text_encoding, workbook_guard
from dpt_rutan.read.table import SourceTable

MAX_HEADER_SCAN = 30
"""How many rows from the top of a sheet may hold the header row (title blocks are rarely longer)."""

MAX_SAMPLE_CHARS = 1_000_000
"""How much of a CSV text is searched for the header and its delimiter: a few hundred long lines."""

MAX_CELL_CHARS = 32_767
"""Excel's limit for one cell. A longer cell was not typed into a spreadsheet: the file is damaged (often an unclosed
quote that joined the rows below it into one cell), and no report written from it could be opened in Excel."""

EXTRA_COLUMN = "_extra"
"""Column of ``SourceTable.data`` holding, joined by the delimiter, the cells a ragged CSV row has past its headers."""

SKIP_CODES = {
    "blank": define_code("SKIPPED_BLANK_ROW", "info", "Baris kosong, bukan data.", "Blank row, not data."),
    "total": define_code("SKIPPED_TOTAL_ROW", "info", "Baris jumlah/total, bukan data.", "Totals row, not data."),
    "signature": define_code(
        "SKIPPED_SIGNATURE",
        "info",
        "Blok tanda tangan (tempat dan tanggal, jabatan, NIP, nama penanda tangan), bukan data.",
        "Signature block (place and date, title, NIP, signatory's name), not data.",
    ),
    "section": define_code(
        "SKIPPED_SECTION_ROW",
        "info",
        "Satu sel saja tanpa nama atau NIK (judul bagian?), bukan data.",
        "A single cell with no name or NIK (a section heading?), not data.",
    ),
    "header": define_code(
        "SKIPPED_REPEATED_HEADER", "info", "Judul kolom diulang, bukan data.", "Repeated header row, not data."
    ),
    "numbers": define_code(
        "SKIPPED_COLUMN_NUMBERS",
        "info",
        "Baris nomor kolom (1, 2, 3, ...), bukan data.",
        "Column numbering row (1, 2, 3, ...), not data.",
    ),
}
RAGGED_ROW = define_code(
    "RAGGED_ROW",
    "warning",
    "Baris berisi sel lebih banyak daripada judul kolom; sel lebihnya ada di kolom _extra: periksa pemisah kolom.",
    "Row has more cells than there are headers; the extra cells are in the _extra column: check the delimiters.",
)
OTHER_DELIMITER = define_code(
    "ROW_OTHER_DELIMITER",
    "warning",
    "Semua sel baris ini ada di sel pertama, dipisah pemisah lain (ditempel dari berkas lain?): dibaca dengan pemisah "
    "itu; periksa barisnya.",
    "All of this row's cells were in its first cell, split by another delimiter (pasted from another file?): read "
    "with that delimiter; check the row.",
)
NO_DATA_ROWS = define_code(
    "NO_DATA_ROWS",
    "error",
    "Tidak ada baris data di bawah judul kolom: apakah daftar tersaring waktu diekspor, atau lembarnya salah?",
    "No data rows below the header: was the list filtered when it was exported, or is it the wrong sheet?",
)
HEADER_NOTE = define_code(
    "HEADER_NOTE",
    "info",
    "Catatan tentang judul kolom (kolom yang tidak dipakai, --map yang tidak cocok): lihat nilainya.",
    "Note about the headers (a column not used, a --map that matched nothing): see the value.",
)

# Every character str.strip() treats as whitespace (NBSP included), plus the zero-width space and a stray BOM.
_WHITESPACE = " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
_WHITESPACE += "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\u200b\ufeff"
# What _WHITESPACE adds to str.strip()'s own set: only a cell holding one of these needs the slower strip(chars).
_ZERO_WIDTH = "\u200b\ufeff"
_DELIMITERS = ",;\t|"
_ZIP_MAGIC = b"PK\x03\x04"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# A number that passed through a float on its way to text: "3.31609E+15", "9,17101170845E+015", "3316014503900000.0".
_FLOAT_RENDERING = re.compile(r"[+-]?\d+(?:[.,]\d+)?[eE][+-]?\d+|\d+[.,]0+")
_DIGIT = re.compile(r"\d")


@dataclass
class ReadTable(SourceTable):
    """A :class:`SourceTable` plus what the header mapping had to say, for :func:`read_findings`."""

    header_notes: list[str] = field(default_factory=list)
    row_notes: pd.DataFrame | None = None  # finding rows (source_row, field, code, value) met while reading rows


@dataclass
class _Grid:
    """A sheet or CSV text as rows of text cells, before the header is mapped and the rows are sorted out."""

    top: list[list[str]]  # the first MAX_HEADER_SCAN rows, to find the header in
    body_after: Callable[[int, int], _Body]  # (0-based index of the last header row, width) -> rows below it
    labels: Callable[[int], str]  # column index -> "C" or "3"


@dataclass
class _Body:
    # One object array of str per column, "" when empty. Per-cell work maps C-level str methods over these, or
    # searches a column joined into one string, several times faster than pandas' str methods on Python-backed
    # strings when there are a million rows.
    cells: list[np.ndarray]
    source_rows: np.ndarray
    numeric: Callable[[int], np.ndarray] | None = None  # column -> cell held a number (workbooks only)
    extra: np.ndarray | None = None
    split_with: np.ndarray | None = None  # per row: the other delimiter its one cell was split with, else ""
    cells_fit: bool = False  # every cell is known to hold at most MAX_CELL_CHARS characters
    recoded: np.ndarray | None = None  # per row: a line of it was cp1252 in a UTF-8 file (text_encoding)


def read_table(
    path: Path | str,
    *,
    sheet: str | int | None = None,
    mapping: Mapping[str, str] | None = None,
    required: Iterable[Field | str] = (),
) -> ReadTable:
    """Read one table from ``path``; raise :class:`UnusableInputError` when the file cannot be used at all.

    ``sheet`` is a sheet name or 0-based index (ignored for CSV; default: the first sheet with a recognisable
    header, preferring one that has every ``required`` field). ``mapping`` holds ``--map`` overrides,
    canonical field -> header.
    """
    path = Path(path)
    kind = _file_kind(path)
    required = tuple(Field(f) for f in required)
    if kind == "text":
        return _table_from_grid(path, None, _text_grid(path), mapping, required)
    with _open_workbook(path, kind) as workbook:
        name, grid = _choose_sheet(path, workbook, sheet, mapping, required)
        return _table_from_grid(path, name, grid, mapping, required)


def list_sheets(path: Path | str) -> list[str]:
    """The sheet names of a workbook, in order; a CSV has none."""
    path = Path(path)
    kind = _file_kind(path)
    if kind == "text":
        return []
    with _open_workbook(path, kind) as workbook:
        return list(workbook.sheet_names)


def read_findings(table: SourceTable) -> pd.DataFrame:
    """Findings about the reading itself: non-blank skipped rows, ragged CSV rows and header notes.

    Blank rows stay in ``table.skipped`` only: a sheet can have thousands and they say nothing.
    """
    skipped = table.skipped
    if "code" in skipped.columns:  # a SourceTable built elsewhere may list skipped rows without codes
        skipped = skipped[skipped["code"] != SKIP_CODES["blank"].code]
    parts = [
        _finding_rows(skipped["source_row"], skipped["code"], skipped["text"]) if "code" in skipped.columns else None,
        _ragged_rows(table.data),
        _finding_rows(table.header_row, HEADER_NOTE.code, getattr(table, "header_notes", [])),
        getattr(table, "row_notes", None),
        _finding_rows([table.header_row], NO_DATA_ROWS.code, ["0"]) if table.data.empty else None,
    ]
    parts = [part for part in parts if part is not None and len(part)]
    if not parts:
        return empty_findings()
    rows = pd.concat(parts, ignore_index=True).sort_values("source_row", kind="stable")
    return make_findings(rows, file=table.name, sheet=table.sheet, columns=table.columns)


def _finding_rows(source_row: object, code: object, value: object) -> pd.DataFrame:
    return pd.DataFrame({"source_row": source_row, "field": "", "code": code, "value": value})


def _ragged_rows(data: pd.DataFrame) -> pd.DataFrame | None:
    if EXTRA_COLUMN not in data.columns:
        return None
    ragged = data[data[EXTRA_COLUMN] != ""]
    return _finding_rows(ragged["source_row"], RAGGED_ROW.code, ragged[EXTRA_COLUMN])


# --- Files --------------------------------------------------------------------------------------------------------


def _file_kind(path: Path) -> str:
    """ "zip" (xlsx, xlsm, ods), "cfb" (xls, or an encrypted workbook) or "text" (CSV), judged by content."""
    location = Location(str(path))
    if not path.exists():
        raise UnusableInputError(location, "file not found", "Check the path and the file name")
    if path.is_dir():
        raise UnusableInputError(location, "is a folder, not a file", "Give the path of the file inside it")
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except PermissionError:
        raise UnusableInputError(location, "no permission to read the file", "Ask for read access to it") from None
    except OSError as error:
        raise UnusableInputError(
            location, f"cannot be read ({error.strerror})", "Copy the file and try again"
        ) from None
    if not head.strip():
        raise UnusableInputError(location, "the file is empty", "Export the list again")
    if head.startswith(_ZIP_MAGIC):
        return "zip"
    if head.startswith(_CFB_MAGIC):
        return "cfb"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")):
        raise UnusableInputError(
            location,
            "is a web page or XML file, not a workbook or CSV (some systems export these with an .xls name)",
            "Open it in Excel or LibreOffice and save it as .xlsx",
        )
    return "text"


def _open_workbook(path: Path, kind: str) -> calamine.CalamineWorkbook:
    """Open with calamine; by content when the extension lies (an .xls renamed .xlsx still opens)."""
    location = Location(str(path))
    matching_suffixes = {"zip": {".xlsx", ".xlsm", ".xlsb", ".ods"}, "cfb": {".xls"}}[kind]
    if kind == "zip":
        workbook_guard.check_archive(path)
    try:
        if path.suffix.lower() in matching_suffixes:
            return calamine.CalamineWorkbook.from_path(str(path))
        with path.open("rb") as handle:
            return calamine.CalamineWorkbook.from_filelike(handle)
    except calamine.PasswordError:
        raise _password_error(location) from None
    except calamine.CalamineError as error:
        if kind == "cfb" and _ENCRYPTED_STREAM in path.read_bytes():
            raise _password_error(location) from None
        raise UnusableInputError(
            location,
            f"not a workbook that can be read, damaged or of an unknown kind ({error})",
            "Open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None


def _password_error(location: Location) -> UnusableInputError:
    return UnusableInputError(
        location, "the workbook is protected with a password", "Save an unprotected copy and read that one"
    )


# --- Workbooks ----------------------------------------------------------------------------------------------------


def _choose_sheet(
    path: Path,
    workbook: calamine.CalamineWorkbook,
    sheet: str | int | None,
    overrides: Mapping[str, str] | None,
    required: tuple[Field, ...],
) -> tuple[str, _Grid]:
    """The sheet asked for, else the first whose header row is recognisable and has every required field."""
    names = list(workbook.sheet_names)
    if sheet is not None:
        name = _named_sheet(path, names, sheet)
        return name, _sheet_grid(path, workbook, name)
    extra = list((overrides or {}).values())
    fallback: tuple[int, str, _Grid] | None = None
    worksheets = [m.name for m in workbook.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet]
    for name in worksheets:
        grid = _sheet_grid(path, workbook, name)
        index, score = hdr.find_header_row(grid.top, extra)
        if score >= 2 and _has_required(grid, index, extra, overrides, required):
            return name, grid
        if score and (fallback is None or score > fallback[0]):
            fallback = (score, name, grid)
    if fallback is None:
        raise UnusableInputError(
            Location(str(path)),
            f"no sheet has a recognisable header row in its first {MAX_HEADER_SCAN} rows (sheets: {names})",
            'Choose the sheet with --sheet, or name a column with --map nik="Your header"',
        )
    return fallback[1], fallback[2]


def _has_required(
    grid: _Grid, index: int, extra: list[str], overrides: Mapping[str, str] | None, required: tuple[Field, ...]
) -> bool:
    cells, _ = hdr.combine_header_rows(grid.top, index, extra)
    try:
        return not hdr.map_headers(cells, overrides, required=required).missing(required)
    except hdr.HeaderMappingError:
        return False


def _named_sheet(path: Path, names: list[str], sheet: str | int) -> str:
    """A sheet by name, by loose name, or by 0-based index ("2" is an index unless a sheet is named "2")."""
    wanted = str(sheet).strip()
    if wanted in names:
        return wanted
    loose = [name for name in names if name.strip().casefold() == wanted.casefold()]
    if loose:
        return loose[0]
    if wanted.isdigit() and int(wanted) < len(names):
        return names[int(wanted)]
    listed = ", ".join(f"{i}: '{name}'" for i, name in enumerate(names))
    raise UnusableInputError(
        Location(str(path)), f"no sheet '{sheet}' (sheets: {listed})", "Give --sheet a name or number from that list"
    )


def _sheet_grid(path: Path, workbook: calamine.CalamineWorkbook, name: str) -> _Grid:
    workbook_guard.check_sheet(path, name)
    try:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except calamine.CalamineError as error:
        raise UnusableInputError(
            Location(str(path), name),
            f"the sheet cannot be read, the workbook may be damaged ({error})",
            "Open it in Excel or LibreOffice and save it again as .xlsx",
        ) from None
    top = [[_cell_text(value) for value in row] for row in rows[:MAX_HEADER_SCAN]]
    return _Grid(top=top, body_after=lambda last, _width: _sheet_body(rows, last), labels=column_letter)


def _sheet_body(rows: list[list[object]], last_header: int) -> _Body:
    """Rows below the header, converted column by column; ``to_python`` keeps row 1 at index 0."""
    below = rows[last_header + 1 :]
    width = max((len(row) for row in rows), default=0)
    columns = [list(column) for column in zip_longest(*below, fillvalue=None)]
    columns += [[None] * len(below) for _ in range(width - len(columns))]
    cells = [_object_array(_texts(column)) for column in columns]

    def numeric(j: int) -> np.ndarray:
        return np.fromiter((type(value) in (int, float) for value in columns[j]), dtype=bool, count=len(below))

    source_rows = np.arange(last_header + 2, last_header + 2 + len(below), dtype="int64")
    return _Body(cells=cells, source_rows=source_rows, numeric=numeric)


def _texts(column: list[object]) -> list[str]:
    return [value.strip(_WHITESPACE) if type(value) is str else _cell_text(value) for value in column]


def _cell_text(value: object) -> str:
    """A workbook cell as the text a user would type: whole numbers without ".0", dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip(_WHITESPACE)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return f"{int(value)}" if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def column_letter(index: int) -> str:
    """Excel's letters for a 0-based column index: 0 -> "A", 26 -> "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# --- CSV ----------------------------------------------------------------------------------------------------------


def _text_grid(path: Path) -> _Grid:
    raw, recoded_lines = text_encoding.repair(path.read_bytes())
    head, codec, bom_length = _decode_head(raw, Location(str(path)))
    sample = head[: _offset_after_lines(head[:MAX_SAMPLE_CHARS], 4 * MAX_HEADER_SCAN)]
    delimiter = _choose_delimiter(sample)
    records = _first_records(sample, delimiter)
    # Where the rows below each candidate header start, in bytes, so that pandas parses the raw file from there.
    starts = [bom_length + len(sample[: _offset_after_lines(sample, end)].encode(codec)) for _, end in records]

    def body_after(last_header: int, width: int) -> _Body:
        first_line = records[last_header][1] + 1
        body = _csv_body(path, raw[starts[last_header] :], codec, delimiter, width, first_line)
        body.recoded = text_encoding.recoded_rows(body.source_rows, recoded_lines)
        return _split_rows_in_one_cell(body, delimiter)

    top = [[cell.strip(_WHITESPACE) for cell in record] for record, _ in records]
    return _Grid(top=top, body_after=body_after, labels=lambda index: str(index + 1))


def _decode(raw: bytes, location: Location) -> tuple[str, str, int]:
    """The text, its codec and BOM length: a BOM decides; else UTF-8 if it decodes, else cp1252, else latin-1."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if raw.startswith(bom):
            try:
                return raw[len(bom) :].decode(codec), codec, len(bom)
            except UnicodeDecodeError as error:
                raise UnusableInputError(
                    location, f"the text is not valid {codec} ({error.reason})", "Save it again as CSV UTF-8"
                ) from None
    first_nul = raw.find(b"\x00")
    if first_nul >= 0:
        raise _nul_error(raw, first_nul, location)
    for codec in ("utf-8", "cp1252"):
        try:
            return raw.decode(codec), codec, 0
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1"), "latin-1", 0


def _decode_head(raw: bytes, location: Location) -> tuple[str, str, int]:
    """:func:`_decode`'s answer, with only the first :data:`MAX_SAMPLE_CHARS` characters of the text when possible.

    Bytes that are all ASCII after an optional UTF-8 BOM, with no NUL when there is no BOM, are UTF-8 to
    :func:`_decode` and one character each; their head alone is decoded then, so that a big export is not decoded
    in full for its first lines (pandas decodes it again as it parses).
    """
    bom_length = len(codecs.BOM_UTF8) if raw.startswith(codecs.BOM_UTF8) else 0
    ascii_only = np.frombuffer(raw, dtype=np.uint8, offset=bom_length).max(initial=0) < 0x80
    if ascii_only and (bom_length or b"\x00" not in raw):
        return raw[bom_length : bom_length + MAX_SAMPLE_CHARS].decode("ascii"), "utf-8", bom_length
    text, codec, bom_length = _decode(raw, location)
    return text[:MAX_SAMPLE_CHARS], codec, bom_length


def _nul_error(raw: bytes, first_nul: int, location: Location) -> UnusableInputError:
    """NUL bytes throughout are binary or UTF-16 without a BOM; a few are damage, shown on their line."""
    head = raw[:4096]
    if head.count(b"\x00") * 4 > len(head):
        return UnusableInputError(
            location,
            "binary content: not a workbook, nor text in a known encoding (UTF-16 without a BOM?)",
            "Save it as .xlsx or as CSV UTF-8",
        )
    line = raw.count(b"\n", 0, first_nul) + 1
    return UnusableInputError(
        Location(location.file, row=line),
        "NUL bytes (character 0) in the text, the first on this row: a damaged export",
        "Open it in Excel or LibreOffice and save it again as CSV UTF-8",
    )


_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def _offset_after_lines(text: str, lines: int) -> int:
    """Where line ``lines + 1`` starts (the end of the text if it has fewer lines)."""
    offset = 0
    for count, match in enumerate(_LINE_BREAK.finditer(text), start=1):
        offset = match.end()
        if count == lines:
            return offset
    return len(text)


def _first_records(sample: str, delimiter: str) -> list[tuple[list[str], int]]:
    """The first records of the sample, each with the physical line it ends on (1-based)."""
    reader = csv.reader(io.StringIO(sample, newline=None), delimiter=delimiter)
    records = []
    try:
        for record in reader:
            records.append((record, reader.line_num))
            if len(records) == MAX_HEADER_SCAN:
                break
    except csv.Error:
        pass  # a damaged line in the title block: the records before it still show the header
    return records


def _choose_delimiter(sample: str) -> str:
    """The delimiter under which a row looks most like a header; ties go to csv.Sniffer, then to line counts."""
    scores = {d: hdr.find_header_row([r for r, _ in _first_records(sample, d)], [])[1] for d in _DELIMITERS}
    best = max(scores.values())
    tied = [d for d in _DELIMITERS if scores[d] == best]
    if len(tied) == 1:
        return tied[0]
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed in tied:
        return sniffed
    return max(tied, key=lambda d: _steady_count(sample, d))


def _steady_count(sample: str, delimiter: str) -> int:
    """How many lines share the most common non-zero count of ``delimiter``: real delimiters recur steadily."""
    counts = [line.count(delimiter) for line in sample.splitlines()]
    nonzero = [count for count in counts if count]
    return max((nonzero.count(count) for count in set(nonzero)), default=0)


def _csv_body(path: Path, data: bytes, codec: str, delimiter: str, width: int, first_line: int) -> _Body:
    """Rows below the header with pandas' C parser; a ragged file falls back to the csv module.

    Per-cell work is kept to one ``str.strip()`` a cell. Each column that might hold a line break (only a quoted
    cell can) or a zero-width character is joined once and searched at C speed; only a column that holds a line
    break has its cells' breaks counted.
    """
    try:
        frame = _pandas_frame(data, codec, delimiter, width)
    except (pd.errors.ParserError, pd.errors.ParserWarning):
        return _ragged_csv_body(path, data.decode(codec), delimiter, width, first_line)
    quoted = b'"' in data
    zero_width_possible = _may_hold_zero_width(data, codec)
    extra_lines = np.zeros(len(frame), dtype="int64")
    longest_multiline = 0  # characters in the longest cell that holds a line break (line lengths do not bound it)
    cells = []
    for column in (frame[j].to_numpy(dtype=object) for j in range(width)):
        joined = "".join(column) if quoted or zero_width_possible else ""
        if "\n" in joined:
            breaks = np.fromiter((cell.count("\n") for cell in column), dtype="int64", count=len(column))
            extra_lines += breaks
            longest_multiline = max(longest_multiline, *map(len, column[breaks > 0]))
        cells.append(_stripped(column, zero_width=any(char in joined for char in _ZERO_WIDTH)))
    source_rows = first_line + np.arange(len(frame), dtype="int64") + np.cumsum(extra_lines) - extra_lines
    cells_fit = longest_multiline <= MAX_CELL_CHARS and _lines_fit_a_cell(data, codec)
    return _Body(cells=cells, source_rows=source_rows, cells_fit=cells_fit)


def _pandas_frame(data: bytes, codec: str, delimiter: str, width: int) -> pd.DataFrame:
    """The rows as text cells, "" where empty; raises ParserError or ParserWarning for a ragged file.

    pandas meets a row wider than ``names`` in one of three ways: an error, a silent shift of the first column
    into the index, or (with ``index_col=False``) a ParserWarning while it drops cells. The last two would lose or
    move data, so the index is turned off and the warning made an error: every ragged file takes the slow path.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        return pd.read_csv(
            io.BytesIO(data),
            sep=delimiter,
            header=None,
            names=range(width),
            index_col=False,
            dtype=object,
            na_filter=False,
            skip_blank_lines=False,
            encoding=codec,
            engine="c",
        )


def _lines_fit_a_cell(data: bytes, codec: str) -> bool:
    """Whether no line of ``data`` is longer than a spreadsheet cell may be: then no cell without a line break is.

    A run of ``2 * window - 1`` bytes or more covers a whole window aligned on a multiple of ``window``, so one
    look for a line feed per window (a few thousand C-speed searches for a big file) bounds every line to
    ``2 * window - 2`` bytes. In UTF-8 and the one-byte code pages a line feed byte is always a line feed and no
    character takes less than a byte; other codecs are not judged.
    """
    if codec not in ("utf-8", "cp1252", "latin-1"):
        return False
    window = (MAX_CELL_CHARS + 2) // 2
    starts = range(0, len(data) - window + 1, window)
    return all(data.find(b"\n", start, start + window) >= 0 for start in starts)


def _may_hold_zero_width(data: bytes, codec: str) -> bool:
    """Whether the text can hold a zero-width space or a BOM: never in ASCII or in a one-byte code page."""
    if codec in ("cp1252", "latin-1") or data.isascii():
        return False
    return codec != "utf-8" or any(char.encode("utf-8") in data for char in _ZERO_WIDTH)


def _stripped(column: np.ndarray, zero_width: bool) -> np.ndarray:
    """Every cell stripped of :data:`_WHITESPACE`; ``zero_width`` says whether a cell holds a zero-width character.

    ``str.strip()`` without arguments strips the same set save the zero-width characters, and is several times
    faster than ``strip(_WHITESPACE)``, which rebuilds its character set for every cell; the slow form is kept for a
    column that holds a zero-width character.
    """
    if zero_width:
        return _object_array([cell.strip(_WHITESPACE) for cell in column])
    return np.fromiter(map(str.strip, column), dtype=object, count=len(column))


def _ragged_csv_body(path: Path, text: str, delimiter: str, width: int, first_line: int) -> _Body:
    """The slow path for rows with more cells than headers: keep them, with the surplus in ``extra``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    strip = _strip_all if any(char in text for char in _ZERO_WIDTH) else _strip_but_zero_width
    records, source_rows = [], []
    line = first_line
    try:
        for record in reader:
            records.append(strip(record))
            source_rows.append(line)
            line = first_line + reader.line_num
    except csv.Error as error:
        raise UnusableInputError(
            Location(str(path), row=line), f"the CSV text cannot be parsed ({error})", "Save it again as CSV UTF-8"
        ) from None
    cells = [_object_array([record[j] if j < len(record) else "" for record in records]) for j in range(width)]
    extra = _object_array([delimiter.join(record[width:]) if any(record[width:]) else "" for record in records])
    return _Body(cells=cells, source_rows=np.array(source_rows, dtype="int64"), extra=extra)


def _strip_all(cells: Iterable[str]) -> list[str]:
    return [cell.strip(_WHITESPACE) for cell in cells]


def _strip_but_zero_width(cells: Iterable[str]) -> list[str]:
    """The same as :func:`_strip_all` for text without zero-width characters, and several times faster."""
    return list(map(str.strip, cells))


def _split_rows_in_one_cell(body: _Body, delimiter: str) -> _Body:
    """Rows pasted in from a file with another delimiter arrive whole in their first cell: split them with it.

    Only a row whose first cell splits into at least as many cells as there are headers is split, so that a lone
    note with a comma in it ("Blora, 15 Januari 2024") stays as it is.
    """
    width = len(body.cells)
    if width < 3:
        return body
    others = [d for d in _DELIMITERS if d != delimiter]
    first = body.cells[0]
    if not _holds_any(first, others):
        return body
    has_other = re.compile(f"[{re.escape(''.join(others))}]").search
    split_with = np.full(len(first), "", dtype=object)
    for i in [i for i, cell in enumerate(first) if has_other(cell)]:
        cell = first[i]
        if any(column[i] for column in body.cells[1:]):
            continue
        other = max(others, key=cell.count)
        record = next(csv.reader([cell], delimiter=other))
        if len(record) < width:
            continue
        for column, value in zip(body.cells, record, strict=False):
            column[i] = value.strip(_WHITESPACE)
        if len(record) > width:
            body.extra = body.extra if body.extra is not None else np.full(len(split_with), "", dtype=object)
            body.extra[i] = delimiter.join(record[width:])
        split_with[i] = other
    if (split_with != "").any():
        body.split_with = split_with
    return body


def _holds_any(column: np.ndarray, characters: Iterable[str]) -> bool:
    """Whether any cell holds one of ``characters``: one C-speed search of the joined column per character."""
    joined = "".join(column)
    return any(character in joined for character in characters)


def _object_array(texts: list[str]) -> np.ndarray:
    array = np.empty(len(texts), dtype=object)
    array[:] = texts
    return array


# --- From rows of text to a SourceTable ---------------------------------------------------------------------------


@dataclass
class _Header:
    """The header row found in a grid and the field of every column: all a body of rows below it needs."""

    path: Path
    sheet: str | None
    mapping: hdr.HeaderMapping
    labels: list[str]  # column index -> "C" or "3"
    last_header: int  # 0-based index of the last header row in the grid
    top: list[str]  # the header row's own cells, to spot repeated headers

    def table(self, body: _Body) -> ReadTable:
        """``body``'s rows, sorted into data and skipped rows, under this header."""
        _check_cell_lengths(self.path, self.sheet, body, self.mapping, self.labels)
        reasons = _skip_reasons(body.cells, self.top, self.mapping)
        keep = reasons == ""
        return ReadTable(
            path=self.path,
            sheet=self.sheet,
            header_row=self.last_header + 1,
            data=_data_frame(body, self.mapping, keep),
            columns=self.mapping.columns,
            column_letters={f.value: self.labels[column.index] for f, column in self.mapping.fields.items()},
            unmapped_headers=self.mapping.unmapped,
            skipped=_skipped_frame(body, reasons, ~keep),
            header_notes=self.mapping.notes,
            row_notes=_row_notes(body),
        )


def _find_header(
    path: Path,
    sheet: str | None,
    grid: _Grid,
    overrides: Mapping[str, str] | None,
    required: tuple[Field, ...],
) -> _Header:
    extra = list((overrides or {}).values())
    index, score = hdr.find_header_row(grid.top, extra)
    if score == 0:
        raise UnusableInputError(
            Location(str(path), sheet),
            f"no header row found in the first {MAX_HEADER_SCAN} rows: no cell reads like NIK, NAMA, TGL LAHIR, ...",
            'Put the column headers at the top, or name a column with --map nik="Your header"',
        )
    header_cells, last_header = hdr.combine_header_rows(grid.top, index, extra)
    location = Location(str(path), sheet, last_header + 1)
    labels = [grid.labels(j) for j in range(len(header_cells))]
    try:
        mapping = hdr.map_headers(header_cells, overrides, required=required, labels=labels)
    except hdr.HeaderMappingError as error:
        raise UnusableInputError(location, error.problem, error.fix) from None
    missing = mapping.missing(required)
    if missing:
        raise hdr.missing_field_error(missing, mapping, location)
    hidden_nik.check(path, sheet, mapping, grid.top[last_header + 1 :], labels, last_header + 1)
    return _Header(path, sheet, mapping, labels, last_header, grid.top[index])


def _table_from_grid(
    path: Path,
    sheet: str | None,
    grid: _Grid,
    overrides: Mapping[str, str] | None,
    required: tuple[Field, ...],
) -> ReadTable:
    header = _find_header(path, sheet, grid, overrides, required)
    return header.table(grid.body_after(header.last_header, len(header.labels)))


def _row_notes(body: _Body) -> pd.DataFrame | None:
    parts = [_split_row_notes(body), text_encoding.notes(body.source_rows, body.recoded)]
    parts = [part for part in parts if part is not None]
    return pd.concat(parts, ignore_index=True) if parts else None


def _split_row_notes(body: _Body) -> pd.DataFrame | None:
    if body.split_with is None:
        return None
    split = body.split_with != ""
    return _finding_rows(body.source_rows[split], OTHER_DELIMITER.code, [repr(d) for d in body.split_with[split]])


def _check_cell_lengths(
    path: Path, sheet: str | None, body: _Body, mapping: hdr.HeaderMapping, labels: list[str]
) -> None:
    """Refuse a cell no spreadsheet can hold, naming where it is, before any later stage chokes on it."""
    if body.cells_fit:
        return
    for column in mapping.fields.values():
        cells = body.cells[column.index]
        if max(map(len, cells), default=0) > MAX_CELL_CHARS:
            lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
            row = int(body.source_rows[lengths.argmax()])
            raise UnusableInputError(
                Location(str(path), sheet, row, f"{labels[column.index]} ({column.header})"),
                f"a cell of {lengths.max():,} characters, more than a spreadsheet cell holds ({MAX_CELL_CHARS:,}); "
                'an unclosed quote (") may have joined the rows below it into this cell',
                "Correct that cell in the file and save it again",
            )


def _data_frame(body: _Body, mapping: hdr.HeaderMapping, keep: np.ndarray) -> pd.DataFrame:
    """The data rows as a frame. Selecting rows with ``keep`` makes new arrays that nothing else holds, so the
    series and the frame take them without copying them again (a third of the time for a million rows)."""
    columns: dict[str, object] = {"source_row": body.source_rows[keep]}
    for target, column in mapping.fields.items():
        columns[target.value] = pd.Series(body.cells[column.index][keep], dtype=str, copy=False)
        if target in ID_FIELDS:
            columns[arrived_as_number(target)] = _arrived_as_number(body, column.index)[keep]
    if body.extra is not None and (body.extra != "").any():
        columns[EXTRA_COLUMN] = pd.Series(body.extra[keep], dtype=str, copy=False)
    return pd.DataFrame(columns, index=pd.RangeIndex(int(keep.sum())), copy=False)


def _arrived_as_number(body: _Body, index: int) -> np.ndarray:
    """A numeric cell, or text showing it went through a float ("3.31609E+15", "3316014503900000.0")."""
    column = body.cells[index]
    rendered = np.zeros(len(column), dtype=bool)
    if _holds_any(column, ".,eE"):  # no float is rendered without a point, a comma or an exponent
        others = np.flatnonzero(~_digit_cells(column))
        rendered[others] = [_FLOAT_RENDERING.fullmatch(cell) is not None for cell in column[others]]
    return rendered | body.numeric(index) if body.numeric is not None else rendered


def _digit_cells(column: np.ndarray) -> np.ndarray:
    """``cell.isdigit()`` per cell.

    Identifier columns are often all digits: one test of the joined column settles that case (then exactly the
    non-empty cells are digits). For ASCII text the bytes test is the same and several times faster.
    """
    joined = "".join(column)
    if joined.encode("ascii").isdigit() if joined.isascii() else joined.isdigit():
        return column != ""
    return np.fromiter(map(str.isdigit, column), dtype=bool, count=len(column))


def _skipped_frame(body: _Body, reasons: np.ndarray, skipped: np.ndarray) -> pd.DataFrame:
    keys = reasons[skipped]
    return pd.DataFrame(
        {
            "source_row": body.source_rows[skipped],
            "reason": pd.Series([SKIP_CODES[key].message_en for key in keys], dtype=str),
            "code": pd.Series([SKIP_CODES[key].code for key in keys], dtype=str),
            "text": pd.Series(
                [" | ".join(cell for cell in row if cell) for row in _rows(body.cells, skipped)], dtype=str
            ),
        }
    )


def _rows(cells: list[np.ndarray], which: np.ndarray) -> np.ndarray:
    """The chosen rows as a small 2-D array (only ever for the few rows that are not plain data)."""
    return np.column_stack([column[which] for column in cells]) if cells else np.empty((0, 0), dtype=object)


def _skip_reasons(cells: list[np.ndarray], header: list[str], mapping: hdr.HeaderMapping) -> np.ndarray:
    """Why each row below the header is not data ("" for a data row): see :mod:`row_kinds`."""
    if not cells or not len(cells[0]):
        return np.empty(0, dtype=object)
    return row_kinds.skip_reasons(
        cells, _filled_counts(cells), _column_has_digits(cells, mapping, Field.NIK), header, mapping
    )


def _filled_counts(cells: list[np.ndarray]) -> np.ndarray:
    """How many cells of each row are filled, counted only up to ``SPARSE_CELLS + 1``: no rule looks further.

    Column by column, stopping once every row is past that (most tables, after their first few columns), so that
    a wide table with a million rows costs a few columns' comparisons.
    """
    count = np.zeros(len(cells[0]), dtype="int64")
    for column in cells:
        count += column != ""
        if count.min() > row_kinds.SPARSE_CELLS:
            break
    return np.minimum(count, row_kinds.SPARSE_CELLS + 1)


def _column_has_digits(cells: list[np.ndarray], mapping: hdr.HeaderMapping, target: Field) -> np.ndarray:
    column = mapping.fields.get(target)
    if column is None:
        return np.zeros(len(cells[0]), dtype=bool)
    values = cells[column.index]
    has_digits = _digit_cells(values)
    others = np.flatnonzero(~has_digits & (values != ""))
    has_digits[others] = [_DIGIT.search(cell) is not None for cell in values[others]]
    return has_digits
