"""KPU extracts as the field sends them: bad birth dates, masked NIKs, no regency column, empty frames."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from dpt_rutan import listing, regions
from dpt_rutan.cli import app
from dpt_rutan.commands.reconcile.run import reconcile
from dpt_rutan.election import load_profile
from dpt_rutan.read import title_block
from dpt_rutan.site import load_site

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
DUKCAPIL = EXAMPLES / "dukcapil_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def kpu_rows() -> list[list[str]]:
    with KPU.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle, delimiter=";"))


def write_kpu(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(rows)
    return path


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (pd.Series([], dtype=object), pd.Series([], dtype=object)),
        (pd.Series([], dtype=float), pd.Series([], dtype="string")),
    ],
)
def test_region_lookups_take_empty_frames(first, second):
    assert regions.find_regency_codes(first, second).empty
    assert regions.find_district_codes(first, second).empty


def test_region_lookups_answer_each_row_of_repeated_pairs():
    regency = pd.Series(["33.16", "", "33.16", "33.16"])
    district = pd.Series(["Kec. Blora", "Blora", "JATI", "Kec. Blora"])
    assert regions.find_district_codes(regency, district).tolist() == ["33.16.09", "", "33.16.01", "33.16.09"]


@pytest.mark.parametrize("unparsed", ["-", "00-00-0000", "31-02-1985"])
def test_a_kpu_birth_date_that_does_not_parse_is_no_crash(tmp_path, unparsed):
    rows = kpu_rows()
    column = rows[0].index("TANGGAL LAHIR")
    for row in rows[5], rows[40]:
        row[column] = unparsed
    kpu = write_kpu(tmp_path / "dpt.csv", rows)
    result = run("reconcile", ROSTER, kpu, "--site", SITE)
    assert result.exit_code == 0, result.output
    assert "150 rows read = sum of statuses" in result.output


def test_a_dukcapil_birth_date_that_does_not_parse_is_no_crash(tmp_path):
    with DUKCAPIL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    column = rows[0].index("TGL_LHR")
    rows[5][column], rows[8][column] = "-", "00-00-0000"
    dukcapil = tmp_path / "dukcapil.csv"
    with dukcapil.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    result = run("reconcile", ROSTER, KPU, "--dukcapil", dukcapil, "--site", SITE)
    assert result.exit_code == 0, result.output


# --- where a KPU voter is listed: the extract's own columns, never the NIK -------------------------------------


def _reconcile(kpu: Path, **site_changes):
    site = load_site(SITE)
    return reconcile(
        ROSTER,
        kpu,
        dukcapil_path=DUKCAPIL,
        site=site.model_copy(update=site_changes) if site_changes else site,
        profile=load_profile("pemilu2024"),
    )


@pytest.fixture(scope="module")
def original_statuses() -> pd.Series:
    return _reconcile(KPU).decisions.set_index("source_row")["status"]


def _without(rows: list[list[str]], header: str) -> list[list[str]]:
    column = rows[0].index(header)
    return [row[:column] + row[column + 1 :] for row in rows]


def _masked(rows: list[list[str]], *headers: str, keep: int = 12) -> list[list[str]]:
    """The last digits of NIK and NKK as asterisks, as KPU's published lists show them."""
    columns = [rows[0].index(header) for header in headers]
    masked = [list(row) for row in rows]
    for row in masked[1:]:
        for column in columns:
            row[column] = row[column][:keep] + "*" * (16 - keep)
    return masked


def _changed(statuses: pd.Series, original: pd.Series) -> dict[int, tuple[str, str]]:
    differs = statuses != original
    return {int(row): (original[row], statuses[row]) for row in statuses[differs].index}


def test_no_regency_column_places_rows_in_the_sites_regency(tmp_path, original_statuses):
    kpu = write_kpu(tmp_path / "dpt.csv", _without(kpu_rows(), "KABUPATEN/KOTA"))
    result = _reconcile(kpu)
    assert _changed(result.decisions.set_index("source_row")["status"], original_statuses) == {}
    assert any("Kab. Blora" in note and "situs" in note for note in result.notes)
    listed = result.kpu.frame
    at_901 = listed[listed["tps"].str.contains("901")]
    assert set(at_901["listed_district"]) == {"33.16.09"}  # Kec. Blora, whatever kecamatan their NIKs name


