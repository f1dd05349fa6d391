"""The config file: defaults without one, and every mistake named by its key."""
from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import DEFAULT_DB_URL, ConfigError, load_config, parse_config
from handlers.rules.entitlement import offers_for

REPO = Path(__file__).resolve().parent.parent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kambot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_gives_defaults(monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    config = load_config(None)
    assert config.database.url == DEFAULT_DB_URL
    assert config.database.url.startswith("sqlite:///")
    assert config.missing_settings() == ["line.channel_secret", "line.channel_access_token"]


def test_env_variable_names_the_file(monkeypatch, tmp_path):
    path = write(tmp_path, '[server]\nport = 9001\n')
    monkeypatch.setenv("KAMBOT_CONFIG", str(path))
    assert load_config(None).server.port == 9001


def test_wrong_type_names_the_key(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, '[server]\nport = "x"\n'))
    assert "server.port" in str(error.value)


def test_unknown_key_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, '[line]\nchannel_secrett = "abc"\n'))
    message = str(error.value)
    assert "line.channel_secrett" in message
    assert "unknown" in message


def test_unknown_section_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, '[lien]\nchannel_secret = "abc"\n'))
    assert "lien" in str(error.value) and "unknown" in str(error.value)


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path, "[server\nport = 1\n")
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert str(path) in str(error.value)
    assert "TOML" in str(error.value)


def test_missing_file_is_a_clear_message(tmp_path):
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert "not found" in str(error.value)
    assert str(path) in str(error.value)


def test_unsupported_database_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, '[database]\nurl = "mysql://user@localhost/kambot"\n'))
    assert "database.url" in str(error.value)


def test_bad_holiday_date_is_named(tmp_path):
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, '[calendar]\nextra_holidays = {"2026-13-01" = "x"}\n'))
    assert "calendar.extra_holidays" in str(error.value)
    assert "2026-13-01" in str(error.value)


def test_good_file_overrides_defaults(tmp_path):
    config = load_config(write(tmp_path, '[line]\nchannel_secret = "s"\nchannel_access_token = "t"\n'
                                         '[database]\nurl = "postgresql://kambot@db/kambot"\n'
                                         '[calendar]\nextra_holidays = {"2026-12-30" = "x"}\n'))
    assert config.missing_settings() == []
    assert config.database.url == "postgresql://kambot@db/kambot"
    assert config.calendar.extra_holidays == {"2026-12-30": "x"}


def test_example_config_loads():
    example = REPO / "config.example.toml"
    if not example.exists():
        pytest.skip("config.example.toml not written yet")
    config = load_config(example)
    assert config.server.port >= 1


def test_service_catalogue_and_quota_errors_name_the_key():
    with pytest.raises(ConfigError, match=r"services\.catalogue\.0\.tiers: .*must list tiers from strategic"):
        parse_config({"services": {"catalogue": [{"code": "FMS2", "name_th": "x", "tiers": ["gold"]}]}})
    twice = {"code": "FMS2", "name_th": "x", "tiers": ["star"]}
    with pytest.raises(ConfigError, match=r"services\.catalogue: .*repeated: FMS2"):
        parse_config({"services": {"catalogue": [twice, twice]}})
    with pytest.raises(ConfigError, match=r"quotas\.year_start_month: "):
        parse_config({"quotas": {"year_start_month": 13}})
    with pytest.raises(ConfigError, match=r"reminders\.quota_digest_weekday: .*mon, tue"):
        parse_config({"reminders": {"quota_digest_weekday": "monday"}})


def test_example_catalogue_replaces_the_built_in_one(tmp_path):
    # The example lists the whole built-in catalogue (it changes nothing by itself); its first three
    # entries alone are a catalogue that replaces the built-in one.
    example = (REPO / "config.example.toml").read_text(encoding="utf-8")
    entries = example.split("\n[[services.catalogue]]\n")[1:4]
    config = load_config(write(tmp_path, "".join(f"[[services.catalogue]]\n{entry}" for entry in entries)))
    assert [o.code for o in config.services.catalogue] == ["FMS2", "FMS3", "MAINT"]
    assert [o.code for o in offers_for(config.services, "streamline")] == ["FMS2"]
    assert config.quotas.year_rule("office_manager") == 24


def test_claim_lease_shorter_than_a_call_is_refused_naming_the_keys():
    with pytest.raises(ConfigError) as error:
        parse_config({"outbox": {"claim_lease_seconds": 12}, "line": {"connect_timeout": 3, "read_timeout": 10}})
    assert str(error.value) == (
        "invalid configuration: outbox.claim_lease_seconds (12) must be longer than line.connect_timeout + "
        "line.read_timeout (13): a call still in flight would be taken and sent again")
    assert parse_config({"outbox": {"claim_lease_seconds": 14}}).outbox.claim_lease_seconds == 14
