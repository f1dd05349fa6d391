"""A contact's side of planned outages (issue 16): [รับทราบ] and [สอบถาม] on the notice.

Work that does not cut the contact's account looks like an expired button: no hint it exists."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Message
from handlers.operations import planned as operations
from handlers.postback import int_param
from handlers.texts import t
from handlers.ticketing import cancel_button
from storage import conversations
from storage.models import PlannedOutage

FLOW = "planned"
MAX_QUESTION = 1000


def _planned(ctx: Context) -> PlannedOutage | None:
    planned = ctx.session.get(PlannedOutage, int_param(ctx.params, "p") or int_param(ctx.state.data, "planned_id") or 0)
    if planned is None or not operations.affects(ctx.session, planned, ctx.contact):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    return planned


def acknowledge(ctx: Context) -> None:
    planned = _planned(ctx)
    if planned is None:
        return
    key = "planned_acked" if operations.acknowledge(ctx.session, planned, ctx.contact, now=ctx.now) \
        else "planned_already_acked"
    ctx.reply(text_with_menu(ctx, t(key, ctx.lang, reference=planned.reference)))


def ask(ctx: Context) -> None:
    planned = _planned(ctx)
    if planned is None:
        return
    conversations.set_step(ctx.state, FLOW, "question", now=ctx.now, planned_id=planned.id)
    ctx.reply(Message(text=t("planned_ask", ctx.lang, reference=planned.reference), quick_replies=(cancel_button(ctx),)))


def on_question(ctx: Context) -> None:
    planned = _planned(ctx)
    text = ctx.inbound.text.strip()[:MAX_QUESTION]
    if planned is None or not text:
        return
    conversations.clear(ctx.state, now=ctx.now)
    if not operations.ask_kamr(ctx.session, planned, ctx.contact, text, notifier=ctx.notifier):
        ctx.reply(text_with_menu(ctx, t("planned_ask_no_kamr", ctx.lang, person=planned.contact_person or "-")))
        return
    ctx.reply(text_with_menu(ctx, t("planned_asked", ctx.lang)))


ACTIONS = {
    "planned.ack": Action(acknowledge, "contact"),
    "planned.ask": Action(ask, "contact"),
}
STEPS = {(FLOW, "question"): Action(on_question, "contact")}
