"""A KPU or Dukcapil argument read as one table: the parts it names (``parts``), one after another.

A regency hands over a folder of SIDALIH lists, one workbook per kelurahan with one sheet per TPS, the location in
each sheet's title block (``title_block.py``). The parts are read one after another as one table
(:class:`PartsBlocks`, the interface of ``stream.TableBlocks``): each part's rows get the location its title block
and sheet name give where they lack the columns, the file, sheet and row they came from (``source_file``,
``source_sheet``, ``sheet_row``), and a ``source_row`` numbered on from the previous part's, so a row is one number
across the whole input. A single file without a title block is read by ``TableBlocks`` itself, exactly as before.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from dpt_rutan.fields import Field
from dpt_rutan.read import reader, title_block, workbook
from dpt_rutan.read.grid import Grid, empty_body
from dpt_rutan.read.parts import DAMAGED, READABLE_SUFFIXES, Expanded, Part, expand
from dpt_rutan.read.stream import BLOCK_BYTES, TableBlocks, read_whole

ORIGIN_COLUMNS = ("source_file", "source_sheet", "sheet_row")
PART_COLUMNS = [
    "BERKAS",
    "LEMBAR",
    "STATUS",
    "BARIS DATA",
    "BARIS BUKAN DATA",
    "JUMLAH PEMILIH (KAKI)",
    "LOKASI DARI JUDUL",
    "KETERANGAN",
]
_FOOTER = re.compile(r"JUMLAH\s+(?:PEMILIH|DPT|DPTB)\b[\s|:]*([\d.,]+)", re.IGNORECASE)


def footer_count(skipped: pd.DataFrame) -> int | None:
    """The voters a sheet's footer counts ("JUMLAH PEMILIH : 54"), else None."""
    texts = skipped["text"] if "text" in skipped else pd.Series(dtype=str)
    for text in texts:
        match = _FOOTER.search(str(text))
        if match:
            return int(re.sub(r"[.,]", "", match.group(1)))
    return None


def _footer_differs(opened: _Opened) -> str:
    if opened.footer is None or opened.footer == opened.data_rows:
        return ""
    return f"kaki lembar menghitung {opened.footer} pemilih, terbaca {opened.data_rows} baris: periksa lembar ini"


def with_rows(path: Path, rows_read: int | None) -> list[tuple[Path, int | None]]:
    """``(file, rows read)`` for provenance: a folder is its readable files, each checksummed (rows: the total's)."""
    if not Path(path).is_dir():
        return [(Path(path), rows_read)]
    files = sorted(p for p in Path(path).rglob("*") if p.is_file() and p.suffix.lower() in READABLE_SUFFIXES)
    return [(file, None) for file in files if not file.name.startswith((".", "~$"))]


def _root(inputs: Sequence[Path]) -> Path:
    if len(inputs) == 1:
        return Path(inputs[0])
    return Path(os.path.commonpath([Path(p).resolve() for p in inputs]))


def _header_only(part: Part, mapping: Mapping[str, str] | None, required: tuple[Field, ...]) -> reader.ReadTable:
    """What ``TableBlocks.description`` gives for a workbook's sheet, from its first rows only: a folder's workbooks
    are read in full only when their rows are wanted."""
    with workbook.open_for_reading(part.path, workbook.file_kind(part.path)) as opened:
        top = title_block.sheet_top(part.path, opened, part.sheet)
    grid = Grid(top=top, body_after=None, labels=workbook.column_letter)
    header = reader.find_header(part.path, part.sheet, grid, mapping, required)
    return header.table(empty_body(len(header.labels)))


class _StartOver(Exception):
    """Not an error: a part turned out to need another codec; every part is read again from the first."""


@dataclass
class _Opened:
    blocks: TableBlocks
    title: dict[str, str]  # the location fields the title block gives and the rows lack
    description: reader.ReadTable
    data_rows: int = 0
    other_rows: int = 0
    footer: int | None = None  # what the sheet's footer counts


