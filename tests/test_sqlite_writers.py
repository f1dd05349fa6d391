"""Writers in several processes (`serve --web-only`, with one or more web processes, beside
`kambot worker`): on SQLite they queue on a lock file beside the database, and the webhook's inbox
write goes before a handler that queued after it."""
from __future__ import annotations

import multiprocessing
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import datetime, timezone
from pathlib import Path

import pytest
import requests
from sqlmodel import SQLModel, select

from storage import inbox
from storage.db import make_engine, session_scope, urgent
from storage.models import InboxEvent

from line_wire import SECRET, postback_event, sign, webhook_body
from procs import ROOT, customer_id, web_only_server


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


def _children(pid: int) -> list[int]:
    return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


@pytest.mark.slow
def test_two_web_only_processes_store_a_burst_and_the_worker_answers_each_event_once(engine, db_url, line,
                                                                                       tmp_path):
    """On PostgreSQL, and on one SQLite file too: only the web's inbox writes come from two processes."""
    users, events = 6, 60
    config, server = web_only_server(engine, db_url, line.url, tmp_path, users=users, workers=2)
    worker = None
    try:
        server.start()
        assert len(_children(server.process.pid)) == 2  # gunicorn's master and two web processes
        burst = [postback_event(customer_id(n % users), n, "a=status") for n in range(events)]
        for event in burst:
            line.register_reply_token(event["replyToken"], event["source"]["userId"])

        def post(event: dict) -> int:  # a connection each: gunicorn hands them to either process
            body = webhook_body([event])
            return requests.post(f"{server.base}/callback", data=body, timeout=10,
                                 headers={"X-Line-Signature": sign(body, SECRET)}).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(post, burst)) == {200}
        time.sleep(1)
        assert line.calls == []  # web-only: stored and acknowledged, nothing handled or sent
        worker = subprocess.Popen([sys.executable, "-m", "bot.cli", "worker", "--config", str(config)], cwd=ROOT,
                                  stdout=open(tmp_path / "worker.log", "ab"), stderr=subprocess.STDOUT)
        assert line.wait_for(lambda: len(line.replies) >= events, timeout=40), (tmp_path / "worker.log").read_text()
        time.sleep(1)  # nothing more should come
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=20)
        server.stop()

    assert sorted(r["replyToken"] for r in line.replies) == sorted(e["replyToken"] for e in burst)
    for n in range(users):
        answers = line.messages_to(customer_id(n))
        assert len(answers) == events // users
        assert all(answer.get("text") or answer.get("altText") for answer in answers)
    with session_scope(engine) as session:
        stored = session.exec(select(InboxEvent.event_id, InboxEvent.status)).all()
    assert sorted(stored) == sorted((event["webhookEventId"], "done") for event in burst)
