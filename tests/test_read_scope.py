"""The worker's frequent looks (new events, the sweep, people waiting) read without queueing behind
writers: in a storm a handler holding the write gate made every look wait, and every look held the
gate in turn."""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest

from storage import inbox
from storage.db import read_scope, session_scope
from storage.models import InboxEvent

NOW = datetime(2026, 12, 3, 7, 0, tzinfo=timezone.utc)


def _store(session, user: str, event_id: str) -> None:
    session.add(InboxEvent(event_id=event_id, user_key=user, event_type="message", payload={},
                           received_at=NOW))  # as the webhook stores it: never tried


def test_a_look_for_new_events_goes_on_while_a_handler_holds_the_database(engine):
    with session_scope(engine) as session:
        _store(session, "Ucust1", "e-1")
    writing, looked = threading.Event(), threading.Event()

    def long_handler() -> None:
        with session_scope(engine) as session:  # the write gate, and SQLite's write lock, until it ends
            _store(session, "Ucust2", "e-2")
            session.flush()
            writing.set()
            looked.wait(10)

    handler = threading.Thread(target=long_handler)
    handler.start()
    try:
        assert writing.wait(10)
        with read_scope(engine) as session:
            rows, _ = inbox.pending_since(session, 0)
        assert [key for _, key in rows] == ["Ucust1"]  # the last commit: the handler's uncommitted event is not seen
    finally:
        looked.set()
        handler.join(10)
    with read_scope(engine) as session:
        assert sorted(key for _, key in inbox.pending_since(session, 0)[0]) == ["Ucust1", "Ucust2"]


def test_nothing_written_in_a_read_scope_is_kept(engine):
    with pytest.raises(Exception), read_scope(engine) as session:
        _store(session, "Ucust1", "e-3")
        session.flush()
        raise RuntimeError("a look that wrote")
    with read_scope(engine) as session:
        _store(session, "Ucust1", "e-4")
        session.flush()
    with read_scope(engine) as session:
        assert inbox.pending_since(session, 0)[0] == []
