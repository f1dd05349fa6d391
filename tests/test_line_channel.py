"""Going live (issue 18): `check-config` asks LINE about the channel and its webhook through the real SDK
client, and `kambot line webhook set URL` sets the endpoint and has LINE test it against our server."""
from __future__ import annotations

import threading

import pytest
from click.testing import CliRunner
from werkzeug.serving import make_server

from bot.cli import main
from line_wire import SECRET, TOKEN


@pytest.fixture
def runner(monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    monkeypatch.delenv("KAMBOT_DEBUG", raising=False)
    return CliRunner()


def write_config(tmp_path, db_url: str, api_host: str, *, token: str = TOKEN, public_url: str = ""):
    path = tmp_path / "kambot.toml"
    server = f'[server]\npublic_url = "{public_url}"\n' if public_url else ""
    path.write_text(f'[line]\nchannel_secret = "{SECRET}"\nchannel_access_token = "{token}"\napi_host = "{api_host}"\n'
                    f'connect_timeout = 1\nread_timeout = 2\n[database]\nurl = "{db_url}"\n{server}', encoding="utf-8")
    return path


def run(runner, config, *args):
    return runner.invoke(main, ["--config", str(config), *args], catch_exceptions=False)


def test_check_config_names_the_bot_and_checks_the_webhook_url(runner, tmp_path, db_url, engine, line):
    config = write_config(tmp_path, db_url, line.url, public_url="https://kam.example.co.th")
    line.bot_name, line.basic_id = "PEA Key Accounts", "@123abcde"

    unset = run(runner, config, "check-config")
    assert unset.exit_code == 1
    assert "LINE channel: PEA Key Accounts (@123abcde), token accepted" in unset.stdout
    assert ("webhook: LINE calls (none), expected https://kam.example.co.th/callback ([server] public_url + /callback); "
            "`kambot line webhook set https://kam.example.co.th/callback`") in unset.stderr

    line.webhook_endpoint, line.webhook_active = "https://kam.example.co.th/callback", False
    inactive = run(runner, config, "check-config")
    assert inactive.exit_code == 1 and "is set but not active" in inactive.stderr

    line.webhook_active = True
    good = run(runner, config, "check-config")
    assert good.exit_code == 0, good.stderr
    assert "webhook: https://kam.example.co.th/callback, active" in good.stdout
    assert {call.path for call in line.calls} == {"/v2/bot/info", "/v2/bot/channel/webhook/endpoint"}

    line.calls.clear()
    offline = run(runner, config, "check-config", "--offline")
    assert offline.exit_code == 0 and "LINE channel" not in offline.stdout and line.calls == []


def test_a_refused_token_or_unreachable_line_is_one_line_and_fails(runner, tmp_path, db_url, engine, line):
    refused = run(runner, write_config(tmp_path, db_url, line.url, token="not-the-token"), "check-config")
    assert refused.exit_code == 1
    assert refused.stderr.strip().splitlines() == [
        "PROBLEM: LINE refused the token (401): check [line] channel_access_token "
        "(LINE Developers console, Messaging API tab, channel access token)"]

    gone = line.url
    line.stop()
    unreachable = run(runner, write_config(tmp_path, db_url, gone), "check-config")
    assert unreachable.exit_code == 1
    [problem] = unreachable.stderr.strip().splitlines()
    assert problem.startswith(f"PROBLEM: LINE is not reachable at {gone} (")
    assert "Traceback" not in unreachable.output


@pytest.fixture
def live_server(bot):
    """The bot's own web app on a real port, for LINE's webhook test to reach."""
    server = make_server("127.0.0.1", 0, bot.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


def test_webhook_set_points_the_channel_at_the_url_and_reports_lines_test(runner, tmp_path, db_url, bot, line,
                                                                          live_server):
    line.channel_secret = SECRET  # LINE signs its test event with the channel secret, as it signs every event
    config = write_config(tmp_path, db_url, line.url)
    url = f"{live_server}/callback"
    result = run(runner, config, "line", "webhook", "set", url)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [f"webhook set to {url}", "LINE's test: success, our server answered 200"]
    assert (line.webhook_endpoint, line.webhook_active) == (url, True)

    line.channel_secret = "another channel's secret"  # our server refuses the signature
    refused = run(runner, config, "line", "webhook", "set", url)
    assert refused.exit_code == 1
    assert refused.stderr.startswith("LINE's test failed: status 400, ERROR_STATUS_CODE: ")

    closed = run(runner, config, "line", "webhook", "set", "http://127.0.0.1:9/callback")
    assert closed.exit_code == 1
    assert closed.stderr.startswith("LINE's test failed: status 0, COULD_NOT_CONNECT: ")


def test_webhook_set_without_credentials_says_which(runner, tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text("", encoding="utf-8")
    result = run(runner, config, "line", "webhook", "set", "https://kam.example.co.th/callback")
    assert result.exit_code == 1
    assert "LINE settings missing: line.channel_secret, line.channel_access_token" in result.stderr
