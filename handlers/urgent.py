"""Urgent report to the decision maker (form CRM-KAM-003): issue, risk, response so far, and follow-up.

A KAMR taps "แจ้งด่วนผู้บริหาร" on an open outage or complaint card and types the risk; the office's
decision maker (office manager, else zone director, else deputy governor, else the KAMR's supervisor)
gets the report card and may send instructions back, which are relayed to the KAMR.

State lives in Ticket.details["urgent"] ({"by", "to", "risk", "at"}) and TicketEvent rows
"urgent_reported" / "urgent_followup"; since issue 17 each report is also an UrgentReport row with its
follow-up date (handlers/operations/urgent_reports.py), as reports on an account or a visit are
(handlers/urgent_account.py).
"""
from __future__ import annotations

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card, Message
from handlers.operations import complaints, outages, urgent_reports
from handlers.postback import build, int_param
from handlers.rules import roles
from handlers.rules.statuses import OPEN_STATUSES
from handlers.texts import TEXTS, t
from handlers.thai_dates import format_date, format_datetime
from handlers.ticketing import cancel_button
from storage import conversations, tickets
from storage import urgent_reports as storage_urgent
from storage.models import Account, Staff, Ticket

FLOW = "urgent"
KINDS = ("outage", "complaint")
MAX_TEXT = 1000
RESPONSE_EVENTS = 3


def _response_lines(session, ticket: Ticket, lang: str) -> list[str]:
    events = [e for e in tickets.history(session, ticket) if e.staff_id is not None][-RESPONSE_EVENTS:]
    if not events:
        return [t("urgent_response_none", lang)]
    lines = [t("urgent_response_title", lang)]
    for event in events:
        key = f"urgent_event_{event.action}"
        action = t(key, lang) if key in TEXTS else event.action
        staff = session.get(Staff, event.staff_id)
        if staff is not None:
            action = f"{action} ({staff.name})"
        lines.append(t("urgent_response_line", lang, at=format_datetime(event.at, lang), action=action))
    return lines


def report_card(session, ticket: Ticket, lang: str, *, risk: str, by: Staff, follow_up=None) -> Card:
    account = session.get(Account, ticket.account_id)
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        t("urgent_kind", lang, kind=t(f"kind_{ticket.kind}", lang)),
        t("urgent_issue", lang, issue=urgent_reports.ticket_issue(session, ticket, lang)),
        t("urgent_risk", lang, risk=risk),
        t("card_status", lang, status=t(f"status_{ticket.status}", lang)),
        t("urgent_reporter", lang, staff=by.name),
        *_response_lines(session, ticket, lang),
    ]
    if follow_up is not None:  # issue 17: the follow-up date (jobs/urgent_followups.py reminds on it)
        lines.append(t("urgent_follow_up", lang, date=format_date(follow_up, lang)))
    label = t("btn_urgent_followup", lang)
    button = Button(label, data=build("urgent.followup", t=ticket.id), display=label)
    return Card(title=t("urgent_card_title", lang, number=ticket.number), lines=tuple(lines), buttons=(button,))


def _kamr_card(session, ticket: Ticket, lang: str) -> Card:
    if ticket.kind == "outage":
        return outages.staff_card(session, ticket, lang)
    return complaints.staff_card(session, ticket, lang)


# --- the KAMR reports ----------------------------------------------------------


def _open_ticket(ctx: Context) -> Ticket | None:
    ticket = ticketing.ticket_for_staff(ctx, KINDS)
    if ticket is not None and ticket.status not in OPEN_STATUSES:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return None
    return ticket


def start(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "risk", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("urgent_ask_risk", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))


