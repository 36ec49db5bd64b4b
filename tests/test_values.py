from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpt_rutan.read.table import SourceTable
from dpt_rutan.values import (
    parse_citizenship,
    parse_dates,
    parse_marital,
    parse_sex,
    parse_yes_no,
    split_ttl,
    type_table,
)

ELECTION_DAY = date(2024, 11, 27)
LATEST = date(2034, 11, 27)


def dates_of(texts, **kwargs):
    dates, bad = parse_dates(pd.Series(texts, dtype=object), reference_date=ELECTION_DAY, **kwargs)
    return [None if pd.isna(day) else day.date() for day in dates], bad.tolist()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1990-03-12", date(1990, 3, 12)),
        ("1990-03-12 00:00:00", date(1990, 3, 12)),
        ("12-03-1990", date(1990, 3, 12)),
        ("12/03/1990", date(1990, 3, 12)),
        ("12.03.1990", date(1990, 3, 12)),
        ("12 - 3 - 1990", date(1990, 3, 12)),
        ("12 Maret 1990", date(1990, 3, 12)),
        ("12 MARET 1990", date(1990, 3, 12)),
        ("12 Mar 1990", date(1990, 3, 12)),
        ("12-Mar-90", date(1990, 3, 12)),
        ("1 Mei 1985", date(1985, 5, 1)),
        ("1 May 1985", date(1985, 5, 1)),
        ("12 Agustus 1990", date(1990, 8, 12)),
        ("12 Agt. 1990", date(1990, 8, 12)),
        ("12 Aug 1990", date(1990, 8, 12)),
        ("5 Pebruari 1970", date(1970, 2, 5)),
        ("5 Nopember 1970", date(1970, 11, 5)),
        ("5 Okt 1970", date(1970, 10, 5)),
        ("5 Des 1970", date(1970, 12, 5)),
        ("12031990", date(1990, 3, 12)),
        ("19900312", date(1990, 3, 12)),
        ("32874", date(1990, 1, 1)),  # Excel serial, 1900 system
        ("32874.75", date(1990, 1, 1)),  # the time of day is dropped
        ("59", date(1900, 2, 28)),
        ("61", date(1900, 3, 1)),  # after Excel's non-existent 1900-02-29
        ("29-02-2000", date(2000, 2, 29)),
    ],
)
def test_date_formats_people_type(text, expected):
    assert dates_of([text]) == ([expected], [False])


@pytest.mark.parametrize(
    "text",
    [
        "31-02-1990",  # no such day
        "29-02-1990",
        "12-13-1990",  # day first always: month 13
        "1899-12-31",  # before 1900: a typo
        "12-03-2035",  # more than ten years after election day
        "60",  # Excel's 1900-02-29
        "0",
        "1990",  # a year alone
        "12 Maretan 1990",
        "Blora, 12-03-1990",  # TTL belongs in split_ttl
        "kemarin",
    ],
)
def test_impossible_or_unreadable_dates_are_bad(text):
    assert dates_of([text]) == ([None], [True])


@pytest.mark.parametrize("text", ["", "   ", "-", "?", "Seumur Hidup", "belum ada"])
def test_no_date_is_empty_not_bad(text):
    assert dates_of([text]) == ([None], [False])


def test_two_digit_years_never_land_after_election_day():
    assert dates_of(["12-03-24", "28-11-24", "12-03-25", "12-03-90"])[0] == [
        date(2024, 3, 12),
        date(1924, 11, 28),
        date(1925, 3, 12),
        date(1990, 3, 12),
    ]


def test_two_digit_release_dates_may_lie_ahead():
    assert dates_of(["12-03-30"], two_digit_until=LATEST)[0] == [date(2030, 3, 12)]


def test_dates_map_back_to_every_row_and_keep_the_index():
    texts = pd.Series(["12-03-1990", "x", "12-03-1990", "", "x"], index=[10, 11, 12, 13, 14])
    dates, bad = parse_dates(texts, reference_date=ELECTION_DAY)
    assert dates.dtype == "datetime64[ns]"
    assert dates.index.tolist() == [10, 11, 12, 13, 14]
    assert dates.isna().tolist() == [False, True, False, True, True]
    assert bad.tolist() == [False, True, False, False, True]


