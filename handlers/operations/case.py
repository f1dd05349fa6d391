"""What a responder needs beside a ticket's card to act without asking: the photos, the pin, the
notes typed after the report, who reported and how to call them, how long ago it was reported.

Photos that arrive after the card are stored first (bot/line/media.py) and then handed to
`relay_media`, which pushes them to the responders with a caption naming the ticket."""
from __future__ import annotations

from datetime import datetime
from functools import cached_property

from sqlmodel import Session

from handlers.messages import Attachment, Button, Card, Message
from handlers.notify import Notifier
from handlers.operations.reachable import view_button
from handlers.operations.reaching import tell_responders
from handlers.rules import risk_note
from handlers.texts import t
from storage import incidents as incidents_repo
from storage import media as media_repo
from storage import tickets
from storage.models import Account, Contact, Incident, Media, Ticket, TicketEvent

MAPS_URL = "https://www.google.com/maps/search/?api=1&query={lat},{lng}"
MAX_NOTES = 5  # the latest; the ticket's history keeps them all
MAX_PHOTOS = 3  # LINE takes five messages a call: photos, the pin and the card
NOTE_CHARS = 200


def maps_url(latitude: float, longitude: float) -> str:
    return MAPS_URL.format(lat=f"{latitude:.6f}", lng=f"{longitude:.6f}")


