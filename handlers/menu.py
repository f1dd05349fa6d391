"""The quick replies that always offer a next step."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.messages import Button, Card, Message
from handlers.operations.reachable import call_button, status_button
from handlers.postback import build
from handlers.rules import roles
from handlers.texts import t
from storage.models import Account, Staff


def customer_buttons(lang: str) -> tuple[Button, ...]:
    return (
        Button(t("btn_outage", lang), data=build("outage"), display=t("btn_outage", lang)),
        Button(t("btn_service", lang), data=build("service"), display=t("btn_service", lang)),
        status_button(lang),
        Button(t("btn_contact", lang), data=build("contact"), display=t("btn_contact", lang)),
    )


def staff_buttons(lang: str) -> tuple[Button, ...]:
    return (Button(t("btn_my_tickets", lang), data=build("mytickets"), display=t("btn_my_tickets", lang)),
            Button(t("btn_log_visit", lang), data=build("visit"), display=t("btn_log_visit", lang)),
            Button(t("btn_my_quarter", lang), data=build("myquarter"), display=t("btn_my_quarter", lang)))


def buttons_for(ctx: Context) -> tuple[Button, ...]:
    return staff_buttons(ctx.lang) if ctx.staff else customer_buttons(ctx.lang)


def text_with_menu(ctx: Context, text: str) -> Message:
    return Message(text=text, quick_replies=buttons_for(ctx))


def show_menu(ctx: Context) -> None:
    key = "staff_menu_hint" if ctx.staff else "menu_hint"
    ctx.reply(text_with_menu(ctx, t(key, ctx.lang)))


def contact_kamr(ctx: Context) -> None:
    """The KAMR and whoever stands in for them, each with a tap-to-call button when a phone is known."""
    account = ctx.session.get(Account, ctx.contact.account_id)
    kamr = ctx.session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is None:
        ctx.reply(text_with_menu(ctx, t("no_kamr", ctx.lang)))
        return
    backup = roles.person_for(ctx.session, kamr, roles.BACKUP)
    if backup is None:
        text = t("your_kamr", ctx.lang, account=account.name, name=kamr.name, office=kamr.office)
    else:
        text = t("your_kamr_and_backup", ctx.lang, account=account.name, name=kamr.name, office=kamr.office,
                 backup=backup.name)
    calls = tuple(call_button(person, ctx.lang) for person in (kamr, backup) if person is not None and person.phone)
    if not calls:
        ctx.reply(text_with_menu(ctx, text))
        return
    card = Card(title=t("btn_contact", ctx.lang), lines=tuple(text.splitlines()), buttons=calls)
    ctx.reply(Message(card=card, quick_replies=buttons_for(ctx)))


PREFIXES = ("menu", "contact")  # the action names this module owns
ACTIONS = {
    "menu": Action(show_menu, "anyone"),
    "contact": Action(contact_kamr, "contact"),
}
