"""One pass over an extract's blocks that keeps some rows of each: the loop every screen of an extract shares.

Only the rows kept stay in memory; the skipped rows and notes of every block are kept whole, and all of it is
forgotten when the blocks start over from the first (``TableBlocks.blocks``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from dpt_rutan.read import reader
from dpt_rutan.read.stream import TableBlocks, concat_rows, no_data_error


class KeptRows:
    """What the blocks gave so far."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget every block: they start over from the first."""
        self.data: list[pd.DataFrame] = []
        self.skipped: list[pd.DataFrame] = []
        self.notes: list[pd.DataFrame] = []
        self.rows_read = 0

    def add(self, block: reader.ReadTable, keep: np.ndarray) -> None:
        """The ``keep`` rows of ``block``, and all its skipped rows and notes."""
        self.data.append(block.data[keep])
        self.skipped.append(block.skipped)
        if block.row_notes is not None:
            self.notes.append(block.row_notes)
        self.rows_read += len(block.data)

    def table(self, described: reader.ReadTable) -> reader.ReadTable:
        """The rows kept as one table of the file ``described``; a file without data rows is an error."""
        if self.rows_read == 0:
            raise no_data_error(described)
        return replace(
            described,
            data=concat_rows(self.data, described.data),
            skipped=concat_rows(self.skipped, described.skipped),
            row_notes=pd.concat(self.notes, ignore_index=True) if self.notes else None,
        )


def keep_rows(
    blocks: TableBlocks,
    keep: Callable[[reader.ReadTable], np.ndarray],
    *,
    restart: Callable[[], None] | None = None,
    tell: Callable[[int], None] | None = None,
) -> KeptRows:
    """The rows ``keep`` chooses of each block. ``restart`` is called when the blocks start over (to forget what
    ``keep`` learnt of them), ``tell`` with the rows read after each block."""
    kept = KeptRows()

    def start_over() -> None:
        kept.reset()
        if restart is not None:
            restart()

    for block in blocks.blocks(restart=start_over):
        kept.add(block, keep(block))
        if tell is not None:
            tell(kept.rows_read)
    return kept


def with_rows(table: reader.ReadTable, data: pd.DataFrame) -> reader.ReadTable:
    """``table`` holding these rows instead of its own."""
    return replace(table, data=data.reset_index(drop=True))