def test_inmates_at_the_prisons_tps_stay_registered_here_without_a_regency_column(tmp_path):
    """The bug: unresolved names fell back to the NIK's kecamatan, and inmates listed at TPS 901 were told to move."""
    kpu = write_kpu(tmp_path / "dpt.csv", _without(kpu_rows(), "KABUPATEN/KOTA"))
    result = run("reconcile", ROSTER, kpu, "--site", SITE)
    assert result.exit_code == 0, result.output
    assert re.search(r"REGISTERED_HERE\s+│[^│]+│ 46 ", result.output), result.output


def test_masked_extract_without_regency_gives_the_same_statuses(tmp_path, original_statuses):
    rows = _masked(_without(kpu_rows(), "KABUPATEN/KOTA"), "NIK", "NKK")
    kpu = write_kpu(tmp_path / "dpt.csv", rows)
    changed = _changed(_reconcile(kpu).decisions.set_index("source_row")["status"], original_statuses)
    # Row 68 is listed twice by KPU, at TPS 901 and at home: with its own NIK both rows are one person listed twice;
    # masked, the two rows tie and go to review (match.py's rule for one person listed twice asks an exact NIK).
    assert changed == {68: ("REGISTERED_HERE", "NEEDS_REVIEW")}


def test_kecamatan_names_shared_across_regencies_are_looked_up_in_the_files_regency():
    frame = pd.DataFrame({"district": ["JATI", "Kec. Jati", "BLORA", "NOWHERE"], "source_row": [2, 3, 4, 5]})
    blora = listing.listed_location(frame, listing.ExtractRegency("33.16", "situs"))
    kudus = listing.listed_location(frame, listing.ExtractRegency("33.19", "nama berkas"))
    assert blora["listed_district"].tolist() == ["33.16.01", "33.16.01", "33.16.09", ""]
    assert (
        kudus["listed_district"][0].startswith("33.19.") and kudus["listed_district"][0] == kudus["listed_district"][1]
    )


def test_a_regency_column_wins_over_the_file_and_an_unknown_one_is_not_replaced():
    frame = pd.DataFrame({"regency": ["KUDUS", "", "ATLANTIS"], "district": ["JATI", "JATI", "JATI"]})
    found = listing.listed_location(frame, listing.ExtractRegency("33.16", "situs"))
    assert found["listed_regency"].tolist() == ["33.19", "33.16", ""]
    assert found["listed_district"].tolist()[1:] == ["33.16.01", ""]


def test_the_file_name_names_the_regency():
    assert listing.regency_in_file_name(Path("DPT_KAB_BLORA_2024.xlsx")) == "33.16"
    assert listing.regency_in_file_name(Path("dpt kota semarang.csv")) == "33.74"
    assert listing.regency_in_file_name(Path("A-Daftar Pemilih.xlsx")) == ""


def test_most_niks_name_the_regency_as_a_last_resort_and_it_is_said(tmp_path):
    from collections import Counter

    found = listing.extract_regency(Path("dpt.csv"), frozenset({"33.16", "33.74"}), Counter({"33.16": 9, "33.22": 2}))
    assert found == listing.ExtractRegency("33.16", "NIK terbanyak")
    assert "tebakan terakhir" in found.note()


def test_unresolved_kecamatan_is_said_before_deciding(tmp_path):
    rows = _without(kpu_rows(), "KABUPATEN/KOTA")
    column = rows[0].index("KECAMATAN")
    for row in rows[1:]:
        if row[column] == "BLORA":
            row[column] = "BLORRA"
    result = run("reconcile", ROSTER, write_kpu(tmp_path / "dpt.csv", rows), "--site", SITE, "-o", tmp_path / "o.xlsx")
    assert result.exit_code == 0, result.output
    assert "BLORRA" in result.output and "tidak ditebak dari NIK" in result.output
    findings = pd.read_excel(tmp_path / "o.xlsx", sheet_name="Temuan data", dtype=str, engine="openpyxl")
    assert (findings["code"] == "KPU_LOCATION_UNRESOLVED").sum() > 0