def test_empty_column():
    dates, bad = parse_dates(pd.Series([], dtype=object), reference_date=ELECTION_DAY)
    assert dates.empty and bad.empty


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="0123456789-/. :TMaretJunMeiAgsOktDes", max_size=20) | st.text(max_size=20)))
def test_date_parser_never_raises_nor_returns_a_date_past_the_typo_horizon(texts):
    dates, bad = parse_dates(pd.Series(texts, dtype=object), reference_date=ELECTION_DAY)
    assert len(dates) == len(bad) == len(texts)
    assert not (dates > pd.Timestamp(LATEST)).any()
    assert not (dates < pd.Timestamp(1900, 1, 1)).any()
    assert not (bad & dates.notna()).any()


INDONESIAN_MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(1906, 1, 1), max_value=ELECTION_DAY))
def test_a_date_written_any_usual_way_reads_back_as_itself(day):
    """From 1906 on: serials 1900 to 2034 (dates in 1905) are read as a year typed alone."""
    written = [
        day.strftime("%d-%m-%Y"),
        day.strftime("%d/%m/%Y"),
        day.isoformat(),
        f"{day.day} {INDONESIAN_MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {day.strftime('%b')} {day.year}",
        str((day - date(1899, 12, 30)).days),  # Excel serial
    ]
    assert dates_of(written) == ([day] * len(written), [False] * len(written))


@pytest.mark.parametrize(
    ("ttl", "place", "date_text"),
    [
        ("Blora, 12-03-1990", "Blora", "12-03-1990"),
        ("BLORA 12-03-1990", "BLORA", "12-03-1990"),
        ("Blora / 12 Maret 1990", "Blora", "12 Maret 1990"),
        ("Blora,12-03-1990", "Blora", "12-03-1990"),
        ("Kab. Tulungagung ,  1990-03-12", "Kab. Tulungagung", "1990-03-12"),
        ("Blora", "Blora", ""),
        ("12-03-1990", "", "12-03-1990"),
        ("", "", ""),
    ],
)
def test_split_ttl(ttl, place, date_text):
    places, dates = split_ttl(pd.Series([ttl]))
    assert (places[0], dates[0]) == (place, date_text)


def parsed(parse, texts):
    values, bad = parse(pd.Series(texts, dtype=object))
    return list(zip(values.tolist(), bad.tolist(), strict=True))


def test_parse_sex():
    texts = ["L", "lk", "Laki-laki", "Laki - Laki", "PRIA", "M", "Male", "P", "PR", "Perempuan", "Wanita", "F", ""]
    expected = [("L", False)] * 7 + [("P", False)] * 5 + [("", False)]
    assert parsed(parse_sex, texts) == expected


@pytest.mark.parametrize("text", ["1", "2", "X", "Laki-laki / Perempuan"])
def test_unknown_sex_is_bad(text):
    assert parsed(parse_sex, [text]) == [("", True)]


def test_parse_marital():
    texts = ["B", "Belum Kawin", "S", "Kawin", "Sudah Kawin", "KAWIN TERCATAT", "P", "Cerai Hidup", "Cerai Mati", ""]
    expected = [("B", False)] * 2 + [("S", False)] * 4 + [("P", False)] * 3 + [("", False)]
    assert parsed(parse_marital, texts) == expected
    assert parsed(parse_marital, ["Pacaran"]) == [("", True)]


def test_parse_citizenship_is_conservative():
    texts = ["WNI", "Indonesia", "Warga Negara Indonesia", "WNA", "Asing", "Malaysia", "Nigeria", "WNA (Iran)", ""]
    expected = [("WNI", False)] * 3 + [("WNA", False)] * 5 + [("", False)]
    assert parsed(parse_citizenship, texts) == expected
    assert parsed(parse_citizenship, ["Blora"]) == [("", True)]


def test_parse_yes_no():
    flags, bad = parse_yes_no(pd.Series(["Ya", "Y", "yes", "1", "TRUE", "Dicabut", "Tidak", "T", "No", "0", "", "?x"]))
    assert flags.tolist() == [True] * 6 + [False] * 6
    assert bad.tolist() == [False] * 11 + [True]


def roster(data: dict[str, list[str]], headers: dict[str, str]) -> SourceTable:
    frame = pd.DataFrame(data)
    frame.insert(0, "source_row", range(5, 5 + len(frame)))
    return SourceTable(
        path=Path("roster.xlsx"),
        sheet="WBP",
        header_row=4,
        data=frame,
        columns=headers,
        column_letters={field: chr(ord("B") + i) for i, field in enumerate(headers)},
    )


