"""One status per roster row, and the KPU-side findings, from the matches and the eligibility rules.

Precedence (issue #3): DUPLICATE, INELIGIBLE_*, RELEASED_BEFORE_VOTING, then the registration statuses, NEEDS_REVIEW,
NEEDS_RECORDING. The first that applies is the status; the others that apply are listed as reasons.
Eligibility follows UU 7/2017 art. 198-200 and PKPU 7/2022 art. 4 (see docs/voters.md).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING

import pandas as pd

from dpt_rutan import match

if TYPE_CHECKING:
    from dpt_rutan.election import ElectionProfile
    from dpt_rutan.site import Site


class Status(StrEnum):
    """The status of a roster row, in precedence order."""

    DUPLICATE = "DUPLICATE"
    INELIGIBLE_FOREIGN = "INELIGIBLE_FOREIGN"
    INELIGIBLE_AGE = "INELIGIBLE_AGE"
    INELIGIBLE_RIGHTS_REVOKED = "INELIGIBLE_RIGHTS_REVOKED"
    INELIGIBLE_MILITARY = "INELIGIBLE_MILITARY"
    RELEASED_BEFORE_VOTING = "RELEASED_BEFORE_VOTING"
    REGISTERED_HERE = "REGISTERED_HERE"
    REGISTERED_ELSEWHERE = "REGISTERED_ELSEWHERE"
    NOT_REGISTERED = "NOT_REGISTERED"
    NOT_IN_EXTRACT = "NOT_IN_EXTRACT"
    NEEDS_REVIEW = "NEEDS_REVIEW"
    NEEDS_RECORDING = "NEEDS_RECORDING"


class KpuStatus(StrEnum):
    """A finding on a KPU row rather than an inmate."""

    NOT_IN_CUSTODY = "NOT_IN_CUSTODY"
    KPU_DUPLICATE = "KPU_DUPLICATE"


STATUS_LABELS = {
    Status.DUPLICATE: "Data ganda dalam daftar WBP",
    Status.INELIGIBLE_FOREIGN: "Warga negara asing: bukan pemilih",
    Status.INELIGIBLE_AGE: "Belum berumur 17 tahun dan belum pernah kawin pada hari pemungutan suara",
    Status.INELIGIBLE_RIGHTS_REVOKED: "Hak memilih dicabut putusan pengadilan",
    Status.INELIGIBLE_MILITARY: "Anggota TNI/Polri aktif",
    Status.RELEASED_BEFORE_VOTING: "Bebas sebelum hari pemungutan suara",
    Status.REGISTERED_HERE: "Terdaftar di TPS Lokasi Khusus rutan",
    Status.REGISTERED_ELSEWHERE: "Terdaftar di TPS asal: perlu pindah memilih",
    Status.NOT_REGISTERED: "Belum terdaftar di DPT: perlu ditambahkan",
    Status.NOT_IN_EXTRACT: "Tidak ada di data KPU yang diberikan: periksa di SIDALIH daerah asal",
    Status.NEEDS_REVIEW: "Perlu diperiksa: kecocokan data belum pasti",
    Status.NEEDS_RECORDING: "Tidak punya NIK yang sah: perlu perekaman Dukcapil",
    KpuStatus.NOT_IN_CUSTODY: "Terdaftar di TPS rutan tetapi tidak ada di daftar WBP: kembalikan ke TPS asal",
    KpuStatus.KPU_DUPLICATE: "NIK ganda di DPT (TMS 2)",
}

INELIGIBLE = (
    Status.INELIGIBLE_FOREIGN,
    Status.INELIGIBLE_AGE,
    Status.INELIGIBLE_RIGHTS_REVOKED,
    Status.INELIGIBLE_MILITARY,
)

# Active members only: "purnawirawan", "pensiunan" and "mantan"/"eks" are civilians and may vote.
_ACTIVE_FORCES = re.compile(r"\b(?:TNI|POLRI|POLISI|TENTARA|BRIMOB|KOPASSUS|MARINIR|BHAYANGKARA)\b", re.IGNORECASE)
_FORMER = re.compile(r"\b(?:PURN\w*|PENSIUN\w*|MANTAN|EKS|EX|PECATAN|DIPECAT)\b", re.IGNORECASE)


@dataclass
class Rules:
    """The few dates and numbers of the election profile and site that the decisions need."""

    voting_day: date
    born_on_or_before: date  # 17 years old on voting day
    prison_tps: tuple[int, ...]
    prison_district: str  # "33.16.01"
    prison_village: str = ""  # normalised kelurahan name, "" when the site does not say

    @classmethod
    def for_site(cls, site: Site, profile: ElectionProfile) -> Rules:
        """The rules of one prison in one election."""
        return cls(
            voting_day=profile.voting_day,
            born_on_or_before=profile.voting_age_cutoff(),
            prison_tps=tuple(site.tps_numbers),
            prison_district=site.district_code,
            prison_village=site.village or "",
        )


def _column(frame: pd.DataFrame, name: str, default) -> pd.Series:
    if name in frame.columns:
        return frame[name]
    return pd.Series(default, index=frame.index)


def eligibility(frame: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """One boolean column per ineligibility, and released-before-voting; a missing value never excludes."""
    birth = pd.to_datetime(_column(frame, "birth_date_used", pd.NaT))
    marital = _column(frame, "marital_status", "").fillna("")
    occupation = _column(frame, "occupation", "").fillna("").astype(str)
    release = pd.to_datetime(_column(frame, "release_date", pd.NaT))
    return pd.DataFrame(
        {
            Status.INELIGIBLE_FOREIGN: _column(frame, "citizenship", "").fillna("") == "WNA",
            # Married or ever married people vote at any age (UU 7/2017 art. 198(1)).
            Status.INELIGIBLE_AGE: (birth > pd.Timestamp(rules.born_on_or_before)) & ~marital.isin(["S", "P"]),
            Status.INELIGIBLE_RIGHTS_REVOKED: _column(frame, "right_to_vote_revoked", False).fillna(False).astype(bool),
            Status.INELIGIBLE_MILITARY: occupation.str.contains(_ACTIVE_FORCES) & ~occupation.str.contains(_FORMER),
            # Released on voting day itself is still in custody when the TPS opens.
            Status.RELEASED_BEFORE_VOTING: release < pd.Timestamp(rules.voting_day),
        },
        index=frame.index,
    )


def same_person_pairs(view: pd.DataFrame, settings: match.MatchSettings) -> pd.DataFrame:
    """Compared pairs of rows of one roster (``left_row`` after ``right_row``) that are one person: the same NIK,
    or the same name, birth date and sex where a NIK is missing or a typo off."""
    pairs = match.candidate_pairs(view, view)
    pairs = pairs[pairs["left_row"] > pairs["right_row"]]
    compared = match.compare_pairs(pairs, view, view, settings)
    same_nik = compared["nik_level"] == "exact"
    same_person = (
        compared["name_level"].isin(["exact", "close"])
        & (compared["dob_level"] == "exact")
        & (compared["sex_level"] != "different")
        & compared["nik_level"].isin(["missing", "one_edit", "masked_agree"])
    )
    return compared[same_nik | same_person]


def roster_duplicates(view: pd.DataFrame, settings: match.MatchSettings) -> pd.DataFrame:
    """Rows that repeat an earlier row: the same NIK, or the same person with a missing or mistyped NIK.

    Returns ``source_row``, ``duplicate_of`` (the earliest row of the person) and ``method``.
    """
    found = same_person_pairs(view, settings)
    root: dict[int, int] = {}

    def find(row: int) -> int:
        while root.get(row, row) != row:
            row = root[row]
        return row

    for pair in found.sort_values(["right_row", "left_row"]).itertuples(index=False):
        earlier, later = find(int(pair.right_row)), find(int(pair.left_row))
        if earlier != later:
            root[max(earlier, later)] = min(earlier, later)
    methods = dict(
        zip(
            found["left_row"],
            found["nik_level"].map(lambda lvl: "nik_exact" if lvl == "exact" else "name_birth_date"),
            strict=False,
        )
    )
    rows = sorted(root)
    return pd.DataFrame(
        {
            "source_row": rows,
            "duplicate_of": [find(row) for row in rows],
            "method": [methods.get(row, "name_birth_date") for row in rows],
        },
        columns=["source_row", "duplicate_of", "method"],
    )


def tps_number(text: pd.Series) -> pd.Series:
    """'TPS 901', '901', '0901' -> 901; anything else -> <NA>."""
    codes, uniques = pd.factorize(text.fillna("").astype(str).to_numpy(dtype=object))
    digits = pd.Series(uniques, dtype=object).str.extract(r"(\d+)", expand=False)  # a few hundred distinct values
    numbers = pd.to_numeric(digits, errors="coerce").astype("Int64")
    return pd.Series(numbers.array.take(codes, allow_fill=True), index=text.index, dtype="Int64")


def at_prison_tps(kpu: pd.DataFrame, rules: Rules) -> pd.Series:
    """KPU rows listed at the prison's TPS: the TPS number and, where the extract says, the prison's kecamatan.

    TPS numbers repeat in every kelurahan, so a 901 elsewhere is not the prison's. The kecamatan is where the extract
    lists the row (``listing.py``), never where its NIK was issued.
    """
    number = tps_number(_column(kpu, "tps", ""))
    here = number.isin(list(rules.prison_tps)).fillna(False).astype(bool)
    district = _column(kpu, "listed_district" if "listed_district" in kpu else "home_district", "").fillna("")
    here &= (district == "") | (district == rules.prison_district)
    if rules.prison_village:
        village = _column(kpu, "village", "").fillna("").astype(str).str.upper().str.strip()
        here &= (village == "") | (village == rules.prison_village.upper())
    return here


@dataclass
class Coverage:
    """What the KPU extract holds, read from the extract itself."""

    regencies: frozenset[str]
    districts: frozenset[str]

    def covers(self, regency: pd.Series, district: pd.Series) -> pd.Series:
        by_district = district.isin(self.districts)
        # Without a kecamatan we can only judge by the regency.
        by_regency = (district == "") & regency.isin(self.regencies)
        return by_district | by_regency

    @classmethod
    def union_of(cls, parts: Iterable[Coverage]) -> Coverage:
        """What the parts (an extract's blocks) cover together."""
        covered = cls(frozenset(), frozenset())
        for part in parts:
            covered = cls(covered.regencies | part.regencies, covered.districts | part.districts)
        return covered


def extract_coverage(kpu: pd.DataFrame) -> Coverage:
    """The regions the extract lists voters in; a row the extract does not place counts where its address or NIK is."""
    regencies = kpu["home_regency"].fillna("")
    districts = kpu["home_district"].fillna("")
    if "listed_district" in kpu:
        listed_regency, listed_district = kpu["listed_regency"].fillna(""), kpu["listed_district"].fillna("")
        regencies = listed_regency.where(listed_regency != "", regencies)
        districts = listed_district.where(listed_district != "", districts)
    return Coverage(frozenset(regencies[regencies != ""]), frozenset(districts[districts != ""]))


def _kpu_decisions(rows: pd.Series, kpu_matches: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per roster row, the matcher's decision ("none" without one) and the KPU row it names."""
    if not len(kpu_matches):
        return rows.map(lambda _: "none"), rows * pd.NA
    decisions = kpu_matches.set_index("left_row")
    return rows.map(decisions["decision"]).fillna("none"), rows.map(decisions["right_row"])


def _nik_usable(roster: pd.DataFrame, proposed_nik: pd.Series | None) -> pd.Series:
    """Whether each row has a usable NIK, its own or one Dukcapil proposes."""
    nik_usable = roster["nik_usable"].astype(bool)
    if proposed_nik is not None:
        nik_usable |= proposed_nik.fillna("") != ""
    return nik_usable


def _registration(
    roster: pd.DataFrame, decision: pd.Series, here: pd.Series, covered: pd.Series, nik_usable: pd.Series
) -> pd.Series:
    """The registration status of each row, from its KPU decision (``here``: matched at the prison's TPS) and whether
    the extract covers its home region."""
    matched = decision == "match"
    home_known = roster["home_regency"].fillna("") != ""
    registration = pd.Series(Status.NEEDS_RECORDING.value, index=roster.index)
    registration[home_known & ~covered] = Status.NOT_IN_EXTRACT.value
    registration[nik_usable & covered] = Status.NOT_REGISTERED.value
    registration[decision == "review"] = Status.NEEDS_REVIEW.value
    registration[matched] = Status.REGISTERED_ELSEWHERE.value
    registration[matched & here] = Status.REGISTERED_HERE.value
    return registration


def _status_and_reasons(
    registration: pd.Series, duplicate_of: pd.Series, flags: pd.DataFrame, nik_usable: pd.Series
) -> tuple[pd.Series, list[str]]:
    """The first status that applies in precedence order, and the others that apply, then the registration status."""
    applicable = pd.DataFrame(index=registration.index)
    applicable[Status.DUPLICATE] = duplicate_of.notna()
    for status in (*INELIGIBLE, Status.RELEASED_BEFORE_VOTING):
        applicable[status] = flags[status]
    primary = registration.copy()
    for status in reversed(list(applicable.columns)):
        primary[applicable[status]] = status.value
    applicable[Status.NEEDS_RECORDING] = ~nik_usable & (registration != Status.NEEDS_RECORDING)
    reasons = pd.Series("", index=registration.index)
    for status in applicable.columns:
        reasons = reasons.where(~applicable[status] | (primary == status.value), reasons + "; " + status.value)
    reasons = reasons.where(registration == primary, reasons + "; " + registration)
    return primary, reasons.str.removeprefix("; ").tolist()


def decide_statuses(
    roster: pd.DataFrame,
    duplicates: pd.DataFrame,
    kpu_matches: pd.DataFrame,
    kpu: pd.DataFrame,
    rules: Rules,
    coverage: Coverage,
    proposed_nik: pd.Series | None = None,
) -> pd.DataFrame:
    """The status of every roster row, with reasons and the KPU row it was matched to.

    ``kpu`` needs only the rows matched and those at the prison's TPS; ``coverage`` is what the whole extract covers.

    ``proposed_nik`` (from Dukcapil) gives a usable NIK to rows whose own is missing or broken. A row whose home
    region the extract does not cover is NOT_IN_EXTRACT even without a usable NIK: "no NIK" in a roster usually
    means the prison does not know it, and the home list (SIDALIH) may hold the person; recording is then a reason.
    """
    rows = roster["source_row"].astype("int64")
    duplicate_of = rows.map(duplicates.set_index("source_row")["duplicate_of"]) if len(duplicates) else rows * pd.NA
    decision, kpu_row = _kpu_decisions(rows, kpu_matches)
    here = kpu_row.isin(set(kpu.loc[at_prison_tps(kpu, rules), "source_row"].astype("int64")))
    covered = coverage.covers(roster["home_regency"].fillna(""), roster["home_district"].fillna(""))
    nik_usable = _nik_usable(roster, proposed_nik)
    registration = _registration(roster, decision, here, covered, nik_usable)
    primary, reasons = _status_and_reasons(registration, duplicate_of, eligibility(roster, rules), nik_usable)
    return pd.DataFrame(
        {
            "source_row": rows.to_numpy(),
            "status": primary.to_numpy(),
            "status_label": primary.map(STATUS_LABELS).to_numpy(),
            "registration": registration.to_numpy(),
            "reasons": reasons,
            "duplicate_of": duplicate_of.to_numpy(),
            "kpu_row": kpu_row.where(decision != "none").to_numpy(),
            "kpu_decision": decision.to_numpy(),
            "kpu_at_prison_tps": here.to_numpy() & (decision == "match").to_numpy(),
        },
        index=roster.index,
    )


def kpu_findings(
    kpu: pd.DataFrame, kpu_matches: pd.DataFrame, rules: Rules, concerning_niks: frozenset[str] | None = None
) -> pd.DataFrame:
    """KPU rows at the prison's TPS that match no inmate, and NIKs listed twice in the extract: of those NIKs, the
    ones in ``concerning_niks`` when given (an extract read for several prisons holds every prison's)."""
    matched_rows = set(kpu_matches.loc[kpu_matches["decision"] != "none", "right_row"].astype("int64"))
    rows = kpu["source_row"].astype("int64")
    not_in_custody = at_prison_tps(kpu, rules) & ~rows.isin(matched_rows)
    usable = kpu["nik_clean"].where(kpu["nik_usable"].astype(bool), "")
    repeated = usable.duplicated(keep=False) & (usable != "")
    if concerning_niks is not None:
        repeated &= usable.isin(concerning_niks)
    found = []
    for status, mask in ((KpuStatus.NOT_IN_CUSTODY, not_in_custody), (KpuStatus.KPU_DUPLICATE, repeated)):
        part = kpu.loc[mask, ["source_row"]].copy()
        part["status"] = status.value
        part["status_label"] = STATUS_LABELS[status]
        found.append(part)
    result = pd.concat(found, ignore_index=True)
    result["source_row"] = result["source_row"].astype("int64")
    return result.sort_values(["status", "source_row"], kind="stable").reset_index(drop=True)
