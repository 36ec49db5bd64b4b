"""Report writers: safe writing, formula neutralising, workbook layout, CSV/JSON, provenance and NIK masking."""

from __future__ import annotations

import doctest
import hashlib
import json
import os
import stat
import zipfile
from datetime import date, datetime
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpt_rutan import __version__
from dpt_rutan.errors import DptRutanError, UnusableInputError
from dpt_rutan.report import (
    EXCEL_MAX_ROWS,
    BarChartSpec,
    OutputError,
    SheetSpec,
    mask,
    neutralise_formulas,
    neutralise_text,
    open_output,
    safe_sheet_title,
    write_csv,
    write_json,
    write_text,
    write_workbook,
)
from dpt_rutan.report.mask import mask_nik, mask_nik_series
from dpt_rutan.report.provenance import Provenance, describe_input, file_digest

ABC_SHA256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2 test vector for "abc"
TRIGGERS = ["=", "+", "-", "@", "\t", "\r", "\x00"]


@pytest.fixture
def roster_file(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_bytes(b"abc")
    return path


def people() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "NIK": ["3316014503900001", "=1+1", None],
            "NAMA": ["Abdul-Rahman", "@SUM(A1:A9)", "-"],
            "UMUR": [33, 24, 51],
            "SALDO": [-5.5, np.nan, 2.0],
            "LAHIR": pd.to_datetime(["1990-03-12", None, "1973-01-01"]),
            "TELEPON": ["+6281234567890", "-5", "#N/A"],
        }
    )


def write_people_workbook(path: Path, inputs: list[Path], **sheet: object) -> None:
    write_workbook(
        path, [SheetSpec("Data", people(), text_columns=["NIK", "TELEPON"], **sheet)], inputs=inputs, provenance=None
    )


