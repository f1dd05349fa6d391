"""งานของฉัน: everything waiting for a staff member, one card per ticket with its own buttons, most urgent
first, with age, due date and overdue marks (handlers/operations/worklist.py decides what and in which order).

The cards go as one carousel; a person with more than fit gets a last card that opens the next page."""
from __future__ import annotations

from handlers.context import Context
from handlers.menu import buttons_for
from handlers.messages import CAROUSEL_CARDS, Button, Card, Message
from handlers.answer_delivery import delivery_card
from handlers.complaint_close import certification_card
from handlers.operations import complaints, outages, services
from handlers.operations.worklist import WorkItem, waiting_for
from handlers.postback import build, int_param
from handlers.texts import t
from handlers.thai_dates import format_age, format_weekday_date
from storage.models import Staff, Ticket

PAGE = CAROUSEL_CARDS - 1  # the last card is kept for "the rest"


def my_work(ctx: Context) -> None:
    items = waiting_for(ctx.session, ctx.staff, now=ctx.now)
    if not items:
        ctx.reply(Message(text=t("status_none", ctx.lang), quick_replies=buttons_for(ctx)))
        return
    page = max(1, int_param(ctx.params, "p") or 1)
    shown = items[(page - 1) * PAGE: page * PAGE] or items[:PAGE]
    cards = [work_card(ctx, item) for item in shown]
    rest = len(items) - (page - 1) * PAGE - len(shown)
    if rest > 0:
        label = t("btn_more_work", ctx.lang)
        cards.append(Card(title=t("more_work_title", ctx.lang, count=rest),
                          buttons=(Button(label, data=build("mytickets", p=page + 1), display=label),)))
    header = t("my_work_header", ctx.lang, count=len(items), overdue=sum(1 for i in items if _is_late(i)))
    ctx.reply(Message(text=header), Message(cards=tuple(cards), quick_replies=buttons_for(ctx)))


def _is_late(item: WorkItem) -> bool:
    return bool(item.overdue_days) or (item.ticket.kind == "outage" and item.ticket.status == "open")


def work_card(ctx: Context, item: WorkItem) -> Card:
    ticket, lang = item.ticket, ctx.lang
    if item.reason == "certify":
        return certification_card(ctx.session, ticket, lang, now=ctx.now)
    if ticket.details.get("answer_undelivered"):
        return delivery_card(ctx.session, ticket, lang)
    base = _ticket_card(ctx, ticket)
    lines = [t("card_account", lang, account=item.account.name),
             t("card_status", lang, status=t(f"status_{ticket.status}", lang)),
             t("work_age", lang, age=format_age(ctx.now, ticket.created_at, lang))]
    if item.due is not None and ticket.kind == "service":
        lines.append(t("card_scheduled", lang, date=services.appointment_text(ticket, lang)))  # the time, not only the day
    elif item.due is not None:
        lines.append(t("work_due", lang, date=format_weekday_date(item.due, lang)))
    if item.overdue_days:
        lines.append(t("work_overdue", lang, days=item.overdue_days))
    if ticket.kind == "outage" and ticket.status == "open":
        kamr = ctx.session.get(Staff, item.account.kamr_id) if item.account.kamr_id else None
        lines.append(t("work_not_taken", lang, kamr=kamr.name if kamr else "-"))
    return Card(title=base.title, lines=tuple(lines), buttons=base.buttons)


def _ticket_card(ctx: Context, ticket: Ticket) -> Card:
    if ticket.kind == "outage":
        return outages.staff_card(ctx.session, ticket, ctx.lang)
    if ticket.kind == "complaint":
        return complaints.staff_card(ctx.session, ticket, ctx.lang)
    return services.staff_card(ctx.session, ctx.config, ticket, ctx.lang)
