"""Free services by tier (002 §3.1.1(2)): a request, the KAMR's booking, proposal, refusal or done,
the customer's confirmation or other date; each tells the other side.

Statuses: open (asked) → proposed (KAMR's date, awaiting the customer) → scheduled → resolved (done,
rated with the ticket rating); declined at any point before done.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Callable

from sqlmodel import Session

from bot.config import Config, ServiceOffer
from handlers.menu import customer_buttons
from handlers.messages import Button, Card
from handlers.notify import Notifier
from handlers.operations import case
from handlers.operations.outages import rating_buttons
from handlers.operations.reaching import call_responders, tell_reporters
from handlers.postback import build
from handlers.rules import date_bounds
from handlers.rules.statuses import BOOKABLE_STATUSES, RESCHEDULABLE_STATUSES
from handlers.texts import t
from handlers.thai_dates import format_appointment, format_day, to_bangkok
from storage import tickets
from storage.models import Account, Contact, Staff, Ticket


def offer_label(offer: ServiceOffer, lang: str) -> str:
    return offer.name_en if lang == "en" and offer.name_en else offer.name_th


def offer_button(offer: ServiceOffer, lang: str) -> str:
    """The offer's name on a button: its short button name, else its name."""
    short = offer.button_en if lang == "en" and offer.button_en else offer.button_th
    return short or offer_label(offer, lang)


def offer_name(config: Config, ticket: Ticket, lang: str) -> str:
    offer = config.services.offer(ticket.category)
    return offer_label(offer, lang) if offer else ticket.category


def appointment_text(ticket: Ticket, lang: str) -> str:
    """The appointment as people read it: day, weekday and time (a booking from before times: the day)."""
    if ticket.scheduled_at is not None:
        return format_appointment(ticket.scheduled_at, lang)
    return format_day(ticket.scheduled_date, lang) if ticket.scheduled_date else "-"


def appointment_key(ticket: Ticket) -> str | None:
    """What a customer's [ยืนยันวันนัด] carries: the proposal it answers (a newer proposal expires it)."""
    if ticket.scheduled_at is not None:
        return to_bangkok(ticket.scheduled_at).strftime("%Y-%m-%dT%H:%M")
    return ticket.scheduled_date.isoformat() if ticket.scheduled_date else None


def open_request(session: Session, config: Config, *, now: datetime, actor: Contact | None, channel: str,
                 notifier: Notifier, account_id: int, offer: ServiceOffer, preferred: date, notes: str = "",
                 details: dict | None = None) -> Ticket:
    """A service request: the ticket, its history, and the KAMR's card."""
    contact_id = actor.id if actor else None
    ticket = tickets.create(session, Ticket(
        kind="service", channel=channel, account_id=account_id, contact_id=contact_id, category=offer.code,
        description=f"{offer.name_th}\n{notes}" if notes else offer.name_th, created_at=now,
        details={"preferred_date": preferred.isoformat(), **(details or {})},
    ))
    tickets.log(session, ticket, "requested", now=now, contact_id=contact_id, preferred_date=preferred.isoformat())
    call_responders(session, ticket, lambda lang, _minutes, _last: staff_card(session, config, ticket, lang, now=now),
                    now=now, notifier=notifier, chain=config.escalation)
    return ticket


def confirm_date(session: Session, config: Config, ticket: Ticket, *, now: datetime, actor: Contact,
                 notifier: Notifier) -> bool:
    """The customer takes the KAMR's proposed date; False when it is no longer proposed."""
    if not tickets.transition(session, ticket, ("proposed",), status="scheduled"):
        return False
    tickets.log(session, ticket, "confirmed", now=now, contact_id=actor.id)
    _tell_kamr(session, config, ticket, "staff_service_confirmed", when=lambda lang: appointment_text(ticket, lang),
               now=now, notifier=notifier)
    return True


def ask_new_date(session: Session, config: Config, ticket: Ticket, day: date, *, now: datetime, actor: Contact,
                 notifier: Notifier) -> bool:
    """The customer wants another date: the request is open again with it; False when past booking."""
    if not tickets.transition(session, ticket, RESCHEDULABLE_STATUSES, status="open", scheduled_date=None,
                              scheduled_at=None):
        return False
    ticket.details = {**ticket.details, "preferred_date": day.isoformat()}
    session.add(ticket)
    tickets.log(session, ticket, "new_date_asked", now=now, contact_id=actor.id, preferred_date=day.isoformat())
    _tell_kamr(session, config, ticket, "staff_service_new_date", when=lambda lang: format_day(day, lang), now=now,
               notifier=notifier)
    return True


def _tell_kamr(session: Session, config: Config, ticket: Ticket, key: str, *, when: Callable[[str], str],
               now: datetime, notifier: Notifier) -> None:
    def card_for(lang: str, _minutes, _last) -> Card:
        card = staff_card(session, config, ticket, lang, now=now)
        return Card(title=t(key, lang, number=ticket.number, date=when(lang)), lines=card.lines,
                    buttons=card.buttons)

    call_responders(session, ticket, card_for, now=now, notifier=notifier, chain=config.escalation)


