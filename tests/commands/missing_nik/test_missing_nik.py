"""`missing-nik` on a roster written like an SDP export (title block, Indonesian headers, signature block) and on
Dukcapil and KPU extracts written as CSV: every reason code, every placeholder, the candidate search, the people
apart, the accounting, the workbook, and the example data set."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from dpt_rutan.commands.missing_nik.columns import FILL_COLUMNS, KEY_REG_NO, KEY_ROW
from dpt_rutan.commands.missing_nik.reasons import REASONS, Outcome
from dpt_rutan.commands.missing_nik.report import APART_SHEET, SUMMARY_SHEET, write_missing_nik_workbook
from dpt_rutan.commands.missing_nik.run import find_missing_nik
from dpt_rutan.election import load_profile
from dpt_rutan.site import Site

PROFILE = load_profile("pemilu2024")
SITE = Site(name="Rutan Kelas IIB Blora", district_code="33.16.09", tps_numbers=(901,))
# Dukcapil's own headers: NAMA_LGKP_IBU would otherwise compete with NAMA_LGKP for the name.
DUKCAPIL_MAP = {"name": "NAMA_LGKP", "mother_name": "NAMA_LGKP_IBU"}
ROOT = Path(__file__).resolve().parents[3]

ROSTER_HEADERS = [
    "NO", "NO. REGISTRASI", "NAMA WBP", "NIK", "NO. KK", "TEMPAT LAHIR", "TGL LAHIR", "JK", "STATUS KAWIN", "ALAMAT",
    "RT", "RW", "KEL/DESA", "KECAMATAN", "KAB/KOTA", "PROVINSI", "KEWARGANEGARAAN", "TGL EKSPIRASI", "NAMA IBU",
    "NAMA AYAH", "KAMAR",
]  # fmt: skip
BLORA = ("JL. PEMUDA NO. 1", "001", "002", "KAUMAN", "BLORA", "BLORA", "JAWA TENGAH")
BOJONEGORO = ("DK. SENDANG", "001", "003", "TIKUSAN", "KAPAS", "BOJONEGORO", "JAWA TIMUR")

# (registration number, name, NIK cell, birth date, sex, mother, release date, marital status, home)
PEOPLE = [
    ("AI.0001/2023", "BUDI SANTOSO", "3316091203900001", "12-03-1990", "L", "SUMIYATI", "", "KAWIN", BLORA),
    ("AI.0002/2023", "AGUS SALIM bin KARTO", "", "25-05-1985", "L", "SITI AMINAH", "", "KAWIN", BLORA),
    ("AI.0003/2023", "DEWI LESTARI", "-", "17-08-1992", "P", "SUMARNI", "", "KAWIN", BLORA),
    ("AI.0004/2023", "KARTINI", "0000000000000000", "21-04-1970", "P", "", "", "KAWIN", BLORA),
    ("AI.0005/2023", "JOKO", "BELUM ADA", "05-01-1980", "L", "", "", "KAWIN", BLORA),
    ("AI.0006/2023", "SLAMET", "TIDAK ADA", "05-01-1980", "L", "", "", "KAWIN", BLORA),
    ("AI.0007/2023", "YOGA", "?", "11-09-1993", "L", "", "", "KAWIN", BLORA),
    ("AI.0008/2023", "HENDRA", "3316091109930008", "11-09-1993", "L", "", "", "KAWIN", BLORA),
    ("AI.0009/2023", "RINTO", "3316O90102750001", "01-02-1975", "L", "", "", "KAWIN", BLORA),
    ("AI.0010/2023", "SUGENG", "331609020376001", "02-03-1976", "L", "", "", "KAWIN", BLORA),
    ("AI.0011/2023", "MARNO", "3.31609E+15", "03-04-1977", "L", "", "", "KAWIN", BLORA),
    ("AI.0012/2023", "PARJO", 3316091503900010, "15-03-1990", "L", "", "", "KAWIN", BLORA),
    ("AI.0013/2023", "WAHYU", "9916090405780002", "04-05-1978", "L", "", "", "KAWIN", BLORA),
    ("AI.0014/2023", "TONO", "3316093102900003", "28-02-1990", "L", "", "", "KAWIN", BLORA),
    ("AI.0015/2023", "RUDI", "3316091004900000", "10-04-1990", "L", "", "", "KAWIN", BLORA),
    ("AI.0016/2023", "SUPARMAN", "3316092005880004", "20-05-1987", "L", "", "", "KAWIN", BLORA),
    ("AI.0017/2023", "ANDI", "3316096007920005", "20-07-1992", "L", "", "", "KAWIN", BLORA),
    ("AI.0018/2023", "BAMBANG", "3316********0006", "06-06-1981", "L", "", "", "KAWIN", BLORA),
    ("AI.0019/2023", "HERU", "0316090707820007", "07-07-1982", "L", "", "", "KAWIN", BLORA),
    ("AI.0020/2023", "SRI WAHYUNI", "", "17-08-1991", "P", "", "", "KAWIN", BLORA),
    ("AI.0021/2023", "TONI", "", "01-01-1983", "L", "", "20-01-2024", "KAWIN", BLORA),
    ("AI.0022/2023", "ADI", "", "01-01-2008", "L", "", "", "BELUM KAWIN", BLORA),
    ("AI.0023/2023", "AGUS SALIM", "", "25-05-1985", "L", "SITI AMINAH", "", "KAWIN", BLORA),
    ("AI.0024/2023", "GUNAWAN", "-", "08-08-1984", "L", "", "", "KAWIN", BLORA),
    ("AI.0025/2023", "GUNAWAN", "3316090808840009", "08-08-1984", "L", "", "", "KAWIN", BLORA),
    ("AI.0026/2023", "AJI FIRMANSYAH", "3522141301830001", "13-01-1983", "L", "", "", "KAWIN", BOJONEGORO),
]
FIRST_ROW = 6  # below a three-line title block, a blank row and the header
ROW = {person[1]: FIRST_ROW + i for i, person in enumerate(PEOPLE)}
ROW_AGUS_AGAIN, ROW_GUNAWAN_DASH, ROW_GUNAWAN = FIRST_ROW + 22, FIRST_ROW + 23, FIRST_ROW + 24
ROW_AGUS = ROW["AGUS SALIM bin KARTO"]

DUKCAPIL_HEADERS = [
    "NIK", "NKK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU", "ALAMAT", "NO_RT", "NO_RW",
    "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME",
]  # fmt: skip
KPU_HEADERS = [
    "NO", "NKK", "NIK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT", "RT",
    "RW", "KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "PROVINSI", "TPS",
]  # fmt: skip
# (NIK, name, birth date, sex, mother)
DUKCAPIL_PEOPLE = [
    ("3316091203900001", "BUDI SANTOSO", "1990-03-12", "LAKI-LAKI", "SUMIYATI"),
    ("3316092505850011", "AGUS SALIM", "1985-05-25", "LAKI-LAKI", "SITI AMINAH"),
    ("3316092505850012", "AGUS SALIMIN", "1985-05-25", "LAKI-LAKI", "PONIYEM"),
    ("3316095708920012", "DEWI LESTARI", "1992-08-17", "PEREMPUAN", "SUMARNI"),
    ("3316092005880004", "SUPARMAN", "1988-05-20", "LAKI-LAKI", "KASMI"),
    ("3316095708910013", "SRI WAHYUNI", "1991-08-17", "PEREMPUAN", "PAINEM"),
    ("3316095708910014", "SRI WAHYUNI", "1991-08-17", "PEREMPUAN", "TUMINAH"),
    ("3316090808840009", "GUNAWAN", "1984-08-08", "LAKI-LAKI", "SUKINI"),
    ("3316092104700015", "MARYATI", "1970-04-21", "PEREMPUAN", "SUWARTI"),
]
AGUS_NIK, DEWI_NIK = "3316092505850011", "3316095708920012"


def _roster_cells(person: tuple) -> list:
    reg_no, name, nik, birth, sex, mother, release, marital, home = person
    address, rt, rw, village, district, regency, province = home
    # Some SDP exports hold real dates, others text: both kinds are in the file.
    birth_cell = dt.datetime.strptime(birth, "%d-%m-%Y") if name.startswith(("B", "D")) else birth
    return [
        None, reg_no, name, nik, "-", "BLORA", birth_cell, sex, marital, address, rt, rw, village, district, regency,
        province, "WNI", release, mother, "", "BLOK A-1",
    ]  # fmt: skip


def write_roster(path: Path, people: list[tuple] = PEOPLE) -> Path:
    """A roster as SDP exports it: title block, header on row 5, data from row 6, totals and a signature below."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "DATA WBP"
    for line in ("DAFTAR WARGA BINAAN PEMASYARAKATAN", "RUTAN KELAS IIB BLORA", "Keadaan per tanggal 15 Januari 2024"):
        sheet.append([line])
    sheet.append([])
    sheet.append(ROSTER_HEADERS)
    for number, person in enumerate(people, start=1):
        sheet.append([number, *_roster_cells(person)[1:]])
    sheet.append([])
    sheet.append(["JUMLAH", len(people)])
    sheet.append(["Blora, 15 Januari 2024"])
    sheet.append(["KEPALA RUTAN KELAS IIB BLORA"])
    workbook.save(path)
    return path


