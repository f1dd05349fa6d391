"""Visit reminders: the weekly quota digest, the daily 'log your visit result', one rating reminder.

Every person gets at most one push per job run; nothing is sent on a non-working day. The staff
digests are claimed in ``notification`` per person and Bangkok day (subject 0: the whole digest),
so a rerun or a second scheduler sends nothing new; a visit's rating reminder is claimed on the
visit row. People not on LINE are skipped without claiming. Each job claims and looks up in a
fixed number of statements, whatever the number of people or visits.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Config
from handlers.rules import quotas
from handlers.notify import Notifier
from handlers.labels import fitted
from handlers.messages import Button, Card, Message
from handlers.postback import build
from handlers.quarter import quarter_label, working_days_left, year_lines
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from handlers.operations.visits import ask_contacts_to_rate, rate_request
from handlers.rules import rating_hours
from handlers.rules.workdays import calendar_from_config
from storage import notifications, ratings, roster, visits
from storage.models import Account, Staff, Visit

log = logging.getLogger(__name__)

KIND_QUOTA = "quota_digest"
KIND_REPORT = "visit_report_due"
WHOLE_DIGEST = 0
MAX_NAMES = 8
MAX_LINES = 10
MAX_BUTTONS = 4
MAX_RATING_REMINDERS = 5


def _claim_digests(session: Session, kind: str, people: list[Staff], today, now: datetime) -> set[int]:
    """The ids of those among `people` whose digest nobody claimed today yet, in one statement."""
    claimed = notifications.claim_many(session, [(kind, person.id, WHOLE_DIGEST) for person in people],
                                       day=today, now=now)
    return {recipient_id for _, recipient_id, _ in claimed}


def quota_card(progress: quotas.Progress, days_left: int, lang: str) -> Card:
    q = progress.quarter
    lines = [t("quota_done", lang, done=progress.done, target=progress.target), *year_lines(progress, lang)]
    if progress.met:
        lines.append(t("quota_met", lang))
    lines.append(t("quota_days_left", lang, days=days_left, end=format_date(q.end, lang)))
    if progress.unvisited and not progress.met:
        names = ", ".join(a.name for a in progress.unvisited[:MAX_NAMES])
        more = len(progress.unvisited) - MAX_NAMES
        lines.append(t("quota_unvisited", lang, accounts=names) + (t("quota_more", lang, count=more) if more > 0 else ""))
    label = t("btn_log_visit", lang)
    return Card(title=t("quota_digest_title", lang, quarter=quarter_label(q, lang)), lines=tuple(lines),
                buttons=(Button(label, data=build("visit"), display=label),))


def send_quota_digests(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Weekly: each person with a quota hears done / target, working days left and who is not visited yet."""
    calendar = calendar_from_config(config)
    today = bangkok_today(now)
    if not calendar.is_working_day(today):
        return 0
    q = quotas.quarter_of(config.quotas, today)
    days_left = working_days_left(calendar, today, q)
    on_line = [progress for progress in quotas.progress(session, config.quotas, q) if notifier.reachable(progress.staff)]
    claimed = _claim_digests(session, KIND_QUOTA, [progress.staff for progress in on_line], today, now)
    pushes = 0
    for progress in on_line:
        person = progress.staff
        if person.id in claimed:
            notifier.push(person, [Message(card=quota_card(progress, days_left, person.language))], priority="routine")
            pushes += 1
    return pushes


