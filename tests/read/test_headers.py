"""Header synonyms, loose matching, conflicts, --map overrides and the missing-field error."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpt_rutan.errors import ConfigError, Location
from dpt_rutan.fields import Field
from dpt_rutan.read.headers import (
    HeaderMappingError,
    MatchKind,
    combine_header_rows,
    find_header_row,
    header_score,
    map_headers,
    match_header,
    missing_field_error,
    normalise_header,
)
from dpt_rutan.read.synonyms import SYNONYMS

# Headers seen in SDP rosters, KPU extracts (SIDALIH, Model A) and Dukcapil extracts, with the field they hold.
REAL_HEADERS = {
    "NIK": Field.NIK,
    "No. KTP": Field.NIK,
    "NO_NIK": Field.NIK,
    "Nomor Induk Kependudukan": Field.NIK,
    "NIK KTP": Field.NIK,
    "NKK": Field.NKK,
    "No. KK": Field.NKK,
    "Nomor KK": Field.NKK,
    "No Kartu Keluarga": Field.NKK,
    "NAMA": Field.NAME,
    "Nama Lengkap": Field.NAME,
    "NAMA WBP": Field.NAME,
    "Nama Pemilih": Field.NAME,
    "TEMPAT LAHIR": Field.BIRTH_PLACE,
    "Tempat": Field.BIRTH_PLACE,
    "TGL LAHIR": Field.BIRTH_DATE,
    "Tanggal Lahir": Field.BIRTH_DATE,
    "TGL_LHR": Field.BIRTH_DATE,
    "TTL": Field.TTL,
    "Tempat, Tgl Lahir": Field.TTL,
    "Tempat Tanggal Lahir": Field.TTL,
    "TEMPAT/TGL. LAHIR": Field.TTL,
    "JK": Field.SEX,
    "L/P": Field.SEX,
    "Jenis Kelamin": Field.SEX,
    "Kelamin": Field.SEX,
    "Sex": Field.SEX,
    "STATUS KAWIN": Field.MARITAL_STATUS,
    "Status Perkawinan": Field.MARITAL_STATUS,
    "Kawin": Field.MARITAL_STATUS,
    "DISABILITAS": Field.DISABILITY,
    "Jenis Disabilitas": Field.DISABILITY,
    "ALAMAT": Field.ADDRESS,
    "Alamat Asal": Field.ADDRESS,
    "Alamat KTP": Field.ADDRESS,
    "RT": Field.RT,
    "RW": Field.RW,
    "KELURAHAN": Field.VILLAGE,
    "DESA": Field.VILLAGE,
    "Kelurahan/Desa": Field.VILLAGE,
    "KEL/DESA": Field.VILLAGE,
    "KECAMATAN": Field.DISTRICT,
    "KEC": Field.DISTRICT,
    "KABUPATEN/KOTA": Field.REGENCY,
    "KAB/KOTA": Field.REGENCY,
    "KABUPATEN": Field.REGENCY,
    "PROVINSI": Field.PROVINCE,
    "PROV": Field.PROVINCE,
    "KEWARGANEGARAAN": Field.CITIZENSHIP,
    "WN": Field.CITIZENSHIP,
    "WNI/WNA": Field.CITIZENSHIP,
    "PEKERJAAN": Field.OCCUPATION,
    "HAK PILIH DICABUT": Field.RIGHT_TO_VOTE_REVOKED,
    "Hak Memilih Dicabut": Field.RIGHT_TO_VOTE_REVOKED,
    "Pencabutan Hak Pilih": Field.RIGHT_TO_VOTE_REVOKED,
    "No. Registrasi": Field.REG_NO,
    "NO REG": Field.REG_NO,
    "NOMOR REGISTER": Field.REG_NO,
    "No. Induk WBP": Field.REG_NO,
    "TGL MASUK": Field.DATE_IN,
    "Tanggal Masuk": Field.DATE_IN,
    "Tgl Ditahan": Field.DATE_IN,
    "TGL BEBAS": Field.RELEASE_DATE,
    "Tanggal Bebas": Field.RELEASE_DATE,
    "Tgl Ekspirasi": Field.RELEASE_DATE,
    "EKSPIRASI": Field.RELEASE_DATE,
    "Tanggal Ekspirasi": Field.RELEASE_DATE,
    "Bebas": Field.RELEASE_DATE,
    "GOLONGAN": Field.REGISTER_CLASS,
    "Register": Field.REGISTER_CLASS,
    "Gol": Field.REGISTER_CLASS,
    "Status Tahanan": Field.REGISTER_CLASS,
    "PERKARA": Field.CASE,
    "Kasus": Field.CASE,
    "Pasal": Field.CASE,
    "NAMA IBU": Field.MOTHER_NAME,
    "Nama Ibu Kandung": Field.MOTHER_NAME,
    "NAMA AYAH": Field.FATHER_NAME,
    "Nama Bapak": Field.FATHER_NAME,
    "TPS": Field.TPS,
    "No TPS": Field.TPS,
    "Nomor TPS": Field.TPS,
    "KTP-EL": Field.EKTP,
    "e-KTP": Field.EKTP,
    "Status KTP-el": Field.EKTP,
    "KETERANGAN": Field.TMS_CODE,
    "KET": Field.TMS_CODE,
    "TMS": Field.TMS_CODE,
    "UPT": Field.PRISON,
    "LAPAS": Field.PRISON,
    "RUTAN": Field.PRISON,
    "Satker": Field.PRISON,
    # Dukcapil (SIAK) column names
    "NAMA_LGKP": Field.NAME,
    "NAMA_LGKP_IBU": Field.MOTHER_NAME,
    "TMPT_LHR": Field.BIRTH_PLACE,
    "JENIS_KLMIN": Field.SEX,
    "STAT_KWN": Field.MARITAL_STATUS,
    "NO_RT": Field.RT,
    "KEL_NAME": Field.VILLAGE,
    "KAB_NAME": Field.REGENCY,
}


@pytest.mark.parametrize(("header", "expected"), REAL_HEADERS.items())
def test_real_headers_map_exactly(header, expected):
    match = match_header(header)
    assert match is not None
    assert (match.field, match.kind) == (expected, MatchKind.EXACT)


def test_every_synonym_in_the_table_maps_to_its_own_field():
    wrong = [(s, f) for f, synonyms in SYNONYMS.items() for s in synonyms if match_header(s).field != f]
    assert wrong == []


def test_matching_ignores_case_spaces_and_punctuation():
    forms = ["No. KTP", "NO_KTP", "noktp", " no-ktp ", "(No) KTP", "No/KTP"]
    assert {normalise_header(form) for form in forms} == {"noktp"}
    assert {match_header(form).field for form in forms} == {Field.NIK}


@pytest.mark.parametrize(
    "header", ["NO", "No.", "No Urut", "RT/RW", "NIK AYAH", "NIK Ibu", "GOL_DRH", "NO_KEC", "Umur", "", "  ", "---"]
)
def test_known_non_fields_and_blanks_map_to_nothing(header):
    match = match_header(header)
    assert match is None or match.field is None


@pytest.mark.parametrize(
    ("header", "expected", "kind"),
    [
        ("NIK (16 digit)", Field.NIK, MatchKind.PREFIX),
        ("TGL. LAHIR (DD-MM-YYYY)", Field.BIRTH_DATE, MatchKind.PREFIX),
        ("NAMA IBU KANDUNG WBP", Field.MOTHER_NAME, MatchKind.PREFIX),
        ("Nomor Induk Kependudukan (NIK)", Field.NIK, MatchKind.PREFIX),
        ("Tangal Lahir", Field.BIRTH_DATE, MatchKind.TYPO),
        ("Kewarganegaran", Field.CITIZENSHIP, MatchKind.TYPO),
    ],
)
def test_longer_headers_and_typos_match_loosely(header, expected, kind):
    match = match_header(header)
    assert (match.field, match.kind) == (expected, kind)


def test_nikah_is_marital_status_not_nik():
    assert match_header("Nikah").field == Field.MARITAL_STATUS


def test_unknown_headers_match_nothing():
    assert match_header("Warna Favorit") is None
    assert match_header("Tanggal") is None  # which date? a bare "Tanggal" is not guessed


def test_map_headers_gives_field_header_and_index_and_lists_the_rest():
    mapping = map_headers(["NO", "NAMA WBP", "No. KTP", "Warna", "TGL LAHIR"])
    assert mapping.columns == {"name": "NAMA WBP", "nik": "No. KTP", "birth_date": "TGL LAHIR"}
    assert mapping.indexes == {"name": 1, "nik": 2, "birth_date": 4}
    assert mapping.unmapped == ["NO", "Warna"]


def test_exact_header_beats_a_prefix_match_of_the_same_field():
    mapping = map_headers(["NAMA ALIAS", "NAMA", "NAMA IBU"])
    assert mapping.columns == {"name": "NAMA", "mother_name": "NAMA IBU"}
    assert mapping.unmapped == ["NAMA ALIAS"]
    assert any("NAMA ALIAS" in note and "fits better" in note for note in mapping.notes)


def test_two_different_headers_for_one_field_are_an_error_listing_both():
    with pytest.raises(HeaderMappingError) as caught:
        map_headers(["NIK", "No. KTP", "NAMA"], labels=["A", "B", "C"])
    message = str(caught.value)
    assert "'NIK' (column A)" in message
    assert "'No. KTP' (column B)" in message
    assert "--map nik=" in message


def test_identical_duplicate_of_an_optional_column_is_ignored_with_a_note():
    mapping = map_headers(["NAMA", "KETERANGAN", "KETERANGAN"], labels=["A", "B", "C"])
    assert mapping.columns["tms_code"] == "KETERANGAN"
    assert mapping.indexes["tms_code"] == 1
    assert any("repeats column B" in note for note in mapping.notes)


def test_identical_duplicate_of_a_required_column_is_an_error():
    with pytest.raises(HeaderMappingError):
        map_headers(["NIK", "NAMA", "NIK"], required=[Field.NIK])


def test_override_maps_an_unknown_header_matched_loosely():
    mapping = map_headers(["No", "Nama", "No Identitas"], {"nik": "NO. IDENTITAS"})
    assert mapping.columns["nik"] == "No Identitas"
    assert mapping.fields[Field.NIK].kind == MatchKind.OVERRIDE


def test_override_wins_over_the_synonym_table():
    mapping = map_headers(["NIK", "NIK Baru", "NAMA"], {"NIK": "NIK Baru"})
    assert mapping.columns["nik"] == "NIK Baru"
    assert mapping.unmapped == ["NIK"]
    assert any("--map chose" in note for note in mapping.notes)


def test_override_that_matches_no_header_is_noted_not_raised():
    mapping = map_headers(["NIK", "NAMA"], {"nkk": "No KK Baru"})
    assert mapping.unmatched_overrides == {Field.NKK: "No KK Baru"}
    assert Field.NKK not in mapping.fields


def test_override_with_an_unknown_field_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown field 'nomor'"):
        map_headers(["NIK"], {"nomor": "NIK"})


def test_two_overrides_on_one_column_are_an_error():
    with pytest.raises(HeaderMappingError):
        map_headers(["X", "NAMA"], {"nik": "X", "nkk": "X"})


def test_missing_field_error_lists_found_headers_tried_synonyms_and_the_fix():
    mapping = map_headers(["NO", "NAMA", "Identitas"], {"nik": "Nomor Identitas"})
    error = missing_field_error([Field.NIK], mapping, Location("wbp.xlsx", "WBP", 4))
    line = error.one_line()
    assert line.startswith("wbp.xlsx, sheet 'WBP', row 4: no column for nik")
    assert "headers found: 'NO', 'NAMA', 'Identitas'" in line
    assert "No. KTP" in line and "Nomor Induk Kependudukan" in line
    assert "--map nik='Nomor Identitas' matched no header" in line
    assert line.endswith('Name the column with --map nik="Your header"')


def test_header_score_prefers_the_header_row_to_titles_and_data():
    title = ["DAFTAR WARGA BINAAN RUTAN KELAS IIB BLORA", None, None]
    header = ["NO", "NAMA", "NIK", "TGL LAHIR", "ALAMAT"]
    data = [1, "BUDI SANTOSO", "3316011203900001", "1990-03-12", "Jl. Pemuda 3"]
    assert header_score(header) == 5
    assert header_score(data) == 0
    assert header_score(title) == 0
    assert find_header_row([title, [], header, data]) == (2, 5)


def test_header_score_counts_override_headers():
    assert header_score(["Identitas", "Nama Orang"]) == 1
    assert header_score(["Identitas", "Nama Orang"], ["identitas"]) == 2


def test_two_row_header_under_a_merged_parent_is_combined():
    rows = [
        ["NO", "NAMA", "TEMPAT/TGL LAHIR", "", "ALAMAT"],
        ["", "", "TEMPAT", "TANGGAL", ""],
        ["1", "BUDI", "Blora", "1990-03-12", "Jl. A"],
    ]
    headers, last = combine_header_rows(rows, 0)
    assert last == 1
    assert headers == ["NO", "NAMA", "TEMPAT", "TANGGAL LAHIR", "ALAMAT"]
    assert map_headers(headers).columns["birth_date"] == "TANGGAL LAHIR"


def test_a_data_row_is_not_taken_for_a_sub_header():
    rows = [["NO", "NAMA", "NIK"], ["1", "TEMPAT", "3316011203900001"]]
    assert combine_header_rows(rows, 0) == (["NO", "NAMA", "NIK"], 0)


@given(st.text())
def test_normaliser_never_raises_and_is_idempotent(text):
    once = normalise_header(text)
    assert normalise_header(once) == once
    assert once == "" or once.isalnum()


@given(st.lists(st.text(max_size=30), max_size=12))
def test_mapping_never_raises_unexpectedly_and_accounts_for_every_header(headers):
    try:
        mapping = map_headers(headers)
    except HeaderMappingError:
        return
    used = [column.index for column in mapping.fields.values()]
    assert len(used) == len(set(used))
    assert all(headers[column.index] == column.header for column in mapping.fields.values())
    named = [h for i, h in enumerate(headers) if normalise_header(h) and i not in used]
    assert mapping.unmapped == named
