"""The KPU extract read once for every prison: the rows that concern any of them, typed once for all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from dpt_rutan import decide, kpu_codes, listing, match
from dpt_rutan.commands.reconcile.inmates import Inmates, numbered_through
from dpt_rutan.election import ElectionProfile
from dpt_rutan.errors import make_findings
from dpt_rutan.people import People, match_view, prepare_people
from dpt_rutan.read import sources
from dpt_rutan.scan.screen import PassProgress, ScreenedExtract, screen_extract


@dataclass
class Extract:
    """The rows of the KPU extract that concern any of the prisons, typed once for all of them."""

    kpu: People
    view: pd.DataFrame
    rows_read: int
    coverage: decide.Coverage
    regency: listing.ExtractRegency
    loksus_tps: dict[str, list[int]]
    parts: sources.PartsBlocks
    codes: pd.DataFrame  # kpu_codes.read_codes: each row's KETERANGAN code and whether it is a registration


def screened_extract(
    prisons: list[Inmates],
    kpu_path: Path | Sequence[Path],
    *,
    kpu_sheets: Sequence[str],
    mapping: dict[str, str] | None,
    profile: ElectionProfile,
    settings: match.MatchSettings,
    block_bytes: int,
    progress: PassProgress | None,
) -> Extract:
    """One read of the extract for every prison. The screen only tells inmates apart, so the prisons' inmates are
    numbered through (their roster rows repeat across files), and it keeps the rows at any of their TPS numbers."""
    inmates, _, _ = numbered_through(prisons)
    tps_numbers = sorted({number for prison in prisons for number in prison.rules.prison_tps})
    parts = sources.open_extract(kpu_path, kpu_sheets, mapping=mapping, block_bytes=block_bytes)
    screened = screen_extract(
        sources.blocks_for_screen(parts),
        inmates,
        replace(prisons[0].rules, prison_tps=tuple(tps_numbers)),
        reference_date=profile.voting_day,
        settings=settings,
        extra_niks=_proposed_niks(prisons),
        site_regencies=frozenset(prison.rules.prison_district[:5] for prison in prisons),
        progress=progress,
    )
    parts.count_single(screened.rows_read, screened.table.skipped)
    kpu, codes = _typed(screened, profile)
    view = match_view(kpu.frame)
    return Extract(
        kpu, view, screened.rows_read, screened.coverage, screened.regency, screened.loksus_tps, parts, codes
    )


def _proposed_niks(prisons: list[Inmates]) -> frozenset[str]:
    """The NIKs Dukcapil proposes for any prison's inmates: the screen keeps their rows too."""
    extra_niks: set[str] = set()
    for prison in prisons:
        if prison.proposed_nik is not None:
            extra_niks.update(prison.proposed_nik[prison.proposed_nik != ""])
    return frozenset(extra_niks)


def _typed(screened: ScreenedExtract, profile: ElectionProfile) -> tuple[People, pd.DataFrame]:
    """The kept rows typed, with where they are listed and their KETERANGAN codes; an unknown code is a finding."""
    kpu = prepare_people(screened.table, reference_date=profile.voting_day, require_rows=False)
    kpu.frame = listing.with_listing(kpu.frame, screened.regency)
    codes = kpu_codes.read_codes(kpu.frame, profile)
    unknown = kpu_codes.unknown_code_findings(kpu.frame, codes)
    table = kpu.table
    kpu.findings = pd.concat(
        [kpu.findings, make_findings(unknown, file=table.name, sheet=table.sheet, columns=table.columns)],
        ignore_index=True,
    )
    return kpu, codes
