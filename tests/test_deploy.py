"""The files in deploy/ are read the way systemd and nginx read them, and agree with kambot (issue 18)."""
from __future__ import annotations

import configparser
import re
import shlex
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Config, load_config

REPO = Path(__file__).resolve().parent.parent
DEPLOY = REPO / "deploy"


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / "systemd" / name).read_text(encoding="utf-8"))
    return parser


def kambot_command(exec_start: str) -> list[str]:
    """The command line after `kambot`, checked the way `kambot` itself parses it."""
    argv = shlex.split(exec_start)
    assert argv[0].endswith("/.venv/bin/kambot"), argv[0]
    name, *rest = argv[1:]
    command = main.get_command(None, name)
    assert command is not None, f"no command kambot {name}"
    command.make_context(name, list(rest))  # refuses an unknown option
    return [name, *rest]


@pytest.mark.parametrize("name, command", [("kambot-web.service", ["serve", "--web-only"]),
                                           ("kambot-worker.service", ["worker"]),
                                           ("kambot-sender.service", ["sender"])])
def test_systemd_units_run_existing_kambot_commands(name, command):
    parsed = unit(name)
    assert set(parsed.sections()) == {"Unit", "Service", "Install"}
    service = parsed["Service"]
    assert kambot_command(service["ExecStart"]) == command
    assert service["Environment"].startswith("KAMBOT_CONFIG=")
    assert service["User"] == "kambot" and service["Restart"] == "on-failure"
    assert Path(service["ExecStart"].split()[0]).parent.parent.parent == Path(service["WorkingDirectory"])
    assert parsed["Install"]["WantedBy"] == "multi-user.target"


def nginx_directives(text: str) -> list[tuple[str, ...]]:
    text = re.sub(r"#.*", "", text)
    return [tuple(statement.split()) for statement in re.split(r"[;{}]", text) if statement.strip()]


def test_nginx_site_terminates_https_and_limits_the_body_like_kambot():
    directives = nginx_directives((DEPLOY / "nginx" / "kambot.conf").read_text(encoding="utf-8"))
    values = {}
    for directive in directives:
        values.setdefault(directive[0], []).append(directive[1:])
    defaults, example = Config(), load_config(REPO / "config.example.toml")
    assert values["client_max_body_size"] == [(str(defaults.server.max_body_bytes),)]
    assert defaults.server.max_body_bytes == example.server.max_body_bytes
    assert ("443", "ssl") in values["listen"]
    assert values["ssl_certificate"] and values["ssl_certificate_key"]
    assert ("=", "/callback") in values["location"]
    assert set(values["proxy_pass"]) == {(f"http://{defaults.server.host}:{defaults.server.port}",)}
    assert ("301", "https://$host$request_uri") in values["return"]


def test_the_backup_note_covers_sqlite_and_postgresql():
    note = (DEPLOY / "README.md").read_text(encoding="utf-8")
    assert "## Backups" in note
    assert '.backup \'' in note and "pg_dump --format=custom" in note and "pg_restore" in note
    for path in re.findall(r"deploy/[\w/.-]+\.(?:service|conf)", note):
        assert (REPO / path).exists(), path
