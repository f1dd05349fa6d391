"""The outbox's state machine without HTTP: what storage/outbox.py stores after each outcome a
sender reports (claimed, retried after a backoff, sent, failed for good, reply uncertain, retried
again by an operator). The end-to-end proof against LINE's failures is tests/test_line_sender.py."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, SQLModel

from storage import outbox
from storage.db import make_engine
from storage.models import OutboxMessage

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
LEASE = timedelta(seconds=30)
POLICY = outbox.RetryPolicy(max_attempts=3, backoff_base_seconds=2.0, backoff_max_seconds=5.0)


@pytest.fixture
def session(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'outbox.sqlite3'}")
    SQLModel.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    engine.dispose()


def _queue_and_claim(session, *, reply_token: str | None = "rt-1") -> OutboxMessage:
    [row] = outbox.enqueue(session, to_user="U1", chunks=[[{"type": "text", "text": "สวัสดีค่ะ"}]], now=NOW,
                           reply_token=reply_token)
    session.commit()
    [claimed] = outbox.claim_due(session, now=NOW, lease=LEASE)
    session.commit()
    assert claimed.claimed_until == NOW + LEASE
    return claimed


def _record(session, row, outcome, now=NOW) -> OutboxMessage:
    outbox.record_outcomes(session, rows=[row], outcomes=[outcome], now=now, policy=POLICY)
    session.commit()
    return session.get(OutboxMessage, row.id)


def test_retries_back_off_within_the_policy_then_fail_for_good_and_an_operator_retries_them(session):
    row = _queue_and_claim(session)
    stored = _record(session, row, outbox.Outcome("retry", via="reply", error="500 down"))
    assert (stored.status, stored.attempts, stored.claimed_until, stored.last_error) == ("pending", 1, None, "500 down")
    assert NOW + timedelta(seconds=1.6) <= stored.next_attempt_at <= NOW + timedelta(seconds=2.4)  # 2 s ± 20 %

    stored = _record(session, row, outbox.Outcome("retry", via="push", error="429", retry_after=60))
    assert stored.next_attempt_at == NOW + timedelta(seconds=60)  # LINE's Retry-After beats the capped backoff

    stored = _record(session, row, outbox.Outcome("retry", via="push", error="500 still down"))
    assert (stored.status, stored.attempts) == ("failed", 3)  # out of attempts: kept, never dropped

    assert outbox.reset_failed(session) == 1
    session.commit()
    session.refresh(stored)
    assert (stored.status, stored.attempts, stored.reply_token) == ("pending", 0, None)


def test_a_reply_that_may_have_arrived_is_marked_and_a_refused_token_is_never_tried_again(session):
    row = _queue_and_claim(session)
    stored = _record(session, row, outbox.Outcome("retry", via="reply", error="timeout", uncertain=True))
    assert stored.reply_uncertain and stored.reply_token == "rt-1"

    stored = _record(session, row, outbox.Outcome("sent", via="push", reply_refused=True), now=NOW + timedelta(seconds=3))
    assert (stored.status, stored.via, stored.sent_at, stored.reply_token) == ("sent", "push", NOW + timedelta(seconds=3),
                                                                              None)
    assert row.status == "sent"  # the sender's copy of the row says so too


def test_a_refusal_fails_at_once_and_a_lease_that_ran_out_marks_the_reply_uncertain(session):
    row = _queue_and_claim(session)
    later = NOW + LEASE + timedelta(seconds=1)
    [retaken] = outbox.claim_due(session, now=later, lease=LEASE)  # its sender died mid-call
    session.commit()
    assert retaken.id == row.id and retaken.reply_uncertain

    stored = _record(session, retaken, outbox.Outcome("failed", via="push", error="400 bad request"), now=later)
    assert (stored.status, stored.attempts, stored.last_error) == ("failed", 1, "400 bad request")
