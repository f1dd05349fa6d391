"""kill -9 of the real server while an area incident's multicasts are in flight (issue 16): after the
restart every contact has the notice exactly once (a repeated call is answered 409 by its retry key)."""
from __future__ import annotations

import time
from collections import Counter
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.demo.line_standin import LineStandIn
from bot.line.notifier import LineNotifier
from handlers.operations.incidents import open_incident
from storage.db import session_scope
from storage.models import OutboxMessage, Site

from line_wire import SECRET, TOKEN, free_port
from procs import ServerProcess, customer_id, seed_customers, write_config

pytestmark = pytest.mark.slow
USERS = 1200  # three multicast calls


def test_kill_9_while_multicasting_tells_everyone_exactly_once(engine, db_url, tmp_path):
    seed_customers(engine, USERS)
    with session_scope(engine) as session:
        for site_number, account_id in enumerate(range(1, USERS + 1)):
            session.add(Site(account_id=account_id, name=f"โรงงาน {site_number}", feeder="BPA-03"))
    line = LineStandIn(access_token=TOKEN, delay=1.0).start()  # slow LINE: the calls are in flight at the kill
    now = datetime.now(timezone.utc)
    with session_scope(engine) as session:
        open_incident(session, now=now, actor=None, channel="cli", notifier=LineNotifier(session, now=now),
                      feeders=["BPA-03"], cause="กำลังตรวจสอบ")
    server = ServerProcess(
        write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line.url, db_url=db_url,
                     port=free_port(), outbox={"claim_lease_seconds": 3, "poll_seconds": 0.2},
                     line={"connect_timeout": 0.5, "read_timeout": 2}),
        log=tmp_path / "server.log",
    ).start()
    try:
        assert line.wait_for(lambda: any(call.kind == "multicast" for call in line.calls), timeout=30)
        server.kill9()  # mid-call: LINE has (some of) them, the outbox does not know
        server.start()
        everyone = [customer_id(n) for n in range(USERS)]
        assert line.wait_for(lambda: all(line.messages_to(user) for user in everyone), timeout=60)
        time.sleep(4)  # longer than the claim lease: anything that would go twice has had its chance
    finally:
        server.stop()
        line.stop()
    assert Counter(len(line.messages_to(user)) for user in everyone) == {1: USERS}
    accepted = Counter(c.headers["x-line-retry-key"] for c in line.calls if c.kind == "multicast" and c.status == 200)
    assert len(accepted) == 3 and max(accepted.values()) == 1
    # The kill landed mid-call: LINE had accepted calls the dead server never recorded, and said so again.
    assert [c.status for c in line.calls if c.kind == "multicast"].count(409) >= 1
    with session_scope(engine) as session:
        assert Counter(session.exec(select(OutboxMessage.status).where(OutboxMessage.kind == "multicast"))) == {"sent": 3}
