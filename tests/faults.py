"""Storage that fails for a while, at the database driver: the same exception class the driver
raises for a full disk, a locked file or a dropped connection, so everything above it (SQLAlchemy,
our code) runs for real."""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Engine


class Fault:
    def __init__(self, engine: Engine, statement_start: str, times: int | None, kind: str, message: str | None,
                 after: int = 0):
        self.statement_start, self.times, self.kind, self.after = statement_start.upper(), times, kind, after
        self.message = message or ("disk I/O error" if kind == "OperationalError" else "bad statement")
        self.dbapi = engine.dialect.loaded_dbapi
        self.raised = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(self.statement_start) and (self.times is None or self.raised < self.times):
            if self.after:
                self.after -= 1
                return statement, parameters
            self.raised += 1
            raise getattr(self.dbapi, self.kind)(self.message)
        return statement, parameters


@contextmanager
def storage_fails(engine: Engine, statement_start: str, *, times: int | None = None,
                  kind: str = "OperationalError", message: str | None = None, after: int = 0) -> Iterator[Fault]:
    """Statements starting with statement_start fail (the first `times`, or all) while inside;
    `after`: that many of them pass first."""
    fault = Fault(engine, statement_start, times, kind, message, after)
    event.listen(engine, "before_cursor_execute", fault, retval=True)
    try:
        yield fault
    finally:
        event.remove(engine, "before_cursor_execute", fault)


def write_cli_config(path, bot) -> str:
    """A config file for `kambot` commands that use the test's database."""
    path.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")
    return str(path)


def handle_all_at_once(bot, users: list[str], *, hold_table: str) -> None:
    """Handle each user's stored events in its own thread at the same moment. On PostgreSQL, writes
    to `hold_table` are held until every handler is waiting on a lock: the worst interleaving,
    every time. Then the outbox is drained."""
    from bot.line.processing import process_user

    postgres = bot.engine.dialect.name == "postgresql"
    blocker = bot.engine.connect() if postgres else None
    if postgres:
        blocker.begin()
        blocker.execute(text(f"LOCK TABLE {hold_table} IN EXCLUSIVE MODE"))
    threads = [threading.Thread(target=process_user, args=(bot.engine, bot.config, user, lambda: bot.now))
               for user in users]
    for thread in threads:
        thread.start()
    if postgres:
        deadline = time.monotonic() + 10
        while _waiting_locks(bot.engine) < len(users) and time.monotonic() < deadline:
            time.sleep(0.02)
        blocker.rollback()
        blocker.close()
    for thread in threads:
        thread.join(timeout=30)
    bot.drain()


def _waiting_locks(engine: Engine) -> int:
    with engine.connect() as connection:
        return connection.execute(text(
            "SELECT count(*) FROM pg_locks WHERE NOT granted AND database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())")).scalar_one()
