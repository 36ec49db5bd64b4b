"""Where a report came from: the tool, the command, the input files (with their SHA-256) and the settings used.

A report is handed from the prison to the election office and back. When two reports disagree, the first question
is whether they were made from the same files with the same thresholds; the checksums and settings answer it without
anyone having to send the (personal) input files along.
"""

from __future__ import annotations

import hashlib
import json
import shlex
import sys
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from dpt_rutan import __version__
from dpt_rutan.errors import Location, UnusableInputError

TOOL_NAME = "dpt-rutan"


def file_digest(path: Path) -> str:
    """SHA-256 of a file as hex, read in chunks: inputs may be gigabytes."""
    with Path(path).open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class InputFile(BaseModel):
    """One input file as it was when the report was made."""

    model_config = ConfigDict(frozen=True)

    name: str
    path: str
    sheet: str | None = None
    sha256: str
    size_bytes: int
    rows_read: int | None = None


def describe_input(path: Path, *, rows_read: int | None = None, sheet: str | None = None) -> InputFile:
    """Checksum and size of an input file; an input that vanished since it was read is unusable."""
    path = Path(path)
    try:
        digest = file_digest(path)
        size = path.stat().st_size
    except OSError as exc:
        raise UnusableInputError(
            Location(path.name), f"cannot be read again for its checksum ({exc.strerror})", "keep it in place"
        ) from exc
    return InputFile(
        name=path.name, path=str(path.resolve()), sheet=sheet, sha256=digest, size_bytes=size, rows_read=rows_read
    )


def _local_now() -> datetime:
    return datetime.now().astimezone().replace(microsecond=0)


class Provenance(BaseModel):
    """What a report was made with; shown on the last sheet of a workbook and under ``provenance`` in JSON."""

    tool: str = TOOL_NAME
    version: str = __version__
    command_line: list[str] = Field(default_factory=lambda: list(sys.argv))
    created_at: datetime = Field(default_factory=_local_now)
    inputs: list[InputFile] = Field(default_factory=list)
    election_profile: str | None = None
    settings: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def for_inputs(
        cls,
        sources: Iterable[tuple[Path, int | None]],
        *,
        profile: str | None = None,
        settings: Mapping[str, Any] | None = None,
    ) -> Provenance:
        """Provenance of a run over ``(path, rows read)`` pairs, checksumming each file now."""
        inputs = [describe_input(path, rows_read=rows_read) for path, rows_read in sources]
        return cls(inputs=inputs, election_profile=profile, settings=dict(settings or {}))

    def rows(self) -> list[tuple[str, str]]:
        """Key/value rows for the provenance sheet, keys in Indonesian and English."""
        rows = [
            ("Alat / Tool", f"{self.tool} {self.version}"),
            ("Perintah / Command line", shlex.join(self.command_line)),
            ("Dibuat / Created at", self.created_at.isoformat()),
            ("Profil pemilu / Election profile", self.election_profile or ""),
        ]
        for number, source in enumerate(self.inputs, start=1):
            rows.extend(_input_rows(number, source))
        settings = self.model_dump(mode="json", include={"settings"})["settings"]
        rows.extend((f"Pengaturan / Setting: {key}", value) for key, value in _flatten(settings))
        return rows


def _input_rows(number: int, source: InputFile) -> list[tuple[str, str]]:
    prefix = f"Berkas / Input {number}"
    rows = [(f"{prefix}: nama / name", source.name), (f"{prefix}: lokasi / path", source.path)]
    if source.sheet is not None:
        rows.append((f"{prefix}: lembar / sheet", source.sheet))
    rows.append((f"{prefix}: SHA-256", source.sha256))
    rows.append((f"{prefix}: ukuran / size (bytes)", str(source.size_bytes)))
    if source.rows_read is not None:
        rows.append((f"{prefix}: baris dibaca / rows read", str(source.rows_read)))
    return rows


def _flatten(settings: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Nested settings as dotted keys (``thresholds.name_fuzzy``), values as they would be written in JSON."""
    rows: list[tuple[str, str]] = []
    for key, value in settings.items():
        if isinstance(value, Mapping) and value:
            rows.extend(_flatten(value, f"{prefix}{key}."))
        else:
            rows.append((f"{prefix}{key}", value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)))
    return rows
