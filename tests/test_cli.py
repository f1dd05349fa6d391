"""The `kambot` command as an operator uses it: a config file, a SQLite file, CSVs."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect
from sqlmodel import SQLModel, select

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.models import LinkCode

from line_wire import free_port

KAMBOT = Path(sys.executable).parent / "kambot"
CODE = re.compile(r"^[A-Z2-9]{4}-[A-Z2-9]{4}$")

STAFF_CSV = """staff_code,name,role,office,backup,supervisor
K001,สมชาย ใจดี,kamr,PEA-N1,,S001
K002,สมหญิง รักงาน,chief,PEA-N1,,S001
S001,อรุณ หัวหน้า,senior_kamr,PEA-N1,,
"""
ACCOUNTS_CSV = """account_code,name,tier,office,kamr,sites
A100,บริษัท น้ำตาลไทย จำกัด,Strategic,PEA-N1,K001,โรงงาน 1;โรงงาน 2
A200,โรงพยาบาลเมือง,status,PEA-N1,K002,
"""


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    return CliRunner()


@pytest.fixture
def db_file(tmp_path) -> Path:
    return tmp_path / "data" / "kambot.sqlite3"


@pytest.fixture
def cfg(tmp_path, db_file) -> Path:
    path = tmp_path / "kambot.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{db_file}"\n', encoding="utf-8")
    return path


def kambot(runner: CliRunner, cfg: Path | None, *args: str):
    argv = list(args) + (["--config", str(cfg)] if cfg else [])
    return runner.invoke(main, argv, catch_exceptions=False)


@pytest.fixture
def roster(runner, cfg, tmp_path):
    """init-db and a roster with one bad row in each file."""
    assert kambot(runner, cfg, "init-db").exit_code == 0
    staff, accounts = tmp_path / "staff.csv", tmp_path / "accounts.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    accounts.write_text(ACCOUNTS_CSV, encoding="utf-8")
    return staff, accounts


def test_init_db_creates_tables_and_can_run_again(runner, cfg, db_file):
    result = kambot(runner, cfg, "init-db")
    assert result.exit_code == 0, result.output
    assert "database ready" in result.output
    assert db_file.exists()
    engine = make_engine(f"sqlite:///{db_file}")
    assert set(SQLModel.metadata.tables) <= set(inspect(engine).get_table_names())
    engine.dispose()
    again = kambot(runner, cfg, "init-db")
    assert again.exit_code == 0, again.output
    assert "database ready" in again.output


def test_import_reports_bad_rows_and_keeps_good_ones(runner, cfg, roster):
    staff, accounts = roster
    result = kambot(runner, cfg, "import", "staff", str(staff))
    assert result.exit_code == 1
    assert "row 3, column role" in result.stderr
    assert "'chief'" in result.stderr
    assert "2 created, 0 updated, 1 rows with errors" in result.stdout

    result = kambot(runner, cfg, "import", "accounts", str(accounts))
    assert result.exit_code == 1
    assert "row 3, column kamr" in result.stderr
    assert "K002" in result.stderr
    assert "1 created" in result.stdout

    good = kambot(runner, cfg, "link-code", "A100")
    assert good.exit_code == 0, good.output
    bad = kambot(runner, cfg, "link-code", "A200")
    assert bad.exit_code != 0
    assert "no account with code 'A200'" in bad.stderr


def test_import_without_errors_exits_zero_and_reimport_updates(runner, cfg, roster, tmp_path):
    staff = tmp_path / "good.csv"
    # Excel writes a byte-order mark; the first header must still be recognised.
    staff.write_text("\ufeff" + STAFF_CSV.replace(",chief,", ",kamr,"), encoding="utf-8")
    first = kambot(runner, cfg, "import", "staff", str(staff))
    assert first.exit_code == 0, first.output
    assert "3 created, 0 updated, 0 rows with errors" in first.stdout
    second = kambot(runner, cfg, "import", "staff", str(staff))
    assert second.exit_code == 0
    assert "0 created, 3 updated" in second.stdout


def test_import_with_missing_column_names_it(runner, cfg, roster, tmp_path):
    staff = tmp_path / "nocol.csv"
    staff.write_text("staff_code,name,office\nK001,x,PEA\n", encoding="utf-8")
    result = kambot(runner, cfg, "import", "staff", str(staff))
    assert result.exit_code != 0
    assert "missing column(s): role" in result.stderr


def test_link_code_prints_a_code(runner, cfg, roster, db_file):
    staff, accounts = roster
    kambot(runner, cfg, "import", "staff", str(staff))
    kambot(runner, cfg, "import", "accounts", str(accounts))
    result = kambot(runner, cfg, "link-code", "A100")
    assert result.exit_code == 0, result.output
    code = result.stdout.strip()
    assert CODE.match(code), code
    assert "บริษัท น้ำตาลไทย จำกัด" in result.stderr
    assert "72 hours" in result.stderr
    engine = make_engine(f"sqlite:///{db_file}")
    with session_scope(engine) as session:
        rows = session.exec(select(LinkCode)).all()
    engine.dispose()
    assert len(rows) == 1 and rows[0].kind == "contact"
    assert code.replace("-", "") not in rows[0].code_hash  # only the hash is kept


def test_link_code_for_unknown_account(runner, cfg, roster):
    result = kambot(runner, cfg, "link-code", "NOPE")
    assert result.exit_code != 0
    assert "no account with code 'NOPE'" in result.stderr


def test_staff_code(runner, cfg, roster):
    staff, _ = roster
    kambot(runner, cfg, "import", "staff", str(staff))
    result = kambot(runner, cfg, "staff-code", "K001")
    assert result.exit_code == 0, result.output
    assert CODE.match(result.stdout.strip())
    assert "สมชาย ใจดี" in result.stderr
    missing = kambot(runner, cfg, "staff-code", "K999")
    assert missing.exit_code != 0
    assert "no staff member with code 'K999'" in missing.stderr


def test_check_config_names_missing_line_settings(runner, cfg, tmp_path):
    result = kambot(runner, cfg, "check-config")
    assert result.exit_code == 0
    assert "LINE settings missing: line.channel_secret, line.channel_access_token" in result.stdout
    assert "routes: not checked (no database at" in result.stdout  # a config-only run still works
    full = tmp_path / "full.toml"
    full.write_text('[line]\nchannel_secret = "s"\nchannel_access_token = "t"\n'
                    '[database]\nurl = "postgresql://kambot:hunter2@db/kambot"\n', encoding="utf-8")
    result = kambot(runner, full, "check-config", "--offline")  # LINE itself: tests/test_line_channel.py
    assert result.exit_code == 0
    assert "LINE: ready" in result.stdout
    assert "hunter2" not in result.stdout  # the password is not shown


def test_broken_config_names_the_key(runner, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[server]\nport = "x"\n', encoding="utf-8")
    for command in (["check-config"], ["init-db"], ["link-code", "A100"]):
        result = kambot(runner, bad, *command)
        assert result.exit_code != 0
        assert "server.port" in result.stderr
    bad.write_text('[line]\nsecret = "x"\n', encoding="utf-8")
    result = kambot(runner, bad, "check-config")
    assert result.exit_code != 0
    assert "line.secret" in result.stderr and "unknown" in result.stderr


def test_missing_config_file(runner, tmp_path):
    result = kambot(runner, tmp_path / "nope.toml", "check-config")
    assert result.exit_code != 0
    assert "nope.toml" in result.stderr


def test_config_from_environment(runner, cfg, db_file, monkeypatch):
    monkeypatch.setenv("KAMBOT_CONFIG", str(cfg))
    result = kambot(runner, None, "init-db")
    assert result.exit_code == 0, result.output
    assert str(db_file) in result.stdout
    assert db_file.exists()
    monkeypatch.setenv("KAMBOT_CONFIG", str(cfg.parent / "missing.toml"))
    assert kambot(runner, None, "check-config").exit_code != 0


def test_several_web_processes_on_sqlite_must_leave_handling_to_the_worker(runner, cfg):
    assert kambot(runner, cfg, "init-db").exit_code == 0
    result = runner.invoke(main, ["serve", "--workers", "2", "--port", str(free_port()), "--config", str(cfg)])
    assert result.exit_code != 0
    assert "--workers > 1 on SQLite needs --web-only, beside one `kambot worker`" in result.output


@pytest.mark.slow
def test_serve_without_line_credentials(runner, cfg, tmp_path):
    assert kambot(runner, cfg, "init-db").exit_code == 0
    port = free_port()
    log_path = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if k != "KAMBOT_CONFIG"}
    with open(log_path, "wb") as log:
        process = subprocess.Popen([str(KAMBOT), "serve", "--config", str(cfg), "--port", str(port)],
                                   stdout=log, stderr=subprocess.STDOUT, env=env, cwd=tmp_path)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30  # generous: a busy 2-core machine starts gunicorn slowly
        status = None
        while time.monotonic() < deadline:
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:
                    status = response.status
                    health = json.loads(response.read())
                break
            except OSError:  # refused while starting, or a read timeout under load
                time.sleep(0.2)
        assert status == 200, log_path.read_text(errors="replace")
        assert "inbox" in health and "outbox" in health

        request = urllib.request.Request(f"{base}/callback", data=b'{"events": []}', method="POST",
                                         headers={"Content-Type": "application/json", "X-Line-Signature": "x"})
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(request, timeout=5)
        assert error.value.code == 503
        assert "line.channel_secret" in error.value.read().decode()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
    log_text = log_path.read_text(errors="replace")
    assert "LINE settings missing: line.channel_secret, line.channel_access_token" in log_text
    assert process.returncode == 0, log_text
