"""Time ``reconcile`` at the scales of issue 7: a regency, a province, and a regency's extract as .xlsx.

Run by hand (needs the ``bench`` extra, DuckDB)::

    python bench/bench_reconcile.py                        # regency: roster 2,000 vs 1,000,000 CSV rows
    python bench/bench_reconcile.py --case-set province    # roster 15,000 vs 30,000,000 CSV rows of Jawa Tengah
    python bench/bench_reconcile.py --case-set xlsx        # roster 2,000 vs 1,000,000 rows as .xlsx
    python bench/bench_reconcile.py --case-set province --rows 300000 --roster 1500   # a smoke run, about a minute

``--data DIR`` keeps the generated files (the province extract is about 4 GB, the .xlsx takes minutes to write) so
that a rerun with the same seed and sizes skips generation; without it they go to a temporary folder deleted at the
end. The data (``reconcile_data.py``) is generated with a fixed seed.

Each case runs in a fresh child process, so that its peak RSS is its own, under an address-space limit
(``--memory-limit-gb``, half the machine's memory by default) so that a case that outgrows it fails alone instead of
waking the kernel's OOM killer. The cases: the reference, a plain DuckDB join of the roster and the extract on NIK
(the cost of scanning the extract once; for .xlsx, which DuckDB reads only through an extension, the CSV of the same
data), and ``reconcile`` end to end, with the stage timings it reports (``result.timings``). Then one line per target
of issue 7 that the case set measures. Issue 7's other target, a million NIKs validated, is ``bench_nik.py``'s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from reconcile_data import (
    BLORA,
    JAWA_TENGAH,
    PROVINCE_MIX,
    REGENCY_MIX,
    DataSpec,
    RosterMix,
    prepare_files,
    prepare_xlsx,
)

REPO = Path(__file__).resolve().parents[1]
SITE_FILE = REPO / "examples" / "site_rutan_blora.toml"
EXCEL_DATA_ROWS = 1_048_575  # Excel's 1,048,576 rows, less the header
EXCEPTION_LINE = re.compile(r"[\w.]*(Error|Exception)\b")


# --- cases (each in its own child process) ------------------------------------------------------------------------


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def case_reference(roster: Path, extract: Path) -> dict:
    import duckdb

    start = time.perf_counter()
    found = (
        duckdb.connect()
        .execute(
            f"""
        SELECT count(*) FROM read_csv('{extract}', delim=';', header=true, all_varchar=true) AS k
        JOIN read_csv('{roster}', delim=',', header=true, all_varchar=true) AS r ON k.NIK = r.NIK
        """
        )
        .fetchone()[0]
    )
    return {"seconds": time.perf_counter() - start, "note": f"{found:,} rows joined on NIK"}


def case_reconcile(roster: Path, extract: Path) -> dict:
    from dpt_rutan.commands.reconcile.run import reconcile
    from dpt_rutan.election import load_profile
    from dpt_rutan.site import load_site

    site, profile = load_site(SITE_FILE), load_profile("pemilu2024")
    start = time.perf_counter()
    result = reconcile(roster, extract, site=site, profile=profile)
    seconds = time.perf_counter() - start
    counts = result.status_counts()
    note = ", ".join(f"{status} {count:,}" for status, count in counts[counts > 0].items())
    return {"seconds": seconds, "note": note, "timings": dict(result.timings)}


CASES = {"reference": case_reference, "reconcile": case_reconcile}


def _limit_address_space(limit_bytes: int) -> Callable[[], None]:
    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return limit


def run_child(case: str, roster: Path, extract: Path, memory_limit_gb: float) -> dict:
    """The case's figures, or {"error": ...} when the child failed (out of memory, say): the other cases still count."""
    command = [sys.executable, __file__, "--case", case, "--files", str(roster), str(extract)]
    limit = _limit_address_space(int(memory_limit_gb * 2**30)) if memory_limit_gb > 0 else None
    done = subprocess.run(command, capture_output=True, text=True, check=False, preexec_fn=limit)
    lines = done.stdout.strip().splitlines()
    if lines and lines[-1].startswith("{"):
        return json.loads(lines[-1])
    # The exception's own line: its message may go on over more lines (DuckDB's does).
    raised = [line for line in done.stderr.splitlines() if EXCEPTION_LINE.match(line)]
    return {"error": raised[-1] if raised else f"exit code {done.returncode}"}


