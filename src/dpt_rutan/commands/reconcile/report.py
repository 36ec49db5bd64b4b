"""The tables a reconcile report is made of: summary, one sheet per action, the full list in Model A columns.

Pure data: ``report.py`` writes them to xlsx/csv/json. Column headers are Indonesian, as the KPU officer who receives
the workbook reads them; the machine formats (csv/json) use the stable English column names of ``machine_rows``.
"""

from __future__ import annotations

import pandas as pd

from dpt_rutan import regions, report
from dpt_rutan.commands.reconcile.columns import FULL_LIST_SHEET, MODEL_A_COLUMNS, STATUS_COLUMNS
from dpt_rutan.commands.reconcile.prison import ReconcileResult
from dpt_rutan.decide import INELIGIBLE, STATUS_LABELS, KpuStatus, Status
from dpt_rutan.errors import CODES
from dpt_rutan.remarks import REMARK_CODES

TEXT_COLUMNS = ["NKK", "NIK", "NIK DI DPT", "NIK USULAN DUKCAPIL", "TPS DI DPT", "NO. REGISTRASI", "RT", "RW"]

ACTION_SHEETS = {
    "Pindah memilih": [Status.REGISTERED_ELSEWHERE],
    "Tambahkan": [Status.NOT_REGISTERED],
    "Cek SIDALIH": [Status.NOT_IN_EXTRACT],
    "Perekaman Dukcapil": [Status.NEEDS_RECORDING],
    "Periksa": [Status.NEEDS_REVIEW],
    "Ganda": [Status.DUPLICATE],
    "Tidak memenuhi syarat": [*INELIGIBLE, Status.RELEASED_BEFORE_VOTING],
}


def _get(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column] if column in frame.columns else pd.Series("", index=frame.index)


def full_list(result: ReconcileResult) -> pd.DataFrame:
    """Every roster row, in file order: the Model A columns, then its status and how it was decided."""
    roster = result.roster.frame.reset_index(drop=True)
    decisions = result.decisions.reset_index(drop=True)
    kpu = result.kpu.frame.set_index("source_row")
    kpu_row = decisions["kpu_row"]
    merged = pd.DataFrame({key: _get(roster, key) for key in MODEL_A_COLUMNS})
    merged["nik"] = roster["nik_clean"].where(roster["nik_clean"] != "", _get(roster, "nik"))
    merged["birth_date_used"] = roster["birth_date_used"].dt.date
    merged["reg_no"] = _get(roster, "reg_no")
    for column in ("source_row", "status", "status_label", "reasons", "method", "score", "agreed", "disagreed"):
        merged[column] = decisions[column]
    merged["candidates"] = decisions["candidates"]
    merged["duplicate_of"] = decisions["duplicate_of"]
    # astype(object): an inmate matched to no KPU row maps to NaN, and a float column cannot take "".
    merged["kpu_nik"] = kpu_row.map(kpu["nik_clean"]).astype(object).fillna("")
    merged["kpu_tps"] = kpu_row.map(_get(kpu, "tps")).astype(object).fillna("")
    merged["kpu_village"] = kpu_row.map(_get(kpu, "village")).astype(object).fillna("")
    merged["proposed_nik"] = _get(decisions, "proposed_nik")
    merged["dukcapil_check"] = _get(decisions, "dukcapil_check")
    merged["kpu_struck_off_code"] = _get(decisions, "kpu_struck_off_code")
    merged["home_label"] = roster["home_regency"].map(lambda code: regions.region_label(code) if code else "")
    columns = {**STATUS_COLUMNS, **MODEL_A_COLUMNS}
    order = [
        "source_row",
        "reg_no",
        *MODEL_A_COLUMNS,
        *[c for c in STATUS_COLUMNS if c not in ("source_row", "reg_no")],
    ]
    full = merged[order].rename(columns=columns)
    if "source_sheet" in roster:  # a roster of several sheets: where each row is in its own sheet
        full.insert(1, "LEMBAR", roster["source_sheet"].to_numpy())
        full.insert(2, "BARIS DI LEMBAR", roster["sheet_row"].to_numpy())
    return full


