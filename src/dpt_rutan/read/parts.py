"""What a KPU or Dukcapil argument names: a file, several files or a folder, and in them every sheet of every workbook.

Each (file, sheet) with a header holding the required columns is a *part*; the others are listed as skipped, with the
reason, so every file and sheet is accounted for. ``sources`` reads the parts as one table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine as calamine

from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.fields import Field
from dpt_rutan.read import headers as hdr
from dpt_rutan.read import reader, title_block, workbook
from dpt_rutan.read.grid import Grid

READABLE_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv", ".txt", ".tsv"})
DAMAGED = "lembar rusak, tidak terbaca: simpan ulang berkas sebagai .xlsx"
_HEADER_WORDS = {Field.NAME: "NAMA", Field.NIK: "NIK", Field.PRISON: "UPT"}


@dataclass(frozen=True)
class Part:
    """One table of the input: a CSV file, or one sheet of a workbook."""

    path: Path
    sheet: str | None


@dataclass
class Expanded:
    """The parts an argument names, and every file and sheet left out, with the reason."""

    parts: list[Part]
    skipped: list[tuple[Path, str | None, str]] = field(default_factory=list)  # file, sheet, why


def _files(inputs: Sequence[Path], expanded: Expanded) -> list[Path]:
    files: list[Path] = []
    for path in inputs:
        if not path.is_dir():
            files.append(path)  # io says what is wrong with a missing or unreadable file
            continue
        before = len(files)
        for candidate in sorted(p for p in path.rglob("*") if p.is_file()):
            hidden = candidate.name.startswith((".", "~$"))
            if candidate.suffix.lower() in READABLE_SUFFIXES and not hidden:
                files.append(candidate)
            else:
                kind = candidate.suffix or "tanpa akhiran"
                why = "berkas sementara/tersembunyi" if hidden else f"bukan tabel ({kind})"
                expanded.skipped.append((candidate, None, why))
        if len(files) == before:
            raise UnusableInputError(
                Location(str(path)),
                "the folder holds no workbook or CSV file",
                "Give the extract's file, or the folder of KPU workbooks (.xlsx) or CSV files",
            )
    return files


def _sheet_verdict(
    path: Path, opened: calamine.CalamineWorkbook, name: str, mapping: Mapping[str, str] | None, required
) -> str:
    """ "" when the sheet has a header with every required field, else why it is skipped."""
    try:
        grid = Grid(top=title_block.sheet_top(path, opened, name), body_after=None, labels=workbook.column_letter)
    except calamine.CalamineError:
        return DAMAGED
    extra = list((mapping or {}).values())
    index, score = hdr.find_header_row(grid.top, extra)
    if score == 0:
        return "tanpa judul kolom (NIK, NAMA, ...)"
    if not reader.has_required(grid, index, extra, mapping, required):
        return "judul kolom tanpa " + "/".join(_HEADER_WORDS.get(f, f.value.upper()) for f in required)
    return ""


def _workbook_parts(
    path: Path, sheets: Sequence[str], mapping: Mapping[str, str] | None, required, expanded: Expanded, alone: bool
) -> None:
    kind = workbook.file_kind(path)
    with workbook.open_for_reading(path, kind) as opened:
        names = list(opened.sheet_names)
        worksheets = {m.name for m in opened.sheets_metadata if m.typ == calamine.SheetTypeEnum.WorkSheet}
        chosen: list[str] = []
        for wanted in sheets:
            try:
                chosen.append(workbook.named_sheet(path, names, wanted))
            except UnusableInputError:
                if alone:
                    raise
        for name in names:
            if sheets:
                why = "" if name in chosen else "tidak dipilih (--kpu-sheet / --dukcapil-sheet)"
            elif name not in worksheets:
                why = "bukan lembar kerja"
            else:
                why = _sheet_verdict(path, opened, name, mapping, required)
            if why:
                expanded.skipped.append((path, name, why))
            else:
                expanded.parts.append(Part(path, name))


def expand(
    inputs: Sequence[Path], sheets: Sequence[str] = (), *, mapping: Mapping[str, str] | None, required
) -> Expanded:
    """The parts of ``inputs`` (files or folders): every CSV, every sheet of every workbook with a usable header
    (or the ``sheets`` named, by name or 0-based index), and every file and sheet left out, with the reason."""
    expanded = Expanded([])
    files = _files([Path(p) for p in inputs], expanded)
    for path in files:
        if workbook.file_kind(path) == "text":
            expanded.parts.append(Part(path, None))
        else:
            _workbook_parts(path, sheets, mapping, required, expanded, alone=len(files) == 1)
    if not expanded.parts:
        if len(files) == 1:
            reader.read_table(files[0], mapping=mapping, required=required)  # raises the error the file deserves
        reasons = "; ".join(f"{p.name}{f' [{s}]' if s else ''}: {why}" for p, s, why in expanded.skipped[:5])
        raise UnusableInputError(Location(str(inputs[0])), f"no sheet holds a usable table ({reasons})")
    return expanded
