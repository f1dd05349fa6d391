"""Setting kambot up as a new operator does (issue 18): --config anywhere, a database found from any
directory, one line instead of a traceback, and a demo that does not erase real data."""
from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.models import Staff

STAFF_CSV = "staff_code,name,role,office\nK001,สมชาย ใจดี,kamr,PEA-N1\n"


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    monkeypatch.delenv("KAMBOT_DEBUG", raising=False)
    return CliRunner()


@pytest.fixture
def site(tmp_path):
    """A config file whose SQLite path is relative (to the file's folder), and a staff CSV."""
    folder = tmp_path / "site"
    folder.mkdir()
    config = folder / "kambot.toml"
    config.write_text('[database]\nurl = "sqlite:///data/kambot.sqlite3"\n', encoding="utf-8")
    staff = folder / "staff.csv"
    staff.write_text(STAFF_CSV, encoding="utf-8")
    return config, staff, folder / "data" / "kambot.sqlite3"


def run(runner, *args):
    return runner.invoke(main, list(args), catch_exceptions=False)


def staff_codes(db_file) -> list[str]:
    engine = make_engine(f"sqlite:///{db_file}")
    with session_scope(engine) as session:
        codes = [s.staff_code for s in session.exec(select(Staff))]
    engine.dispose()
    return codes


def test_config_goes_before_or_after_the_subcommand(runner, site, tmp_path, monkeypatch):
    config, staff, db_file = site
    monkeypatch.chdir(tmp_path)  # another directory: the database is still the one beside the config
    assert run(runner, "--config", str(config), "init-db").exit_code == 0
    assert db_file.exists()
    assert run(runner, "import", "--config", str(config), "staff", str(staff)).exit_code == 0
    assert run(runner, "--config", str(config), "import", "staff", str(staff)).exit_code == 0
    after = run(runner, "import", "staff", str(staff), "--config", str(config))
    assert after.exit_code == 0 and "0 created, 1 updated" in after.stdout
    assert staff_codes(db_file) == ["K001"]
    checked = run(runner, "--config", str(config), "check-config")
    assert checked.exit_code == 0 and str(db_file) in checked.stdout
    assert not (tmp_path / "var").exists()  # the default database was never touched


def test_demo_and_chat_take_config_in_every_position(runner, site, tmp_path, monkeypatch):
    config, _, db_file = site
    monkeypatch.chdir(tmp_path)
    assert run(runner, "--config", str(config), "demo").exit_code == 0
    for argv in (["--config", str(config), "demo", "who"], ["demo", "--config", str(config), "who"],
                 ["demo", "who", "--config", str(config)]):
        result = run(runner, *argv)
        assert result.exit_code == 0, (argv, result.output)
        assert "K001" in result.stdout
    assert not (tmp_path / "var").exists()
    chat = run(runner, "chat", "--as", "K001", "--config", str(config), "--session", str(tmp_path / "none.json"))
    assert chat.exit_code == 1
    assert "start `kambot demo serve` first" in chat.stderr  # --config accepted; no server yet
    assert run(runner, "--config", str(config), "chat", "--as", "K001",
               "--session", str(tmp_path / "none.json")).exit_code == 1


def test_a_command_before_init_db_says_so_in_one_line_and_leaves_no_file(runner, site):
    config, staff, db_file = site
    for argv in (["link-code", "A100"], ["import", "staff", str(staff)], ["outbox"], ["demo", "who"],
                 ["quota", "show"], ["staff", "load"]):
        result = run(runner, "--config", str(config), *argv)
        assert result.exit_code == 1, argv
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert f"--config {config}` first" in result.stderr
        assert "Traceback" not in result.output
    assert not db_file.exists() and not db_file.parent.exists()


def test_an_empty_database_file_is_not_initialised(runner, site):
    config, _, db_file = site
    db_file.parent.mkdir()
    db_file.touch()
    result = run(runner, "--config", str(config), "outbox")
    assert result.exit_code == 1
    assert "is not initialised: run `kambot init-db --config" in result.stderr
    assert run(runner, "--config", str(config), "init-db").exit_code == 0
    assert run(runner, "--config", str(config), "outbox").exit_code == 0


def test_demo_reset_refuses_a_database_with_a_real_roster_unless_yes(runner, site):
    config, staff, db_file = site
    assert run(runner, "--config", str(config), "init-db").exit_code == 0
    assert run(runner, "--config", str(config), "import", "staff", str(staff)).exit_code == 0
    refused = run(runner, "--config", str(config), "demo", "--reset")
    assert refused.exit_code == 1
    assert "did not make" in refused.stderr and "--yes" in refused.stderr
    assert staff_codes(db_file) == ["K001"]  # nothing erased
    forced = run(runner, "--config", str(config), "demo", "--reset", "--yes")
    assert forced.exit_code == 0, forced.output
    assert "erased everything" in forced.stdout
    again = run(runner, "--config", str(config), "demo", "--reset")  # a demo database: no --yes needed
    assert again.exit_code == 0, again.output


def test_an_unexpected_error_is_one_line_and_the_traceback_needs_debug(runner, site, tmp_path):
    config, _, _ = site
    assert run(runner, "--config", str(config), "init-db").exit_code == 0
    nowhere = tmp_path / "no such folder" / "roster.csv"
    result = run(runner, "--config", str(config), "roster", "export", str(nowhere))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: FileNotFoundError: ")
    assert "--debug" in result.stderr and "Traceback" not in result.output
    with pytest.raises(FileNotFoundError):
        run(runner, "--debug", "--config", str(config), "roster", "export", str(nowhere))


def test_check_config_refuses_a_misspelt_time_zone_and_a_missing_key_file(runner, tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text('[bot]\ntimezone = "Asia/Bangkokk"\n', encoding="utf-8")
    result = run(runner, "check-config", "--config", str(config))
    assert result.exit_code == 1
    assert "bot.timezone" in result.stderr and "'Asia/Bangkokk'" in result.stderr
    config.write_text('[sheets]\nservice_account_file = "google-key.json"\n', encoding="utf-8")
    result = run(runner, "check-config", "--config", str(config))
    assert result.exit_code == 1
    assert f"sheets.service_account_file: no file {tmp_path / 'google-key.json'}" in result.stderr
    (tmp_path / "google-key.json").write_text('{"type": "service_account"}', encoding="utf-8")
    assert "has no client_email" in run(runner, "check-config", "--config", str(config)).stderr
    (tmp_path / "google-key.json").write_text('{"client_email": "bot@x.iam.gserviceaccount.com"}', encoding="utf-8")
    assert run(runner, "check-config", "--config", str(config)).exit_code == 0


def test_forms_import_without_forms_says_to_add_a_table(runner, tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path}/k.sqlite3"\n', encoding="utf-8")
    responses = tmp_path / "responses.csv"
    responses.write_text("ประทับเวลา,รหัสบัญชี\n", encoding="utf-8")
    result = run(runner, "--config", str(config), "forms", "import", str(responses), "--form", "outage")
    assert result.exit_code == 1
    assert "no [[forms]] table in the config for form 'outage'" in result.stderr
    assert "none configured" not in result.stderr
