"""What the quarterly and monthly reports read: one query per table, plain rows out."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session, col, or_, select

from storage.models import Account, Rating, Ticket


@dataclass
class ReportData:
    accounts: dict[int, Account]
    tickets: list[Ticket]  # outages, complaints and relayed messages created in the period, services of the period
    ratings: list[Rating]  # given in the period
    rated_tickets: dict[int, Ticket] = field(default_factory=dict)  # tickets the ratings are about
    # Visit quota progress (handlers.rules.quotas.Progress) in the period and from the quarter's start.
    progress_in_period: list = field(default_factory=list)
    progress_to_date: list = field(default_factory=list)
    # Done visits of the period recorded late (handlers.rules.visit_timing.late_visits), issue 17.
    late_visits: list = field(default_factory=list)
    # Urgent reports (CRM-KAM-003) made in the period (handlers.reporting.urgent.UrgentRecord), issue 17.
    urgent_reports: list = field(default_factory=list)
    # The key account plan's activities (handlers.rules.account_plan.Assessed) and their accounts' KAMRs.
    plan: list = field(default_factory=list)
    plan_kamrs: dict = field(default_factory=dict)
    # Risk-group accounts (ids) and the period's done visits to them, (visit, account), issue 17.
    risk_accounts: set = field(default_factory=set)
    risk_visits: list = field(default_factory=list)
    # Outage tickets that started in the period (handlers.reporting.reliability.OutageRecord), issue 16.
    outages: list = field(default_factory=list)


def load_report_data(session: Session, *, start: date, end: date, start_utc: datetime,
                     end_utc: datetime) -> ReportData:
    """Tickets and ratings of [start, end] (Bangkok dates; start_utc, end_utc the same days' bounds)."""
    accounts = {a.id: a for a in session.exec(select(Account))}
    created_in_period = (Ticket.created_at >= start_utc) & (Ticket.created_at < end_utc)
    services_of_period = (Ticket.kind == "service") & or_(
        (Ticket.scheduled_date >= start) & (Ticket.scheduled_date <= end),
        col(Ticket.scheduled_date).is_(None) & created_in_period)
    tickets = list(session.exec(select(Ticket).where(
        or_(col(Ticket.kind).in_(("outage", "complaint", "message")) & created_in_period, services_of_period))
        .order_by(Ticket.id)))
    ratings = list(session.exec(select(Rating).where(Rating.at >= start_utc, Rating.at < end_utc)
                                .order_by(Rating.at, Rating.id)))
    ticket_ids = {r.subject_id for r in ratings if r.subject_kind in ("ticket", "service")}
    rated = {t.id: t for t in session.exec(select(Ticket).where(col(Ticket.id).in_(ticket_ids)))} if ticket_ids else {}
    return ReportData(accounts, tickets, ratings, rated)
