"""Who hears about a ticket: the responders (the KAMR, else the backup at once) and the reporters."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlmodel import Session

from handlers.messages import Attachment, Button, Card, Message
from handlers.notify import Notifier
from handlers.texts import t
from handlers.rules import roles
from storage import tickets
from storage.models import Account, Staff, Ticket

# card_for(lang, escalated_minutes): the staff card in one person's language
CardFor = Callable[[str, "int | None"], Card]


def first_responder(session: Session, account: Account) -> tuple[Staff | None, bool]:
    """Who answers for the account now: (the KAMR on LINE, False), else (their backup or None, True).

    The one place that decides who hears first; routing by office (issue 15) extends it here."""
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None and kamr.line_user_id:
        return kamr, False
    return (roles.person_for(session, kamr, roles.BACKUP) if kamr else None), True


def call_responders(session: Session, ticket: Ticket, card_for: CardFor, *, now: datetime, notifier: Notifier,
                    attachments: tuple[Attachment, ...] = ()) -> Staff | None:
    """The KAMR gets the card; with no KAMR on LINE the backup gets it at once and the ticket is escalated.

    Returns who got it (None: nobody could be reached)."""
    responder, is_backup = first_responder(session, session.get(Account, ticket.account_id))
    if responder is None:
        return None
    if is_backup:
        ticket.escalated_at, ticket.escalated_to = now, responder.id
        tickets.log(session, ticket, "escalated", now=now, staff_id=responder.id, reason="kamr_unreachable")
    notifier.push(responder, [Message(card=card_for(responder.language, 0 if is_backup else None),
                                      attachments=attachments)])
    return responder if notifier.reachable(responder) else None


def responders(session: Session, ticket: Ticket) -> list[Staff]:
    """Everyone answering for a ticket now: the first responder, whoever it was escalated to, whoever took it."""
    first, _ = first_responder(session, session.get(Account, ticket.account_id))
    people = [first] if first is not None else []
    for staff_id in (ticket.escalated_to, ticket.acknowledged_by):
        if staff_id and all(person.id != staff_id for person in people):
            people.append(session.get(Staff, staff_id))
    return [person for person in people if person is not None]


def tell_responders(session: Session, ticket: Ticket, messages_for: Callable[[str], list[Message]], *,
                    notifier: Notifier) -> int:
    """Push to every responder, each in their own language; returns how many could be reached."""
    reached = 0
    for person in responders(session, ticket):
        if notifier.reachable(person):
            notifier.push(person, messages_for(person.language))
            reached += 1
    return reached


def tell_reporters(session: Session, ticket: Ticket, key: str, *, notifier: Notifier,
                   buttons: Callable[[str], tuple[Button, ...]] | None = None,
                   localized: Callable[[str], dict] | None = None, **values) -> None:
    """Push one text to every contact on the ticket, each in their own language.

    `localized(lang)` gives the values that read differently per language (dates, names)."""
    for contact in tickets.reporters(session, ticket):
        text = t(key, contact.language, number=ticket.number, **values, **(localized(contact.language) if localized else {}))
        notifier.push(contact, [Message(text=text, quick_replies=buttons(contact.language) if buttons else ())])
