"""Dukcapil's word on a prison's inmates: the registry read once for every prison, whether it confirms each
inmate's NIK, the NIK it proposes, and the KPU rows found again by that NIK."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dpt_rutan import match
from dpt_rutan.election import ElectionProfile
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import sources


@dataclass
class Dukcapil:
    """The Dukcapil extract, typed, and its match view."""

    people: People
    view: pd.DataFrame  # matched against every prison's roster: made once


def read_dukcapil(path: Path | None, mapping: dict[str, str] | None, profile: ElectionProfile) -> Dukcapil | None:
    """The Dukcapil extract at ``path``, if one is given."""
    if path is None:
        return None
    table, _ = sources.read_extract(path, mapping=mapping)
    people = prepare_people(table, reference_date=profile.voting_day)
    return Dukcapil(people, match_view(people.frame))


def dukcapil_check(roster: pd.DataFrame, matches: pd.DataFrame, dukcapil: pd.DataFrame) -> pd.DataFrame:
    """Per roster row: whether Dukcapil confirms the NIK, and the NIK it proposes where the roster's is missing or
    differs."""
    rows = roster["source_row"].astype("int64")
    decided = matches.set_index("left_row") if len(matches) else pd.DataFrame(columns=["right_row", "decision"])
    dukcapil_row = rows.map(decided["right_row"])
    decision = rows.map(decided["decision"]).astype(object).fillna("none")
    dukcapil_nik = dukcapil_row.map(dukcapil.set_index("source_row")["nik_clean"]).fillna("")
    roster_nik = roster["nik_clean"].where(roster["nik_usable"].astype(bool), "")
    check = pd.Series("NOT_IN_DUKCAPIL", index=roster.index)
    check[decision == "review"] = "DUKCAPIL_REVIEW"
    check[(decision == "match") & (roster_nik == "")] = "NIK_PROPOSED"
    check[(decision == "match") & (roster_nik != "") & (dukcapil_nik != roster_nik)] = "NIK_DIFFERS"
    check[(decision == "match") & (roster_nik != "") & (dukcapil_nik == roster_nik)] = "NIK_CONFIRMED"
    return pd.DataFrame(
        {
            "dukcapil_row": dukcapil_row.where(decision != "none").to_numpy(),
            "dukcapil_check": check.to_numpy(),
            "proposed_nik": dukcapil_nik.where(check.isin(["NIK_PROPOSED", "NIK_DIFFERS"]), "").to_numpy(),
        },
        index=roster.index,
    )


def match_by_proposed_nik(
    roster: pd.DataFrame, proposed: pd.Series, kpu_view: pd.DataFrame, kpu_matches: pd.DataFrame
) -> pd.DataFrame:
    """Roster rows the KPU matching left alone, found again by the NIK Dukcapil proposes for them."""
    decided_left = set(kpu_matches["left_row"].astype("int64"))
    taken_right = set(kpu_matches.loc[kpu_matches["decision"] == "match", "right_row"].astype("int64"))
    open_kpu = kpu_view[kpu_view["nik_usable"] & ~kpu_view["source_row"].isin(taken_right)]
    by_nik = open_kpu.drop_duplicates("nik_clean", keep=False).set_index("nik_clean")["source_row"]
    found = []
    for source_row, nik in zip(roster["source_row"].astype("int64"), proposed, strict=True):
        if nik and source_row not in decided_left and nik in by_nik.index:
            found.append(
                {
                    "left_row": source_row,
                    "right_row": int(by_nik[nik]),
                    "decision": "match",
                    "method": "dukcapil_nik",
                    "score": float("nan"),
                    "agreed": "nik:dukcapil",
                    "disagreed": "",
                    "candidates": "",
                }
            )
    if not found:
        return kpu_matches
    return pd.concat([kpu_matches, pd.DataFrame(found, columns=match.MATCH_COLUMNS)], ignore_index=True)
