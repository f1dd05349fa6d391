"""Outages: a report opens a ticket (or joins the site's open one); the KAMR acknowledges, updates, resolves."""
from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlmodel import Session, col

from handlers import ticketing
from bot.config import EscalationConfig
from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.operations import case
from handlers.operations import incidents  # issue 16: area incidents
from handlers.operations.ratings import score_buttons
from handlers.operations.reachable import call_button
from handlers.operations.escalating import Reached
from handlers.operations.reaching import call_responders, tell_kamr_who_took_it, tell_reporters, tell_responders
from handlers.postback import build
from handlers.rules import date_bounds
from handlers.rules.statuses import OPEN_STATUSES
from handlers.texts import t
from handlers.thai_dates import format_datetime
from storage import estimates, tickets
from storage import incidents as incidents_store
from storage.models import Account, Contact, Site, Staff, Ticket


# Cards are titled by what the customer reported: low voltage is not "แจ้งไฟดับ". No power (or anything
# unknown) keeps the outage title.
TITLED_SYMPTOMS = ("low_voltage", "flicker", "other")


class Opened(NamedTuple):
    ticket: Ticket
    joined: bool  # the report joined the site's open outage
    holder: Reached | None  # who was called for a new one (None: nobody on LINE, or it is an area incident's)
    in_incident: bool = False  # a new one an open area incident covers: its reporter was told so


def open_outage(session: Session, *, now: datetime, actor: Contact | None, channel: str, notifier: Notifier,
                account_id: int, site_id: int | None, symptom: str, started: datetime, description: str = "",
                details: dict | None = None, chain: EscalationConfig | None = None) -> Opened:
    """Open an outage ticket and call the KAMR, or join the site's open one."""
    contact_id = actor.id if actor else None
    # Two contacts reporting one site at the same moment must find each other: the second waits
    # here for the first to commit, then joins its ticket (PostgreSQL handles them in parallel).
    tickets.lock_site_outage(session, account_id=account_id, site_id=site_id)
    existing = tickets.open_for_site(session, kind="outage", account_id=account_id, site_id=site_id)
    if existing is not None:
        if contact_id is None or tickets.add_reporter(session, existing, contact_id):
            tickets.log(session, existing, "joined", now=now, contact_id=contact_id, symptom=symptom, **(details or {}))
        incidents.on_report(session, existing, actor=actor, now=now, notifier=notifier)  # issue 16: told it is an area outage
        return Opened(existing, True, None)
    ticket = tickets.create(session, Ticket(
        kind="outage", channel=channel, account_id=account_id, site_id=site_id, contact_id=contact_id,
        category=symptom, description=description, details=details or {}, created_at=now, started_at=started,
    ))
    reported = tickets.log(session, ticket, "reported", now=now, contact_id=contact_id)
    if incidents.on_report(session, ticket, actor=actor, now=now, notifier=notifier, new=True):
        return Opened(ticket, False, None, in_incident=True)  # issue 16: the incident's KAMR card covers it
    reads = case.CaseReads.opened(session, ticket, history=[tickets.as_event(reported)], reporters=[actor] if actor else [])
    holder = call_responders(session, ticket, lambda lang, minutes, last: staff_card(
        session, ticket, lang, escalated_minutes=minutes, last_level=last, now=now, reads=reads),
        now=now, notifier=notifier, chain=chain, attachments=case.attachments(session, ticket, reads=reads), new=True)
    return Opened(ticket, False, holder)


def acknowledge(session: Session, ticket: Ticket, *, now: datetime, actor: Staff, notifier: Notifier) -> bool:
    """The KAMR takes the outage and the reporters hear who; False when someone already had."""
    if not tickets.transition(session, ticket, ("open",), status="acknowledged", acknowledged_at=now,
                              acknowledged_by=actor.id):
        return False
    tickets.log(session, ticket, "acknowledged", now=now, staff_id=actor.id)
    tell_reporters(session, ticket, "outage_ack_customer", notifier=notifier, staff=actor.name)
    tell_kamr_who_took_it(session, ticket, actor, notifier=notifier)
    return True


