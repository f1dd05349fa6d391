"""[อนุมัติ] / [ไม่อนุมัติ] on a visit recorded late for a closed quarter (001 flow chart step 5).

Only the reporter's own supervisor decides; anyone else, a second tap or tampered data gets a plain answer."""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Message
from handlers.operations import visits as visit_operations
from handlers.postback import int_param
from handlers.rules import quotas, visit_timing
from handlers.texts import t
from handlers.thai_dates import format_date
from storage.models import Account, Visit


def note_for_reporter(ctx: Context, visit: Visit) -> str:
    """The line added to 'visit saved' when the visit waits for approval; '' otherwise."""
    hold = visit_operations.late_hold(ctx.session, visit, ctx.config.quotas)
    if hold is None:
        return ""
    days = ctx.config.quotas.report_within_days
    if hold.supervisor is None:
        return "\n" + t("late_visit_no_supervisor", ctx.lang, days=days, quarter=hold.quarter.label)
    return "\n" + t("late_visit_pending", ctx.lang, days=days, quarter=hold.quarter.label,
                    supervisor=hold.supervisor.name)


def on_decision(ctx: Context) -> None:
    visit = ctx.session.get(Visit, int_param(ctx.params, "v") or 0)
    choice = ctx.params.get("d")
    if visit is None or choice not in ("y", "n"):
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    rules = ctx.config.quotas
    outcome = visit_operations.decide_late(ctx.session, visit, now=ctx.now, actor=ctx.staff, approve=choice == "y",
                                           rules=rules, notifier=ctx.notifier)
    account = ctx.session.get(Account, visit.account_id)
    q = quotas.quarter_of(rules, visit.visit_date)
    if outcome == "not_yours":
        hold = visit_operations.late_hold(ctx.session, visit, rules)
        ctx.reply(text_with_menu(ctx, t("late_not_yours", ctx.lang, supervisor=hold.supervisor.name if hold and
                                        hold.supervisor else "-")))
    elif outcome == "already":
        decided = {visit_timing.APPROVED: "late_decision_approved", visit_timing.REFUSED: "late_decision_refused"}
        key = decided.get(visit.late_approval)
        ctx.reply(text_with_menu(ctx, t("late_already_decided", ctx.lang, decision=t(key, ctx.lang) if key else "-")))
    else:
        key = "late_approved" if visit.late_approval == visit_timing.APPROVED else "late_refused"
        ctx.reply(Message(text=t(key, ctx.lang, account=account.name, date=format_date(visit.visit_date, ctx.lang),
                                 quarter=q.label)))


PREFIXES = ("visitlate",)  # the action names this module owns (apart from the visit dialog's "visit")
ACTIONS = {"visitlate": Action(on_decision, "staff")}
