"""Messages waiting to go out. Written in the handler's transaction, drained by the sender.

Every change of a row's state lives here: queued (`enqueue`), taken under a lease (`claim_due`),
settled after an attempt (`record_outcomes`: sent, failed, or pending again after a backoff,
possibly with its reply marked uncertain) and given fresh attempts (`reset_failed`). The sender
only makes the channel's calls and says what each came to (an `Outcome`).
"""
from __future__ import annotations

import functools
import logging
import random
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, insert, or_, update
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from storage.db import write_loaded
from storage.models import OutboxMessage

log = logging.getLogger(__name__)

ROUTINE = "routine"  # handlers/notify.Priority


@dataclass
class Outcome:
    """What one attempt at a row came to, as the channel's sender classified the answer."""

    status: str  # "sent", "retry" or "failed"
    via: str = ""  # "reply", "push" or "api"
    error: str = ""
    retry_after: float | None = None
    uncertain: bool = False  # the request may have reached the channel
    reply_refused: bool = False
    answer: dict | None = None  # what the channel answered, where the sender keeps some of it (a profile)


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how far apart a row is tried ([outbox] in the config)."""

    max_attempts: int
    backoff_base_seconds: float
    backoff_max_seconds: float
    reply_token_ttl_seconds: float = 50


_INSERT_ONE = insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id)  # built once: it runs per answer
_INSERT_MANY = insert(OutboxMessage.__table__).returning(OutboxMessage.__table__.c.id, sort_by_parameter_order=True)


def enqueue(
    session: Session,
    *,
    to_user: str,
    chunks: list[list[dict]],
    now: datetime,
    reply_token: str | None = None,
    reply_token_at: datetime | None = None,
    kind: str = "message",
    recipients: list[str] | None = None,
    priority: str = "urgent",
) -> list[int]:
    """Queue one row per channel call for one recipient, in order; the reply token goes on the first.
    Returns the rows' ids. Written with Core, at once: every answer passes here, and an ORM object
    per row cost more than the rest of queuing it.

    A "multicast" row goes to `recipients`; its `to_user` is a key of its own, so its calls keep their
    order without waiting behind any one person's messages."""
    if not chunks:
        return []
    values = [dict(to_user=to_user, kind=kind, messages=chunk, reply_token=reply_token if index == 0 else None,
                   reply_token_at=(reply_token_at or now) if reply_token and index == 0 else None,
                   retry_key=str(uuid.uuid4()), status="pending", via="", attempts=0, reply_uncertain=False,
                   created_at=now, next_attempt_at=now, claimed_until=None, sent_at=None, last_error="",
                   recipients=recipients, priority=priority)
              for index, chunk in enumerate(chunks)]
    if len(values) == 1:
        return [session.connection().execute(_INSERT_ONE, values[0]).scalar_one()]
    return [row_id for row_id, in session.connection().execute(_INSERT_MANY, values)]


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int = 50,
              reply_ttl: timedelta | None = None, hold_routine: bool = False) -> list[OutboxMessage]:
    """Take due rows for this sender, each the oldest waiting message of its person, so one
    person's messages go in order and a pass never waits on a long queue for one person.
    The lease stops a second sender taking them too.

    `hold_routine` (the month's message allowance runs short): routine rows stay pending, untouched,
    and a person's urgent rows go past their held ones."""
    query = _claim_query(hold_routine, for_update=session.get_bind().dialect.name == "postgresql")
    rows = list(session.exec(query, params={"now": now, "limit": limit}).all())
    if not rows:
        return rows
    # Its last sender died (or hung) mid-call: a reply may have reached LINE already.
    uncertain = [row for row in rows if row.claimed_until is not None and row.reply_token
                 and _reply_was_tried(row, lease, reply_ttl)]
    # One UPDATE for the batch, not one per row through the unit of work: the sender claims all day long.
    write_loaded(session, rows, claimed_until=now + lease)
    write_loaded(session, uncertain, reply_uncertain=True)
    return rows


def _claimable(hold_routine: bool) -> list:
    """What makes a message one a claim may take; the claim and the lone sender's look share it,
    so a look never misses what a claim would take."""
    now = bindparam("now")
    conditions = [OutboxMessage.status == "pending", OutboxMessage.next_attempt_at <= now,
                  or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)]
    return conditions + [OutboxMessage.priority != ROUTINE] if hold_routine else conditions


@functools.cache
def _claim_query(hold_routine: bool, *, for_update: bool):
    """Built once per kind: the sender claims many times a second when busy."""
    earlier = aliased(OutboxMessage)
    waiting = [earlier.to_user == OutboxMessage.to_user, earlier.status == "pending", earlier.id < OutboxMessage.id]
    if hold_routine:
        waiting.append(earlier.priority != ROUTINE)
    query = (
        select(OutboxMessage)
        .where(*_claimable(hold_routine), ~select(earlier.id).where(*waiting).exists())
        .order_by(OutboxMessage.id)
        .limit(bindparam("limit"))
    )
    return query.with_for_update(skip_locked=True) if for_update else query


