"""Visits logged from LINE in a few taps: account, day, mode, purpose, notes (002 §3.1.2).

A day after today saves a plan; today or earlier saves a done visit and asks the account's contacts to
rate it (handlers/operations/visits.py). A plan is reported later from the daily reminder
(jobs/visit_reminders.py).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import true
from sqlmodel import Session, col, or_, select

from handlers import visit_notice, visit_party, visit_risk
from handlers.context import Action, Context
from handlers.menu import text_with_menu
from handlers.messages import Button, Message
from handlers.operations import visits as visit_operations
from handlers.postback import build, int_param
from handlers.texts import t
from handlers.rules.roles import OFFICE_ROLES, ORG_WIDE_ROLES
from handlers.rules import date_bounds
from handlers.rules import risk_note as risk_rule
from handlers.thai_dates import bangkok_today, format_date, format_day, parse_typed_time, picked_date, time_label
from handlers.visit_late import note_for_reporter
from handlers import ticketing
from handlers.ticketing import cancel_button, choice_buttons, chosen_value
from storage import conversations
from storage import visits as visit_storage
from storage.models import VISIT_MODES, Account, Staff, Visit

FLOW = "visit"
PURPOSES = ("relationship", "service", "complaint", "plan", "other")
MAX_CHOICES = 12  # LINE shows 13 quick replies; one is Cancel
MAX_NOTES = 1000


def _scope(staff: Staff):
    """Which accounts this person may log visits for."""
    if staff.role in ORG_WIDE_ROLES:
        return true()
    if staff.role in OFFICE_ROLES:
        return Account.office == staff.office
    return Account.kamr_id == staff.id


def account_in_scope(session: Session, staff: Staff, account_id: int | None) -> Account | None:
    """The account if this person may log visits for it (also for a visit reported by form)."""
    if account_id is None:
        return None
    return session.exec(select(Account).where(Account.id == account_id, _scope(staff))).first()


def accounts_in_scope(session: Session, staff: Staff, limit: int = MAX_CHOICES) -> list[Account]:
    """The first accounts (by code) this person may log visits for, as quick-reply choices."""
    return list(session.exec(select(Account).where(_scope(staff)).order_by(Account.account_code).limit(limit)).all())


def start(ctx: Context) -> None:
    conversations.clear(ctx.state, now=ctx.now)
    conversations.set_step(ctx.state, FLOW, "account", now=ctx.now)
    _ask_account(ctx, accounts_in_scope(ctx.session, ctx.staff), t("visit_ask_account", ctx.lang))


def _ask_account(ctx: Context, accounts: list[Account], text: str) -> None:
    buttons = [Button(f"{a.account_code} {a.name}", data=build("visit.account", acc=a.id), display=a.name) for a in accounts]
    ctx.reply(Message(text=text, quick_replies=(*buttons, cancel_button(ctx))))


def on_account_text(ctx: Context) -> None:
    typed = ctx.inbound.text.strip() if ctx.inbound.kind == "text" else ""
    matches = ctx.session.exec(
        select(Account)
        .where(_scope(ctx.staff), or_(Account.account_code == typed.upper(), col(Account.name).contains(typed)))
        .order_by(Account.account_code).limit(MAX_CHOICES)
    ).all() if typed else []
    if len(matches) == 1:
        _account_chosen(ctx, matches[0])
    elif matches:
        _ask_account(ctx, list(matches), t("visit_ask_account", ctx.lang))
    else:
        _ask_account(ctx, [], t("visit_no_account", ctx.lang, text=typed[:40]))


def on_account(ctx: Context) -> None:
    account = account_in_scope(ctx.session, ctx.staff, int_param(ctx.params, "acc"))
    if account is None:  # tampered or out of scope: the same answer as a stale button
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    _account_chosen(ctx, account)


def _account_chosen(ctx: Context, account: Account) -> None:
    conversations.set_step(ctx.state, FLOW, "account", now=ctx.now, account_id=account.id, also_ids=[])
    visit_party.offer_more_accounts(ctx)  # more accounts on the same call (handlers/visit_party.py)


def ask_date_for(ctx: Context) -> None:
    """The accounts are chosen: which day."""
    conversations.set_step(ctx.state, FLOW, "date", now=ctx.now)
    names = ", ".join(account.name for account in visit_party.chosen_accounts(ctx))
    _ask_date(ctx, t("visit_ask_date", ctx.lang, account=names))


def _ask_date(ctx: Context, text: str) -> None:
    today = bangkok_today(ctx.now)
    lang = ctx.lang
    buttons = (
        Button(t("btn_today", lang), data=build("visit.date", d=today.isoformat()), display=t("btn_today", lang)),
        Button(t("btn_yesterday", lang), data=build("visit.date", d=(today - timedelta(days=1)).isoformat()),
               display=t("btn_yesterday", lang)),
        Button(t("btn_pick_date", lang), kind="date", data=build("visit.date"), **date_bounds.visit_days(ctx.now).picker()),
        cancel_button(ctx),
    )
    ctx.reply(Message(text=text, quick_replies=buttons))


CHOICES = {"mode": ("visit.mode", VISIT_MODES), "purpose": ("visit.purpose", PURPOSES)}


def _ask_choice(ctx: Context, name: str) -> None:
    """Ask for the visit's mode or purpose, with its choices as quick replies."""
    action, values = CHOICES[name]
    ctx.reply(Message(text=t(f"visit_ask_{name}", ctx.lang),
                      quick_replies=(*choice_buttons(ctx, action, values, name), cancel_button(ctx))))


