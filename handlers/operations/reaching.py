"""Who hears about a ticket: the responders (the KAMR, else the escalation chain at once) and the reporters."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

from sqlmodel import Session

from bot.config import EscalationConfig
from handlers.messages import Attachment, Button, Message
from handlers.notify import Notifier
from handlers.operations import escalating
from handlers.operations.escalating import CardFor, Reached
from handlers.operations.reachable import calls_to, view_button
from handlers.texts import t
from storage import escalations, tickets
from storage.models import Account, Staff, Ticket


def call_responders(session: Session, ticket: Ticket, card_for: CardFor, *, now: datetime, notifier: Notifier,
                    chain: EscalationConfig | None = None, attachments: tuple[Attachment, ...] = (),
                    new: bool = False) -> Reached | None:
    """The person holding the ticket gets the card (with its photos and pin): the KAMR, or with no KAMR on
    LINE the first level of the escalation chain that reaches someone, at once (the ticket is then
    escalated). A ticket already with someone goes to them again. None: nobody in the chain is on LINE
    (the history says why). A `new` ticket (opened in this transaction) has no levels claimed yet."""
    chain = chain or EscalationConfig()
    steps = [] if new else escalations.steps_of(session, [ticket.id])[ticket.id]
    holder = escalating.current(session, ticket, chain, steps=steps)
    if holder is not None and holder.staff.active and holder.staff.line_user_id:
        minutes = None if holder.level == 0 else 0
        notifier.push(holder.staff, [Message(card=card_for(holder.staff.language, minutes, holder.level == len(chain.levels)),
                                             attachments=attachments)])
        return holder
    start = holder.level + 1 if holder is not None else 0
    return escalating.reach(session, ticket, card_for, from_level=start, now=now, chain=chain, notifier=notifier,
                            reason="kamr_unreachable", attachments=attachments, steps=steps)


def who_calls(holder: Reached | None, lang: str) -> str:
    """What the reporter is told at the report: who has it (`call_responders`'s answer) and by when to
    expect a call, or whom to phone."""
    if holder is None:
        return t("outage_nobody_on_line", lang)
    return t("outage_who_calls", lang, staff=holder.staff.name, minutes=holder.minutes)


def responders(session: Session, ticket: Ticket) -> list[Staff]:
    """Everyone answering for a ticket now: whoever holds it in the chain, whoever it was escalated to,
    whoever took it."""
    return escalations.answering(session, ticket)


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


def tell_kamr_who_took_it(session: Session, ticket: Ticket, actor: Staff, *, notifier: Notifier) -> None:
    """The account's own KAMR hears who took their case when it was someone else (issue 15)."""
    account = session.get(Account, ticket.account_id)
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None and kamr.id != actor.id and kamr.active and notifier.reachable(kamr):
        lang = kamr.language
        notifier.push(kamr, [Message(text=t("outage_taken_by_other", lang, number=ticket.number,
                                            account=account.name, staff=actor.name),
                                     quick_replies=(view_button(ticket, lang), *calls_to(actor, lang)))])