def write_dukcapil(path: Path) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(DUKCAPIL_HEADERS)
        for nik, name, birth, sex, mother in DUKCAPIL_PEOPLE:
            address = ["JL. PEMUDA", "1", "2", "KAUMAN", "BLORA", "BLORA", "JAWA TENGAH"]
            writer.writerow([nik, "3316090101100001", name, "BLORA", birth, sex, mother, *address])
    return path


def write_kpu(path: Path, people: list[tuple[str, str, str, str]]) -> Path:
    """A KPU extract (Model A columns, semicolons) of (NIK, name, birth date, sex) rows, all in Kecamatan Blora."""
    with path.open("w", newline="", encoding="utf-8-sig") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(KPU_HEADERS)
        for number, (nik, name, birth, sex) in enumerate(people, start=1):
            address = ["JL. PEMUDA", "001", "002", "KAUMAN", "BLORA", "BLORA", "JAWA TENGAH"]
            writer.writerow([number, "3316090101100001", nik, name, "BLORA", birth, "S", sex, *address, "004"])
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("missing_nik")


@pytest.fixture(scope="module")
def roster(files: Path) -> Path:
    return write_roster(files / "roster.xlsx")


@pytest.fixture(scope="module")
def dukcapil(files: Path) -> Path:
    return write_dukcapil(files / "dukcapil.csv")