@pytest.mark.parametrize(
    ("option", "value", "listed"), [("--tps", "902", "901"), ("--district-code", "33.16.08", "901 (Kec. Blora)")]
)
def test_a_site_tps_the_extract_does_not_have_is_said_loudly(tmp_path, option, value, listed):
    result = run("reconcile", ROSTER, KPU, "--site", SITE, option, value, "-o", tmp_path / "o.xlsx")
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "PERHATIAN" in flat and listed in flat
    findings = pd.read_excel(tmp_path / "o.xlsx", sheet_name="Temuan data", dtype=str, engine="openpyxl")
    assert (findings["code"] == "SITE_TPS_NOT_IN_EXTRACT").sum() == 1


def test_the_right_site_tps_says_nothing():
    result = run("reconcile", ROSTER, KPU, "--site", SITE)
    assert "PERHATIAN" not in result.output


# --- KPU files as KPU hands them out: per-kelurahan workbooks, one sheet per TPS, title block, folders ----------

_PLACE = ("KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "PROVINSI", "TPS")


def _by_kelurahan(rows: list[list[str]]) -> dict[tuple[str, str], dict[str, list[list[str]]]]:
    index = {name: column for column, name in enumerate(rows[0])}
    groups: dict[tuple[str, str], dict[str, list[list[str]]]] = {}
    for row in rows[1:]:
        place = (row[index["KECAMATAN"]], row[index["KELURAHAN"]])
        groups.setdefault(place, {}).setdefault(row[index["TPS"]], []).append(row)
    return groups


def _title(kecamatan: str, kelurahan: str, tps: str, style: int) -> list[list[str]]:
    """Title blocks in the shapes SIDALIH exports and offices retype: label and value in one cell, in three, or
    several labels on a line; with or without KABUPATEN and TPS (the sheet name then says it)."""
    if style == 0:
        return [
            ["MODEL A-DAFTAR PEMILIH"],
            ["PROVINSI", ":", "JAWA TENGAH"],
            ["KABUPATEN/KOTA : BLORA"],
            ["KECAMATAN", f": {kecamatan}"],
            [f"DESA/KELURAHAN : {kelurahan}"],
            [],
        ]
    if style == 1:
        return [
            ["DAFTAR PEMILIH TETAP PEMILU 2024"],
            [f"KECAMATAN : {kecamatan}", "", "", f"KELURAHAN/DESA : {kelurahan}"],
            [f"TPS : {tps}"],
        ]
    return [["PROV : JAWA TENGAH", "", "KAB. : BLORA"], [f"KEC : {kecamatan}"], [f"DESA : {kelurahan}"], []]


def write_kpu_folder(folder: Path, rows: list[list[str]]) -> Path:
    """The example extract as a regency hands it over: one workbook per kelurahan, one sheet per TPS, the location
    in each sheet's title block and name, a footer counting the voters, no location columns."""
    folder.mkdir()
    columns = [column for column, name in enumerate(rows[0]) if name not in _PLACE]
    for number, ((kecamatan, kelurahan), by_tps) in enumerate(sorted(_by_kelurahan(rows).items())):
        workbook = openpyxl.Workbook()
        workbook.remove(workbook.active)
        for tps, voters in sorted(by_tps.items()):
            sheet = workbook.create_sheet(f"TPS {tps}")
            for line in _title(kecamatan, kelurahan, tps, number % 3):
                sheet.append(line)
            sheet.append([rows[0][column] for column in columns])
            for voter in voters:
                sheet.append([voter[column] for column in columns])
            sheet.append([f"JUMLAH PEMILIH : {len(voters)}"])
        if number == 0:
            workbook.create_sheet("PETUNJUK").append(["Daftar ini dicetak dari SIDALIH."])
        workbook.save(folder / f"A-DAFTAR PEMILIH {kelurahan}.xlsx")
    (folder / "catatan.pdf").write_bytes(b"%PDF-1.4")
    return folder


def _kpu_side(result) -> list[tuple[str, str, str]]:
    kpu = result.kpu.frame.set_index("source_row")
    side = result.kpu_side
    rows = side["source_row"]
    return sorted(zip(side["status"], rows.map(kpu["nik_clean"]), rows.map(kpu["name"]), strict=True))


@pytest.fixture(scope="module")
def original():
    return _reconcile(KPU)


def test_a_folder_of_per_kelurahan_workbooks_gives_the_same_answer(tmp_path, original):
    folder = write_kpu_folder(tmp_path / "dpt_kab", kpu_rows())
    result = _reconcile(folder)
    statuses = result.decisions.set_index("source_row")["status"]
    assert _changed(statuses, original.decisions.set_index("source_row")["status"]) == {}
    assert _kpu_side(result) == _kpu_side(original)
    assert result.kpu_rows_read == original.kpu_rows_read
    parts = result.kpu_parts
    read = parts[parts["STATUS"] == "dibaca"]
    assert len(read) == 18 and read["BARIS DATA"].sum() == original.kpu_rows_read
    assert (read["BARIS BUKAN DATA"] == 1).all()  # each sheet's footer, set aside and counted
    skipped = dict(zip(parts.loc[parts["STATUS"] == "dilewati", "LEMBAR"], parts["KETERANGAN"], strict=False))
    assert set(parts.loc[parts["STATUS"] == "dilewati", "BERKAS"]) == {"catatan.pdf", "A-DAFTAR PEMILIH BANJAREJO.xlsx"}
    assert "PETUNJUK" in skipped


def test_the_cli_reads_a_folder_and_names_each_kpu_rows_file_sheet_and_row(tmp_path):
    folder = write_kpu_folder(tmp_path / "dpt_kab", kpu_rows())
    out = tmp_path / "hasil.xlsx"
    result = run("reconcile", ROSTER, folder, "--site", SITE, "-o", out)
    assert result.exit_code == 0, result.output
    assert re.search(r"REGISTERED_HERE\s+│[^│]+│ 46 ", result.output), result.output
    assert "KPU extract: NOT_IN_CUSTODY 6" in result.output
    sheets = pd.read_excel(out, sheet_name=None, dtype=str, engine="openpyxl")
    side = sheets["DPT dikeluarkan"]
    assert set(side["BERKAS DPT"]) >= {"A-DAFTAR PEMILIH KAUMAN.xlsx"} and set(side["LEMBAR DPT"]) >= {"TPS 901"}
    assert "Berkas DPT" in sheets
    provenance = " ".join(sheets["Provenance"].astype(str).stack())
    assert "A-DAFTAR PEMILIH KAUMAN.xlsx" in provenance and "catatan.pdf" not in provenance


def test_several_files_and_a_chosen_sheet(tmp_path):
    folder = write_kpu_folder(tmp_path / "dpt_kab", kpu_rows())
    kauman, beran = folder / "A-DAFTAR PEMILIH KAUMAN.xlsx", folder / "A-DAFTAR PEMILIH BERAN.xlsx"
    both = run("reconcile", ROSTER, kauman, beran, "--site", SITE, "-o", tmp_path / "a.xlsx")
    assert both.exit_code == 0, both.output
    parts = pd.read_excel(tmp_path / "a.xlsx", sheet_name="Berkas DPT", dtype=str, engine="openpyxl")
    assert len(parts[parts["STATUS"] == "dibaca"]) == 5
    only = run("reconcile", ROSTER, kauman, "--kpu-sheet", "TPS 901", "--site", SITE, "-o", tmp_path / "b.xlsx")
    assert only.exit_code == 0, only.output
    parts = pd.read_excel(tmp_path / "b.xlsx", sheet_name="Berkas DPT", dtype=str, engine="openpyxl")
    assert parts.set_index("LEMBAR")["STATUS"].to_dict() == {
        "TPS 001": "dilewati",
        "TPS 002": "dilewati",
        "TPS 901": "dibaca",
    }
    assert "REGISTERED_HERE" in only.output and "PERHATIAN" not in only.output


def test_a_missing_kpu_sheet_is_a_one_line_error(tmp_path):
    folder = write_kpu_folder(tmp_path / "dpt_kab", kpu_rows())
    result = runner.invoke(
        app,
        [
            "reconcile",
            str(ROSTER),
            str(folder / "A-DAFTAR PEMILIH KAUMAN.xlsx"),
            "--kpu-sheet",
            "TPS 909",
            "--site",
            str(SITE),
        ],
    )
    assert result.exit_code == 2
    assert "no sheet 'TPS 909'" in result.output


def test_other_spellings_order_masks_and_no_regency_give_the_same_answer(tmp_path, original):
    rows = kpu_rows()
    spelled = {
        "NO": "No.",
        "NKK": "NO. KK",
        "NIK": "NO. NIK",
        "NAMA": "NAMA PEMILIH",
        "TANGGAL LAHIR": "TGL LAHIR",
        "JENIS KELAMIN": "L/P",
        "STATUS PERKAWINAN": "STS KAWIN",
        "KELURAHAN": "DESA/KEL",
        "KECAMATAN": "KEC.",
        "PROVINSI": "PROV",
        "TPS": "NO TPS",
    }
    rows = _masked(_without(rows, "KABUPATEN/KOTA"), "NIK", "NKK")
    rows = [list(reversed(row)) for row in rows]
    rows[0] = [spelled.get(name, name) for name in rows[0]]
    path = tmp_path / "dpt.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    changed = _changed(
        _reconcile(path).decisions.set_index("source_row")["status"],
        original.decisions.set_index("source_row")["status"],
    )
    assert changed == {68: ("REGISTERED_HERE", "NEEDS_REVIEW")}  # see test_masked_extract_without_regency_...


