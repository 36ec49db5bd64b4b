"""The tables a diff report is made of: a summary whose counts add up to the rows of both files, then one sheet per
kind of change ("Masuk", "Keluar", "Berubah", "Tindakan", "Tidak pasti", "Ganda").

Pure data: ``report.py`` writes them. Sheet headers are Indonesian, for the prison and KPU staff who act on them;
:func:`diff_json` keeps the stable English names of :mod:`dpt_rutan.commands.diff.result`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from dpt_rutan.commands.diff.result import Action, DiffResult, FileKind, RowClass
from dpt_rutan.commands.diff.snapshot_order import REVERSED
from dpt_rutan.decide import STATUS_LABELS
from dpt_rutan.fields import Field
from dpt_rutan.people import People
from dpt_rutan.report import SheetSpec, subject_notes

CLASS_LABELS = {
    FileKind.ROSTER: {
        RowClass.ARRIVED: "Masuk (hanya di berkas baru)",
        RowClass.LEFT: "Keluar (hanya di berkas lama)",
        RowClass.UNCHANGED: "Tetap, data tidak berubah",
        RowClass.CHANGED: "Tetap, data berubah",
    },
    FileKind.KPU: {
        RowClass.ARRIVED: "Pemilih ditambahkan (hanya di ekstrak baru)",
        RowClass.LEFT: "Pemilih dihapus (hanya di ekstrak lama)",
        RowClass.UNCHANGED: "Tetap, data tidak berubah",
        RowClass.CHANGED: "Tetap, data berubah",
    },
}
CLASS_WORDS = {
    RowClass.ARRIVED: "masuk",
    RowClass.LEFT: "keluar",
    RowClass.UNCHANGED: "tetap",
    RowClass.CHANGED: "berubah",
    RowClass.UNCERTAIN: "tidak pasti",
    RowClass.DUPLICATE: "ganda",
}
FIELD_LABELS = {
    Field.REG_NO: "NO. REGISTRASI",
    Field.NIK: "NIK",
    Field.NKK: "NKK",
    Field.NAME: "NAMA",
    Field.BIRTH_PLACE: "TEMPAT LAHIR",
    Field.BIRTH_DATE: "TANGGAL LAHIR",
    Field.SEX: "JENIS KELAMIN",
    Field.MARITAL_STATUS: "STATUS KAWIN",
    Field.CITIZENSHIP: "KEWARGANEGARAAN",
    Field.ADDRESS: "ALAMAT",
    Field.RT: "RT",
    Field.RW: "RW",
    Field.VILLAGE: "KELURAHAN/DESA",
    Field.DISTRICT: "KECAMATAN",
    Field.REGENCY: "KABUPATEN/KOTA",
    Field.PROVINCE: "PROVINSI",
    Field.REGISTER_CLASS: "GOLONGAN",
    Field.DATE_IN: "TANGGAL MASUK",
    Field.RELEASE_DATE: "TANGGAL EKSPIRASI",
    Field.TPS: "TPS",
    Field.TMS_CODE: "KETERANGAN (TMS)",
}
CHANGE_LABELS = {"filled_in": "diisi", "removed": "dikosongkan", "changed": "diubah", "corrected": "dikoreksi"}
ACTION_LABELS = {
    Action.MOVE_IN: "Pindah memilih ke TPS rutan (DPTb)",
    Action.TOO_LATE_TO_MOVE_IN: "Masuk setelah H-7: terlambat untuk pindah memilih",
    Action.RETURN_TO_HOME_TPS: "Keluar: kembalikan ke TPS asal",
    Action.CAN_NOW_BE_MATCHED: "NIK kini ada: dapat dicocokkan dengan DPT",
    Action.NOW_RELEASED_BEFORE_VOTING: "Kini bebas sebelum hari pemungutan suara: kembalikan ke TPS asal",
    Action.NOW_IN_CUSTODY_ON_VOTING_DAY: "Kini masih ditahan pada hari pemungutan suara: pindah memilih ke TPS rutan",
}
NOTE_LABELS = {
    "DATE_IN_UNKNOWN": "tanggal masuk kosong: pastikan tidak setelah H-7",
    "NO_USABLE_NIK": "belum ada NIK yang sah: cari NIK-nya (Dukcapil) dulu",
    "NIK_FILLED_IN": "NIK baru diisi",
    "NIK_CORRECTED": "NIK dikoreksi",
}
KPU_CHECK_LABELS = {
    "at_prison_tps": "Terdaftar di TPS rutan",
    "elsewhere": "Terdaftar di TPS lain",
    "uncertain": "Belum pasti: periksa kandidat",
    "not_found": "Tidak ada di ekstrak DPT",
    "": "Tidak dicek (tanpa --kpu)",
}
PERSON_COLUMNS = {
    "source_row": "BARIS",
    "reg_no": "NO. REGISTRASI",
    "name": "NAMA",
    "nik": "NIK",
    "birth_date": "TANGGAL LAHIR",
    "sex": "JK",
    "village": "KELURAHAN/DESA",
    "district": "KECAMATAN",
    "regency": "KABUPATEN/KOTA",
    "date_in": "TANGGAL MASUK",
    "release_date": "TANGGAL EKSPIRASI",
    "tps": "TPS",
}
TEXT_COLUMNS = ["NIK", "NIK LAMA", "NIK BARU", "NO. REGISTRASI", "TPS", "TPS DPT", "NILAI LAMA", "NILAI BARU"]
SIDE_LABELS = {"old": "lama", "new": "baru"}


def _side_people(result: DiffResult, side: str) -> People:
    return result.old if side == "old" else result.new


def person_fields(people: People, rows: pd.Series) -> pd.DataFrame:
    """Who a row is, in English field names: the columns of PERSON_COLUMNS the file has, NIK cleaned when it can be."""
    frame = people.frame.set_index("source_row")
    picked = frame.loc[rows.astype("int64").to_numpy()]
    out = pd.DataFrame({"source_row": rows.astype("int64").to_numpy()})
    for column in PERSON_COLUMNS:
        if column == "source_row" or column not in frame.columns:
            continue
        out[column] = picked[column].to_numpy()
    clean = picked["nik_clean"].fillna("").astype(str)
    out["nik"] = clean.where(clean != "", picked["nik"].fillna("").astype(str)).to_numpy()
    return out


def _labelled(codes: pd.Series, labels: dict[Any, str]) -> pd.Series:
    """Labels for "; "-joined codes; a code without a label is shown as it is."""
    return codes.fillna("").astype(str).map(lambda text: "; ".join(labels.get(c, c) for c in text.split("; ") if c))


# --- machine form (JSON) ----------------------------------------------------------------------------------------


def _rows_of_class(result: DiffResult, side: str, row_class: RowClass) -> pd.DataFrame:
    rows = result.old_rows if side == "old" else result.new_rows
    chosen = rows[rows["row_class"] == row_class]
    who = person_fields(_side_people(result, side), chosen["source_row"])
    return who.assign(other_row=chosen["other_row"].array, ineligible=chosen["ineligible"].to_numpy())


def _changes_with_names(result: DiffResult) -> pd.DataFrame:
    who = person_fields(result.new, result.changes["new_row"])
    named = result.changes.assign(name=who["name"].to_numpy())
    if "reg_no" in who.columns:
        named["reg_no"] = who["reg_no"].to_numpy()
    return named


def _actions_with_names(result: DiffResult) -> pd.DataFrame:
    actions = result.actions
    who = [
        person_fields(_side_people(result, side), actions.loc[actions["side"] == side, "source_row"].drop_duplicates())
        for side in ("old", "new")
    ]
    named = pd.concat([frame.assign(side=side) for frame, side in zip(who, ("old", "new"), strict=True)])
    return actions.merge(named, on=["side", "source_row"], how="left")


def summary_counts(result: DiffResult) -> pd.DataFrame:
    """Counts per change kind, per changed field and per action, then the accounting line of each file.

    Columns ``code`` (stable), ``label`` (Indonesian) and ``count``.
    """
    old, new = result.class_counts("old"), result.class_counts("new")
    labels = CLASS_LABELS[result.kind]
    rows = [
        ("arrived", labels[RowClass.ARRIVED], new[RowClass.ARRIVED]),
        ("left", labels[RowClass.LEFT], old[RowClass.LEFT]),
        ("unchanged", labels[RowClass.UNCHANGED], old[RowClass.UNCHANGED]),
        ("changed", labels[RowClass.CHANGED], old[RowClass.CHANGED]),
        ("uncertain_old", "Tidak pasti: baris lama yang mungkin orang yang sama", old[RowClass.UNCERTAIN]),
        ("uncertain_new", "Tidak pasti: baris baru yang mungkin orang yang sama", new[RowClass.UNCERTAIN]),
        ("duplicate_old", "Baris ganda di berkas lama", old[RowClass.DUPLICATE]),
        ("duplicate_new", "Baris ganda di berkas baru", new[RowClass.DUPLICATE]),
    ]
    if result.kind is FileKind.KPU:
        rows.append(("moved_tps", "Pindah TPS", int(result.pairs["moved_tps"].sum())))
    by_field = result.changes.groupby(["field", "change"], sort=False).size()
    for (field, change), count in sorted(by_field.items(), key=lambda item: list(FIELD_LABELS).index(item[0][0])):
        rows.append(
            (f"field:{field}:{change}", f"Perubahan: {FIELD_LABELS[Field(field)]} {CHANGE_LABELS[change]}", count)
        )
    rows += _action_counts(result)
    if len(result.reversed_findings):
        rows.append(("files_reversed", REVERSED_LABEL, len(result.reversed_findings)))
    rows += [_accounting(result, "old"), _accounting(result, "new")]
    return pd.DataFrame(rows, columns=["code", "label", "count"]).astype({"count": "int64"})


def _action_counts(result: DiffResult) -> list[tuple[str, str, int]]:
    rows = []
    checked = result.kpu is not None
    for action in Action:
        chosen = result.actions[result.actions["action"] == action]
        if chosen.empty:
            continue
        rows.append((f"action:{action.value}", f"Tindakan: {ACTION_LABELS[action]}", len(chosen)))
        if checked:
            rows.append(
                (f"action:{action.value}:still_needed", "  masih perlu menurut DPT", int(chosen["still_needed"].sum()))
            )
    return rows


def _accounting(result: DiffResult, side: str) -> tuple[str, str, int]:
    counts = result.class_counts(side)
    people = _side_people(result, side)
    absent = RowClass.ARRIVED if side == "old" else RowClass.LEFT
    terms = " + ".join(f"{CLASS_WORDS[c]} {counts[c]}" for c in RowClass if c is not absent)
    label = f"Baris berkas {SIDE_LABELS[side]} ({people.table.name}) = {terms}"
    return (f"accounting_{side}", label, len(people.frame))


REVERSED_LABEL = "PERINGATAN: berkas lama tampak lebih baru dari berkas baru (baris bukti, lihat Temuan urutan)"


def _reversed_shown(result: DiffResult):
    """The evidence rows the terminal shows: the title row, and the first few later admissions."""
    return result.reversed_findings.head(5).itertuples(index=False)


def terminal_summary(result: DiffResult) -> str:
    """Plain text for the terminal: what kind of files, then the counts of :func:`summary_counts`."""
    kind = "daftar WBP (roster)" if result.kind is FileKind.ROSTER else "ekstrak DPT KPU (KPU extract)"
    lines = [f"{result.old.table.name} -> {result.new.table.name}: {kind}"]
    if len(result.reversed_findings):
        lines.append(f"PERINGATAN / WARNING: {REVERSED.message_en}")
        lines += [f"  {row.column or 'judul'} baris {row.source_row}: {row.value}" for row in _reversed_shown(result)]
    counts = summary_counts(result)
    width = len(str(counts["count"].max())) if len(counts) else 1
    lines += [f"  {row.count:>{width}}  {row.label}" for row in counts.itertuples(index=False)]
    return "\n".join(lines)


def diff_json(result: DiffResult) -> dict[str, Any]:
    """Everything the workbook holds, in English field names; tables are DataFrames that ``report.write_json``
    writes as lists of records."""
    counts = summary_counts(result)
    return {
        "kind": result.kind.value,
        "old_file": {"name": result.old.table.name, "sheet": result.old.table.sheet, "rows": len(result.old.frame)},
        "new_file": {"name": result.new.table.name, "sheet": result.new.table.sheet, "rows": len(result.new.frame)},
        "counts": dict(zip(counts["code"], counts["count"].astype(int), strict=True)),
        "arrived": _rows_of_class(result, "new", RowClass.ARRIVED),
        "left": _rows_of_class(result, "old", RowClass.LEFT),
        "changes": _changes_with_names(result),
        "pairs": result.pairs,
        "actions": _actions_with_names(result),
        "uncertain": result.uncertain,
        "duplicates_old": _rows_of_class(result, "old", RowClass.DUPLICATE),
        "duplicates_new": _rows_of_class(result, "new", RowClass.DUPLICATE),
        "order_findings": result.reversed_findings,
    }


def machine_rows(result: DiffResult) -> pd.DataFrame:
    """One line per data row of both files, for CSV: its class, the row it goes with, changed fields and actions."""
    parts = []
    for side, rows in (("old", result.old_rows), ("new", result.new_rows)):
        who = person_fields(_side_people(result, side), rows["source_row"])
        changed = result.pairs.set_index(f"{side}_row")["changed_fields"]
        actions = result.actions[result.actions["side"] == side].groupby("source_row")["action"].agg("; ".join)
        parts.append(
            who.assign(
                side=side,
                row_class=rows["row_class"].to_numpy(),
                other_row=rows["other_row"].array,
                changed_fields=rows["source_row"].map(changed).astype(object).fillna("").to_numpy(),
                actions=rows["source_row"].map(actions).astype(object).fillna("").to_numpy(),
            )
        )
    lines = pd.concat(parts, ignore_index=True)
    first = ["side", "source_row", "row_class", "other_row", "changed_fields", "actions"]
    return lines[first + [column for column in lines.columns if column not in first]]


# --- workbook ---------------------------------------------------------------------------------------------------


def _person_sheet(result: DiffResult, side: str, row_class: RowClass) -> pd.DataFrame:
    rows = _rows_of_class(result, side, row_class)
    if row_class is not RowClass.DUPLICATE:
        rows = rows.drop(columns="other_row")
    if result.kind is FileKind.ROSTER and row_class is not RowClass.DUPLICATE:
        actions = result.actions[result.actions["side"] == side].drop_duplicates("source_row").set_index("source_row")
        rows["action"] = _labelled(rows["source_row"].map(actions["action"]), ACTION_LABELS)
    rows["ineligible"] = _labelled(rows["ineligible"], STATUS_LABELS)
    headers = {
        **PERSON_COLUMNS,
        "other_row": "GANDA DARI BARIS",
        "ineligible": "TIDAK MEMENUHI SYARAT",
        "action": "TINDAKAN",
    }
    return rows.rename(columns=headers)


def changes_sheet(result: DiffResult) -> pd.DataFrame:
    """One row per changed field: who, which field, old value and new value."""
    named = _changes_with_names(result)
    return pd.DataFrame(
        {
            "BARIS LAMA": named["old_row"],
            "BARIS BARU": named["new_row"],
            **({"NO. REGISTRASI": named["reg_no"]} if "reg_no" in named.columns else {}),
            "NAMA": named["name"],
            "KOLOM": named["field"].map(lambda field: FIELD_LABELS[Field(field)]),
            "PERUBAHAN": named["change"].map(CHANGE_LABELS),
            "NILAI LAMA": named["old_value"],
            "NILAI BARU": named["new_value"],
        }
    )


def actions_sheet(result: DiffResult) -> pd.DataFrame:
    """Sheet "Tindakan": each action with the person it is about and, with --kpu, what the extract says."""
    named = _actions_with_names(result)
    sheet = pd.DataFrame(
        {
            "BERKAS": named["side"].map(SIDE_LABELS),
            "BARIS": named["source_row"],
            **({"NO. REGISTRASI": named["reg_no"]} if "reg_no" in named.columns else {}),
            "NAMA": named.get("name", ""),
            "NIK": named.get("nik", ""),
            "TINDAKAN": _labelled(named["action"], ACTION_LABELS),
            "CATATAN": _labelled(named["notes"], NOTE_LABELS),
            "CEK DPT": named["kpu_check"].map(KPU_CHECK_LABELS),
            "BARIS DPT": named["kpu_row"],
            "TPS DPT": named["kpu_tps"],
            "KELURAHAN TPS": named["kpu_village"],
            "MASIH PERLU": named["still_needed"].map({True: "ya", False: "tidak"}),
        }
    )
    return sheet


def uncertain_sheet(result: DiffResult) -> pd.DataFrame:
    """Each possible pair not taken, both rows side by side, with how the fields compare."""
    pairs = result.uncertain
    old = person_fields(result.old, pairs["old_row"])
    new = person_fields(result.new, pairs["new_row"])
    return pd.DataFrame(
        {
            "BARIS LAMA": pairs["old_row"],
            "NAMA LAMA": old["name"],
            "NIK LAMA": old["nik"],
            "TGL LAHIR LAMA": old.get("birth_date"),
            "BARIS BARU": pairs["new_row"],
            "NAMA BARU": new["name"],
            "NIK BARU": new["nik"],
            "TGL LAHIR BARU": new.get("birth_date"),
            "METODE": pairs["method"],
            "SKOR": pairs["score"],
            "SESUAI": pairs["agreed"],
            "TIDAK SESUAI": pairs["disagreed"],
            "KANDIDAT": pairs["candidates"],
        }
    )


def summary_sheet(result: DiffResult) -> pd.DataFrame:
    """Sheet "Ringkasan": the kind of file, both file names, then the counts of :func:`summary_counts`."""
    kind = "Daftar WBP" if result.kind is FileKind.ROSTER else "Ekstrak DPT KPU"
    heading = pd.DataFrame(
        {
            "Uraian": ["Jenis berkas", "Berkas lama", "Berkas baru"],
            "Jumlah": [kind, result.old.table.name, result.new.table.name],
        }
    )
    counts = summary_counts(result)
    return pd.concat([heading, counts[["label", "count"]].set_axis(["Uraian", "Jumlah"], axis=1)], ignore_index=True)


def diff_sheets(result: DiffResult) -> list[SheetSpec]:
    """The workbook: summary, arrivals, departures, changes, actions (rosters), uncertain pairs, duplicates."""
    roster = result.kind is FileKind.ROSTER
    sheets = [
        SheetSpec(
            "Ringkasan", summary_sheet(result), notes=subject_notes("Perubahan daftar", result.site, result.profile)
        ),
        SheetSpec("Masuk", _person_sheet(result, "new", RowClass.ARRIVED), text_columns=TEXT_COLUMNS),
        SheetSpec("Keluar", _person_sheet(result, "old", RowClass.LEFT), text_columns=TEXT_COLUMNS),
        SheetSpec("Berubah", changes_sheet(result), text_columns=TEXT_COLUMNS),
    ]
    if roster:
        sheets.append(SheetSpec("Tindakan", actions_sheet(result), text_columns=TEXT_COLUMNS))
    sheets.append(SheetSpec("Tidak pasti", uncertain_sheet(result), text_columns=TEXT_COLUMNS))
    duplicates = [
        _person_sheet(result, side, RowClass.DUPLICATE).assign(BERKAS=SIDE_LABELS[side]) for side in ("old", "new")
    ]
    sheets.append(SheetSpec("Ganda", pd.concat(duplicates, ignore_index=True), text_columns=TEXT_COLUMNS))
    if len(result.reversed_findings):
        sheets.append(SheetSpec("Temuan urutan", result.reversed_findings, text_columns=["value"]))
    return sheets
