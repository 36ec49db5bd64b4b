"""The options several commands share, defined once, and what they turn into: a field mapping, a site and an
election profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from dpt_rutan.election import ElectionProfile, available_profiles, load_profile
from dpt_rutan.errors import ConfigError
from dpt_rutan.site import Site, load_site

SheetOption = Annotated[
    str | None, typer.Option("--sheet", help="Sheet name or 0-based index (default: the first sheet with a header).")
]
KpuSheetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--kpu-sheet",
        help="Read only this sheet of each KPU workbook (name or 0-based index; repeatable). Default: every sheet.",
    ),
]
KpuArgument = Annotated[
    list[Path],
    typer.Argument(help="The KPU voter-list extract (DPT): a file, several files, or a folder; every sheet is read."),
]
MapOption = Annotated[
    list[str] | None,
    typer.Option("--map", help="Map a field to your header when it is not recognised: --map nik='No Induk'."),
]
OutputOption = Annotated[
    Path | None, typer.Option("-o", "--output", help="Write the report here (.xlsx, .csv, .json).")
]
FormatOption = Annotated[
    str | None, typer.Option("--format", help="xlsx, csv or json (default: from the output file's extension).")
]
ShowNikOption = Annotated[bool, typer.Option("--show-nik", help="Show whole NIKs in the terminal (masked by default).")]
ElectionOption = Annotated[
    str | None,
    typer.Option("--election", help=f"Election profile: {', '.join(available_profiles())}, or a profile TOML file."),
]
SiteOption = Annotated[Path | None, typer.Option("--site", help="Site file (TOML) of the prison: dpt-rutan init-site.")]
NameOption = Annotated[str | None, typer.Option(help="Prison name (overrides the site file).")]
DistrictCodeOption = Annotated[
    str | None, typer.Option(help="Kemendagri kecamatan code of the prison, e.g. 33.16.09 (overrides the site file).")
]
TpsOption = Annotated[list[int] | None, typer.Option(help="The prison's TPS number(s), e.g. --tps 901.")]


def parse_mapping(pairs: list[str] | None) -> dict[str, str]:
    """The --map options as field -> header: ``nik='No Induk'`` maps the field ``nik`` to the header "No Induk"."""
    mapping = {}
    for pair in pairs or []:
        field, sep, header = pair.partition("=")
        if not sep or not field.strip() or not header.strip():
            raise ConfigError(f"--map {pair!r}: write it as field=Header, e.g. --map nik='No Induk'")
        mapping[field.strip().lower()] = header.strip()
    return mapping


def resolve_site_and_profile(
    site_file: Path | None, election: str | None, overrides: dict[str, Any]
) -> tuple[Site, ElectionProfile]:
    """The site from --site with the options given on top (or from the options alone), and its election profile."""
    if site_file is not None:
        site = load_site(site_file).with_overrides(**overrides)
    else:
        given = {key: value for key, value in overrides.items() if value is not None}
        missing = [option for option in ("name", "district_code") if option not in given]
        if missing:
            options = ", ".join("--" + option.replace("_", "-") for option in missing)
            raise ConfigError(f"no --site file: give {options} (or write one with 'dpt-rutan init-site')")
        site = Site.from_options(**given)
    return site, load_profile(election or site.profile)
