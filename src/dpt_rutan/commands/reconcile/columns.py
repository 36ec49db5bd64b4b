"""The reconcile workbook's column contract: what ``tps-plan`` reads back from a workbook ``reconcile`` wrote.

This is the one declared arrow between commands: ``commands.plan`` imports these names and nothing else of
``commands.reconcile``, so a header renamed here is renamed for both.
"""

# The sheet that lists every inmate, one row each, in the columns below.
FULL_LIST_SHEET = "Model A lengkap"

# The columns of "Model A-Daftar Pemilih Lokasi Khusus", the form the prison hands to KPU.
MODEL_A_COLUMNS = {
    "nkk": "NKK",
    "nik": "NIK",
    "name": "NAMA",
    "birth_place": "TEMPAT LAHIR",
    "birth_date_used": "TANGGAL LAHIR",
    "marital_status": "STATUS PERKAWINAN (B/S/P)",
    "sex": "JENIS KELAMIN (L/P)",
    "disability": "DISABILITAS",
    "address": "ALAMAT",
    "rt": "RT",
    "rw": "RW",
    "village": "KELURAHAN/DESA",
    "district": "KECAMATAN",
    "regency": "KABUPATEN/KOTA",
}
STATUS_COLUMNS = {
    "source_row": "BARIS",
    "reg_no": "NO. REGISTRASI",
    "status": "STATUS",
    "status_label": "KETERANGAN",
    "reasons": "ALASAN LAIN",
    "kpu_nik": "NIK DI DPT",
    "kpu_tps": "TPS DI DPT",
    "kpu_village": "KELURAHAN TPS",
    "method": "METODE COCOK",
    "score": "SKOR",
    "agreed": "SESUAI",
    "disagreed": "TIDAK SESUAI",
    "candidates": "KANDIDAT",
    "duplicate_of": "GANDA DARI BARIS",
    "proposed_nik": "NIK USULAN DUKCAPIL",
    "dukcapil_check": "CEK DUKCAPIL",
    "kpu_struck_off_code": "DICORET DARI DPT (KODE)",
    "home_label": "DAERAH ASAL",
}
