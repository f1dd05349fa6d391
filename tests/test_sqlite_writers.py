"""SQLite writers in two processes (`serve --web-only` beside `kambot worker`) queue on a lock
file beside the database, and the webhook's inbox write goes before a handler that queued after it."""
from __future__ import annotations

import multiprocessing
from contextlib import nullcontext
import time
from datetime import datetime, timezone

import pytest
from sqlmodel import SQLModel, select

from storage import inbox
from storage.db import make_engine, session_scope, urgent
from storage.models import InboxEvent


def _store(url: str, name: str, *, is_urgent: bool = False, holding=None, release=None) -> None:
    engine = make_engine(url)
    row = {"event_id": name, "user_key": "U1", "event_type": "message", "payload": {}}
    with urgent() if is_urgent else nullcontext(), session_scope(engine) as session:
        inbox.add_events(session, [row], now=datetime.now(timezone.utc))
        if holding is not None:
            holding.set()
            release.wait(20)


@pytest.mark.slow
def test_webhook_write_goes_before_a_handler_that_queued_after_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'kambot.sqlite3'}"
    engine = make_engine(url)
    SQLModel.metadata.create_all(engine)
    spawn = multiprocessing.get_context("spawn")
    holding, release = spawn.Event(), spawn.Event()
    handler = spawn.Process(target=_store, args=(url, "handler-holding"), kwargs={"holding": holding, "release": release})
    handler.start()
    assert holding.wait(30)
    webhook = spawn.Process(target=_store, args=(url, "webhook"), kwargs={"is_urgent": True})
    webhook.start()
    time.sleep(1.0)  # the webhook's writer is now waiting, holding the "urgent" file
    late = spawn.Process(target=_store, args=(url, "handler-late"))
    late.start()
    time.sleep(1.0)
    release.set()
    for process in (handler, webhook, late):
        process.join(30)
        assert process.exitcode == 0
    with session_scope(engine) as session:
        order = session.exec(select(InboxEvent.event_id).order_by(InboxEvent.id)).all()
    assert order == ["handler-holding", "webhook", "handler-late"]
