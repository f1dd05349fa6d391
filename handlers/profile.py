"""After linking by code, a contact is asked once for their name and phone (issue 21 item 8), so the KAMR's
cards are never anonymous. The LINE display name, when known, is offered as the name; both may be skipped,
and any other tap ends the questions (they are not asked again)."""
from __future__ import annotations

import re

from handlers.context import Action, Context
from handlers.menu import show_menu, text_with_menu
from handlers.messages import Button, Message
from handlers.postback import build
from handlers.texts import t
from storage import conversations, linking

FLOW = "profile"
MAX_NAME = 100
PHONE = re.compile(r"^\+?[\d\s\-]{9,20}$")


def ask_name(ctx: Context) -> Message:
    """The question, to send after the linking message; the dialog waits for the answer."""
    conversations.set_step(ctx.state, FLOW, "name", now=ctx.now)
    buttons = []
    if ctx.contact.display_name:
        label = t("btn_use_line_name", ctx.lang)
        buttons.append(Button(label, data=build("profile.line_name"), display=ctx.contact.display_name[:MAX_NAME]))
    skip = t("btn_skip", ctx.lang)
    buttons.append(Button(skip, data=build("profile.skip"), display=skip))
    key = "profile_ask_name_suggested" if ctx.contact.display_name else "profile_ask_name"
    return Message(text=t(key, ctx.lang, name=ctx.contact.display_name), quick_replies=tuple(buttons))


def _ask_phone(ctx: Context, key: str = "profile_ask_phone") -> None:
    conversations.set_step(ctx.state, FLOW, "phone", now=ctx.now)
    skip = t("btn_skip", ctx.lang)
    ctx.reply(Message(text=t(key, ctx.lang), quick_replies=(Button(skip, data=build("profile.skip"), display=skip),)))


def on_name(ctx: Context) -> None:
    name = ctx.inbound.text.strip()[:MAX_NAME] if ctx.inbound.kind == "text" else ""
    if linking.looks_like_code(name):  # a code is not a name: the questions end, the text is taken as text
        conversations.clear(ctx.state, now=ctx.now)
        show_menu(ctx)
        return
    if not name:
        ctx.reply(ask_name(ctx))
        return
    ctx.contact.name = name
    ctx.session.add(ctx.contact)
    _ask_phone(ctx)


def use_line_name(ctx: Context) -> None:
    if not ctx.contact.display_name:
        skip(ctx)
        return
    ctx.contact.name = ctx.contact.display_name[:MAX_NAME]
    ctx.session.add(ctx.contact)
    _ask_phone(ctx)


def on_phone(ctx: Context) -> None:
    phone = ctx.inbound.text.strip() if ctx.inbound.kind == "text" else ""
    if not PHONE.match(phone) or len(re.sub(r"\D", "", phone)) < 9:
        _ask_phone(ctx, "profile_bad_phone")  # asked again; nothing else is lost
        return
    ctx.contact.phone = phone
    ctx.session.add(ctx.contact)
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("profile_thanks", ctx.lang, name=ctx.contact.name or "-")))


def skip(ctx: Context) -> None:
    """Skip this question: from the name to the phone, from the phone to the menu."""
    if ctx.state.step == "name":
        _ask_phone(ctx)
        return
    conversations.clear(ctx.state, now=ctx.now)
    ctx.reply(text_with_menu(ctx, t("profile_done", ctx.lang)))


ACTIONS = {"profile.line_name": Action(use_line_name, "contact"), "profile.skip": Action(skip, "contact")}
STEPS = {(FLOW, "name"): Action(on_name, "contact"), (FLOW, "phone"): Action(on_phone, "contact")}
STEP_OF_ACTION = {"profile.line_name": "name"}
# Any other tap ends the questions quietly (handlers/parking.py: no ticket, no notice).
TYPING_STEPS = {"name": ("cancelled", "profile.skip"), "phone": ("cancelled", "profile.skip")}
