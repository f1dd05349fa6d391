"""The CRM-KAM-004 report of one period (quarter or month), for the organisation or one office."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from handlers.rules import account_plan, quotas, risk_note, visit_timing
from bot.config import Config, FirstAnswerConfig, ServicesConfig
from handlers.reporting import first_answers, plan, reliability, risk, satisfaction, services, tickets, urgent, visits, voc
from handlers.reporting.period import Period
from handlers.reporting.tables import Table
from handlers.rules.workdays import WorkCalendar, calendar_from_config
from handlers.thai_dates import bangkok_today
from storage import selection
from storage.models import Staff
from storage.report_data import ReportData, load_report_data


@dataclass
class Report:
    period: Period
    office: str | None
    generated_at: datetime
    tables: list[Table]

    def table(self, name: str) -> Table:
        return next(table for table in self.tables if table.name == name)


def load(session, period: Period, quota_settings, *, now: datetime | None = None) -> ReportData:
    """quota_settings: the [quotas] config section; `now` (default: the period's end) decides which planned
    activities are due."""
    start_utc, end_utc = period.utc_bounds()
    data = load_report_data(session, start=period.start, end=period.end, start_utc=start_utc, end_utc=end_utc)
    data.progress_in_period = quotas.progress(session, quota_settings, period.as_quarter)
    data.progress_to_date = quotas.progress(session, quota_settings, period.quarter_to_date)
    data.late_visits = visit_timing.late_visits(session, quota_settings, period.start, period.end)
    data.urgent_reports = urgent.load_records(session, start_utc, end_utc)
    data.outages = reliability.load_records(session, start_utc, end_utc)
    today = bangkok_today(now) if now is not None else period.end
    data.plan = account_plan.assess(session, quota_settings, period.quarter.year, until=period.end, today=today)
    data.plan_kamrs = {s.id: s for s in (session.get(Staff, i) for i in {a.account.kamr_id for a in data.plan}
                                         if i is not None) if s is not None}
    data.risk_accounts = set(selection.risk_groups_of(session, data.accounts, period.quarter.year))
    data.risk_visits = risk_note.risk_visits(session, quota_settings, period.start, period.end)
    return data


def build_report(data: ReportData, period: Period, settings, *, now: datetime, office: str | None = None,
                 services_config: ServicesConfig | None = None, first_answer: FirstAnswerConfig | None = None,
                 calendar: WorkCalendar | None = None) -> Report:
    """settings: the [reports] config section; services_config: [services] (whose tiers are eligible);
    first_answer and calendar: the first-answer clock ([first_answer], [calendar]). `now` decides which
    unanswered complaints and requests are overdue and whether the service report met its deadline."""
    services_config = services_config or ServicesConfig()
    first_answer = first_answer or FirstAnswerConfig()
    calendar = calendar or calendar_from_config(Config())
    today = bangkok_today(now)
    offices = sorted({a.office for a in data.accounts.values()} if office is None else {office})
    if office is not None:
        data = replace(data, tickets=[t for t in data.tickets if data.accounts[t.account_id].office == office])
    tables = [
        visits.visits_table(data, office),
        services.services_table(data, period, settings, offices, today),
        tickets.complaints_table(data, today, offices),
        tickets.outages_table(data, offices),
        first_answers.first_answers_table(data, first_answer, calendar, offices, now),
        reliability.reliability_table(data.outages, office),
        reliability.by_account_table(data.outages, office),
        reliability.by_site_table(data.outages, office),
        satisfaction.satisfaction_table(data, settings, office),
        satisfaction.anova_table(data, settings, office),
        voc.subjects_table(data, settings, office),
        voc.topics_table(data, office),
        voc.low_comments_table(data, settings, office),
        visits.quota_year_table(data, office),
        visits.late_visits_table(data, office),
        urgent.urgent_table(data.urgent_reports, today, office),
        plan.plan_table(data, office),
        services.service_report_table(period, settings, today),
        services.coverage_table(data, period, services_config, offices),
        risk.risk_table(data, offices),
    ]
    return Report(period, office, now, tables)


def report_tabs(report, *, prefix: str = "") -> dict[str, list[list]]:
    """Each table as a header row and plain rows, keyed by tab name: what a coordinator sheet tab takes."""
    return {f"{prefix}{table.name}": table.as_rows() for table in report.tables}


def only_offices(data: ReportData, offices: set[str]) -> ReportData:
    """The report data of these offices alone (a zone's quarterly review, issue 15)."""
    accounts = {key: account for key, account in data.accounts.items() if account.office in offices}
    return ReportData(accounts, [t for t in data.tickets if t.account_id in accounts],
                      [r for r in data.ratings if r.account_id in accounts],
                      {key: t for key, t in data.rated_tickets.items() if t.account_id in accounts},
                      [p for p in data.progress_in_period if p.staff.office in offices],
                      [p for p in data.progress_to_date if p.staff.office in offices],
                      risk_accounts={i for i in data.risk_accounts if i in accounts},
                      risk_visits=[(v, a) for v, a in data.risk_visits if a.office in offices],
                      outages=[r for r in data.outages if r.office in offices])
