"""Where a KPU voter is listed: from the extract itself, never from the voter's NIK.

The NIK says where a person was first registered, not where they are listed now (docs/nik.md): an inmate listed
at the prison's TPS 901 carries the NIK of a kecamatan anywhere. So a KPU row's TPS location comes only from the
extract: its KECAMATAN/KELURAHAN columns, or what a sheet's title block and name say (``title_block.py`` turns those
into columns). Kecamatan names repeat across regencies (there is a Kecamatan Blora only in Blora, but a Kecamatan
Kota in several), so they are looked up within the regency the file is about: its KABUPATEN column where it has one,
else one regency for the whole file, from its file name, the site, or, as a last resort and said so, the regency
most of its NIKs point to. A name that still cannot be found is a finding and a summary line, never a guess.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from dpt_rutan import decide, regions
from dpt_rutan.errors import define_code, make_findings
from dpt_rutan.fields import Field
from dpt_rutan.people import People

LISTED_COLUMNS = ("listed_regency", "listed_district")

LOCATION_UNRESOLVED = define_code(
    "KPU_LOCATION_UNRESOLVED",
    "warning",
    "Kecamatan tempat pemilih terdaftar tidak dikenali dalam kabupaten/kota berkas DPT: lokasi TPS tidak diketahui.",
    "The kecamatan this voter is listed in is not known within the extract's kab/kota: the TPS location is unknown.",
)
REGENCY_FROM_NIKS = define_code(
    "KPU_REGENCY_FROM_NIKS",
    "warning",
    "Berkas DPT tidak menyebut kabupaten/kota (kolom, judul, nama berkas, situs): diambil dari NIK terbanyak.",
    "The extract names no kab/kota (column, title, file name, site): taken from the regency most NIKs point to.",
)
SITE_TPS_NOT_IN_EXTRACT = define_code(
    "SITE_TPS_NOT_IN_EXTRACT",
    "error",
    "Tidak ada pemilih di TPS rutan pada kecamatan rutan, padahal DPT mencakup daerah itu: periksa --tps dan situs.",
    "No voter at the prison's TPS in its kecamatan, though the extract covers the area: check --tps and the site.",
)

_WORD = re.compile(r"[A-Za-z]+")
_NOT_A_PLACE = frozenset({"dpt", "dptb", "dps", "kpu", "data", "daftar", "pemilih", "model", "kab", "kabupaten"})


@dataclass(frozen=True)
class ExtractRegency:
    """The one regency a file without a KABUPATEN column is about, and how that was found."""

    code: str  # "33.16"; "" when nothing says
    source: str  # "nama berkas", "situs", "NIK terbanyak", ""

    def note(self) -> str:
        if not self.code:
            return "DPT: kabupaten/kota berkas tidak diketahui: nama kecamatan tanpa kolom KABUPATEN tidak dicari"
        last_resort = " (tebakan terakhir)" if self.source == "NIK terbanyak" else ""
        return f"DPT: kabupaten/kota berkas {regions.region_label(self.code)}, dari {self.source}{last_resort}"


def regency_in_file_name(path: Path) -> str:
    """The one regency a file name names ("DPT_KAB_BLORA.xlsx", "dpt kota semarang.csv"), else ""."""
    words = [word for word in _WORD.findall(path.stem.replace("_", " ")) if word.lower() not in _NOT_A_PLACE]
    # Two words first: "kota semarang" is not Kabupaten Semarang, which "semarang" alone would be.
    for candidates in ([f"{first} {second}" for first, second in itertools.pairwise(words)], words):
        found = regions.find_regency_codes(None, pd.Series(candidates, dtype=object))
        codes = set(found[found != ""])
        if codes:
            return codes.pop() if len(codes) == 1 else ""
    return ""


def extract_regency(path: Path | None, site_regencies: frozenset[str], nik_regencies: Counter) -> ExtractRegency:
    """The regency of a file whose rows do not say: its name, else the site's (one regency), else most NIKs'."""
    named = regency_in_file_name(path) if path is not None else ""
    if named:
        return ExtractRegency(named, "nama berkas")
    if len(site_regencies) == 1:
        return ExtractRegency(next(iter(site_regencies)), "situs")
    counted = [(count, code) for code, count in nik_regencies.items() if regions.regency_name(code)]
    if counted:
        return ExtractRegency(max(counted)[1], "NIK terbanyak")
    return ExtractRegency("", "")


def nik_regency_counts(niks: pd.Series) -> Counter:
    """How many NIKs point to each regency ("33.16"); a mask over the first four digits hides it."""
    leading = niks.fillna("").astype(str).str.slice(0, 4)
    counts = leading[leading.str.fullmatch(r"\d{4}")].value_counts()
    return Counter({f"{code[:2]}.{code[2:]}": int(n) for code, n in counts.items()})


def _text(frame: pd.DataFrame, field: Field) -> pd.Series:
    if field.value in frame.columns:
        return frame[field.value].fillna("").astype(str)
    return pd.Series("", index=frame.index, dtype=object)


def listed_location(frame: pd.DataFrame, fallback: ExtractRegency) -> pd.DataFrame:
    """``listed_regency`` and ``listed_district`` of each KPU row, from the extract's own columns only.

    A KABUPATEN cell that names no known regency leaves the row's regency unknown (it is not replaced by the file's);
    an empty or absent one takes ``fallback``.
    """
    regency_text = _text(frame, Field.REGENCY)
    from_column = regions.find_regency_codes(_text(frame, Field.PROVINCE), regency_text)
    regency = from_column.where(regency_text.str.strip() != "", fallback.code)
    district = regions.find_district_codes(regency, _text(frame, Field.DISTRICT))
    return pd.DataFrame({"listed_regency": regency, "listed_district": district}, index=frame.index)


def with_listing(frame: pd.DataFrame, fallback: ExtractRegency) -> pd.DataFrame:
    """``frame`` (a KPU people frame) with its listed location columns."""
    found = listed_location(frame, fallback)
    return frame.drop(columns=[c for c in LISTED_COLUMNS if c in frame.columns]).join(found)


def unresolved(frame: pd.DataFrame) -> pd.Series:
    """Rows whose kecamatan the extract names but that could not be found."""
    return (_text(frame, Field.DISTRICT).str.strip() != "") & (frame["listed_district"].fillna("") == "")


def location_findings(frame: pd.DataFrame, *, file: str, sheet: str | None, columns: dict[str, str]) -> pd.DataFrame:
    """One KPU_LOCATION_UNRESOLVED finding per row whose kecamatan was not found."""
    rows = frame[unresolved(frame)]
    kecamatan = _text(rows, Field.DISTRICT)
    regency = _text(rows, Field.REGENCY)
    value = np.where(regency != "", kecamatan + " / " + regency, kecamatan)
    found = pd.DataFrame(
        {"source_row": rows["source_row"], "field": Field.DISTRICT.value, "code": LOCATION_UNRESOLVED.code}
    ).assign(value=value)
    findings = make_findings(found, file=file, sheet=sheet, columns=columns)
    if "source_file" in rows and len(findings):  # an extract of several parts: name the part and its own row
        findings["file"] = rows["source_file"].to_numpy()
        findings["sheet"] = rows["source_sheet"].to_numpy()
        findings["source_row"] = rows["sheet_row"].astype("int64").to_numpy()
    return findings


def unresolved_note(frame: pd.DataFrame) -> str | None:
    """A summary line naming the kecamatan names that were not found, or None."""
    missing = unresolved(frame)
    if not missing.any():
        return None
    names = sorted(set(_text(frame[missing], Field.DISTRICT).str.strip().str.upper()))
    shown = ", ".join(names[:8]) + (", ..." if len(names) > 8 else "")
    return (
        f"PERHATIAN: DPT: {int(missing.sum())} baris dengan kecamatan yang tidak dikenali ({shown}): lokasi TPS "
        "mereka tidak diketahui, tidak ditebak dari NIK; lengkapi kolom KABUPATEN/KOTA atau judul lembar"
    )


def _site_tps_missing(
    kpu: pd.DataFrame, coverage: decide.Coverage, loksus_tps: dict[str, list[int]], rules: decide.Rules
) -> str | None:
    """A line when the extract covers the prison's area but lists no one at its TPS there (a typo in --tps or the
    site file makes everyone "pindah memilih"), naming the TPS numbers of 900 and up it has in the kecamatan."""
    district = rules.prison_district
    covered = district in coverage.districts or (district[:5] in coverage.regencies and not coverage.districts)
    if not covered or decide.at_prison_tps(kpu, rules).any():
        return None
    wanted = ", ".join(str(number) for number in rules.prison_tps)
    return (
        f"PERHATIAN: DPT mencakup {regions.region_label(district)} tetapi tidak ada pemilih di TPS {wanted} di sana: "
        f"periksa nomor TPS (--tps) dan kode kecamatan di berkas situs. {loksus_elsewhere(district, loksus_tps)}"
    )


def loksus_elsewhere(district: str, loksus_tps: dict[str, list[int]]) -> str:
    """The TPS numbers of 900 and up the extract has in the kecamatan, else in its regency, kecamatan by kecamatan."""
    if loksus_tps.get(district):
        return "TPS 900 ke atas di kecamatan itu: " + ", ".join(str(number) for number in loksus_tps[district])
    nearby = [
        f"{', '.join(str(number) for number in numbers)} ({regions.region_label(code).split(',')[0]})"
        for code, numbers in sorted(loksus_tps.items())
        if code[:5] == district[:5]
    ]
    return f"TPS 900 ke atas di {regions.region_label(district[:5])}: {'; '.join(nearby) or 'tidak ada'}"


def extract_checks(
    kpu: People,
    regency: ExtractRegency,
    coverage: decide.Coverage,
    loksus_tps: dict[str, list[int]],
    rules: decide.Rules,
) -> tuple[list[str], pd.DataFrame]:
    """Summary lines and findings about where the extract's rows are listed, said before anyone reads a decision."""
    table, frame = kpu.table, kpu.frame
    notes: list[str] = []
    findings = [location_findings(frame, file=table.name, sheet=table.sheet, columns=table.columns)]
    places_by_file = Field.REGENCY.value not in frame or (_text(frame, Field.REGENCY).str.strip() == "").any()
    if places_by_file and Field.DISTRICT.value in frame:
        notes.append(regency.note())
        if regency.source == "NIK terbanyak":
            row = pd.DataFrame({"source_row": [table.header_row], "field": [""], "code": [REGENCY_FROM_NIKS.code]})
            findings.append(make_findings(row.assign(value=regency.code), file=table.name, sheet=table.sheet))
    unplaced = unresolved_note(frame)
    if unplaced:
        notes.append(unplaced)
    if Field.DISTRICT.value not in frame and decide.at_prison_tps(frame, rules).any():
        notes.append(
            "PERHATIAN: DPT tidak menyebut kecamatan (kolom atau judul lembar): pemilih di TPS "
            + ", ".join(str(number) for number in rules.prison_tps)
            + " dianggap terdaftar di TPS rutan menurut nomor TPS saja"
        )
    missing = _site_tps_missing(frame, coverage, loksus_tps, rules)
    if missing:
        notes.append(missing)
        row = pd.DataFrame(
            {"source_row": [table.header_row], "field": [Field.TPS.value], "code": [SITE_TPS_NOT_IN_EXTRACT.code]}
        )
        value = loksus_elsewhere(rules.prison_district, loksus_tps)
        findings.append(
            make_findings(row.assign(value=value), file=table.name, sheet=table.sheet, columns=table.columns)
        )
    return notes, pd.concat([f for f in findings if len(f)] or [findings[0]], ignore_index=True)
