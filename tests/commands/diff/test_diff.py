"""`dpt-rutan diff` on the two example snapshots (against the generator's truth) and on small files per change kind."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dpt_rutan import report
from dpt_rutan.commands.diff import report as diff_report
from dpt_rutan.commands.diff.result import Action, FileKind, RowClass
from dpt_rutan.commands.diff.run import diff_files
from dpt_rutan.election import load_profile
from dpt_rutan.errors import ConfigError, DptRutanError, UnusableInputError
from dpt_rutan.read import reader
from dpt_rutan.site import load_site

ROOT = Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
DECEMBER = EXAMPLES / "roster_rutan_blora_2023-12-15.xlsx"
JANUARY = EXAMPLES / "roster_rutan_blora.xlsx"
KPU = EXAMPLES / "dpt_kpu_blora.csv"
SITE = load_site(EXAMPLES / "site_rutan_blora.toml")
PEMILU = load_profile("pemilu2024")
TRUTH_FIELDS = {
    "nik_filled": {"nik"},
    "name_corrected": {"name"},
    "address_changed": {"address", "rt"},
    "release_date_changed": {"release_date"},
    "release_date_changed_across_voting_day": {"release_date"},
}


def run(old: Path, new: Path, **options):
    return diff_files(old, new, site=SITE, profile=PEMILU, **options)


@pytest.fixture(scope="module")
def examples():
    return run(DECEMBER, JANUARY, kpu_path=KPU)


@pytest.fixture(scope="module")
def truth() -> pd.DataFrame:
    frame = pd.read_csv(ROOT / "tests" / "data" / "examples_truth.csv", dtype=str, keep_default_na=False)
    return frame.assign(source_row=frame["source_row"].astype(int))


def classes(rows: pd.DataFrame) -> dict[int, str]:
    return dict(zip(rows["source_row"], rows["row_class"], strict=True))


def actions_of(result) -> set[tuple[str, int, str]]:
    return set(zip(result.actions["side"], result.actions["source_row"], result.actions["action"], strict=True))


# --- the example snapshots ----------------------------------------------------------------------------------------


def test_every_january_row_gets_its_true_change(examples, truth):
    expected = truth["change_since_2023_12_15"].map(lambda change: {"": "unchanged", "arrived": "arrived"}.get(change))
    expected = expected.fillna(RowClass.CHANGED.value).where(truth["status"] != "DUPLICATE", RowClass.DUPLICATE.value)
    assert classes(examples.new_rows) == dict(zip(truth["source_row"], expected, strict=True))


def test_those_who_left_are_the_december_registration_numbers_missing_in_january(examples, truth):
    december = reader.read_table(DECEMBER).data
    gone = december.loc[~december["reg_no"].isin(truth["reg_no"]), "source_row"]
    left = examples.old_rows.loc[examples.old_rows["row_class"] == RowClass.LEFT, "source_row"]
    assert sorted(left) == sorted(gone) and len(gone) == 8


def test_each_injected_change_is_reported_field_by_field(examples, truth):
    changed = truth[~truth["change_since_2023_12_15"].isin(["", "arrived"])]
    expected = {
        (row.source_row, field) for row in changed.itertuples() for field in TRUTH_FIELDS[row.change_since_2023_12_15]
    }
    assert set(zip(examples.changes["new_row"], examples.changes["field"], strict=True)) == expected


def test_a_nik_only_in_the_new_file_is_paired_by_registration_number_and_filled_in(examples, truth):
    filled = truth[truth["change_since_2023_12_15"] == "nik_filled"].iloc[0]
    pair = examples.pairs.set_index("new_row").loc[filled["source_row"]]
    change = examples.changes[examples.changes["new_row"] == filled["source_row"]].iloc[0]
    assert pair["method"] == "reg_no"
    assert (change["field"], change["change"], change["old_value"], change["new_value"]) == (
        "nik",
        "filled_in",
        "-",
        filled["nik_true"],
    )
    assert ("new", filled["source_row"], Action.CAN_NOW_BE_MATCHED) in actions_of(examples)


def test_the_two_header_layouts_are_read_the_same(examples):
    assert "ttl" in examples.old.table.columns and "birth_date" not in examples.old.table.columns
    assert {"birth_date", "birth_place"} <= examples.new.table.columns.keys()
    compared = {"birth_date", "birth_place", "sex"}
    assert not compared & set(examples.changes["field"])
    assert len(examples.pairs) == 134 and examples.old.table.columns["name"] != examples.new.table.columns["name"]


def test_actions_and_their_check_against_the_current_extract(examples, truth):
    arrivals = examples.new_rows.loc[examples.new_rows["row_class"] == RowClass.ARRIVED, "source_row"]
    left = examples.old_rows.loc[examples.old_rows["row_class"] == RowClass.LEFT, "source_row"]
    remission = truth.loc[truth["change_since_2023_12_15"] == "release_date_changed_across_voting_day", "source_row"]
    filled = truth.loc[truth["change_since_2023_12_15"] == "nik_filled", "source_row"]
    assert actions_of(examples) == {
        *(("new", row, Action.MOVE_IN) for row in arrivals),
        *(("old", row, Action.RETURN_TO_HOME_TPS) for row in left),
        ("new", remission.iloc[0], Action.NOW_RELEASED_BEFORE_VOTING),
        ("new", filled.iloc[0], Action.CAN_NOW_BE_MATCHED),
    }
    kpu_truth = pd.read_csv(ROOT / "tests" / "data" / "examples_truth_kpu.csv", dtype=str)
    not_in_custody = set(kpu_truth.loc[kpu_truth["status"] == "NOT_IN_CUSTODY", "kpu_source_row"].astype(int))
    departures = examples.actions[examples.actions["action"] == Action.RETURN_TO_HOME_TPS]
    assert set(departures.loc[departures["still_needed"].astype(bool), "kpu_row"]) == not_in_custody
    moving_in = examples.actions[examples.actions["action"] == Action.MOVE_IN].set_index("source_row")["kpu_row"]
    listed = truth[truth["source_row"].isin(arrivals) & (truth["kpu_source_row"] != "")]
    assert {row: int(moving_in[row]) for row in listed["source_row"]} == dict(
        zip(listed["source_row"], listed["kpu_source_row"].astype(int), strict=True)
    )


def test_every_row_of_both_files_is_accounted_for(examples):
    counts = diff_report.summary_counts(examples).set_index("code")["count"]
    assert (
        counts["accounting_old"]
        == 143
        == counts[["left", "unchanged", "changed", "uncertain_old", "duplicate_old"]].sum()
    )
    assert (
        counts["accounting_new"]
        == 150
        == counts[["arrived", "unchanged", "changed", "uncertain_new", "duplicate_new"]].sum()
    )


def test_a_lost_row_fails_the_accounting_with_exit_code_3(examples):
    broken = replace(examples, old_rows=examples.old_rows.iloc[1:])
    with pytest.raises(DptRutanError, match="rows read") as error:
        broken.check_accounting()
    assert error.value.exit_code == 3
    unpaired = replace(examples, pairs=examples.pairs.iloc[1:])
    with pytest.raises(DptRutanError, match="pairs"):
        unpaired.check_accounting()


def test_workbook_json_and_terminal_summary(examples, tmp_path):
    sheets = diff_report.diff_sheets(examples)
    assert [sheet.title for sheet in sheets] == [
        "Ringkasan",
        "Masuk",
        "Keluar",
        "Berubah",
        "Tindakan",
        "Tidak pasti",
        "Ganda",
    ]
    report.write_workbook(tmp_path / "diff.xlsx", sheets, inputs=[DECEMBER, JANUARY], provenance=None)
    workbook = openpyxl.load_workbook(tmp_path / "diff.xlsx", read_only=True)
    changed_rows = list(workbook["Berubah"].iter_rows(min_row=2, values_only=True))
    assert len(changed_rows) == len(examples.changes) == 6
    assert ("NIK", "diisi", "-") in {(row[4], row[5], row[6]) for row in changed_rows}
    assert len(list(workbook["Masuk"].iter_rows(min_row=2))) == 14
    assert len(list(workbook["Keluar"].iter_rows(min_row=2))) == 8
    report.write_json(tmp_path / "diff.json", diff_report.diff_json(examples), inputs=[DECEMBER, JANUARY])
    payload = json.loads((tmp_path / "diff.json").read_text(encoding="utf-8"))
    assert payload["kind"] == "roster" and payload["counts"]["arrived"] == 14 and len(payload["left"]) == 8
    assert {action["action"] for action in payload["actions"]} == {action.value for action in Action} - {
        Action.TOO_LATE_TO_MOVE_IN,
        Action.NOW_IN_CUSTODY_ON_VOTING_DAY,
    }
    lines = diff_report.machine_rows(examples)
    assert len(lines) == 143 + 150 and lines["row_class"].value_counts()["changed"] == 2 * 5
    text = diff_report.terminal_summary(examples)
    assert "daftar WBP" in text and "= keluar 8 + tetap 129 + berubah 5 + tidak pasti 0 + ganda 1" in text


# --- small files, one change kind at a time ----------------------------------------------------------------------

ROSTER_HEADERS = ["NO. REGISTRASI", "NAMA", "NIK", "TGL LAHIR", "JK", "ALAMAT", "TGL MASUK", "TGL EKSPIRASI"]
BUDI = [
    "BI.0001/2023",
    "BUDI SANTOSO",
    "3316091203900001",
    "12-03-1990",
    "L",
    "JL. PEMUDA 1",
    "01-06-2023",
    "01-06-2025",
]
SITI = [
    "BI.0002/2023",
    "SITI RAHAYU",
    "3316095505850002",
    "15-05-1985",
    "P",
    "JL. MELATI 2",
    "02-06-2023",
    "01-07-2025",
]
AGUS = [
    "BI.0003/2023",
    "AGUS SALIM",
    "3316090107800003",
    "01-07-1980",
    "L",
    "JL. KAMBOJA 3",
    "03-06-2023",
    "01-08-2025",
]
EKO = [
    "BI.0004/2023",
    "EKO PRASETYO",
    "3316092008950004",
    "20-08-1995",
    "L",
    "JL. SUMATRA 4",
    "04-06-2023",
    "10-02-2024",
]
DWI = ["BI.0005/2023", "DWI LESTARI", "-", "21-09-1992", "P", "DK. KRAJAN", "05-06-2023", "01-09-2025"]
JOKO = ["BI.0006/2023", "JOKO SUSILO", "3316090511880007", "05-11-1988", "L", "DK. NGASEM", "06-06-2023", "01-10-2025"]
RINA = ["AI.0007/2024", "RINA WATI", "3316094104000008", "01-04-2000", "P", "DK. BALONG", "20-01-2024", "01-05-2024"]
ANDI = ["AI.0008/2024", "ANDI WIJAYA", "3316091010020009", "10-10-2002", "L", "DK. WATES", "10-02-2024", "01-06-2024"]
BOCAH = ["AI.0009/2024", "BAYU ANAK", "3316091506100010", "15-06-2010", "L", "DK. SUMBER", "25-01-2024", "01-06-2024"]


def write_csv(path: Path, headers: list[str], rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def edited(row: list[str], **cells: str) -> list[str]:
    positions = {"nik": 2, "name": 1, "birth_date": 3, "sex": 4, "address": 5, "release": 7}
    out = list(row)
    for key, value in cells.items():
        out[positions[key]] = value
    return out


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    folder = tmp_path_factory.mktemp("small")
    old = write_csv(folder / "old.csv", ROSTER_HEADERS, [BUDI, SITI, AGUS, EKO, DWI, JOKO])
    new_rows = [
        BUDI,
        edited(SITI, address="JL. MAWAR 9", release="05-02-2024"),  # moved house; now released before voting
        edited(EKO, release="20-03-2024"),  # now in custody on voting day
        edited(DWI, nik="3316096109920005"),  # NIK filled in
        edited(JOKO, name="DJOKO SOESILO"),  # old spelling
        RINA,  # arrived before H-7
        ANDI,  # arrived after H-7
        BOCAH,  # arrived, 13 on voting day: no action
    ]
    new = write_csv(folder / "new.csv", ROSTER_HEADERS, new_rows)
    return run(old, new)


def test_small_rosters_every_row_class(small):
    assert classes(small.old_rows) == {
        2: "unchanged",
        3: "changed",
        4: "left",
        5: "changed",
        6: "changed",
        7: "changed",
    }
    assert classes(small.new_rows) == {
        2: "unchanged",
        3: "changed",
        4: "changed",
        5: "changed",
        6: "changed",
        7: "arrived",
        8: "arrived",
        9: "arrived",
    }


def test_small_rosters_field_changes(small):
    got = set(
        small.changes[["new_row", "field", "change", "old_value", "new_value"]].itertuples(index=False, name=None)
    )
    assert got == {
        (3, "address", "changed", "JL. MELATI 2", "JL. MAWAR 9"),
        (3, "release_date", "changed", "2025-07-01", "2024-02-05"),
        (4, "release_date", "changed", "2024-02-10", "2024-03-20"),
        (5, "nik", "filled_in", "-", "3316096109920005"),
        (6, "name", "changed", "JOKO SUSILO", "DJOKO SOESILO"),
    }


def test_small_rosters_actions(small):
    assert actions_of(small) == {
        ("new", 3, Action.NOW_RELEASED_BEFORE_VOTING),
        ("new", 4, Action.NOW_IN_CUSTODY_ON_VOTING_DAY),
        ("new", 5, Action.CAN_NOW_BE_MATCHED),
        ("new", 7, Action.MOVE_IN),
        ("new", 8, Action.TOO_LATE_TO_MOVE_IN),
        ("old", 4, Action.RETURN_TO_HOME_TPS),
    }
    assert small.actions["still_needed"].isna().all()
    ineligible = small.new_rows.set_index("source_row")["ineligible"]
    assert ineligible[9] == "INELIGIBLE_AGE" and ineligible[7] == ""


def test_nik_corrected_and_birth_date_and_sex_changes(tmp_path):
    wrong_nik = edited(BUDI, nik="3316091203900009", birth_date="21-03-1990", sex="P")
    old = write_csv(tmp_path / "old.csv", ROSTER_HEADERS, [wrong_nik, SITI])
    new = write_csv(tmp_path / "new.csv", ROSTER_HEADERS, [BUDI, SITI])
    result = run(old, new)
    assert set(result.changes[["field", "change"]].itertuples(index=False, name=None)) == {
        ("nik", "corrected"),
        ("birth_date", "changed"),
        ("sex", "changed"),
    }
    assert result.pairs.set_index("new_row").loc[2, "method"] == "reg_no"
    assert ("new", 2, Action.CAN_NOW_BE_MATCHED) in actions_of(result)


def test_nik_filled_in_is_found_by_name_and_birth_date_without_registration_numbers(tmp_path):
    headers = [h for h in ROSTER_HEADERS if h != "NO. REGISTRASI"]
    old = write_csv(tmp_path / "old.csv", headers, [AGUS[1:], edited(DWI, nik="")[1:]])
    new = write_csv(tmp_path / "new.csv", headers, [AGUS[1:], [*DWI[1:2], "3316096109920005", *DWI[3:]]])
    result = run(old, new)
    pair = result.pairs.set_index("new_row").loc[3]
    assert (pair["method"], pair["old_row"]) == ("name_birth_date", 3)
    assert list(result.changes[["field", "change"]].itertuples(index=False, name=None)) == [("nik", "filled_in")]


def test_a_review_grade_pair_is_uncertain_never_taken(tmp_path):
    old_row = ["BI.0100/2023", "BAMBANG WIBOWO", "", "05-06-1980", "L", "DK. KRAJAN", "01-06-2023", "01-06-2025"]
    new_row = ["BI.0200/2024", "BAMBANG WIBOWO", "", "06-05-1980", "L", "DK. KRAJAN", "02-01-2024", "01-06-2025"]
    result = run(
        write_csv(tmp_path / "old.csv", ROSTER_HEADERS, [old_row]),
        write_csv(tmp_path / "new.csv", ROSTER_HEADERS, [new_row]),
    )
    assert classes(result.old_rows) == {2: "uncertain"} and classes(result.new_rows) == {2: "uncertain"}
    assert result.pairs.empty and result.actions.empty
    assert result.uncertain[["old_row", "new_row"]].values.tolist() == [[2, 2]]
    assert "Tidak pasti" in [sheet.title for sheet in diff_report.diff_sheets(result)]


def test_a_shared_nik_with_another_name_and_birth_date_is_not_taken(tmp_path):
    someone_else = [
        "BI.0300/2024",
        "MARYAM",
        "3316091203900001",
        "09-09-1970",
        "P",
        "DK. WATES",
        "02-01-2024",
        "01-06-2025",
    ]
    result = run(
        write_csv(tmp_path / "old.csv", ROSTER_HEADERS, [BUDI]),
        write_csv(tmp_path / "new.csv", ROSTER_HEADERS, [someone_else]),
    )
    assert result.pairs.empty
    assert result.uncertain.iloc[0][["method", "disagreed"]].tolist() == ["nik_exact", "name:different, dob:different"]


def test_duplicates_are_counted_apart(tmp_path):
    result = run(
        write_csv(tmp_path / "old.csv", ROSTER_HEADERS, [BUDI, SITI, edited(BUDI, name="BUDI SANTOSA")]),
        write_csv(tmp_path / "new.csv", ROSTER_HEADERS, [BUDI, SITI]),
    )
    assert classes(result.old_rows) == {2: "unchanged", 3: "unchanged", 4: "duplicate"}
    assert result.old_rows.set_index("source_row").loc[4, "other_row"] == 2


# --- KPU extracts -------------------------------------------------------------------------------------------------

KPU_HEADERS = ["NIK", "NAMA", "TANGGAL LAHIR", "JENIS KELAMIN", "KELURAHAN", "TPS"]


def voter(person: list[str], village: str, tps: str) -> list[str]:
    return [person[2], person[1], person[3], person[4], village, tps]


def test_two_kpu_extracts_added_removed_and_moved_tps(tmp_path):
    old = write_csv(
        tmp_path / "old.csv",
        KPU_HEADERS,
        [voter(BUDI, "KAUMAN", "001"), voter(SITI, "KAUMAN", "002"), voter(AGUS, "BERAN", "003")],
        delimiter=";",
    )
    new = write_csv(
        tmp_path / "new.csv",
        KPU_HEADERS,
        [voter(BUDI, "KAUMAN", "001"), voter(SITI, "KAUMAN", "901"), voter(JOKO, "JETIS", "004")],
        delimiter=";",
    )
    result = run(old, new)
    assert result.kind is FileKind.KPU and result.actions.empty
    assert classes(result.old_rows) == {2: "unchanged", 3: "changed", 4: "left"}
    assert classes(result.new_rows) == {2: "unchanged", 3: "changed", 4: "arrived"}
    assert result.pairs.set_index("new_row")["moved_tps"].to_dict() == {2: False, 3: True}
    assert list(result.changes[["field", "old_value", "new_value"]].itertuples(index=False, name=None)) == [
        ("tps", "002", "901")
    ]
    titles = [sheet.title for sheet in diff_report.diff_sheets(result)]
    assert (
        "Tindakan" not in titles and diff_report.summary_counts(result).set_index("code").loc["moved_tps", "count"] == 1
    )
    assert "ekstrak DPT KPU" in diff_report.terminal_summary(result)


def test_a_roster_and_a_kpu_extract_cannot_be_compared(tmp_path):
    roster = write_csv(tmp_path / "roster.csv", ROSTER_HEADERS, [BUDI])
    extract = write_csv(tmp_path / "dpt.csv", KPU_HEADERS, [voter(BUDI, "KAUMAN", "001")])
    with pytest.raises(UnusableInputError, match=r"is a KPU extract but roster\.csv is a roster") as error:
        run(roster, extract)
    assert error.value.exit_code == 2


def test_a_file_of_neither_kind_says_how_to_name_a_column(tmp_path):
    bare = write_csv(tmp_path / "bare.csv", ["NAMA", "NIK"], [[BUDI[1], BUDI[2]]])
    with pytest.raises(UnusableInputError, match="--map"):
        run(bare, bare)


def test_kpu_check_is_refused_for_two_extracts(tmp_path):
    extract = write_csv(tmp_path / "dpt.csv", KPU_HEADERS, [voter(BUDI, "KAUMAN", "001")])
    with pytest.raises(ConfigError, match="--kpu"):
        run(extract, extract, kpu_path=extract)


# --- property: whatever the two snapshots, every person lands where they belong -----------------------------------

POOL = [BUDI, SITI, AGUS, EKO, JOKO, RINA]


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    old_people=st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=6, unique=True),
    new_people=st.lists(st.sampled_from(range(len(POOL))), min_size=1, max_size=6, unique=True),
    moved=st.sets(st.sampled_from(range(len(POOL)))),
)
def test_any_two_snapshots_pair_the_same_people(tmp_path, old_people, new_people, moved):
    new_rows = [edited(POOL[i], address="JL. BARU 1") if i in moved else POOL[i] for i in new_people]
    old = write_csv(tmp_path / "old.csv", ROSTER_HEADERS, [POOL[i] for i in old_people])
    new = write_csv(tmp_path / "new.csv", ROSTER_HEADERS, new_rows)
    result = run(old, new)
    old_of = {row: i for row, i in enumerate(old_people, start=2)}
    new_of = {row: i for row, i in enumerate(new_people, start=2)}
    assert {old_of[o]: new_of[n] for o, n in zip(result.pairs["old_row"], result.pairs["new_row"], strict=True)} == {
        i: i for i in set(old_people) & set(new_people)
    }
    assert {new_of[row] for row, kind in classes(result.new_rows).items() if kind == "arrived"} == set(
        new_people
    ) - set(old_people)
    changed = {new_of[row] for row, kind in classes(result.new_rows).items() if kind == "changed"}
    assert changed == moved & set(old_people) & set(new_people)
