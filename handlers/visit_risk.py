"""The risk-note step of the visit dialog (handlers/visit.py): a done visit to a risk-group account
(SPP estate, self-generation; handlers/rules/risk_note.py) is recorded only with what was seen about
that, or with an explicit [ไม่พบความเสี่ยง]. Kept apart so the dialog's other steps can change freely."""
from __future__ import annotations

from datetime import date

from handlers.context import Context
from handlers.messages import Button, Message
from handlers.postback import build
from handlers.rules import risk_note
from handlers.texts import t
from handlers.thai_dates import bangkok_today
from handlers.ticketing import cancel_button
from storage.models import Account

MAX_NOTE = 1000


def must_ask(ctx: Context, account: Account, day: date) -> bool:
    """A done visit (today or earlier) to a risk-group account: its note is asked before it is recorded."""
    return day <= bangkok_today(ctx.now) and risk_note.needs_note(ctx.session, ctx.config.quotas, account.id, day)


def question(ctx: Context, account: Account, day: date) -> Message:
    names = risk_note.group_names(risk_note.groups_on(ctx.session, ctx.config.quotas, account.id, day), ctx.lang)
    none_seen = t("btn_risk_none_seen", ctx.lang)
    return Message(text=t("visit_ask_risk", ctx.lang, account=account.name, groups=names),
                   quick_replies=(Button(none_seen, data=build("visit.norisk"), display=none_seen), cancel_button(ctx)))


def typed(ctx: Context) -> str:
    """The note typed ('ไม่พบความเสี่ยง' typed is the button's answer); "" for anything else (asked again)."""
    return risk_note.from_answer(ctx.inbound.text)[:MAX_NOTE] if ctx.inbound.kind == "text" else ""
