"""Messages a customer sends outside any dialog reach their KAMR (else the backup) as a ticket of
kind "message" (MSG-…): the card has [ตอบกลับ] and a call button; the KAMR's typed answer goes back
to the customer. Kept as tickets so they have a history and can later get a clock (issue 15)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from handlers.messages import Attachment, Button, Card, Message
from handlers.notify import Notifier
from handlers.operations import case
from handlers.operations.reaching import (call_responders, responders, tell_kamr_who_took_it, tell_reporters,
                                          tell_responders)
from handlers.postback import build
from handlers.rules.statuses import OPEN_STATUSES
from handlers.texts import khun, t
from storage import media as media_repo
from storage import tickets
from storage.models import Account, Contact, Staff, Ticket

MAX_TEXT = 2000
CARD_TEXT = 300


@dataclass(frozen=True)
class Relayed:
    ticket: Ticket
    recipient: Staff | None  # who got it; None: nobody on LINE, the office calls back
    as_kamr: bool  # the recipient is the account's KAMR (else a backup)


def relay(session: Session, *, now: datetime, actor: Contact, channel: str, notifier: Notifier, text: str = "",
          media_id: str = "", media_kind: str = "", latitude: float | None = None, longitude: float | None = None,
          address: str = "") -> Relayed:
    """Relay one message; a message while the contact's last one is unanswered joins that ticket."""
    text = text.strip()[:MAX_TEXT]
    ticket = tickets.open_of_contact(session, kind="message", contact_id=actor.id)
    details = {"media_id": media_id, "kind": media_kind} if media_id else {}
    if latitude is not None and longitude is not None:
        details.update(latitude=latitude, longitude=longitude, address=address)
    if ticket is None:
        ticket = tickets.create(session, Ticket(kind="message", channel=channel, account_id=actor.account_id,
                                                contact_id=actor.id, category=media_kind or "text",
                                                description=text, created_at=now))
        tickets.log(session, ticket, "reported", now=now, contact_id=actor.id, text=text, **details)
        _keep(session, ticket, media_id)
        reached = call_responders(session, ticket, lambda lang, _m, _last: staff_card(session, ticket, lang, now=now),
                                  now=now, notifier=notifier, attachments=_pin(ticket, details))
        recipient = reached.staff if reached is not None else None
    else:
        tickets.log(session, ticket, "message", now=now, contact_id=actor.id, text=text, **details)
        _keep(session, ticket, media_id)
        reached = [person for person in responders(session, ticket) if notifier.reachable(person)]
        if not media_id:  # a file goes with its own caption once stored (case.relay_media): one push, not two
            tell_responders(session, ticket, lambda lang: [Message(card=staff_card(session, ticket, lang, now=now),
                                                                   attachments=_pin(ticket, details))], notifier=notifier)
        recipient = reached[0] if reached else None
    account = session.get(Account, actor.account_id)
    return Relayed(ticket, recipient, bool(recipient and recipient.id == account.kamr_id))


def _keep(session: Session, ticket: Ticket, media_id: str) -> None:
    """The file goes with the ticket: the media fetcher relays it to the responders once stored."""
    if media_id:
        media_repo.attach_to_ticket(session, media_id, ticket.id)


def _pin(ticket: Ticket, details: dict):
    if details.get("latitude") is None:
        return ()
    return (Attachment(kind="location", label=ticket.number, latitude=details["latitude"],
                       longitude=details["longitude"], address=details.get("address", "")),)


def answer(session: Session, ticket: Ticket, text: str, *, now: datetime, actor: Staff, notifier: Notifier) -> bool:
    """The KAMR's answer goes to the customer and closes the message; False when it was closed already."""
    values = {"status": "closed", "resolved_at": now}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=actor.id)
    if not tickets.transition(session, ticket, OPEN_STATUSES, **values):
        return False
    tickets.log(session, ticket, "answered", now=now, staff_id=actor.id, text=text)
    tell_reporters(session, ticket, "relay_answer_customer", notifier=notifier, text=text,
                   localized=lambda lang: {"staff": khun(actor.name) if lang == "th" else actor.name})
    tell_kamr_who_took_it(session, ticket, actor, notifier=notifier)
    return True


def _said(session: Session, ticket: Ticket, lang: str) -> list[str]:
    """What the customer sent, oldest first: text, or what kind of file, or the pin."""
    out = []
    for event in tickets.history(session, ticket):
        if event.action not in ("reported", "message"):
            continue
        if event.text:
            out.append(event.text if len(event.text) <= CARD_TEXT else event.text[: CARD_TEXT - 1] + "…")
        elif event.details.get("media_id"):
            out.append(t("relay_sent_kind", lang, kind=t(f"case_kind_{event.details.get('kind') or 'file'}", lang)))
        elif event.details.get("latitude") is not None:
            out.append(t("case_pin", lang, address=event.details.get("address") or "-"))
    return out


def staff_card(session: Session, ticket: Ticket, lang: str, *, now: datetime | None = None) -> Card:
    account = session.get(Account, ticket.account_id)
    contact = session.get(Contact, ticket.contact_id) if ticket.contact_id else None
    lines = [t("card_account", lang, account=f"{account.name} ({account.account_code})"),
             *case.risk_lines(session, account, lang),
             t("case_from", lang, name=case.person_name(contact) or "-"),
             *_said(session, ticket, lang)]
    if now is not None:
        lines.append(case.reported_ago(ticket, now, lang))
    buttons: tuple[Button, ...] = ()
    if ticket.status in OPEN_STATUSES:
        label = t("btn_reply", lang)
        buttons = (Button(label, data=build("message.reply", t=ticket.id), display=label),)
    buttons += case.buttons(session, ticket, lang)
    return Card(title=t("relay_card_title", lang, number=ticket.number), lines=tuple(lines), buttons=buttons)
