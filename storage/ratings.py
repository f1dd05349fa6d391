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


def find(session: Session, *, subject_kind: str, subject_id: int, contact_id: int | None) -> Rating | None:
    """The contact's score on a subject (the latest one recorded for the customer when contact_id is None)."""
    return session.exec(select(Rating).where(
        Rating.subject_kind == subject_kind, Rating.subject_id == subject_id,
        Rating.contact_id == contact_id if contact_id is not None else col(Rating.contact_id).is_(None))
        .order_by(col(Rating.id).desc())).first()


def record_follow_up(session: Session, rating: Rating, *, staff_id: int, now: datetime) -> bool:
    """The call-back on a low score was made; False when it had been recorded already."""
    if rating.followed_up_at is not None:
        return False
    rating.followed_up_at, rating.followed_up_by = now, staff_id
    session.add(rating)
    return True
