"""A handler's database error leaves no LINE user id and no statement values in the logs or in the
inbox's error column: only the exception type, where it was raised and the constraint's name."""
from __future__ import annotations

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlmodel import select

from storage.db import session_scope
from storage.models import InboxEvent

from faults import storage_fails

# What PostgreSQL says about a duplicate key: the value itself is on the DETAIL line.
PG_STYLE = ('duplicate key value violates unique constraint "outboxmessage_retry_key_key"\n'
            'DETAIL:  Key (to_user)=(Ucust1) already exists.')
SQLITE_STYLE = "UNIQUE constraint failed: outboxmessage.retry_key ('Ucust1')"


@pytest.mark.parametrize("message", [PG_STYLE, SQLITE_STYLE])
def test_database_error_of_a_handler_is_logged_and_kept_without_personal_data(org, caplog, message):
    bot = org
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", kind="IntegrityError", message=message), \
            caplog.at_level(logging.DEBUG):
        bot.tap("Ucust1", "a=contact")
    with session_scope(bot.engine) as session:
        event = session.exec(select(InboxEvent).order_by(InboxEvent.id.desc())).first()
    assert event.error.startswith("IntegrityError at ")
    assert "outboxmessage" in event.error  # enough for the administrator to find the cause
    assert "Ucust1" not in event.error
    logged = "\n".join(record.getMessage() + (record.exc_text or "") for record in caplog.records)
    assert "IntegrityError" in logged
    assert "Ucust1" not in logged


def test_statement_errors_never_show_their_parameters(engine):
    with pytest.raises(StatementError) as raised, engine.connect() as connection:
        connection.execute(text("SELECT * FROM no_such_table WHERE x = :user"), {"user": "Ucust1"})
    assert "Ucust1" not in str(raised.value)
