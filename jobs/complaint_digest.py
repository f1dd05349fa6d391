"""Each working morning, one digest per person of unanswered complaints that are due soon or late.

Reminders cost money (design.md): every person gets at most one push per run. A KAMR hears of
their complaints due within 2 working days, due today or overdue; the KAMR's supervisor (else
their backup) hears of the overdue ones. Each item is claimed in ``notification`` once per
person and Bangkok day, so a rerun or a second scheduler sends nothing new. People not on LINE
are skipped without claiming, so they get the digest once they link.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from bot.config import Config
from handlers.notify import Notifier
from handlers.messages import Button, Card, Message
from handlers.postback import build
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from handlers.rules import roles
from handlers.rules.statuses import UNANSWERED_STATUSES
from handlers.rules.workdays import WorkCalendar, calendar_from_config
from storage import notifications
from storage.models import Account, Staff, Ticket

log = logging.getLogger(__name__)

SOON_WORKING_DAYS = 2
MAX_LINES = 15
MAX_BUTTONS = 4
KIND_DIGEST = "complaint_digest"
KIND_OVERDUE = "complaint_overdue"


@dataclass(frozen=True)
class Item:
    ticket: Ticket
    account: Account
    kamr: Staff
    overdue_days: int  # working days past due; 0 due today; -1 due soon

    @property
    def sort_key(self):
        return (-self.overdue_days, self.ticket.due_date, self.ticket.id)


def _item(calendar: WorkCalendar, today: date, ticket: Ticket, account: Account, kamr: Staff) -> Item | None:
    due = ticket.due_date
    if due == today:
        return Item(ticket, account, kamr, 0)
    if due < today:
        return Item(ticket, account, kamr, max(1, calendar.working_days_between(due, today)))
    if calendar.working_days_between(today, due) <= SOON_WORKING_DAYS:
        return Item(ticket, account, kamr, -1)
    return None


def _label(item: Item, lang: str) -> str:
    if item.overdue_days > 0:
        return t("digest_overdue", lang, days=item.overdue_days)
    return t("digest_today" if item.overdue_days == 0 else "digest_soon", lang)


def _card(items: list[Item], lang: str, *, supervisor: bool) -> Card:
    items = sorted(items, key=lambda i: i.sort_key)
    lines = []
    for item in items[:MAX_LINES]:
        values = dict(number=item.ticket.number, account=item.account.name, label=_label(item, lang),
                      due=format_date(item.ticket.due_date, lang))
        if supervisor:
            lines.append(t("digest_overdue_line", lang, kamr=item.kamr.name, **values))
        else:
            lines.append(t("digest_line", lang, **values))
    if len(items) > MAX_LINES:
        lines.append(t("digest_more", lang, count=len(items) - MAX_LINES))
    buttons = []
    for item in items[:MAX_BUTTONS]:
        label = t("btn_view_complaint", lang, number=item.ticket.number)
        buttons.append(Button(label, data=build("complaint.view", t=item.ticket.id), display=label))
    title = t("digest_overdue_title" if supervisor else "digest_title", lang, count=len(items))
    return Card(title=title, lines=tuple(lines), buttons=tuple(buttons))


def send_complaint_digests(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Returns the number of pushes queued (at most one per person)."""
    calendar = calendar_from_config(config)
    today = bangkok_today(now)
    if not calendar.is_working_day(today):
        return 0

    rows = session.exec(
        select(Ticket, Account, Staff)
        .join(Account, col(Account.id) == Ticket.account_id)
        .join(Staff, col(Staff.id) == Account.kamr_id)
        .where(Ticket.kind == "complaint", col(Ticket.status).in_(UNANSWERED_STATUSES), col(Ticket.due_date).is_not(None))
        .order_by(Ticket.due_date, Ticket.id)
    ).all()
    by_kamr: dict[int, list[Item]] = defaultdict(list)
    by_supervisor: dict[int, list[Item]] = defaultdict(list)
    people: dict[int, Staff] = {}
    items = [item for item in (_item(calendar, today, *row) for row in rows) if item is not None]
    overdue_kamrs = {item.kamr.id: item.kamr for item in items if item.overdue_days > 0}
    supervisors = roles.people_for(session, list(overdue_kamrs.values()), roles.OVERSEER)
    for item in items:
        ticket, kamr = item.ticket, item.kamr
        people[kamr.id] = kamr
        if kamr.active:
            by_kamr[kamr.id].append(item)
        if item.overdue_days > 0:
            supervisor = supervisors[kamr.id]
            if supervisor is None:
                log.warning("complaint %s overdue and %s has no supervisor or backup", ticket.number, kamr.staff_code)
                continue
            people[supervisor.id] = supervisor
            by_supervisor[supervisor.id].append(item)

    recipients = []
    for staff_id in sorted(by_kamr.keys() | by_supervisor.keys()):
        if notifier.reachable(people[staff_id]):
            recipients.append(staff_id)
        else:
            log.info("complaint digest for %s waits: not on LINE", people[staff_id].staff_code)  # unclaimed till they link
    lists = {KIND_DIGEST: by_kamr, KIND_OVERDUE: by_supervisor}
    new = notifications.claim_many(session, [(kind, staff_id, item.ticket.id) for staff_id in recipients
                                             for kind, by_person in lists.items()
                                             for item in by_person.get(staff_id, [])], day=today, now=now)
    pushes = 0
    for staff_id in recipients:
        person = people[staff_id]
        cards = []
        for kind, supervisor in ((KIND_DIGEST, False), (KIND_OVERDUE, True)):
            fresh = [i for i in lists[kind].get(staff_id, []) if (kind, staff_id, i.ticket.id) in new]
            if fresh:
                cards.append(_card(fresh, person.language, supervisor=supervisor))
        if cards:
            notifier.push(person, [Message(card=c) for c in cards], priority="routine")
            pushes += 1
    return pushes
