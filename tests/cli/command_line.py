"""`dpt-rutan` run in the test process through Typer's CliRunner, the one way the tests of tests/cli and tests/report
run it."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from dpt_rutan.cli import app

# The terminal: UTF-8, or Windows-1252 as on a Windows console, where a name like "ŞAHIN" cannot be printed as is.
RUNNERS = {"utf-8": CliRunner(), "cp1252": CliRunner(charset="cp1252")}


def run(*args: object, terminal: str = "utf-8") -> Result:
    """`dpt-rutan ARGS` (each turned into text); an exception the command lets out fails the test where it is raised."""
    return RUNNERS[terminal].invoke(app, [str(arg) for arg in args], catch_exceptions=False)


def run_catching(*args: object, terminal: str = "utf-8") -> Result:
    """`dpt-rutan ARGS`, with an exception the command lets out kept in ``result.exception`` for the test to judge."""
    return RUNNERS[terminal].invoke(app, [str(arg) for arg in args])
