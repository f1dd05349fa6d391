"""PDPA: people leave the system, and what they told it does not stay forever.

- remove_contact / remove_staff: the LINE user is unlinked (no more data shown to them), told so,
  and their rich menu reset; the roster row stays (tickets and ratings refer to it), inactive.
- erase_contact: on request, also anonymises what identifies or was typed by the person.
- purge: the retention period ([retention]) applied to message bodies, webhook bodies, dialogs
  and old personal data.
SQLite overwrites deleted content (secure_delete, set on every connection in storage.db) and
`checkpoint` folds the write-ahead log back, so erased bodies are not left readable in `-wal`.
Repository functions: the caller commits.
"""
from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage import linking
from storage.models import (Contact, Conversation, InboxEvent, LinkAttempt, LinkCode, OutboxMessage, Rating, Staff,
                            Ticket, TicketEvent, UrgentReport)

ERASED = "erased"


def remove_contact(session: Session, contact: Contact, *, now: datetime) -> str | None:
    """Unlink and deactivate; returns the channel address that was linked (the caller says goodbye)."""
    line_user = contact.line_user_id
    contact.line_user_id, contact.active = None, False
    session.add(contact)
    _forget_dialog(session, line_user)
    return line_user


def remove_staff(session: Session, staff: Staff, *, now: datetime) -> str | None:
    line_user = staff.line_user_id
    staff.line_user_id, staff.active = None, False
    session.add(staff)
    linking.revoke_unused(session, kind="staff", target_id=staff.id, now=now)
    _forget_dialog(session, line_user)
    return line_user


def _forget_dialog(session: Session, line_user: str | None) -> None:
    if line_user:
        session.execute(delete(Conversation).where(Conversation.user_key == line_user))
        session.flush()  # the unlink is in place before any goodbye is queued


def erase_contact(session: Session, contact: Contact, *, line_user: str | None, now: datetime) -> None:
    """Anonymise the contact and what they typed; counts, dates and scores stay for the reports."""
    contact.name = contact.position = contact.phone = contact.email = contact.display_name = ""
    contact.linked_at = None
    session.add(contact)
    session.execute(update(TicketEvent).where(TicketEvent.contact_id == contact.id).values(text="", details={}))
    session.execute(update(Rating).where(Rating.contact_id == contact.id).values(comment=""))
    session.execute(update(Ticket).where(Ticket.contact_id == contact.id).values(description=""))
    if line_user:
        erase_line_user(session, line_user)


def erase_line_user(session: Session, line_user: str) -> None:
    """Everything kept under a LINE user id, except the farewell still waiting to be sent."""
    session.execute(delete(InboxEvent).where(InboxEvent.user_key == line_user))
    session.execute(delete(OutboxMessage).where(OutboxMessage.to_user == line_user, OutboxMessage.status != "pending"))
    _drop_from_multicasts(session, line_user)  # issue 16
    session.execute(delete(LinkAttempt).where(LinkAttempt.line_user_id == line_user))
    session.execute(update(LinkCode).where(LinkCode.used_by == line_user).values(used_by=ERASED))
    session.execute(delete(Conversation).where(Conversation.user_key == line_user))


def _drop_from_multicasts(session: Session, line_user: str) -> None:
    """Multicast rows name many LINE ids: the erased one is taken out of each (a row it alone was on goes)."""
    for row in session.exec(select(OutboxMessage).where(OutboxMessage.kind == "multicast")).all():
        if line_user in (row.recipients or []):
            row.recipients = [user for user in row.recipients if user != line_user]
            if row.recipients:
                session.add(row)
            else:
                session.delete(row)


@dataclass(frozen=True)
class Retention:
    """Days to keep each kind of data ([retention] in the config); 0 keeps it for ever."""

    message_days: int = 90
    event_days: int = 30
    conversation_days: int = 30
    inactive_contact_days: int = 365
    record_text_days: int = 0

    @classmethod
    def from_config(cls, config) -> "Retention":
        return cls(config.message_days, config.event_days, config.conversation_days, config.inactive_contact_days,
                   config.record_text_days)


@dataclass
class PurgeResult:
    counts: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return ", ".join(f"{name} {count}" for name, count in self.counts.items())


def purge(session: Session, retention: Retention, *, now: datetime) -> PurgeResult:
    result = PurgeResult()

    def before(days: int) -> datetime:
        return now - timedelta(days=days)

    if retention.message_days:
        # Sent and finally failed messages: their texts name people and quote what they typed.
        result.counts["messages"] = session.execute(delete(OutboxMessage).where(
            OutboxMessage.status != "pending", OutboxMessage.created_at < before(retention.message_days))).rowcount
    if retention.event_days:
        # Handled events keep no body already; failed and quarantined ones keep theirs for this long.
        result.counts["webhook events"] = session.execute(delete(InboxEvent).where(
            InboxEvent.status != "pending", InboxEvent.received_at < before(retention.event_days))).rowcount
    if retention.conversation_days:
        result.counts["dialogs"] = session.execute(delete(Conversation).where(
            Conversation.updated_at < before(retention.conversation_days))).rowcount
        session.execute(delete(LinkAttempt).where(LinkAttempt.at < before(1)))
    if retention.inactive_contact_days:
        # Nothing records when a contact left: a departed contact is erased once their last
        # linking and their tickets are all older than the period.
        stale = session.exec(select(Contact).where(~col(Contact.active), or_(
            Contact.name != "", Contact.phone != "", Contact.email != "", Contact.position != "",
            Contact.display_name != ""))).all()
        recent = set(session.exec(select(Ticket.contact_id).where(
            Ticket.created_at >= before(retention.inactive_contact_days))).all())
        erased = 0
        for contact in stale:
            if contact.id in recent or (contact.linked_at and contact.linked_at >= before(retention.inactive_contact_days)):
                continue
            erase_contact(session, contact, line_user=None, now=now)
            erased += 1
        result.counts["departed contacts"] = erased
    if retention.record_text_days:
        old = before(retention.record_text_days)
        result.counts["ticket texts"] = session.execute(update(Ticket).where(
            Ticket.created_at < old, Ticket.description != "").values(description="")).rowcount
        session.execute(update(TicketEvent).where(TicketEvent.at < old, TicketEvent.text != "").values(text=""))
        result.counts["rating comments"] = session.execute(update(Rating).where(
            Rating.at < old, Rating.comment != "").values(comment="")).rowcount
        result.counts["urgent report texts"] = session.execute(update(UrgentReport).where(  # issue 17
            UrgentReport.created_at < old, (UrgentReport.issue != "") | (UrgentReport.risk != ""))
            .values(issue="", risk="")).rowcount
    return result


def checkpoint(engine: Engine) -> None:
    """SQLite: copy the write-ahead log into the database and empty it, so that overwritten pages
    (secure_delete) are the only copy. PostgreSQL: nothing to do here (VACUUM is the DBA's)."""
    if engine.dialect.name != "sqlite":
        return
    gate = getattr(engine, "write_gate", None)
    # Outside any transaction (a checkpoint inside one is refused), and through the write gate so
    # that it does not wait out another writer's busy timeout.
    with gate.hold(urgent=False) if gate else nullcontext():
        connection = engine.raw_connection()
        try:
            connection.cursor().execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            connection.close()


def contact_by_code(session: Session, code: str) -> Contact | None:
    """A contact by its roster code (C<id>, as `kambot roster export` writes it)."""
    code = code.strip().upper()
    if not code.startswith("C") or not code[1:].isascii() or not code[1:].isdigit():
        return None
    return session.get(Contact, int(code[1:]))


