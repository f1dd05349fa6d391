"""The follow-up day of urgent reports (CRM-KAM-003 "response follow-up"; issue 17).

Daily at ``[urgent] reminder_time``: every report whose follow-up date has come reminds its decision maker
(the report card again, with [สั่งการ/ติดตาม]) and its reporter (asked to report progress). Each report is
claimed on its row before anything is sent, so a rerun or a second scheduler reminds nobody twice; a
missed day (the bot was down) is caught up on the next run.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Config
from handlers.menu import staff_buttons
from handlers.messages import Card, Message
from handlers.notify import Notifier
from handlers.operations import urgent_reports
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from storage import urgent_reports as stored
from storage.models import Account, Staff, UrgentReport


def _subject(session: Session, report: UrgentReport, lang: str) -> str:
    return urgent_reports.source_text(report, session, lang) if report.ticket_id else \
        session.get(Account, report.account_id).account_code


def _manager_card(session: Session, report: UrgentReport, lang: str) -> Card:
    card = urgent_reports.card(session, report, lang)
    extra = (t("urgent_reported_on", lang, date=format_date(report.created_at, lang)),
             t("urgent_instructions", lang, count=report.instructions))
    return Card(title=t("urgent_remind_manager_title", lang, subject=_subject(session, report, lang)),
                lines=(*card.lines, *extra), buttons=card.buttons)


def send_urgent_followups(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Messages queued: one card to each report's decision maker, one line to its reporter."""
    sent = 0
    for report in stored.due_for_reminder(session, today=bangkok_today(now)):
        if not stored.claim_reminder(session, report, now=now):
            continue
        manager = session.get(Staff, report.decision_maker_id) if report.decision_maker_id else None
        reporter = session.get(Staff, report.reported_by_id)
        if manager is not None and manager.active and notifier.reachable(manager):
            notifier.push(manager, [Message(card=_manager_card(session, report, manager.language))])
            sent += 1
        if reporter is not None and reporter.active and notifier.reachable(reporter):
            account = session.get(Account, report.account_id)
            lang = reporter.language
            notifier.push(reporter, [Message(
                text=t("urgent_remind_kamr", lang, subject=_subject(session, report, lang), account=account.name,
                       manager=manager.name if manager else "-", date=format_date(report.created_at, lang)),
                quick_replies=staff_buttons(lang))])
            sent += 1
    return sent
