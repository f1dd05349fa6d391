"""Two server processes and two schedulers on one PostgreSQL: no job sends anything twice,
no webhook event is answered twice (PostgreSQL only: SQLite allows one writer process)."""
from __future__ import annotations

import re
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone

import pytest
import requests
from sqlmodel import select

from bot.config import parse_config
from bot.line.sender import LineSender
from bot.demo.line_standin import LineStandIn
from storage.db import session_scope
from storage.models import Notification, OutboxMessage, Ticket

import org_factory
from conftest import PG_URL
from line_wire import SECRET, TOKEN, free_port, postback_event, sign, webhook_body
from procs import ServerProcess, customer_id, seed_customers, two_schedulers, write_config

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
NUMBER = re.compile(r"(?:OUT|CMP)-69-\d{6}")


@pytest.fixture
def db_url():
    """PostgreSQL only (conftest's `engine` builds the tables on it): SQLite is one process's database."""
    if not PG_URL:
        pytest.skip("KAMBOT_TEST_PG_URL not set (bash .ci/run starts a PostgreSQL server)")
    return PG_URL


def _numbers_pushed(line: LineStandIn) -> Counter:
    """(recipient, ticket number) for every ticket named in a delivered push."""
    seen = Counter()
    for push in line.pushes:
        for number in set(NUMBER.findall(str(push["messages"]))):
            seen[(push["to"], number)] += 1
    return seen


def test_two_schedulers_in_two_processes_send_each_item_once(engine, line):
    now = datetime(2026, 11, 23, 1, 30, tzinfo=timezone.utc)  # Monday 08:30 in Bangkok: digest time
    org = org_factory.generate(engine, staff=60, accounts=200, tickets=2000, now=now, open_outage_share=0.02)
    assert org.open_outages > 10 and org.complaints_due > 50

    queued = two_schedulers(PG_URL, now, 3)
    config = parse_config({"line": {"channel_secret": SECRET, "channel_access_token": TOKEN, "api_host": line.url},
                           "database": {"url": PG_URL}})
    sender = LineSender(config, engine, lambda: now)
    try:
        while sender.send_due():
            pass
    finally:
        sender.close()

    assert sum(queued) == len(line.pushes) > 0
    seen = _numbers_pushed(line)
    assert max(seen.values()) == 1  # nobody heard of any ticket twice
    with session_scope(engine) as session:
        escalated = session.exec(select(Ticket.number).where(Ticket.escalated_at.is_not(None))).all()
        claims = session.exec(select(Notification.subject_id)).all()
    assert len(escalated) == org.open_outages
    assert {number for _, number in seen if number.startswith("OUT")} == set(escalated)
    assert len({number for _, number in seen if number.startswith("CMP")}) == len(set(claims))
    per_person = Counter(push["to"] for push in line.pushes if "CMP" in str(push["messages"]))
    assert max(per_person.values()) == 1  # one digest push per person and day


def test_two_servers_with_schedulers_escalate_once_and_answer_once(engine, line, tmp_path):
    users, events = 10, 120
    seed_customers(engine, users)
    now = datetime.now(timezone.utc)
    org = org_factory.generate(engine, staff=40, accounts=40, tickets=300, now=now - timedelta(minutes=1),
                               open_outage_share=0.05, complaint_share=0)
    servers = [ServerProcess(write_config(tmp_path / f"kambot{i}.toml", secret=SECRET, token=TOKEN, line_url=line.url,
                                          db_url=PG_URL, port=free_port(), escalation={"check_every_seconds": 5},
                                          outbox={"poll_seconds": 0.2}),
                             log=tmp_path / f"server{i}.log") for i in (1, 2)]
    try:
        for server in servers:
            server.start()
        burst = [postback_event(customer_id(n % users), n, "a=status") for n in range(events)]
        for event in burst:
            line.register_reply_token(event["replyToken"], event["source"]["userId"])

        def post(n: int) -> int:  # the same users' events arrive at both servers
            body = webhook_body([burst[n]])
            return requests.post(f"{servers[n % 2].base}/callback", data=body, timeout=10,
                                 headers={"X-Line-Signature": sign(body, SECRET)}).status_code

        with ThreadPoolExecutor(8) as pool:
            assert set(pool.map(post, range(events))) == {200}
        assert line.wait_for(lambda: len(line.replies) >= events and len(_numbers_pushed(line)) >= org.open_outages,
                             timeout=40)
        time.sleep(6)  # one more round of both schedulers
    finally:
        for server in servers:
            server.stop()

    assert len(line.replies) == events and {len(line.messages_to(customer_id(n))) for n in range(users)} == {events // users}
    seen = _numbers_pushed(line)
    assert len(seen) == org.open_outages and max(seen.values()) == 1
    with session_scope(engine) as session:
        sent = session.exec(select(OutboxMessage.kind, OutboxMessage.status)).all()
    assert Counter(status for kind, status in sent if kind == "message") == {"sent": events + org.open_outages}
    # Each customer's LINE name asked for once (issue 14), whichever server took their first event.
    assert Counter(status for kind, status in sent if kind == "get_profile") == {"sent": users}
