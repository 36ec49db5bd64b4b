"""Progress bars for the long passes over a KPU extract (a province's extract takes minutes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.progress import BarColumn, DownloadColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from dpt_rutan.cli.terminal import console


@contextmanager
def extract_progress() -> Iterator[Callable[[str, int, int, int], None]]:
    """A progress bar per pass over the KPU extract: bytes and rows read (a province's extract takes minutes)."""
    columns = (
        TextColumn("DPT, {task.description}"),
        BarColumn(),
        DownloadColumn(),
        TextColumn("{task.fields[rows]:,} baris"),
        TimeRemainingColumn(),
    )
    # Started by the first block, so that an error before any (a bad roster) leaves the terminal as it was.
    bar = Progress(*columns, console=console, transient=True)
    tasks: dict[str, TaskID] = {}

    def show(label: str, done: int, total: int, rows: int) -> None:
        if not tasks:
            bar.start()
        if label not in tasks:
            tasks[label] = bar.add_task(label, total=total, rows=0)
        bar.update(tasks[label], completed=done, rows=rows)

    try:
        yield show
    finally:
        if tasks:
            bar.stop()
