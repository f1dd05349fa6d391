"""Anything a customer sends outside a dialog that is not a request we recognise goes to their KAMR
(handlers/operations/relays.py); the customer hears at once who got it. The KAMR's [ตอบกลับ] asks
for the answer, which goes back to the customer."""
from __future__ import annotations

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Message
from handlers.operations import relays
from handlers.operations.case import person_name
from handlers.rules.statuses import OPEN_STATUSES
from handlers.texts import khun, t
from handlers.ticketing import cancel_button
from storage import conversations
from storage.models import Contact, Ticket

FLOW = "relay"


def from_customer(ctx: Context) -> None:
    inbound = ctx.inbound
    result = relays.relay(
        ctx.session, now=ctx.now, actor=ctx.contact, channel=inbound.channel, notifier=ctx.notifier,
        text=inbound.text if inbound.kind == "text" else "", media_id=inbound.media_id,
        media_kind=inbound.media_kind or ("image" if inbound.kind == "image" else ""),
        latitude=inbound.latitude, longitude=inbound.longitude, address=inbound.address)
    ctx.reply(text_with_menu(ctx, told(result, ctx.lang)))


def told(result: relays.Relayed, lang: str) -> str:
    """Who got it, honestly: the KAMR, the one standing in, or nobody on LINE (the office calls)."""
    if result.recipient is None:
        return t("relay_told_office", lang)
    name = khun(result.recipient.name) if lang == "th" else result.recipient.name
    return t("relay_told_kamr" if result.as_kamr else "relay_told_backup", lang, staff=name)


def sticker(ctx: Context) -> None:
    ctx.reply(text_with_menu(ctx, t("sticker_thanks", ctx.lang)))


# --- the KAMR's side ---------------------------------------------------------


def _open_ticket(ctx: Context) -> Ticket | None:
    return ticketing.workable_ticket(ctx, "message", OPEN_STATUSES, "relay_closed")


def ask_answer(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    conversations.set_step(ctx.state, FLOW, "answer", now=ctx.now, ticket_id=ticket.id)
    contact = ctx.session.get(Contact, ticket.contact_id) if ticket.contact_id else None
    text = t("relay_ask_answer", ctx.lang, name=person_name(contact) or "-", number=ticket.number)
    ctx.reply(Message(text=text, quick_replies=(cancel_button(ctx),)))


def on_answer_text(ctx: Context) -> None:
    ticket = _open_ticket(ctx)
    if ticket is None:
        return
    text = ctx.inbound.text.strip()[:relays.MAX_TEXT] if ctx.inbound.kind == "text" else ""
    if not text:
        ask_answer(ctx)
        return
    if not relays.answer(ctx.session, ticket, text, now=ctx.now, actor=ctx.staff, notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("relay_closed", ctx.lang, number=ticket.number)))
        return
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("relay_answer_sent", ctx.lang, number=ticket.number)))


def view(ctx: Context) -> None:
    ticket = ticketing.ticket_for_staff(ctx, "message")
    if ticket is not None:
        ctx.reply(Message(card=relays.staff_card(ctx.session, ticket, ctx.lang, now=ctx.now)))


PREFIXES = ("message",)  # its buttons: message.reply, message.view
ACTIONS = {
    "message.reply": Action(ask_answer, "staff"),
    "message.view": Action(view, "staff"),
}

STEPS = {
    (FLOW, "answer"): Action(on_answer_text, "staff"),
}
