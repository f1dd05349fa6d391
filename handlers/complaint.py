"""Complaints: the customer picks a topic and types the details; the KAMR answers by the due date.

The due date is 5 working days after receipt (handlers/rules/workdays.py, with the config's [calendar]).
"""
from __future__ import annotations

import logging
from datetime import datetime

from handlers import complaint_close, ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card, Message
from handlers.postback import build
from handlers.thai_dates import format_date
from handlers.texts import t
from handlers.ticketing import cancel_button, choice_buttons, chosen_value
from handlers.rules.statuses import ANSWERABLE_STATUSES, OPEN_STATUSES
from handlers.rules.workdays import calendar_from_config
from storage import conversations, tickets
from storage.models import Account, Ticket

log = logging.getLogger(__name__)

FLOW = "complaint"
TOPICS = ("power_quality", "billing", "service", "staff", "other")
ANSWER_DAYS = 5
MAX_TEXT = 2000
CARD_DETAILS = 300


# --- the customer's dialog -------------------------------------------------


def start(ctx: Context) -> None:
    conversations.set_step(ctx.state, FLOW, "topic", now=ctx.now)
    buttons = choice_buttons(ctx, "complaint.topic", TOPICS, "topic")
    ctx.reply(Message(text=t("complaint_ask_topic", ctx.lang), quick_replies=(*buttons, cancel_button(ctx))))


def on_topic(ctx: Context) -> None:
    value = chosen_value(ctx, TOPICS, "topic")
    if value not in TOPICS:
        start(ctx)
        return
    conversations.set_step(ctx.state, FLOW, "details", now=ctx.now, topic=value)
    _ask_details(ctx)


def _ask_details(ctx: Context) -> None:
    ctx.reply(Message(text=t("complaint_ask_details", ctx.lang), quick_replies=(cancel_button(ctx),)))


def on_details(ctx: Context) -> None:
    text = ctx.inbound.text.strip()[:MAX_TEXT] if ctx.inbound.kind == "text" else ""
    if not text:
        _ask_details(ctx)
        return
    ticket = file_complaint(ctx, account_id=ctx.contact.account_id, contact_id=ctx.contact.id,
                            topic=ctx.state.data.get("topic", "other"), text=text, received_at=ctx.now)
    conversations.set_step(ctx.state, FLOW, "attach", now=ctx.now, ticket_id=ticket.id)
    due = format_date(ticket.due_date, ctx.lang)
    text = t("complaint_created", ctx.lang, number=ticket.number, due=due) + "\n" + t("complaint_add_photos", ctx.lang)
    ctx.reply(Message(text=text, quick_replies=ticketing.attach_buttons(ctx, "complaint.done", location=False)))


def file_complaint(ctx: Context, *, account_id: int, contact_id: int | None, topic: str, text: str,
                   received_at: datetime, details: dict | None = None) -> Ticket:
    """File a complaint due 5 working days after receipt and send the KAMR the card.

    The LINE dialog and the Google Forms intake both come here; the channel is the inbound's."""
    result = calendar_from_config(ctx.config).due_for(received_at, n=ANSWER_DAYS)
    if result.beyond_data:
        log.warning("complaint due date %s computed beyond the holidays data: %s", result.due, "; ".join(result.warnings))
    ticket = tickets.create(
        ctx.session,
        Ticket(
            kind="complaint",
            channel=ctx.inbound.channel,
            account_id=account_id,
            contact_id=contact_id,
            category=topic,
            description=text,
            created_at=received_at,
            due_date=result.due,
            details={"due": result.due.isoformat(), "due_rule": result.rule, "received_at": received_at.isoformat(),
                     **(details or {})},
        ),
    )
    tickets.log(ctx.session, ticket, "reported", now=ctx.now, contact_id=contact_id)
    ticketing.notify_responders(ctx, ticket, lambda lang, _minutes: staff_card(ctx.session, ticket, lang))
    return ticket


