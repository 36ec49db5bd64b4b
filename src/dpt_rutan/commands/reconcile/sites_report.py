"""The province summary of a multi-prison run: one row per prison, the inmates on two prisons' rosters, the voters
who moved from one prison to another, and every file's rows.

Each prison's own report is ``reconcile_report``'s, unchanged; this module adds what only the regional office (Kanwil)
sees: the prisons side by side with the province's total, and the people two prisons' reports both concern.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pandas as pd

from dpt_rutan import report
from dpt_rutan.commands.reconcile.prison import ReconcileResult
from dpt_rutan.commands.reconcile.report import voters_expected_here
from dpt_rutan.commands.reconcile.run import SitesResult
from dpt_rutan.commands.reconcile.site_rosters import Rosters
from dpt_rutan.decide import STATUS_LABELS, KpuStatus, Status
from dpt_rutan.read import sources as extract_sources

TOTAL_LABEL = "JUMLAH PROVINSI"
SUMMARY_NAME = "ringkasan-provinsi"
_REPORT_NAME = re.compile(rf"^(\d\d+-.+|{SUMMARY_NAME}(-.+)?)\.(xlsx|csv|json)$")
MOVED_IN_LABEL = "DPT: pindah ke UPT lain"


def report_names(result: SitesResult, extension: str) -> list[str]:
    """``01-rutan-kelas-iib-blora.xlsx``, ...: numbered in the site table's order, so a folder lists them so."""
    return [_report_name(position, prison, extension) for position, prison in enumerate(result.prisons, start=1)]


def _report_name(position: int, prison: ReconcileResult, extension: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", prison.site.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-") or "upt"
    return f"{position:02d}-{slug}.{extension}"


def earlier_reports(folder: Path) -> list[str]:
    """Reports of an earlier run in ``folder``: mixed with a new run's they would be taken for its."""
    return sorted(path.name for path in folder.iterdir() if _REPORT_NAME.match(path.name)) if folder.is_dir() else []


def _status_header(status: str) -> str:
    return f"{status} — {STATUS_LABELS[Status(status)]}"


def _prison_row(prison: ReconcileResult, report_name: str, moved: pd.DataFrame) -> dict[str, object]:
    counts = prison.status_counts()
    kpu_counts = prison.kpu_side["status"].value_counts()
    return {
        "UPT": prison.site.name,
        "KECAMATAN": prison.site.region_label(),
        "TPS": ", ".join(str(number) for number in prison.site.tps_numbers),
        "BERKAS WBP": prison.roster.table.name,
        "LAPORAN": report_name,
        "BARIS WBP": len(prison.roster.frame),
        **{_status_header(status): int(count) for status, count in counts.items()},
        "JUMLAH STATUS": int(counts.sum()),
        "PEMILIH DI TPS BILA TINDAKAN SELESAI": voters_expected_here(counts),
        **{f"DPT: {status.value}": int(kpu_counts.get(status.value, 0)) for status in KpuStatus},
        MOVED_IN_LABEL: int((moved["from_prison"] == prison.site.name).sum()),
    }


def province_summary(result: SitesResult, extension: str = "xlsx") -> pd.DataFrame:
    """One row per prison, in the site table's order, then the province's total. The statuses add up per row; a
    KPU row two prisons' reports both list (a NIK listed twice that concerns both) counts once in the total."""
    moved = result.transfers
    names = report_names(result, extension)
    rows = pd.DataFrame([_prison_row(prison, name, moved) for prison, name in zip(result.prisons, names, strict=True)])
    total = {column: "" for column in rows.columns} | rows.select_dtypes("number").sum().to_dict()
    for status in KpuStatus:
        listed = pd.concat(
            [prison.kpu_side.loc[prison.kpu_side["status"] == status, "source_row"] for prison in result.prisons]
        )
        total[f"DPT: {status.value}"] = listed.nunique()
    total["UPT"] = TOTAL_LABEL
    return pd.concat([rows, pd.DataFrame([total])], ignore_index=True)


def _notes(result: SitesResult) -> list[str]:
    kpu = result.prisons[0].kpu.table.name
    return [
        f"{len(result.prisons)} UPT; DPT {kpu}: {result.kpu_rows_read:,} baris dibaca",
        "Status per UPT sama dengan menjalankan 'dpt-rutan reconcile' untuk UPT itu saja; rinciannya di LAPORAN.",
        f"Ganda antar-UPT: {len(result.across_prisons)} orang ada di daftar WBP dua UPT dan terhitung di keduanya.",
        f"{MOVED_IN_LABEL}: pemilih di TPS UPT ini yang kini WBP UPT lain; pindahkan ke TPS UPT itu, bukan ke asal.",
    ]


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