def measure_case(case: str, files: list[Path]) -> dict:
    """Run in the child: the case's figures, or how long it ran before it ran out of memory."""
    start = time.perf_counter()
    try:
        measured = CASES[case](*files)
    except MemoryError as error:
        measured = {"error": f"{type(error).__name__} after {time.perf_counter() - start:,.0f} s: {error}"}
    return {**measured, "peak_mb": _peak_rss_mb()}


# --- case sets and targets ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    label: str  # as issue 7's table words it
    figure: Callable[[dict[str, dict]], float | None]
    limit: float
    unit: str


def _succeeded(results: dict[str, dict], case: str) -> dict:
    """The case's figures, none if it failed: a failed case's peak RSS is that of a run cut short."""
    return {} if "error" in results[case] else results[case]


def _seconds(results: dict[str, dict]) -> float | None:
    return _succeeded(results, "reconcile").get("seconds")


def _peak_mb(results: dict[str, dict]) -> float | None:
    return _succeeded(results, "reconcile").get("peak_mb")


def _times_reference(results: dict[str, dict]) -> float | None:
    seconds, reference = _seconds(results), _succeeded(results, "reference").get("seconds")
    return None if seconds is None or not reference else seconds / reference


def _fuzzy_seconds(results: dict[str, dict]) -> float | None:
    return _succeeded(results, "reconcile").get("timings", {}).get("fuzzy matching")


@dataclass(frozen=True)
class CaseSet:
    area: str
    rows: int
    roster: int
    mix: RosterMix
    xlsx: bool
    targets: tuple[Target, ...]


CASE_SETS = {
    "regency": CaseSet(
        BLORA,
        1_000_000,
        2_000,
        REGENCY_MIX,
        xlsx=False,
        targets=(
            Target("roster 2,000 vs extract 1,000,000 rows CSV: end to end", _seconds, 10, "s"),
            Target("roster 2,000 vs extract 1,000,000 rows CSV: peak RSS", _peak_mb, 1024, "MB"),
        ),
    ),
    "province": CaseSet(
        JAWA_TENGAH,
        30_000_000,
        15_000,
        PROVINCE_MIX,
        xlsx=False,
        targets=(
            Target("roster 15,000 vs extract 30,000,000 rows CSV: end to end", _seconds, 180, "s"),
            Target("roster 15,000 vs extract 30,000,000 rows CSV: peak RSS", _peak_mb, 3072, "MB"),
            Target("roster 15,000 vs extract 30,000,000 rows CSV: DuckDB reference", _times_reference, 2, "x"),
            Target("fuzzy matching of 1,500 unmatched inmates in the province case", _fuzzy_seconds, 20, "s"),
        ),
    ),
    "xlsx": CaseSet(
        BLORA,
        1_000_000,
        2_000,
        REGENCY_MIX,
        xlsx=True,
        targets=(Target("roster 2,000 vs extract 1,000,000 rows XLSX: end to end", _seconds, 60, "s"),),
    ),
}


# --- main ---------------------------------------------------------------------------------------------------------


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case-set", choices=sorted(CASE_SETS), default="regency")
    parser.add_argument("--rows", type=int, help="rows of the KPU extract (default: the case set's)")
    parser.add_argument("--roster", type=int, help="rows of the roster (default: the case set's)")
    parser.add_argument("--seed", type=int, default=20240214)
    parser.add_argument("--chunk-rows", type=int, default=1_000_000, help="extract rows generated at a time")
    parser.add_argument("--data", type=Path, help="folder that keeps the generated files for reruns")
    half_of_memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**31
    parser.add_argument(
        "--memory-limit-gb", type=float, default=round(half_of_memory, 1), help="address space per case; 0: none"
    )
    parser.add_argument("--case", choices=sorted(CASES), help=argparse.SUPPRESS)
    parser.add_argument("--files", nargs=2, type=Path, help=argparse.SUPPRESS)
    return parser.parse_args()


