"""The tables a TPS plan report is made of: the workbook's sheets, the JSON document and the terminal's table.

Pure data: ``report.py`` writes it, ``cli.py`` renders it. Workbook headers are Indonesian, as the KPU officer who
checks the plan reads them; every number keeps the plan's ``basis`` next to it (the basis texts are the planner's,
in English). JSON keeps the planner's stable English column names.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from dpt_rutan import regions
from dpt_rutan.commands.plan.ballots import NO, UNKNOWN, YES
from dpt_rutan.commands.plan.contract import PlanInputs
from dpt_rutan.commands.plan.run import TpsPlan, plan_tables
from dpt_rutan.commands.reconcile.columns import MODEL_A_COLUMNS
from dpt_rutan.report import BarChartSpec, SheetSpec, subject_notes

ENTITLEMENT_WORDS = {YES: "YA", NO: "TIDAK", UNKNOWN: "BELUM PASTI"}
TEXT_COLUMNS = ["NKK", "NIK", "NO. REGISTRASI", "RT", "RW"]
BALLOTS_SHEET = "Surat suara"
BALLOT_TOTAL = "JUMLAH"

SUMMARY_HEADERS = {"item": "URAIAN / ITEM", "value": "NILAI / VALUE", "basis": "DASAR / BASIS"}
BALLOT_HEADERS = {
    "tps": "TPS",
    "ballot": "JENIS",
    "listed_min": "PEMILIH TERDAFTAR (MIN)",
    "listed_max": "PEMILIH TERDAFTAR (MAKS)",
    "inflow_min": "PINDAHAN (MIN)",
    "inflow_max": "PINDAHAN (MAKS)",
    "needed_min": "KEBUTUHAN (MIN)",
    "needed_max": "KEBUTUHAN (MAKS)",
    "reserve": "CADANGAN",
    "planned": "DIRENCANAKAN",
    "basis": "DASAR",
}
SHORTFALL_HEADERS = {
    "ballot": "JENIS",
    "list_only": "HANYA DARI DAFTAR",
    "needed_at_high": "KEBUTUHAN PADA ARUS MASUK TINGGI",
    "planned": "DIRENCANAKAN",
    "list_only_short": "KURANG JIKA HANYA DARI DAFTAR",
    "plan_short": "KURANG PADA RENCANA INI",
    "basis": "DASAR",
}
STAFF_HEADERS = {
    "role": "PETUGAS",
    "per_tps": "PER TPS",
    "tps_count": "JUMLAH TPS",
    "total": "JUMLAH",
    "basis": "DASAR",
}
WITNESS_HEADERS = {
    "participant": "PESERTA",
    "label": "KETERANGAN",
    "participants": "JUMLAH PESERTA",
    "per_participant_per_tps": "SAKSI PER PESERTA PER TPS",
    "per_tps": "SAKSI PER TPS",
    "tps_count": "JUMLAH TPS",
    "total": "JUMLAH SAKSI",
    "basis": "DASAR",
}
FLAG_HEADERS = {
    "code": "KODE",
    "severity": "TINGKAT",
    "message_id": "PESAN",
    "message_en": "MESSAGE",
    "detail": "RINCIAN",
}
EXCLUDED_HEADERS = {
    "source_row": "BARIS",
    "reg_no": "NO. REGISTRASI",
    "name": "NAMA",
    "nik": "NIK",
    "reason": "ALASAN",
    "reason_label": "KETERANGAN",
}


def plan_sheets(plan: TpsPlan, inputs: PlanInputs) -> list[SheetSpec]:
    """The workbook: summary, one voter list per TPS, ballots (with a chart), shortfall, staff, witnesses, notes,
    and the rows read that are not voters here, so that every roster row can be found in it."""
    tables = plan_tables(plan)
    sheets = [SheetSpec("Ringkasan", summary_frame(tables["summary"], inputs), notes=plan_title(plan))]
    sheets += tps_sheets(plan, inputs)
    sheets += [
        ballots_sheet(plan),
        SheetSpec(
            "Rincian surat suara",
            tables["ballots"].rename(columns=BALLOT_HEADERS),
            notes=["Surat suara per TPS dan jenis: dasar setiap angka / ballots per TPS and type, with their basis"],
        ),
        SheetSpec(
            "Kekurangan",
            tables["shortfall"].rename(columns=SHORTFALL_HEADERS),
            notes=[
                "Cek kekurangan (kasus Blora): rencana dari daftar saja vs kebutuhan pada arus masuk tinggi",
                "Shortfall check (the Blora case): a plan from the list alone vs the ballots needed at high inflow",
            ],
        ),
        SheetSpec("Petugas", tables["staff"].rename(columns=STAFF_HEADERS)),
        SheetSpec("Saksi", tables["witnesses"].rename(columns=WITNESS_HEADERS)),
        SheetSpec("Catatan", all_flags(plan, inputs).rename(columns=FLAG_HEADERS)),
        SheetSpec(
            "Tidak dihitung",
            inputs.excluded.rename(columns=EXCLUDED_HEADERS),
            notes=[f"Baris {inputs.path.name} yang bukan pemilih / rows of {inputs.path.name} that are not voters"],
            text_columns=TEXT_COLUMNS,
        ),
    ]
    elsewhere = not_here_frame(plan)
    if len(elsewhere):
        sheets.append(SheetSpec("Tidak di TPS ini", elsewhere, text_columns=TEXT_COLUMNS))
    return sheets


def plan_title(plan: TpsPlan) -> list[str]:
    """The title block above the summary sheet: the report, the prison, its TPS, the election and its voting day."""
    return subject_notes("Rencana TPS", plan.site, plan.profile)


def summary_frame(plan_summary: pd.DataFrame, inputs: PlanInputs) -> pd.DataFrame:
    """What was read and counted, then the plan's headline numbers; each row with its basis."""
    read = pd.DataFrame(inputs.summary_rows(), columns=["item", "value", "basis"])
    frame = pd.concat([read, plan_summary], ignore_index=True)
    frame["value"] = frame["value"].astype(object)
    return frame.rename(columns=SUMMARY_HEADERS)


