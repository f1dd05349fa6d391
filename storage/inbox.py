"""The webhook inbox: each LINE event stored once, handled once, in order per user."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.models import InboxEvent

MAX_ATTEMPTS = 3


def add_events(session: Session, rows: list[dict], *, now: datetime) -> list[tuple[str, str]]:
    """Store events in one batched statement; repeats of a known event id are ignored.
    Returns (event id, user key) of the new ones."""
    table = InboxEvent.__table__
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = insert(table).on_conflict_do_nothing(index_elements=["event_id"]).returning(table.c.event_id, table.c.user_key)
    values = [dict(event_id=row["event_id"], user_key=row["user_key"], event_type=row["event_type"],
                   payload=row["payload"], received_at=now, status="pending", attempts=0, error="") for row in rows]
    return [tuple(row) for row in session.connection().execute(statement, values)]  # Core, not the ORM: the hot path


def next_pending(session: Session, user_key: str) -> InboxEvent | None:
    return session.exec(
        select(InboxEvent)
        .where(InboxEvent.user_key == user_key, InboxEvent.status == "pending")
        .order_by(InboxEvent.id)
        .limit(1)
    ).first()


def has_pending(session: Session, user_key: str) -> bool:
    query = select(InboxEvent.id).where(InboxEvent.user_key == user_key, InboxEvent.status == "pending").limit(1)
    return session.exec(query).first() is not None


def pending_user_keys(session: Session, *, received_before: datetime | None = None, limit: int = 500) -> list[str]:
    query = select(InboxEvent.user_key, func.min(InboxEvent.id)).where(InboxEvent.status == "pending")
    if received_before is not None:
        query = query.where(InboxEvent.received_at < received_before)
    query = query.group_by(InboxEvent.user_key).order_by(func.min(InboxEvent.id)).limit(limit)
    return [key for key, _ in session.exec(query).all()]


def mark_done(session: Session, event: InboxEvent, *, now: datetime) -> None:
    # Handled events keep only their id and type: the body holds personal data (PDPA).
    event.status = "done"
    event.handled_at = now
    event.payload = None
    session.add(event)


def record_failure(session: Session, event_id: int, error: str, *, now: datetime) -> None:
    event = session.get(InboxEvent, event_id)
    if event is None:
        return
    event.attempts += 1
    event.error = error[:500]
    if event.attempts >= MAX_ATTEMPTS:
        event.status = "failed"
        event.handled_at = now
    session.add(event)


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.exec(select(InboxEvent.status, func.count()).group_by(InboxEvent.status)).all()
    return {status: count for status, count in rows}


def reset_failed(session: Session) -> int:
    result = session.execute(
        update(InboxEvent).where(InboxEvent.status == "failed").values(status="pending", attempts=0)
    )
    return result.rowcount