def transfers_sheet(result: SitesResult) -> pd.DataFrame:
    """Voters at one prison's TPS who are now another prison's inmates."""
    moved = result.transfers
    kpu = result.prisons[0].kpu.frame.set_index("source_row")
    return pd.DataFrame(
        {
            "BARIS DPT": moved["kpu_row"],
            "NAMA": moved["kpu_row"].map(kpu["name"]),
            "NIK": moved["kpu_row"].map(kpu["nik_clean"]),
            "TPS DPT": moved["kpu_row"].map(kpu["tps"]) if "tps" in kpu else "",
            "TERDAFTAR DI TPS UPT": moved["from_prison"],
            "KINI WBP DI UPT": moved["to_prison"],
            "BARIS WBP": moved["to_row"],
            "STATUS DI UPT BARU": moved["to_status"],
        }
    )


def files_sheet(result: SitesResult, rosters: Rosters) -> pd.DataFrame:
    """Every input file's rows: each roster's rows below its header, the data rows each prison took from it, the
    rows that are not data; the extract's and Dukcapil's rows read."""
    rows: list[tuple[str, str, int]] = []
    for table in [*rosters.shared_files, *_own_files(result, rosters)]:
        rows.append((table.name, "baris di bawah judul kolom", table.rows_in_file))
        rows.append((table.name, "baris bukan data (kosong, jumlah, tanda tangan)", len(table.skipped)))
    for prison in result.prisons:
        rows.append((prison.roster.table.name, f"baris data WBP: {prison.site.name}", len(prison.roster.frame)))
    first = result.prisons[0]
    rows.append((first.kpu.table.name, "DPT: baris dibaca", result.kpu_rows_read))
    rows.append((first.kpu.table.name, "DPT: kabupaten/kota tercakup", len(first.coverage.regencies)))
    rows.append((first.kpu.table.name, "DPT: kecamatan tercakup", len(first.coverage.districts)))
    if first.dukcapil is not None:
        rows.append((first.dukcapil.table.name, "Dukcapil: baris dibaca", len(first.dukcapil.frame)))
    return pd.DataFrame(rows, columns=["BERKAS", "URAIAN", "JUMLAH"])


def _own_files(result: SitesResult, rosters: Rosters) -> list:
    shared = {table.path for table in rosters.shared_files}
    return [prison.roster.table for prison in result.prisons if prison.roster.table.path not in shared]


def input_sources(result: SitesResult, rosters: Rosters, site_table: Path) -> list[tuple[Path, int]]:
    """Every file the run read, with its data rows read, for the summary's provenance."""
    sources = [(site_table, len(result.prisons)), *result.prisons[0].kpu_files]
    sources += [(table.path, len(table.data)) for table in [*rosters.shared_files, *_own_files(result, rosters)]]
    dukcapil = result.prisons[0].dukcapil
    return sources + (extract_sources.with_rows(dukcapil.table.path, len(dukcapil.frame)) if dukcapil else [])


def tables(result: SitesResult, rosters: Rosters, extension: str) -> dict[str, pd.DataFrame]:
    """The summary's tables by name: sheets of the workbook, files of a CSV run, keys of the JSON."""
    return {
        "Ringkasan provinsi": province_summary(result, extension),
        "Ganda antar-UPT": across_prisons_sheet(result),
        "Pindah antar-UPT": transfers_sheet(result),
        "Berkas": files_sheet(result, rosters),
    }


def csv_name(title: str) -> str:
    """The CSV file of one of the summary's tables: ``ringkasan-provinsi.csv``, ``ringkasan-provinsi-berkas.csv``."""
    if title == "Ringkasan provinsi":
        return f"{SUMMARY_NAME}.csv"
    return f"{SUMMARY_NAME}-{re.sub(r'[^a-z0-9]+', '-', title.lower()).strip('-')}.csv"


def workbook_sheets(result: SitesResult, rosters: Rosters) -> list[report.SheetSpec]:
    """The province summary's tables as workbook sheets, the notes on the first."""
    found = tables(result, rosters, "xlsx")
    text_columns = ["TPS", "NIK", "NIK A", "NIK B", "TPS DPT"]
    return [
        report.SheetSpec(
            title, frame, notes=_notes(result) if title == "Ringkasan provinsi" else (), text_columns=text_columns
        )
        for title, frame in found.items()
    ]


def json_payload(result: SitesResult, rosters: Rosters) -> dict[str, pd.DataFrame]:
    """The province summary's tables under stable English keys."""
    keys = {
        "Ringkasan provinsi": "prisons",
        "Ganda antar-UPT": "across_prisons",
        "Pindah antar-UPT": "transfers",
        "Berkas": "files",
    }
    return {keys[title]: frame for title, frame in tables(result, rosters, "json").items()}


TERMINAL_COLUMNS = {
    "UPT": "UPT",
    "BARIS WBP": "WBP",
    _status_header(Status.REGISTERED_HERE): "di TPS",
    _status_header(Status.REGISTERED_ELSEWHERE): "pindah",
    _status_header(Status.NOT_REGISTERED): "tambah",
    _status_header(Status.NOT_IN_EXTRACT): "SIDALIH",
    _status_header(Status.NEEDS_RECORDING): "rekam",
    _status_header(Status.NEEDS_REVIEW): "periksa",
    f"DPT: {KpuStatus.NOT_IN_CUSTODY.value}": "DPT keluar",
}
"""The province summary's columns the terminal shows, and their short labels."""
