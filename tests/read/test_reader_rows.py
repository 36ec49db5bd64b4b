"""Odd rows through the readers and the CLI: a lone '""' line, sparse inmates, totals, sections, hidden NIKs."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.read import reader

runner = CliRunner()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
SITE = EXAMPLES / "site_rutan_blora.toml"
KPU_HEADER = "NIK;NKK;NAMA;TEMPAT LAHIR;TANGGAL LAHIR;JENIS KELAMIN;KECAMATAN;KELURAHAN;TPS"


def _one_line_exit_2(result) -> str:
    assert result.exit_code == 2, result.output
    assert len(result.output.strip().splitlines()) == 1 and "Traceback" not in result.output, result.output
    return result.output


@pytest.mark.parametrize("command", ["validate", "reconcile", "missing-nik"])
def test_a_kpu_extract_of_a_header_and_one_empty_quoted_line(tmp_path, command):
    kpu = tmp_path / "dpt.csv"
    kpu.write_text(KPU_HEADER + '\n""\n', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    args = {
        "validate": [kpu],
        "reconcile": [ROSTER, kpu, "--site", SITE, "-o", out],
        "missing-nik": [ROSTER, "--kpu", kpu, "--site", SITE, "-o", out],
    }[command]
    result = runner.invoke(app, [command, *map(str, args)])
    if command == "validate":
        assert result.exit_code == 1 and "NO_DATA_ROWS" in result.output, result.output
    else:
        assert "dpt.csv" in _one_line_exit_2(result)


def test_a_lone_empty_quoted_line_before_the_voters_is_set_aside(tmp_path):
    kpu = tmp_path / "dpt.csv"
    voter = "3316090311780001;3316090101080001;BUDI;BLORA;03-11-1978;L;BLORA;KAUMAN;901"
    kpu.write_text(KPU_HEADER + '\n""\n' + voter + "\n", encoding="utf-8")
    result = runner.invoke(
        app, ["reconcile", str(ROSTER), str(kpu), "--site", str(SITE), "-o", str(tmp_path / "o.xlsx")]
    )
    assert result.exit_code in (0, 1), result.output


HEADER = ["NO", "NO. REGISTRASI", "NAMA", "NIK", "TEMPAT LAHIR", "TGL LAHIR", "JK", "ALAMAT"]
PEOPLE = [
    [1, "B.I-001/2023", "BUDI SANTOSO", "3316011203900001", "Blora", "12-03-1990", "L", "Jl. Pemuda 3"],
    [2, "A.II-014/2024", "SRI WAHYUNI", "3316015507850002", "Cepu", "15-07-1985", "P", "Ds. Jepon"],
    [3, "B.I-007/2023", "ANDI", "3316010201790003", "Rembang", "02-01-1979", "L", "Ds. Kunduran"],
]
SIGNATURE = [
    [],
    [None, None, None, None, None, None, None, "Blora, 15 Januari 2024"],
    [None, None, None, None, None, None, None, "KEPALA RUTAN KELAS IIB BLORA"],
    [],
    [None, None, None, None, None, None, None, "SUPRIYANTO, S.H., M.H."],
    [None, None, None, None, None, None, None, "NIP. 19750101 200003 1 001"],
]


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "WBP"
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _statuses_total(result) -> int:
    assert result.exit_code in (0, 1), result.output
    line = next(line for line in result.output.splitlines() if "rows read = sum of statuses" in line)
    return int(line.split("│")[-2])


def test_new_detainees_with_only_a_name_and_a_sex_after_a_subtotal_get_a_status(tmp_path):
    sparse = [[4, None, "YANTO", None, None, None, "L", None], [5, None, "SITI AMINAH", None, None, None, "P", None]]
    rows = [HEADER, *PEOPLE, ["SUB TOTAL", None, None, None, None, None, None, 3], *sparse, *SIGNATURE]
    roster = _xlsx(tmp_path / "wbp.xlsx", rows)
    table = reader.read_table(roster)
    assert table.data["name"].tolist() == ["BUDI SANTOSO", "SRI WAHYUNI", "ANDI", "YANTO", "SITI AMINAH"]
    skipped = dict(zip(table.skipped["source_row"], table.skipped["code"], strict=True))
    assert skipped[5] == "SKIPPED_TOTAL_ROW"
    assert [skipped[row] for row in (9, 10, 12, 13)] == ["SKIPPED_SIGNATURE"] * 4
    out = tmp_path / "hasil.xlsx"
    result = runner.invoke(
        app, ["reconcile", str(roster), str(EXAMPLES / "dpt_kpu_blora.csv"), "--site", str(SITE), "-o", str(out)]
    )
    assert _statuses_total(result) == 5


def test_a_lone_name_right_after_the_signing_title_is_the_signatory_not_an_inmate(tmp_path):
    rows = [HEADER, *PEOPLE, [None, None, "Mengetahui,"], [None, None, "Kepala Rutan"], [None, None, "SUPRIYANTO"]]
    table = reader.read_table(_xlsx(tmp_path / "wbp.xlsx", rows))
    assert table.data["name"].tolist() == ["BUDI SANTOSO", "SRI WAHYUNI", "ANDI"]
    assert table.skipped["code"].tolist() == ["SKIPPED_SIGNATURE"] * 3


def test_totals_rows_in_any_column_are_set_aside_never_an_inmate_called_jumlah(tmp_path):
    rows = [
        HEADER,
        ["TAHANAN"],
        PEOPLE[0],
        [None, None, "JUMLAH", None, None, None, None, 150],
        [None, None, None, "JUMLAH WBP : 150"],
        [None, None, "JUMLAH PEMILIH", "2"],
        ["KAMAR 3"],
        PEOPLE[1],
        [None, None, None, None, None, None, "BLOK A"],
        HEADER,
        PEOPLE[2],
        ["TOTAL", None, None, None, None, None, None, "L: 2, P: 1"],
    ]
    roster = _xlsx(tmp_path / "wbp.xlsx", rows)
    table = reader.read_table(roster)
    assert table.data["name"].tolist() == ["BUDI SANTOSO", "SRI WAHYUNI", "ANDI"]
    assert table.skipped[["source_row", "code"]].values.tolist() == [
        [2, "SKIPPED_SECTION_ROW"],
        [4, "SKIPPED_TOTAL_ROW"],
        [5, "SKIPPED_TOTAL_ROW"],
        [6, "SKIPPED_TOTAL_ROW"],
        [7, "SKIPPED_SECTION_ROW"],
        [9, "SKIPPED_SECTION_ROW"],
        [10, "SKIPPED_REPEATED_HEADER"],
        [12, "SKIPPED_TOTAL_ROW"],
    ]
    out = tmp_path / "perekaman.xlsx"
    result = runner.invoke(app, ["missing-nik", str(roster), "--site", str(SITE), "-o", str(out)])
    assert result.exit_code == 0, result.output  # nobody listed for Dukcapil recording: JUMLAH is no inmate
    result = runner.invoke(
        app,
        [
            "reconcile",
            str(roster),
            str(EXAMPLES / "dpt_kpu_blora.csv"),
            "--site",
            str(SITE),
            "-o",
            str(tmp_path / "h.xlsx"),
        ],
    )
    assert _statuses_total(result) == 3


def test_totals_and_signature_rows_read_the_same_in_blocks(tmp_path):
    from dpt_rutan.read.stream import TableBlocks, read_whole

    lines = [";".join(HEADER)]
    for n in range(60):
        lines.append(f"{n};R{n};NAMA {n};33160112039{n:05d};Blora;12-03-1990;L;Jl. {n}")
        if n % 7 == 0:
            lines += [";;JUMLAH;;;;;7", ";;;JUMLAH WBP : 7", f"{n}b;;BARU {n};;;;P;", ";;;;;;;Blora, 1 Februari 2024"]
            lines += [";;;;;;;KEPALA RUTAN", ";;PAK KEPALA", ";;;NIP. 19750101 200003 1 001", "KAMAR 2"]
    path = tmp_path / "wbp.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    whole = reader.read_table(path)
    assert whole.skipped["code"].value_counts().to_dict() == {
        "SKIPPED_TOTAL_ROW": 18,
        "SKIPPED_SIGNATURE": 36,
        "SKIPPED_SECTION_ROW": 9,
    }
    assert len(whole.data) == 69
    for block_bytes in (64, 700, 4096):
        blocks = read_whole(TableBlocks(path, block_bytes=block_bytes))
        pd.testing.assert_frame_equal(blocks.data, whole.data)
        pd.testing.assert_frame_equal(blocks.skipped, whole.skipped)


@pytest.mark.parametrize(
    "header, niks",
    [
        ("Nomor Identitas", ["3316011203900001", "3316015507850002", "3316010201790003"]),
        ("No. Identitas Kependudukan", [3316011203900001, "3316xxxxxxxx0002", "3.31601E+15"]),
    ],
)
def test_niks_under_an_unknown_header_stop_the_run_with_the_map_to_use(tmp_path, header, niks):
    rows = [["NO", "NAMA", header, "JK"]] + [[n + 1, f"ORANG {n}", nik, "L"] for n, nik in enumerate(niks)]
    roster = _xlsx(tmp_path / "wbp.xlsx", rows)
    result = runner.invoke(app, ["validate", str(roster)])
    line = _one_line_exit_2(result)
    for part in ("wbp.xlsx", "sheet 'WBP'", f"column C ('{header}')", f'--map nik="{header}"'):
        assert part in line, line
    result = runner.invoke(app, ["validate", str(roster), "--map", f"nik={header}"])
    assert result.exit_code in (0, 1), result.output
    assert reader.read_table(roster, mapping={"nik": header}).data["nik"].tolist()[0] == "3316011203900001"


def test_a_column_of_other_numbers_under_an_unknown_header_is_left_alone(tmp_path):
    rows = [["NAMA", "No. HP", "JK"], ["BUDI", "081234567890", "L"], ["SRI", "0857-1234-5678", "P"]]
    assert reader.read_table(_xlsx(tmp_path / "wbp.xlsx", rows)).data["name"].tolist() == ["BUDI", "SRI"]
