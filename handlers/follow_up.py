"""[บันทึกการโทร]: the staff member records the call-back on a low score (issue 21 item 5); it then leaves the
"โทรติดตาม" lines of their quarter card."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.postback import int_param
from handlers.rules import roles
from handlers.texts import t
from storage import ratings, tickets
from storage.models import Account, Rating, Ticket, Visit


def record_call(ctx: Context) -> None:
    rating = ctx.session.get(Rating, int_param(ctx.params, "r") or 0)
    if rating is None:
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    account = ctx.session.get(Account, rating.account_id)
    visit = ctx.session.get(Visit, rating.subject_id) if rating.subject_kind == "visit" else None
    if not (roles.may_act_for_account(ctx.session, ctx.staff, account) or (visit and visit.staff_id == ctx.staff.id)):
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return
    if not ratings.record_follow_up(ctx.session, rating, staff_id=ctx.staff.id, now=ctx.now):
        ctx.reply(text_with_menu(ctx, t("follow_up_already", ctx.lang, account=account.name)))
        return
    ticket = ctx.session.get(Ticket, rating.subject_id) if rating.subject_kind == "ticket" else None
    if ticket is not None:
        tickets.log(ctx.session, ticket, "follow_up_called", now=ctx.now, staff_id=ctx.staff.id, score=rating.score)
    ctx.reply(text_with_menu(ctx, t("follow_up_recorded", ctx.lang, account=account.name, score=rating.score)))


PREFIXES = ("followup",)  # the action names this module owns
ACTIONS = {"followup.called": Action(record_call, "staff")}