class PartsBlocks:
    """Several parts read as one table, part after part (the interface of ``blocks.TableBlocks``)."""

    def __init__(
        self,
        root: Path,
        expanded: Expanded,
        *,
        mapping: Mapping[str, str] | None,
        required: tuple[Field, ...],
        block_bytes: int = BLOCK_BYTES,
        place_by_title: bool = True,
    ) -> None:
        self.path, self.skipped = root, expanded.skipped
        self._parts: list[_Opened] = []
        for part in expanded.parts:
            blocks = TableBlocks(
                part.path, sheet=part.sheet, mapping=mapping, required=required, block_bytes=block_bytes
            )
            several_sheets = part.sheet is not None and len(expanded.parts) > 1
            described = _header_only(part, mapping, required) if several_sheets else blocks.description
            title = title_block.location_of(part.path, part.sheet, described.header_row) if place_by_title else {}
            title = {name: value for name, value in title.items() if name not in described.data}
            self._parts.append(_Opened(blocks, title, described))
        sizes = {opened.blocks.path: opened.blocks.size for opened in self._parts}
        self.size, self.bytes_read = sum(sizes.values()), 0
        self.description = self._description()

    @property
    def single(self) -> bool:
        """One part whose title block adds nothing: ``TableBlocks`` reads it alone, as it always has."""
        return len(self._parts) == 1 and not self._parts[0].title

    def _description(self) -> reader.ReadTable:
        first = self._parts[0].description
        columns, letters, data_columns, notes = {}, {}, list(first.data.columns), []
        for opened in self._parts:
            described = opened.description
            for name, header in described.columns.items():
                columns.setdefault(name, header)
            for name, letter in described.column_letters.items():
                letters.setdefault(name, letter)
            data_columns += [c for c in [*described.data.columns, *opened.title] if c not in data_columns]
            for name in opened.title:
                columns.setdefault(name, f"(judul lembar) {name.upper()}")
            notes += [f"{described.name} [{described.sheet}]: {note}" for note in described.header_notes]
        data_columns += [c for c in ORIGIN_COLUMNS if c not in data_columns]
        empty = pd.DataFrame({c: pd.Series(dtype="int64" if c == "source_row" else object) for c in data_columns})
        return replace(
            first, path=self.path, sheet=None, data=empty, columns=columns, column_letters=letters, header_notes=notes
        )

    def _complete(self, data: pd.DataFrame, opened: _Opened, offset: int) -> pd.DataFrame:
        sheet_rows = data["source_row"].astype("int64")
        data = data.assign(
            source_row=sheet_rows + offset,
            **opened.title,
            source_file=opened.blocks.path.name,
            source_sheet=opened.blocks.sheet or "",
            sheet_row=sheet_rows,
        )
        for column in self.description.data.columns:
            if column not in data:
                data[column] = False if column.endswith("_was_number") else ""
        return data

    def blocks(self, *, restart: Callable[[], None] | None = None) -> Iterator[reader.ReadTable]:
        """Every row of every part, in order; ``restart`` as for ``TableBlocks.blocks``."""
        while True:
            try:
                yield from self._blocks_once(restart)
                return
            except _StartOver:
                continue

    def _blocks_once(self, restart: Callable[[], None] | None) -> Iterator[reader.ReadTable]:
        offset, done_bytes, started_over = 0, 0, []

        def start_over() -> None:
            if restart is None:
                raise RuntimeError("the parts must be read again from the first")
            restart()
            started_over.append(True)

        for opened in self._parts:
            last, opened.data_rows, opened.other_rows, opened.footer = 0, 0, 0, None
            for block in opened.blocks.blocks(restart=start_over):
                if started_over:
                    raise _StartOver
                skipped = block.skipped.assign(source_row=block.skipped["source_row"].astype("int64") + offset)
                notes = block.row_notes
                if notes is not None:
                    notes = notes.assign(source_row=notes["source_row"].astype("int64") + offset)
                rows = [block.data["source_row"].astype("int64").max(), block.skipped["source_row"].max()]
                last = max([last, *(int(row) for row in rows if pd.notna(row))])
                opened.data_rows += len(block.data)
                opened.other_rows += len(block.skipped)
                opened.footer = footer_count(block.skipped) or opened.footer
                self.bytes_read = done_bytes + opened.blocks.bytes_read
                yield replace(
                    self.description,
                    data=self._complete(block.data, opened, offset),
                    skipped=skipped,
                    row_notes=notes,
                )
            opened.blocks.release()
            offset += last
            done_bytes += opened.blocks.size

    def columns_only(self, fields: tuple[str, ...], rows_per_chunk: int = 500_000) -> Iterator[pd.DataFrame]:
        """These fields' cells of every part as written, the title block's among them."""
        done_bytes = 0
        for opened in self._parts:
            for chunk in opened.blocks.columns_only(fields, rows_per_chunk):
                self.bytes_read = done_bytes + opened.blocks.bytes_read
                yield chunk.assign(**{name: value for name, value in opened.title.items() if name in fields})
            opened.blocks.release()
            done_bytes += opened.blocks.size

    def parts_frame(self) -> pd.DataFrame:
        """Every file and sheet of the input: read (rows, the title block's location) or skipped, and why."""
        read = [
            (
                opened.blocks.path.name,
                opened.blocks.sheet or "",
                "dibaca",
                opened.data_rows,
                opened.other_rows,
                opened.footer,
                ", ".join(f"{name}: {value}" for name, value in opened.title.items()),
                _footer_differs(opened),
            )
            for opened in self._parts
        ]
        skipped = [(path.name, sheet or "", "dilewati", 0, 0, None, "", why) for path, sheet, why in self.skipped]
        return pd.DataFrame(read + skipped, columns=PART_COLUMNS)

    def count_single(self, rows_read: int, skipped: pd.DataFrame) -> None:
        """The rows of the one part when ``TableBlocks`` read it alone (:func:`blocks_for_screen`)."""
        if self.single:
            only = self._parts[0]
            only.data_rows, only.other_rows, only.footer = rows_read, len(skipped), footer_count(skipped)

    def footer_notes(self) -> list[str]:
        """A line for each sheet whose footer counts other than the rows read from it, and each damaged sheet."""
        damaged = [
            f"PERHATIAN: DPT {path.name} [{sheet}]: {why}" for path, sheet, why in self.skipped if why == DAMAGED
        ]
        return damaged + [
            f"PERHATIAN: DPT {opened.blocks.path.name} [{opened.blocks.sheet or '-'}]: {_footer_differs(opened)}"
            for opened in self._parts
            if _footer_differs(opened)
        ]

    def files(self) -> list[tuple[Path, int]]:
        """Each file read and its data rows, for provenance."""
        rows: dict[Path, int] = {}
        for opened in self._parts:
            rows[opened.blocks.path] = rows.get(opened.blocks.path, 0) + opened.data_rows
        return list(rows.items())