def run(roster: Path, **extracts: Path):
    return find_missing_nik(roster, site=SITE, profile=PROFILE, mapping=DUKCAPIL_MAP, **extracts)


@pytest.fixture(scope="module")
def plain(roster: Path):
    """The roster alone: only what the NIK cells themselves show."""
    return run(roster)


@pytest.fixture(scope="module")
def with_dukcapil(roster: Path, dukcapil: Path):
    return run(roster, dukcapil_path=dukcapil)


def outcome_of(result) -> dict[int, tuple[str, str]]:
    return {row.source_row: (row.outcome, row.reason_code) for row in result.rows.itertuples(index=False)}


EXPECTED_WITHOUT_EXTRACTS = {
    "BUDI SANTOSO": (Outcome.FINE, ""),
    "AGUS SALIM bin KARTO": (Outcome.LISTED, "MISSING"),
    "DEWI LESTARI": (Outcome.LISTED, "PLACEHOLDER"),
    "KARTINI": (Outcome.LISTED, "PLACEHOLDER"),
    "JOKO": (Outcome.LISTED, "PLACEHOLDER"),
    "SLAMET": (Outcome.LISTED, "PLACEHOLDER"),
    "YOGA": (Outcome.LISTED, "PLACEHOLDER"),
    "HENDRA": (Outcome.FINE, ""),
    "RINTO": (Outcome.LISTED, "NOT_DIGITS"),
    "SUGENG": (Outcome.LISTED, "BAD_LENGTH"),
    "MARNO": (Outcome.LISTED, "EXCEL_MANGLED"),
    "PARJO": (Outcome.LISTED, "NUMBER_SUSPECT"),
    "WAHYU": (Outcome.LISTED, "UNKNOWN_PROVINCE"),
    "TONO": (Outcome.LISTED, "NIK_BAD_BIRTH_DATE"),
    "RUDI": (Outcome.LISTED, "SERIAL_ZERO"),
    "SUPARMAN": (Outcome.LISTED, "DOB_MISMATCH"),
    "ANDI": (Outcome.LISTED, "GENDER_MISMATCH"),
    "BAMBANG": (Outcome.LISTED, "MASKED"),
    "HERU": (Outcome.LISTED, "TEMPORARY_NIK"),
    "SRI WAHYUNI": (Outcome.LISTED, "MISSING"),
    "TONI": (Outcome.LISTED_APART, "MISSING"),
    "ADI": (Outcome.LISTED_APART, "MISSING"),
    "AJI FIRMANSYAH": (Outcome.FINE, ""),
}


@pytest.mark.parametrize(("name", "expected"), EXPECTED_WITHOUT_EXTRACTS.items())
def test_each_reason_code_and_placeholder_without_extracts(plain, name: str, expected: tuple[str, str]):
    assert outcome_of(plain)[ROW[name]] == expected


def test_every_structural_reason_code_is_met_by_the_roster(plain):
    met = set(plain.listed["reason_code"])
    assert met == {code for code in REASONS if not code.startswith("NOT_FOUND_IN_")}