@contextmanager
def _data_root(data: Path | None) -> Iterator[Path]:
    if data is not None:
        data.mkdir(parents=True, exist_ok=True)
        yield data
        return
    with tempfile.TemporaryDirectory(prefix="bench_reconcile_") as folder:
        yield Path(folder)


def _progress(text: str) -> None:
    print(f"\r      {text}", end="", file=sys.stderr, flush=True)


def _measure(args: argparse.Namespace, case_set: CaseSet, spec: DataSpec) -> dict[str, dict]:
    with _data_root(args.data) as root:
        files = prepare_files(spec, root, _progress)
        if case_set.xlsx:
            files = prepare_xlsx(files, _progress)
        print(file=sys.stderr)
        about = files.about
        fuzzy = f"{about['roster_without_extract_nik']:,} of them without their extract NIK"
        print(f"data: roster {spec.roster:,} rows ({fuzzy}), extract {spec.rows:,} rows, seed {spec.seed}")
        xlsx = f", .xlsx written in {about['xlsx_seconds']} s" if case_set.xlsx else ""
        print(f"      CSV {about['extract_mb']:,} MB generated in {about['generation_seconds']} s{xlsx}")
        print(f"      in {files.roster.parent}")
        extract = files.extract_xlsx if case_set.xlsx else files.extract_csv
        return {
            "reference": run_child("reference", files.roster, files.extract_csv, args.memory_limit_gb),
            "reconcile": run_child("reconcile", files.roster, extract, args.memory_limit_gb),
        }


def _print_cases(results: dict[str, dict], rows: int, xlsx: bool) -> None:
    reference = results["reference"].get("seconds")
    print(f"{'case':<12}{'rows':>12}{'seconds':>10}{'peak RSS MB':>13}{'x reference':>13}  note")
    for case, measured in results.items():
        if "error" in measured:
            peak = f"{measured['peak_mb']:>13,.0f}" if "peak_mb" in measured else f"{'':>13}"
            print(f"{case:<12}{rows:>12,}{'failed':>10}{peak}{'':>13}  {measured['error']}")
            continue
        ratio = f"{measured['seconds'] / reference:>13.1f}" if reference else f"{'':>13}"
        note = measured["note"] + ("; on the CSV of the same data" if xlsx and case == "reference" else "")
        print(f"{case:<12}{rows:>12,}{measured['seconds']:>10.2f}{measured['peak_mb']:>13,.0f}{ratio}  {note}")
    timings = results["reconcile"].get("timings", {})
    if "error" in results["reconcile"]:
        print("stages of reconcile: none, it failed")
    else:
        print("stages of reconcile (match holds match by NIK and fuzzy matching):")
    for stage, seconds in timings.items():
        print(f"  {stage:<30}{seconds:>8.2f} s")


def _print_targets(results: dict[str, dict], case_set: CaseSet, spec: DataSpec) -> None:
    at_issue_size = (spec.rows, spec.roster) == (case_set.rows, case_set.roster)
    print("targets of issue 7" + ("" if at_issue_size else " (at other sizes than the issue's: indicative only)"))
    for target in case_set.targets:
        figure = target.figure(results)
        if figure is None:
            shown, verdict = f"{'-':>10}  ", "not measured"
        else:
            shown = f"{figure:>10,.1f} {target.unit}"
            verdict = "met" if figure < target.limit else f"missed by {figure - target.limit:,.1f} {target.unit}"
        print(f"  {target.label:<66}{shown}  target < {target.limit:,} {target.unit}: {verdict}")


def main() -> None:
    args = _arguments()
    if args.case:
        print(json.dumps(measure_case(args.case, args.files)))
        return
    case_set = CASE_SETS[args.case_set]
    spec = DataSpec(
        area=case_set.area,
        rows=args.rows or case_set.rows,
        roster=args.roster or case_set.roster,
        mix=case_set.mix,
        seed=args.seed,
        chunk_rows=args.chunk_rows,
    )
    if case_set.xlsx and spec.rows > EXCEL_DATA_ROWS:
        sys.exit(f"an .xlsx sheet holds at most {EXCEL_DATA_ROWS:,} data rows")
    results = _measure(args, case_set, spec)
    _print_cases(results, spec.rows, case_set.xlsx)
    _print_targets(results, case_set, spec)


if __name__ == "__main__":
    main()
