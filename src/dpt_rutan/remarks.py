"""A revoked right to vote written as free text in a roster's remarks, read into the eligibility flag.

A prison database has no column for an additional penalty, so staff write it in KETERANGAN, CATATAN, KET or PIDANA
TAMBAHAN: "dicabut hak memilih", "pencabutan hak pilih", "hak memilih dan dipilih dicabut", "pidana tambahan:
pencabutan hak memilih". Only the right to vote (hak memilih; "hak pilih" in KPU usage) excludes a voter; a revoked
right to be elected (hak dipilih) alone leaves a voter (UU 7/2017 art. 198; docs/voters.md).

"Hak politik" names no right: KUHP art. 35(1) item 3 lists "hak memilih dan dipilih" together, so a revoked
"hak politik" is read as both, hence not a voter, with a warning to check the verdict (courts often revoke only the
right to be elected and the press calls it "hak politik"; "hak politik untuk dipilih" names that right and is read
as such). A remark that revokes a right it does not name is flagged, never guessed.

Each distinct remark is classified once by regular expressions; rows take their remark's class.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from dpt_rutan.errors import define_code
from dpt_rutan.fields import Field

REMARK_FIELDS = (Field.TMS_CODE.value, Field.REMARKS.value, Field.ADDITIONAL_PENALTY.value)
"""Columns a roster's remarks come in: KETERANGAN/KET map to ``tms_code`` (the KPU extract's code column), CATATAN
to ``remarks``, PIDANA TAMBAHAN to ``additional_penalty``."""

VOTE_REVOKED = define_code(
    "REMARK_RIGHT_TO_VOTE_REVOKED",
    "info",
    "Keterangan mencatat pencabutan hak memilih: bukan pemilih.",
    "The remarks record that the right to vote was revoked: not a voter.",
)
ONLY_ELECTED_REVOKED = define_code(
    "REMARK_ONLY_RIGHT_TO_BE_ELECTED_REVOKED",
    "info",
    "Keterangan mencatat pencabutan hak dipilih saja: hak memilih tetap, tetap pemilih.",
    "The remarks record that only the right to be elected was revoked: still a voter.",
)
POLITICAL_RIGHTS = define_code(
    "REMARK_POLITICAL_RIGHTS_REVOKED",
    "warning",
    "Keterangan mencatat pencabutan hak politik tanpa merinci: dianggap hak memilih dan dipilih dicabut (KUHP "
    "pasal 35); periksa amar putusan, sering hanya hak dipilih yang dicabut.",
    "The remarks record revoked political rights without naming them: read as the right to vote and to be elected "
    "(KUHP art. 35); check the verdict, which often revokes only the right to be elected.",
)
RIGHTS_UNCLEAR = define_code(
    "REMARK_RIGHTS_UNCLEAR",
    "warning",
    "Keterangan menyebut pencabutan hak tanpa jelas hak memilih atau hak dipilih: tidak dianggap dicabut; periksa "
    "putusan dan isi kolom HAK PILIH DICABUT.",
    "The remarks mention a revoked right without saying whether it is the right to vote or to be elected: not "
    "taken as revoked; check the verdict and fill in a HAK PILIH DICABUT column.",
)
CONTRADICTS_FLAG = define_code(
    "REMARK_CONTRADICTS_FLAG",
    "warning",
    "Keterangan mencatat hak memilih dicabut, tetapi kolom hak pilih dicabut berisi Tidak: dianggap dicabut; "
    "periksa putusan.",
    "The remarks record a revoked right to vote but the revocation column says no: taken as revoked; check the "
    "verdict.",
)

REMARK_CODES = tuple(
    code.code for code in (VOTE_REVOKED, ONLY_ELECTED_REVOKED, POLITICAL_RIGHTS, RIGHTS_UNCLEAR, CONTRADICTS_FLAG)
)

_REVOKED = re.compile(r"\b(?:DICABUT|PENCABUTAN|CABUT|MENCABUT)\b")
_NOT_REVOKED = re.compile(r"\b(?:TIDAK|TDK|BELUM|BUKAN)\s+(?:DI)?CABUT")
_RIGHT = re.compile(r"\bHAK")
_TO_VOTE = re.compile(r"\bHAK\s+(?:UNTUK\s+)?(?:MEMILIH|PILIH)\b|\bMEMILIH\b")
_TO_BE_ELECTED = re.compile(r"\bDIPILIH\b")
_VOTE_KEPT = re.compile(r"\bHAK\s+(?:UNTUK\s+)?(?:MEMILIH|PILIH)(?:NYA)?\s+(?:TETAP|TIDAK|MASIH)\b")
_POLITICAL = re.compile(r"\bHAK\s+(?:-\s*HAK\s+)?POLITIK\b")


def _class_of(text: str) -> str:
    """The right a remark says was revoked: "vote", "elected" (that alone), "political", "unclear" or ""."""
    if not _REVOKED.search(text) or _NOT_REVOKED.search(text):
        return ""
    if _TO_VOTE.search(text) and not _VOTE_KEPT.search(text):
        return "vote"
    if _TO_BE_ELECTED.search(text):
        return "elected"
    if _POLITICAL.search(text):
        return "political"
    return "unclear" if _RIGHT.search(text) else ""


def classify(texts: pd.Series) -> pd.Series:
    """:func:`_class_of` per row, worked out once per distinct text (upper case, spaces collapsed)."""
    clean = texts.fillna("").astype(str).str.upper().str.replace(r"[^A-Z0-9:/-]+", " ", regex=True).str.strip()
    codes, uniques = pd.factorize(clean)
    classes = np.array([_class_of(text) for text in uniques] or [""], dtype=object)
    return pd.Series(classes[codes], index=texts.index, dtype=object)


_FINDING_OF_CLASS = {
    "vote": VOTE_REVOKED.code,
    "elected": ONLY_ELECTED_REVOKED.code,
    "political": POLITICAL_RIGHTS.code,
    "unclear": RIGHTS_UNCLEAR.code,
}


def _fold_into_flag(frame: pd.DataFrame, flag: pd.Series | None, revoked: pd.Series) -> None:
    """Set ``right_to_vote_revoked`` where a remark revokes the right to vote or political rights."""
    if revoked.any():
        stated = flag.astype("boolean").fillna(False).astype(bool) if flag is not None else False
        frame["right_to_vote_revoked"] = stated | revoked


def _remark_findings(frame: pd.DataFrame, field: str, classes: pd.Series) -> pd.DataFrame:
    """One finding per row whose remark in ``field`` says a right was revoked, or may have been."""
    noted = classes != ""
    return pd.DataFrame(
        {
            "source_row": frame.loc[noted, "source_row"],
            "field": field,
            "code": classes[noted].map(_FINDING_OF_CLASS),
            "value": frame.loc[noted, field].astype(str),
        }
    )


def _contradictions(frame: pd.DataFrame, flag: pd.Series, revoked: pd.Series) -> pd.DataFrame:
    """Rows whose remarks revoke the right to vote while the revocation column, as written, says no."""
    contradicted = revoked & flag.astype("boolean").eq(False).fillna(False).astype(bool)
    return pd.DataFrame(
        {
            "source_row": frame.loc[contradicted, "source_row"],
            "field": "right_to_vote_revoked",
            "code": CONTRADICTS_FLAG.code,
            "value": frame.loc[contradicted, "right_to_vote_revoked_text"].astype(str)
            if "right_to_vote_revoked_text" in frame.columns
            else "",
        }
    )


def read_revocations(frame: pd.DataFrame) -> pd.DataFrame:
    """Fold what the remark columns say into ``frame``'s ``right_to_vote_revoked`` (in place: the typed frame is the
    reader's own copy); return the finding rows (``source_row``, ``field``, ``code``, ``value``).

    A revoked right to vote or political rights sets the flag; a revoked right to be elected alone, or an unclear
    remark, leaves it as the revocation column has it.
    """
    present = [field for field in REMARK_FIELDS if field in frame.columns]
    if not present:
        return pd.DataFrame(columns=["source_row", "field", "code", "value"])
    per_field = {field: classify(frame[field]) for field in present}
    revoked = pd.concat([classes.isin(["vote", "political"]) for classes in per_field.values()], axis=1).any(axis=1)
    # The column as written, kept before the fold replaces it: a contradiction is with what the user wrote.
    flag = frame["right_to_vote_revoked"] if "right_to_vote_revoked" in frame.columns else None
    _fold_into_flag(frame, flag, revoked)
    found = [_remark_findings(frame, field, classes) for field, classes in per_field.items()]
    if flag is not None:
        found.append(_contradictions(frame, flag, revoked))
    return pd.concat(found, ignore_index=True)
