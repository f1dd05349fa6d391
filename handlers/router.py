"""Picks the handler for one inbound: who sent it, what they tapped, where their dialog is."""
from __future__ import annotations

import logging

from handlers import (answer_delivery, complaint, complaint_close, follow_up, free_text, link, menu, outage, parking,
                      profile, quarter, rating, relay, service, status, urgent, visit, visit_notice)
from handlers import urgent_account, visit_late  # issue 17
from handlers import visit_party  # issues 17, 21: the visit's accounts, representative, contacts met
from handlers import incident, outage_history, planned  # issue 16
from handlers.context import Action, Context
from handlers.parking import NoticeFirst, TypingStep
from handlers.postback import parse
from handlers.texts import t
from storage import conversations

log = logging.getLogger(__name__)

INTENTS = (menu, outage, complaint, complaint_close, answer_delivery, follow_up, profile, status, rating, urgent, service,
           visit, visit_notice, quarter, visit_late, relay, urgent_account, incident, planned,
           outage_history, visit_party)
ACTIONS: dict[str, Action] = {name: action for module in INTENTS for name, action in module.ACTIONS.items()}
STEPS: dict[tuple[str, str], Action] = {
    key: action for module in INTENTS for key, action in getattr(module, "STEPS", {}).items()}
# Postbacks that only make sense at one step of their module's dialog.
STEP_OF_ACTION: dict[str, tuple[str, str]] = {
    name: (module.FLOW, step) for module in INTENTS for name, step in getattr(module, "STEP_OF_ACTION", {}).items()}
# Staff steps waiting for one ticket's typed text: any other tap parks them (handlers/parking.py).
TYPING: dict[tuple[str, str], TypingStep] = {
    (module.FLOW, step): TypingStep(*typing) for module in INTENTS for step, typing in getattr(module, "TYPING_STEPS", {}).items()}

# Buttons already sitting in people's chats keep working after an action is renamed: old name -> new.
ALIASES: dict[str, str] = {f"complaint.{name}": f"closeout.{name}"
                           for name in ("ack", "rate", "onbehalf", "obchannel", "obscore", "certify", "refuse")}
# Approval buttons for late visits sent before the module owned its prefix.
ALIASES.update({"visit.late": "latevisit.decide", "visitlate": "latevisit.decide"})

# The step after a report where photos, the pin and notes are added (handlers/ticketing.py).
ATTACH_STEP = "attach"

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
    "ประวัติไฟดับ": "outagehistory",  # issue 16: the contact's own sites, last 12 months
    "outage history": "outagehistory",
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
    "แจ้งด่วน": "urgentacc",  # issue 17: an urgent report on an account (CRM-KAM-003)
    "urgent": "urgentacc",
}


def dispatch(ctx: Context) -> None:
    _dispatch(ctx)
    if isinstance(ctx.notifier, NoticeFirst):
        ctx.notifier.flush()


def _park_unless_continuing(ctx: Context, name: str, params: dict) -> None:
    """A tap (or a menu word) that is not part of the waiting typing step parks it and says so."""
    typing = TYPING.get((ctx.state.flow, ctx.state.step))
    if typing is None or parking.continues(ctx, typing, name, params, STEP_OF_ACTION.get(name)):
        return
    notice = parking.park(ctx, typing)
    if notice is not None:
        ctx.notifier = NoticeFirst(ctx.notifier, notice)


def _dispatch(ctx: Context) -> None:
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
    keyword = KEYWORDS.get(inbound.text.strip().lower()) if inbound.kind == "text" else None
    if keyword:
        _park_unless_continuing(ctx, keyword, {})
    step = STEPS.get((ctx.state.flow, ctx.state.step))
    keyword = KEYWORDS.get(inbound.text.strip().lower()) if inbound.kind == "text" else None
    attaching = ctx.state.step == ATTACH_STEP
    if step is not None and attaching and keyword:
        conversations.clear(ctx.state, now=ctx.now)  # a menu word typed after a report is obeyed
        step = None
    if step is not None and (inbound.kind in ("text", "image", "location") or (attaching and inbound.kind in
                                                                               ("media", "sticker"))):
        _run(ctx, step)
        return
    if keyword:
        _run(ctx, ACTIONS[keyword])
    elif free_text.handle(ctx):
        pass
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
    _park_unless_continuing(ctx, name, params)
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

