"""The webhook inbox: each LINE event stored once, handled once, in order per user."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from storage.models import InboxEvent


@dataclass(frozen=True)
class RetryPolicy:
    """How often a failed event is tried again, and after what waits (config [inbox])."""

    max_attempts: int = 20
    bug_attempts: int = 3
    backoff_base: timedelta = timedelta(seconds=5)
    backoff_max: timedelta = timedelta(minutes=30)

    @classmethod
    def from_config(cls, inbox_config) -> "RetryPolicy":
        return cls(inbox_config.max_attempts, inbox_config.bug_attempts,
                   timedelta(seconds=inbox_config.backoff_base_seconds),
                   timedelta(seconds=inbox_config.backoff_max_seconds))

    def wait_after(self, attempts: int) -> timedelta:
        return min(self.backoff_base * 2 ** min(attempts - 1, 40), self.backoff_max)


# Built once per dialect: every webhook request stores its events with it.
_ADD_EVENTS = {dialect.__name__.rsplit(".", 1)[-1]: dialect.insert(InboxEvent.__table__)
               .on_conflict_do_nothing(index_elements=["event_id"])
               .returning(InboxEvent.__table__.c.event_id, InboxEvent.__table__.c.user_key, InboxEvent.__table__.c.status)
               for dialect in (postgresql, sqlite)}


def add_events(session: Session, rows: list[dict], *, now: datetime) -> list[tuple[str, str]]:
    """Store events in one batched statement; repeats of a known event id are ignored.
    Returns (event id, user key) of the new pending ones (a quarantined row is kept, not handled)."""
    statement = _ADD_EVENTS[session.get_bind().dialect.name]
    values = [dict(event_id=row["event_id"], user_key=row["user_key"], event_type=row["event_type"],
                   payload=row["payload"], received_at=now, status=row.get("status", "pending"), attempts=0,
                   error=row.get("error", "")) for row in rows]
    stored = session.connection().execute(statement, values)  # Core, not the ORM: the hot path
    return [(event_id, user_key) for event_id, user_key, status in stored if status == "pending"]


@dataclass(frozen=True)
class PendingEvent:
    """What handling needs of a stored event: read with Core, as no ORM object is needed for it."""

    id: int
    user_key: str
    event_type: str
    payload: dict | None
    received_at: datetime
    next_attempt_at: datetime | None


# Built once: constructing a statement costs about as much as running it on SQLite, and these run per event.
_NEXT_TWO = (select(InboxEvent.id, InboxEvent.user_key, InboxEvent.event_type, InboxEvent.payload,
                    InboxEvent.received_at, InboxEvent.next_attempt_at)
             .where(InboxEvent.user_key == bindparam("key"), InboxEvent.status == "pending")
             .order_by(InboxEvent.id)
             .limit(2))
_MARK_DONE = (update(InboxEvent).where(InboxEvent.id == bindparam("b_id"))
              .values(status="done", handled_at=bindparam("b_handled"), payload=None))


def next_pending(session: Session, user_key: str) -> tuple[PendingEvent | None, bool]:
    """The user's oldest pending event, due or not (a later one must not overtake it), and whether
    another waits behind it: one query where a look-ahead after handling would be a second."""
    first_two = session.connection().execute(_NEXT_TWO, {"key": user_key}).all()
    return (PendingEvent(*first_two[0]) if first_two else None), len(first_two) > 1


def is_due(event: PendingEvent, now: datetime) -> bool:
    return event.next_attempt_at is None or event.next_attempt_at <= now


def pending_user_keys(session: Session, *, due_by: datetime, received_before: datetime | None = None,
                      limit: int = 500) -> list[str]:
    """Users with pending events that may be tried by due_by. A user whose oldest event waits out a
    backoff is left out whole: their later events wait behind it, in order."""
    return [key for key, _ in session.exec(_oldest_pending(due_by, received_before, limit)).all()]


def waiting(session: Session, *, now: datetime, received_before: datetime, limit: int = 200) -> list[tuple[str, int]]:
    """(user key, oldest pending event id) of the users with an event pending since before
    `received_before`, not waiting out a backoff: the people still waiting for an answer (bot/line/loading.py)."""
    return [(key, first) for key, first in session.exec(_oldest_pending(now, received_before, limit)).all()]


def _oldest_pending(due_by: datetime, received_before: datetime | None, limit: int):
    waiting_out = select(InboxEvent.user_key).where(InboxEvent.status == "pending", InboxEvent.next_attempt_at > due_by)
    query = select(InboxEvent.user_key, func.min(InboxEvent.id)).where(
        InboxEvent.status == "pending", InboxEvent.user_key.not_in(waiting_out))
    if received_before is not None:
        query = query.where(InboxEvent.received_at < received_before)
    return query.group_by(InboxEvent.user_key).order_by(func.min(InboxEvent.id)).limit(limit)


def pending_since(session: Session, after_id: int, *, limit: int = 2000) -> tuple[list[tuple[int, str]], int]:
    """(id, user key) of the new pending events (id above `after_id`, never tried), oldest first, and
    the id to go on from: a range of the primary key, where `pending_user_keys` groups every pending
    event. For a process that polls for what other processes stored; events that wait out a backoff
    are the full sweep's."""
    rows = [(event_id, key) for event_id, key in
            session.connection().execute(_PENDING_SINCE, {"after": after_id, "limit": limit})]
    if len(rows) == limit:  # more wait: go on from the last one read
        return rows, rows[-1][0]
    return rows, highest_id(session)


