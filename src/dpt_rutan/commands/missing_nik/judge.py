"""Each line of the returned workbook judged: the roster row it is for, and whether its NIK and NKK go in.

The first rule that applies wins: a line that finds no roster row, an empty NIK, a NIK that fails the roster's own
checks or the row's birth date and sex, the NIK the row already has, a NIK another inmate holds, a line that
contradicts another; every other NIK is applied. A NKK goes in only beside an applied NIK.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd

from dpt_rutan.commands.missing_nik.columns import KEY_ROW
from dpt_rutan.commands.missing_nik.reasons import STRUCTURAL
from dpt_rutan.errors import CODES, define_code
from dpt_rutan.fields import Field
from dpt_rutan.nik import nik_findings, nkk_findings

define_code(
    "NIK_USED_BY_OTHER_ROW",
    "error",
    "NIK kembalian sudah dipakai WBP lain di daftar: salah satunya keliru. Tidak diterapkan.",
    "The returned NIK already belongs to another inmate on the roster: one of them is wrong. Not applied.",
)
define_code(
    "RETURNED_CONFLICT",
    "error",
    "Berkas kembalian memberi NIK berbeda untuk WBP yang sama, atau NIK yang sama untuk WBP berbeda. Tidak diterapkan.",
    "The returned file gives one inmate different NIKs, or one NIK to different inmates. Not applied.",
)

MAX_ROW_NUMBER = 1_048_576  # the last row of an Excel sheet


class ApplyOutcome(StrEnum):
    """What became of a returned line's NIK."""

    APPLIED = "APPLIED"
    REJECTED = "REJECTED"
    UNCHANGED = "UNCHANGED"
    ROW_NOT_FOUND = "ROW_NOT_FOUND"


def target_rows(lines: pd.DataFrame, frame: pd.DataFrame) -> pd.Series:
    """The roster source_row of each line: by row and registration number, else by a unique registration number."""
    rows = frame["source_row"].astype("int64")
    no_reg_no = pd.Series("", index=frame.index, dtype=object)
    reg_no = frame[Field.REG_NO].fillna("").astype(str) if Field.REG_NO in frame.columns else no_reg_no
    by_key = pd.Series(rows.to_numpy(), index=rows.astype(str) + "|" + reg_no.to_numpy())
    by_key = by_key[~by_key.index.duplicated(keep=False)]
    unique_reg = reg_no[(reg_no != "") & ~reg_no.duplicated(keep=False)]
    by_reg_no = pd.Series(rows[unique_reg.index].to_numpy(), index=unique_reg.to_numpy())
    key_row = _row_numbers(lines["key_row"]).astype(str)
    exact = (key_row + "|" + lines["reg_no"]).map(by_key)
    return exact.fillna(lines["reg_no"].map(by_reg_no)).astype("Int64")


def _row_numbers(cells: pd.Series) -> pd.Series:
    """BARIS WBP cells as row numbers; <NA> where a cell holds no whole row number ("14.5", "x", 1e20)."""
    numbers = pd.to_numeric(cells, errors="coerce")
    whole = numbers.notna() & (numbers == numbers.round()) & numbers.between(1, MAX_ROW_NUMBER)
    return numbers.where(whole).astype("Int64")


def _not_found_reason(key_row: pd.Series) -> np.ndarray:
    """Why a line found no roster row, naming a BARIS WBP cell that is no row number."""
    not_a_row = key_row.ne("") & _row_numbers(key_row).isna()
    return np.where(
        not_a_row.to_numpy(dtype=bool),
        f"{KEY_ROW} '" + key_row.astype(str) + "' bukan nomor baris, dan nomor registrasi ini tidak ada di daftar WBP",
        "Baris WBP dan nomor registrasi ini tidak ada di daftar WBP",
    ).astype(object)