def post_update(session: Session, ticket: Ticket, text: str = "", *, now: datetime, actor: Staff, notifier: Notifier,
                cause: str | None = None, etr: datetime | None = None) -> None:
    """News for the reporters: a note, a cause, an estimated restoration time (checked by the dialog,
    handlers/rules/date_bounds.estimate_refusal). Every update shows the current cause and estimate.
    Posting an update on an open outage is taking it."""
    if ticket.status == "open":
        tickets.transition(session, ticket, ("open",), status="acknowledged", acknowledged_at=now, acknowledged_by=actor.id)
    if cause is not None:
        ticket.cause = cause.strip()
    if etr is not None:
        ticket.etr = etr  # a new estimate: the reminder (remind_past_estimates) is due again when it passes
    session.add(ticket)
    session.flush()
    tickets.log(session, ticket, "update", now=now, staff_id=actor.id, text=text, cause=ticket.cause,
                etr=ticket.etr.isoformat() if ticket.etr else None)
    tell_reporters(session, ticket, "outage_update_customer", notifier=notifier, staff=actor.name,
                   localized=lambda lang: {"text": update_text(ticket, lang, note=text)},
                   buttons=lambda lang: customer_buttons(ticket, lang))


def update_text(ticket: Ticket, lang: str, *, note: str = "") -> str:
    """The note, then the cause and the estimate as they stand."""
    return incidents.facts_text(lang, cause=ticket.cause, etr=ticket.etr, note=note, note_first=True).rstrip("\n")


def current_facts(session: Session, ticket: Ticket, reads: case.CaseReads | None = None) -> tuple[str, datetime | None]:
    """(cause, estimate) the customer should see for an open outage: its area incident's when it is in one."""
    incident = (reads or case.CaseReads(session, ticket)).incident
    if incident is not None and incident.status == "open":
        return incident.cause, incident.etr
    return ticket.cause, ticket.etr


def facts_lines(session: Session, ticket: Ticket, lang: str, reads: case.CaseReads | None = None) -> list[str]:
    """The cause and the estimate of an open outage as card lines (the KAMR's card, the customer's status)."""
    if ticket.status not in OPEN_STATUSES:
        return []
    cause, etr = current_facts(session, ticket, reads)
    return ([t("incident_card_cause", lang, cause=cause)] if cause else []) + (
        [t("incident_card_etr", lang, etr=format_datetime(etr, lang))] if etr else [])


def remind_past_estimates(session: Session, *, now: datetime, notifier: Notifier) -> int:
    """An outage's estimate passed and the power is not back: the KAMR holding it is asked for a new
    one, once per estimate (tickets in an area incident are reminded through the incident)."""
    reminded = 0
    for ticket in estimates.passed(session, Ticket, Ticket.kind == "outage", col(Ticket.status).in_(OPEN_STATUSES),
                                   now=now):
        if incidents_store.of_ticket(session, ticket.id) is not None or not estimates.claim_reminder(session, ticket):
            continue
        holder = holder_of(session, ticket)
        if holder is not None and holder.active:
            lang = holder.language
            notifier.push(holder, [Message(
                text=t("outage_etr_passed", lang, number=ticket.number, account=session.get(Account, ticket.account_id).name,
                       etr=format_datetime(ticket.etr, lang)),
                quick_replies=(estimate_button(ticket, lang, now=now), resolve_button(ticket, lang)))])
            reminded += 1
    return reminded


def holder_of(session: Session, ticket: Ticket) -> Staff | None:
    """Who holds the ticket: whoever took it, else the account's KAMR."""
    staff_id = ticket.acknowledged_by or session.get(Account, ticket.account_id).kamr_id
    return session.get(Staff, staff_id) if staff_id else None


def estimate_button(ticket: Ticket, lang: str, *, now: datetime) -> Button:
    return Button(t("btn_outage_etr", lang), kind="datetime", data=build("outage.etr", t=ticket.id),
                  **date_bounds.estimate_picker(now))


def resolve_button(ticket: Ticket, lang: str) -> Button:
    return Button(t("btn_resolve", lang), data=build("outage.resolve", t=ticket.id), display=t("btn_resolve", lang))


def resolve(session: Session, ticket: Ticket, *, now: datetime, actor: Staff, notifier: Notifier,
            restored_at: datetime | None = None) -> bool:
    """Power is back (at `restored_at`, checked by the dialog: handlers/rules/date_bounds.restoration_refusal;
    now by default): the reporters are told when and asked to rate; False when it was resolved already."""
    at = restored_at or now
    values = {"status": "resolved", "resolved_at": at}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=now, acknowledged_by=actor.id)
    if not tickets.transition(session, ticket, OPEN_STATUSES, **values):
        return False
    tickets.log(session, ticket, "resolved", now=now, staff_id=actor.id, restored_at=at.isoformat())
    tell_reporters(session, ticket, "outage_resolved_customer", notifier=notifier,
                   localized=lambda lang: {"at": format_datetime(at, lang)},
                   buttons=lambda lang: rating_buttons(ticket, lang))
    return True