def book(session: Session, config: Config, ticket: Ticket, when: datetime, *, status: str, now: datetime,
         actor: Staff, notifier: Notifier) -> bool:
    """The KAMR books the asked date at a time (status "scheduled") or proposes another date and time
    ("proposed"); `when` is UTC. False when too late."""
    from_statuses = ("open",) if status == "scheduled" else BOOKABLE_STATUSES
    values = {"status": status, "scheduled_date": to_bangkok(when).date(), "scheduled_at": when}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=actor.id)
    if not tickets.transition(session, ticket, from_statuses, **values):
        return False
    tickets.log(session, ticket, status, now=now, staff_id=actor.id, date=to_bangkok(when).date().isoformat(),
                at=when.isoformat())

    def localized(lang: str) -> dict:
        return {"name": offer_name(config, ticket, lang), "date": format_appointment(when, lang)}

    if status == "scheduled":
        tell_reporters(session, ticket, "service_accepted_customer", notifier=notifier, localized=localized,
                       buttons=lambda lang: (_customer_button(ticket, "btn_change_date", "service.other", lang),))
    else:
        tell_reporters(session, ticket, "service_proposed_customer", notifier=notifier, localized=localized,
                       buttons=lambda lang: (
                           _customer_button(ticket, "btn_confirm_date", "service.confirm", lang, d=appointment_key(ticket)),
                           _customer_button(ticket, "btn_other_date", "service.other", lang)))
    return True


def _customer_button(ticket: Ticket, key: str, action: str, lang: str, **params) -> Button:
    label = t(key, lang)
    return Button(label, data=build(action, t=ticket.id, **params), display=label)


def decline(session: Session, config: Config, ticket: Ticket, reason: str, *, now: datetime, actor: Staff,
            notifier: Notifier) -> bool:
    """The KAMR cannot provide it, and says why; False when no longer bookable."""
    values = {"status": "declined", "resolved_at": now}
    if ticket.acknowledged_at is None:  # declining is a first answer too (the report's first-answer clock)
        values.update(acknowledged_at=now, acknowledged_by=actor.id)
    if not tickets.transition(session, ticket, BOOKABLE_STATUSES, **values):
        return False
    tickets.log(session, ticket, "declined", now=now, staff_id=actor.id, text=reason)
    tell_reporters(session, ticket, "service_declined_customer", notifier=notifier, reason=reason,
                   buttons=customer_buttons, localized=lambda lang: {"name": offer_name(config, ticket, lang)})
    return True


def mark_done(session: Session, config: Config, ticket: Ticket, *, now: datetime, actor: Staff,
              notifier: Notifier, early_reason: str = "") -> bool:
    """The service was given: the reporters are asked to rate it; False unless it was scheduled.

    `early_reason` says why it was given before the appointment day (kept on the event)."""
    if not tickets.transition(session, ticket, ("scheduled",), status="resolved", resolved_at=now):
        return False
    tickets.log(session, ticket, "resolved", now=now, staff_id=actor.id, text=early_reason,
                **({"before_appointment": True} if early_reason else {}))
    tell_reporters(session, ticket, "service_done_customer", notifier=notifier,
                   buttons=lambda lang: rating_buttons(ticket, lang),
                   localized=lambda lang: {"name": offer_name(config, ticket, lang)})
    return True


def staff_card(session: Session, config: Config, ticket: Ticket, lang: str, *, now: datetime | None = None) -> Card:
    account = session.get(Account, ticket.account_id)
    preferred = ticket.details.get("preferred_date")
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        *case.risk_lines(session, account, lang),
        t("card_service", lang, name=f"{ticket.category} {offer_name(config, ticket, lang)}"),
        t("card_preferred", lang, date=format_day(date.fromisoformat(preferred), lang) if preferred else "-"),
    ]
    if ticket.scheduled_date:
        lines.append(t("card_scheduled", lang, date=appointment_text(ticket, lang)))
    lines.append(t("card_status", lang, status=t(f"status_{ticket.status}", lang)))
    buttons: tuple[Button, ...] = ()
    if ticket.status == "open" and preferred:
        label = t("btn_accept_date", lang)
        buttons += (Button(label, data=build("service.accept", t=ticket.id), display=label),)
    if ticket.status == "scheduled":
        label = t("btn_service_done", lang)
        buttons += (Button(label, data=build("service.done", t=ticket.id), display=label),)
    if ticket.status in BOOKABLE_STATUSES:
        window = date_bounds.service_days(now or ticket.created_at, config.services.max_days_ahead)
        buttons += (Button(t("btn_propose_date", lang), kind="date", data=build("service.propose", t=ticket.id),
                           **window.picker()),
                    Button(t("btn_decline", lang), data=build("service.decline", t=ticket.id), display=t("btn_decline", lang)))
    return Card(title=t("service_card_title", lang, number=ticket.number), lines=tuple(lines), buttons=buttons)
