"""A planned visit is announced to the account's contacts with [ยืนยัน] / [ขอเลื่อน] (issue 21 item 6); their
answer goes to the visitor, with the contact's phone to call, so a visit is never a surprise."""
from __future__ import annotations

from sqlmodel import Session

from handlers import ticketing
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Message
from handlers.notify import Notifier
from handlers.postback import build, int_param
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_appointment, format_day
from storage import roster
from storage.models import Account, Staff, Visit

ANSWERS = ("ok", "later")


def planned_text(visit: Visit, lang: str) -> str:
    """A planned visit's day with its weekday, and its time when one was given."""
    return format_appointment(visit.planned_at, lang) if visit.planned_at else format_day(visit.visit_date, lang)


def announce(session: Session, visit: Visit, account: Account, *, notifier: Notifier) -> int:
    """Tell the account's contacts on LINE that the visit is planned; returns how many were told."""
    staff = session.get(Staff, visit.staff_id)
    told = 0
    for contact in roster.contacts_of(session, account.id):
        if not notifier.reachable(contact):
            continue
        lang = contact.language
        buttons = tuple(Button(label, data=build("visitnotice.answer", v=visit.id, r=answer), display=label)
                        for answer, label in ((a, t(f"btn_visit_{a}", lang)) for a in ANSWERS))
        notifier.push(contact, [Message(text=t("visit_announced", lang, staff=staff.name, account=account.name,
                                               date=planned_text(visit, lang), mode=t(f"mode_{visit.mode}", lang)),
                                        quick_replies=buttons)])
        told += 1
    return told


def answer(ctx: Context) -> None:
    """A contact confirms the planned visit or asks to move it; the visitor hears which, and who."""
    visit = ctx.session.get(Visit, int_param(ctx.params, "v") or 0)
    choice = ctx.params.get("r", "")
    if visit is None or visit.account_id != ctx.contact.account_id or choice not in ANSWERS:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))  # someone else's visit looks like none
        return
    if visit.status != "planned" or visit.visit_date < bangkok_today(ctx.now):
        ctx.reply(text_with_menu(ctx, t("visit_answer_too_late", ctx.lang)))
        return
    account = ctx.session.get(Account, visit.account_id)
    staff = ctx.session.get(Staff, visit.staff_id)
    name = ctx.contact.name or ctx.contact.display_name or "-"
    if staff is not None:
        call = ticketing.call_button(ctx.contact.phone, staff.language)
        ctx.push(staff, Message(text=t(f"visit_answer_{choice}_staff", staff.language, name=name, account=account.name,
                                       date=planned_text(visit, staff.language)),
                                quick_replies=(call,) if call else ()))
    ctx.reply(text_with_menu(ctx, t(f"visit_answer_{choice}_customer", ctx.lang, staff=staff.name if staff else "-")))


PREFIXES = ("visitnotice",)  # the action names this module owns
ACTIONS = {"visitnotice.answer": Action(answer, "contact")}
