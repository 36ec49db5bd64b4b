"""Issue 19, through the command line: no report replaces a file the run read, reconcile-sites writes all its reports
or none, a site table's roster paths stay in its folder and a file that is not a table is never echoed, and the
late-inflow forecast of tps-plan is bounded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dpt_rutan.report import OutputError, publish_folder, staged_folder
from tests.cli.command_line import run_catching

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
ROSTER = EXAMPLES / "roster_rutan_blora.xlsx"
OLDER_ROSTER = EXAMPLES / "roster_rutan_blora_2023-12-15.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
SITE = EXAMPLES / "site_rutan_blora.toml"
DAPIL = EXAMPLES / "dapil_blora.csv"
PROFILE = ROOT / "src" / "dpt_rutan" / "profiles" / "pemilu2024.toml"
SECRET = "root:$6$SECRETHASH:19000:0:99999:7:::"


def one_line_error(result) -> str:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.startswith("dpt-rutan: error:")]
    return line


def copied(source: Path, folder: Path, name: str | None = None) -> Path:
    return Path(shutil.copy(source, folder / (name or source.name)))


# --- 1. every file the run reads is an input ----------------------------------------------------------------------


def _site_with_dapil(folder: Path) -> Path:
    """A copy of the example site file whose dapil table is a file of its own, named only inside the TOML."""
    dapil = copied(DAPIL, folder, "dapil.csv")
    text = SITE.read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.startswith("dapil_file")]
    site = folder / "site.toml"
    site.write_text("\n".join([f'dapil_file = "{dapil}"', *lines]) + "\n", encoding="utf-8")
    return site


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(lambda f: ["validate", ROSTER, "--election", f / "profile.toml"], id="validate-election"),
        pytest.param(lambda f: ["reconcile", ROSTER, KPU, "--site", f / "site.toml"], id="reconcile-site"),
        pytest.param(
            lambda f: ["reconcile", ROSTER, KPU, "--site", f / "site.toml", "--election", f / "profile.toml"],
            id="reconcile-election",
        ),
        pytest.param(lambda f: ["tps-plan", ROSTER, "--site", f / "site.toml"], id="tps-plan-site"),
        pytest.param(lambda f: ["tps-plan", ROSTER, "--site", f / "site.toml"], id="tps-plan-dapil-in-site"),
        pytest.param(lambda f: ["diff", OLDER_ROSTER, ROSTER, "--site", f / "site.toml"], id="diff-site"),
    ],
)
def test_a_report_never_replaces_a_configuration_file_the_run_read(tmp_path, command, request):
    copied(PROFILE, tmp_path, "profile.toml")
    site = _site_with_dapil(tmp_path)
    target = {
        "validate-election": tmp_path / "profile.toml",
        "reconcile-election": tmp_path / "profile.toml",
        "tps-plan-dapil-in-site": tmp_path / "dapil.csv",
    }.get(request.node.callspec.id, site)
    before = {path.name: path.read_bytes() for path in tmp_path.iterdir()}
    line = one_line_error(run_catching(*command(tmp_path), "--format", "json", "-o", target))
    assert "is an input of this run" in line and target.name in line
    assert {path.name: path.read_bytes() for path in tmp_path.iterdir()} == before


def test_a_symlink_to_an_input_is_refused_too(tmp_path):
    site = _site_with_dapil(tmp_path)
    (tmp_path / "report.json").symlink_to(site)
    line = one_line_error(run_catching("reconcile", ROSTER, KPU, "--site", site, "-o", tmp_path / "report.json"))
    assert "is an input of this run" in line
    assert site.read_text(encoding="utf-8").startswith("dapil_file")


def test_reading_is_recorded_for_the_run_only(tmp_path):
    site = _site_with_dapil(tmp_path)
    assert run_catching("reconcile", ROSTER, KPU, "--site", site, "-o", tmp_path / "first.json").exit_code == 0
    # A later run that does not read the site file may write over it: what counts is what this run read.
    copied(ROSTER, tmp_path, "site.toml")
    result = run_catching("validate", tmp_path / "first.json", "--format", "json", "-o", site)
    assert "is an input" not in result.output


# --- 4. reconcile-sites: all reports or none --------------------------------------------------------------------


def _sites_table(folder: Path, roster_cell: str = "roster.xlsx") -> Path:
    table = folder / "sites.csv"
    table.write_text(f"Nama UPT,Kode Kecamatan,TPS,Berkas WBP\nRutan Kelas IIB Blora,33.16.09,901,{roster_cell}\n")
    return table


def leftovers(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir() if "dpt-rutan" in path.name or path.suffix == ".part")


def test_an_early_failure_leaves_no_folder_behind(tmp_path):
    (tmp_path / "roster.csv").write_text("this is not a roster\n")
    line = one_line_error(
        run_catching("reconcile-sites", _sites_table(tmp_path, "roster.csv"), KPU, "-o", tmp_path / "hasil")
    )
    assert "roster.csv" in line
    assert not (tmp_path / "hasil").exists()
    assert leftovers(tmp_path) == []


def test_a_folder_with_anything_in_it_is_refused_before_reading(tmp_path):
    (tmp_path / "hasil").mkdir()
    (tmp_path / "hasil" / "catatan.txt").write_text("notes of another run")
    line = one_line_error(run_catching("reconcile-sites", tmp_path / "missing.csv", KPU, "-o", tmp_path / "hasil"))
    assert "not empty" in line and "missing.csv" not in line
    assert [path.name for path in (tmp_path / "hasil").iterdir()] == ["catatan.txt"]


def test_the_reports_appear_together_in_an_empty_folder(tmp_path):
    copied(ROSTER, tmp_path, "roster.xlsx")
    (tmp_path / "hasil").mkdir()
    result = run_catching("reconcile-sites", _sites_table(tmp_path), KPU, "-o", tmp_path / "hasil")
    assert result.exit_code == 0, result.output
    assert sorted(path.name for path in (tmp_path / "hasil").iterdir()) == [
        "01-rutan-kelas-iib-blora.xlsx",
        "ringkasan-provinsi.xlsx",
    ]
    assert leftovers(tmp_path) == [] and leftovers(tmp_path / "hasil") == []


def test_a_folder_another_run_filled_meanwhile_is_not_mixed_into(tmp_path):
    target = tmp_path / "hasil"
    with pytest.raises(OutputError, match="not empty"), staged_folder(target) as work:
        (work / "01-ours.xlsx").write_bytes(b"ours")
        target.mkdir()
        (target / "01-theirs.xlsx").write_bytes(b"theirs")  # the other run published first
        publish_folder(work, target)
    assert [path.name for path in target.iterdir()] == ["01-theirs.xlsx"]
    assert leftovers(tmp_path) == []


# --- 5. a site table's roster paths ------------------------------------------------------------------------------


@pytest.fixture
def outside(tmp_path) -> Path:
    """A roster outside the site table's folder, and a file that is not a table."""
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "shadow").write_text(SECRET + "\n")
    copied(ROSTER, tmp_path / "elsewhere", "roster.xlsx")
    (tmp_path / "table").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param(lambda root: str(root / "elsewhere" / "roster.xlsx"), id="absolute"),
        pytest.param(lambda root: "../elsewhere/roster.xlsx", id="dot-dot"),
        pytest.param(lambda root: "link.xlsx", id="symlink"),
        pytest.param(lambda root: "../elsewhere/shadow", id="not-a-table"),
    ],
)
def test_a_roster_path_leading_out_of_the_tables_folder_is_refused(outside, cell):
    (outside / "table" / "link.xlsx").symlink_to(outside / "elsewhere" / "roster.xlsx")
    table = _sites_table(outside / "table", cell(outside))
    line = one_line_error(run_catching("reconcile-sites", table, KPU, "-o", outside / "hasil"))
    assert "outside the site table's folder" in line and "--allow-outside-paths" in line
    assert not (outside / "hasil").exists()


