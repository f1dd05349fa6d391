"""What is waiting for one staff member, most urgent first (issue 21 item 2): their accounts' open tickets and
those escalated to them, close-outs they may certify, and unacknowledged outages of the people they stand
above (handlers/rules/roles.py). Nothing a person must act on is left out because it is someone else's ticket.

Urgency, in order: an outage nobody has taken (oldest first); anything past its due date (most overdue
first); a close-out waiting for certification; what falls due soonest; the rest, oldest first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session, col, select

from handlers.rules import roles
from handlers.thai_dates import bangkok_today
from storage import tickets
from storage.models import Account, Staff, Ticket

SCAN_LIMIT = 200  # open outages / pending close-outs looked at for people above the KAMR


@dataclass(frozen=True)
class WorkItem:
    ticket: Ticket
    account: Account
    reason: str  # "mine", "certify", "supervised"
    due: date | None  # the complaint's answer date or the service's appointment
    overdue_days: int  # calendar days past `due`, 0 when not overdue

    def urgency(self) -> tuple:
        ticket = self.ticket
        if ticket.kind == "outage" and ticket.status == "open":
            return (0, ticket.created_at.timestamp())
        if self.overdue_days:
            return (1, -self.overdue_days, ticket.id)
        if self.reason == "certify" or ticket.details.get("answer_undelivered"):
            return (2, ticket.id)  # a person is waiting on this one: a certifier's word, or the answer in hand
        if self.due is not None:
            return (3, self.due.toordinal(), ticket.id)
        return (4, ticket.created_at.timestamp())


def _due(ticket: Ticket) -> date | None:
    if ticket.kind == "complaint" and ticket.status in ("open", "acknowledged"):
        return ticket.due_date  # answered: the answer date is met
    if ticket.kind == "service" and ticket.status == "scheduled":
        return ticket.scheduled_date
    return None


def _item(ticket: Ticket, account: Account, reason: str, today: date) -> WorkItem:
    due = _due(ticket)
    overdue = (today - due).days if due is not None and due < today and ticket.kind == "complaint" else 0
    return WorkItem(ticket, account, reason, due, overdue)


def waiting_for(session: Session, staff: Staff, *, now: datetime) -> list[WorkItem]:
    today = bangkok_today(now)
    items = {ticket.id: _item(ticket, account, "mine", today)
             for ticket, account in tickets.open_for_staff(session, staff.id, limit=SCAN_LIMIT)}
    for ticket, account in _pending_certification(session):
        recorder = session.get(Staff, ticket.details.get("on_behalf", {}).get("by") or 0)
        if recorder is not None and roles.may_certify(staff, recorder, account):
            items[ticket.id] = _item(ticket, account, "certify", today)
    for ticket, account in _unacknowledged_outages(session):
        if ticket.id not in items and account.kamr_id != staff.id and _stands_above(session, staff, account):
            items[ticket.id] = _item(ticket, account, "supervised", today)
    return sorted(items.values(), key=WorkItem.urgency)


def _stands_above(session: Session, staff: Staff, account: Account) -> bool:
    """The account's KAMR's named supervisor, backup, or a supervising role of the office."""
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None and staff.staff_code == kamr.supervisor_code:
        return True
    return roles.may_act_for_account(session, staff, account)


def _pending_certification(session: Session) -> list[tuple[Ticket, Account]]:
    return list(session.exec(
        select(Ticket, Account).join(Account, col(Account.id) == Ticket.account_id)
        .where(Ticket.status == "pending_certification").order_by(Ticket.id).limit(SCAN_LIMIT)).all())


def _unacknowledged_outages(session: Session) -> list[tuple[Ticket, Account]]:
    return list(session.exec(
        select(Ticket, Account).join(Account, col(Account.id) == Ticket.account_id)
        .where(Ticket.kind == "outage", Ticket.status == "open")
        .order_by(Ticket.id).limit(SCAN_LIMIT)).all())