def test_placeholders_keep_what_was_written_as_the_detail(plain):
    listed = plain.listed.set_index("source_row")
    written = {ROW[name]: listed.loc[ROW[name], "reason_detail"] for name in ("DEWI LESTARI", "KARTINI", "JOKO")}
    assert written == {ROW["DEWI LESTARI"]: "-", ROW["KARTINI"]: "0000000000000000", ROW["JOKO"]: "BELUM ADA"}
    assert listed.loc[ROW["SUPARMAN"], "reason_detail"].startswith("NIK 20-05-1988 ≠ 20-05-1987")


def test_a_person_on_two_rows_is_listed_once_and_a_clean_row_makes_them_fine(plain):
    rows = plain.rows.set_index("source_row")
    assert rows.loc[ROW_AGUS_AGAIN, ["outcome", "representative"]].tolist() == [Outcome.DUPLICATE, ROW_AGUS]
    assert rows.loc[ROW_GUNAWAN_DASH, ["outcome", "representative"]].tolist() == [Outcome.DUPLICATE, ROW_GUNAWAN]
    assert rows.loc[ROW_GUNAWAN, "outcome"] == Outcome.FINE
    listed = plain.listed.set_index("source_row")
    assert listed.loc[ROW_AGUS, "repeat_rows"] == str(ROW_AGUS_AGAIN)
    assert ROW_AGUS_AGAIN not in listed.index


def test_released_and_under_age_are_listed_apart_with_why(plain):
    listed = plain.listed
    apart = listed[~listed["for_this_election"]].set_index("source_row")["not_this_election"].to_dict()
    assert apart == {
        ROW["TONI"]: "Bebas sebelum hari pemungutan suara",
        ROW["ADI"]: "Belum berumur 17 tahun dan belum pernah kawin pada hari pemungutan suara",
    }
    # This election's people come first.
    assert listed["for_this_election"].tolist() == sorted(listed["for_this_election"], reverse=True)


@pytest.mark.parametrize("result_name", ["plain", "with_dukcapil"])
def test_every_row_is_accounted_for(request: pytest.FixtureRequest, result_name: str):
    result = request.getfixturevalue(result_name)
    counts = result.counts()
    assert counts["rows_read"] == len(PEOPLE)  # the totals line and the signature block are no data
    assert sum(counts[outcome.value] for outcome in Outcome) == counts["rows_read"]
    listed = counts[Outcome.LISTED] + counts[Outcome.LISTED_APART]
    assert listed == len(result.listed)
    assert set(result.rows["source_row"]) == set(ROW.values()) | {ROW_AGUS_AGAIN, ROW_GUNAWAN_DASH}


def test_candidate_found_by_name_birth_date_and_mother(with_dukcapil):
    candidates = with_dukcapil.candidates
    agus = candidates[candidates["source_row"] == ROW_AGUS]
    best = agus.iloc[0]
    assert (best["nik"], best["source"], best["rank"]) == (AGUS_NIK, "DUKCAPIL", 1)
    assert best["agreed"] == "nama, tanggal lahir, jenis kelamin, nama ibu"
    # AGUS SALIMIN, same birth date, another mother, scores lower if at all.
    assert (agus["score"].iloc[1:] < best["score"]).all()


def test_near_tie_gives_two_candidates_and_says_so(with_dukcapil):
    candidates = with_dukcapil.candidates
    sri = candidates[candidates["source_row"] == ROW["SRI WAHYUNI"]]
    assert set(sri["nik"]) == {"3316095708910013", "3316095708910014"}
    assert sri["rank"].tolist() == [1, 2]
    near_tie = with_dukcapil.listed.set_index("source_row")["near_tie"]
    assert near_tie[ROW["SRI WAHYUNI"]]
    assert not near_tie[ROW_AGUS]


def test_dukcapil_clears_a_doubt_and_flags_a_nik_it_lacks(with_dukcapil):
    outcomes = outcome_of(with_dukcapil)
    # The NIK is Dukcapil's for SUPARMAN: the roster's birth year is what is wrong, no recording needed.
    assert outcomes[ROW["SUPARMAN"]] == (Outcome.FINE, "")
    assert outcomes[ROW["HENDRA"]] == (Outcome.LISTED, "NOT_FOUND_IN_DUKCAPIL")
    # A Bojonegoro NIK cannot be in a Blora extract: its absence says nothing.
    assert outcomes[ROW["AJI FIRMANSYAH"]] == (Outcome.FINE, "")
    assert outcomes[ROW["BUDI SANTOSO"]] == (Outcome.FINE, "")