def test_outside_paths_are_followed_when_the_user_says_so(outside):
    table = _sites_table(outside / "table", "../elsewhere/roster.xlsx")
    result = run_catching("reconcile-sites", table, KPU, "-o", outside / "hasil", "--allow-outside-paths")
    assert result.exit_code == 0, result.output
    assert (outside / "hasil" / "ringkasan-provinsi.xlsx").is_file()


def test_a_file_that_is_not_a_table_is_named_never_echoed(outside):
    copied(outside / "elsewhere" / "shadow", outside / "table")
    table = _sites_table(outside / "table", "shadow")
    line = one_line_error(run_catching("reconcile-sites", table, KPU, "-o", outside / "hasil", "--allow-outside-paths"))
    assert "'shadow' is not a roster file" in line and "SECRETHASH" not in line
    line = one_line_error(
        run_catching("reconcile-sites", outside / "elsewhere" / "shadow", KPU, "-o", outside / "hasil")
    )
    assert "shadow" in line and "SECRETHASH" not in line


# --- 6. the late-inflow forecast is bounded -----------------------------------------------------------------------


def test_a_roster_dated_decades_ago_plans_at_most_the_horizon(tmp_path):
    output = tmp_path / "plan.json"
    result = run_catching(
        "tps-plan", ROSTER, "--site", SITE, "--as-of", "1990-01-01", "--inflow-per-week", "50", "-o", output
    )
    assert result.exit_code == 0, result.output
    plan = json.loads(output.read_text(encoding="utf-8"))
    assert plan["forecast"]["window_days"] == 26 * 7
    assert plan["forecast"]["sized"] <= 26 * 50  # was 87,636: every week since 1990
    assert {"PLAN_ROSTER_DATE_OLD", "PLAN_INFLOW_IMPLAUSIBLE"} <= {flag["code"] for flag in plan["flags"]}
    assert "PLAN_ROSTER_DATE_OLD" in result.output and "PLAN_INFLOW_IMPLAUSIBLE" in result.output


@pytest.mark.parametrize("inflow", ["1e9", "5000", "nan", "inf", "-3"])
def test_an_absurd_inflow_per_week_is_one_line(inflow):
    line = one_line_error(run_catching("tps-plan", ROSTER, "--site", SITE, "--inflow-per-week", inflow))
    assert "--inflow-per-week" in line


def test_a_forecast_above_the_prisons_capacity_is_flagged(tmp_path):
    site = _site_with_dapil(tmp_path)
    site.write_text(site.read_text(encoding="utf-8") + "capacity = 10\n", encoding="utf-8")
    result = run_catching("tps-plan", ROSTER, "--site", site, "--inflow-per-week", "10")
    assert result.exit_code == 0, result.output
    assert "PLAN_INFLOW_IMPLAUSIBLE" in result.output and "capacity of 10" in result.output