def test_title_block_lines():
    rows = [
        ["MODEL A-DAFTAR PEMILIH"],
        ["PROVINSI", ":", "JAWA TENGAH"],
        ["KABUPATEN/KOTA : BLORA", "", "KECAMATAN : BLORA"],
        ["DESA/KELURAHAN :", "KAUMAN"],
        ["TPS : 901"],
        ["DAFTAR PEMILIH TETAP (DPT)"],
    ]
    assert title_block.read_title(rows) == {
        "province": "JAWA TENGAH",
        "regency": "BLORA",
        "district": "BLORA",
        "village": "KAUMAN",
        "tps": "901",
    }
    assert title_block.read_title([["PROV : JATENG | KOTA : SEMARANG  KEC : TUGU"]]) == {
        "province": "JATENG",
        "regency": "SEMARANG",
        "district": "TUGU",
    }
    assert [title_block.tps_of_sheet_name(name) for name in ["TPS 901", "TPS_001", "901", "Sheet1", None]] == [
        "901",
        "1",
        "901",
        "",
        "",
    ]


def test_missing_nik_and_diff_read_a_kpu_folder_as_the_flat_file(tmp_path):
    folder = write_kpu_folder(tmp_path / "dpt_kab", kpu_rows())
    for command in (
        ("missing-nik", ROSTER, "--site", SITE),
        ("diff", EXAMPLES / "roster_rutan_blora_2023-12-15.xlsx", ROSTER, "--site", SITE),
    ):
        flat, parts = run(*command, "--kpu", KPU), run(*command, "--kpu", folder)
        assert parts.exit_code == flat.exit_code, parts.output
        assert parts.output == flat.output
    written = run("missing-nik", ROSTER, "--site", SITE, "--kpu", folder, "-o", tmp_path / "mn.xlsx")
    assert written.exit_code in (0, 1), written.output
    provenance = pd.read_excel(tmp_path / "mn.xlsx", sheet_name="Provenance", dtype=str, engine="openpyxl")
    assert "A-DAFTAR PEMILIH KAUMAN.xlsx" in " ".join(provenance.astype(str).stack())