def _first_code(findings: pd.DataFrame, n: int, codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Per position 0..n-1: the first of ``codes`` (in that order) found there, and the finding's value."""
    relevant = findings[findings["code"].isin(codes)].copy()
    relevant["rank"] = relevant["code"].map({code: i for i, code in enumerate(codes)})
    first = relevant.sort_values(["source_row", "rank"]).drop_duplicates("source_row").set_index("source_row")
    positions = pd.RangeIndex(n)
    code = first["code"].reindex(positions).fillna("")
    return code.to_numpy(dtype=object), first["value"].reindex(positions).fillna("").to_numpy(dtype=object)


def _structure_check(
    lines: pd.DataFrame, at: pd.DataFrame, reference_date: date
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """First structural or cross-check finding per line (against the target row's birth date and sex), its value,
    and the compacted NIK."""
    checked = pd.DataFrame(
        {
            "source_row": np.arange(len(lines)),
            "nik": lines["nik"].to_numpy(),
            "nik_was_number": lines["nik_was_number"].astype(bool).to_numpy(),
            "birth_date": pd.to_datetime(at["birth_date"]).to_numpy(),
            "sex": at["sex"].fillna("").to_numpy(),
        }
    )
    check = nik_findings(checked, reference_date=reference_date)
    codes, values = _first_code(check.findings, len(lines), STRUCTURAL)
    return codes, values, check.columns["nik_clean"].to_numpy()


def _owner_elsewhere(new_nik: pd.Series, target: pd.Series, frame: pd.DataFrame) -> pd.Series:
    """The roster row other than the target that already holds the NIK as a usable one, else <NA>."""
    usable = frame.loc[frame["nik_usable"].astype(bool), ["nik_clean", "source_row"]].drop_duplicates("nik_clean")
    owner = new_nik.map(usable.set_index("nik_clean")["source_row"]).astype("Int64")
    return owner.where((owner != target).fillna(False).astype(bool))


def _conflicts(target: pd.Series, new_nik: pd.Series, candidate: np.ndarray) -> np.ndarray:
    """Lines among the candidates whose row gets several NIKs, or whose NIK goes to several rows."""
    pairs = pd.DataFrame({"target": target, "nik": new_nik})[candidate].drop_duplicates()
    rows_per_nik = pairs.groupby("nik")["target"].nunique()
    niks_per_row = pairs.groupby("target")["nik"].nunique()
    clash = new_nik.map(rows_per_nik).fillna(0).gt(1) | target.map(niks_per_row).fillna(0).gt(1)
    return candidate & clash.to_numpy(dtype=bool)


def _reason_text(codes: np.ndarray, details: np.ndarray) -> np.ndarray:
    """The Indonesian message of each code, with the detail in brackets where there is one."""
    message = pd.Series(codes, dtype=object).map(lambda code: CODES[code].message_id if code else "")
    detail = pd.Series(details, dtype=object).fillna("").astype(str)
    return (message + np.where(detail != "", " (" + detail + ")", "")).to_numpy(dtype=object)


def judge_niks(lines: pd.DataFrame, at: pd.DataFrame, frame: pd.DataFrame, reference_date: date) -> pd.DataFrame:
    """Outcome, reason code and reason of each line: the first rule that applies wins."""
    target = pd.Series(at.index.to_numpy(), dtype="Int64")
    codes, values, clean = _structure_check(lines, at, reference_date)
    new_nik = pd.Series(np.where(clean != "", clean, lines["nik"].to_numpy()), dtype=object)
    current = at["nik_clean"].fillna("").to_numpy()
    owner = _owner_elsewhere(new_nik, target, frame)
    found = target.notna().to_numpy()
    blank = found & np.isin(codes, ["MISSING", "PLACEHOLDER"])
    bad = found & ~blank & (codes != "")
    same = found & ~blank & ~bad & (new_nik.to_numpy() == current)
    taken = found & ~blank & ~bad & ~same & owner.notna().to_numpy()
    open_lines = found & ~blank & ~bad & ~same & ~taken
    conflict = _conflicts(target, new_nik, open_lines)
    repeat = open_lines & ~conflict & pd.DataFrame({"row": target, "nik": new_nik}).duplicated().to_numpy()
    owner_text = ("baris WBP " + owner.astype(str)).to_numpy(dtype=object)
    rules = [
        (~found, ApplyOutcome.ROW_NOT_FOUND, "", _not_found_reason(lines["key_row"])),
        (blank, ApplyOutcome.UNCHANGED, "", "NIK tidak diisi"),
        (bad, ApplyOutcome.REJECTED, codes, _reason_text(codes, values)),
        (same, ApplyOutcome.UNCHANGED, "", "NIK sama dengan yang sudah ada di daftar"),
        (
            taken,
            ApplyOutcome.REJECTED,
            "NIK_USED_BY_OTHER_ROW",
            _reason_text(np.full(len(lines), "NIK_USED_BY_OTHER_ROW"), owner_text),
        ),
        (conflict, ApplyOutcome.REJECTED, "RETURNED_CONFLICT", CODES["RETURNED_CONFLICT"].message_id),
        (repeat, ApplyOutcome.UNCHANGED, "", "Baris kembalian ganda: sudah diterapkan dari baris lain"),
    ]
    masks = [mask for mask, _, _, _ in rules]
    return pd.DataFrame(
        {
            "new_nik": new_nik,
            "outcome": np.select(masks, [outcome.value for _, outcome, _, _ in rules], ApplyOutcome.APPLIED.value),
            "reason_code": np.select(masks, [np.asarray(code, dtype=object) for _, _, code, _ in rules], ""),
            "reason": np.select(masks, [np.asarray(text, dtype=object) for _, _, _, text in rules], ""),
            "nik_accepted": found & ~blank & ~bad & ~taken & ~conflict,
        }
    )


def judge_nkks(lines: pd.DataFrame, at: pd.DataFrame, nik_accepted: pd.Series) -> pd.DataFrame:
    """The NKK of a line goes in with its NIK only: a NKK beside a rejected NIK comes from the wrong record."""
    check = nkk_findings(
        pd.DataFrame(
            {
                "source_row": np.arange(len(lines)),
                "nkk": lines["nkk"].to_numpy(),
                "nkk_was_number": lines["nkk_was_number"].astype(bool).to_numpy(),
            }
        )
    )
    codes, _ = _first_code(check.findings, len(lines), STRUCTURAL)
    clean = check.columns["nkk_clean"].to_numpy()
    old = at[Field.NKK].fillna("").astype(str).to_numpy() if Field.NKK in at.columns else np.full(len(at), "")
    given = ~np.isin(codes, ["MISSING", "PLACEHOLDER"])
    target = pd.Series(at.index.to_numpy(), dtype="Int64")
    new_nkk = pd.Series(np.where(clean != "", clean, lines["nkk"].to_numpy()), dtype=object)
    candidate = given & nik_accepted.to_numpy(dtype=bool) & (codes == "") & (clean != old)
    pairs = pd.DataFrame({"row": target, "nkk": new_nkk})[candidate].drop_duplicates()
    clash = candidate & target.map(pairs.groupby("row")["nkk"].nunique()).fillna(0).gt(1).to_numpy(dtype=bool)
    outcome = np.select(
        [~given, ~nik_accepted.to_numpy(dtype=bool), codes != "", clean == old, clash],
        [
            "",
            "REJECTED: NIK tidak diterapkan",
            "REJECTED: " + codes.astype(object),
            ApplyOutcome.UNCHANGED.value,
            "REJECTED: RETURNED_CONFLICT",
        ],
        ApplyOutcome.APPLIED.value,
    )
    return pd.DataFrame({"old_nkk": old, "new_nkk": new_nkk, "nkk_outcome": outcome})


def updated_data(data: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    """The roster's data with the applied NIKs and NKKs written in."""
    updated = data.copy()
    for field, value, outcome in ((Field.NIK, "new_nik", "outcome"), (Field.NKK, "new_nkk", "nkk_outcome")):
        applied = log[log[outcome] == ApplyOutcome.APPLIED.value].drop_duplicates("source_row")
        if applied.empty:
            continue
        new = updated["source_row"].map(applied.set_index("source_row")[value])
        column = updated[field] if field in updated.columns else pd.Series("", index=updated.index)
        updated[field] = column.astype(object).where(new.isna(), new)
    return updated
