"""`apply-nik`: the workbook `missing-nik` wrote, filled in by a Dukcapil officer with openpyxl, put back into the
roster. Only good NIKs go in; every other line is rejected or left with its reason."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpt_rutan import nik
from dpt_rutan.commands.missing_nik.apply import apply_returned_niks, write_updated_roster
from dpt_rutan.commands.missing_nik.columns import FILL_NIK, FILL_NKK, KEY_REG_NO, KEY_ROW
from dpt_rutan.commands.missing_nik.judge import ApplyOutcome
from dpt_rutan.commands.missing_nik.reasons import Outcome
from dpt_rutan.commands.missing_nik.report import write_missing_nik_workbook
from dpt_rutan.errors import UnusableInputError
from tests.commands.missing_nik.test_missing_nik import (
    AGUS_NIK,
    EXAMPLES,
    PEOPLE,
    PROFILE,
    ROSTER_HEADERS,
    ROW,
    ROW_AGUS,
    TRUTH,
    run,
    write_dukcapil,
    write_roster,
)

VOTING_DAY = PROFILE.voting_day
AGUS_NKK = "3316092505100001"
WRONG_BIRTH_DATE = "3316095808920012"  # DEWI LESTARI's NIK with the 18th of August, she was born on the 17th
MALFORMED = "33160961047"
HENDRA_NIK = "3316091109930008"  # on the roster already, for HENDRA, born the same day as YOGA


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("apply_nik")


@pytest.fixture(scope="module")
def roster(files: Path) -> Path:
    return write_roster(files / "roster.xlsx")


@pytest.fixture(scope="module")
def perekaman(files: Path, roster: Path) -> Path:
    path = files / "perekaman.xlsx"
    write_missing_nik_workbook(run(roster, dukcapil_path=write_dukcapil(files / "dukcapil.csv")), path)
    return path


def fill_in(workbook_path: Path, output: Path, answers: dict[int, dict[str, object]]) -> Path:
    """What the officer does: type into the empty columns of the rows with these BARIS WBP keys, then save."""
    workbook = openpyxl.load_workbook(workbook_path)
    for sheet in workbook.worksheets:
        rows = list(sheet.iter_rows())
        header = next((row for row in rows[:30] if row[0].value == KEY_ROW), None)
        if header is None:
            continue
        column = {cell.value: cell.column for cell in header}
        for row in rows[header[0].row :]:
            for title, value in answers.get(row[0].value, {}).items():
                sheet.cell(row[0].row, column[title]).value = value
    workbook.save(output)
    return output


def outcomes(result) -> dict[int, tuple[str, str]]:
    """Outcome and reason code by roster row, for the lines that found their row."""
    found = result.log.dropna(subset=["source_row"])
    return {int(row.source_row): (row.outcome, row.reason_code) for row in found.itertuples(index=False)}


@pytest.fixture(scope="module")
def round_trip(files: Path, roster: Path, perekaman: Path):
    answers = {
        ROW_AGUS: {FILL_NIK: AGUS_NIK, FILL_NKK: AGUS_NKK, "TANGGAL": "20-01-2024", "PETUGAS": "SUPRIYADI"},
        ROW["DEWI LESTARI"]: {FILL_NIK: WRONG_BIRTH_DATE},
        ROW["KARTINI"]: {FILL_NIK: MALFORMED, FILL_NKK: "3316092104700099"},
    }
    returned = fill_in(perekaman, files / "kembali.xlsx", answers)
    return apply_returned_niks(roster, returned, reference_date=VOTING_DAY)


def test_only_the_good_nik_is_applied(round_trip):
    found = outcomes(round_trip)
    assert found[ROW_AGUS] == (ApplyOutcome.APPLIED, "")
    assert found[ROW["DEWI LESTARI"]] == (ApplyOutcome.REJECTED, "DOB_MISMATCH")
    assert found[ROW["KARTINI"]] == (ApplyOutcome.REJECTED, "BAD_LENGTH")
    others = {
        row: outcome for row, outcome in found.items() if row not in (ROW_AGUS, ROW["DEWI LESTARI"], ROW["KARTINI"])
    }
    assert set(others.values()) == {(ApplyOutcome.UNCHANGED, "")}
    assert round_trip.counts() == {"APPLIED": 1, "REJECTED": 2, "UNCHANGED": len(others), "ROW_NOT_FOUND": 0}
    assert round_trip.has_problems


def test_rejections_say_why_in_indonesian(round_trip):
    log = round_trip.log.set_index("source_row")
    assert "NIK 18-08-1992 ≠ 17-08-1992" in log.loc[ROW["DEWI LESTARI"], "reason"]
    assert log.loc[ROW["KARTINI"], "reason"].startswith("NIK/NKK harus 16 digit")
    assert log.loc[ROW["KARTINI"], "nkk_outcome"] == "REJECTED: NIK tidak diterapkan"
    assert log.loc[ROW_AGUS, ["old_nik", "new_nik", "new_nkk", "nkk_outcome"]].tolist() == [
        "",
        AGUS_NIK,
        AGUS_NKK,
        ApplyOutcome.APPLIED,
    ]


def test_the_roster_gets_the_good_nik_and_keeps_the_rest(round_trip):
    updated = round_trip.updated.set_index("source_row")
    assert updated.loc[ROW_AGUS, ["nik", "nkk"]].tolist() == [AGUS_NIK, AGUS_NKK]
    assert updated.loc[ROW["DEWI LESTARI"], "nik"] == "-"
    assert updated.loc[ROW["KARTINI"], ["nik", "nkk"]].tolist() == ["0000000000000000", "-"]
    assert len(updated) == len(PEOPLE)


def test_updated_roster_file_keeps_every_column_and_writes_nik_as_text(round_trip, files: Path):
    output = files / "roster-updated.xlsx"
    write_updated_roster(round_trip, output)
    workbook = openpyxl.load_workbook(output)
    assert workbook.sheetnames == ["DATA WBP", "Log NIK", "Provenance"]
    rows = list(workbook["DATA WBP"].iter_rows())
    assert [cell.value for cell in rows[0]] == ROSTER_HEADERS  # "NO" and "KAMAR" are mapped to nothing, still here
    assert len(rows) == 1 + len(PEOPLE)
    agus = next(row for row in rows if row[1].value == "AI.0002/2023")
    nik_cell = agus[ROSTER_HEADERS.index("NIK")]
    assert (nik_cell.value, nik_cell.data_type, nik_cell.number_format) == (AGUS_NIK, "s", "@")
    assert (agus[0].value, agus[ROSTER_HEADERS.index("KAMAR")].value) == (2, "BLOK A-1")
    parjo = next(row for row in rows if row[2].value == "PARJO")  # a number cell in the roster, text now
    assert parjo[ROSTER_HEADERS.index("NIK")].value == "3316091503900010"
    log_rows = list(workbook["Log NIK"].iter_rows(values_only=True))
    assert "NIK BARU" in log_rows[3] and len(log_rows) == 4 + len(round_trip.log)
    # The updated roster read again: Agus needs nothing from Dukcapil any more.
    again = run(output)
    assert again.rows.set_index("source_row").loc[ROW_AGUS - 4, "outcome"] == Outcome.FINE


def test_other_rejections_and_lines_without_a_row(files: Path, roster: Path, perekaman: Path):
    answers = {
        ROW["YOGA"]: {FILL_NIK: HENDRA_NIK},
        ROW["JOKO"]: {FILL_NIK: "3316090501800021"},  # JOKO and SLAMET were born the same day: one NIK for both
        ROW["SLAMET"]: {FILL_NIK: "3316090501800021"},
        ROW["MARNO"]: {FILL_NIK: 9109010304770003},  # typed into a General cell: above 2^53, digits lost
        ROW_AGUS: {FILL_NIK: 3316092505850011},  # a number too, but one a float holds exactly
        ROW["TONI"]: {KEY_ROW: 999, KEY_REG_NO: "AX.9999/2023", FILL_NIK: "3316090101830001"},
    }
    returned = fill_in(perekaman, files / "kembali-2.xlsx", answers)
    found = outcomes(apply_returned_niks(roster, returned, reference_date=VOTING_DAY))
    assert found[ROW["YOGA"]] == (ApplyOutcome.REJECTED, "NIK_USED_BY_OTHER_ROW")
    assert found[ROW["JOKO"]] == found[ROW["SLAMET"]] == (ApplyOutcome.REJECTED, "RETURNED_CONFLICT")
    assert found[ROW["MARNO"]] == (ApplyOutcome.REJECTED, "EXCEL_MANGLED")
    assert found[ROW_AGUS] == (ApplyOutcome.APPLIED, "")
    lost = apply_returned_niks(roster, returned, reference_date=VOTING_DAY).log
    assert lost.loc[lost["outcome"] == ApplyOutcome.ROW_NOT_FOUND, "reg_no"].tolist() == ["AX.9999/2023"]


def test_rows_are_found_by_registration_number_when_the_roster_moved(files: Path, perekaman: Path):
    newcomer = ("AI.0100/2024", "PAIMAN", "3316090202020202", "02-02-1992", "L", "", "", "KAWIN", PEOPLE[0][-1])
    moved = write_roster(files / "roster-moved.xlsx", [newcomer, *PEOPLE])
    returned = fill_in(perekaman, files / "kembali-3.xlsx", {ROW_AGUS: {FILL_NIK: AGUS_NIK}})
    result = apply_returned_niks(moved, returned, reference_date=VOTING_DAY)
    assert outcomes(result)[ROW_AGUS + 1] == (ApplyOutcome.APPLIED, "")
    assert result.updated.set_index("source_row").loc[ROW_AGUS + 1, "nik"] == AGUS_NIK


def test_a_workbook_that_is_not_ours_is_unusable(files: Path, roster: Path):
    stranger = files / "lain.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["NAMA", "NIK"])
    workbook.save(stranger)
    with pytest.raises(UnusableInputError, match="no sheet has the columns BARIS WBP"):
        apply_returned_niks(roster, stranger, reference_date=VOTING_DAY)


def _minimal_return(path: Path, typed: str) -> Path:
    """The least of our format that apply-nik reads: the key columns and the NIK column, one line for Agus."""
    workbook = openpyxl.Workbook()
    workbook.active.append([KEY_ROW, KEY_REG_NO, FILL_NIK])
    workbook.active.append([ROW_AGUS, "AI.0002/2023", typed])
    workbook.save(path)
    return path


def _agus_may_have(text: str) -> bool:
    try:
        info = nik.decode(text, reference_date=VOTING_DAY)
    except nik.NikError:
        return False
    return (info.birth_date, info.sex) == (date(1985, 5, 25), "L")


def _blank(text: str) -> bool:
    try:
        nik.validate(text, reference_date=VOTING_DAY)
    except nik.NikError as error:
        return error.code in ("MISSING", "PLACEHOLDER")
    return False


agus_like = st.builds(
    lambda district, serial, noise: f"3316{district:02d}250585{serial:04d}{noise}",
    st.integers(0, 99),
    st.integers(0, 9999),
    st.sampled_from(["", "0", " ", "-", "x"]),
)
typed_text = st.text(st.characters(codec="ascii", categories=["L", "N", "P", "Zs"]), max_size=20).filter(
    lambda text: not text.startswith("=")  # openpyxl would store it as a formula
)


@settings(max_examples=25, deadline=None)
@given(typed=st.one_of(agus_like, typed_text, st.just(AGUS_NIK)))
def test_whatever_is_typed_only_a_nik_that_fits_the_person_is_applied(roster: Path, files: Path, typed: str):
    returned = _minimal_return(files / "kembali-h.xlsx", typed)
    log = apply_returned_niks(roster, returned, reference_date=VOTING_DAY).log
    expected = (
        ApplyOutcome.UNCHANGED
        if _blank(typed.strip())
        else ApplyOutcome.APPLIED
        if _agus_may_have(typed)
        else ApplyOutcome.REJECTED
    )
    assert log["outcome"].tolist() == [expected]


EXAMPLE_ROSTER, EXAMPLE_DUKCAPIL, EXAMPLE_KPU = EXAMPLES


@pytest.mark.skipif(
    not all(path.exists() for path in [*EXAMPLES, TRUTH]), reason="examples/ not generated (scripts/make_examples.py)"
)
def test_examples_round_trip_puts_the_true_niks_back(files: Path):
    """What the issue asks: the officer confirms each sure candidate, and apply-nik puts those NIKs in the roster."""
    result = run(EXAMPLE_ROSTER, dukcapil_path=EXAMPLE_DUKCAPIL, kpu_path=EXAMPLE_KPU)
    written = files / "perekaman-blora.xlsx"
    write_missing_nik_workbook(result, written)
    sure = result.candidates.merge(result.listed[["source_row", "near_tie"]], on="source_row")
    sure = sure[(sure["rank"] == 1) & ~sure["near_tie"]].set_index("source_row")["nik"]
    returned = fill_in(written, files / "kembali-blora.xlsx", {row: {FILL_NIK: nik} for row, nik in sure.items()})
    applied = apply_returned_niks(EXAMPLE_ROSTER, returned, reference_date=VOTING_DAY)
    with TRUTH.open(encoding="utf-8") as handle:
        truth = {int(row["source_row"]): row["nik_true"] for row in csv.DictReader(handle)}
    log = applied.log.set_index("source_row")
    assert set(log.loc[sure.index, "outcome"]) == {ApplyOutcome.APPLIED}
    updated = applied.updated.set_index("source_row")["nik"]
    assert {row: updated[row] for row in sure.index} == {row: truth[row] for row in sure.index}
    assert not applied.has_problems
