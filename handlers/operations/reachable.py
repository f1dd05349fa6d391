"""Contact means reachable (issue 15): a tap-to-call button for a staff member with a phone, the ticket's
card for staff, the status list for customers: the next action at the end of a notice."""
from __future__ import annotations

import re

from handlers.messages import Button
from handlers.postback import build
from handlers.texts import t
from storage.models import Staff, Ticket


def tel_uri(phone: str) -> str:
    """The first number of a phone cell ("02-123 4567 ต่อ 12, 081…") as a tel: address."""
    first = re.split(r"[,;/]", phone)[0]
    first = re.split(r"(?:ต่อ|ext\.?|x)", first, maxsplit=1)[0]
    return "tel:" + re.sub(r"[^0-9+]", "", first)


def call_button(staff: Staff, lang: str) -> Button:
    return Button(t("btn_call_kamr", lang, name=staff.name), kind="uri", data=tel_uri(staff.phone))


def calls_to(staff: Staff | None, lang: str) -> tuple[Button, ...]:
    """The call button, when there is someone with a phone to call."""
    return (call_button(staff, lang),) if staff is not None and staff.phone else ()


def view_button(ticket: Ticket, lang: str) -> Button:
    """Opens the ticket's full card (postback `<kind>.view`, checked against the staff member's accounts)."""
    label = t("btn_view", lang, number=ticket.number)
    return Button(label, data=build(f"{ticket.kind}.view", t=ticket.id), display=label)


def status_button(lang: str) -> Button:
    """The customer's list of their tickets and where each stands."""
    return Button(t("btn_status", lang), data=build("status"), display=t("btn_status", lang))