def send_visit_report_reminders(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Daily: whoever has planned visits past their day without a result hears of them (due 7 days after)."""
    calendar = calendar_from_config(config)
    today = bangkok_today(now)
    if not calendar.is_working_day(today):
        return 0
    within = timedelta(days=config.quotas.report_within_days)
    by_person: dict[int, list] = defaultdict(list)
    people: dict[int, Staff] = {}
    for visit, account, staff in visits.unreported(session, before=today):
        by_person[staff.id].append((visit, account))
        people[staff.id] = staff
    recipients = [people[staff_id] for staff_id in sorted(by_person)
                  if people[staff_id].active and notifier.reachable(people[staff_id])]
    claimed = _claim_digests(session, KIND_REPORT, recipients, today, now)
    pushes = 0
    for person in recipients:
        if person.id not in claimed:
            continue
        items = by_person[person.id]
        lang = person.language
        lines = []
        for visit, account in items[:MAX_LINES]:
            deadline = visit.visit_date + within
            key = "report_overdue_line" if deadline < today else "report_due_line"
            lines.append(t(key, lang, account=account.name, date=format_date(visit.visit_date, lang),
                           deadline=format_date(deadline, lang)))
        buttons = tuple(Button(fitted("btn_log_result", lang, "account", account=account.name),
                               data=build("visit.report", v=visit.id),
                               display=t("btn_log_result", lang, account=account.name))
                        for visit, account in items[:MAX_BUTTONS])
        notifier.push(person, [Message(card=Card(title=t("report_due_title", lang, count=len(items)), lines=tuple(lines),
                                                  buttons=buttons))], priority="routine")
        pushes += 1
    return pushes


def send_rating_reminders(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Contacts who have not rated a visit get one reminder, a few days after being asked."""
    if not calendar_from_config(config).is_working_day(bangkok_today(now)):
        return 0
    asked_before = now - timedelta(days=config.reminders.visit_rating_reminder_days)
    awaiting = visits.awaiting_rating_reminder(session, asked_before=asked_before)
    claimed = visits.claim_rating_reminders(session, [visit.id for visit, _, _ in awaiting], now=now)
    awaiting = [(visit, account, staff) for visit, account, staff in awaiting if visit.id in claimed]
    rated = ratings.contacts_who_rated(session, subject_kind="visit", subject_ids=[visit.id for visit, _, _ in awaiting])
    contacts_of = roster.contacts_of_accounts(session, sorted({account.id for _, account, _ in awaiting}))
    per_contact: dict[int, list[Message]] = defaultdict(list)
    contacts = {}
    for visit, account, staff in awaiting:
        for contact in contacts_of[account.id]:
            met = visit.met_contact_ids is None or contact.id in visit.met_contact_ids  # only those met were asked
            if met and notifier.reachable(contact) and contact.id not in rated[visit.id]:
                contacts[contact.id] = contact
                per_contact[contact.id].append(rate_request(visit, account, staff, contact.language, reminder=True))
    for contact_id, messages in per_contact.items():
        # One push a contact, the oldest visits first: a reminder, not a backlog.
        notifier.push(contacts[contact_id], messages[:MAX_RATING_REMINDERS], priority="routine")
    return len(per_contact)


def send_daily_visit_reminders(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    return send_visit_report_reminders(session, now=now, config=config, notifier=notifier) + send_rating_reminders(
        session, now=now, config=config, notifier=notifier) + send_deferred_rating_requests(
        session, now=now, config=config, notifier=notifier)  # a catch-up, should the window's own run have missed


DEFERRED_FOR_DAYS = 3  # a rating request that waited longer than this is not sent any more


def send_deferred_rating_requests(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Visits logged outside the daytime window (handlers/rules/rating_hours.py) get their rating request now,
    once the window is open; returns how many contacts were asked."""
    if not rating_hours.in_window(now, config.reminders):
        return 0
    claimed = visits.claim_deferred_rating_requests(session, reported_since=now - timedelta(days=DEFERRED_FOR_DAYS),
                                                    now=now)
    asked = 0
    for visit_id in claimed:
        visit = session.get(Visit, visit_id)
        visit.rating_asked_at = None  # claimed; ask_contacts_to_rate stamps it again as it asks
        asked += ask_contacts_to_rate(session, visit, session.get(Account, visit.account_id), now=now,
                                      notifier=notifier)
    return asked
