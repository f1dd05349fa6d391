"""Checks before a server or worker starts: the port is free, and no twin already runs on the same SQLite file."""
from __future__ import annotations

import errno
import fcntl
import os
import socket
from pathlib import Path

import click
from sqlalchemy.engine import make_url

from bot.config import Config


def require_free_port(host: str, port: int) -> None:
    """gunicorn alone would retry for seconds and end with "Can't connect"; say what to do instead."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as gunicorn binds: TIME_WAIT is no reason
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                raise click.ClickException(
                    f"port {port} on {host} is already in use (another `kambot serve`?): stop that one, "
                    f"or choose another port with --port {port + 1}") from None
            raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror}") from None


def hold_sqlite_lock(config: Config, role: str) -> int | None:
    """An exclusive lock on `<database>.<role>-lock` for the life of the process (the kernel drops it when
    the process ends, however it ends). SQLite takes one web server and one worker per file: a second
    one would run a second scheduler and sender on the same rows. None for PostgreSQL (no limit)."""
    url = config.database.url
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    if not database or database == ":memory:":
        return None
    path = Path(f"{database}.{role}-lock")
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(handle, 200).decode(errors="replace").strip() or "another process"
        os.close(handle)
        raise click.ClickException(
            f"{holder} already runs on {database} (lock {path}); SQLite takes one at a time: stop it, "
            "or move to PostgreSQL (database.url) to run several") from None
    os.ftruncate(handle, 0)
    os.write(handle, f"kambot {role} (pid {os.getpid()})".encode())
    return handle