def on_risk(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    risk = ctx.inbound.text.strip()[:MAX_TEXT] if ctx.inbound.kind == "text" else ""
    if not risk:
        ctx.reply(Message(text=t("urgent_ask_risk", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))
        return
    conversations.clear(ctx.state, now=ctx.now)
    manager = roles.person_for(ctx.session, ctx.staff, roles.DECISION_MAKER)
    if manager is None or not manager.line_user_id:
        ctx.reply(text_with_menu(ctx, t("urgent_no_manager", ctx.lang, number=ticket.number)))
        return
    account = ctx.session.get(Account, ticket.account_id)
    report = urgent_reports.record(ctx.session, ctx.config, now=ctx.now, reporter=ctx.staff, decision_maker=manager,
                                   account=account, issue=urgent_reports.ticket_issue(ctx.session, ticket, "th"),
                                   risk=risk, ticket=ticket)  # the form's record is Thai; cards follow the reader
    card = report_card(ctx.session, ticket, manager.language, risk=risk, by=ctx.staff, follow_up=report.follow_up_date)
    ticket.details = {**ticket.details, "urgent": {"by": ctx.staff.id, "to": manager.id, "risk": risk,
                                                   "at": ctx.now.isoformat()}}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "urgent_reported", now=ctx.now, staff_id=ctx.staff.id, text=risk, to=manager.id)
    ctx.push(manager, Message(card=card))
    ctx.reply(text_with_menu(ctx, t("urgent_sent", ctx.lang, number=ticket.number, manager=manager.name)))


# --- the decision maker follows up ----------------------------------------------------


def _reported_ticket(ctx: Context) -> Ticket | None:
    """The urgent-reported ticket, if this staff member is its recorded decision maker."""
    ticket = ctx.session.get(Ticket, int_param(ctx.params, "t") or int_param(ctx.state.data, "ticket_id") or 0)
    if ticket is None or ticket.kind not in KINDS:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    urgent = ticket.details.get("urgent") or {}
    if urgent.get("to") != ctx.staff.id:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return None
    return ticket


def _kamr_name(ctx: Context, ticket: Ticket) -> str:
    kamr = ctx.session.get(Staff, ticket.details["urgent"]["by"])
    return kamr.name if kamr else "-"


def ask_followup(ctx: Context) -> None:
    ticket = _reported_ticket(ctx)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "followup", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("urgent_ask_followup", ctx.lang, number=ticket.number, staff=_kamr_name(ctx, ticket)),
                      quick_replies=(cancel_button(ctx),)))


def on_followup(ctx: Context) -> None:
    ticket = _reported_ticket(ctx)
    if ticket is None:
        return
    text = ctx.inbound.text.strip()[:MAX_TEXT] if ctx.inbound.kind == "text" else ""
    if not text:
        ask_followup(ctx)
        return
    conversations.clear(ctx.state, now=ctx.now)
    tickets.log(ctx.session, ticket, "urgent_followup", now=ctx.now, staff_id=ctx.staff.id, text=text)
    if (report := storage_urgent.latest_for_ticket(ctx.session, ticket.id)) is not None:
        urgent_reports.note_instruction(ctx.session, report, now=ctx.now)
    kamr = ctx.session.get(Staff, ticket.details["urgent"]["by"])
    name = kamr.name if kamr else "-"
    if kamr is None or not kamr.line_user_id:
        ctx.reply(text_with_menu(ctx, t("urgent_followup_no_kamr", ctx.lang, number=ticket.number, staff=name)))
        return
    buttons = _kamr_card(ctx.session, ticket, kamr.language).buttons
    ctx.push(kamr, Message(text=t("urgent_followup_kamr", kamr.language, number=ticket.number,
                                  manager=ctx.staff.name, text=text), quick_replies=buttons))
    ctx.reply(text_with_menu(ctx, t("urgent_followup_sent", ctx.lang, number=ticket.number, staff=name)))


ACTIONS = {
    "urgent.start": Action(start, "staff"),
    "urgent.followup": Action(ask_followup, "staff"),
}

STEPS = {
    (FLOW, "risk"): Action(on_risk, "staff"),
    (FLOW, "followup"): Action(on_followup, "staff"),
}

# The staff's typing steps: any other tap parks them (handlers/parking.py).
TYPING_STEPS = {"risk": ("parked_risk", "urgent.start"), "followup": ("parked_followup", "urgent.followup")}