def names_in(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


class Unprintable:
    """A value that fails when a writer turns it into text: a crash in the middle of writing a report."""

    def __str__(self) -> str:
        raise RuntimeError("conversion failed")


# --- safe writing ----------------------------------------------------------------------------------------------


WRITERS = {
    "xlsx": lambda path, inputs: write_people_workbook(path, inputs),
    "csv": lambda path, inputs: write_csv(path, people(), inputs=inputs),
    "json": lambda path, inputs: write_json(path, {"rows": people()}, inputs=inputs),
    "txt": lambda path, inputs: write_text(path, "isi\n", inputs=inputs),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_report_is_owner_only_and_leaves_no_temporary_file(tmp_path: Path, roster_file: Path, kind: str) -> None:
    output = tmp_path / f"report.{kind}"
    output.write_text("an older report, readable by all")
    output.chmod(0o644)
    WRITERS[kind](output, [roster_file])
    assert stat.S_IMODE(os.stat(output).st_mode) == 0o600
    assert names_in(tmp_path) == sorted(["roster.csv", output.name])
    assert output.read_bytes() != b"an older report, readable by all"


def test_open_output_writes_through_a_private_temporary_file(tmp_path: Path) -> None:
    output = tmp_path / "report.txt"
    with open_output(output, inputs=[]) as handle:
        handle.write(b"half")
        (work,) = [entry for entry in tmp_path.iterdir()]
        assert work.name.startswith(".report.txt.") and work.suffix == ".part"
        assert stat.S_IMODE(work.stat().st_mode) == 0o700
        (temporary,) = [entry for entry in work.iterdir()]
        assert stat.S_IMODE(temporary.stat().st_mode) == 0o600
        assert not output.exists()
    assert output.read_bytes() == b"half"
    assert names_in(tmp_path) == ["report.txt"]


def test_failure_inside_open_output_keeps_the_old_report(tmp_path: Path) -> None:
    output = tmp_path / "report.txt"
    output.write_bytes(b"old")
    with pytest.raises(RuntimeError), open_output(output, inputs=[]) as handle:
        handle.write(b"new but unfinished")
        raise RuntimeError("crash")
    assert output.read_bytes() == b"old"
    assert names_in(tmp_path) == ["report.txt"]


@pytest.mark.parametrize(
    "write",
    [
        lambda path: write_csv(path, pd.DataFrame({"a": ["x"] * 5000 + [Unprintable()]}), inputs=[]),
        lambda path: write_workbook(
            path, [SheetSpec("Data", pd.DataFrame({"a": [1, object()]}))], inputs=[], provenance=None
        ),
    ],
    ids=["csv", "xlsx"],
)
def test_failure_while_converting_a_frame_keeps_the_old_report(tmp_path: Path, write) -> None:
    output = tmp_path / "report.out"
    output.write_bytes(b"old")
    with pytest.raises((RuntimeError, ValueError)):
        write(output)
    assert output.read_bytes() == b"old"
    assert names_in(tmp_path) == ["report.out"]


@pytest.mark.parametrize(
    "how", ["same path", "relative path", "output is a symlink", "input is a symlink", "hard link"]
)
def test_refuses_to_overwrite_an_input(tmp_path: Path, roster_file: Path, monkeypatch, how: str) -> None:
    output, given_input = roster_file, roster_file
    if how == "relative path":
        monkeypatch.chdir(tmp_path)
        output = Path("sub/../roster.csv")
        (tmp_path / "sub").mkdir()
    elif how == "output is a symlink":
        output = tmp_path / "link.csv"
        output.symlink_to(roster_file)
    elif how == "input is a symlink":
        given_input = tmp_path / "link.csv"
        given_input.symlink_to(roster_file)
    elif how == "hard link":
        output = tmp_path / "hard.csv"
        os.link(roster_file, output)
    for write in WRITERS.values():
        with pytest.raises(OutputError, match="is an input of this run") as caught:
            write(output, [given_input])
        assert caught.value.exit_code == 2 and "\n" not in str(caught.value)
    assert roster_file.read_bytes() == b"abc"


def test_missing_folder_is_reported_not_created(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="does not exist"):
        write_csv(tmp_path / "missing" / "report.csv", people(), inputs=[])
    assert not (tmp_path / "missing").exists()


def test_a_folder_is_not_a_report(tmp_path: Path) -> None:
    with pytest.raises(OutputError, match="is a folder"):
        write_csv(tmp_path, people(), inputs=[])
    assert isinstance(OutputError(tmp_path, "p", "f"), DptRutanError)


# --- formula injection -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_each_trigger_character_is_quoted(trigger: str) -> None:
    assert neutralise_text(f"{trigger}HYPERLINK(1)") == f"'{trigger}HYPERLINK(1)"


@pytest.mark.parametrize(
    "harmless",
    [
        "-5",
        "-1.234,5",
        "+6281234567890",
        "-",
        "Abdul-Rahman",
        "Jl. Mawar 5",
        "",
        "'=already quoted",
        "3316014503900001",
    ],
)
def test_real_values_are_left_alone(harmless: str) -> None:
    assert neutralise_text(harmless) == harmless


@pytest.mark.parametrize("risky", ["--", "-5\n", "+62 812-3456", "-5+A1", "-1e5", "=5"])
def test_near_numbers_that_are_not_plain_numbers_are_quoted(risky: str) -> None:
    assert neutralise_text(risky) == "'" + risky


def test_column_neutralising_keeps_numbers_and_index() -> None:
    mixed = pd.Series(["=cmd", -5, 2.5, None, "-7", "+x"], index=[3, 3, 1, 0, 9, 9], dtype=object)
    safe = neutralise_formulas(mixed)
    assert safe.tolist() == ["'=cmd", -5, 2.5, None, "-7", "'+x"]
    assert safe.index.tolist() == [3, 3, 1, 0, 9, 9]
    numbers = pd.Series([-1, 2])
    assert neutralise_formulas(numbers) is numbers
    texts = pd.Series(["@a", None, "b"], dtype="string")
    assert neutralise_formulas(texts).dtype == texts.dtype


@given(st.text())
def test_neutralising_only_ever_adds_one_quote(text: str) -> None:
    safe = neutralise_text(text)
    assert safe in (text, "'" + text)
    assert neutralise_text(safe) == safe


@given(st.lists(st.text(alphabet="=+-@\t\r\x00'0123456789.,aZ ", max_size=6), max_size=20))
def test_column_and_single_value_neutralising_agree(texts: list[str]) -> None:
    assert neutralise_formulas(pd.Series(texts, dtype=object)).tolist() == [neutralise_text(t) for t in texts]


# --- workbooks -------------------------------------------------------------------------------------------------


def test_no_cell_is_ever_a_formula_or_an_error(tmp_path: Path) -> None:
    frame = people().rename(columns={"NAMA": "=HEADER"})
    path = tmp_path / "report.xlsx"
    write_workbook(path, [SheetSpec("Data", frame, notes=["=NOTE()"])], inputs=[], provenance=None)
    sheet = openpyxl.load_workbook(path)["Data"]
    values = {cell.value: cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None}
    assert values["'=1+1"] == "s" and values["'@SUM(A1:A9)"] == "s" and values["'=HEADER"] == "s"
    assert values["'=NOTE()"] == "s" and values["#N/A"] == "s"
    assert values["-5"] == "s" and values["-"] == "s" and values["Abdul-Rahman"] == "s"
    assert "f" not in values.values() and "e" not in values.values()
    with zipfile.ZipFile(path) as archive:
        assert "<f>" not in archive.read("xl/worksheets/sheet1.xml").decode()


def test_identifier_columns_are_text_cells_formatted_as_text(tmp_path: Path) -> None:
    frame = pd.DataFrame({"NIK": ["3316014503900001", "9171011708450003"], "TPS": [901, 902], "JUMLAH": [1, 2]})
    path = tmp_path / "report.xlsx"
    write_workbook(path, [SheetSpec("Data", frame, text_columns=["NIK", "TPS", "NKK"])], inputs=[], provenance=None)
    sheet = openpyxl.load_workbook(path)["Data"]
    assert [(cell.value, cell.data_type, cell.number_format) for cell in sheet["A"][1:]] == [
        ("3316014503900001", "s", "@"),
        ("9171011708450003", "s", "@"),
    ]
    assert [cell.value for cell in sheet["B"][1:]] == ["901", "902"]
    assert [(cell.value, cell.data_type) for cell in sheet["C"][1:]] == [(1, "n"), (2, "n")]


def test_dates_are_real_dates_shown_day_first(tmp_path: Path) -> None:
    frame = pd.DataFrame(
        {
            "LAHIR": pd.to_datetime(["1990-03-12", None]),
            "MASUK": [date(2023, 7, 1), None],
            "DICETAK": pd.to_datetime(["2024-02-14 09:30", "2024-02-14 10:00"]).tz_localize("Asia/Jakarta"),
        }
    )
    path = tmp_path / "report.xlsx"
    write_workbook(path, [SheetSpec("Data", frame)], inputs=[], provenance=None)
    sheet = openpyxl.load_workbook(path)["Data"]
    born, admitted, printed = sheet["A2"], sheet["B2"], sheet["C2"]
    assert born.is_date and born.value == datetime(1990, 3, 12) and born.number_format == "dd-mm-yyyy"
    assert admitted.is_date and admitted.value == datetime(2023, 7, 1) and admitted.number_format == "dd-mm-yyyy"
    assert printed.value == datetime(2024, 2, 14, 9, 30) and printed.number_format == "dd-mm-yyyy hh:mm"
    assert sheet["A3"].value is None


def test_header_frozen_filtered_and_columns_fitted(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_workbook(
        path,
        [
            SheetSpec("Plain", people()),
            SheetSpec("Titled", people(), notes=["Daftar Pemilih Lokasi Khusus", "Rutan Kelas IIB Blora"]),
            SheetSpec("Long", pd.DataFrame({"x": ["a" * 500]})),
        ],
        inputs=[],
        provenance=None,
    )
    book = openpyxl.load_workbook(path)
    plain, titled = book["Plain"], book["Titled"]
    assert plain.freeze_panes == "A2" and plain.auto_filter.ref == "A1:F4"
    assert titled["A1"].value == "Daftar Pemilih Lokasi Khusus" and titled["A1"].font.bold
    assert titled["A4"].value == "NIK" and titled["A4"].font.bold
    assert titled.freeze_panes == "A5" and titled.auto_filter.ref == "A4:F7"
    assert plain.column_dimensions["A"].width == len("3316014503900001") + 2
    assert plain.column_dimensions["C"].width == 8  # "UMUR" plus room for the filter button, at least 8
    assert book["Long"].column_dimensions["A"].width == 60


def test_bar_chart_is_drawn_only_when_asked(tmp_path: Path) -> None:
    ballots = pd.DataFrame({"TPS": ["901", "902"], "PPWP": [120, 98], "DPR": [80, 75], "DPD": [110, 90]})
    chart = BarChartSpec("Surat suara per TPS", categories="TPS", series=["PPWP", "DPR", "DPD"], anchor="G2")
    path = tmp_path / "plan.xlsx"
    write_workbook(
        path,
        [SheetSpec("Rencana", ballots, text_columns=["TPS"], chart=chart), SheetSpec("Tanpa", ballots)],
        inputs=[],
        provenance=None,
    )
    book = openpyxl.load_workbook(path)
    (drawn,) = book["Rencana"]._charts
    assert drawn.tagname == "barChart" and len(drawn.series) == 3
    assert book["Tanpa"]._charts == []


def test_chart_columns_are_checked_when_the_sheet_is_described() -> None:
    ballots = pd.DataFrame({"TPS": ["901"], "PPWP": [120]})
    with pytest.raises(ValueError, match="no columns"):
        SheetSpec("Rencana", ballots, chart=BarChartSpec("x", categories="TPS", series=["DPR"]))
    with pytest.raises(ValueError, match="numeric"):
        SheetSpec("Rencana", ballots, chart=BarChartSpec("x", categories="PPWP", series=["TPS"]))


def test_control_characters_are_made_visible_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "report.xlsx"
    write_workbook(path, [SheetSpec("Data", pd.DataFrame({"NAMA": ["BUDI\x0bSANTOSO"]}))], inputs=[], provenance=None)
    assert openpyxl.load_workbook(path)["Data"]["A2"].value == "BUDI\ufffdSANTOSO"


def test_provenance_is_the_last_sheet_with_the_input_checksum(tmp_path: Path, roster_file: Path) -> None:
    provenance = Provenance.for_inputs(
        [(roster_file, 3)], profile="pemilu-2024", settings={"match": {"name_fuzzy": 0.92}, "tps": [901, 902]}
    )
    path = tmp_path / "report.xlsx"
    write_workbook(path, [SheetSpec("Data", people())], inputs=[roster_file], provenance=provenance)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Data", "Provenance"]
    rows = dict(book["Provenance"].iter_rows(min_row=2, values_only=True))
    assert rows["Berkas / Input 1: SHA-256"] == ABC_SHA256
    assert rows["Berkas / Input 1: lokasi / path"] == str(roster_file.resolve())
    assert rows["Berkas / Input 1: baris dibaca / rows read"] == "3"
    assert rows["Alat / Tool"] == f"dpt-rutan {__version__}"
    assert rows["Profil pemilu / Election profile"] == "pemilu-2024"
    assert rows["Pengaturan / Setting: match.name_fuzzy"] == "0.92"
    assert rows["Pengaturan / Setting: tps"] == "[901, 902]"


def test_sheet_titles_must_be_excel_safe_and_distinct(tmp_path: Path) -> None:
    assert safe_sheet_title("DPT: dikeluarkan [2024]?") == "DPT_ dikeluarkan _2024__"
    assert safe_sheet_title("'Rekap pemilih per TPS lokasi khusus 2024'") == "Rekap pemilih per TPS lokasi k"
    assert safe_sheet_title("History") == "History_"
    assert safe_sheet_title("") == "Sheet"
    with pytest.raises(ValueError, match="safe_sheet_title"):
        SheetSpec("DPT: dikeluarkan", people())
    with pytest.raises(ValueError, match="repeat"):
        write_workbook(
            tmp_path / "unused.xlsx",
            [SheetSpec("data", people()), SheetSpec("DATA", people())],
            inputs=[],
            provenance=None,
        )
    with pytest.raises(ValueError, match="repeat"):
        write_workbook(
            tmp_path / "unused.xlsx", [SheetSpec("Provenance", people())], inputs=[], provenance=Provenance()
        )


def test_a_sheet_too_long_for_excel_is_refused_before_writing(tmp_path: Path) -> None:
    frame = pd.DataFrame({"n": np.zeros(EXCEL_MAX_ROWS, dtype=np.int8)})
    with pytest.raises(OutputError, match="Excel holds 1,048,576"):
        write_workbook(tmp_path / "big.xlsx", [SheetSpec("Data", frame)], inputs=[], provenance=None)
    assert names_in(tmp_path) == []


# --- CSV, JSON, text -------------------------------------------------------------------------------------------


def test_csv_has_bom_crlf_and_neutralised_cells(tmp_path: Path) -> None:
    path = tmp_path / "report.csv"
    write_csv(path, people().rename(columns={"NAMA": "@NAMA"}), inputs=[])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfNIK,'@NAMA,") and raw.count(b"\r\n") == 4
    back = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert back["NIK"].tolist() == ["3316014503900001", "'=1+1", ""]
    assert back["'@NAMA"].tolist() == ["Abdul-Rahman", "'@SUM(A1:A9)", "-"]
    assert back["TELEPON"].tolist() == ["+6281234567890", "-5", "#N/A"]
    assert back["SALDO"].tolist() == ["-5.5", "", "2.0"]
    assert back["LAHIR"].tolist() == ["1990-03-12", "", "1973-01-01"]


def test_json_is_plain_utf8_with_iso_dates_and_nulls(tmp_path: Path, roster_file: Path) -> None:
    provenance = Provenance.for_inputs([(roster_file, 1)])
    payload = {
        "rows": people().assign(NAMA=["Siti Nurhaliza", "Ñoño", "Ahmad"]),
        "count": np.int64(3),
        "share": np.float64("nan"),
        "voting_day": date(2024, 2, 14),
        "tps": np.array([901, 902]),
    }
    path = tmp_path / "report.json"
    write_json(path, payload, inputs=[roster_file], provenance=provenance)
    text = path.read_text(encoding="utf-8")
    assert "Ñoño" in text and "NaN" not in text
    document = json.loads(text)
    assert document["rows"][0] == {
        "NIK": "3316014503900001",
        "NAMA": "Siti Nurhaliza",
        "UMUR": 33,
        "SALDO": -5.5,
        "LAHIR": "1990-03-12",
        "TELEPON": "+6281234567890",
    }
    assert document["rows"][1]["SALDO"] is None and document["rows"][1]["LAHIR"] is None
    assert document["rows"][1]["NIK"] == "=1+1"  # JSON is not opened by a spreadsheet: values stay exact
    assert (document["count"], document["share"], document["voting_day"]) == (3, None, "2024-02-14")
    assert document["tps"] == [901, 902]
    assert document["provenance"]["inputs"][0]["sha256"] == ABC_SHA256
    with pytest.raises(ValueError, match="provenance"):
        write_json(path, {"provenance": {}}, inputs=[], provenance=provenance)


def test_json_refuses_what_it_cannot_represent(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="object"):
        write_json(tmp_path / "report.json", {"x": object()}, inputs=[])
    assert names_in(tmp_path) == []


# --- provenance ------------------------------------------------------------------------------------------------


def test_file_digest_streams_large_files(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    content = os.urandom(3 * 1024 * 1024 + 17)
    path.write_bytes(content)
    assert file_digest(path) == hashlib.sha256(content).hexdigest()


def test_provenance_records_the_run(roster_file: Path) -> None:
    provenance = Provenance.for_inputs([(roster_file, None)], profile="pilkada-2024")
    (source,) = provenance.inputs
    assert (source.name, source.size_bytes, source.sha256, source.rows_read) == ("roster.csv", 3, ABC_SHA256, None)
    assert provenance.version == __version__ and provenance.created_at.tzinfo is not None
    assert "Berkas / Input 1: baris dibaca / rows read" not in dict(provenance.rows())


def test_an_input_gone_before_its_checksum_is_unusable(tmp_path: Path) -> None:
    with pytest.raises(UnusableInputError, match=r"gone\.csv"):
        describe_input(tmp_path / "gone.csv")


# --- masking ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("3316014503900001", "3316********0001"),
        ("3316010101080004", "3316********0004"),  # an NKK has the same shape
        ("3316 0145 0390 0001", "3316 **** **** 0001"),
        ("331601450390001", "3316*******0001"),
        ("123456789", "1234*6789"),
        ("12345678", "********"),
        ("0", "*"),
        ("BELUM ADA", "BELUM ADA"),
        ("3316********0001", "3316********0001"),  # already masked by KPU: nothing more to hide
        ("33160145039xxxxx", "3316*******xxxxx"),
        ("", ""),
    ],
)
def test_mask_nik(value: str, masked: str) -> None:
    assert mask_nik(value) == masked


def test_mask_series_keeps_empty_cells_and_dtype() -> None:
    values = pd.Series(["3316014503900001", None, "12", "3316 0145 0390 0001"], index=[5, 5, 2, 0], dtype="string")
    masked = mask_nik_series(values)
    assert masked.dtype == values.dtype and masked.index.tolist() == [5, 5, 2, 0]
    assert masked.tolist() == ["3316********0001", pd.NA, "**", "3316 **** **** 0001"]
    assert mask_nik_series(pd.Series([3316014503900001], dtype=object)).tolist() == ["3316********0001"]


def test_mask_module_examples_hold() -> None:
    assert doctest.testmod(mask).failed == 0


@given(st.lists(st.one_of(st.text(alphabet="0123456789 -*xA", max_size=20), st.from_regex(r"\d{16}", fullmatch=True))))
def test_masking_hides_all_but_eight_digits_and_keeps_the_shape(values: list[str]) -> None:
    masked = mask_nik_series(pd.Series(values, dtype=object)).tolist()
    assert masked == [mask_nik(value) for value in values]
    for value, hidden in zip(values, masked, strict=True):
        assert len(hidden) == len(value)
        assert all(h == v or (v.isdigit() and h == "*") for h, v in zip(hidden, value, strict=True))
        assert sum(c.isdigit() for c in hidden) <= 8
        if len(value) == 16 and value.isdigit():
            assert hidden == value[:4] + "********" + value[-4:]
