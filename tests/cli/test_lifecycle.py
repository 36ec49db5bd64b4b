"""Issue 19, a run's end as a process sees it: killed while writing (SIGTERM, SIGHUP, SIGINT, SIGKILL), or out of
disk space. Each test runs ``dpt-rutan`` on examples/ as a subprocess with its own temporary folder (TMPDIR), so
that ``tempfile.gettempdir()`` of the run can be checked for leftovers as well as the output folder."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest

from dpt_rutan import lifecycle

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
RECONCILE = [
    "reconcile",
    str(EXAMPLES / "roster_rutan_blora.xlsx"),
    str(EXAMPLES / "dpt_kpu_blora.csv"),
    "--site",
    str(EXAMPLES / "site_rutan_blora.toml"),
]
ATTEMPTS = 6


def start(args: list[str], temp: Path, **options) -> subprocess.Popen:
    temp.mkdir(exist_ok=True)
    environment = {**os.environ, "TMPDIR": str(temp), "COLUMNS": "200"}
    command = [sys.executable, "-c", "from dpt_rutan.cli import app; app()", *args]
    return subprocess.Popen(
        command, env=environment, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **options
    )


def work_folders(folder: Path) -> list[Path]:
    return [path for path in folder.iterdir() if path.name.startswith(".") and path.name.endswith(".part")]


def kill_while_writing(args: list[str], folder: Path, temp: Path, signal_number: int) -> tuple[int, str] | None:
    """Start a run, wait until its report's work folder appears in ``folder``, send the signal; the run's exit code
    and stderr, or None when the run finished before the signal could be sent (then the caller tries again)."""
    process = start(args, temp)
    try:
        while process.poll() is None and not work_folders(folder):
            time.sleep(0.002)
        if process.poll() is not None:
            process.communicate()
            return None
        process.send_signal(signal_number)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return process.returncode, stderr


def killed_while_writing(args, folder, temp, signal_number, target: Path) -> tuple[int, str]:
    for _ in range(ATTEMPTS):
        outcome = kill_while_writing(args, folder, temp, signal_number)
        if outcome is not None:
            return outcome
        target.unlink()  # finished first: the machine was quicker than the poll; try again
    pytest.fail(f"no run of {ATTEMPTS} could be stopped while writing")


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT], ids=lambda s: s.name)
def test_a_run_stopped_while_writing_leaves_nothing(tmp_path, stop):
    folder, temp = tmp_path / "out", tmp_path / "tmp"
    folder.mkdir()
    target = folder / "laporan.xlsx"
    code, stderr = killed_while_writing([*RECONCILE, "-o", str(target)], folder, temp, stop, target)
    assert code == 128 + stop
    assert stderr.strip().splitlines() == [
        f"dpt-rutan: stopped by {stop.name}: no report is left half-written (exit {128 + stop})"
    ]
    assert [(p.name, sorted(q.name for q in p.iterdir())) for p in folder.iterdir()] == []
    assert list(temp.iterdir()) == []


def test_a_run_killed_while_writing_never_leaves_a_partial_report_and_the_next_run_clears_its_leftovers(tmp_path):
    folder, temp = tmp_path / "out", tmp_path / "tmp"
    folder.mkdir()
    target = folder / "laporan.xlsx"
    code, _ = killed_while_writing([*RECONCILE, "-o", str(target)], folder, temp, signal.SIGKILL, target)
    assert code == -signal.SIGKILL
    assert not target.exists()
    (leftover,) = work_folders(folder)  # its sheets with whole NIKs are in there, 0700, not in the system's tmp
    assert (leftover.stat().st_mode & 0o777) == 0o700
    assert list(temp.iterdir()) == []
    process = start([*RECONCILE, "-o", str(target)], temp)
    process.communicate(timeout=300)
    assert process.returncode == 0
    assert [path.name for path in folder.iterdir()] == ["laporan.xlsx"]
    assert "Provenance" in openpyxl.load_workbook(target, read_only=True).sheetnames
    assert list(temp.iterdir()) == []


def test_reconcile_sites_stopped_while_writing_leaves_no_folder(tmp_path):
    (tmp_path / "roster.xlsx").write_bytes((EXAMPLES / "roster_rutan_blora.xlsx").read_bytes())
    table = tmp_path / "sites.csv"
    table.write_text("Nama UPT,Kode Kecamatan,TPS,Berkas WBP\nRutan Kelas IIB Blora,33.16.09,901,roster.xlsx\n")
    temp, target = tmp_path / "tmp", tmp_path / "hasil"
    args = ["reconcile-sites", str(table), str(EXAMPLES / "dpt_kpu_blora.csv"), "-o", str(target)]
    for _ in range(ATTEMPTS):
        process = start(args, temp)
        # The run's folder of reports is made beside the target first; the reports' work folders appear inside it.
        while process.poll() is None and not any(work_folders(path) for path in work_folders(tmp_path)):
            time.sleep(0.002)
        if process.poll() is None:
            break
        process.communicate()
        for path in target.iterdir():
            path.unlink()
        target.rmdir()
    else:
        pytest.fail(f"no run of {ATTEMPTS} could be stopped while writing")
    process.send_signal(signal.SIGTERM)
    process.communicate(timeout=120)
    assert process.returncode == 128 + signal.SIGTERM
    assert not target.exists()
    assert work_folders(tmp_path) == []
    assert list(temp.iterdir()) == []


def _small_file_limit() -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG, as on a full disk
    resource.setrlimit(resource.RLIMIT_FSIZE, (16_000, 16_000))


@pytest.mark.parametrize("name", ["laporan.xlsx", "laporan.json"])
def test_a_full_disk_gives_one_line_and_nothing_after_it(tmp_path, name):
    folder, temp = tmp_path / "out", tmp_path / "tmp"
    folder.mkdir()
    process = start([*RECONCILE, "-o", str(folder / name)], temp, preexec_fn=_small_file_limit)
    _, stderr = process.communicate(timeout=300)
    assert process.returncode == 2
    assert stderr.strip().splitlines() == [
        f"dpt-rutan: error: {folder / name}: could not be written (File too large). Free some disk space, or "
        "choose another output path with -o"
    ]
    assert list(folder.iterdir()) == []
    assert list(temp.iterdir()) == []


@pytest.fixture
def run_started():
    """The command line's run set-up in this process (signal handlers and all), torn down after the test."""
    teardown: list = []
    lifecycle.start_run(teardown.append)
    yield
    for step in teardown:
        step()


def test_the_handler_removes_a_registered_folder_wherever_the_signal_lands(tmp_path, run_started, capsys):
    work = tmp_path / ".laporan.xlsx.dpt-rutan-1-x.part"
    work.mkdir()
    (work / "report").write_bytes(b"half")
    lifecycle.remove_if_stopped(work)
    with pytest.raises(lifecycle.Stopped) as stopped:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)  # the handler runs before this ends
    assert stopped.value.code == 143
    assert not work.exists()
    assert capsys.readouterr().err.startswith("dpt-rutan: stopped by SIGTERM")


def test_a_signal_within_a_deferred_step_stops_the_run_when_the_step_ends(tmp_path, run_started):
    steps = []
    with pytest.raises(lifecycle.Stopped):
        with lifecycle.signals_deferred():
            os.kill(os.getpid(), signal.SIGHUP)
            time.sleep(0.05)
            steps.append("made")
            lifecycle.remove_if_stopped(tmp_path)
        steps.append("after")
    assert steps == ["made"]
    assert not tmp_path.exists()
