"""The README's first screen works as written (issue 18): the two commands, the same test command in
.ci/run, and every `.venv/bin/kambot` line of the README and docs/ a command that exists."""
from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

from bot.cli import main

REPO = Path(__file__).resolve().parent.parent
TEST_COMMAND = 'python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/python -m pytest -q'
RUN_COMMAND = ('python3 -m venv .venv && .venv/bin/pip install -e ".[test]" && .venv/bin/kambot init-db '
               '&& .venv/bin/kambot serve')
DOCUMENTS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md")), REPO / "deploy" / "README.md"]


def code_lines(path: Path) -> list[str]:
    blocks = re.findall(r"```[a-z]*\n(.*?)```", path.read_text(encoding="utf-8"), re.S)
    return [line for block in blocks for line in block.splitlines()]


def test_the_first_screen_holds_what_it_is_and_both_commands():
    first_screen = "\n".join(REPO.joinpath("README.md").read_text(encoding="utf-8").splitlines()[:40])
    assert "Key Account Management" in first_screen
    assert RUN_COMMAND in first_screen and TEST_COMMAND in first_screen


def test_ci_runs_the_readme_test_command():
    script = REPO.joinpath(".ci", "run").read_text(encoding="utf-8")
    assert 'VENV="$REPO_ROOT/.venv"' in script and 'PY="$VENV/bin/python"' in script
    assert '"$PY" -m pip install -q -e ".[test]"' in script
    assert re.search(r'^"\$PY" -m pytest -q$', script, re.M)  # = .venv/bin/python -m pytest -q


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda path: str(path.relative_to(REPO)))
def test_every_kambot_line_is_a_command_that_exists(path):
    lines = code_lines(path)
    bare = [line for line in lines if re.match(r"^(\$ )?kambot ", line)]
    assert bare == [], "a bare `kambot` is not on the PATH: write .venv/bin/kambot"
    for line in lines:
        for use in re.findall(r"\.venv/bin/kambot ([^#|&;]*)", line):
            argv = shlex.split(use.replace("…", "x"))
            while argv and argv[0].startswith("--"):  # options of kambot itself: --config X, --debug
                argv = argv[2:] if argv[0] == "--config" else argv[1:]
            if not argv or argv[0] == "--help":
                continue
            command, args = main, argv
            while hasattr(command, "commands") and args and not args[0].startswith("-"):
                found = command.get_command(None, args[0])
                assert found is not None, f"{path.name}: no command in `{line}`"
                command, args = found, args[1:]
            names = {name for param in command.params for name in getattr(param, "opts", [])}
            for option in (arg.split("=")[0] for arg in args if arg.startswith("--")):
                assert option in names | {"--help"}, f"{path.name}: `{line}`: no option {option}"
