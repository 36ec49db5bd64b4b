"""The faster paths of issue 7 give what the plain ones give: joins by sorted keys against pandas' merge, batched name
scores against one pair at a time, greedy assignment against a plain walk, region keys and the settled end of a block
against their definitions."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dpt_rutan import match, names
from dpt_rutan.match.blocking import SortedKeys, name_and_date_part_candidates
from dpt_rutan.read import reader
from dpt_rutan.read.stream import TableBlocks, read_whole
from dpt_rutan.scan.coverage import nik_region, nik_region_codes

KEYS = st.lists(st.integers(0, 12), max_size=40)


@settings(max_examples=80, deadline=None)
@given(left=KEYS, right=KEYS)
def test_a_sorted_keys_join_is_an_inner_merge_in_its_order(left, right):
    left_rows, right_rows = np.arange(len(left), dtype=np.int64) * 7 + 3, np.arange(len(right), dtype=np.int64) + 100
    lk = pd.DataFrame({"left_row": left_rows, "key": np.array(left, dtype=np.int64)})
    rk = pd.DataFrame({"right_row": right_rows, "key": np.array(right, dtype=np.int64)})
    merged = lk.merge(rk, on="key")[["left_row", "right_row"]]
    joined = SortedKeys(left_rows, lk["key"].to_numpy()).join(right_rows, rk["key"].to_numpy())
    pd.testing.assert_frame_equal(joined.astype("int64"), merged.astype("int64"))


def _people(rows: list[tuple[int, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_row": np.array([row for row, _, _ in rows], dtype=np.int64),
            "name_key": [key for _, key, _ in rows],
            "birth_date": pd.to_datetime(pd.Series([born for _, _, born in rows], dtype=object)),
        }
    )


PERSON = st.tuples(
    st.sampled_from(["BUDI", "SITI", "JOKO", ""]),
    st.one_of(st.none(), st.sampled_from(["1980-02-01", "1980-01-02", "1981-02-01", "1980-02-11", "1990-12-31"])),
)


@settings(max_examples=60, deadline=None)
@given(left=st.lists(PERSON, max_size=12), right=st.lists(PERSON, max_size=30))
def test_name_key_and_date_part_pairs_are_those_of_a_merge_on_the_columns(left, right):
    left_frame = _people([(row + 1, key, born) for row, (key, born) in enumerate(left)])
    right_frame = _people([(row + 50, key, born) for row, (key, born) in enumerate(right)])

    def keys(frame: pd.DataFrame, row: str) -> pd.DataFrame:
        parts = {part: getattr(frame["birth_date"].dt, part).fillna(-1).astype("int64") for part in ("year", "month")}
        parts["day"] = frame["birth_date"].dt.day.fillna(-1).astype("int64")
        return pd.DataFrame({row: frame["source_row"], "name_key": frame["name_key"], **parts})

    expected = pd.concat(
        [
            keys(left_frame, "left_row").merge(keys(right_frame, "right_row"), on=["name_key", *two])[
                ["left_row", "right_row"]
            ]
            for two in (["year", "month"], ["year", "day"], ["month", "day"])
        ],
        ignore_index=True,
    )
    found = name_and_date_part_candidates(left_frame, right_frame)
    pd.testing.assert_frame_equal(found.astype("int64"), expected.astype("int64"))


NAME = st.sampled_from(
    ["", "DJOKO SOESILO", "JOKO SUSILO", "BUDI SANTOSO", "BUDI SUSANTO", "SITI", "SITI AMINAH", "MUHAMAD YUSUF", "DEDY"]
)


@settings(max_examples=60, deadline=None)
@given(pairs=st.lists(st.tuples(NAME, NAME), max_size=30))
def test_batched_name_scores_are_the_scores_of_each_pair(pairs):
    left = pd.Series([a for a, _ in pairs], dtype=object)
    right = pd.Series([b for _, b in pairs], dtype=object)
    expected = [names.name_similarity(a, b) for a, b in pairs]
    np.testing.assert_array_equal(names.name_similarities(left, right).to_numpy(), np.array(expected, dtype=float))


def _plain_assign(compared: pd.DataFrame, settings: match.MatchSettings, preferred: frozenset[int]) -> pd.DataFrame:
    """The greedy walk written plainly, one pandas selection per left row."""
    plausible = compared[(compared["score"] >= settings.review_score) | (compared["nik_level"] == "exact")]
    plausible = plausible.assign(preferred=plausible["right_row"].isin(preferred)).sort_values(
        ["score", "preferred", "left_row", "right_row"], ascending=[False, False, True, True]
    )
    taken, decided = set(), []
    for left_row in pd.unique(plausible["left_row"]):
        group = plausible[plausible["left_row"] == left_row]
        available = group[~group["right_row"].isin(taken)]
        if available.empty:
            continue
        best = available.iloc[0]
        runner = available.iloc[1] if len(available) > 1 else None
        twice = runner is not None and best["nik_level"] == runner["nik_level"] == "exact"
        tied = runner is not None and best["score"] - runner["score"] < settings.tie_margin and not twice
        decision = "review" if tied or best["score"] < settings.accept_score else "match"
        shown = "; ".join(f"row {int(p.right_row)} ({p.score:g})" for p in available.head(3).itertuples())
        decided.append((int(left_row), int(best["right_row"]), decision, shown if decision == "review" else ""))
        if decision == "match":
            taken.add(int(best["right_row"]))
    return pd.DataFrame(decided, columns=["left_row", "right_row", "decision", "candidates"])


@settings(max_examples=80, deadline=None)
@given(
    scored=st.lists(
        st.tuples(st.integers(1, 6), st.integers(100, 108), st.sampled_from([4.0, 9.0, 12.0, 16.0, 18.0, 30.0])),
        max_size=40,
        unique_by=lambda pair: pair[:2],
    ),
    exact=st.lists(st.booleans(), min_size=40, max_size=40),
    preferred=st.frozensets(st.integers(100, 108)),
)
def test_greedy_assignment_is_the_plain_walk(scored, exact, preferred):
    compared = pd.DataFrame(
        {
            "left_row": [left for left, _, _ in scored],
            "right_row": [right for _, right, _ in scored],
            "nik_level": ["exact" if flag else "different" for flag in exact[: len(scored)]],
            "name_level": "exact",
            "dob_level": "missing",
            "sex_level": "different",
            "mother_level": "missing",
            "score": [score for _, _, score in scored],
        }
    )
    settings_ = match.MatchSettings()
    found = match.assign(compared, settings_, preferred)
    expected = _plain_assign(compared, settings_, preferred)
    if expected.empty:
        assert found.empty
        return
    pd.testing.assert_frame_equal(
        found[["left_row", "right_row", "decision", "candidates"]].astype({"left_row": "int64", "right_row": "int64"}),
        expected.astype({"left_row": "int64", "right_row": "int64"}),
        check_dtype=False,
    )
    assert (found["agreed"] == "nik:exact, name:exact").sum() == (found["method"] == "nik_exact").sum()
    assert found["disagreed"].str.startswith("nik:different").sum() == (found["method"] == "name_birth_date").sum()


@given(niks=st.lists(st.sampled_from(["3316090101800001", "3316090101800002", "3316100101800001", "331609", ""])))
def test_nik_region_codes_are_equal_where_the_regions_are(niks):
    for extra in ([], ["33160\u00e90101800001"], [float("nan")]):  # a character beyond ASCII takes the slow path
        values = np.array(niks + extra, dtype=object)
        codes = nik_region_codes(values)
        regions = [nik_region(value) for value in values]
        assert pd.factorize(np.array(regions, dtype=object))[0].tolist() == pd.factorize(codes)[0].tolist()


def test_a_signature_block_after_a_long_sparse_tail_reads_as_the_whole_file(tmp_path: Path):
    """The settled end of a block is searched from the end in growing windows: here it lies thousands of rows back."""
    path = tmp_path / "extract.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["NIK", "NAMA", "TGL LAHIR", "JK", "ALAMAT"])
        writer.writerows([f"33160901018{n:05d}", "BUDI", "01-02-1980", "L", "JL. A"] for n in range(300))
        writer.writerows(["", f"ANAK {n}", "", "", ""] for n in range(3000))
        writer.writerows([["", "Blora, 15 Januari 2024", "", "", ""], ["", "KEPALA RUTAN", "", "", ""]])
    whole = reader.read_table(path)
    for block_bytes in (2048, 40_000):
        blocks = read_whole(TableBlocks(path, block_bytes=block_bytes))
        pd.testing.assert_frame_equal(blocks.data, whole.data)
        pd.testing.assert_frame_equal(blocks.skipped.reset_index(drop=True), whole.skipped.reset_index(drop=True))
    assert whole.skipped["code"].tolist() == ["SKIPPED_SIGNATURE"] * 2