def on_date(ctx: Context) -> None:
    window = date_bounds.visit_days(ctx.now)  # LINE and forms alike (handlers/rules/date_bounds.py)
    day = picked_date({**ctx.params, **ctx.inbound.params}, ctx.inbound.text, window.initial)
    if day is None:  # not a date at all: say so, not that it is out of range
        _ask_date(ctx, t("date_unreadable", ctx.lang))
        return
    if not window.holds(day):
        _ask_date(ctx, t("visit_bad_date", ctx.lang, first=format_date(window.first, ctx.lang),
                         last=format_date(window.last, ctx.lang)))
        return
    conversations.set_step(ctx.state, FLOW, "mode", now=ctx.now, visit_date=day.isoformat())
    if day > bangkok_today(ctx.now):  # a plan: the time is offered, optional (a mode tapped instead skips it)
        _ask_time(ctx, day)
        return
    _ask_choice(ctx, "mode")


def _ask_time(ctx: Context, day: date, text: str = "") -> None:
    lang = ctx.lang
    times = tuple(Button(label, data=build("visit.time", h=hhmm), display=label)
                  for hhmm, label in ((h, time_label(h, lang)) for h in date_bounds.APPOINTMENT_TIMES))
    skip = t("btn_no_time", lang)
    ctx.reply(Message(text=text or t("visit_ask_time", lang, date=format_day(day, lang)),
                      quick_replies=(*times, Button(skip, data=build("visit.time"), display=skip), cancel_button(ctx))))


def on_time(ctx: Context) -> None:
    day = date.fromisoformat(ctx.state.data["visit_date"])
    hhmm = ctx.params.get("h", "")
    when = date_bounds.appointment_moment(day, hhmm)
    if when is not None and not date_bounds.in_office_hours(hhmm, ctx.config.first_answer):
        _ask_time(ctx, day, ticketing.outside_hours_text(ctx, hhmm))
        return
    if when is not None and when > ctx.now:
        conversations.set_step(ctx.state, FLOW, "mode", now=ctx.now, planned_at=when.isoformat())
    _ask_choice(ctx, "mode")


def _typed_time(ctx: Context) -> str | None:
    """A time typed while the plan's time buttons are offered (before a mode is picked): "10:30", "บ่ายสอง"."""
    data = ctx.state.data
    if ctx.inbound.kind != "text" or "planned_at" in data or date.fromisoformat(data["visit_date"]) <= bangkok_today(ctx.now):
        return None
    return parse_typed_time(ctx.inbound.text)


def on_mode(ctx: Context) -> None:
    if hhmm := _typed_time(ctx):
        ctx.params = {"h": hhmm}
        on_time(ctx)
        return
    mode = chosen_value(ctx, VISIT_MODES, "mode")
    if mode not in VISIT_MODES:
        _ask_choice(ctx, "mode")
        return
    conversations.set_step(ctx.state, FLOW, "purpose", now=ctx.now, mode=mode)
    _ask_choice(ctx, "purpose")


