"""LINE display names of contacts: asked for at link and follow, and again when older than 30 days.

The handler's transaction only queues the question (an outbox row of kind "get_profile"); the
sender makes the HTTP call and stores the answer, so no network I/O happens inside a handler."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from storage import outbox, roster
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


def keep(session: Session, line_user_id: str, answer: dict) -> None:
    """The sender's half: keep the display name LINE answered, in the transaction that records the
    call (`LineSender._record`)."""
    display_name = answer.get("displayName")
    if not isinstance(display_name, str) or not display_name.strip():
        return
    contact = roster.contact_by_line_user(session, line_user_id)
    if contact is not None:
        contact.display_name = display_name.strip()[:NAME_CHARS]
        session.add(contact)
