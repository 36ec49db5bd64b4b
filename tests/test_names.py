import doctest
import math
import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dpt_rutan import names
from dpt_rutan.names import (
    name_block_key,
    name_similarities,
    name_similarity,
    normalise_name,
    normalise_names,
    parse_name,
    spelling_variants,
)


@pytest.mark.parametrize(
    ("raw", "given", "alias", "father"),
    [
        ("H. MOCH. DJOKO SOESILO, S.H. als KOKO bin SAMIDI", "MOCH DJOKO SOESILO", "KOKO", "SAMIDI"),
        ("Siti Aminah binti Kasdi", "Siti Aminah", "", "Kasdi"),
        ("BUDI SANTOSO ALIAS GEMBUS", "BUDI SANTOSO", "GEMBUS", ""),
        ("Drs. Ahmad Yani, M.Si.", "Ahmad Yani", "", ""),
        ("Budi Santoso (als Gembus)", "Budi Santoso", "Gembus", ""),
        ("Budi Santoso (Gembus) Bin Slamet", "Budi Santoso", "Gembus", "Slamet"),
        ("Budi @ Gembus bin Slamet", "Budi", "Gembus", "Slamet"),
        ("Budi a.k.a Gembus", "Budi", "Gembus", ""),
        ("Budi als. Gembus als Kancil", "Budi", "Gembus / Kancil", ""),
        ("Agus bt. Warno", "Agus", "", "Warno"),
        ("Agus Bn Warno", "Agus", "", "Warno"),
        ("M. Yusuf B. Hasan", "M Yusuf", "", "Hasan"),
        ("Ahmad bin H. Abdullah", "Ahmad", "", "Abdullah"),
        ("Hj. Siti Nurhaliza, S.Pd.I", "Siti Nurhaliza", "", ""),
        ("K.H. Abdul Ghofur", "Abdul Ghofur", "", ""),
        ("Prof.Dr.Ir. H. Soeharto, S.E., M.M.", "Soeharto", "", ""),
        ("R.A. Kartini", "Kartini", "", ""),
        ("Budi Santoso S.H.", "Budi Santoso", "", ""),
        ("Budi, Amd", "Budi", "", ""),
        # Without dots or a comma, SH and ST may be part of the name.
        ("BUDI SH", "BUDI SH", "", ""),
        ("SITI ST AMINAH", "SITI ST AMINAH", "", ""),
        # A marker before any name is a name: "Bin" alone is not a father.
        ("Bin Saleh", "Bin Saleh", "", ""),
        # Honorifics alone are kept rather than leaving no name.
        ("H.", "H", "", ""),
        ("  José  Ramos-Horta ", "Jose Ramos Horta", "", ""),
        ("Ma'ruf", "Maruf", "", ""),
        ("", "", "", ""),
    ],
)
def test_parse_name(raw, given, alias, father):
    parsed = parse_name(raw)
    assert (parsed.full, parsed.given, parsed.alias, parsed.father) == (raw.strip(), given, alias, father)


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("H. MOCH. DJOKO SOESILO, S.H. als KOKO bin SAMIDI", "MUHAMMAD DJOKO SOESILO"),
        ("M. Yusuf", "MUHAMMAD YUSUF"),
        ("Mochamad Rizki", "MUHAMMAD RIZKI"),
        ("Muh Rizki", "MUHAMMAD RIZKI"),
        ("Rizki M", "RIZKI M"),  # M is Muhammad only as the first word
        ("Achmat Dahlan", "AHMAD DAHLAN"),
        ("Abd. Rahman", "ABDUL RAHMAN"),
        ("Nur'aini 2", "NURAINI"),
        ("siti   aminah", "SITI AMINAH"),
    ],
)
def test_normalise_name(raw, normalised):
    assert normalise_name(raw) == normalised


def test_old_spelling_converts_in_one_pass():
    assert spelling_variants("DJOKO") == {"DJOKO", "JOKO"}  # the J made from DJ is not turned into Y
    assert spelling_variants("JUSUF") == {"JUSUF", "YUSUF"}
    assert spelling_variants("BUDI") == {"BUDI"}


SAME_PERSON = pd.DataFrame(
    [
        ("Djoko Soesilo", "Joko Susilo"),
        ("Moch. Tjahjono", "Muhammad Cahyono"),
        ("Achmad", "Ahmad"),
        ("Jusuf", "Yusuf"),
        ("Soekarno", "Sukarno"),
        ("Chairul", "Khairul"),
        ("Njoman", "Nyoman"),
        ("Sjarifudin", "Syarifudin"),
        ("Sjarifuddin", "Syarifudin"),
        ("Muhammad", "Muhamad"),
        ("Dedy Kurniawan", "Dedi Kurniawan"),
        ("Abdoel Gani", "Abdul Gani"),
        ("H. Djoko Soesilo bin Samidi", "JOKO SUSILO"),
    ],
    columns=["left", "right"],
)

