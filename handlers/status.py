"""What is open: a customer's requests, a KAMR's tickets."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import buttons_for
from handlers.my_work import my_work
from handlers.messages import Card, Message
from handlers.texts import t
from storage import tickets
from storage.models import Site


def customer_status(ctx: Context) -> None:
    open_tickets = tickets.open_for_account(ctx.session, ctx.contact.account_id)
    if not open_tickets:
        ctx.reply(Message(text=t("status_none", ctx.lang), quick_replies=buttons_for(ctx)))
        return
    lines = []
    for ticket in open_tickets:
        site = ctx.session.get(Site, ticket.site_id) if ticket.site_id else None
        lines.append(
            t(
                "status_line",
                ctx.lang,
                number=ticket.number,
                kind=t(f"kind_{ticket.kind}", ctx.lang),
                site=site.name if site else _topic(ticket, ctx.lang),
                status=t(f"status_{ticket.status}", ctx.lang),
            )
        )
    card = Card(title=t("status_title", ctx.lang, count=len(open_tickets)), lines=tuple(lines))
    ctx.reply(Message(card=card, quick_replies=buttons_for(ctx)))


def _topic(ticket, lang: str) -> str:
    """What a ticket without a site is about: a complaint's topic, a service's code."""
    if ticket.kind == "complaint" and ticket.category:
        return t(f"topic_{ticket.category}", lang)
    return ticket.category if ticket.kind == "service" else "-"


ACTIONS = {
    "status": Action(customer_status, "contact"),
    "mytickets": Action(my_work, "staff"),  # everything waiting for the person, as cards (handlers/my_work.py)
}
