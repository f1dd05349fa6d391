"""Storage that fails for a while, at the database driver: the same exception class the driver
raises for a full disk, a locked file or a dropped connection, so everything above it (SQLAlchemy,
our code) runs for real."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine


class Fault:
    def __init__(self, engine: Engine, statement_start: str, times: int | None, kind: str, message: str | None):
        self.statement_start, self.times, self.kind = statement_start.upper(), times, kind
        self.message = message or ("disk I/O error" if kind == "OperationalError" else "bad statement")
        self.dbapi = engine.dialect.loaded_dbapi
        self.raised = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith(self.statement_start) and (self.times is None or self.raised < self.times):
            self.raised += 1
            raise getattr(self.dbapi, self.kind)(self.message)
        return statement, parameters


@contextmanager
def storage_fails(engine: Engine, statement_start: str, *, times: int | None = None,
                  kind: str = "OperationalError", message: str | None = None) -> Iterator[Fault]:
    """Statements starting with statement_start fail (the first `times`, or all) while inside."""
    fault = Fault(engine, statement_start, times, kind, message)
    event.listen(engine, "before_cursor_execute", fault, retval=True)
    try:
        yield fault
    finally:
        event.remove(engine, "before_cursor_execute", fault)


def write_cli_config(path, bot) -> str:
    """A config file for `kambot` commands that use the test's database."""
    path.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")
    return str(path)
