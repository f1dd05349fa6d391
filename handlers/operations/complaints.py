"""Complaints: filed with a due date 5 working days after receipt (handlers/rules/workdays.py, the config's
[calendar]); the KAMR answers by then and the reporters get the answer to acknowledge."""
from __future__ import annotations

import logging
from datetime import datetime

from sqlmodel import Session

from bot.config import Config
from handlers import complaint_close, ticketing
from handlers.messages import Button, Card, Message
from handlers.operations import case
from handlers.notify import Notifier
from handlers.operations.reaching import call_responders, tell_reporters
from handlers.postback import build
from handlers.texts import t
from handlers.thai_dates import format_date
from handlers.rules.statuses import ANSWERABLE_STATUSES, OPEN_STATUSES
from handlers.rules.workdays import calendar_from_config
from storage import tickets
from storage.models import Account, Contact, Staff, Ticket

log = logging.getLogger(__name__)

ANSWER_DAYS = 5
MAX_TEXT = 2000
CARD_DETAILS = 300
# The KAMR may (re)answer until the close-out starts; pending_certification is open but not answerable.


def file_complaint(session: Session, config: Config, *, now: datetime, actor: Contact | None, channel: str,
                   notifier: Notifier, account_id: int, topic: str, text: str, received_at: datetime,
                   details: dict | None = None) -> Ticket:
    """File a complaint due 5 working days after receipt and send the KAMR the card."""
    result = calendar_from_config(config).due_for(received_at, n=ANSWER_DAYS)
    if result.beyond_data:
        log.warning("complaint due date %s computed beyond the holidays data: %s", result.due, "; ".join(result.warnings))
    contact_id = actor.id if actor else None
    ticket = tickets.create(session, Ticket(
        kind="complaint", channel=channel, account_id=account_id, contact_id=contact_id, category=topic,
        description=text[:MAX_TEXT], created_at=received_at, due_date=result.due,
        details={"due": result.due.isoformat(), "due_rule": result.rule, "received_at": received_at.isoformat(),
                 **(details or {})},
    ))
    tickets.log(session, ticket, "reported", now=now, contact_id=contact_id)
    call_responders(session, ticket, lambda lang, _minutes, _last: staff_card(session, ticket, lang, now=now), now=now,
                    notifier=notifier, chain=config.escalation, attachments=case.attachments(session, ticket))
    return ticket


def answer_complaint(session: Session, ticket: Ticket, text: str, *, now: datetime, actor: Staff,
                     notifier: Notifier) -> bool:
    """The office's explanation goes to the reporters, who may acknowledge it; False when no longer answerable."""
    values = {"status": "answered"}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=actor.id)
    if not tickets.transition(session, ticket, ANSWERABLE_STATUSES, **values):
        return False
    ticket.details = {**ticket.details, "answered_at": now.isoformat()}
    session.add(ticket)
    tickets.log(session, ticket, "answered", now=now, staff_id=actor.id, text=text)
    tell_reporters(session, ticket, "complaint_answer_customer", notifier=notifier, staff=actor.name, text=text,
                   buttons=lambda lang: complaint_close.ack_buttons(ticket, lang))
    if not any(notifier.reachable(contact) for contact in tickets.reporters(session, ticket)):
        # Nobody on LINE (a complaint by Google Form): not delivered until the KAMR says how they delivered it.
        ticket.details = {**ticket.details, "answer_undelivered": True}
        session.add(ticket)
    return True


DELIVERY_CHANNELS = ("phone", "email", "in_person")


def record_delivery(session: Session, ticket: Ticket, how: str, *, now: datetime, actor: Staff) -> bool:
    """The KAMR delivered the answer themselves (phone, e-mail, in person); False when nothing was waiting."""
    if not ticket.details.get("answer_undelivered") or how not in DELIVERY_CHANNELS:
        return False
    details = {k: v for k, v in ticket.details.items() if k != "answer_undelivered"}
    ticket.details = {**details, "answer_delivered": {"how": how, "by": actor.id, "at": now.isoformat()}}
    session.add(ticket)
    tickets.log(session, ticket, "answer_delivered", now=now, staff_id=actor.id, channel=how)
    return True


def staff_message(session: Session, ticket: Ticket, lang: str, *, now: datetime | None = None) -> Message:
    """The card with the photos beside it, from one reading of the ticket."""
    reads = case.CaseReads(session, ticket)
    return Message(card=staff_card(session, ticket, lang, now=now, reads=reads),
                   attachments=case.attachments(session, ticket, lang, reads))


def staff_card(session: Session, ticket: Ticket, lang: str, *, now: datetime | None = None,
               reads: case.CaseReads | None = None) -> Card:
    reads = reads or case.CaseReads(session, ticket)
    account = session.get(Account, ticket.account_id)
    details = ticket.description if len(ticket.description) <= CARD_DETAILS else ticket.description[: CARD_DETAILS - 1] + "…"
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        *case.risk_lines(session, account, lang),
        t("card_topic", lang, topic=t(f"topic_{ticket.category}", lang)),
        t("card_details", lang, details=details),
        t("card_due", lang, due=format_date(ticket.due_date, lang) if ticket.due_date else "-"),
        t("card_status", lang, status=t(f"status_{ticket.status}", lang)),
    ]
    lines += ticketing.reporter_lines(session, ticket, lang, reads)
    lines += case.lines(session, ticket, lang, now, reads)
    buttons: tuple[Button, ...] = ()
    if ticket.status in ANSWERABLE_STATUSES:
        label = t("btn_answer", lang)
        buttons = (Button(label, data=build("complaint.answer", t=ticket.id), display=label),)
    buttons += case.buttons(session, ticket, lang, reads)
    if len(ticket.description) > CARD_DETAILS:  # the card shows the start; the whole text is one tap away
        label = t("btn_full_text", lang)
        buttons += (Button(label, data=build("complaint.full", t=ticket.id), display=label),)
    if ticket.status == "answered":
        buttons += (complaint_close.onbehalf_button(ticket, lang),)
    if ticket.status in OPEN_STATUSES:
        buttons += (ticketing.urgent_button(ticket, lang),)
    return Card(title=t("complaint_card_title", lang, number=ticket.number), lines=tuple(lines), buttons=buttons)