def test_a_dukcapil_workbook_of_several_sheets_is_read_whole(tmp_path, original):
    with DUKCAPIL.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    district = rows[0].index("KEC_NAME")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name in sorted({row[district] for row in rows[1:]}):
        sheet = workbook.create_sheet(name[:31])
        sheet.append(rows[0])
        for row in rows[1:]:
            if row[district] == name:
                sheet.append(row)
    workbook.create_sheet("REKAP").append(["KECAMATAN", "JUMLAH"])
    path = tmp_path / "dukcapil.xlsx"
    workbook.save(path)
    result = reconcile(ROSTER, KPU, dukcapil_path=path, site=load_site(SITE), profile=load_profile("pemilu2024"))
    assert len(result.dukcapil.frame) == len(rows) - 1
    got = result.decisions.set_index("source_row")
    want = original.decisions.set_index("source_row")
    assert _changed(got["status"], want["status"]) == {}
    assert got["dukcapil_check"].equals(want["dukcapil_check"])
    assert got["proposed_nik"].equals(want["proposed_nik"])


def write_roster_by_status(path: Path) -> tuple[int, int]:
    """The example roster as two sheets, TAHANAN and NARAPIDANA, each under the title block and header, and a REKAP
    sheet; returns the header's 0-based index and the rows of the first sheet."""
    source = openpyxl.load_workbook(ROSTER)["DATA WBP"]
    rows = [[cell.value for cell in row] for row in source.iter_rows()]
    header = next(index for index, row in enumerate(rows) if row[0] == "NO")
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    halves = {"TAHANAN": rows[header + 1 : header + 76], "NARAPIDANA": rows[header + 76 :]}
    for name, part in halves.items():
        sheet = workbook.create_sheet(name)
        for row in [*rows[:header], rows[header], *part]:
            sheet.append(row)
    workbook.create_sheet("REKAP").append(["GOLONGAN", "JUMLAH"])
    workbook.save(path)
    return header, len(halves["TAHANAN"])


