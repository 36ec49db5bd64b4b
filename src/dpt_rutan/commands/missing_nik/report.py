"""The workbook the prison sends to Dukcapil ("perekaman"); the columns it comes back with are in ``columns``.

Layout, chosen for the officer who receives it: a summary sheet with the count per origin kab/kota, then **one sheet
per origin kab/kota**. Each kab/kota has its own Disdukcapil office, which can search and record only its own
residents; a sheet per office can be forwarded or printed as it is, and the summary tells each office how many people
are on its sheet. Those released before voting day or otherwise no voter this time are on a sheet of their own,
"Tidak untuk pemilu ini", with the kab/kota as a column: they still need a NIK, but not for this election.

Every person sheet has the same columns, the key columns first: ``BARIS WBP`` (the row in the roster) and
``NO. REGISTRASI``. ``apply_nik`` finds its rows by these headers, wherever the columns have been moved, hidden or
sorted, so the officer only has to leave their values alone and fill in the empty columns at the right.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from dpt_rutan import report
from dpt_rutan.commands.missing_nik.candidates import MAX_CANDIDATES, Source
from dpt_rutan.commands.missing_nik.columns import (
    FILL_COLUMNS,
    FILL_NIK,
    FILL_NKK,
    KEY_REG_NO,
    KEY_ROW,
    PERSON_COLUMNS,
)
from dpt_rutan.commands.missing_nik.reasons import REASONS, Outcome
from dpt_rutan.commands.missing_nik.run import MissingNikResult
from dpt_rutan.read import sources as extract_sources

SUMMARY_SHEET = "Ringkasan"
APART_SHEET = "Tidak untuk pemilu ini"
UNKNOWN_HOME_SHEET = "Asal tidak diketahui"

CANDIDATE_NIK = "KANDIDAT NIK {rank}"
CANDIDATE_NOTE = "KETERANGAN KANDIDAT {rank}"
NEAR_TIE = "KANDIDAT HAMPIR SAMA"
TEXT_COLUMNS = [
    KEY_REG_NO,
    "RT",
    "RW",
    "NKK DI DAFTAR WBP",
    "NIK DI DAFTAR WBP",
    *(CANDIDATE_NIK.format(rank=rank) for rank in range(1, MAX_CANDIDATES + 1)),
    FILL_NIK,
    FILL_NKK,
]
SOURCE_LABELS = {Source.DUKCAPIL.value: "Dukcapil", Source.KPU.value: "KPU"}


def _candidate_note(candidates: pd.DataFrame) -> pd.Series:
    """ "Dukcapil baris 5260, skor 27; sesuai: nama, tanggal lahir; beda: nama ibu"."""
    disagreed = candidates["disagreed"].where(candidates["disagreed"] == "", "; beda: " + candidates["disagreed"])
    return (
        candidates["source"].map(SOURCE_LABELS)
        + " baris "
        + candidates["extract_row"].astype("int64").astype(str)
        + ", skor "
        + candidates["score"].map(lambda score: f"{score:g}")
        + "; sesuai: "
        + candidates["agreed"]
        + disagreed
    )


def _candidate_columns(result: MissingNikResult) -> pd.DataFrame:
    """One NIK and one note column per candidate rank, by source_row."""
    candidates = result.candidates
    rows = result.listed["source_row"]
    columns = {}
    notes = _candidate_note(candidates) if len(candidates) else pd.Series(dtype=object)
    for rank in range(1, MAX_CANDIDATES + 1):
        ranked = candidates["rank"] == rank
        by_row = candidates.loc[ranked].set_index("source_row")
        columns[CANDIDATE_NIK.format(rank=rank)] = rows.map(by_row["nik"]).astype(object).fillna("")
        note = notes[ranked].set_axis(by_row.index)
        columns[CANDIDATE_NOTE.format(rank=rank)] = rows.map(note).astype(object).fillna("")
    return pd.DataFrame(columns, index=result.listed.index)


def person_table(result: MissingNikResult) -> pd.DataFrame:
    """Every listed person with the workbook's columns, in the result's order; the fill-in columns empty."""
    listed = result.listed
    table = listed[list(PERSON_COLUMNS)].rename(columns=PERSON_COLUMNS)
    table[PERSON_COLUMNS["birth_date"]] = listed["birth_date"].dt.date
    table = pd.concat([table, _candidate_columns(result)], axis=1)
    table[NEAR_TIE] = listed["near_tie"].map({True: "Ya: pastikan yang mana", False: ""})
    for header in FILL_COLUMNS:
        table[header] = None
    return table


def _group_title(code: str, label: str) -> str:
    """ "33.16 Kab. Blora": the code keeps titles unique and in order when long names are cut to 31 characters."""
    if not code:
        return UNKNOWN_HOME_SHEET
    return report.safe_sheet_title(f"{code} {label.split(', ')[0]}")


def _sheets_of(counts: pd.DataFrame) -> list[str]:
    """Where each group's people are: its own sheet (this election) and the sheet of those apart."""
    sheets = []
    for code, label, now, listed in counts[["home_regency", "home_label", "now", "listed"]].itertuples(index=False):
        names = ([_group_title(code, label)] if now else []) + ([APART_SHEET] if listed > now else [])
        sheets.append("; ".join(names))
    return sheets


