"""The province summary of a multi-prison run: one row per prison, the inmates on two prisons' rosters, the files.

Each prison's own report is ``reconcile_report``'s, unchanged; this module adds what only the regional office (Kanwil)
sees: the prisons side by side with the province's total, and the people two rosters both claim.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from . import report
from .decide import KpuStatus, Status
from .reconcile import ReconcileResult, SitesResult
from .reconcile_report import voters_expected_here
from .site_table import Rosters

TOTAL_LABEL = "JUMLAH PROVINSI"


def site_file_name(position: int, result: ReconcileResult, extension: str) -> str:
    """``03-rutan-kelas-iib-blora.xlsx``: numbered in the site table's order, so the folder lists them that way."""
    ascii_name = unicodedata.normalize("NFKD", result.site.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "upt"
    return f"{position:02d}-{slug}.{extension}"


def _prison_row(result: ReconcileResult) -> dict[str, object]:
    counts = result.status_counts()
    kpu_counts = result.kpu_side["status"].value_counts()
    return {
        "UPT": result.site.name,
        "KECAMATAN": result.site.region_label(),
        "TPS": ", ".join(str(number) for number in result.site.tps_numbers),
        "BERKAS WBP": result.roster.table.name,
        "BARIS WBP": len(result.roster.frame),
        **{status: int(count) for status, count in counts.items()},
        "JUMLAH STATUS": int(counts.sum()),
        "PEMILIH DI TPS BILA TINDAKAN SELESAI": voters_expected_here(counts),
        **{f"DPT: {status.value}": int(kpu_counts.get(status.value, 0)) for status in KpuStatus},
    }


def province_summary(result: SitesResult) -> pd.DataFrame:
    """One row per prison, in the site table's order, then the province's total; statuses add up per row."""
    rows = pd.DataFrame([_prison_row(prison) for prison in result.prisons])
    numbers = rows.select_dtypes("number").sum()
    total = {column: "" for column in rows.columns} | numbers.to_dict() | {"UPT": TOTAL_LABEL}
    return pd.concat([rows, pd.DataFrame([total])], ignore_index=True)


def across_prisons_sheet(result: SitesResult) -> pd.DataFrame:
    """The inmates two prisons both list, with what each roster says of them."""
    by_prison = {prison.site.name: prison.roster.frame.set_index("source_row") for prison in result.prisons}
    pairs = result.across_prisons
    columns: dict[str, object] = {}
    for side in ("a", "b"):
        rows = pairs[[f"prison_{side}", f"row_{side}"]].itertuples(index=False, name=None)
        people = [by_prison[prison].loc[row] for prison, row in rows]
        label = side.upper()
        columns[f"UPT {label}"] = pairs[f"prison_{side}"]
        columns[f"BARIS {label}"] = pairs[f"row_{side}"]
        columns[f"NAMA {label}"] = [person.get("name", "") for person in people]
        columns[f"NIK {label}"] = [person["nik_clean"] for person in people]
        columns[f"TGL LAHIR {label}"] = [person["birth_date_used"] for person in people]
    columns["CARA"] = pairs["method"].map({"nik_exact": "NIK sama", "name_birth_date": "nama dan tanggal lahir"})
    return pd.DataFrame(columns, index=pairs.index)


def files_sheet(result: SitesResult, rosters: Rosters) -> pd.DataFrame:
    """Every roster file's rows: the data rows each prison took and the rows that are not data."""
    rows: list[tuple[str, str, int]] = []
    for table in rosters.shared_files:
        rows.append((table.name, "baris di bawah judul kolom", table.rows_in_file))
        rows.append((table.name, "baris bukan data (kosong, jumlah, tanda tangan)", len(table.skipped)))
    for prison in result.prisons:
        table = prison.roster.table
        rows.append((table.name, f"baris data WBP: {prison.site.name}", len(prison.roster.frame)))
        if len(table.skipped):
            rows.append((table.name, "baris bukan data (kosong, jumlah, tanda tangan)", len(table.skipped)))
    kpu = result.prisons[0].kpu.table.name
    rows.append((kpu, "DPT: baris dibaca", result.kpu_rows_read))
    coverage = result.prisons[0].coverage
    rows.append((kpu, "DPT: kabupaten/kota tercakup", len(coverage.regencies)))
    rows.append((kpu, "DPT: kecamatan tercakup", len(coverage.districts)))
    return pd.DataFrame(rows, columns=["BERKAS", "URAIAN", "JUMLAH"])


def workbook_sheets(result: SitesResult, rosters: Rosters) -> list[report.SheetSpec]:
    notes = [
        f"{len(result.prisons)} UPT; DPT {result.prisons[0].kpu.table.name}: {result.kpu_rows_read:,} baris dibaca",
        "Status per UPT sama dengan menjalankan 'dpt-rutan reconcile' untuk UPT itu saja; rincian di berkas per UPT.",
    ]
    return [
        report.SheetSpec("Ringkasan provinsi", province_summary(result), notes=notes, text_columns=["TPS"]),
        report.SheetSpec("Ganda antar-UPT", across_prisons_sheet(result), text_columns=["NIK A", "NIK B"]),
        report.SheetSpec("Berkas", files_sheet(result, rosters)),
    ]


def json_payload(result: SitesResult, rosters: Rosters) -> dict[str, pd.DataFrame]:
    return {
        "prisons": province_summary(result),
        "across_prisons": result.across_prisons,
        "files": files_sheet(result, rosters),
    }


TERMINAL_COLUMNS = {
    "UPT": "UPT",
    "BARIS WBP": "WBP",
    Status.REGISTERED_HERE.value: "di TPS rutan",
    Status.REGISTERED_ELSEWHERE.value: "pindah",
    Status.NOT_REGISTERED.value: "tambahkan",
    Status.NOT_IN_EXTRACT.value: "cek SIDALIH",
    Status.NEEDS_RECORDING.value: "perekaman",
    Status.NEEDS_REVIEW.value: "periksa",
    f"DPT: {KpuStatus.NOT_IN_CUSTODY.value}": "DPT bukan WBP",
}
"""The province summary's columns the terminal shows, and their short labels."""