def test_a_roster_kept_as_one_sheet_per_status_is_read_whole(tmp_path, original):
    path = tmp_path / "wbp.xlsx"
    header, first_rows = write_roster_by_status(path)
    result = reconcile(path, KPU, dukcapil_path=DUKCAPIL, site=load_site(SITE), profile=load_profile("pemilu2024"))
    frame = result.roster.frame
    assert set(frame["source_sheet"]) == {"TAHANAN", "NARAPIDANA"}
    places = zip(frame["source_sheet"], frame["sheet_row"], strict=True)
    by_place = dict(zip(places, result.decisions["status"], strict=True))
    want = original.decisions.set_index("source_row")["status"]
    moved = {
        (("TAHANAN", row) if row <= header + 1 + first_rows else ("NARAPIDANA", row - first_rows)): status
        for row, status in want.items()
    }
    assert by_place == moved


def test_validate_diff_and_tps_plan_read_a_roster_kept_as_one_sheet_per_status_whole(tmp_path):
    split = tmp_path / "wbp.xlsx"
    write_roster_by_status(split)
    validated = run("validate", split, "-o", tmp_path / "temuan.json")
    assert "150 data rows" in " ".join(validated.output.split()), validated.output
    changed = run("diff", ROSTER, split, "--site", SITE, "-o", tmp_path / "perubahan.json")
    assert changed.exit_code == 0, changed.output
    counts = {line.strip().split(None, 1)[1]: int(line.split()[0]) for line in changed.output.splitlines()[1:5]}
    assert counts["Masuk (hanya di berkas baru)"] == 0 and counts["Keluar (hanya di berkas lama)"] == 0, counts
    one_sheet = run("tps-plan", ROSTER, "--site", SITE, "-o", tmp_path / "satu.json")
    per_status = run("tps-plan", split, "--site", SITE, "-o", tmp_path / "dua.json")
    assert one_sheet.exit_code == per_status.exit_code == 0, per_status.output
    plans = [json.loads((tmp_path / name).read_text())["tps"] for name in ("satu.json", "dua.json")]
    assert plans[0] == plans[1]


def test_a_footer_that_counts_other_than_the_rows_read_is_said(tmp_path):
    folder = write_kpu_folder(tmp_path / "dpt_kab", kpu_rows())
    path = folder / "A-DAFTAR PEMILIH KAUMAN.xlsx"
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["TPS 901"]
    sheet.cell(row=sheet.max_row, column=1, value="JUMLAH PEMILIH : 55")
    workbook.save(path)
    result = _reconcile(folder)
    parts = result.kpu_parts.set_index(["BERKAS", "LEMBAR"])
    assert parts.loc[("A-DAFTAR PEMILIH KAUMAN.xlsx", "TPS 901"), "JUMLAH PEMILIH (KAKI)"] == 55
    read = result.kpu_parts[result.kpu_parts["STATUS"] == "dibaca"]
    assert (read["JUMLAH PEMILIH (KAKI)"] == read["BARIS DATA"]).sum() == len(read) - 1
    assert any("TPS 901" in note and "55 pemilih, terbaca 54" in note for note in result.notes)