DIFFERENT_PEOPLE = pd.DataFrame(
    [
        ("Budi Santoso", "Budi Susanto", 0.9),
        ("Siti Aminah", "Siti Rahayu", 0.8),
        ("Siti", "Siti Aminah", 0.8),
        ("Agus", "Budi", 0.5),
    ],
    columns=["left", "right", "below"],
)


@pytest.mark.parametrize(("left", "right"), list(SAME_PERSON.itertuples(index=False)))
def test_spellings_of_one_name_compare_equal(left, right):
    a, b = normalise_name(left), normalise_name(right)
    assert name_similarity(a, b) == 1.0
    assert name_block_key(a) == name_block_key(b)


@pytest.mark.parametrize(("left", "right", "below"), list(DIFFERENT_PEOPLE.itertuples(index=False)))
def test_different_names_score_clearly_lower(left, right, below):
    assert name_similarity(normalise_name(left), normalise_name(right)) < below


def test_near_names_rank_by_closeness():
    exact = name_similarity("BUDI SANTOSO", "BUDI SANTOSO")
    reordered = name_similarity("BUDI SANTOSO", "SANTOSO BUDI")
    middle_missing = name_similarity("MUHAMMAD JOKO SUSILO", "MUHAMMAD SUSILO")
    typo = name_similarity("EKO PRASETYO", "EKO PRASETIYO")
    other_person = name_similarity("BUDI SANTOSO", "BUDI SUSANTO")
    assert exact == reordered == 1.0
    assert 1.0 > typo > middle_missing > other_person


def test_a_missing_name_is_not_a_low_score():
    assert math.isnan(name_similarity("", "BUDI"))
    assert math.isnan(name_similarity("", ""))


def test_vectorised_similarities_equal_the_single_ones():
    left = SAME_PERSON["left"].map(normalise_name)
    right = DIFFERENT_PEOPLE["right"].map(normalise_name).reindex(range(len(left)), fill_value="")
    left.index = right.index = range(100, 100 + len(left))
    scores = name_similarities(left, right)
    assert scores.index.equals(left.index)
    single = [name_similarity(a, b) for a, b in zip(left, right, strict=True)]
    assert scores.tolist() == pytest.approx(single, nan_ok=True)


def test_no_pairs_no_scores():
    assert name_similarities(pd.Series([], dtype=object), pd.Series([], dtype=object)).empty


def test_block_key_skips_common_first_words():
    assert name_block_key("MUHAMMAD YUSUF") == name_block_key("YUSUF") == "JUSU"
    assert name_block_key("SITI") == "SITI"
    assert name_block_key("") == ""


def test_normalise_names_parses_each_distinct_name_once_and_maps_back():
    raw = pd.Series(["H. Achmad bin Dul", None, "H. Achmad bin Dul", "Budi als Gembus"], index=[7, 8, 9, 10])
    table = normalise_names(raw)
    assert table.index.tolist() == [7, 8, 9, 10]
    assert table.columns.tolist() == ["name_given", "name_alias", "name_father", "name_norm", "name_key"]
    assert table.values.tolist() == [
        ["Achmad", "", "Dul", "AHMAD", "AHMA"],
        ["", "", "", "", ""],
        ["Achmad", "", "Dul", "AHMAD", "AHMA"],
        ["Budi", "Gembus", "", "BUDI", "BUDI"],
    ]


def test_module_examples():
    assert doctest.testmod(names).failed == 0


NAME_PIECES = st.sampled_from(
    ["bin ", " binti ", " als ", "@", "a.k.a", "B.", "H. ", "K.H.", "R.A.", ", S.H.", "(", ")", " ", ".", ",", "-"]
)
NAME_TEXT = st.lists(NAME_PIECES | st.text(alphabet="abdhjkmnorstuyABDHJKMNORSTUY'0é_", max_size=4), max_size=12)


@settings(max_examples=400, deadline=None)
@given(NAME_TEXT.map("".join) | st.text(max_size=40))
def test_normalising_never_raises_is_idempotent_and_yields_only_letters_and_spaces(raw):
    parse_name(raw)
    once = normalise_name(raw)
    assert re.fullmatch(r"(?:[A-Z]+(?: [A-Z]+)*)?", once)
    assert normalise_name(once) == once
    assert re.fullmatch(r"[A-Z]{0,4}", name_block_key(once))


@settings(max_examples=100, deadline=None)
@given(NAME_TEXT.map("".join), NAME_TEXT.map("".join))
def test_similarity_is_a_symmetric_score(left, right):
    a, b = normalise_name(left), normalise_name(right)
    score = name_similarity(a, b)
    if a and b:
        assert 0.0 <= score <= 1.0
        assert score == pytest.approx(name_similarity(b, a))
        assert name_similarity(a, a) == 1.0
    else:
        assert math.isnan(score)
