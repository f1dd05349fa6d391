"""Every SQL statement a piece of work sends to the database, as the driver gets it."""
from __future__ import annotations

from sqlalchemy import event


def statements_while(engine, work) -> list[str]:
    seen = []

    def note(conn, cursor, statement, params, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", note)
    return seen