def summary(result: ReconcileResult) -> pd.DataFrame:
    """Counts that add up to the rows read, as a two-column table (item, count)."""
    table = result.roster.table
    roster = result.roster.frame
    counts = result.status_counts()
    rows: list[tuple[str, object]] = [
        ("Berkas daftar WBP", table.name),
        ("Lembar", table.sheet or "-"),
        ("Baris di bawah judul kolom", table.rows_in_file),
        ("Baris bukan data (kosong, jumlah, tanda tangan)", len(table.skipped)),
        ("Baris data WBP dibaca", len(roster)),
    ]
    rows += [(f"{status} — {STATUS_LABELS[Status(status)]}", int(n)) for status, n in counts.items()]
    rows.append((f"Jumlah status = baris dibaca ({len(roster)})", int(counts.sum())))
    rows += _nik_rows(roster, result.site.district_code[:2])
    rows.append(
        (
            "Pemilih di TPS rutan bila semua tindakan selesai (surat suara PPWP, tanpa cadangan)",
            voters_expected_here(counts),
        )
    )
    rows += _kpu_rows(result)
    rows += [
        (f"Temuan {code}: {CODES[code].message_id}", count)
        for code in REMARK_CODES
        if (count := _finding_count(result.roster, code))
    ]
    rows += [(note, "") for note in result.notes]
    return pd.DataFrame(rows, columns=["Uraian", "Jumlah"])


def _nik_rows(roster: pd.DataFrame, prison_province: str) -> list[tuple[str, object]]:
    """Citizens and foreigners, and whose NIK is usable, of this province or another."""
    citizenship = _get(roster, "citizenship").fillna("")
    usable = roster["nik_usable"].astype(bool)
    return [
        ("WNI", int((citizenship != "WNA").sum())),
        ("WNA", int((citizenship == "WNA").sum())),
        ("NIK sah", int(usable.sum())),
        ("NIK provinsi ini", int((usable & (roster["nik_province"] == prison_province)).sum())),
        ("NIK provinsi lain", int((usable & (roster["nik_province"] != prison_province)).sum())),
        ("Tanpa NIK yang sah", int((~usable).sum())),
    ]


def _kpu_rows(result: ReconcileResult) -> list[tuple[str, object]]:
    """The extract's side: its rows per KPU status, what was read and kept, and the regions it covers."""
    kpu_counts = result.kpu_side["status"].value_counts()
    return [
        *((f"DPT: {status} — {STATUS_LABELS[status]}", int(kpu_counts.get(status.value, 0))) for status in KpuStatus),
        ("DPT: berkas", result.kpu.table.name),
        ("DPT: baris dibaca", result.kpu_rows_read),
        ("DPT: baris yang menyangkut WBP atau TPS rutan (dicocokkan)", len(result.kpu.frame)),
        ("DPT: kabupaten/kota tercakup", ", ".join(sorted(regions.region_label(c) for c in result.coverage.regencies))),
        ("DPT: kecamatan tercakup", len(result.coverage.districts)),
        ("DPT: WBP yang hanya ada di baris yang dicoret (TMS): belum terdaftar", _struck_off_count(result)),
        ("DPT: baris dengan kode KETERANGAN yang tidak dikenal profil", _finding_count(result.kpu, "KPU_CODE_UNKNOWN")),
    ]


def _struck_off_count(result: ReconcileResult) -> int:
    return int(_get(result.decisions, "kpu_struck_off_code").fillna("").ne("").sum())


def _finding_count(people, code: str) -> int:
    return int((people.findings["code"] == code).sum())


def voters_expected_here(counts: pd.Series) -> int:
    """The prison TPS's voters once every action is done: those registered here, and those to move here or add."""
    here = [Status.REGISTERED_HERE, Status.REGISTERED_ELSEWHERE, Status.NOT_REGISTERED, Status.NOT_IN_EXTRACT]
    return int(counts[here].sum())


