"""What the command line prints goes through here: masked, shown as data, in any console encoding.

* Every NIK-like number in anything printed (a cell of any column, a header quoted in an error, a traceback) is
  masked by :class:`TerminalConsole`, unless ``--show-nik``: one place, whatever column a NIK ended up in.
* Text from a file is data, never rich markup: :func:`plain` escapes it, so a cell holding ``[/x]`` or
  ``[link=...]`` is printed as it is written.
* A console or redirect whose encoding lacks a character the tool prints ("≠", "—", box lines; cp1252 on Windows)
  gets an ASCII stand-in instead of a crash: :func:`tolerate_unencodable`.
* A bad option value is one line, like the tool's other errors, not a box: :class:`CommandLine`.
"""

from __future__ import annotations

import codecs
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.segment import Segment
from rich.text import Text
from typer.core import TyperGroup

from dpt_rutan.report.mask import mask_text

ENCODING_ERRORS = "dpt_rutan_ascii"
"""The codec error handler installed on output streams that cannot encode everything the tool prints."""

_ASCII_STAND_INS = {
    "≠": "!=",
    "≤": "<=",
    "≥": ">=",
    "—": "-",
    "–": "-",
    "…": "...",
    "→": "->",
    "←": "<-",
    "×": "x",
    "•": "*",
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
}

# Click's UsageError, found through typer's public BadParameter: typer vendors click in some versions, not in others.
_USAGE_ERROR = next(kind for kind in typer.BadParameter.__mro__ if kind.__name__ == "UsageError")


class TerminalConsole(Console):
    """A rich console that masks every NIK-like number it prints, unless :attr:`show_nik` is set.

    Text is masked before layout (so a table cannot wrap or cut a NIK into pieces that escape the mask) and the
    rendered output once more (for text that reached the console already as :class:`rich.text.Text`).
    """

    show_nik = False

    def render_str(self, text: str, **options: Any) -> Text:
        return super().render_str(text if self.show_nik else mask_text(text), **options)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        rendered = super()._render_buffer(buffer)
        return rendered if self.show_nik else mask_text(rendered)


# emoji=False: data is printed as written; rich would show a cell holding ":x:" (an /etc/passwd line) as an emoji.
console = TerminalConsole(emoji=False)
# One line per error, however narrow the terminal: rich must not wrap it.
error_console = TerminalConsole(stderr=True, soft_wrap=True, emoji=False)


def show_niks(show: bool) -> None:
    """Whole NIKs on the terminal (``--show-nik``) or masked ones (the default), for output and errors alike."""
    console.show_nik = error_console.show_nik = show


def plain(value: object) -> str:
    """A value from a file (a cell, a header, a file or sheet name) as console text: printed, never interpreted."""
    return escape(str(value))


def _ascii_stand_in(character: str) -> str:
    if character in _ASCII_STAND_INS:
        return _ASCII_STAND_INS[character]
    without_accents = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode("ascii")
    return without_accents or "?"


def _replace_unencodable(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    unencodable = error.object[error.start : error.end]
    return "".join(_ascii_stand_in(character) for character in unencodable), error.end


codecs.register_error(ENCODING_ERRORS, _replace_unencodable)


def tolerate_unencodable(stream: Any) -> None:
    """Let a text stream in a legacy encoding (cp1252, cp437, latin-1) write what it cannot encode as ASCII.

    A UTF stream is left alone. A redirect on Windows, or PYTHONIOENCODING=cp1252, would otherwise end the run with
    a UnicodeEncodeError at the first "≠" or "—".
    """
    encoding = getattr(stream, "encoding", None)
    reconfigure = getattr(stream, "reconfigure", None)
    if not encoding or reconfigure is None:
        return
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return
    if not name.startswith("utf"):
        reconfigure(errors=ENCODING_ERRORS)


@contextmanager
def usage_errors_in_one_line() -> Iterator[None]:
    """A bad option or argument value as the tool's one error line (exit 2); other usage errors without the box."""
    try:
        yield
    except _USAGE_ERROR as error:
        if type(error).__name__ == "NoArgsIsHelpError":  # typer prints the help itself
            raise
        if isinstance(error, typer.BadParameter) and type(error).__name__ != "MissingParameter":
            error_console.print(f"dpt-rutan: error: {error.format_message()}", markup=False, highlight=False)
        else:
            error.show()
        raise typer.Exit(error.exit_code) from None


class CommandLine(TyperGroup):
    """The tool's command group: output streams that survive any encoding, usage errors as plain lines."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        for stream in (sys.stdout, sys.stderr):
            tolerate_unencodable(stream)
        show_niks(False)
        return super().main(*args, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        with usage_errors_in_one_line():
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: Any) -> Any:
        with usage_errors_in_one_line():
            return super().invoke(ctx)
