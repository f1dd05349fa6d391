"""Handling an event reads the person and their dialog state in one query, and asks the inbox once."""
from datetime import timedelta

import pytest

from bot.line.processing import process_user
from statements import statements_while
from storage import conversations, roster
from storage.db import session_scope


def _statements_while(engine, work) -> list[str]:
    return [statement for statement in statements_while(engine, work)
            if not statement.startswith(("BEGIN", "SELECT pg_advisory"))]


def test_a_status_tap_takes_five_statements_and_the_person_still_gets_their_answer(org):
    bot = org
    bot.post([bot.tap_event("Ucust1", "a=status")])
    statements = _statements_while(bot.engine, lambda: process_user(bot.engine, bot.config, "Ucust1",
                                                                    lambda: bot.now))
    # The inbox (its event and whether another waits), the person with their state, their tickets,
    # the event marked done, the reply queued.
    assert len(statements) == 5, statements
    assert sum("FROM inboxevent" in s for s in statements) == 1
    bot.drain()
    assert bot.last_to("Ucust1")["quickReply"]["items"]


def test_the_person_and_state_come_whether_or_not_each_exists(org):
    bot = org
    timeout = timedelta(minutes=30)
    with session_scope(bot.engine) as session:
        state, contact, staff = conversations.load_with_person(session, "Ustranger", now=bot.now, timeout=timeout)
        assert (state.user_key, state.flow, contact, staff) == ("Ustranger", "", None, None)
        state, contact, staff = conversations.load_with_person(session, "Ucust1", now=bot.now, timeout=timeout)
        assert contact.id == roster.contact_by_line_user(session, "Ucust1").id and staff is None
        state, contact, staff = conversations.load_with_person(session, "Ukamr1", now=bot.now, timeout=timeout)
        assert contact is None and staff.id == roster.staff_by_line_user(session, "Ukamr1").id
        staff.active = False
        session.add(staff)
        session.flush()
        assert conversations.load_with_person(session, "Ukamr1", now=bot.now, timeout=timeout)[2] is None


def _sqlite_plan(engine, statement, values: dict) -> str:
    from sqlalchemy.dialects import sqlite

    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL plans by its statistics; the statement is the same")
    compiled = statement.compile(dialect=sqlite.dialect())
    params = compiled.construct_params(values)
    with engine.connect() as connection:
        plan = connection.exec_driver_sql("EXPLAIN QUERY PLAN " + str(compiled),
                                          tuple(params[name] for name in compiled.positiontup)).all()
    return " | ".join(row[-1] for row in plan)


def test_the_workers_poll_reads_a_range_of_ids_not_every_pending_event(engine):
    """Given the pending index, SQLite read every pending event and sorted them at each look, 20 a
    second: in a storm's backlog that was a tenth of the worker's CPU."""
    from storage import inbox

    steps = _sqlite_plan(engine, inbox._PENDING_SINCE, {"after": 0, "limit": 2000})
    assert "PRIMARY KEY" in steps and "TEMP B-TREE" not in steps, steps


def test_the_sender_walks_waiting_messages_in_order_and_stops_when_it_has_enough(engine):
    """Given (status, next_attempt_at), each claim read every due message and sorted them: with
    2,000 waiting, 2 ms in the write lock where the walk takes 0.4 ms."""
    from datetime import datetime, timezone

    from storage import outbox

    steps = _sqlite_plan(engine, outbox._claim_query(False, for_update=False),
                         {"now": datetime.now(timezone.utc), "limit": 64})
    assert "ix_outbox_waiting" in steps and "TEMP B-TREE" not in steps, steps


def test_the_look_for_people_waiting_reads_the_pending_index_alone(engine):
    """The loading animation's look (every second) and the sweep group the pending events by person;
    reading each one's row, webhook body and all, was a fifth of a storm's worker CPU."""
    from datetime import datetime, timezone

    from storage import inbox

    now = datetime.now(timezone.utc)
    steps = _sqlite_plan(engine, inbox._oldest_pending(now, now, 200), {})
    searches = [step for step in steps.split(" | ") if "inboxevent" in step]
    assert searches and all("COVERING INDEX ix_inbox_pending" in step for step in searches), steps
