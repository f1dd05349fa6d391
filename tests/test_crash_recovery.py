"""kill -9 of the real server (gunicorn master and worker) in the middle of a webhook burst.

After a restart and LINE's redelivery of what was not acknowledged, every event is handled
exactly once and every answer reaches LINE exactly once, counted at the LINE stand-in.
"""
from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlmodel import select

from bot.demo.line_standin import LineStandIn
from storage.db import session_scope
from storage.models import InboxEvent, OutboxMessage

from line_wire import SECRET, TOKEN, free_port, postback_event, sign, webhook_body
from procs import ServerProcess, customer_id, seed_customers, write_config

pytestmark = pytest.mark.slow
USERS = 20
EVENTS = 240


def _post(base: str, event: dict) -> int:
    body = webhook_body([event])
    try:
        return requests.post(f"{base}/callback", data=body, timeout=5,
                             headers={"X-Line-Signature": sign(body, SECRET), "Content-Type": "application/json"}).status_code
    except requests.RequestException:
        return 0  # no answer: LINE would redeliver


def test_kill_9_mid_burst_loses_nothing_and_sends_nothing_twice(engine, db_url, tmp_path):
    seed_customers(engine, USERS)
    line = LineStandIn(access_token=TOKEN, delay=0.2).start()  # slow LINE: answers are in flight at the kill
    server = ServerProcess(
        write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line.url, db_url=db_url,
                     port=free_port(), outbox={"claim_lease_seconds": 2, "poll_seconds": 0.2},
                     line={"connect_timeout": 0.5, "read_timeout": 1}),
        log=tmp_path / "server.log",
    ).start()
    try:
        events = []
        for n in range(EVENTS):
            user = customer_id(n % USERS)
            events.append(postback_event(user, n, "a=status" if n % 3 else "a=contact"))
            line.register_reply_token(events[-1]["replyToken"], user)
        statuses: dict[int, int] = {}
        accepted = threading.Event()

        def post(n: int) -> None:
            statuses[n] = _post(server.base, events[n])
            if sum(1 for s in statuses.values() if s == 200) >= EVENTS // 3:
                accepted.set()

        with ThreadPoolExecutor(8) as pool:
            futures = [pool.submit(post, n) for n in range(EVENTS)]
            assert accepted.wait(30)
            server.kill9()
            for future in futures:
                future.result()
        acked_before_kill = [n for n, s in statuses.items() if s == 200]
        assert EVENTS // 3 <= len(acked_before_kill) < EVENTS  # the kill landed mid-burst

        server.start()
        for n in range(EVENTS):  # LINE redelivers what got no 200, and a few that did
            if statuses[n] != 200 or n % 10 == 0:
                assert _post(server.base, events[n]) == 200
        per_user = Counter(event["source"]["userId"] for event in events)

        def all_delivered() -> bool:
            return all(len(line.messages_to(user)) >= count for user, count in per_user.items())

        assert line.wait_for(all_delivered, timeout=60)
        time.sleep(3)  # longer than the claim lease: anything that would go twice has had its chance
    finally:
        server.stop()
        line.stop()

    assert {user: len(line.messages_to(user)) for user in per_user} == dict(per_user)
    tokens = Counter(call.json["replyToken"] for call in line.calls if call.kind == "reply" and call.status == 200)
    assert max(tokens.values()) == 1
    keys = Counter(call.headers["x-line-retry-key"] for call in line.calls if call.kind == "push" and call.status == 200)
    assert not keys or max(keys.values()) == 1
    with session_scope(engine) as session:
        stored = session.exec(select(InboxEvent.event_id, InboxEvent.status)).all()
        sent = session.exec(select(OutboxMessage.kind, OutboxMessage.status)).all()
    assert sorted(stored) == sorted((event["webhookEventId"], "done") for event in events)
    assert Counter(status for kind, status in sent if kind == "message") == {"sent": EVENTS}
    # Each contact's LINE name asked for once (issue 14), in the transaction of their first event.
    assert Counter(status for kind, status in sent if kind == "get_profile") == {"sent": USERS}
