"""The codes a KPU extract carries in KETERANGAN, read through the election profile's ``kpu_codes`` table.

SIDALIH marks a voter struck off the list with a TMS code (tidak memenuhi syarat: "TMS-4", "TMS 4", "tms4"), a new
voter with B and changed data with U. What each code means, and whether its row is still a registration, is data of
the profile (PKPU 7/2022 numbers TMS 1-8; older Pilkada exports 1-10), not code. A voter marked TMS is not on the
list: an inmate found only on such a row is not registered, and the reason names the code. A "TMS n" the table lacks
takes the table's plain "TMS" entry (struck off, reason not known to the profile) and is flagged.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from dpt_rutan import match
from dpt_rutan.decide import STATUS_LABELS, Status
from dpt_rutan.errors import define_code
from dpt_rutan.fields import Field

if TYPE_CHECKING:
    from dpt_rutan.election import ElectionProfile

UNKNOWN_CODE = define_code(
    "KPU_CODE_UNKNOWN",
    "warning",
    "Kode KETERANGAN tidak ada di tabel kode profil pemilihan: baris dianggap masih terdaftar (kode TMS: dicoret); "
    "tambahkan kode itu ke [kpu_codes] profil.",
    "KETERANGAN code not in the election profile's code table: the row is taken as still registered (a TMS code: "
    "struck off); add the code to the profile's [kpu_codes].",
)

_TMS = re.compile(r"^T\s*M\s*S(?![A-Z])\s*[-_.:/]?\s*(\d{1,2})?(?!\d)")


def normalise_code(text: str) -> str:
    """``TMS-4``, ``tms 04``, ``TMS4`` -> ``TMS 4``; ``TMS`` alone stays; anything else upper case, trimmed."""
    clean = " ".join(str(text).upper().split())
    found = _TMS.match(clean)
    if found is None:
        return clean
    return f"TMS {int(found[1])}" if found[1] else "TMS"


def read_codes(kpu: pd.DataFrame, profile: ElectionProfile) -> pd.DataFrame:
    """Per extract row, in order: ``kpu_code`` (normalised, "" when none), ``kpu_code_meaning``, ``registered`` and
    ``code_known``. Each distinct cell is read once."""
    text = kpu[Field.TMS_CODE.value] if Field.TMS_CODE.value in kpu.columns else pd.Series("", index=kpu.index)
    codes, uniques = pd.factorize(text.fillna("").astype(str))
    table = profile.kpu_codes
    fallback = table.get("TMS")
    rows = []
    for cell in uniques:
        code = normalise_code(cell)
        entry = table.get(code) or (fallback if code.startswith("TMS") else None)
        known = code == "" or code in table
        registered = entry.registered if entry is not None else not code.startswith("TMS")
        rows.append((code, entry.meaning if entry is not None else "", registered, known))
    found = pd.DataFrame(
        rows or [("", "", True, True)], columns=["kpu_code", "kpu_code_meaning", "registered", "known"]
    )
    return found.iloc[codes if len(uniques) else np.zeros(len(kpu), dtype=np.int64)].set_axis(kpu.index)


def unknown_code_findings(kpu: pd.DataFrame, codes: pd.DataFrame) -> pd.DataFrame:
    """Finding rows (``source_row``, ``field``, ``code``, ``value``) for the cells whose code the profile lacks."""
    unknown = ~codes["known"].astype(bool)
    return pd.DataFrame(
        {
            "source_row": kpu.loc[unknown, "source_row"],
            "field": Field.TMS_CODE.value,
            "code": UNKNOWN_CODE.code,
            "value": kpu.loc[unknown, Field.TMS_CODE.value] if unknown.any() else "",
        }
    )


def struck_off_matches(
    inmates: pd.DataFrame,
    struck_off: pd.DataFrame,
    matches: pd.DataFrame,
    settings: match.MatchSettings,
) -> pd.DataFrame:
    """The inmates no registration matched who match a row KPU struck off: ``left_row``, ``right_row``."""
    open_rows = set(matches.loc[matches["decision"] != "none", "left_row"].astype("int64"))
    unmatched = inmates[~inmates["source_row"].isin(open_rows)]
    if unmatched.empty or struck_off.empty:
        return pd.DataFrame({"left_row": np.array([], "int64"), "right_row": np.array([], "int64")})
    found, _ = match.link(unmatched, struck_off, settings)
    found = found[found["decision"] == "match"]
    return found[["left_row", "right_row"]].astype("int64").reset_index(drop=True)


def mark_struck_off(decisions: pd.DataFrame, found: pd.DataFrame, codes: pd.DataFrame, kpu: pd.DataFrame) -> None:
    """Record on ``decisions`` (in place) the struck-off row each inmate was found on: such an inmate is not
    registered (NOT_REGISTERED), whatever the extract's coverage says, and the reason names the code."""
    decisions["kpu_struck_off_row"] = pd.array([pd.NA] * len(decisions), dtype="Int64")
    decisions["kpu_struck_off_code"] = ""
    if found.empty:
        return
    code_text = (codes["kpu_code"] + ": " + codes["kpu_code_meaning"]).str.rstrip(": ")
    code_of = pd.Series(code_text.to_numpy(), index=kpu["source_row"].astype("int64").to_numpy())
    struck = decisions["source_row"].astype("int64").map(found.set_index("left_row")["right_row"])
    hit = struck.notna()
    rows = struck[hit].astype("int64")
    decisions.loc[hit, "kpu_struck_off_row"] = rows
    decisions.loc[hit, "kpu_struck_off_code"] = rows.map(code_of)
    # A few rows: the old registration status in each one's reasons becomes NOT_REGISTERED.
    not_registered = Status.NOT_REGISTERED.value
    decisions.loc[hit, "reasons"] = [
        "; ".join(
            [not_registered if part == old else part for part in str(reasons).split("; ") if part]
            + [f"DPT {code} (baris {row})"]
        )
        for reasons, old, code, row in zip(
            decisions.loc[hit, "reasons"], decisions.loc[hit, "registration"], rows.map(code_of), rows, strict=True
        )
    ]
    promoted = hit & (decisions["status"] == decisions["registration"])
    decisions.loc[hit, "registration"] = not_registered
    decisions.loc[promoted, "status"] = not_registered
    decisions.loc[promoted, "status_label"] = STATUS_LABELS[Status.NOT_REGISTERED]