def on_purpose(ctx: Context) -> None:
    purpose = chosen_value(ctx, PURPOSES, "purpose")
    if purpose not in PURPOSES:
        # Typed text that is not one of the choices is taken as the purpose itself.
        purpose = ctx.inbound.text.strip()[:200] if ctx.inbound.kind == "text" else ""
    if not purpose:
        _ask_choice(ctx, "purpose")
        return
    conversations.set_step(ctx.state, FLOW, "purpose", now=ctx.now, purpose=purpose)
    if visit_party.may_name_representative(ctx.staff):
        visit_party.ask_representative(ctx)  # made by themself or by a representative (ผู้แทน)
    else:
        ask_notes(ctx)


def ask_notes(ctx: Context) -> None:
    conversations.set_step(ctx.state, FLOW, "notes", now=ctx.now)
    skip = t("btn_skip", ctx.lang)
    ctx.reply(Message(text=t("visit_ask_notes", ctx.lang),
                      quick_replies=(Button(skip, data=build("visit.save"), display=skip), cancel_button(ctx))))


def save(ctx: Context) -> None:
    """The notes are in: a done visit asks which contacts were met (handlers/visit_party.py), then is saved."""
    if "visit_date" not in ctx.state.data:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return
    notes = ctx.inbound.text.strip()[:MAX_NOTES] if ctx.inbound.kind == "text" else ""
    done = date.fromisoformat(ctx.state.data["visit_date"]) <= bangkok_today(ctx.now)
    if done and visit_party.ask_met(ctx, notes):
        return
    finish(ctx, notes)


def finish(ctx: Context, notes: str | None = None) -> None:
    """The contacts met are known (or there was nobody to pick): a risk note if one is needed, then saved."""
    data = ctx.state.data
    if "visit_id" in data:  # the contacts met on a planned visit now reported
        found = _planned_visit(ctx)
        if found is not None:
            _report_result(ctx, *found, data.get("notes", ""))
        return
    accounts = _accounts_being_logged(ctx)
    if accounts is None:
        return
    notes = data.get("notes", "") if notes is None else notes
    day = date.fromisoformat(data["visit_date"])
    risky = next((each for each in accounts if visit_risk.must_ask(ctx, each, day)), None)
    if risky is not None:
        conversations.set_step(ctx.state, FLOW, "risk", now=ctx.now, notes=notes)
        ctx.reply(visit_risk.question(ctx, risky, day))
        return
    _record(ctx, accounts, day, notes)


def _accounts_being_logged(ctx: Context) -> list[Account] | None:
    """The accounts of the visit being logged, the first the one picked; None (said to be expired) when the
    dialog no longer holds them, e.g. a button from an earlier visit."""
    data = ctx.state.data
    accounts = visit_party.chosen_accounts(ctx)
    if not accounts or int_param(data, "account_id") != accounts[0].id or "visit_date" not in data:
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    return accounts


def _record(ctx: Context, accounts: list[Account], day: date, notes: str, risk_note: str = "") -> None:
    data = ctx.state.data
    representative, representative_name = visit_party.representative_of(ctx)
    planned_at = datetime.fromisoformat(data["planned_at"]) if data.get("planned_at") else None
    visit, asked = visit_operations.log_visit(
        ctx.session, now=ctx.now, actor=ctx.staff, channel=ctx.inbound.channel, notifier=ctx.notifier,
        account=accounts[0], day=day, mode=data.get("mode", "on_site"), purpose=data.get("purpose", ""), notes=notes,
        rules=ctx.config.quotas, hours=ctx.config.reminders, risk_note=risk_note, planned_at=planned_at,
        party=visit_operations.Party(accounts=tuple(accounts[1:]), representative=representative,
                                     representative_name=representative_name, met_contact_ids=visit_party.met_ids(ctx)))
    conversations.clear(ctx.state, now=ctx.now)
    names = ", ".join(each.name for each in accounts)
    shown = visit_notice.planned_text(visit, ctx.lang) if visit.planned_at else format_date(day, ctx.lang)
    values = dict(account=names, date=shown, mode=t(f"mode_{visit.mode}", ctx.lang))
    buttons = visit_buttons(ctx.lang)
    if visit_operations.rating_deferred(visit):
        text = t("visit_saved_rating_later", ctx.lang, time=ctx.config.reminders.rating_window_start, **values)
        text += note_for_reporter(ctx, visit) + _none_on_line(ctx, visit)
    elif visit.status == "done":
        text = t("visit_saved", ctx.lang, contacts=asked, **values) + note_for_reporter(ctx, visit)
        text += _none_on_line(ctx, visit)
        urgent = t("btn_urgent_account", ctx.lang)  # a risk seen on the visit (CRM-KAM-003, issue 17)
        buttons += (Button(urgent, data=build("urgentacc.visit", v=visit.id), display=urgent),)
    else:
        told = sum(visit_notice.announce(ctx.session, planned, each, notifier=ctx.notifier)
                   for planned, each in visit_storage.joint_with(ctx.session, visit))  # each account's contacts
        text = t("visit_planned", ctx.lang, **values) + ("\n" + t("visit_planned_told", ctx.lang, contacts=told) if told else "")
    if representative or representative_name:
        text += "\n" + t("visit_by_representative", ctx.lang, name=representative.name if representative
                           else representative_name)
    ctx.reply(Message(text=text, quick_replies=buttons))


