"""Messages waiting to go out. Written in the handler's transaction, drained by the sender."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from storage.models import OutboxMessage

def enqueue(
    session: Session,
    *,
    to_user: str,
    chunks: list[list[dict]],
    now: datetime,
    reply_token: str | None = None,
    reply_token_at: datetime | None = None,
    kind: str = "message",
) -> list[OutboxMessage]:
    """Queue one row per channel call for one recipient, in order; the reply token goes on the first."""
    rows = []
    for index, chunk in enumerate(chunks):
        token = reply_token if index == 0 else None
        row = OutboxMessage(
            to_user=to_user,
            kind=kind,
            messages=chunk,
            reply_token=token,
            reply_token_at=(reply_token_at or now) if token else None,
            retry_key=str(uuid.uuid4()),
            created_at=now,
            next_attempt_at=now,
        )
        session.add(row)
        rows.append(row)
    return rows


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int = 50,
              reply_ttl: timedelta | None = None) -> list[OutboxMessage]:
    """Take due rows for this sender, each the oldest waiting message of its person, so one
    person's messages go in order and a pass never waits on a long queue for one person.
    The lease stops a second sender taking them too."""
    earlier = aliased(OutboxMessage)
    waiting_before = (
        select(earlier.id)
        .where(earlier.to_user == OutboxMessage.to_user, earlier.status == "pending", earlier.id < OutboxMessage.id)
        .exists()
    )
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.status == "pending",
            OutboxMessage.next_attempt_at <= now,
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            ~waiting_before,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query).all())
    for row in rows:
        if row.claimed_until is not None and row.reply_token and _reply_was_tried(row, lease, reply_ttl):
            # Its last sender died (or hung) mid-call: a reply may have reached LINE already.
            row.reply_uncertain = True
        row.claimed_until = now + lease
        session.add(row)
    return rows


def _reply_was_tried(row: OutboxMessage, lease: timedelta, reply_ttl: timedelta | None) -> bool:
    """Was the token young enough, when the row was last taken, for that sender to try a reply?
    If not, it pushed, which its retry key makes safe to repeat."""
    if reply_ttl is None or row.reply_token_at is None:
        return True
    return row.claimed_until - lease < row.reply_token_at + reply_ttl


def earliest_due(session: Session) -> datetime | None:
    return session.exec(
        select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
    ).one()


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.exec(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all()
    return {status: count for status, count in rows}


def failed(session: Session, *, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.exec(
            select(OutboxMessage).where(OutboxMessage.status == "failed").order_by(OutboxMessage.id).limit(limit)
        ).all()
    )


def reset_failed(session: Session) -> int:
    """Give failed rows a fresh set of attempts (after LINE or the token is fixed)."""
    rows = session.exec(select(OutboxMessage).where(OutboxMessage.status == "failed")).all()
    for row in rows:
        row.status, row.attempts, row.next_attempt_at, row.reply_token = "pending", 0, row.created_at, None
        row.reply_uncertain = False  # the operator chose: push it
        session.add(row)
    return len(rows)