def on_attach(ctx: Context) -> None:
    ticketing.record_attachment(ctx, ctx.session.get(Ticket, ctx.state.data.get("ticket_id")))
    conversations.set_step(ctx.state, FLOW, "attach", now=ctx.now)
    ctx.reply(Message(text=t("outage_attached", ctx.lang),
                      quick_replies=ticketing.attach_buttons(ctx, "complaint.done", location=False)))


def done(ctx: Context) -> None:
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("complaint_done", ctx.lang)))


# --- the KAMR's side ---------------------------------------------------------


def staff_card(session, ticket: Ticket, lang: str) -> Card:
    account = session.get(Account, ticket.account_id)
    details = ticket.description if len(ticket.description) <= CARD_DETAILS else ticket.description[: CARD_DETAILS - 1] + "…"
    lines = [
        t("card_account", lang, account=f"{account.name} ({account.account_code})"),
        t("card_topic", lang, topic=t(f"topic_{ticket.category}", lang)),
        t("card_details", lang, details=details),
        t("card_due", lang, due=format_date(ticket.due_date, lang) if ticket.due_date else "-"),
        t("card_status", lang, status=t(f"status_{ticket.status}", lang)),
    ]
    lines += ticketing.reporter_lines(session, ticket, lang)
    buttons = ()
    if ticket.status in ANSWERABLE_STATUSES:
        label = t("btn_answer", lang)
        buttons = (Button(label, data=build("complaint.answer", t=ticket.id), display=label),)
    if ticket.status == "answered":
        buttons += (complaint_close.onbehalf_button(ticket, lang),)
    if ticket.status in OPEN_STATUSES:
        buttons += (ticketing.urgent_button(ticket, lang),)
    return Card(title=t("complaint_card_title", lang, number=ticket.number), lines=tuple(lines), buttons=buttons)


def _open_ticket(ctx: Context) -> Ticket | None:
    ticket = ticketing.ticket_for_staff(ctx, "complaint")
    if ticket is not None and ticket.status not in ANSWERABLE_STATUSES:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return None
    return ticket


def ask_answer(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "answer", now=ctx.now, ticket_id=ticket.id)
    ctx.reply(Message(text=t("staff_ask_answer", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))


def on_answer_text(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    text = ctx.inbound.text.strip()[:MAX_TEXT] if ctx.inbound.kind == "text" else ""
    if not text:
        ctx.reply(Message(text=t("staff_ask_answer", ctx.lang, number=ticket.number), quick_replies=(cancel_button(ctx),)))
        return
    values = {"status": "answered"}
    if ticket.acknowledged_at is None:
        values.update(acknowledged_at=ctx.now, acknowledged_by=ctx.staff.id)
    if not tickets.transition(ctx.session, ticket, ANSWERABLE_STATUSES, **values):
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return
    ticket.details = {**ticket.details, "answered_at": ctx.now.isoformat()}
    ctx.session.add(ticket)
    tickets.log(ctx.session, ticket, "answered", now=ctx.now, staff_id=ctx.staff.id, text=text)
    ticketing.tell_reporters(ctx, ticket, "complaint_answer_customer", staff=ctx.staff.name, text=text,
                             buttons=lambda lang: complaint_close.ack_buttons(ticket, lang))
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("staff_answer_sent", ctx.lang, number=ticket.number)))


def view(ctx: Context) -> None:
    ticket = ticketing.ticket_for_staff(ctx, "complaint")
    if ticket is not None:
        ctx.reply(Message(card=staff_card(ctx.session, ticket, ctx.lang)))


ACTIONS = {
    "complaint": Action(start, "contact"),
    "complaint.topic": Action(on_topic, "contact"),
    "complaint.answer": Action(ask_answer, "staff"),
    "complaint.view": Action(view, "staff"),
    "complaint.done": Action(done, "contact"),
}

# The dialog's states: what a typed message means at each step.
STEPS = {
    (FLOW, "topic"): Action(on_topic, "contact"),
    (FLOW, "details"): Action(on_details, "contact"),
    (FLOW, "attach"): Action(on_attach, "contact"),
    (FLOW, "answer"): Action(on_answer_text, "staff"),
}

# Postbacks that only make sense at one step of the dialog.
STEP_OF_ACTION = {"complaint.topic": "topic", "complaint.done": "attach"}
