"""The province summary of ``reconcile-sites``: voters who moved between prisons, totals that count a KPU row once,
the output folder checked before anything is read, and every table in every output form."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from dpt_rutan.cli import app
from dpt_rutan.commands.reconcile.run import reconcile, reconcile_sites
from dpt_rutan.commands.reconcile.site_rosters import SiteRoster
from dpt_rutan.commands.reconcile.sites_report import MOVED_IN_LABEL, TOTAL_LABEL, province_summary
from dpt_rutan.election import load_profile
from dpt_rutan.fields import Field
from dpt_rutan.read import reader
from dpt_rutan.site import Site

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
PROFILE = load_profile("pemilu2024")
BLORA = Site(name="Rutan Kelas IIB Blora", district_code="33.16.09", tps_numbers=(901,))
CEPU = Site(name="Lapas Uji Cepu", district_code="33.16.09", tps_numbers=(902,))
MOVED_COUNT = 3


def _write_roster(path: Path, header: tuple, rows: list[tuple]) -> Path:
    book = openpyxl.Workbook()
    for row in [header, *rows]:
        book.active.append(row)
    book.save(path)
    return path


@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """Three inmates registered at Blora's TPS 901 who are now on the other prison's roster, and not on Blora's."""
    folder = tmp_path_factory.mktemp("moved")
    sheet = openpyxl.load_workbook(EXAMPLES / "roster_rutan_blora.xlsx", read_only=True)["DATA WBP"]
    rows = list(sheet.iter_rows(min_row=5, values_only=True))
    header, data = rows[0], [row for row in rows[1:] if row[1] is not None]
    everyone = _write_roster(folder / "all.xlsx", header, data)
    alone = reconcile(everyone, KPU, site=BLORA, profile=PROFILE)
    here = alone.decisions.loc[alone.decisions["status"] == "REGISTERED_HERE", "source_row"].head(MOVED_COUNT)
    positions = [int(row) - 2 for row in here]  # header on row 1, so data row n is position n - 2
    stay = [row for position, row in enumerate(data) if position not in positions]
    left = [data[position] for position in positions]
    prisons = [
        SiteRoster(
            BLORA, reader.read_table(_write_roster(folder / "blora.xlsx", header, stay), required=(Field.NAME,))
        ),
        SiteRoster(CEPU, reader.read_table(_write_roster(folder / "cepu.xlsx", header, left), required=(Field.NAME,))),
    ]
    (folder / "sites.csv").write_text(
        "Nama UPT,Kode Kecamatan,TPS,Berkas WBP\n"
        f"{BLORA.name},33.16.09,901,blora.xlsx\n{CEPU.name},33.16.09,902,cepu.xlsx\n"
    )
    return folder, reconcile_sites(prisons, KPU, profile=PROFILE)


def test_a_voter_at_one_prisons_tps_now_in_another_is_one_move(moved):
    _, result = moved
    transfers = result.transfers
    assert len(transfers) == MOVED_COUNT
    assert set(transfers["from_prison"]) == {BLORA.name} and set(transfers["to_prison"]) == {CEPU.name}
    assert set(transfers["to_status"]) == {"REGISTERED_ELSEWHERE"}
    blora_gone = result.prisons[0].kpu_side
    assert set(transfers["kpu_row"]) <= set(blora_gone.loc[blora_gone["status"] == "NOT_IN_CUSTODY", "source_row"])
    summary = province_summary(result).set_index("UPT")
    assert summary.loc[BLORA.name, MOVED_IN_LABEL] == MOVED_COUNT
    assert summary.loc[TOTAL_LABEL, MOVED_IN_LABEL] == MOVED_COUNT


def test_the_total_counts_a_kpu_row_two_reports_list_once(moved):
    _, result = moved
    summary = province_summary(result).set_index("UPT")
    for status in ("NOT_IN_CUSTODY", "KPU_DUPLICATE"):
        rows = pd.concat([p.kpu_side.loc[p.kpu_side["status"] == status, "source_row"] for p in result.prisons])
        assert summary.loc[TOTAL_LABEL, f"DPT: {status}"] == rows.nunique()


def run(*args) -> object:
    return CliRunner().invoke(app, ["reconcile-sites", *[str(arg) for arg in args]])


@pytest.mark.parametrize("name", ["hasil.xlsx", "hasil.CSV", "hasil.json"])
def test_a_report_file_name_is_refused_before_anything_is_read(tmp_path, name):
    result = run(tmp_path / "missing-sites.csv", tmp_path / "missing-kpu.csv", "-o", tmp_path / name)
    assert result.exit_code == 2
    assert name in result.output and "folder" in result.output and "missing" not in result.output
    assert not (tmp_path / name).exists()


def test_a_folder_with_an_earlier_runs_reports_is_refused(tmp_path):
    (tmp_path / "hasil").mkdir()
    (tmp_path / "hasil" / "01-rutan-lama.xlsx").write_bytes(b"")
    result = run(tmp_path / "missing-sites.csv", KPU, "-o", tmp_path / "hasil")
    assert result.exit_code == 2 and "01-rutan-lama.xlsx" in result.output


def test_csv_and_json_forms_hold_every_table(moved, tmp_path):
    folder, _ = moved
    assert run(folder / "sites.csv", KPU, "-o", tmp_path / "csv", "--format", "csv").exit_code == 0
    written = sorted(path.name for path in (tmp_path / "csv").iterdir())
    assert written == [
        "01-rutan-kelas-iib-blora.csv",
        "02-lapas-uji-cepu.csv",
        "ringkasan-provinsi-berkas.csv",
        "ringkasan-provinsi-ganda-antar-upt.csv",
        "ringkasan-provinsi-pindah-antar-upt.csv",
        "ringkasan-provinsi.csv",
    ]
    assert len(pd.read_csv(tmp_path / "csv" / "ringkasan-provinsi-pindah-antar-upt.csv")) == MOVED_COUNT
    assert run(folder / "sites.csv", KPU, "-o", tmp_path / "json", "--format", "json").exit_code == 0
    document = json.loads((tmp_path / "json" / "ringkasan-provinsi.json").read_text())
    assert set(document) == {"prisons", "across_prisons", "transfers", "files", "provenance"}
    read = {Path(source["path"]).name for source in document["provenance"]["inputs"]}
    assert read == {"sites.csv", KPU.name, "blora.xlsx", "cepu.xlsx"}