def action_sheets(full: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The full list cut into one table per action sheet, by status."""
    return {
        title: full[full["STATUS"].isin([s.value for s in statuses])].reset_index(drop=True)
        for title, statuses in ACTION_SHEETS.items()
    }


def kpu_side_sheet(result: ReconcileResult) -> pd.DataFrame:
    """The extract's rows to take off the prison's TPS or listed twice, with where they are listed."""
    kpu = result.kpu.frame.set_index("source_row")
    side = result.kpu_side
    return pd.DataFrame(
        {
            "BARIS DPT": side["source_row"],
            "STATUS": side["status"],
            "KETERANGAN": side["status_label"],
            "NIK": side["source_row"].map(kpu["nik_clean"]),
            "NAMA": side["source_row"].map(_get(kpu, "name")),
            "TPS": side["source_row"].map(_get(kpu, "tps")),
            "KELURAHAN/DESA": side["source_row"].map(_get(kpu, "village")),
            **_origin(side["source_row"], kpu),
        }
    )


def _origin(rows: pd.Series, kpu: pd.DataFrame) -> dict[str, pd.Series]:
    """File, sheet and row of each KPU row when the extract came in several parts (``sources.py``)."""
    if "source_file" not in kpu:
        return {}
    return {
        "BERKAS DPT": rows.map(kpu["source_file"]),
        "LEMBAR DPT": rows.map(kpu["source_sheet"]),
        "BARIS DI LEMBAR": rows.map(kpu["sheet_row"]),
    }


def review_sheet(result: ReconcileResult) -> pd.DataFrame:
    """Each roster row that needs review beside its candidate KPU rows and how each field compared."""
    pairs = result.review_candidates
    kpu = result.kpu.frame.set_index("source_row")
    roster = result.roster.frame.set_index("source_row")
    return pd.DataFrame(
        {
            "BARIS WBP": pairs["left_row"],
            "NAMA WBP": pairs["left_row"].map(_get(roster, "name")),
            "BARIS DPT": pairs["right_row"],
            "NAMA DPT": pairs["right_row"].map(_get(kpu, "name")),
            "NIK DPT": pairs["right_row"].map(kpu["nik_clean"]),
            "TPS DPT": pairs["right_row"].map(_get(kpu, "tps")),
            **_origin(pairs["right_row"], kpu),
            "NIK": pairs["nik_level"],
            "NAMA": pairs["name_level"],
            "TGL LAHIR": pairs["dob_level"],
            "JK": pairs["sex_level"],
            "SKOR": pairs["score"],
        }
    )


def machine_rows(result: ReconcileResult) -> pd.DataFrame:
    """One row per roster row for csv/json: stable English names, the matched KPU row and the reasons."""
    decisions = result.decisions
    roster = result.roster.frame.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "source_row": decisions["source_row"],
            "sheet": result.roster.table.sheet,
            "status": decisions["status"],
            "reasons": decisions["reasons"],
            "name": _get(roster, "name"),
            "nik": roster["nik_clean"],
            "kpu_row": decisions["kpu_row"],
            "method": decisions["method"],
            "score": decisions["score"],
            "agreed": decisions["agreed"],
            "disagreed": decisions["disagreed"],
            "candidates": decisions["candidates"],
            "duplicate_of": decisions["duplicate_of"],
        }
    )
    for column in ("proposed_nik", "dukcapil_check"):
        if column in decisions.columns:
            out[column] = decisions[column]
    return out


def workbook_sheets(result: ReconcileResult) -> list[report.SheetSpec]:
    """Summary first, one sheet per action, the KPU side, review candidates, the full Model A list, the findings."""
    full = full_list(result)
    notes = report.subject_notes("Rekonsiliasi daftar pemilih WBP", result.site, result.profile)
    sheets = [report.SheetSpec("Ringkasan", summary(result), notes=notes)]
    sheets += [
        report.SheetSpec(title, frame, text_columns=TEXT_COLUMNS) for title, frame in action_sheets(full).items()
    ]
    sheets += [
        report.SheetSpec("DPT dikeluarkan", kpu_side_sheet(result), text_columns=["NIK", "TPS"]),
        report.SheetSpec("Kandidat periksa", review_sheet(result), text_columns=["NIK DPT", "TPS DPT"]),
        report.SheetSpec(FULL_LIST_SHEET, full, text_columns=TEXT_COLUMNS),
        report.SheetSpec("Temuan data", _findings(result), text_columns=["value"]),
    ]
    if len(result.kpu_parts) > 1:
        sheets.append(report.SheetSpec("Berkas DPT", result.kpu_parts))
    return sheets


def _findings(result: ReconcileResult) -> pd.DataFrame:
    """The roster's findings, then those about where the extract's rows are listed."""
    if result.extract_findings.empty:
        return result.roster.findings
    return pd.concat([result.roster.findings, result.extract_findings], ignore_index=True)


def json_payload(result: ReconcileResult) -> dict[str, pd.DataFrame]:
    """The JSON report: the roster rows, and the extract's rows that concern the prison."""
    return {"rows": machine_rows(result), "kpu": result.kpu_side}
