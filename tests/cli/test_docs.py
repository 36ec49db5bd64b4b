"""Docs that cannot drift: README's commands run, every command is documented, the finding-code table is current."""

from __future__ import annotations

import re
import shlex
import sys
from pathlib import Path

import pytest

from dpt_rutan.cli import app
from tests.cli.command_line import run_catching

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
sys.path.insert(0, str(ROOT / "scripts"))
from finding_codes import finding_code_table  # noqa: E402

COMMANDS = [command.name or command.callback.__name__.replace("_", "-") for command in app.registered_commands]


def readme_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, flags=re.DOTALL)


def test_first_readme_command_runs_on_the_examples(tmp_path, monkeypatch):
    """The set-up command's dpt-rutan part, as a new user runs it, with the output moved into tmp_path."""
    setup = readme_blocks()[0]
    command = shlex.split(setup[setup.index("dpt-rutan ") :])[1:]
    output = command.index("-o") + 1
    command[output] = str(tmp_path / command[output])
    monkeypatch.chdir(ROOT)
    result = run_catching(*command)
    assert result.exit_code == 0, result.output
    assert (tmp_path / Path(command[output]).name).exists()


def test_readme_test_command_is_what_ci_runs():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]
    assert ci.strip() in readme_blocks()[1]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_documented_and_helped(command):
    assert f"dpt-rutan {command}" in README
    result = run_catching(command, "--help")
    assert result.exit_code == 0
    assert len(result.output.splitlines()) > 5


def test_finding_code_table_is_current():
    assert finding_code_table() in README, "regenerate with: python scripts/finding_codes.py"
