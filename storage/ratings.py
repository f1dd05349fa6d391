"""Satisfaction scores."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from storage.models import Rating


def add(session: Session, *, subject_kind: str, subject_id: int, account_id: int, contact_id: int | None,
        score: int, now: datetime, comment: str = "") -> bool:
    """Store a score; False when this respondent already rated this subject. Without a contact id
    the respondent is "unidentified": one such score per subject, not one per form submission."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    respondent = f"contact:{contact_id}" if contact_id is not None else "unidentified"
    statement = (
        insert(Rating)
        .values(subject_kind=subject_kind, subject_id=subject_id, account_id=account_id, contact_id=contact_id,
                respondent=respondent, score=score, comment=comment, at=now)
        .on_conflict_do_nothing(index_elements=["subject_kind", "subject_id", "respondent"])
        .returning(Rating.id)
    )
    return session.execute(statement).scalar() is not None


def contacts_who_rated(session: Session, *, subject_kind: str, subject_ids: list[int]) -> dict[int, set[int]]:
    """{subject id: ids of the contacts who rated it} for many subjects in one query."""
    rated: dict[int, set[int]] = {subject_id: set() for subject_id in subject_ids}
    if subject_ids:
        for subject_id, contact_id in session.exec(select(Rating.subject_id, Rating.contact_id).where(
                Rating.subject_kind == subject_kind, col(Rating.subject_id).in_(subject_ids))).all():
            rated[subject_id].add(contact_id)
    return rated
