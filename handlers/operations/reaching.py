"""Who hears about a ticket: the responders (the KAMR, else the backup at once) and the reporters."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlmodel import Session

from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.texts import t
from handlers.rules import roles
from storage import tickets
from storage.models import Account, Staff, Ticket

# card_for(lang, escalated_minutes): the staff card in one person's language
CardFor = Callable[[str, "int | None"], Card]


def call_responders(session: Session, ticket: Ticket, card_for: CardFor, *, now: datetime, notifier: Notifier) -> None:
    """The KAMR gets the card; with no KAMR on LINE the backup gets it at once and the ticket is escalated."""
    account = session.get(Account, ticket.account_id)
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None and kamr.line_user_id:
        notifier.push(kamr, [Message(card=card_for(kamr.language, None))])
        return
    backup = roles.person_for(session, kamr, roles.BACKUP) if kamr else None
    if backup is not None:
        ticket.escalated_at, ticket.escalated_to = now, backup.id
        tickets.log(session, ticket, "escalated", now=now, staff_id=backup.id, reason="kamr_unreachable")
        notifier.push(backup, [Message(card=card_for(backup.language, 0))])


def tell_reporters(session: Session, ticket: Ticket, key: str, *, notifier: Notifier,
                   buttons: Callable[[str], tuple[Button, ...]] | None = None,
                   localized: Callable[[str], dict] | None = None, **values) -> None:
    """Push one text to every contact on the ticket, each in their own language.

    `localized(lang)` gives the values that read differently per language (dates, names)."""
    for contact in tickets.reporters(session, ticket):
        text = t(key, contact.language, number=ticket.number, **values, **(localized(contact.language) if localized else {}))
        notifier.push(contact, [Message(text=text, quick_replies=buttons(contact.language) if buttons else ())])
