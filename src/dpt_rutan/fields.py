"""The canonical fields every input file is mapped to, whatever its headers say.

Readers map the user's headers to these names (see ``read/synonyms.py`` for the synonyms); everything after the
readers speaks only these names. Values stay text until :mod:`dpt_rutan.values` types them.
"""

from __future__ import annotations

from enum import StrEnum


class Field(StrEnum):
    """A canonical field: its value is the column name readers give it."""

    REG_NO = "reg_no"  # prison registration number (No. Registrasi / No. Reg)
    NAME = "name"
    NIK = "nik"
    NKK = "nkk"
    BIRTH_PLACE = "birth_place"
    BIRTH_DATE = "birth_date"
    TTL = "ttl"  # combined "Blora, 12-03-1990" (tempat, tanggal lahir); split into the two above
    SEX = "sex"
    MARITAL_STATUS = "marital_status"  # B / S / P (never / married / ever married)
    DISABILITY = "disability"
    ADDRESS = "address"
    RT = "rt"
    RW = "rw"
    VILLAGE = "village"  # kelurahan / desa
    DISTRICT = "district"  # kecamatan
    REGENCY = "regency"  # kabupaten / kota
    PROVINCE = "province"
    CITIZENSHIP = "citizenship"  # WNI / WNA
    OCCUPATION = "occupation"  # pekerjaan: TNI / POLRI matter for eligibility
    RIGHT_TO_VOTE_REVOKED = "right_to_vote_revoked"  # hak memilih dicabut by a final court decision
    REMARKS = "remarks"  # catatan: free text, read for a revoked right to vote (remarks.py)
    ADDITIONAL_PENALTY = "additional_penalty"  # pidana tambahan: free text, read as remarks are
    DATE_IN = "date_in"  # tanggal masuk
    RELEASE_DATE = "release_date"  # tanggal bebas / ekspirasi
    REGISTER_CLASS = "register_class"  # A.I-A.V, B.I, B.IIa, B.IIb, B.III
    CASE = "case"  # perkara
    MOTHER_NAME = "mother_name"
    FATHER_NAME = "father_name"
    TPS = "tps"  # KPU extract: TPS number
    EKTP = "ektp"  # KPU extract: e-KTP status S/B
    TMS_CODE = "tms_code"  # KPU extract: keterangan / TMS code
    PRISON = "prison"  # UPT / Lapas / Rutan, for a province-wide roster


ID_FIELDS = (Field.NIK, Field.NKK)
"""Identifier fields: always read as text; readers also say whether the cell arrived as a number."""


def arrived_as_number(field: Field | str) -> str:
    """Name of the boolean column a reader adds beside an identifier field: True where the cell was numeric."""
    return f"{field}_was_number"
