"""Urgent report (CRM-KAM-003) on an account or a visit, without a ticket (issue 17).

A KAMR who sees a risk on a visit (an SPP competitor's offer, planned self-generation) taps
"แจ้งด่วนผู้บริหาร" under the saved visit, or types "แจ้งด่วน" and picks the account; types the issue,
then the risk. The decision maker (handlers/rules/roles.py) gets the card with the follow-up date and
[สั่งการ/ติดตาม]; the instruction typed there reaches the KAMR. Only the account's own people may report
(the visit scope of handlers/visit.py), only the recorded decision maker may instruct.
"""
from __future__ import annotations

from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Message
from handlers.operations import urgent_reports
from handlers.postback import build, int_param
from handlers.texts import t
from handlers.thai_dates import format_date
from handlers.ticketing import cancel_button
from handlers.visit import account_in_scope, accounts_in_scope
from storage import conversations
from storage.models import Account, Staff, UrgentReport, Visit

FLOW = "urgentacc"
MAX_TEXT = 1000


def _typed(ctx: Context) -> str:
    return ctx.inbound.text.strip()[:MAX_TEXT] if ctx.inbound.kind == "text" else ""


def start(ctx: Context) -> None:
    """"แจ้งด่วน": pick the account (or the postback names it)."""
    if "acc" in ctx.params:
        _account_chosen(ctx, account_in_scope(ctx.session, ctx.staff, int_param(ctx.params, "acc")))
        return
    conversations.clear(ctx.state, now=ctx.now)
    accounts = accounts_in_scope(ctx.session, ctx.staff)
    if not accounts:
        ctx.reply(text_with_menu(ctx, t("urgent_no_accounts", ctx.lang)))
        return
    buttons = tuple(Button(f"{a.account_code} {a.name}", data=build("urgentacc", acc=a.id), display=a.name)
                    for a in accounts)
    ctx.reply(Message(text=t("urgent_ask_account", ctx.lang), quick_replies=(*buttons, cancel_button(ctx))))


def from_visit(ctx: Context) -> None:
    visit = ctx.session.get(Visit, int_param(ctx.params, "v") or 0)
    account = account_in_scope(ctx.session, ctx.staff, visit.account_id) if visit is not None else None
    if visit is None or (visit.staff_id != ctx.staff.id and account is None):
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return
    _account_chosen(ctx, account or ctx.session.get(Account, visit.account_id), visit=visit)


def _account_chosen(ctx: Context, account: Account | None, visit: Visit | None = None) -> None:
    if account is None:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
        return
    conversations.clear(ctx.state, now=ctx.now)
    conversations.set_step(ctx.state, FLOW, "issue", now=ctx.now, account_id=account.id,
                           visit_id=visit.id if visit else 0)
    ctx.reply(Message(text=t("urgent_ask_issue", ctx.lang, account=account.name), quick_replies=(cancel_button(ctx),)))


def _dialog_account(ctx: Context) -> Account | None:
    """The account of the dialog, checked again: the scope may have changed since the dialog began."""
    account_id = int_param(ctx.state.data, "account_id")
    visit = ctx.session.get(Visit, int_param(ctx.state.data, "visit_id") or 0)
    account = account_in_scope(ctx.session, ctx.staff, account_id)
    if account is None and visit is not None and visit.staff_id == ctx.staff.id and visit.account_id == account_id:
        account = ctx.session.get(Account, account_id)
    if account is None:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("not_allowed", ctx.lang)))
    return account


def on_issue(ctx: Context) -> None:
    account = _dialog_account(ctx)
    if account is None:
        return
    issue = _typed(ctx)
    if not issue:
        ctx.reply(Message(text=t("urgent_ask_issue", ctx.lang, account=account.name), quick_replies=(cancel_button(ctx),)))
        return
    conversations.set_step(ctx.state, FLOW, "risk", now=ctx.now, issue=issue)
    ctx.reply(Message(text=t("urgent_ask_account_risk", ctx.lang, account=account.name),
                      quick_replies=(cancel_button(ctx),)))


def on_risk(ctx: Context) -> None:
    account = _dialog_account(ctx)
    if account is None:
        return
    risk = _typed(ctx)
    if not risk:
        ctx.reply(Message(text=t("urgent_ask_account_risk", ctx.lang, account=account.name),
                          quick_replies=(cancel_button(ctx),)))
        return
    visit = ctx.session.get(Visit, int_param(ctx.state.data, "visit_id") or 0)
    issue = str(ctx.state.data.get("issue", ""))[:MAX_TEXT]
    conversations.clear(ctx.state, now=ctx.now)
    report = urgent_reports.report_on_account(ctx.session, ctx.config, now=ctx.now, actor=ctx.staff,
                                              notifier=ctx.notifier, account=account, issue=issue, risk=risk,
                                              visit=visit)
    if report is None:
        ctx.reply(text_with_menu(ctx, t("urgent_account_no_manager", ctx.lang, account=account.name)))
        return
    manager = ctx.session.get(Staff, report.decision_maker_id)
    ctx.reply(text_with_menu(ctx, t("urgent_account_sent", ctx.lang, account=account.name, manager=manager.name,
                                    date=format_date(report.follow_up_date, ctx.lang))))


# --- the decision maker instructs -----------------------------------------------------------


def _report_for_decision_maker(ctx: Context) -> UrgentReport | None:
    report = ctx.session.get(UrgentReport, int_param(ctx.params, "u") or int_param(ctx.state.data, "report_id") or 0)
    if report is None or report.decision_maker_id != ctx.staff.id:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("expired_button" if report is None else "not_allowed", ctx.lang)))
        return None
    return report


def ask_instruction(ctx: Context) -> None:
    report = _report_for_decision_maker(ctx)
    if report is None:
        return
    account = ctx.session.get(Account, report.account_id)
    reporter = ctx.session.get(Staff, report.reported_by_id)
    conversations.clear(ctx.state, now=ctx.now)
    conversations.set_step(ctx.state, FLOW, "instruct", now=ctx.now, report_id=report.id)
    ctx.reply(Message(text=t("urgent_ask_instruction", ctx.lang, account=account.name,
                             staff=reporter.name if reporter else "-"), quick_replies=(cancel_button(ctx),)))


def on_instruction(ctx: Context) -> None:
    report = _report_for_decision_maker(ctx)
    if report is None:
        return
    text = _typed(ctx)
    if not text:
        ask_instruction(ctx)
        return
    conversations.clear(ctx.state, now=ctx.now)
    urgent_reports.note_instruction(ctx.session, report, now=ctx.now)
    account = ctx.session.get(Account, report.account_id)
    reporter = ctx.session.get(Staff, report.reported_by_id)
    ctx.push(reporter, Message(text=t("urgent_instruction_kamr", reporter.language, account=account.name,
                                      manager=ctx.staff.name, text=text)))
    ctx.reply(text_with_menu(ctx, t("urgent_instruction_sent", ctx.lang, account=account.name, staff=reporter.name)))


PREFIXES = ("urgentacc",)  # the action names this module owns
ACTIONS = {
    "urgentacc": Action(start, "staff"),
    "urgentacc.visit": Action(from_visit, "staff"),
    "urgentacc.instruct": Action(ask_instruction, "staff"),
}
STEPS = {
    (FLOW, "issue"): Action(on_issue, "staff"),
    (FLOW, "risk"): Action(on_risk, "staff"),
    (FLOW, "instruct"): Action(on_instruction, "staff"),
}
