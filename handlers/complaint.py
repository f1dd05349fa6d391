"""Complaints: the customer picks a topic and types the details; the KAMR answers by the due date.

Filing and answering, with the due date and who is told, are handlers/operations/complaints.py.
"""
from __future__ import annotations

from handlers import answer_delivery, ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Card, Message
from handlers.operations import complaints
from handlers.operations.complaints import MAX_TEXT
from handlers.postback import build, int_param
from handlers.thai_dates import format_date
from handlers.rules.statuses import ANSWERABLE_STATUSES
from handlers.texts import t
from handlers.ticketing import cancel_button, choice_buttons, chosen_value
from storage import conversations
from storage.models import Account, Ticket

FLOW = "complaint"
TOPICS = ("power_quality", "billing", "service", "staff", "other")


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
    ticket = complaints.file_complaint(
        ctx.session, ctx.config, now=ctx.now, actor=ctx.contact, channel=ctx.inbound.channel, notifier=ctx.notifier,
        account_id=ctx.contact.account_id, topic=ctx.state.data.get("topic", "other"), text=text, received_at=ctx.now)
    conversations.set_step(ctx.state, FLOW, "attach", now=ctx.now, ticket_id=ticket.id)
    due = format_date(ticket.due_date, ctx.lang)
    text = t("complaint_created", ctx.lang, number=ticket.number, due=due) + "\n" + t("complaint_add_photos", ctx.lang)
    ctx.reply(Message(text=text, quick_replies=ticketing.attach_buttons(ctx, "complaint.done", location=False)))


def on_attach(ctx: Context) -> None:
    ticketing.on_attach(ctx, done=done, buttons=ticketing.attach_buttons(ctx, "complaint.done", location=False))


def done(ctx: Context) -> None:
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("complaint_done", ctx.lang)))


# --- the KAMR's side ---------------------------------------------------------


def _open_ticket(ctx: Context) -> Ticket | None:
    return ticketing.workable_ticket(ctx, "complaint", ANSWERABLE_STATUSES, "ticket_closed")


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
    # An official answer is shown back before it goes out; typing again replaces the draft.
    conversations.set_step(ctx.state, FLOW, "confirm", now=ctx.now, ticket_id=ticket.id, draft=text)
    ctx.reply(Message(card=answer_preview(ctx, ticket, text), quick_replies=(cancel_button(ctx),)))


def answer_preview(ctx: Context, ticket: Ticket, text: str) -> Card:
    account = ctx.session.get(Account, ticket.account_id)
    send, edit = t("btn_send_answer", ctx.lang), t("btn_edit_answer", ctx.lang)
    return Card(title=t("answer_preview_title", ctx.lang, number=ticket.number),
                lines=(t("answer_preview_to", ctx.lang, account=account.name), text),
                buttons=(Button(send, data=build("complaint.send", t=ticket.id), display=send),
                         Button(edit, data=build("complaint.answer", t=ticket.id), display=edit)))


def send_answer(ctx: Context) -> None:
    if int_param(ctx.params, "t") != int_param(ctx.state.data, "ticket_id"):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))  # a preview of another, older draft
        return
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    text = ctx.state.data.get("draft", "")
    conversations.clear(ctx.state, now=ctx.now)
    if not text or not complaints.answer_complaint(ctx.session, ticket, text, now=ctx.now, actor=ctx.staff,
                                                   notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("ticket_closed", ctx.lang, number=ticket.number)))
        return
    if ticket.details.get("answer_undelivered"):  # nobody on LINE got it: the KAMR delivers it
        ctx.reply(Message(card=answer_delivery.delivery_card(ctx.session, ticket, ctx.lang)),
                  text_with_menu(ctx, t("staff_answer_not_delivered", ctx.lang, number=ticket.number)))
        return
    ctx.reply(text_with_menu(ctx, t("staff_answer_sent", ctx.lang, number=ticket.number)))


def view(ctx: Context) -> None:
    ticket = ticketing.ticket_for_staff(ctx, "complaint")
    if ticket is not None:
        ctx.reply(complaints.staff_message(ctx.session, ticket, ctx.lang, now=ctx.now))


def full_text(ctx: Context) -> None:
    """The whole complaint, for a KAMR who may act on it (the card shows its first 300 characters)."""
    ticket = ticketing.ticket_for_staff(ctx, "complaint")
    if ticket is not None:
        ctx.reply(text_with_menu(ctx, t("complaint_full_text", ctx.lang, number=ticket.number, text=ticket.description)))


ACTIONS = {
    "complaint": Action(start, "contact"),
    "complaint.topic": Action(on_topic, "contact"),
    "complaint.answer": Action(ask_answer, "staff"),
    "complaint.view": Action(view, "staff"),
    "complaint.full": Action(full_text, "staff"),
    "complaint.done": Action(done, "contact"),
    "complaint.send": Action(send_answer, "staff"),
}

# The dialog's states: what a typed message means at each step.
STEPS = {
    (FLOW, "topic"): Action(on_topic, "contact"),
    (FLOW, "details"): Action(on_details, "contact"),
    (FLOW, "attach"): Action(on_attach, "contact"),
    (FLOW, "answer"): Action(on_answer_text, "staff"),
    (FLOW, "confirm"): Action(on_answer_text, "staff"),
}

# Postbacks that only make sense at one step of the dialog.
STEP_OF_ACTION = {"complaint.topic": "topic", "complaint.done": "attach", "complaint.send": "confirm"}

# The KAMR's typing steps: any other tap parks them (handlers/parking.py).
TYPING_STEPS = {"answer": ("parked_answer", "complaint.answer"), "confirm": ("parked_answer", "complaint.answer")}