def reported_ago(ticket: Ticket, now: datetime, lang: str) -> str:
    """"แจ้งเมื่อ 12 นาทีที่แล้ว": minutes, then hours, then days."""
    minutes = max(0, int((now - ticket.created_at).total_seconds() // 60))
    if minutes < 1:
        return t("case_ago_now", lang)
    if minutes < 60:
        return t("case_ago_minutes", lang, n=minutes)
    if minutes < 24 * 60:
        return t("case_ago_hours", lang, n=minutes // 60)
    return t("case_ago_days", lang, n=minutes // (24 * 60))


class CaseReads:
    """A ticket's history, media, reporters and incident, each read once while one card is built: its lines,
    buttons and attachments each need them (a new outage's card read the history four times)."""

    def __init__(self, session: Session, ticket: Ticket):
        self.session, self.ticket = session, ticket

    @classmethod
    def opened(cls, session: Session, ticket: Ticket, *, history: list[TicketEvent],
               reporters: list[Contact]) -> "CaseReads":
        """A ticket opened in this transaction, not in an incident: nothing to read back but what was
        just written (a new outage's card read its history, media and incident for nothing)."""
        reads = cls(session, ticket)
        reads.history, reads.reporters, reads.media, reads.incident = history, reporters, [], None
        return reads

    @cached_property
    def history(self) -> list[TicketEvent]:
        return tickets.history(self.session, self.ticket)

    @cached_property
    def media(self) -> list[Media]:
        return media_repo.of_ticket(self.session, self.ticket.id)

    @cached_property
    def reporters(self) -> list[Contact]:
        return tickets.reporters(self.session, self.ticket)

    @cached_property
    def incident(self) -> Incident | None:
        """The area incident the ticket is in, open or not."""
        return incidents_repo.of_ticket(self.session, self.ticket.id)

    @cached_property
    def pin(self) -> TicketEvent | None:
        pins = [e for e in self.history if e.action == "location" and e.details.get("latitude") is not None]
        return pins[-1] if pins else None


def lines(session: Session, ticket: Ticket, lang: str, now: datetime | None, reads: CaseReads | None = None) -> list[str]:
    """The notes, the pin's address, the media and how long ago: lines for the card."""
    reads = reads or CaseReads(session, ticket)
    out = []
    notes = [e for e in reads.history if e.action == "note" and e.text]
    for note in notes[-MAX_NOTES:]:
        text = note.text if len(note.text) <= NOTE_CHARS else note.text[: NOTE_CHARS - 1] + "…"
        out.append(t("case_note", lang, text=text))
    if reads.pin is not None:
        out.append(t("case_pin", lang, address=reads.pin.details.get("address") or "-"))
    kept = [m for m in reads.media if m.status in ("pending", "stored")]
    if kept:
        out.append(t("case_media_count", lang, count=len(kept)))
    if now is not None:
        out.append(reported_ago(ticket, now, lang))
    return out


def risk_lines(session: Session, account: Account, lang: str) -> list[str]:
    """'⚠️ กลุ่มเสี่ยง: SPP' under the account on a staff card when its selection record says so (CRM-KAM-001)."""
    mark = risk_note.mark(risk_note.latest_groups(session, account.id), lang)
    return [mark] if mark else []


def phones(session: Session, ticket: Ticket, reads: CaseReads | None = None) -> list[str]:
    """Numbers to call back: each reporter's, else what the form said."""
    reads = reads or CaseReads(session, ticket)
    numbers = [ticket.details.get("phone", "")] + [c.phone for c in reads.reporters]
    return list(dict.fromkeys(n.strip() for n in numbers if n and n.strip()))


def buttons(session: Session, ticket: Ticket, lang: str, reads: CaseReads | None = None) -> tuple[Button, ...]:
    """Tap to call the reporter, and the pin on a map."""
    reads = reads or CaseReads(session, ticket)
    out = [Button(t("btn_call", lang, phone=number), kind="uri", data="tel:" + "".join(
        ch for ch in number if ch.isdigit() or ch == "+")) for number in phones(session, ticket, reads)[:2]]
    if reads.pin is not None:
        out.append(Button(t("btn_open_map", lang), kind="uri",
                          data=maps_url(reads.pin.details["latitude"], reads.pin.details["longitude"])))
    return tuple(out)


def attachments(session: Session, ticket: Ticket, lang: str = "th", reads: CaseReads | None = None) -> tuple[Attachment, ...]:
    """The stored photos and the pin, to show beside the card."""
    reads = reads or CaseReads(session, ticket)
    photos = [m for m in reads.media if m.kind == "image" and m.status == "stored"]
    out = [Attachment(kind="image", media_token=m.token, label=t("case_photo", lang)) for m in photos[-MAX_PHOTOS:]]
    pin = reads.pin
    if pin is not None:
        out.append(Attachment(kind="location", label=ticket.number, latitude=pin.details["latitude"],
                              longitude=pin.details["longitude"], address=pin.details.get("address", "")))
    return tuple(out)


def relay_media(session: Session, media: Media, *, now: datetime, notifier: Notifier) -> int:
    """A stored photo, voice, video or file of a ticket goes to its responders with a one-line caption."""
    ticket = session.get(Ticket, media.ticket_id) if media.ticket_id else None
    if ticket is None or media.status != "stored":
        return 0
    contact = session.get(Contact, media.contact_id) if media.contact_id else None
    account = session.get(Account, ticket.account_id)
    who = person_name(contact) or account.name

    def messages(lang: str) -> list[Message]:
        label = t(f"case_kind_{media.kind}", lang)
        caption = t("case_media_caption", lang, kind=label, number=ticket.number, name=who)
        shown = Attachment(kind=media.kind, media_token=media.token, label=label)
        return [Message(attachments=(shown,), card=Card(title=caption, buttons=(view_button(ticket, lang),)))]

    return tell_responders(session, ticket, messages, notifier=notifier)


def relay_note(session: Session, ticket: Ticket, contact: Contact, text: str, *, notifier: Notifier) -> int:
    """A note typed after the report goes to the responders at once, with the way to call back."""
    who = person_name(contact) or session.get(Account, ticket.account_id).name

    def messages(lang: str) -> list[Message]:
        card = Card(title=t("case_note_title", lang, number=ticket.number), lines=(t("case_from", lang, name=who), text),
                    buttons=(*buttons(session, ticket, lang), view_button(ticket, lang)))
        return [Message(card=card)]

    return tell_responders(session, ticket, messages, notifier=notifier)


def relay_pin(session: Session, ticket: Ticket, *, latitude: float | None, longitude: float | None, address: str,
              notifier: Notifier) -> int:
    """A pin dropped after the report: the place and a map button to the responders."""
    if latitude is None or longitude is None:
        return 0

    def messages(lang: str) -> list[Message]:
        place = Attachment(kind="location", label=ticket.number, latitude=latitude, longitude=longitude, address=address)
        map_button = Button(t("btn_open_map", lang), kind="uri", data=maps_url(latitude, longitude))
        card = Card(title=t("case_pin_title", lang, number=ticket.number), lines=(t("case_pin", lang, address=address or "-"),),
                    buttons=(map_button, view_button(ticket, lang)))
        return [Message(attachments=(place,), card=card)]

    return tell_responders(session, ticket, messages, notifier=notifier)


def person_name(contact: Contact | None) -> str:
    """The roster name, with the LINE display name when it differs; either alone when only one is known."""
    if contact is None:
        return ""
    if contact.name and contact.display_name and contact.display_name != contact.name:
        return f"{contact.name} (LINE: {contact.display_name})"
    return contact.name or contact.display_name