def restored_by_customer(session: Session, ticket: Ticket, *, now: datetime, actor: Contact, notifier: Notifier) -> bool:
    """The customer says the power is back: the outage closes as restored by them and the responders
    hear it; False when it was resolved already."""
    if not tickets.transition(session, ticket, OPEN_STATUSES, status="resolved", resolved_at=now):
        return False
    tickets.log(session, ticket, "restored_by_customer", now=now, contact_id=actor.id)
    who = case.person_name(actor) or session.get(Account, ticket.account_id).name
    tell_responders(session, ticket, lambda lang: [Message(text=t("outage_restored_staff", lang, number=ticket.number,
                                                                  name=who))], notifier=notifier)
    return True


def customer_buttons(ticket: Ticket, lang: str) -> tuple[Button, ...]:
    """What a reporter may do with their open outage: say the power is back (the confirmation, and
    the status list can show it beside the ticket)."""
    if ticket.kind != "outage" or ticket.status not in OPEN_STATUSES:
        return ()
    label = t("btn_power_back", lang)
    return (Button(label, data=build("outage.restored", t=ticket.id), display=label),)


def rating_buttons(ticket: Ticket, lang: str) -> tuple[Button, ...]:
    return score_buttons("ticket", ticket.id)


def staff_message(session: Session, ticket: Ticket, lang: str, *, now: datetime | None = None,
                  escalated_minutes: int | None = None, last_level: bool = False) -> Message:
    """The card with the photos and the pin beside it, from one reading of the ticket."""
    reads = case.CaseReads(session, ticket)
    return Message(card=staff_card(session, ticket, lang, now=now, escalated_minutes=escalated_minutes,
                                   last_level=last_level, reads=reads),
                   attachments=case.attachments(session, ticket, lang, reads))


def staff_card(session: Session, ticket: Ticket, lang: str, *, escalated_minutes: int | None = None,
               last_level: bool = False, now: datetime | None = None, reads: case.CaseReads | None = None) -> Card:
    reads = reads or case.CaseReads(session, ticket)
    account = session.get(Account, ticket.account_id)
    site = session.get(Site, ticket.site_id) if ticket.site_id else None
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        *case.risk_lines(session, account, lang),
        t("card_site", lang, site=site.name if site else "-"),
        t("card_symptom", lang, symptom=t(f"symptom_{ticket.category}", lang)),
        t("card_since", lang, since=format_datetime(ticket.started_at or ticket.created_at, lang)),
        t("card_status", lang, status=t(f"status_{ticket.status}", lang)),
    ]
    lines += facts_lines(session, ticket, lang, reads)
    lines += ticketing.reporter_lines(session, ticket, lang, reads)
    lines += case.lines(session, ticket, lang, now, reads)
    symptom = ticket.category if ticket.category in TITLED_SYMPTOMS else "no_power"
    title_key = "outage_card_title" if symptom == "no_power" else f"outage_card_title_{symptom}"
    if escalated_minutes is not None:
        title_key = "outage_card_escalated_title"
        kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
        lines.append(t("card_escalated_from", lang, minutes=escalated_minutes, kamr=kamr.name if kamr else "-"))
        if last_level:
            lines.append(t("card_last_level", lang))
    buttons = []
    if ticket.status == "open":
        buttons.append(Button(t("btn_ack", lang), data=build("outage.ack", t=ticket.id), display=t("btn_ack", lang)))
    if ticket.status in OPEN_STATUSES:
        buttons.append(Button(t("btn_update", lang), data=build("outage.update", t=ticket.id), display=t("btn_update", lang)))
        buttons.append(resolve_button(ticket, lang))
        buttons.append(ticketing.urgent_button(ticket, lang))
        buttons += incidents.feeder_button(session, ticket, lang, in_incident=reads.incident is not None)  # issue 16
    if escalated_minutes is not None and kamr is not None and kamr.phone:
        buttons.append(call_button(kamr, lang))
    buttons += case.buttons(session, ticket, lang, reads)  # call and map after the actions: the first button is the main one
    return Card(title=t(title_key, lang, number=ticket.number, symptom=t(f"symptom_{symptom}", lang)), lines=tuple(lines),
                buttons=tuple(buttons))
