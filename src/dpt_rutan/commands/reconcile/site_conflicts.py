"""Rows of a site table that would claim one thing: one name or UPT code, one roster file, one TPS.

Each prison would then count the other's inmates or voters as its own or as gone, so each is an error naming the
row and the column, never a guess.
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from dpt_rutan.errors import UnusableInputError
from dpt_rutan.read.headers import normalise_header

if TYPE_CHECKING:  # site_table reads the rows these check
    from dpt_rutan.commands.reconcile.site_table import SiteEntry


def refuse_repeats(entries: list[SiteEntry], columns: dict[str, str]) -> None:
    """Two rows with one name or one UPT code would make "which prison is this inmate's" unanswerable."""
    seen: dict[str, int | None] = {}
    for entry in entries:
        for name in ("name", "upt_code"):
            key = prison_key(getattr(entry.site, name) or "")
            if key in seen and seen[key] != entry.location.row:
                where = replace(entry.location, column=columns.get(name))
                raise UnusableInputError(where, f"'{getattr(entry.site, name)}' is already on row {seen[key]}")
            if key:
                seen[key] = entry.location.row


def refuse_shared_rosters(entries: list[SiteEntry], columns: dict[str, str]) -> None:
    """One roster file on two rows would make each prison's inmates the other's too."""
    first_row: dict[object, SiteEntry] = {}
    for entry in entries:
        if entry.roster is None:
            continue
        earlier = first_row.setdefault(file_key(entry.roster), entry)
        if earlier is not entry:
            raise UnusableInputError(
                replace(entry.location, column=columns.get("roster")),
                f"'{entry.roster.name}' is row {earlier.location.row}'s roster file too",
                "Give each prison its own roster, or one province-wide roster with --roster and a UPT column",
            )


def refuse_shared_tps(entries: list[SiteEntry], columns: dict[str, str], tps_header: str) -> None:
    """Two prisons at one TPS number of one kecamatan, with no kelurahan to tell them apart, would each count the
    other's voters there as not in custody."""
    for later_index, later in enumerate(entries):
        for earlier in entries[:later_index]:
            common = sorted(set(earlier.site.tps_numbers) & set(later.site.tps_numbers))
            if earlier.site.district_code != later.site.district_code or not common:
                continue
            villages = [_village_key(entry.site.village) for entry in (earlier, later)]
            if "" in villages or villages[0] == villages[1]:
                raise UnusableInputError(
                    replace(later.location, column=columns.get("tps_numbers", tps_header)),
                    f"TPS {', '.join(map(str, common))} of kecamatan {later.site.district_code} is row "
                    f"{earlier.location.row}'s too, and no Kelurahan tells them apart: each prison would count the "
                    "other's voters as not in custody",
                    "Fill in each prison's Kelurahan, or correct the TPS numbers",
                )


def _village_key(village: str | None) -> str:
    return re.sub(r"\s+", "", village or "").casefold()


def prison_key(text: str) -> str:
    """A prison's name or UPT code as compared: loosely, as headers are."""
    return normalise_header(text)


def file_key(path: Path) -> object:
    """What two paths share when they are one file (as ``os.path.samefile``): links and ``..`` do not hide it."""
    try:
        status = path.stat()
    except OSError:
        return path.resolve()
    return (status.st_dev, status.st_ino)