def home_labels(voters: pd.DataFrame) -> pd.Series:
    """ "Kec. Jati, Kab. Blora, Jawa Tengah" from the most precise home code; one lookup per distinct code."""
    code = voters["home_district"].where(voters["home_district"] != "", voters["home_regency"]).fillna("")
    labels = {value: regions.region_label(value) if value else "" for value in code.unique()}
    return code.map(labels)


def voter_list(plan: TpsPlan, inputs: PlanInputs) -> pd.DataFrame:
    """Every voter of the plan in Model A columns, with TPS, home, reconcile status and ballots per type."""
    assigned = plan.assignments
    details = assigned[["source_row"]].join(inputs.voters.set_index("source_row"), on="source_row")
    out = pd.DataFrame({"TPS": assigned["tps"], "BARIS": assigned["source_row"], "NO. REGISTRASI": details["reg_no"]})
    for column, header in MODEL_A_COLUMNS.items():
        out[header] = details[column]
    out["DAERAH ASAL"] = home_labels(assigned)
    if (details["reconcile_status"] != "").any():
        out["STATUS"] = details["reconcile_status"]
    for code in ballot_codes(plan):
        out[code] = assigned[code].map(ENTITLEMENT_WORDS)
    out["SURAT SUARA (MIN)"] = assigned["ballots_min"]
    out["SURAT SUARA (MAKS)"] = assigned["ballots_max"]
    out["CATATAN"] = assigned["note"]
    return out


def ballot_codes(plan: TpsPlan) -> list[str]:
    """The ballot codes of the plan, in its order; the ballots held at the site when the plan has none."""
    return list(dict.fromkeys(row.ballot for row in plan.ballots)) or [
        ballot.code for ballot in plan.profile.ballots_held_in(plan.site.district_code)
    ]


def tps_sheets(plan: TpsPlan, inputs: PlanInputs) -> list[SheetSpec]:
    """One sheet per TPS: its voters, numbered, under its counts and their basis."""
    voters = voter_list(plan, inputs)
    sheets = []
    for row in plan.tps:
        listed = voters[voters["TPS"] == row.tps].drop(columns=["TPS", "CATATAN"]).reset_index(drop=True)
        listed.insert(0, "NO", range(1, len(listed) + 1))
        notes = [
            f"TPS {row.tps} — {plan.site.name}",
            f"{row.voters_listed} pemilih terdaftar + {row.inflow_share} perkiraan pindahan = {row.voters_total} "
            f"/ {row.voters_listed} listed voters + {row.inflow_share} forecast arrivals",
            f"Dasar / basis: {row.basis}",
        ]
        sheets.append(SheetSpec(f"TPS {row.tps}", listed, notes=notes, text_columns=TEXT_COLUMNS))
    return sheets


def not_here_frame(plan: TpsPlan) -> pd.DataFrame:
    """Voters who do not vote at the prison's TPS (no ballot here, DPK), with why."""
    assigned = plan.assignments[plan.assignments["tps"].isna()]
    return pd.DataFrame(
        {
            "BARIS": assigned["source_row"],
            "NAMA": assigned["name"],
            "NIK": assigned["nik"],
            "DAERAH ASAL": home_labels(assigned),
            "CATATAN": assigned["note"],
        }
    ).reset_index(drop=True)


def ballot_matrix(plan: TpsPlan) -> pd.DataFrame:
    """Ballots planned per TPS (rows) and type (columns), with a row total: the chart's table."""
    codes = ballot_codes(plan)
    planned = {(row.tps, row.ballot): row.planned for row in plan.ballots}
    frame = pd.DataFrame({"TPS": [f"TPS {row.tps}" for row in plan.tps]})
    for code in codes:
        frame[code] = pd.Series([planned[(row.tps, code)] for row in plan.tps], dtype="int64")
    frame[BALLOT_TOTAL] = frame[codes].sum(axis=1).astype("int64")
    return frame


