"""ประวัติไฟดับ (issue 16 item 6): a linked contact sees the outages of their own account's sites over the
last 12 months: how many, for how long in all, the flickers and voltage reports, and the latest few."""
from __future__ import annotations

from datetime import timedelta

from handlers.context import Action, Context
from handlers.menu import buttons_for
from handlers.messages import Button, Message
from handlers.postback import build
from handlers.reporting.reliability import load_records, summarise
from handlers.texts import t
from handlers.thai_dates import format_datetime, format_duration
from storage.models import Account

DAYS = 365
LATEST = 5  # the most recent outages listed by date


def history_button(lang: str) -> Button:
    return Button(t("btn_outage_history", lang), data=build("outagehistory"), display=t("btn_outage_history", lang))


def outage_history(ctx: Context) -> None:
    account = ctx.session.get(Account, ctx.contact.account_id)
    records = load_records(ctx.session, ctx.now - timedelta(days=DAYS), ctx.now + timedelta(minutes=1),
                           account_id=account.id)
    summary = summarise(records)
    if not records:
        ctx.reply(Message(text=t("history_none", ctx.lang, account=account.name), quick_replies=buttons_for(ctx)))
        return
    lines = [t("history_title", ctx.lang, account=account.name),
             t("history_outages", ctx.lang, count=summary.outages, total=format_duration(summary.total_minutes, ctx.lang))]
    if summary.momentary or summary.voltage:
        lines.append(t("history_quality", ctx.lang, momentary=summary.momentary, voltage=summary.voltage))
    lines.append(t("history_latest", ctx.lang))
    lines += [_line(ctx, record) for record in reversed(records[-LATEST:])]
    ctx.reply(Message(text="\n".join(lines), quick_replies=buttons_for(ctx)))


def _line(ctx: Context, record) -> str:
    lang = ctx.lang
    what = (t(f"symptom_{record.symptom}", lang) if not record.interruption else
            format_duration(record.minutes, lang) if record.minutes is not None else t("history_not_restored", lang))
    area = t("history_in_incident", lang, number=record.incident) if record.incident else ""
    return t("history_line", lang, at=format_datetime(record.started_at, lang), site=record.site or "-",
             what=what, area=area)


PREFIXES = ("outagehistory",)  # the action names this module owns
ACTIONS = {"outagehistory": Action(outage_history, "contact")}
