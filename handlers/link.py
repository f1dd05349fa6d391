"""Following the Official Account, and linking a LINE user with a one-time code."""
from __future__ import annotations

from handlers import profile
from handlers.context import Context
from handlers.menu import buttons_for, staff_buttons
from handlers.messages import Message
from handlers.texts import khun, t
from storage import linking
from storage.models import Account, Contact, Staff


def on_follow(ctx: Context) -> None:
    if ctx.contact or ctx.staff:
        # The person, not their company: the roster name, else the LINE name; the company only when neither is known.
        person = ctx.staff.name if ctx.staff else (ctx.contact.name or ctx.contact.display_name)
        name = khun(person) if person and ctx.lang == "th" else person
        if not name:
            name = ctx.session.get(Account, ctx.contact.account_id).name
        ctx.reply(Message(text=t("greet_linked", ctx.lang, name=name), quick_replies=buttons_for(ctx)))
    else:
        ctx.reply(Message(text=t("greet_unlinked", ctx.lang)))


def on_unlinked(ctx: Context) -> None:
    """Anything from a LINE user we do not know: try it as a code, else explain. Never show data."""
    text = ctx.inbound.text if ctx.inbound.kind == "text" else ""
    if text and linking.looks_like_code(text):
        _redeem(ctx, text)
    else:
        ctx.reply(Message(text=t("unlinked", ctx.lang)))


def _redeem(ctx: Context, code: str) -> None:
    session, user_id, now = ctx.session, ctx.inbound.user_id, ctx.now
    if linking.recent_failures(session, user_id, now=now) >= ctx.config.bot.link_attempts_per_hour:
        ctx.reply(Message(text=t("code_throttled", ctx.lang)))
        return
    row = linking.redeem(session, code, line_user_id=user_id, now=now)
    if row is None:
        linking.record_failure(session, user_id, now=now)
        ctx.reply(Message(text=t("code_invalid", ctx.lang)))
        return
    if row.kind == "staff":
        _link_staff(ctx, session.get(Staff, row.target_id))
    else:
        _link_contact(ctx, session.get(Account, row.target_id))


def _link_contact(ctx: Context, account: Account) -> None:
    contact = Contact(account_id=account.id, line_user_id=ctx.inbound.user_id, linked_at=ctx.now, language=ctx.config.bot.language)
    ctx.session.add(contact)
    ctx.session.flush()
    ctx.contact = contact
    # Then who they are, once, so the KAMR's cards name them (handlers/profile.py).
    ctx.reply(Message(text=t("linked_contact", ctx.lang, account=account.name)), profile.ask_name(ctx))


def _link_staff(ctx: Context, staff: Staff) -> None:
    # A staff member has one LINE user: a new phone replaces the old link. Both LINE users are told,
    # so that a code used by someone else does not move the identity unnoticed.
    previous = staff.line_user_id if staff.line_user_id != ctx.inbound.user_id else None
    staff.line_user_id = ctx.inbound.user_id
    ctx.session.add(staff)
    ctx.session.flush()
    ctx.staff = staff
    text = t("linked_staff", staff.language, name=staff.name)
    if previous:
        text += "\n\n" + t("staff_relinked_new", staff.language)
        ctx.notifier.push_address(previous, [Message(text=t("staff_relinked_old", staff.language, name=staff.name))])
        ctx.notifier.reset_menu_address(previous)
    ctx.reply(Message(text=text, quick_replies=staff_buttons(staff.language)))
    ctx.notifier.show_menu(staff, "staff")