@functools.cache
def _due_query(hold_routine: bool):
    """Built once per kind: a sender in a process of its own looks many times a second."""
    return select(OutboxMessage.id).where(*_claimable(hold_routine)).limit(1)


def any_due(session: Session, *, now: datetime, hold_routine: bool = False) -> bool:
    """Is a message waiting that a claim could take? A read, so that a sender polling on its own
    (`kambot sender`) takes the write lock only when there is something to send; routine messages
    held while the allowance runs short (days, perhaps) do not count. It may still say yes when the
    claim then takes nothing (a person's earlier message in flight): that lasts one LINE call."""
    return session.exec(_due_query(hold_routine), params={"now": now}).first() is not None


def _reply_was_tried(row: OutboxMessage, lease: timedelta, reply_ttl: timedelta | None) -> bool:
    """Was the token young enough, when the row was last taken, for that sender to try a reply?
    If not, it pushed, which its retry key makes safe to repeat."""
    if reply_ttl is None or row.reply_token_at is None:
        return True
    return row.claimed_until - lease < row.reply_token_at + reply_ttl


def record_outcomes(
    session: Session, *, rows: list[OutboxMessage], outcomes: list[Outcome], now: datetime, policy: RetryPolicy
) -> None:
    """Settle the claimed rows after their attempts; the given (detached) rows get the new status too.
    Sent rows, nearly all of them, are settled with one UPDATE per kind of outcome; the others are
    read afresh and settled one by one (backoff, uncertain replies, giving up)."""
    sent: dict[tuple[str, bool, str], list[OutboxMessage]] = {}
    others = []
    for row, outcome in zip(rows, outcomes):
        if outcome.status == "sent":
            sent.setdefault((outcome.via, outcome.reply_refused, outcome.error[:500]), []).append(row)
        else:
            others.append((row, outcome))
    for (via, refused, error), group in sent.items():
        values = dict(claimed_until=None, last_error=error, status="sent", sent_at=now, via=via,
                      **({"reply_token": None} if refused else {}))
        session.connection().execute(update(OutboxMessage).where(col(OutboxMessage.id).in_([row.id for row in group]))
                                     .values(attempts=OutboxMessage.attempts + 1, **values))
        for row in group:  # the caller's copy says what was written, without being written again
            for name, value in {**values, "attempts": row.attempts + 1}.items():
                set_committed_value(row, name, value)
    if not others:
        return
    query = select(OutboxMessage).where(col(OutboxMessage.id).in_([row.id for row, _ in others]))
    stored = {fresh.id: fresh for fresh in session.exec(query)}
    for row, outcome in others:
        fresh = stored[row.id]
        settle(fresh, outcome, now=now, policy=policy)
        session.add(fresh)
        row.status = fresh.status


def settle(row: OutboxMessage, outcome: Outcome, *, now: datetime, policy: RetryPolicy) -> None:
    """One row's next state after one attempt: the attempt counted and the lease given back, then
    sent, failed (refused, or out of attempts) or pending again after a backoff."""
    row.attempts += 1
    row.claimed_until = None
    row.last_error = outcome.error[:500]
    if outcome.reply_refused:
        row.reply_token = None  # refused once, refused forever: push from now on
    if outcome.status == "sent":
        row.status, row.sent_at, row.via = "sent", now, outcome.via
    elif outcome.status == "failed" or row.attempts >= policy.max_attempts:
        row.status = "failed"
        log.warning("outbox %s failed for good after %s attempts: %s", row.id, row.attempts, outcome.error)
    else:
        due = now + timedelta(seconds=backoff_seconds(row.attempts, outcome.retry_after, policy))
        if outcome.via == "reply" and outcome.uncertain:
            row.reply_uncertain = True
            # Ask again while the token still lives: only then is a refusal proof it was used.
            due = max(now, min(due, row.reply_token_at + timedelta(seconds=policy.reply_token_ttl_seconds - 5)))
        row.next_attempt_at = due


def backoff_seconds(attempts: int, retry_after: float | None, policy: RetryPolicy) -> float:
    delay = min(policy.backoff_max_seconds, policy.backoff_base_seconds * 2 ** (attempts - 1))
    delay *= random.uniform(0.8, 1.2)  # spread retries so they do not arrive together
    return max(delay, retry_after or 0.0)


def routine_waiting(session: Session) -> int:
    """Routine rows still pending: what a shortage of the month's allowance holds back."""
    query = select(func.count()).where(OutboxMessage.status == "pending", OutboxMessage.priority == ROUTINE)
    return session.exec(query).one()


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