def test_kpu_extract_flags_a_nik_it_lacks_unless_dukcapil_confirms_it(roster: Path, dukcapil: Path, files: Path):
    kpu = write_kpu(files / "dpt.csv", [("3316091203900001", "BUDI SANTOSO", "12-03-1990", "L")])
    alone = outcome_of(run(roster, kpu_path=kpu))
    assert alone[ROW["HENDRA"]] == (Outcome.LISTED, "NOT_FOUND_IN_KPU")
    assert alone[ROW["SUPARMAN"]] == (Outcome.LISTED, "DOB_MISMATCH")
    assert alone[ROW["BUDI SANTOSO"]] == (Outcome.FINE, "")
    both = run(roster, kpu_path=kpu, dukcapil_path=dukcapil)
    assert outcome_of(both)[ROW["SUPARMAN"]] == (Outcome.FINE, "")
    hendra = both.rows.set_index("source_row").loc[ROW["HENDRA"]]
    assert hendra["reason_codes"] == "NOT_FOUND_IN_DUKCAPIL; NOT_FOUND_IN_KPU"


def _sheet_table(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    header_index = next(i for i, row in enumerate(rows) if row and row[0] == KEY_ROW)
    header = rows[header_index]
    return [dict(zip(header, row, strict=True)) for row in rows[header_index + 1 :]]


def test_workbook_groups_by_origin_and_leaves_columns_to_fill(with_dukcapil, tmp_path: Path):
    result = with_dukcapil
    output = tmp_path / "perekaman.xlsx"
    write_missing_nik_workbook(result, output)
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == [SUMMARY_SHEET, "33.16 Kab. Blora", APART_SHEET, "Provenance"]
    summary = [row for row in workbook[SUMMARY_SHEET].iter_rows(values_only=True) if row[0] == "33.16"]
    listed_now = int(result.listed["for_this_election"].sum())
    assert summary == [
        ("33.16", "Kab. Blora, Jawa Tengah", "33.16 Kab. Blora; " + APART_SHEET, listed_now, 2, listed_now + 2)
    ]
    notes = [row[0] for row in workbook[SUMMARY_SHEET].iter_rows(max_row=10, values_only=True)]
    assert any(str(note).startswith(f"Baris data WBP dibaca: {len(PEOPLE)} = ") for note in notes)
    blora = _sheet_table(workbook["33.16 Kab. Blora"])
    agus = next(row for row in blora if row[KEY_ROW] == ROW_AGUS)
    assert agus[KEY_REG_NO] == "AI.0002/2023"
    assert (agus["NAMA"], agus["BIN/BINTI"], agus["NAMA IBU KANDUNG"]) == ("AGUS SALIM", "KARTO", "SITI AMINAH")
    assert (agus["KELURAHAN/DESA"], agus["RT"], agus["KODE ALASAN"]) == ("KAUMAN", "001", "MISSING")
    assert agus["KANDIDAT NIK 1"] == AGUS_NIK
    assert all(agus[column] is None for column in FILL_COLUMNS)
    apart = {row[KEY_ROW] for row in _sheet_table(workbook[APART_SHEET])}
    assert apart == {ROW["TONI"], ROW["ADI"]}
    assert not apart & {row[KEY_ROW] for row in blora}


EXAMPLES = [ROOT / "examples" / name for name in ("roster_rutan_blora.xlsx", "dukcapil_blora.csv", "dpt_kpu_blora.csv")]
TRUTH = ROOT / "tests" / "data" / "examples_truth.csv"


@pytest.mark.skipif(
    not all(path.exists() for path in [*EXAMPLES, TRUTH]), reason="examples/ not generated (scripts/make_examples.py)"
)
def test_examples_candidates_are_the_true_niks():
    roster, dukcapil, kpu = EXAMPLES
    result = run(roster, dukcapil_path=dukcapil, kpu_path=kpu)
    with TRUTH.open(encoding="utf-8") as handle:
        truth = {int(row["source_row"]): row for row in csv.DictReader(handle)}
    assert result.counts()["rows_read"] == len(truth)
    listed = result.listed.set_index("source_row")
    needs_recording = {row for row, fields in truth.items() if fields["status"] == "NEEDS_RECORDING"}
    assert needs_recording <= set(listed.index)
    best = result.candidates[result.candidates["rank"] == 1].set_index("source_row")["nik"]
    sure = [row for row in best.index if not listed.loc[row, "near_tie"]]
    assert sure, "the examples hold people whose NIK Dukcapil knows"
    assert {row: best[row] for row in sure} == {row: truth[row]["nik_true"] for row in sure}
