"""Reminder items already sent: each (kind, person, subject, day) is claimed once, across processes."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.models import Notification


def claim(session: Session, *, kind: str, recipient_id: int, subject_ids: Iterable[int], day: date,
          now: datetime) -> list[int]:
    """Record the items for this person and day; returns only the subject ids nobody claimed before."""
    ids = sorted(set(subject_ids))
    if not ids:
        return []
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (
        insert(Notification)
        .values([dict(kind=kind, recipient_staff_id=recipient_id, subject_id=subject_id, day=day, created_at=now)
                 for subject_id in ids])
        .on_conflict_do_nothing(index_elements=["kind", "recipient_staff_id", "subject_id", "day"])
        .returning(Notification.subject_id)
    )
    return sorted(session.execute(statement).scalars().all())