def test_type_table_types_fields_and_reports_bad_cells_by_source_row():
    table = roster(
        {
            "ttl": ["Blora, 12-03-1990", "Cepu 31-02-1985", "Jepon, 1-1-2030", "Randublatung"],
            "sex": ["L", "Laki-laki", "X", "P"],
            "date_in": ["2024-01-05", "05-01-2025", "kemarin", ""],
            "release_date": ["12-03-2026", "Seumur Hidup", "", "31-04-2026"],
            "citizenship": ["WNI", "Malaysia", "", "Blora"],
            "nik": ["3316011203900001", "3316", "", "0"],
        },
        {
            "ttl": "Tempat, Tgl Lahir",
            "sex": "L/P",
            "date_in": "Tgl Masuk",
            "release_date": "Tgl Bebas",
            "citizenship": "WN",
        },
    )
    typed, findings = type_table(table, reference_date=ELECTION_DAY)

    assert typed["birth_place"].tolist() == ["Blora", "Cepu", "Jepon", "Randublatung"]
    assert typed["birth_date"].tolist()[0] == pd.Timestamp(1990, 3, 12)
    assert typed["birth_date_text"].tolist() == ["12-03-1990", "31-02-1985", "1-1-2030", ""]
    assert typed["sex"].tolist() == ["L", "L", "", "P"]
    assert typed["sex_text"].tolist() == ["L", "Laki-laki", "X", "P"]
    assert typed["citizenship"].tolist() == ["WNI", "WNA", "", ""]
    assert typed["nik"].tolist() == table.data["nik"].tolist()
    assert table.data["sex"].tolist() == ["L", "Laki-laki", "X", "P"], "the source table is not modified"

    reported = list(findings[["source_row", "field", "code", "severity"]].itertuples(index=False, name=None))
    assert reported == [
        (6, "ttl", "BAD_BIRTH_DATE", "error"),
        (6, "date_in", "FUTURE_DATE", "warning"),
        (7, "ttl", "FUTURE_BIRTH_DATE", "error"),
        (7, "date_in", "BAD_DATE", "warning"),
        (7, "sex", "BAD_SEX", "error"),
        (8, "release_date", "BAD_DATE", "warning"),
        (8, "citizenship", "BAD_CITIZENSHIP", "warning"),
    ]
    first = findings.iloc[0]
    assert (first["file"], first["sheet"], first["column"], first["value"]) == (
        "roster.xlsx",
        "WBP",
        "Tempat, Tgl Lahir",
        "Cepu 31-02-1985",
    )


def test_own_birth_date_column_wins_over_ttl_and_empty_cells_fall_back():
    table = roster(
        {"birth_date": ["01-01-1980", ""], "ttl": ["Blora, 12-03-1990", "Cepu, 13-04-1991"]},
        {"birth_date": "Tgl Lahir", "ttl": "TTL"},
    )
    typed, findings = type_table(table, reference_date=ELECTION_DAY)
    assert typed["birth_date"].tolist() == [pd.Timestamp(1980, 1, 1), pd.Timestamp(1991, 4, 13)]
    assert findings.empty


def test_type_table_without_typed_fields_reports_nothing():
    table = roster({"name": ["BUDI"], "nik": ["3316011203900001"]}, {"name": "Nama", "nik": "NIK"})
    typed, findings = type_table(table, reference_date=ELECTION_DAY)
    assert typed.equals(table.data)
    assert findings.empty


def test_release_date_two_digit_years_and_serials():
    table = roster({"release_date": ["12-03-26", str((date(2026, 3, 12) - date(1899, 12, 30)).days)]}, {})
    typed, _ = type_table(table, reference_date=ELECTION_DAY)
    assert typed["release_date"].tolist() == [pd.Timestamp(2026, 3, 12)] * 2


def test_a_million_repeated_dates_parse_quickly():
    days = [(date(1950, 1, 1) + timedelta(days=n)).strftime("%d-%m-%Y") for n in range(20_000)]
    texts = pd.Series(days * 50)
    dates, bad = parse_dates(texts, reference_date=ELECTION_DAY)
    assert not bad.any()
    assert dates.iloc[-1] == pd.Timestamp(date(1950, 1, 1) + timedelta(days=19_999))
