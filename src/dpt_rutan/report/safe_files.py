"""Report files written all or nothing and readable only by their owner, never over an input of the run.

A report is written to a file in a private work folder beside the target, readable only by its owner (0600),
fsynced and renamed into place: a crash never leaves half a report, and the report is never readable by other users
of the machine; temporary files (openpyxl's) go in that folder, not in the system's temporary folder. An input file
of the run is never overwritten, however it is named (symlink, hard link, relative path): those given, and every file
the run has read (:func:`lifecycle.files_read`).
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import BinaryIO

from dpt_rutan import lifecycle
from dpt_rutan.errors import DptRutanError


class OutputError(DptRutanError):
    """A report that cannot be written where the user asked. Exit code 2."""

    def __init__(self, path: Path, problem: str, fix: str) -> None:
        super().__init__(f"{path}: {problem}. {fix}")


_CHOOSE_OTHER = "choose another output path with -o"


@contextmanager
def open_output(path: Path, *, inputs: Iterable[Path]) -> Iterator[BinaryIO]:
    """Open a report file for writing, all or nothing.

    Yields a binary handle on a 0600 file in a private (0700) work folder beside the target; when the block ends
    normally the file is fsynced and renamed over the target, otherwise it is dropped and any earlier report at the
    target is kept. Temporary files made meanwhile (openpyxl's sheets, with whole NIKs) go in the work folder too,
    never in the system's temporary folder, and the work folder is removed on every way out. One left by a killed
    run is removed by the next run that writes the same report.
    """
    target = _writable_target(Path(path), inputs)
    with work_folder(target, path) as work:
        part = work / "report"
        try:
            descriptor = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(descriptor, "wb") as handle, _temporary_files_in(work):
                yield handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(part, target)
        except OSError as exc:
            full = exc.errno in (errno.ENOSPC, errno.EFBIG, getattr(errno, "EDQUOT", errno.ENOSPC))
            fix = (
                f"Free some disk space, or {_CHOOSE_OTHER}"
                if full
                else f"Close it if Excel has it open, or {_CHOOSE_OTHER}"
            )
            raise OutputError(path, f"could not be written ({exc.strerror or exc})", fix) from exc
    _sync_folder(target.parent)


_WORK_MARK = ".dpt-rutan-"
_WORK_SUFFIX = ".part"


@contextmanager
def work_folder(target: Path, shown: Path) -> Iterator[Path]:
    """A new private folder beside ``target`` (``.NAME.dpt-rutan-PID-XXXX.part``), removed when the block ends.

    Work folders of ``target`` left by runs that no longer exist (killed) are removed first; a live run's is kept.
    """
    remove_stale_work(target)
    # Made and registered for removal with the stop signals held back: stopped in between, it would be left behind.
    with lifecycle.signals_deferred():
        try:
            work = Path(
                tempfile.mkdtemp(
                    dir=target.parent, prefix=f".{target.name}{_WORK_MARK}{os.getpid()}-", suffix=_WORK_SUFFIX
                )
            )
        except OSError as exc:
            raise OutputError(
                shown,
                f"cannot write in folder {target.parent} ({exc.strerror})",
                f"Check its permissions, or {_CHOOSE_OTHER}",
            ) from exc
        lifecycle.remove_if_stopped(work)
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)
        lifecycle.forget(work)


def remove_stale_work(target: Path) -> None:
    """Remove the work folders of ``target`` whose run is gone (killed before it could clean up)."""
    prefix = f".{target.name}{_WORK_MARK}"
    with suppress(OSError):
        for entry in target.parent.iterdir():
            name = entry.name
            if not (name.startswith(prefix) and name.endswith(_WORK_SUFFIX)):
                continue
            pid = name[len(prefix) :].partition("-")[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(entry, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process writes one report at a time: a folder of its own is a leftover
    if os.name != "posix":
        # Windows has no harmless signal 0 (os.kill would end the process); there a live run's open report file
        # cannot be deleted, so removing its folder fails and leaves it be.
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # alive, another user's
    return True


@contextmanager
def _temporary_files_in(folder: Path) -> Iterator[None]:
    """Make ``tempfile`` (which openpyxl's streaming sheets use) create its files in ``folder`` for the block."""
    saved = tempfile.tempdir
    tempfile.tempdir = str(folder)
    try:
        yield
    finally:
        tempfile.tempdir = saved


@contextmanager
def staged_folder(path: Path) -> Iterator[Path]:
    """A folder of reports written all or none: yields a private work folder beside ``path``; :func:`publish_folder`
    renames it to ``path`` when every report is in it, otherwise it is removed when the block ends.

    ``path`` must be new or empty: the rename refuses a folder another run filled meanwhile, so two runs never mix
    their reports.
    """
    path = Path(path)
    _refuse_filled_folder(path)
    if not path.parent.is_dir():
        raise OutputError(path, f"folder {path.parent} does not exist", f"Create it first, or {_CHOOSE_OTHER}")
    with work_folder(path.resolve(), path) as work:
        yield work


def publish_folder(work: Path, path: Path) -> None:
    """Rename a finished work folder of :func:`staged_folder` to ``path`` in one step (POSIX rename)."""
    try:
        os.rename(work, path)
    except OSError as exc:
        _refuse_filled_folder(path)
        raise OutputError(
            path, f"cannot be created ({exc.strerror})", f"Check permissions, or {_CHOOSE_OTHER}"
        ) from None
    _sync_folder(Path(path).resolve().parent)


def _refuse_filled_folder(path: Path) -> None:
    if path.exists() and not path.is_dir():
        raise OutputError(path, "is a file, not a folder", "Give a folder with -o")
    if path.is_dir() and any(path.iterdir()):
        raise OutputError(
            path,
            "is not empty (another run's reports would mix with this one's)",
            "Give a new folder with -o, or move its files away",
        )


def _writable_target(path: Path, inputs: Iterable[Path]) -> Path:
    """The file to replace (symlinks followed), after refusing a missing folder, a folder, and every input."""
    target = path.resolve()
    if not target.parent.is_dir():
        raise OutputError(path, f"folder {target.parent} does not exist", f"Create it first, or {_CHOOSE_OTHER}")
    if target.is_dir():
        raise OutputError(path, "is a folder, not a file", "Give a file name")
    for source in [*inputs, *lifecycle.files_read()]:
        if Path(source).resolve() == target or _same_file(target, Path(source)):
            raise OutputError(
                path, f"is an input of this run ({source})", f"Reports never overwrite their inputs: {_CHOOSE_OTHER}"
            )
    return target


def _same_file(first: Path, second: Path) -> bool:
    """True for two names of one file (hard link, bind mount); false when either does not exist."""
    try:
        return os.path.samefile(first, second)
    except OSError:
        return False


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the system allows it (POSIX; some network file systems refuse)."""
    if os.name != "posix":
        return
    with suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
