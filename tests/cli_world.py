"""A roster imported from CSV text, and the `kambot` command on the test's database at a frozen moment:
for tests that drive the CLI (quotas, risk groups, visits)."""
from __future__ import annotations

import io
from datetime import datetime

import time_machine
from click.testing import CliRunner

from bot.cli import main
from storage.db import session_scope
from storage.roster_import import import_accounts, import_staff


def import_roster(engine, staff_csv: str, accounts_csv: str) -> None:
    with session_scope(engine) as session:
        assert not import_staff(session, io.StringIO(staff_csv)).errors
        assert not import_accounts(session, io.StringIO(accounts_csv)).errors


def frozen_kambot(engine, tmp_path, monkeypatch, at: datetime):
    """`kambot(*args, at=…)`: the command's result, run with a config naming only the test's database,
    the clock frozen at `at` unless the call gives another moment."""
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    cfg = tmp_path / "kambot.toml"
    cfg.write_text(f'[database]\nurl = "{engine.url.render_as_string(hide_password=False)}"\n', encoding="utf-8")
    default = at

    def kambot(*args: str, at: datetime = default):
        with time_machine.travel(at, tick=False):
            return CliRunner().invoke(main, [*args, "--config", str(cfg)])
    return kambot
