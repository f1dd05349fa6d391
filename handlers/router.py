"""Picks the handler for one inbound: who sent it, what they tapped, where their dialog is."""
from __future__ import annotations

import logging

from handlers import complaint, complaint_close, link, menu, outage, quarter, rating, service, status, urgent, visit
from handlers import visit_late  # issue 17
from handlers import incident, planned  # issue 16
from handlers.context import Action, Context
from handlers.postback import parse
from handlers.texts import t
from storage import conversations

log = logging.getLogger(__name__)

INTENTS = (menu, outage, complaint, complaint_close, status, rating, urgent, service, visit, quarter, visit_late,
           incident, planned)
ACTIONS: dict[str, Action] = {name: action for module in INTENTS for name, action in module.ACTIONS.items()}
STEPS: dict[tuple[str, str], Action] = {
    key: action for module in INTENTS for key, action in getattr(module, "STEPS", {}).items()}
# Postbacks that only make sense at one step of their module's dialog.
STEP_OF_ACTION: dict[str, tuple[str, str]] = {
    name: (module.FLOW, step) for module in INTENTS for name, step in getattr(module, "STEP_OF_ACTION", {}).items()}

# Buttons already sitting in people's chats keep working after an action is renamed: old name -> new.
ALIASES: dict[str, str] = {f"complaint.{name}": f"closeout.{name}"
                           for name in ("ack", "rate", "onbehalf", "obchannel", "obscore", "certify")}

# Typed words that start an intent, for people who type instead of tapping.
KEYWORDS: dict[str, str] = {
    "ไฟดับ": "outage",
    "แจ้งไฟดับ": "outage",
    "outage": "outage",
    "ร้องเรียน": "complaint",
    "complaint": "complaint",
    "สถานะ": "status",
    "ติดตามสถานะ": "status",
    "status": "status",
    "งานของฉัน": "mytickets",
    "my tickets": "mytickets",
    "เมนู": "menu",
    "menu": "menu",
    "ติดต่อ kamr": "contact",
    "ขอรับบริการ": "service",
    "บริการ": "service",
    "services": "service",
    "ประเมิน": "rate",
    "ให้คะแนน": "rate",
    "rate": "rate",
    "บันทึกการเยี่ยม": "visit",
    "เยี่ยม": "visit",
    "visit": "visit",
    "ตัวเลขไตรมาส": "myquarter",
    "ไตรมาส": "myquarter",
    "my quarter": "myquarter",
}


def dispatch(ctx: Context) -> None:
    inbound = ctx.inbound
    if inbound.kind == "unfollow":
        return  # nothing to say to someone who left; their data stays for the KAMR
    if inbound.kind == "follow":
        link.on_follow(ctx)
        return
    if ctx.contact is None and ctx.staff is None:
        link.on_unlinked(ctx)
        return
    if inbound.kind == "text" and inbound.text.strip().lower() in (w.lower() for w in ctx.config.bot.cancel_words):
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(menu.text_with_menu(ctx, t("cancelled", ctx.lang)))
        return
    if inbound.kind == "postback":
        _postback(ctx)
        return
    step = STEPS.get((ctx.state.flow, ctx.state.step))
    if step is not None and inbound.kind in ("text", "image", "location"):
        _run(ctx, step)
        return
    keyword = KEYWORDS.get(inbound.text.strip().lower()) if inbound.kind == "text" else None
    if keyword:
        _run(ctx, ACTIONS[keyword])
    elif inbound.kind == "text":
        menu.show_menu(ctx)
    else:
        ctx.reply(menu.text_with_menu(ctx, t("unsupported_message", ctx.lang)))


def _postback(ctx: Context) -> None:
    name, params = parse(ctx.inbound.data)
    name = ALIASES.get(name, name)
    action = ACTIONS.get(name)
    if action is None:
        log.info("unknown postback action (%d characters of data)", len(ctx.inbound.data))
        ctx.reply(menu.text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    expected_step = STEP_OF_ACTION.get(name)
    if expected_step and (ctx.state.flow, ctx.state.step) != expected_step:
        # A button from an earlier, finished or timed-out dialog.
        ctx.reply(menu.text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ctx.params = params
    _run(ctx, action)


def _run(ctx: Context, action: Action) -> None:
    allowed = action.who == "anyone" or (action.who == "contact" and ctx.contact) or (action.who == "staff" and ctx.staff)
    if not allowed:
        ctx.reply(menu.text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return
    action.handler(ctx)

