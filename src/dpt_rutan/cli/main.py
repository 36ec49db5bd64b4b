"""The Typer app every command registers on: its global options (--debug, --version) and the error-to-exit-code
wrapper every command runs under.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from functools import wraps
from typing import Annotated, Any

import typer

from dpt_rutan import __version__, lifecycle
from dpt_rutan.cli.terminal import CommandLine, console, error_console, plain, show_niks
from dpt_rutan.errors import DptRutanError

app = typer.Typer(
    name="dpt-rutan",
    help="Daftar pemilih rutan/lapas: reconcile a prison's inmate roster with the KPU voter list and Dukcapil.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    cls=CommandLine,
)
state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        console.print(f"dpt-rutan {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    debug: Annotated[bool, typer.Option("--debug", help="Show the full traceback on errors.")] = False,
    version: Annotated[
        bool, typer.Option("--version", "-V", callback=_version, is_eager=True, help="Show the version and exit.")
    ] = False,
) -> None:
    """Daftar pemilih rutan/lapas: reconcile a prison's inmate roster with the KPU voter list and Dukcapil."""
    state["debug"] = debug
    lifecycle.start_run(ctx.call_on_close)


def handles_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """One line and an exit code for every error; under --debug the traceback first, and the same exit code.

    Everything printed, error lines and tracebacks included, shows NIKs masked unless the command has --show-nik.
    """

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        show_niks(bool(kwargs.get("show_nik")))
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort):
            raise
        except DptRutanError as error:
            print_traceback_under_debug()
            error_console.print(f"[bold red]dpt-rutan: error:[/] {plain(error)}", highlight=False, markup=True)
            raise typer.Exit(error.exit_code) from None
        except Exception as error:
            print_traceback_under_debug()
            message = " ".join(str(error).split())  # one line, also for a multi-line message
            error_console.print(
                f"dpt-rutan: internal error ({type(error).__name__}): {message}. "
                "Run again with --debug for the traceback and report it.",
                highlight=False,
                markup=False,
            )
            raise typer.Exit(70) from None

    return wrapper


def print_traceback_under_debug() -> None:
    """The traceback of the error being handled, on stderr, when the run has --debug."""
    if state["debug"]:
        error_console.print(traceback.format_exc(), highlight=False, markup=False, end="")
