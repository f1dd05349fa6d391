"""Tickets and their history."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, insert, update
from sqlmodel import Session, col, select

from storage.db import lock_key
from storage.models import Account, Contact, Ticket, TicketEvent, TicketReporter
from storage.statuses import OPEN_STATUSES

PREFIXES = {"outage": "OUT", "complaint": "CMP", "service": "SRV", "message": "MSG"}
# Written with Core, at once (built once): every report, photo and answer logs an event, and the ORM's
# unit of work for these append-only rows cost more than writing them.
_INSERT_EVENT = insert(TicketEvent.__table__).returning(TicketEvent.__table__.c.id)
_INSERT_REPORTER = insert(TicketReporter.__table__)
# Reads that run per event, built once: building and keying a statement cost more than running it
# (open_for_account: 0.53 ms built each time, 0.20 ms built once, on the storm machine).
_IS_REPORTER = select(TicketReporter.id).where(TicketReporter.ticket_id == bindparam("ticket"),
                                               TicketReporter.contact_id == bindparam("contact"))
_OPEN_OF_KIND = (select(Ticket).where(Ticket.kind == bindparam("kind"), Ticket.account_id == bindparam("account"),
                                      col(Ticket.status).in_(OPEN_STATUSES)).order_by(Ticket.id).limit(1))
_OPEN_FOR_SITE = _OPEN_OF_KIND.where(Ticket.site_id == bindparam("site"))
_OPEN_WITHOUT_SITE = _OPEN_OF_KIND.where(col(Ticket.site_id).is_(None))  # `= NULL` would match nothing
_OPEN_FOR_ACCOUNT = (select(Ticket).where(Ticket.account_id == bindparam("account"), col(Ticket.status).in_(OPEN_STATUSES))
                     .order_by(Ticket.id).limit(bindparam("limit")))


def lock_site_outage(session: Session, *, account_id: int, site_id: int | None) -> None:
    """Until commit, other transactions about the same site's outage wait (check, then open or join)."""
    lock_key(session, f"outage-site:{account_id}:{site_id}")


def create(session: Session, ticket: Ticket) -> Ticket:
    """Insert and number it: PREFIX-YY-NNNNN, YY the Buddhist-era year the staff use."""
    ticket.number = f"tmp-{id(ticket)}"
    session.add(ticket)
    session.flush()
    be_year = (ticket.created_at.year + 543) % 100
    ticket.number = f"{PREFIXES.get(ticket.kind, 'TKT')}-{be_year:02d}-{ticket.id:05d}"
    session.add(ticket)
    if ticket.contact_id:  # a ticket this new has no reporters to look up
        session.connection().execute(_INSERT_REPORTER, {"ticket_id": ticket.id, "contact_id": ticket.contact_id})
    return ticket


def add_reporter(session: Session, ticket: Ticket, contact_id: int) -> bool:
    if session.exec(_IS_REPORTER, params={"ticket": ticket.id, "contact": contact_id}).first() is not None:
        return False
    session.connection().execute(_INSERT_REPORTER, {"ticket_id": ticket.id, "contact_id": contact_id})
    return True


def is_reporter(session: Session, ticket: Ticket, contact_id: int) -> bool:
    """Did this contact report or join the ticket (and so hear of it)?"""
    if ticket.contact_id == contact_id:
        return True
    return session.exec(_IS_REPORTER, params={"ticket": ticket.id, "contact": contact_id}).first() is not None


def reporters(session: Session, ticket: Ticket) -> list[Contact]:
    return list(
        session.exec(
            select(Contact)
            .join(TicketReporter, col(TicketReporter.contact_id) == Contact.id)
            .where(TicketReporter.ticket_id == ticket.id, Contact.active)
            .order_by(TicketReporter.id)
        ).all()
    )


def log(session: Session, ticket: Ticket, action: str, *, now: datetime, staff_id=None, contact_id=None, text="",
        **details) -> dict:
    """Append to the ticket's history; returns the event's values as written, with its id (`as_event`
    makes the model of them, for a reading of the history that must include it)."""
    values = dict(ticket_id=ticket.id, at=now, action=action, staff_id=staff_id, contact_id=contact_id, text=text,
                  details=details)
    values["id"] = session.connection().execute(_INSERT_EVENT, values).scalar_one()
    return values


def as_event(values: dict) -> TicketEvent:
    """An event `log` wrote, as the model (not held by the session): building one costs more than the
    write, so `log` builds it only when asked."""
    return TicketEvent(**values)


def history(session: Session, ticket: Ticket) -> list[TicketEvent]:
    return list(session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id).order_by(TicketEvent.id)).all())


def open_for_site(session: Session, *, kind: str, account_id: int, site_id: int | None) -> Ticket | None:
    query = _OPEN_WITHOUT_SITE if site_id is None else _OPEN_FOR_SITE
    return session.exec(query, params={"kind": kind, "account": account_id, "site": site_id}).first()


def open_for_account(session: Session, account_id: int, *, limit: int = 20) -> list[Ticket]:
    return list(session.exec(_OPEN_FOR_ACCOUNT, params={"account": account_id, "limit": limit}).all())


def open_for_staff(session: Session, staff_id: int, *, limit: int = 20) -> list[tuple[Ticket, Account]]:
    """Tickets of the accounts this person manages, plus those escalated to them."""
    return list(
        session.exec(
            select(Ticket, Account)
            .join(Account, col(Account.id) == Ticket.account_id)
            .where(
                col(Ticket.status).in_(OPEN_STATUSES),
                (Account.kamr_id == staff_id) | (Ticket.escalated_to == staff_id),
            )
            .order_by(Ticket.id)
            .limit(limit)
        ).all()
    )


def transition(session: Session, ticket: Ticket, from_statuses: tuple[str, ...], **values) -> bool:
    """Change a ticket only if it is still in one of from_statuses; False if someone else got there first."""
    result = session.execute(
        update(Ticket).where(Ticket.id == ticket.id, col(Ticket.status).in_(from_statuses)).values(**values)
    )
    session.refresh(ticket)
    return result.rowcount == 1


def open_of_contact(session: Session, *, kind: str, contact_id: int) -> Ticket | None:
    """The contact's latest open ticket of `kind` (a relayed message still waiting for its answer)."""
    return session.exec(
        select(Ticket)
        .where(Ticket.kind == kind, Ticket.contact_id == contact_id, col(Ticket.status).in_(OPEN_STATUSES))
        .order_by(col(Ticket.id).desc())
    ).first()