def test_an_extract_that_names_no_kecamatan_says_tps_numbers_alone_decide(tmp_path):
    rows = kpu_rows()
    for header in ("KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "PROVINSI"):
        rows = _without(rows, header)
    result = _reconcile(write_kpu(tmp_path / "dpt.csv", rows))
    assert any("menurut nomor TPS saja" in note for note in result.notes)


_PLACE_NAME = st.text(alphabet="ABCDEFGHIJKLMNOPRSTUWY ", min_size=1, max_size=20).map(str.strip).filter(bool)
_LAYOUTS = st.sampled_from(["{label} : {value}", "{label}|:|{value}", "{label} :|{value}", "{label}:{value}"])


@settings(max_examples=60, deadline=None)
@given(
    district=_PLACE_NAME.filter(lambda name: not re.search(r"\b(KEC|KAB|KOTA|DESA|TPS|PROV)", name)),
    village=_PLACE_NAME.filter(lambda name: not re.search(r"\b(KEC|KAB|KOTA|DESA|TPS|PROV|KEL)", name)),
    tps=st.integers(min_value=1, max_value=999),
    layout=_LAYOUTS,
    one_line=st.booleans(),
)
def test_title_blocks_read_back_whatever_their_layout(district, village, tps, layout, one_line):
    pairs = [("KECAMATAN", district), ("DESA/KELURAHAN", village), ("TPS", str(tps))]
    lines = [layout.format(label=label, value=value).split("|") for label, value in pairs]
    rows = [[cell for line in lines for cell in [*line, ""]]] if one_line else lines
    assert title_block.read_title([["DAFTAR PEMILIH TETAP"], *rows]) == {
        "district": district,
        "village": village,
        "tps": str(tps),
    }


def test_reconcile_sites_reads_every_sheet_of_a_prisons_roster(tmp_path):
    write_roster_by_status(tmp_path / "wbp.xlsx")
    table = tmp_path / "upt.csv"
    table.write_text(
        "Nama UPT,Kode Kecamatan,Kelurahan,TPS,Kode UPT,Berkas WBP\n"
        "Rutan Kelas IIB Blora,33.16.09,Kauman,901,,wbp.xlsx\n",
        encoding="utf-8",
    )
    result = run("reconcile-sites", table, KPU, "-o", tmp_path / "hasil")
    assert result.exit_code == 0, result.output
    full = pd.read_excel(
        tmp_path / "hasil" / "01-rutan-kelas-iib-blora.xlsx", sheet_name="Model A lengkap", dtype=str, engine="openpyxl"
    )
    assert len(full) == 150 and set(full["LEMBAR"]) == {"TAHANAN", "NARAPIDANA"}


def _roster_without(tmp_path: Path, header: str) -> Path:
    workbook = openpyxl.load_workbook(ROSTER)
    sheet = workbook["DATA WBP"]
    column = next(cell.column for cell in sheet[5] if cell.value == header)
    sheet.delete_cols(column)
    path = tmp_path / f"wbp_tanpa_{header.replace(' ', '_').replace('/', '_')}.xlsx"
    workbook.save(path)
    return path


@pytest.mark.parametrize("roster_lacks", [None, "NIK", "KAB/KOTA"])
def test_masked_extracts_and_rosters_without_nik_are_no_crash(tmp_path, roster_lacks):
    """Empty frames met on the way (no usable NIK on either side) once crashed the region lookup."""
    rows = _masked(_without(kpu_rows(), "KABUPATEN/KOTA"), "NIK", "NKK", keep=4)
    kpu = write_kpu(tmp_path / "dpt.csv", rows)
    roster = _roster_without(tmp_path, roster_lacks) if roster_lacks else ROSTER
    reconciled = run("reconcile", roster, kpu, "--site", SITE)
    assert reconciled.exit_code == 0, reconciled.output
    assert "150 rows read = sum of statuses" in reconciled.output
    listed = run("missing-nik", roster, "--kpu", kpu, "--site", SITE)
    assert listed.exit_code in (0, 1), listed.output