def visit_buttons(lang: str) -> tuple[Button, ...]:
    log_visit, quarter = t("btn_log_visit", lang), t("btn_my_quarter", lang)
    return (Button(log_visit, data=build("visit"), display=log_visit),
            Button(quarter, data=build("myquarter"), display=quarter),
            Button(t("btn_my_tickets", lang), data=build("mytickets"), display=t("btn_my_tickets", lang)))


# --- reporting a planned visit ---------------------------------------------------


def _planned_visit(ctx: Context) -> tuple[Visit, Account] | None:
    visit = ctx.session.get(Visit, int_param(ctx.params, "v") or int_param(ctx.state.data, "visit_id") or 0)
    account = account_in_scope(ctx.session, ctx.staff, visit.account_id) if visit else None
    if visit is None or (visit.staff_id != ctx.staff.id and account is None):
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(text_with_menu(ctx, t("expired_button", ctx.lang)))
        return None
    if visit.status != "planned":
        conversations.clear(ctx.state, now=ctx.now)
        ctx.reply(Message(text=t("visit_already_done", ctx.lang), quick_replies=visit_buttons(ctx.lang)))
        return None
    return visit, account or ctx.session.get(Account, visit.account_id)


def ask_result(ctx: Context) -> None:
    found = _planned_visit(ctx)
    if found is None:
        return
    visit, account = found
    if visit.visit_date > bangkok_today(ctx.now):
        ctx.reply(Message(text=t("visit_not_yet", ctx.lang, date=format_date(visit.visit_date, ctx.lang)),
                          quick_replies=visit_buttons(ctx.lang)))
        return
    conversations.set_step(ctx.state, FLOW, "result", now=ctx.now, visit_id=visit.id)
    skip, not_done = t("btn_skip", ctx.lang), t("btn_did_not_visit", ctx.lang)
    ctx.reply(Message(
        text=t("visit_ask_result", ctx.lang, account=account.name, date=format_date(visit.visit_date, ctx.lang)),
        quick_replies=(Button(skip, data=build("visit.result"), display=skip),
                       Button(not_done, data=build("visit.cancel", v=visit.id), display=not_done), cancel_button(ctx)),
    ))


def on_result(ctx: Context) -> None:
    found = _planned_visit(ctx)
    if found is None:
        return
    visit, account = found
    notes = ctx.inbound.text.strip()[:MAX_NOTES] if ctx.inbound.kind == "text" else ""
    conversations.set_step(ctx.state, FLOW, "result", now=ctx.now, visit_id=visit.id, account_id=account.id, also_ids=[])
    if visit_party.ask_met(ctx, notes):  # which contacts were met (handlers/visit_party.py)
        return
    _report_result(ctx, visit, account, notes)


def _report_result(ctx: Context, visit: Visit, account: Account, notes: str) -> None:
    """The contacts met are known: a risk note if the account needs one, then the visit is reported."""
    if visit_risk.must_ask(ctx, account, visit.visit_date):
        conversations.set_step(ctx.state, FLOW, "risk", now=ctx.now, visit_id=visit.id, notes=notes)
        ctx.reply(visit_risk.question(ctx, account, visit.visit_date))
        return
    _report(ctx, visit, account, notes)


