"""Starting the bot (issue 18): a busy port, two servers on one SQLite file, the worker's warnings and
readable job names."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

KAMBOT = Path(sys.executable).parent / "kambot"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def cfg(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    path = tmp_path / "kambot.toml"
    path.write_text('[database]\nurl = "sqlite:///kambot.sqlite3"\n', encoding="utf-8")
    assert CliRunner().invoke(main, ["init-db", "--config", str(path)]).exit_code == 0
    return path


def kambot(cfg: Path, *args: str) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k != "KAMBOT_CONFIG"}
    return subprocess.Popen([str(KAMBOT), "--config", str(cfg), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, env=env, cwd=cfg.parent, text=True)


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate(timeout=5)
    return output


def wait_healthy(port: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 40  # a busy 2-core machine starts gunicorn slowly
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("the server did not answer /healthz")


def test_serve_on_a_busy_port_says_so_and_suggests_another(cfg):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--config", str(cfg)])
    assert result.exit_code == 1
    assert f"port {port} on 127.0.0.1 is already in use" in result.stderr
    assert f"--port {port + 1}" in result.stderr


def test_serve_before_init_db_is_one_line_not_a_worker_that_failed_to_boot(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    path = tmp_path / "kambot.toml"
    path.write_text('[database]\nurl = "sqlite:///kambot.sqlite3"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["serve", "--port", str(free_port()), "--config", str(path)])
    assert result.exit_code == 1
    assert f"run `kambot init-db --config {path}` first" in result.stderr
    assert not (tmp_path / "kambot.sqlite3").exists()


def test_a_second_server_or_worker_on_the_same_sqlite_file_is_refused(cfg):
    port = free_port()
    first = kambot(cfg, "serve", "--port", str(port))
    try:
        wait_healthy(port, first)
        for args in (["serve", "--port", str(free_port())], ["worker"]):
            second = kambot(cfg, *args)
            output, _ = second.communicate(timeout=60)
            assert second.returncode == 1, output
            assert "already runs on" in output and "kambot.sqlite3" in output and "PostgreSQL" in output
            assert "Traceback" not in output
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            assert response.status == 200  # the first one is untouched
    finally:
        output = stop(first)
    assert first.returncode == 0, output
    # Job names as people say them, not build_scheduler.<locals>.guarded.<locals>.run.
    assert 'Added job "outage escalation"' in output and "<locals>" not in output


def test_worker_warns_about_missing_line_settings(cfg):
    worker = kambot(cfg, "worker")
    deadline, seen = time.monotonic() + 40, ""
    try:
        while time.monotonic() < deadline and "worker running" not in seen:
            line = worker.stdout.readline()
            if not line:
                break
            seen += line
    finally:
        seen += stop(worker)
    assert "LINE settings missing: line.channel_secret, line.channel_access_token" in seen
    assert 'Added job "complaint digest"' in seen
    assert worker.returncode == 0, seen
