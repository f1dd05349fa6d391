"""1–5 ratings from a customer contact, one per contact and subject."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Message
from handlers.postback import int_param
from handlers.texts import t
from storage import ratings, tickets
from storage.models import Account, Staff, Ticket

LOW_SCORE = 3


def give(ctx: Context) -> None:
    kind, subject_id, score = ctx.params.get("k"), int_param(ctx.params, "i"), int_param(ctx.params, "s")
    if kind != "ticket" or subject_id is None or score not in range(1, 6):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    ticket = ctx.session.get(Ticket, subject_id)
    # Someone else's ticket looks exactly like a missing one: no hint that it exists.
    if ticket is None or ticket.account_id != ctx.contact.account_id:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    if ticket.status not in ("resolved", "closed"):
        ctx.reply(text_with_menu(ctx, t("rating_not_ready", ctx.lang)))
        return
    if not ratings.add(ctx.session, subject_kind="ticket", subject_id=ticket.id, account_id=ticket.account_id,
                       contact_id=ctx.contact.id, score=score, now=ctx.now):
        ctx.reply(text_with_menu(ctx, t("rating_already", ctx.lang)))
        return
    tickets.log(ctx.session, ticket, "rated", now=ctx.now, contact_id=ctx.contact.id, score=score)
    low = score <= LOW_SCORE
    ctx.reply(text_with_menu(ctx, t("rating_thanks_low" if low else "rating_thanks", ctx.lang, score=score)))
    if low:
        _ask_kamr_to_call(ctx, ticket, score)


def _ask_kamr_to_call(ctx: Context, ticket: Ticket, score: int) -> None:
    account = ctx.session.get(Account, ticket.account_id)
    kamr = ctx.session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None:
        text = t("staff_low_rating", kamr.language, number=ticket.number, account=account.name, score=score)
        ctx.push(kamr, Message(text=text))


ACTIONS = {"rate.give": Action(give, "contact")}