def _report(ctx: Context, visit: Visit, account: Account, notes: str, risk_note: str = "") -> None:
    met = visit_party.met_ids(ctx)
    conversations.clear(ctx.state, now=ctx.now)
    asked = visit_operations.report_planned(ctx.session, visit, account, now=ctx.now, notifier=ctx.notifier, notes=notes,
                                            rules=ctx.config.quotas, hours=ctx.config.reminders, met_contact_ids=met,
                                            risk_note=risk_note)
    if asked is None:
        ctx.reply(Message(text=t("visit_already_done", ctx.lang), quick_replies=visit_buttons(ctx.lang)))
        return
    text = t("visit_saved", ctx.lang, account=account.name, date=format_date(visit.visit_date, ctx.lang),
             mode=t(f"mode_{visit.mode}", ctx.lang), contacts=asked) + note_for_reporter(ctx, visit)
    ctx.reply(Message(text=text + _none_on_line(ctx, visit), quick_replies=visit_buttons(ctx.lang)))


def _none_on_line(ctx: Context, visit: Visit) -> str:
    """The visitor picked the contacts met and none of them is on LINE: say so (nobody can be asked)."""
    if visit.met_contact_ids is None:
        return ""
    met = [c for row, _ in visit_storage.joint_with(ctx.session, visit)
           for c in visit_operations.met_contacts(ctx.session, row)]
    return "" if any(ctx.notifier.reachable(c) for c in met) else "\n" + t("visit_met_not_on_line", ctx.lang)


# --- the risk note of a risk-group account (handlers/visit_risk.py) ------------------------------


def on_risk_note(ctx: Context) -> None:
    _risk_answered(ctx, visit_risk.typed(ctx))


def on_no_risk(ctx: Context) -> None:
    _risk_answered(ctx, risk_rule.NONE_SEEN)


def _risk_answered(ctx: Context, note: str) -> None:
    """Record the visit waiting for its risk note (a new one, or a planned one reported)."""
    data = ctx.state.data
    if "visit_id" in data:
        found = _planned_visit(ctx)
        if found is not None and note:
            _report(ctx, *found, data.get("notes", ""), risk_note=note)
        elif found is not None:
            ctx.reply(visit_risk.question(ctx, found[1], found[0].visit_date))
        return
    accounts = _accounts_being_logged(ctx)
    if accounts is None:
        return
    day = date.fromisoformat(data["visit_date"])
    if not note:
        risky = next((each for each in accounts if visit_risk.must_ask(ctx, each, day)), accounts[0])
        ctx.reply(visit_risk.question(ctx, risky, day))
        return
    _record(ctx, accounts, day, data.get("notes", ""), risk_note=note)


def cancel_planned(ctx: Context) -> None:
    found = _planned_visit(ctx)
    if found is None:
        return
    visit, account = found
    conversations.clear(ctx.state, now=ctx.now)
    visit.status = "cancelled"
    ctx.session.add(visit)
    ctx.reply(Message(text=t("visit_cancelled", ctx.lang, account=account.name,
                             date=format_date(visit.visit_date, ctx.lang)), quick_replies=visit_buttons(ctx.lang)))


ACTIONS = {
    "visit": Action(start, "staff"),
    "visit.account": Action(on_account, "staff"),
    "visit.date": Action(on_date, "staff"),
    "visit.time": Action(on_time, "staff"),
    "visit.mode": Action(on_mode, "staff"),
    "visit.purpose": Action(on_purpose, "staff"),
    "visit.save": Action(save, "staff"),
    "visit.report": Action(ask_result, "staff"),
    "visit.result": Action(on_result, "staff"),
    "visit.cancel": Action(cancel_planned, "staff"),
    "visit.norisk": Action(on_no_risk, "staff"),
}

STEPS = {
    (FLOW, "account"): Action(on_account_text, "staff"),
    (FLOW, "date"): Action(on_date, "staff"),
    (FLOW, "mode"): Action(on_mode, "staff"),
    (FLOW, "purpose"): Action(on_purpose, "staff"),
    (FLOW, "notes"): Action(save, "staff"),
    (FLOW, "result"): Action(on_result, "staff"),
    (FLOW, "risk"): Action(on_risk_note, "staff"),
}

STEP_OF_ACTION = {"visit.account": "account", "visit.date": "date", "visit.time": "mode", "visit.mode": "mode",
                  "visit.purpose": "purpose", "visit.save": "notes", "visit.result": "result",
                  "visit.norisk": "risk"}
