"""Several prisons in one run: the site table, rosters split by their UPT column, one read of the extract, and for
each prison the very answer ``reconcile`` gives for it alone."""

from __future__ import annotations

import stat
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.commands.reconcile.run import SitesResult, reconcile, reconcile_sites
from dpt_rutan.commands.reconcile.site_rosters import site_rosters
from dpt_rutan.commands.reconcile.site_table import parse_tps_numbers, read_site_table
from dpt_rutan.commands.reconcile.sites_report import TOTAL_LABEL, province_summary
from dpt_rutan.decide import Status
from dpt_rutan.election import load_profile
from dpt_rutan.errors import UnusableInputError

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
DUKCAPIL = EXAMPLES / "dukcapil_blora.csv"
PROFILE = load_profile("pemilu2024")
BLORA, CEPU = "Rutan Kelas IIB Blora", "Lapas Uji Cepu"
FIRST_SITE_ROWS = 80
MOVED = 5  # this inmate of the first prison is also on the second one's roster: a transfer not yet caught up with


def _example_rows() -> tuple[tuple, list[tuple]]:
    sheet = openpyxl.load_workbook(EXAMPLES / "roster_rutan_blora.xlsx", read_only=True)["DATA WBP"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    return rows[0], [row for row in rows[1:] if row[1] is not None]  # data rows carry a registration number


def _write_xlsx(path: Path, rows: list[tuple]) -> Path:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """Two prisons' rosters as own files and as one province-wide roster, and site tables for both ways."""
    folder = tmp_path_factory.mktemp("sites")
    header, data = _example_rows()
    first, second = data[:FIRST_SITE_ROWS], [*data[FIRST_SITE_ROWS:], data[MOVED]]
    _write_xlsx(folder / "blora.xlsx", [header, *first])
    _write_xlsx(folder / "cepu.xlsx", [header, *second])
    upt_rows = [(BLORA, *row) for row in first] + [(CEPU.upper(), *row) for row in second]
    _write_xlsx(folder / "jateng.xlsx", [("UPT", *header), *upt_rows])
    (folder / "sites.csv").write_text(
        f"Nama UPT,Kode Kecamatan,TPS,Berkas WBP\n{BLORA},33.16.09,901,blora.xlsx\n{CEPU},331609,TPS 902,cepu.xlsx\n"
    )
    (folder / "sites_upt.csv").write_text(f"Nama UPT;Kode Kecamatan;TPS\n{BLORA};33.16.09;901\n{CEPU};331609;902\n")
    return folder


@pytest.fixture(scope="module")
def together(folder) -> SitesResult:
    entries = read_site_table(folder / "sites.csv").entries
    rosters = site_rosters(entries)
    return reconcile_sites(rosters.prisons, KPU, profile=PROFILE, dukcapil_path=DUKCAPIL, block_bytes=64 * 1024)


@pytest.fixture(scope="module")
def alone(folder):
    return [
        reconcile(folder / file, KPU, site=entry.site, profile=PROFILE, dukcapil_path=DUKCAPIL)
        for file, entry in zip(("blora.xlsx", "cepu.xlsx"), read_site_table(folder / "sites.csv").entries, strict=True)
    ]


DECIDED = ["source_row", "status", "registration", "reasons", "kpu_row", "method", "score", "proposed_nik"]


def test_each_prison_gets_what_reconciling_it_alone_gives(together, alone):
    assert [prison.site.name for prison in together.prisons] == [BLORA, CEPU]
    for joint, single in zip(together.prisons, alone, strict=True):
        pd.testing.assert_frame_equal(joint.decisions[DECIDED], single.decisions[DECIDED])
        pd.testing.assert_frame_equal(joint.kpu_side, single.kpu_side)
        pd.testing.assert_frame_equal(joint.review_candidates, single.review_candidates)
    # The data must exercise the paths that could tell the prisons apart.
    blora, cepu = (prison.status_counts() for prison in together.prisons)
    assert blora["REGISTERED_HERE"] > 0 and cepu["REGISTERED_HERE"] == 0 and cepu["REGISTERED_ELSEWHERE"] > 0
    assert (together.prisons[0].kpu_side["status"] == "NOT_IN_CUSTODY").any()


def test_the_extract_is_read_once_for_all_prisons(together, alone):
    assert together.kpu_rows_read == alone[0].kpu_rows_read == len(pd.read_csv(KPU, sep=";"))
    assert together.prisons[0].kpu is together.prisons[1].kpu


def test_an_inmate_on_two_rosters_is_listed_once_with_both_prisons(together):
    pairs = together.across_prisons
    assert len(pairs) == 1
    pair = pairs.iloc[0]
    assert (pair["prison_a"], pair["prison_b"], pair["method"]) == (BLORA, CEPU, "nik_exact")
    names = {prison.site.name: prison.roster.frame.set_index("source_row")["name"] for prison in together.prisons}
    assert names[BLORA][pair["row_a"]] == names[CEPU][pair["row_b"]]


def test_a_province_wide_roster_is_split_by_its_upt_column(folder, together):
    entries = read_site_table(folder / "sites_upt.csv").entries
    rosters = site_rosters(entries, [folder / "jateng.xlsx"])
    split = reconcile_sites(rosters.prisons, KPU, profile=PROFILE, dukcapil_path=DUKCAPIL)
    for joint, from_own_file in zip(split.prisons, together.prisons, strict=True):
        assert joint.roster.table.name == "jateng.xlsx"
        same = ["status", "reasons", "kpu_row", "proposed_nik"]
        pd.testing.assert_frame_equal(joint.decisions[same], from_own_file.decisions[same])
    assert len(rosters.shared_files) == 1
    assert sum(len(prison.roster.frame) for prison in split.prisons) == len(rosters.shared_files[0].data)


def test_the_summary_adds_up_per_prison_and_for_the_province(together):
    summary = province_summary(together).set_index("UPT")
    statuses = [column for column in summary.columns if column.split(" — ")[0] in set(Status)]
    assert len(statuses) == len(Status)
    assert (summary[statuses].sum(axis=1) == summary["BARIS WBP"]).all()
    assert (summary["JUMLAH STATUS"] == summary["BARIS WBP"]).all()
    assert summary.loc[TOTAL_LABEL, "BARIS WBP"] == sum(len(p.roster.frame) for p in together.prisons)


def test_a_roster_row_naming_no_prison_of_the_table_is_an_error_with_its_place(folder, tmp_path):
    header, data = _example_rows()
    path = _write_xlsx(tmp_path / "rows.xlsx", [("UPT", *header), (BLORA, *data[0]), ("Lapas Entah", *data[1])])
    with pytest.raises(UnusableInputError) as error:
        site_rosters(read_site_table(folder / "sites_upt.csv").entries, [path])
    assert "rows.xlsx" in str(error.value) and "row 3" in str(error.value) and "UPT" in str(error.value)
    assert "Lapas Entah" in str(error.value)


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ("Nama UPT,Kode Kecamatan\nRutan A,99.01.01\n", ["row 2", "Kode Kecamatan", "province 99"]),
        ("Nama UPT,Kode Kecamatan,TPS\nRutan A,33.16.09,sembilan\n", ["row 2", "TPS", "sembilan"]),
        ("Nama UPT,TPS\nRutan A,901\n", ["no column 'Kode Kecamatan'"]),
        ("Nama UPT,Kode Kecamatan\nRutan A,33.16.09\n\nRUTAN  A,33.16.01\n", ["row 4", "already on row 2"]),
        ("Nama UPT,Kode Kecamatan\n", ["lists no prison"]),
    ],
)
def test_a_bad_site_table_is_one_error_naming_the_row_and_column(tmp_path, table, expected):
    path = tmp_path / "sites.csv"
    path.write_text(table)
    with pytest.raises(UnusableInputError) as error:
        read_site_table(path)
    message = str(error.value)
    assert message.startswith("sites.csv") and "\n" not in message
    for text in expected:
        assert text in message