def summary_table(result: MissingNikResult) -> pd.DataFrame:
    """Per origin kab/kota: its sheet, and how many need a NIK for this election and otherwise; then the total."""
    listed = result.listed.assign(home_order=result.listed["home_regency"].replace("", "~"))  # unknown home last
    counts = (
        listed.groupby(["home_order", "home_regency", "home_label"], sort=True)["for_this_election"]
        .agg(now="sum", listed="count")
        .reset_index()
    )
    table = pd.DataFrame(
        {
            "KODE KAB/KOTA": counts["home_regency"],
            "KAB/KOTA ASAL": counts["home_label"].replace("", "Tidak diketahui"),
            "LEMBAR": _sheets_of(counts),
            "PERLU NIK UNTUK PEMILU INI": counts["now"].astype(int),
            "TIDAK UNTUK PEMILU INI": (counts["listed"] - counts["now"]).astype(int),
            "JUMLAH": counts["listed"].astype(int),
        }
    )
    total = {"KODE KAB/KOTA": "", "KAB/KOTA ASAL": "JUMLAH", "LEMBAR": ""}
    total |= {column: int(table[column].sum()) for column in table.columns[3:]}
    return pd.concat([table, pd.DataFrame([total])], ignore_index=True)


def accounting_line(result: MissingNikResult) -> str:
    """The rows read, as the sum of the rows of each outcome."""
    counts = result.counts()
    return (
        f"Baris data WBP dibaca: {counts['rows_read']} = perlu NIK untuk pemilu ini {counts[Outcome.LISTED]}"
        f" + perlu NIK, tidak untuk pemilu ini {counts[Outcome.LISTED_APART]}"
        f" + NIK baik {counts[Outcome.FINE]} + baris ganda (dihitung sekali) {counts[Outcome.DUPLICATE]}"
    )


def summary_notes(result: MissingNikResult) -> list[str]:
    """The notes above the summary: what was read, the accounting, the reasons, and what Dukcapil fills in."""
    profile = result.profile
    reasons = result.listed["reason_code"].value_counts()
    return [
        *report.subject_notes("Daftar WBP yang perlu NIK (perekaman/pencarian Dukcapil)", result.site, profile),
        f"Berkas / file: {result.roster.table.name}",
        accounting_line(result),
        "Alasan: " + "; ".join(f"{code} {int(reasons[code])}" for code in REASONS if code in reasons.index),
        *result.notes,
        f"Petugas Dukcapil: isi kolom {', '.join(FILL_COLUMNS)} di lembar tiap kab/kota. "
        f"Jangan ubah kolom {KEY_ROW} dan {KEY_REG_NO}: dipakai untuk mengembalikan NIK ke daftar WBP.",
    ]


def workbook_sheets(result: MissingNikResult) -> list[report.SheetSpec]:
    """Summary, one sheet per origin kab/kota (this election), then the people not for this election."""
    table = person_table(result)
    listed = result.listed
    now = table[listed["for_this_election"].to_numpy()].drop(columns=PERSON_COLUMNS["not_this_election"])
    sheets = [report.SheetSpec(SUMMARY_SHEET, summary_table(result), notes=summary_notes(result))]
    homes = listed.loc[listed["for_this_election"], ["home_regency", "home_label"]].drop_duplicates()
    for code, label in homes.itertuples(index=False):
        rows = (listed.loc[listed["for_this_election"], "home_regency"] == code).to_numpy()
        title = _group_title(code, label)
        notes = [f"{label or 'Kab/kota asal tidak diketahui'}: {int(rows.sum())} orang perlu NIK untuk pemilu ini"]
        sheets.append(report.SheetSpec(title, now[rows].reset_index(drop=True), notes, TEXT_COLUMNS))
    apart = table[~listed["for_this_election"].to_numpy()].reset_index(drop=True)
    apart_notes = [f"Perlu NIK, tetapi tidak memilih pada {result.profile.label}: {len(apart)} orang"]
    sheets.append(report.SheetSpec(APART_SHEET, apart, apart_notes, TEXT_COLUMNS))
    return sheets


def write_missing_nik_workbook(result: MissingNikResult, path: Path) -> None:
    """Write the workbook, with a provenance sheet naming every input file and its checksum."""
    sources = [(result.roster.table.path, len(result.roster.frame))]
    for source, people in result.extracts.items():
        rows = result.kpu_rows_read if source is Source.KPU else len(people.frame)
        sources += extract_sources.with_rows(people.table.path, rows)
    provenance = report.Provenance.for_inputs(
        sources, profile=result.profile.name, settings=result.settings.model_dump()
    )
    inputs = [path for path, _ in sources]
    report.write_workbook(path, workbook_sheets(result), inputs=inputs, provenance=provenance)
