"""Site files, election profiles and dapil tables as people write them: region codes that exist, TPS numbers in
range, the encodings Windows programs save, a folder given for a file: one line and exit 2, never a traceback."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.commands.plan.dapil import load_dapil
from dpt_rutan.errors import ConfigError
from dpt_rutan.site import Site, load_site

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"
DAPIL = EXAMPLES / "dapil_blora.csv"
NAME = "Rutan Blorá – Jateng"  # "á" and "–" are one byte each in cp1252, two and three in UTF-8
# How Notepad and Excel save text: UTF-8, UTF-8 with BOM, UTF-16 LE with BOM ("Unicode"), UTF-16 BE, ANSI.
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-be-bom", "cp1252"]

runner = CliRunner()


def run(*args: object):
    return runner.invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def one_error_line(result) -> str:
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert lines[0].startswith("dpt-rutan: error: "), result.output
    assert "Traceback" not in result.output and "validation error" not in result.output
    return lines[0]


def save(path: Path, text: str, encoding: str) -> Path:
    if encoding == "utf-16-be-bom":
        path.write_bytes(b"\xfe\xff" + text.encode("utf-16-be"))
    else:
        path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def site_text(dapil_file: str = "dapil.csv", **values: str) -> str:
    fields = {"name": f'"{NAME}"', "district_code": '"33.16.09"', "tps_numbers": "[901]", **values}
    return "".join(f"{key} = {value}\n" for key, value in fields.items()) + f'dapil_file = "{dapil_file}"\n'


# --- 2. region codes and TPS numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("99.99.99", "province 99"),
        ("33.99.01", "kab/kota 33.99"),
        ("33.16.90", "kecamatan 33.16.90 does not exist in Kab. Blora"),
        ("Blora", "not a kecamatan code"),
    ],
)
def test_an_unknown_district_code_option_is_one_line(code: str, says: str):
    line = one_error_line(run("tps-plan", ROSTER, "--name", "Rutan X", "--district-code", code))
    assert line.startswith("dpt-rutan: error: --district-code: ")
    assert says in line


def test_an_unknown_kecamatan_in_a_site_file_is_one_line(tmp_path: Path):
    site = save(tmp_path / "site.toml", site_text(district_code='"33.16.90"'), "utf-8")
    line = one_error_line(run("tps-plan", ROSTER, "--site", site))
    assert f"{site}: district_code: kecamatan 33.16.90 does not exist" in line


def test_an_unknown_kecamatan_in_the_site_table_names_row_and_column(tmp_path: Path):
    table = tmp_path / "upt.csv"
    table.write_text("Nama UPT;Kode Kecamatan;TPS\nRutan Blora;33.16.09;901\nRutan Fiktif;33.16.90;901\n")
    line = one_error_line(run("reconcile-sites", table, KPU, "-o", tmp_path / "hasil"))
    assert "upt.csv, row 3, column Kode Kecamatan: kecamatan 33.16.90 does not exist" in line


def test_current_and_historic_codes_are_accepted():
    assert Site(name="Rutan Blora", district_code="331609").district_code == "33.16.09"
    # 91.01 is Merauke's code before Papua Selatan was formed: NIKs and older lists still carry it.
    assert Site(name="Lapas Merauke", district_code="91.01.01").regency_code == "91.01"


@pytest.mark.parametrize("numbers", ["[9999999999999999999999]", "[0]", "[901, 10000]"])
def test_tps_numbers_out_of_range_in_a_site_file_are_one_line(tmp_path: Path, numbers: str):
    site = save(tmp_path / "site.toml", site_text(tps_numbers=numbers), "utf-8")
    (tmp_path / "dapil.csv").write_bytes(DAPIL.read_bytes())
    line = one_error_line(run("tps-plan", ROSTER, "--site", site))
    assert "tps_numbers: TPS numbers go from 1 to 9999" in line


def test_a_tps_number_option_out_of_range_is_one_line():
    line = one_error_line(run("tps-plan", ROSTER, "--site", SITE, "--tps", "99999999999999999999"))
    assert line.startswith("dpt-rutan: error: --tps: ")


# --- 3. encodings and folders -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_site_file_and_dapil_table_in_any_windows_encoding_are_read(tmp_path: Path, encoding: str):
    dapil_text = DAPIL.read_text(encoding="utf-8").replace("Jawa Tengah III", "Jawa Tengah III – Blorá")
    save(tmp_path / "dapil.csv", dapil_text, encoding)
    site = load_site(save(tmp_path / "site.toml", site_text(), encoding))
    assert site.name == NAME
    assert load_dapil(site.dapil_file, site.district_code).dapil_of("dpr", "33.16.09") == "Jawa Tengah III – Blorá"
    result = run("tps-plan", ROSTER, "--site", tmp_path / "site.toml")
    assert result.exit_code == 0, result.output
    assert NAME in result.output
    assert "no dapil table" not in result.output


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_a_profile_in_any_windows_encoding_is_read(tmp_path: Path, encoding: str):
    packaged = resources.files("dpt_rutan").joinpath("profiles", "pemilu2024.toml").read_text(encoding="utf-8")
    text = packaged.replace('label = "', 'label = "Pemilu – Blorá ', 1)
    profile = save(tmp_path / "pemilu.toml", text, encoding)
    result = run("tps-plan", ROSTER, "--site", SITE, "--election", profile)
    assert result.exit_code == 0, result.output
    assert "Pemilu – Blorá" in result.output


def test_a_file_that_is_no_text_is_one_line(tmp_path: Path):
    line = one_error_line(run("tps-plan", ROSTER, "--site", ROSTER))
    assert "is not text" in line
    with pytest.raises(ConfigError, match="is not text"):
        load_site(ROSTER)


@pytest.mark.parametrize("option", ["--site", "--election", "--dapil"])
def test_a_folder_given_for_a_configuration_file_is_one_line(tmp_path: Path, option: str):
    args = ["tps-plan", ROSTER, "--site", SITE] if option != "--site" else ["tps-plan", ROSTER]
    line = one_error_line(run(*args, option, tmp_path))
    assert f"{tmp_path}: is a folder, not a file" in line


def test_a_huge_dapil_cell_is_one_line_naming_row_and_column(tmp_path: Path):
    dapil = tmp_path / "dapil.csv"
    dapil.write_text(DAPIL.read_text(encoding="utf-8") + "33.16.16,Japah,,," + "x" * 200_000 + "\n", encoding="utf-8")
    line = one_error_line(run("tps-plan", ROSTER, "--site", SITE, "--dapil", dapil))
    assert f"{dapil}, row 22, column dapil_dprd_kabkota: a cell of 200,000 characters" in line
