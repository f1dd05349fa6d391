"""Urgent reports to the decision maker (CRM-KAM-003): kept, found for their follow-up day, listed."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Account, Staff, Ticket, UrgentReport


def add(session: Session, report: UrgentReport) -> UrgentReport:
    session.add(report)
    session.flush()
    return report


def latest_for_ticket(session: Session, ticket_id: int) -> UrgentReport | None:
    return session.exec(select(UrgentReport).where(UrgentReport.ticket_id == ticket_id)
                        .order_by(col(UrgentReport.id).desc())).first()


def due_for_reminder(session: Session, *, today: date, limit: int = 500) -> list[UrgentReport]:
    """Reports whose follow-up day has come and that were not reminded yet, oldest first."""
    return list(session.exec(select(UrgentReport).where(col(UrgentReport.reminded_at).is_(None),
                                                        UrgentReport.follow_up_date <= today)
                             .order_by(UrgentReport.follow_up_date, UrgentReport.id).limit(limit)))


def claim_reminder(session: Session, report: UrgentReport, *, now: datetime) -> bool:
    """Mark the reminder sent; False when another run did it first (two schedulers)."""
    claimed = session.execute(update(UrgentReport).where(UrgentReport.id == report.id,
                                                         col(UrgentReport.reminded_at).is_(None))
                              .values(reminded_at=now)).rowcount
    return bool(claimed)


def made_between(session: Session, start_utc: datetime, end_utc: datetime
                 ) -> list[tuple[UrgentReport, Account, Staff, Ticket | None]]:
    """Reports made in [start_utc, end_utc), with account, reporter and ticket, oldest first."""
    rows = session.exec(
        select(UrgentReport, Account, Staff, Ticket)
        .join(Account, col(Account.id) == UrgentReport.account_id)
        .join(Staff, col(Staff.id) == UrgentReport.reported_by_id)
        .outerjoin(Ticket, col(Ticket.id) == UrgentReport.ticket_id)
        .where(UrgentReport.created_at >= start_utc, UrgentReport.created_at < end_utc)
        .order_by(UrgentReport.created_at, UrgentReport.id)).all()
    return [tuple(row) for row in rows]
