"""`kambot worker --without-sender` beside `kambot sender`: handling and the LINE calls (answers,
photo downloads) in two processes, a core each, and every answer reaches LINE once."""
from __future__ import annotations

import contextlib
import re
import subprocess
import sys
import threading
import time
from datetime import datetime, timezone

import pytest
import requests
from sqlalchemy import event as sa_event
from sqlmodel import select

from bot.config import parse_config
from bot.line.sender import LineSender
from handlers.rules.message_quota import month_of
from storage import message_quota, outbox
from storage.db import session_scope
from storage.models import InboxEvent, Media, OutboxMessage

from line_wire import SECRET, TOKEN, free_port, postback_event, sign, webhook_body
from procs import ROOT, customer_id, web_only_server, write_config

pytestmark = pytest.mark.slow
JPEG = b"\xff\xd8\xff\xe0" + b"a photo of the tripped breaker" * 10
WRITES = re.compile(r"^\s*(BEGIN IMMEDIATE|UPDATE|INSERT|DELETE)|FOR UPDATE", re.IGNORECASE)


def _kambot(config, *args: str, log) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "bot.cli", *args, "--config", str(config)], cwd=ROOT,
                            stdout=open(log, "ab"), stderr=subprocess.STDOUT)


def _stop(*processes) -> None:
    for process in processes:
        if process is not None and process.poll() is None:
            process.terminate()
            process.wait(timeout=20)


def _wait(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_the_worker_without_sender_handles_and_the_sender_process_sends_each_answer_once(engine, db_url, line,
                                                                                          tmp_path):
    users, events = 3, 9
    config, server = web_only_server(engine, db_url, line.url, tmp_path, users=users)
    worker = sender = None
    try:
        server.start()
        worker = _kambot(config, "worker", "--without-sender", log=tmp_path / "worker.log")
        burst = [postback_event(customer_id(n % users), n, "a=status") for n in range(events)]
        line.content["m-photo"] = (JPEG, "image/jpeg")
        photo = {"type": "message", "mode": "active", "timestamp": int(time.time() * 1000),
                 "source": {"type": "user", "userId": customer_id(0)}, "webhookEventId": "01SEPARATESENDERPHOTO0001",
                 "deliveryContext": {"isRedelivery": False}, "replyToken": "rt-photo",
                 "message": {"type": "image", "id": "m-photo", "contentProvider": {"type": "line"}}}
        for one in [*burst, photo]:
            body = webhook_body([one])
            assert requests.post(f"{server.base}/callback", data=body, timeout=10,
                                 headers={"X-Line-Signature": sign(body, SECRET)}).status_code == 200

        def handled() -> bool:
            with session_scope(engine) as session:
                return len(session.exec(select(InboxEvent).where(InboxEvent.status == "done")).all()) == events + 1
        assert _wait(handled), (tmp_path / "worker.log").read_text()
        time.sleep(0.5)
        assert line.replies == [] and line.pushes == []  # answered, but left in the outbox for the sender
        assert _media_status(engine) == "pending"  # and the photo is not fetched either


        sender = _kambot(config, "sender", log=tmp_path / "sender.log")
        assert _wait(lambda: len(line.replies) >= events + 1), (tmp_path / "sender.log").read_text()
        assert _wait(lambda: _media_status(engine) == "stored"), (tmp_path / "sender.log").read_text()
        time.sleep(1)
    finally:
        _stop(sender, worker)
        server.stop()
    assert sorted(reply["replyToken"] for reply in line.replies) == sorted(one["replyToken"] for one in [*burst, photo])
    # The customers have nothing open: each is told so, in Thai, with the menu's buttons.
    first = line.replies[0]["messages"][0]
    assert "ไม่มีเรื่อง" in first["text"] and first["quickReply"]["items"]
    with session_scope(engine) as session:
        assert {row.status for row in session.exec(select(OutboxMessage))} == {"sent"}


def _media_status(engine) -> str | None:
    with session_scope(engine) as session:
        media = session.exec(select(Media)).first()
    return media.status if media else None


def test_a_second_sender_on_one_sqlite_file_is_refused_with_the_holder_named(tmp_path, line):
    db = tmp_path / "kambot.sqlite3"
    config = write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line.url,
                          db_url=f"sqlite:///{db}", port=free_port())
    subprocess.run([sys.executable, "-m", "bot.cli", "init-db", "--config", str(config)], cwd=ROOT, check=True,
                   capture_output=True)
    worker = _kambot(config, "worker", log=tmp_path / "worker.log")  # sends too, so it holds the sender's lock
    try:
        assert _wait(lambda: "worker running" in (tmp_path / "worker.log").read_text())
        second = subprocess.run([sys.executable, "-m", "bot.cli", "sender", "--config", str(config)], cwd=ROOT,
                                capture_output=True, text=True, timeout=60)
    finally:
        _stop(worker)
    assert second.returncode == 1
    assert "kambot sender" in second.stderr and f"pid {worker.pid}" in second.stderr
    assert "SQLite takes one at a time" in second.stderr


