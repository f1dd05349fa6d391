"""Media rows: recorded when a message with content arrives, fetched by the worker, served by token."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_
from sqlmodel import Session, select

from storage.db import keep_loaded, write_loaded
from storage.models import Account, Contact, Media, MediaContent, Ticket


_RECORDED = "media.recorded"  # session.info: {message id: row} recorded in this transaction


def record(session: Session, *, channel_message_id: str, kind: str, now: datetime, account_id: int | None = None,
           contact_id: int | None = None, ticket_id: int | None = None, file_name: str = "",
           size_bytes: int = 0) -> Media:
    """The row for one message's content, waiting to be fetched; the same message again gives the same row.
    It is written with the transaction's next statement or its commit: the handler that links it to a
    ticket (`attach_to_ticket`, same transaction) finds it in the session, and a new photo is one INSERT."""
    existing = session.exec(select(Media).where(Media.channel_message_id == channel_message_id)).first()
    if existing is not None:
        return existing
    media = Media(token=secrets.token_urlsafe(32), channel_message_id=channel_message_id, kind=kind,
                  account_id=account_id, contact_id=contact_id, ticket_id=ticket_id, file_name=file_name[:200],
                  size_bytes=size_bytes, created_at=now, next_attempt_at=now)
    session.add(media)
    session.info.setdefault(_RECORDED, {})[channel_message_id] = media
    return media


def claim_due(session: Session, *, now: datetime, lease: timedelta, limit: int = 10,
              skip_contacts: set[int] = frozenset()) -> list[Media]:
    """Due rows, oldest first, taken under a lease; `skip_contacts`: senders whose earlier files are
    still being fetched (theirs go in order)."""
    query = (select(Media)
             .where(Media.status == "pending", Media.next_attempt_at <= now,
                    or_(Media.claimed_until.is_(None), Media.claimed_until < now))
             .order_by(Media.id).limit(limit))
    if skip_contacts:
        query = query.where(or_(Media.contact_id.is_(None), Media.contact_id.not_in(skip_contacts)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    rows = list(session.exec(query).all())
    write_loaded(session, rows, claimed_until=now + lease)
    return rows


_DUE = (select(Media.id)  # built once: a fetcher in a process of its own looks many times a second
        .where(Media.status == "pending", Media.next_attempt_at <= bindparam("now"),
               or_(Media.claimed_until.is_(None), Media.claimed_until < bindparam("now")))
        .limit(1))


def any_due(session: Session, *, now: datetime) -> bool:
    """Is a file waiting to be fetched? A read, so that a fetcher polling on its own (`kambot sender`)
    takes the write lock only when there is something to claim."""
    return session.exec(_DUE, params={"now": now}).first() is not None


_WITH_CASE = (select(Media, Ticket, Contact, Account)  # built once: every fetched file is settled with it
              .outerjoin(Ticket, Ticket.id == Media.ticket_id)
              .outerjoin(Contact, Contact.id == Media.contact_id)
              .outerjoin(Account, Account.id == Ticket.account_id)
              .where(Media.id == bindparam("media")))


def with_case(session: Session, media_id: int) -> Media | None:
    """The row, with its ticket, sender and account loaded and kept in the session in the same query:
    settling a photo relays it to the ticket's responders, which asked for each in a query of its own."""
    keep_loaded(session)
    found = session.exec(_WITH_CASE, params={"media": media_id}).first()
    return found[0] if found else None


def store(session: Session, media: Media, *, data: bytes, preview: bytes | None, content_type: str,
          now: datetime) -> None:
    media.status, media.content_type, media.size_bytes = "stored", content_type, len(data)
    media.fetched_at, media.claimed_until, media.reason = now, None, ""
    session.add(media)
    session.add(MediaContent(media_id=media.id, data=data, preview=preview))  # once: only a pending row is stored


def retry_later(session: Session, media: Media, *, now: datetime, delay: timedelta, reason: str) -> None:
    media.attempts += 1
    media.next_attempt_at, media.claimed_until, media.reason = now + delay, None, reason[:300]
    session.add(media)


def give_up(session: Session, media: Media, *, status: str, reason: str) -> None:
    """`status`: gone (LINE no longer has it), refused (too large, a type we do not keep) or failed."""
    media.status, media.reason, media.claimed_until = status, reason[:300], None
    session.add(media)


def by_token(session: Session, token: str) -> Media | None:
    if not token or len(token) > 100:
        return None
    return session.exec(select(Media).where(Media.token == token)).first()


def content(session: Session, media: Media) -> MediaContent | None:
    return session.get(MediaContent, media.id)


def of_ticket(session: Session, ticket_id: int) -> list[Media]:
    return list(session.exec(select(Media).where(Media.ticket_id == ticket_id).order_by(Media.id)).all())


def by_message_ids(session: Session, message_ids: list[str]) -> dict[str, Media]:
    if not message_ids:
        return {}
    rows = session.exec(select(Media).where(Media.channel_message_id.in_(message_ids))).all()
    return {row.channel_message_id: row for row in rows}


def attach_to_ticket(session: Session, channel_message_id: str, ticket_id: int) -> Media | None:
    """Links the content to the ticket (once); returns the row when this call linked it."""
    media = session.info.get(_RECORDED, {}).get(channel_message_id) or session.exec(
        select(Media).where(Media.channel_message_id == channel_message_id)).first()
    if media is not None and media.ticket_id is None:
        media.ticket_id = ticket_id
        session.add(media)
        return media
    return None