def test_a_prison_without_inmates_is_an_error(folder, tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text(
        f"Nama UPT,Kode Kecamatan,TPS,Berkas WBP\n{BLORA},33.16.09,901,{folder / 'blora.xlsx'}\n"
        "Lapas Kosong,33.16.09,902,\n"
    )
    with pytest.raises(UnusableInputError, match=r"row 3.*Lapas Kosong.*no inmates"):
        site_rosters(read_site_table(path, allow_outside_paths=True).entries)


def test_an_excel_site_table_with_codes_typed_as_numbers(tmp_path):
    path = _write_xlsx(
        tmp_path / "sites.xlsx",
        [("NAMA UPT", "KODE KECAMATAN", "TPS", "KODE UPT"), (BLORA, 331609, 901, "WP.12-01"), (CEPU, 331609, 902.0)],
    )
    entries = read_site_table(path).entries
    assert [(e.site.district_code, e.site.tps_numbers, e.site.upt_code) for e in entries] == [
        ("33.16.09", (901,), "WP.12-01"),
        ("33.16.09", (902,), None),
    ]


@given(
    st.lists(st.integers(min_value=1, max_value=99_999), min_size=1, max_size=6),
    st.lists(st.sampled_from([";", ",", " ", "/", " ; ", ", "]), min_size=5, max_size=5),
    st.booleans(),
)
def test_tps_lists_parse_back_whatever_the_separators(numbers, separators, with_prefix):
    text = "".join(
        ("TPS " if with_prefix else "") + str(number) + (separators[i] if i < len(numbers) - 1 else "")
        for i, number in enumerate(numbers)
    )
    assert parse_tps_numbers(text) == numbers


@pytest.mark.parametrize("text", ["", "TPS", "901a", "-901", "9.5"])
def test_what_is_not_a_tps_list(text):
    assert parse_tps_numbers(text) is None


def test_the_command_writes_a_private_folder_of_reports(folder, tmp_path):
    out = tmp_path / "hasil"
    result = CliRunner().invoke(
        app,
        [
            "reconcile-sites",
            str(folder / "sites_upt.csv"),
            str(KPU),
            "--roster",
            str(folder / "jateng.xlsx"),
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in out.iterdir())
    assert written == ["01-rutan-kelas-iib-blora.xlsx", "02-lapas-uji-cepu.xlsx", "ringkasan-provinsi.xlsx"]
    assert stat.S_IMODE(out.stat().st_mode) == 0o700
    assert all(stat.S_IMODE(path.stat().st_mode) == 0o600 for path in out.iterdir())
    summary = pd.read_excel(out / "ringkasan-provinsi.xlsx", sheet_name=None, engine="openpyxl")
    assert set(summary) >= {"Ringkasan provinsi", "Ganda antar-UPT", "Berkas", "Provenance"}
    assert len(summary["Ganda antar-UPT"]) == 1
    assert "Ganda antar-UPT" in result.output and TOTAL_LABEL.split()[0] in result.output


def test_the_command_refuses_an_unknown_prison_in_one_line(folder, tmp_path):
    sites = tmp_path / "sites.csv"
    sites.write_text(f"Nama UPT,Kode Kecamatan\n{BLORA},33.16.09\n")
    roster = str(folder / "jateng.xlsx")
    result = CliRunner().invoke(
        app, ["reconcile-sites", str(sites), str(KPU), "--roster", roster, "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 2
    assert "jateng.xlsx" in result.output and "LAPAS UJI CEPU" in result.output
    assert "Traceback" not in result.output
