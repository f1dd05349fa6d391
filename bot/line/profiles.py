"""LINE display names of contacts: asked for at link and follow, and again when older than 30 days.

The handler's transaction only queues the question (an outbox row of kind "get_profile"); the
sender makes the HTTP call and stores the answer, so no network I/O happens inside a handler."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import outbox, roster
from storage.db import session_scope
from storage.models import Contact

REFRESH_AFTER = timedelta(days=30)
KIND = "get_profile"
NAME_CHARS = 100


def ask_if_due(session: Session, contact: Contact | None, *, now: datetime) -> bool:
    """Queue a profile fetch for a contact whose display name is unknown or stale; True when queued."""
    if contact is None or not contact.line_user_id:
        return False
    if contact.profile_asked_at is not None and now - contact.profile_asked_at < REFRESH_AFTER:
        return False
    contact.profile_asked_at = now  # asked: further events before the answer do not ask again
    session.add(contact)
    outbox.enqueue(session, to_user=contact.line_user_id, chunks=[[{}]], now=now, kind=KIND)
    return True


def store(engine: Engine, line_user_id: str, display_name: str) -> None:
    """The sender's half: keep what LINE answered."""
    with session_scope(engine) as session:
        contact = roster.contact_by_line_user(session, line_user_id)
        if contact is not None and display_name:
            contact.display_name = display_name.strip()[:NAME_CHARS]
            session.add(contact)