def ballots_sheet(plan: TpsPlan) -> SheetSpec:
    """Sheet "Surat suara": ballots per type per TPS, with a bar chart when there is a TPS."""
    frame = ballot_matrix(plan)
    codes = ballot_codes(plan)
    chart = (
        BarChartSpec(
            title="Surat suara per jenis per TPS / ballots by type per TPS",
            categories="TPS",
            series=codes,
            x_axis_title="TPS",
            y_axis_title="Lembar / sheets",
        )
        if len(frame)
        else None
    )
    notes = [
        "Surat suara yang direncanakan = kebutuhan maksimum (pemilih terdaftar + perkiraan pindahan) + cadangan",
        "Ballots planned = needed at most (listed voters + forecast arrivals) + reserve; the basis of every number "
        "is in 'Rincian surat suara'",
    ]
    return SheetSpec(BALLOTS_SHEET, frame, notes=notes, chart=chart)


def all_flags(plan: TpsPlan, inputs: PlanInputs) -> pd.DataFrame:
    """The input's notes, then the plan's."""
    flags = [*inputs.flags, *plan.flags]
    return pd.DataFrame([flag.model_dump() for flag in flags], columns=list(FLAG_HEADERS))


def plan_json(plan: TpsPlan, inputs: PlanInputs) -> dict[str, object]:
    """The plan for machines (``--format json``): the planner's tables, English names, plus how the input was read."""
    tables = plan_tables(plan)
    tables["flags"] = all_flags(plan, inputs)
    return {
        "site": plan.site,
        "profile": plan.profile.name,
        "dapil_source": plan.dapil_source,
        "input": {
            "kind": inputs.kind,
            "file": inputs.path.name,
            "sheet": inputs.sheet,
            "rows_read": inputs.rows_read,
            "voters": len(inputs.voters),
            "left_out": inputs.excluded_counts(),
            "rows_not_data": inputs.rows_not_data,
            "included": inputs.included,
            "history_source": inputs.history_source,
            "history_file": inputs.history_path.name if inputs.history_path else None,
        },
        "forecast": plan.forecast,
        **tables,
        "left_out": inputs.excluded,
    }


@dataclass
class PlanView:
    """What the terminal shows: one row per TPS and a totals row with the same keys, plus lines to print under."""

    title: str
    per_tps: pd.DataFrame
    totals: dict[str, object]
    notes: list[str]


def plan_terminal_rows(plan: TpsPlan, inputs: PlanInputs) -> PlanView:
    """Per TPS: voters (listed, arrivals, total), ballots planned per type, staff per role; then the totals."""
    frame = ballot_matrix(plan).drop(columns=BALLOT_TOTAL)
    frame["TPS"] = [row.tps for row in plan.tps]
    frame.insert(1, "listed", pd.Series([row.voters_listed for row in plan.tps], dtype="int64"))
    frame.insert(2, "arrivals", pd.Series([row.inflow_share for row in plan.tps], dtype="int64"))
    frame.insert(3, "voters", pd.Series([row.voters_total for row in plan.tps], dtype="int64"))
    for staff in plan.staff:
        frame[staff.role] = staff.per_tps
    totals: dict[str, object] = {column: int(frame[column].sum()) for column in frame.columns if column != "TPS"}
    totals["TPS"] = f"{plan.tps_count} TPS"
    return PlanView(
        title=f"{plan.site.name} — {plan.profile.label}",
        per_tps=frame,
        totals={column: totals[column] for column in frame.columns},
        notes=terminal_notes(plan, inputs),
    )


def terminal_notes(plan: TpsPlan, inputs: PlanInputs) -> list[str]:
    """What was read, the forecast and the shortfall check in a line each, then every warning."""
    forecast = plan.forecast
    left_out = ", ".join(f"{count} {reason}" for reason, count in inputs.excluded_counts().items())
    notes = [
        f"{inputs.path.name}: {inputs.rows_read} rows read, {len(inputs.voters)} voters"
        + (f", left out: {left_out}" if left_out else ""),
        f"Inflow forecast ({forecast.method}): expected {forecast.expected:.1f}, high {forecast.high:.1f}; "
        f"planned for the {forecast.size_for} value: {forecast.sized} voters",
    ]
    if plan.shortfall:
        total = plan.shortfall[-1]
        notes.append(
            f"Ballots from the list alone: {total.list_only}, {total.list_only_short} short at high inflow; "
            f"this plan: {total.planned}, {total.plan_short} short"
        )
    notes += [f"{flag.code}: {flag.detail}" for flag in [*inputs.flags, *plan.flags] if flag.severity != "info"]
    return notes
