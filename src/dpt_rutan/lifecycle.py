"""One run of the command line, from start to exit: how it stops on a signal, and which files it has read.

Stopping. Ctrl-C (SIGINT), SIGTERM (``kill``, a service manager, a container stopping) and SIGHUP (the terminal
closed) all end a run the same way: one line on stderr, then :class:`Stopped`, a ``SystemExit`` with the shell's code
for a signal, 128 + its number: 130, 143 and 129. Being an exit, not an error, it is caught by no ``except
Exception``; it unwinds through every writer, whose cleanup removes the report it was writing and its temporary
files, so nothing half-written is left. The handler itself first removes the work folders registered with
:func:`remove_if_stopped`, which covers a signal landing before a writer's ``try`` is entered. A second signal during
the cleanup is ignored, so that it can finish.

Inputs. Every file the run opens for reading (the data, a site or profile TOML, a dapil table, the rosters a site
table names, ...) is recorded, by a Python audit hook on ``open`` (PEP 578), so that no report is ever written over
any of them, whichever module read it and however it was named. Listing them by hand at each command is what let
``-o`` name the site file and replace it.
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


class Stopped(SystemExit):
    """The run was stopped by a signal; the exit code is 128 + the signal's number."""

    def __init__(self, signal_number: int) -> None:
        super().__init__(128 + signal_number)
        self.signal_number = signal_number


def start_run(on_close: Callable[[Callable[[], Any]], Any]) -> None:
    """Begin a run: stop cleanly on a signal and record the files read; ``on_close`` registers the teardown.

    Called once by the command line's main callback with the click context's ``call_on_close``.
    """
    _read.clear()
    _recording[0] = True
    _install_audit_hook()
    previous = _install_signal_handlers()

    def end_run() -> None:
        _recording[0] = False
        _removals.clear()
        _pending.clear()
        for number, handler in previous.items():
            signal.signal(number, handler)

    on_close(end_run)


# --- signals -----------------------------------------------------------------------------------------------------


def _install_signal_handlers() -> dict[int, Any]:
    """Our handler for each stop signal; the handlers it replaces. Only the main thread may set handlers."""
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {number: signal.signal(number, _stop) for number in STOP_SIGNALS}


_removals: dict[Path, None] = {}  # an ordered set
_deferring = [0]
_pending: list[int] = []


def remove_if_stopped(path: Path) -> None:
    """Have a temporary folder removed if the run is stopped before :func:`forget` is called for it.

    The signal handler removes it itself: stopped at any point, even between a folder's creation and the ``try``
    whose ``finally`` would remove it, nothing is left behind."""
    _removals[Path(path)] = None


def forget(path: Path) -> None:
    """The folder is removed or renamed into place by the code that made it: no longer the handler's concern."""
    _removals.pop(Path(path), None)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Hold the stop signals back for steps that must not be parted (make a folder, register it for removal); one
    that arrives meanwhile stops the run when the block ends."""
    _deferring[0] += 1
    try:
        yield
    finally:
        _deferring[0] -= 1
    if not _deferring[0] and _pending:
        _halt(_pending.pop())


def _stop(signal_number: int, _frame: object) -> None:
    for number in STOP_SIGNALS:
        signal.signal(number, signal.SIG_IGN)
    if _deferring[0]:
        _pending.append(signal_number)
        return
    _halt(signal_number)


def _halt(signal_number: int) -> None:
    for path in reversed(list(_removals)):
        shutil.rmtree(path, ignore_errors=True)
    _removals.clear()
    name = signal.Signals(signal_number).name
    sys.stderr.write(f"dpt-rutan: stopped by {name}: no report is left half-written (exit {128 + signal_number})\n")
    sys.stderr.flush()
    raise Stopped(signal_number)


# --- files read --------------------------------------------------------------------------------------------------

_read: set[str] = set()
_recording = [False]
_hook_installed = [False]
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | getattr(os, "O_CREAT", 0) | getattr(os, "O_TRUNC", 0)


def files_read() -> list[Path]:
    """The files the current run has opened for reading so far (absolute paths); none outside a run."""
    return [Path(name) for name in sorted(_read)] if _recording[0] else []


def _install_audit_hook() -> None:
    # An audit hook cannot be removed: install one per process, which records only while a run is on.
    if not _hook_installed[0]:
        sys.addaudithook(_on_audit_event)
        _hook_installed[0] = True


def _on_audit_event(event: str, args: tuple[Any, ...]) -> None:
    if event != "open" or not _recording[0]:
        return
    path, mode, flags = args
    if not isinstance(path, str | bytes | os.PathLike):
        return
    reads = ("r" in mode and "+" not in mode) if isinstance(mode, str) else not (flags or 0) & _WRITE_FLAGS
    if reads:
        _read.add(os.path.abspath(os.fsdecode(path)))
