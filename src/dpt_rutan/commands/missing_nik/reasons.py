"""Why an inmate's NIK cannot be used: the reason codes, most telling first, and the one outcome of each roster row.

A person's reason is the first code that applies (:data:`REASONS`); the row's outcome says whether the person is
listed for this election, listed apart, fine, or a repeat of a person counted on another row.
"""

from __future__ import annotations

from enum import StrEnum

import numpy as np
import pandas as pd

from dpt_rutan import decide
from dpt_rutan.errors import define_code
from dpt_rutan.fields import Field

define_code(
    "NOT_FOUND_IN_DUKCAPIL",
    "warning",
    "NIK tidak ada di data Dukcapil yang diberikan, padahal data itu mencakup daerah asal WBP: mungkin salah ketik.",
    "The NIK is not in the Dukcapil extract given, although it covers the inmate's home area: it may be mistyped.",
)
define_code(
    "NOT_FOUND_IN_KPU",
    "warning",
    "NIK tidak ada di data KPU yang diberikan, padahal data itu mencakup daerah asal WBP: pastikan NIK ke Dukcapil.",
    "The NIK is not in the KPU extract given, although it covers the inmate's home area: have Dukcapil confirm it.",
)

REASONS: dict[str, str] = {
    "MISSING": "NIK kosong",
    "PLACEHOLDER": "NIK belum diketahui (diisi tanda pengganti)",
    "EXCEL_MANGLED": "NIK rusak oleh Excel: digit terakhir hilang",
    "NUMBER_SUSPECT": "NIK tersimpan sebagai angka berakhir 0: mungkin terpotong oleh Excel",
    "NOT_DIGITS": "NIK berisi huruf atau tanda selain angka",
    "BAD_LENGTH": "NIK tidak 16 digit",
    "MASKED": "Sebagian digit NIK disamarkan (* atau x)",
    "TEMPORARY_NIK": "NIK sementara (diawali 0), bukan NIK Dukcapil",
    "UNKNOWN_PROVINCE": "Kode provinsi dalam NIK tidak ada",
    "NIK_BAD_BIRTH_DATE": "Tanggal lahir dalam NIK bukan tanggal yang ada",
    "SERIAL_ZERO": "Nomor urut NIK 0000 tidak pernah diterbitkan",
    "DOB_MISMATCH": "Tanggal lahir dalam NIK berbeda dengan tanggal lahir WBP: NIK mungkin milik orang lain",
    "GENDER_MISMATCH": "Jenis kelamin dalam NIK berbeda dengan jenis kelamin WBP: NIK mungkin milik orang lain",
    "NOT_FOUND_IN_DUKCAPIL": "NIK tidak ditemukan di data Dukcapil",
    "NOT_FOUND_IN_KPU": "NIK tidak ditemukan di data KPU",
}
"""Reason codes, most telling first (the first that applies is a person's reason), with a plain Indonesian reason."""

DOUBTFUL = ("DOB_MISMATCH", "GENDER_MISMATCH")
"""A structurally valid NIK that may be someone else's: an extract holding it for this very person clears it."""

STRUCTURAL = tuple(code for code in REASONS if not code.startswith("NOT_FOUND_IN_"))


class Outcome(StrEnum):
    """What the run does with a roster row; every row gets exactly one."""

    LISTED = "LISTED"  # needs a NIK for this election
    LISTED_APART = "LISTED_APART"  # needs a NIK, but is no voter at this election
    FINE = "FINE"
    DUPLICATE = "DUPLICATE"  # another row of a person counted on their representative row


def _codes_text(codes: pd.DataFrame) -> pd.Series:
    """The codes that apply, as "MISSING; DOB_MISMATCH", one column at a time."""
    text = pd.Series("", index=codes.index, dtype=object)
    for code in codes.columns:
        text = text + np.where(codes[code], code + "; ", "")
    return text.str.removesuffix("; ")


def row_outcomes(
    frame: pd.DataFrame, codes: pd.DataFrame, flags: pd.DataFrame, representative: pd.Series
) -> pd.DataFrame:
    """Per roster row: its outcome, the row that speaks for its person, its reason, and why it is apart."""
    rows = frame["source_row"].astype("int64")
    has_reason = codes.any(axis=1)
    apart = flags.any(axis=1)
    outcome = np.select(
        [rows != representative, has_reason & ~apart, has_reason],
        [Outcome.DUPLICATE.value, Outcome.LISTED.value, Outcome.LISTED_APART.value],
        Outcome.FINE.value,
    )
    reason_code = codes.idxmax(axis=1).where(has_reason, "")
    apart_status = flags.idxmax(axis=1).where(apart, "")
    return pd.DataFrame(
        {
            "source_row": rows,
            "outcome": outcome,
            "representative": representative,
            "reason_code": reason_code.astype(object),
            "reason": reason_code.map(REASONS).fillna(""),
            "reason_codes": _codes_text(codes),
            "not_this_election": apart_status.map(lambda status: decide.STATUS_LABELS.get(status, "")),
        },
        index=frame.index,
    )


def detail_of_primary(findings: pd.DataFrame, rows: pd.DataFrame) -> pd.Series:
    """Per row, the finding's value for its reason code ("NIK 12-03-1990 ≠ 03-12-1990: ..."), by source_row."""
    nik_findings = findings[findings["field"] == Field.NIK.value].drop_duplicates(["source_row", "code"])
    keyed = nik_findings.set_index(["source_row", "code"])["value"]
    wanted = pd.MultiIndex.from_arrays([rows["source_row"], rows["reason_code"]])
    return pd.Series(keyed.reindex(wanted).fillna("").to_numpy(), index=rows["source_row"].to_numpy())