def test_the_sender_refuses_to_start_without_the_line_settings(tmp_path):
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "k.sqlite3"}"\n')
    subprocess.run([sys.executable, "-m", "bot.cli", "init-db", "--config", str(config)], cwd=ROOT, check=True,
                   capture_output=True)
    started = subprocess.run([sys.executable, "-m", "bot.cli", "sender", "--config", str(config)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert started.returncode == 1
    assert "the sender needs the LINE settings" in started.stderr and "line.channel_access_token" in started.stderr


@contextlib.contextmanager
def _sender_alone(engine, line):
    """A sender pumping with nobody to wake it, as in `kambot sender`; yields the write statements
    it makes (SQLite's write lock, or PostgreSQL's row locks and changes)."""
    config = parse_config({"line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url},
                           "database": {"url": str(engine.url)}})
    writes = []
    sa_event.listen(engine, "before_cursor_execute", lambda _c, _cursor, statement, *_: WRITES.search(statement)
                    and writes.append(statement))
    sender = LineSender(config, engine, lambda: datetime.now(timezone.utc))
    stopping, never_set = threading.Event(), threading.Event()
    pump = threading.Thread(target=sender.pump, args=(stopping, never_set), kwargs={"poll": 0.02})
    pump.start()
    try:
        time.sleep(0.3)  # its first look claims, as after any start
        yield writes
    finally:
        stopping.set()
        pump.join(timeout=10)
        sender.close()


def _enqueue_now(engine, to_user: str, text: str, **priority) -> None:
    with session_scope(engine) as session:  # as a handler in another process would
        outbox.enqueue(session, to_user=to_user, chunks=[[{"type": "text", "text": text}]],
                       now=datetime.now(timezone.utc), **priority)


def test_a_sender_on_its_own_finds_new_messages_by_reading_and_writes_only_to_send(engine, line):
    """Nobody wakes it: it looks every alone_poll_seconds. Looks that find nothing take no write lock
    (on SQLite a BEGIN IMMEDIATE each, 20 a second, would queue behind the handlers for nothing)."""
    with _sender_alone(engine, line) as writes:
        idle_writes = len(writes)
        time.sleep(0.5)  # about 25 looks
        assert len(writes) == idle_writes
        _enqueue_now(engine, "Ucust1", "สวัสดีค่ะ")
        assert _wait(lambda: len(line.pushes) == 1, timeout=5)
    assert line.pushes[0]["to"] == "Ucust1" and line.pushes[0]["messages"][0]["text"] == "สวัสดีค่ะ"


def test_a_sender_on_its_own_does_not_take_the_write_lock_for_routine_messages_it_holds(engine, line):
    """The month's allowance runs short: a routine digest waits, maybe for days. Its looks stay reads
    (not a write transaction 20 times a second), and an urgent message still goes at once."""
    now = datetime.now(timezone.utc)
    with session_scope(engine) as session:
        message_quota.record(session, message_quota.reading(month_of(now), limit=500, used=490, now=now))
    _enqueue_now(engine, "Ukamr1", "สรุปเรื่องร้องเรียน", priority="routine")
    with _sender_alone(engine, line) as writes:
        idle_writes = len(writes)
        time.sleep(0.5)  # about 25 looks
        assert len(writes) == idle_writes and line.pushes == []
        _enqueue_now(engine, "Ucust1", "ไฟดับ รับเรื่องแล้วค่ะ")
        assert _wait(lambda: len(line.pushes) == 1, timeout=5)
    assert [push["to"] for push in line.pushes] == ["Ucust1"]
