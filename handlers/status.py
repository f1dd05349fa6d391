"""What is open: a customer's requests, a KAMR's tickets."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import buttons_for
from handlers.my_work import my_work
from handlers.complaint_close import ack_buttons
from handlers.operations import outages
from handlers.messages import CAROUSEL_CARDS, Card, Message
from handlers.operations.services import appointment_text, offer_name
from handlers.outage_history import history_button
from handlers.texts import t
from handlers.thai_dates import format_datetime
from storage import tickets
from storage.models import Site


def customer_status(ctx: Context) -> None:
    """One card per open request, with what the customer can do about it (as a carousel)."""
    open_tickets = tickets.open_for_account(ctx.session, ctx.contact.account_id, limit=CAROUSEL_CARDS)
    if not open_tickets:
        ctx.reply(Message(text=t("status_none", ctx.lang), quick_replies=(*buttons_for(ctx), history_button(ctx.lang))))
        return
    cards = tuple(_customer_card(ctx, ticket) for ticket in open_tickets)
    ctx.reply(Message(text=t("status_title", ctx.lang, count=len(open_tickets))),
              Message(cards=cards, quick_replies=(*buttons_for(ctx), history_button(ctx.lang))))


def _customer_card(ctx: Context, ticket) -> Card:
    site = ctx.session.get(Site, ticket.site_id) if ticket.site_id else None
    title = t("status_line", ctx.lang, number=ticket.number, kind=t(f"kind_{ticket.kind}", ctx.lang),
              site=site.name if site else _topic(ctx, ticket, ctx.lang), status=t(f"status_{ticket.status}", ctx.lang))
    lines = (t("status_reported_at", ctx.lang, at=format_datetime(ticket.created_at, ctx.lang)),
             *(outages.facts_lines(ctx.session, ticket, ctx.lang) if ticket.kind == "outage" else ()))
    if ticket.kind == "service" and ticket.scheduled_date is not None:
        lines += (t("card_scheduled", ctx.lang, date=appointment_text(ticket, ctx.lang)),)
    # Only whoever filed (or joined) the complaint closes it by acknowledging (issue 19: not a colleague).
    closes = (ticket.kind == "complaint" and ticket.status == "answered"
              and tickets.is_reporter(ctx.session, ticket, ctx.contact.id))
    buttons = ack_buttons(ticket, ctx.lang) if closes else outages.customer_buttons(ticket, ctx.lang)  # [ไฟมาแล้ว]
    return Card(title=title, lines=lines, buttons=buttons)


def _topic(ctx: Context, ticket, lang: str) -> str:
    """What a ticket without a site is about: a complaint's topic, a service's name (not the office's code)."""
    if ticket.kind == "complaint" and ticket.category:
        return t(f"topic_{ticket.category}", lang)
    return offer_name(ctx.config, ticket, lang) if ticket.kind == "service" else "-"


PREFIXES = ("status", "mytickets")  # the action names this module owns
ACTIONS = {
    "status": Action(customer_status, "contact"),
    "mytickets": Action(my_work, "staff"),  # everything waiting for the person, as cards (handlers/my_work.py)
}