def open_extract(
    inputs: Path | Sequence[Path],
    sheets: Sequence[str] = (),
    *,
    mapping: Mapping[str, str] | None = None,
    required: tuple[Field, ...] = (Field.NAME, Field.NIK),
    block_bytes: int = BLOCK_BYTES,
    place_by_title: bool = True,
) -> PartsBlocks:
    """The parts of a KPU or Dukcapil argument, ready to be read block by block. ``place_by_title``: a title block's
    location is where the rows are listed (KPU); a roster's title names the prison, not its inmates' homes."""
    paths = [Path(inputs)] if isinstance(inputs, str | Path) else [Path(p) for p in inputs]
    expanded = expand(paths, sheets, mapping=mapping, required=required)
    return PartsBlocks(
        _root(paths),
        expanded,
        mapping=mapping,
        required=required,
        block_bytes=block_bytes,
        place_by_title=place_by_title,
    )


def blocks_for_screen(parts: PartsBlocks) -> TableBlocks | PartsBlocks:
    """``TableBlocks`` of the one part when nothing is added to its rows (the streaming screen's usual case)."""
    return parts._parts[0].blocks if parts.single else parts


def read_extract(
    inputs: Path | Sequence[Path],
    sheets: Sequence[str] = (),
    *,
    mapping: Mapping[str, str] | None = None,
    required: tuple[Field, ...] = (Field.NAME, Field.NIK),
) -> tuple[reader.ReadTable, PartsBlocks]:
    """All parts as one table in memory (a Dukcapil extract): what ``reader.read_table`` gives for one. A title block's
    location is not added: a Dukcapil row's address is where the person lives, in its own columns."""
    parts = open_extract(inputs, sheets, mapping=mapping, required=required, place_by_title=False)
    if parts.single:
        only = parts._parts[0].blocks
        return reader.read_table(only.path, sheet=only.sheet, mapping=mapping, required=required), parts
    return read_whole(parts), parts


def read_roster(
    path: Path, sheet: str | None, *, mapping: Mapping[str, str] | None, required: tuple[Field, ...] = (Field.NAME,)
) -> reader.ReadTable:
    """A roster: the sheet asked for, else every sheet with a roster header (a prison may keep one sheet per block,
    or Tahanan and Narapidana apart) as one table; one sheet is read as ``reader.read_table`` reads it."""
    if sheet is not None or workbook.file_kind(Path(path)) == "text":
        return reader.read_table(path, sheet=sheet, mapping=mapping, required=required)
    parts = open_extract(path, mapping=mapping, required=required, place_by_title=False)
    if len(parts._parts) == 1:
        return reader.read_table(path, sheet=parts._parts[0].blocks.sheet, mapping=mapping, required=required)
    return read_whole(parts)