_HIGHEST_ID = select(func.max(InboxEvent.id))


def highest_id(session: Session) -> int:
    return session.connection().execute(_HIGHEST_ID).scalar() or 0


# `status || ''`: a range of the primary key, never the pending index. Given that index, SQLite read every
# pending event and sorted them, at each look: in a storm's backlog, a tenth of the worker's CPU.
_PENDING_SINCE = (select(InboxEvent.id, InboxEvent.user_key)
                  .where(InboxEvent.id > bindparam("after"), (InboxEvent.status + "") == "pending",
                         InboxEvent.next_attempt_at.is_(None))
                  .order_by(InboxEvent.id)
                  .limit(bindparam("limit")))


def mark_done(session: Session, event_id: int, *, now: datetime) -> None:
    # Handled events keep only their id and type: the body holds personal data (PDPA).
    session.connection().execute(_MARK_DONE, {"b_id": event_id, "b_handled": now})


def record_failure(session: Session, event_id: int, error: str, *, transient: bool, policy: RetryPolicy,
                   now: datetime) -> InboxEvent | None:
    """Count a failed try: the event waits out a growing backoff, or after its last try is failed.
    `error` must already be free of personal data (storage.errors.describe)."""
    event = session.get(InboxEvent, event_id)
    if event is None:
        return None
    event.attempts += 1
    event.error = error[:500]
    if event.attempts >= (policy.max_attempts if transient else min(policy.bug_attempts, policy.max_attempts)):
        event.status = "failed"
        event.handled_at = now
        event.next_attempt_at = None
    else:
        event.next_attempt_at = now + policy.wait_after(event.attempts)
    session.add(event)
    return event


def reset_failed(session: Session) -> int:
    result = session.execute(
        update(InboxEvent).where(InboxEvent.status == "failed").values(status="pending", attempts=0, next_attempt_at=None)
    )
    return result.rowcount


def troubled(session: Session, limit: int = 50) -> list[InboxEvent]:
    """Failed and quarantined events, and pending ones waiting out a backoff: for `kambot outbox`."""
    return list(session.exec(
        select(InboxEvent).where(or_(InboxEvent.status.in_(("failed", "quarantined")),
                                     (InboxEvent.status == "pending") & (InboxEvent.attempts > 0)))
        .order_by(InboxEvent.id).limit(limit)
    ).all())
