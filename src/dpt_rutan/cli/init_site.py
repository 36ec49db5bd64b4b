"""`dpt-rutan init-site`: a commented site file to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dpt_rutan import report
from dpt_rutan.cli.main import app, handles_errors
from dpt_rutan.cli.terminal import console, plain
from dpt_rutan.errors import ConfigError
from dpt_rutan.site import site_template


@app.command("init-site")
@handles_errors
def init_site(
    path: Annotated[Path, typer.Argument(help="Where to write the site file.")] = Path("site.toml"),
) -> None:
    """Write a commented site file (TOML) to fill in: the prison, its kecamatan code, TPS numbers, election."""
    if path.exists():
        raise ConfigError(f"{path}: already exists; choose another name or remove it first")
    report.write_text(path, site_template())
    console.print(f"Written: {plain(path)} — edit it, then pass it with --site {plain(path)}")
