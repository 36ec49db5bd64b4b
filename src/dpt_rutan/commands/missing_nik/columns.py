"""The column contract of the workbook sent to Dukcapil: what ``apply-nik`` reads back from the file it returns.

``report`` writes these headers and ``apply`` finds its columns by them, wherever the officer has moved them: the key
columns that name the roster row, and the columns Dukcapil fills in.
"""

KEY_ROW = "BARIS WBP"
KEY_REG_NO = "NO. REGISTRASI"
FILL_NIK = "NIK DITEMUKAN/DIREKAM"
FILL_NKK = "NKK"
FILL_DATE = "TANGGAL"
FILL_OFFICER = "PETUGAS"
FILL_COLUMNS = (FILL_NIK, FILL_NKK, FILL_DATE, FILL_OFFICER)

PERSON_COLUMNS = {
    "source_row": KEY_ROW,
    "reg_no": KEY_REG_NO,
    "name": "NAMA LENGKAP (DAFTAR WBP)",
    "name_given": "NAMA",
    "name_alias": "ALIAS",
    "name_father": "BIN/BINTI",
    "birth_place": "TEMPAT LAHIR",
    "birth_date": "TANGGAL LAHIR",
    "sex": "JENIS KELAMIN (L/P)",
    "mother_name": "NAMA IBU KANDUNG",
    "father_name": "NAMA AYAH",
    "address": "ALAMAT ASAL",
    "rt": "RT",
    "rw": "RW",
    "village": "KELURAHAN/DESA",
    "district": "KECAMATAN",
    "regency": "KABUPATEN/KOTA",
    "province": "PROVINSI",
    "home_label": "KAB/KOTA ASAL",
    "nkk": "NKK DI DAFTAR WBP",
    "nik_written": "NIK DI DAFTAR WBP",
    "reason_code": "KODE ALASAN",
    "reason": "ALASAN",
    "reason_detail": "RINCIAN",
    "reason_codes": "SEMUA KODE",
    "repeat_rows": "BARIS GANDA",
    "not_this_election": "TIDAK UNTUK PEMILU INI KARENA",
}
