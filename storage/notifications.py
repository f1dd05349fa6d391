"""Reminder items already sent: each (kind, person, subject, day) is claimed once, across processes."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import Notification


def claim_many(session: Session, items: Iterable[tuple[str, int, int]], *, day: date,
               now: datetime) -> set[tuple[str, int, int]]:
    """Record (kind, recipient id, subject id) items for this day in one batched statement, however
    many people they are for; returns the items nobody claimed before."""
    rows = [dict(kind=kind, recipient_staff_id=recipient, subject_id=subject, day=day, created_at=now)
            for kind, recipient, subject in sorted(set(items))]
    if not rows:
        return set()
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    table = Notification.__table__
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["kind", "recipient_staff_id", "subject_id", "day"])
        .returning(table.c.kind, table.c.recipient_staff_id, table.c.subject_id)
    )
    return {tuple(row) for row in session.connection().execute(statement, rows)}
