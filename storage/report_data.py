"""What the quarterly and monthly reports read: one query per table, plain rows out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from storage.models import Account, Rating, Staff, Ticket, Visit, VisitTarget


@dataclass
class ReportData:
    staff: dict[int, Staff]
    accounts: dict[int, Account]
    visits: list[Visit]  # done, from the quarter's start to the period's end
    targets: dict[int, int]  # staff_id -> moved target of the quarter
    tickets: list[Ticket]  # outages and complaints created in the period, services of the period
    ratings: list[Rating]  # given in the period
    rated_tickets: dict[int, Ticket] = field(default_factory=dict)  # tickets the ratings are about


def load_report_data(session: Session, *, quarter_start: date, start: date, end: date,
                     start_utc: datetime, end_utc: datetime, year: int, quarter: int) -> ReportData:
    """Everything the report needs for [start, end] (Bangkok dates) and the UTC bounds of the same days."""
    staff = {s.id: s for s in session.exec(select(Staff))}
    accounts = {a.id: a for a in session.exec(select(Account))}
    visits = list(session.exec(select(Visit).where(Visit.status == "done", Visit.visit_date >= quarter_start,
                                                   Visit.visit_date <= end)))
    targets = {t.staff_id: t.target for t in session.exec(
        select(VisitTarget).where(VisitTarget.year == year, VisitTarget.quarter == quarter))}
    created_in_period = (Ticket.created_at >= start_utc) & (Ticket.created_at < end_utc)
    services_of_period = (Ticket.kind == "service") & or_(
        (Ticket.scheduled_date >= start) & (Ticket.scheduled_date <= end),
        col(Ticket.scheduled_date).is_(None) & created_in_period)
    tickets = list(session.exec(select(Ticket).where(
        or_(col(Ticket.kind).in_(("outage", "complaint")) & created_in_period, services_of_period))
        .order_by(Ticket.id)))
    ratings = list(session.exec(select(Rating).where(Rating.at >= start_utc, Rating.at < end_utc)
                                .order_by(Rating.at, Rating.id)))
    ticket_ids = {r.subject_id for r in ratings if r.subject_kind in ("ticket", "service")}
    rated = {t.id: t for t in session.exec(select(Ticket).where(col(Ticket.id).in_(ticket_ids)))} if ticket_ids else {}
    return ReportData(staff, accounts, visits, targets, tickets, ratings, rated)
