"""Reviews that happen by themselves (001 flow chart step 6: "กฟฟ. ทุกเดือน ฝวธ./ฝบว. ทุกไตรมาส (1 เดือนหลัง
สิ้นไตรมาส)"; domain.md "Visits and quotas"; issue 17).

* Monthly, on the ``[reviews] office_working_day``-th working day: each office's senior KAMRs and department
  heads (handlers/rules/roles.py OFFICE_REVIEW_ROLES) get last month's summary of their office.
* Quarterly, on the first working day ``zone_days_after_quarter`` days after a quarter ends: the zone
  directors and zone KAMRs (ZONE_REVIEW_ROLES) get the quarter's summary, office by office. The roster
  has no zones yet, so "the zone" is every office the bot serves.

Each card carries the figures of the report's tiles (divided by what was due) and the command to the
full report. Each person gets each review once (storage/notifications.py claims it per day).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlmodel import Session, select

from handlers.messages import Card, Message
from handlers.notify import Notifier
from handlers.reporting.build import Report, build_report, load
from handlers.reporting.period import Period, parse_period
from handlers.reporting.tables import ALL_OFFICES
from handlers.rules import quotas, roles
from handlers.rules.workdays import calendar_from_config
from handlers.texts import t
from handlers.thai_dates import bangkok_today
from storage import notifications
from storage.models import Account, Staff

KIND_OFFICE, KIND_ZONE = "office_review", "zone_review"
MAX_OFFICE_LINES = 12  # a card stays readable on a phone; the full report has every office


def office_review_day(config, month_start: date) -> date:
    """The office_working_day-th working day of the month that starts on month_start."""
    calendar = calendar_from_config(config)
    day = calendar.next_working_day(month_start, include_today=True)
    for _ in range(config.reviews.office_working_day - 1):
        day = calendar.next_working_day(day)
    return day


def zone_review_day(config, quarter: quotas.Quarter) -> date:
    """The first working day zone_days_after_quarter days after the quarter ends."""
    return calendar_from_config(config).next_working_day(
        quarter.end + timedelta(days=config.reviews.zone_days_after_quarter), include_today=True)


def _build(session: Session, config, period: Period, now: datetime, office: str | None) -> Report:
    data = load(session, period, config.quotas, now=now)
    return build_report(data, period, config.reports, now=now, office=office, services_config=config.services,
                          first_answer=config.first_answer, calendar=calendar_from_config(config))


def _pct(value) -> str:
    return "–" if value is None else f"{value:g}%"


def _last(report: Report, name: str, office: str) -> dict:
    return next((r for r in reversed(report.table(name).records()) if r["office"] == office), {})


def _figures(report: Report, office: str) -> dict:
    """The tiles' figures for one office (or ALL_OFFICES) of a built report."""
    visits = next((r for r in report.table("visits").records() if r["office"] == office and r["name"] == "รวม"), {})
    satisfaction = next((r for r in report.table("satisfaction").records()
                         if r["office"] == office and r["by"] == "all"), {})
    return {"visits": visits, "complaints": _last(report, "complaints", office),
            "services": _last(report, "services", office), "satisfaction": satisfaction}


def summary_lines(report: Report, office: str, settings, lang: str) -> list[str]:
    f = _figures(report, office)
    visits, complaints, services, score = f["visits"], f["complaints"], f["services"], f["satisfaction"]
    urgent = [r for r in report.table("urgent_reports").records() if office == ALL_OFFICES or r["office"] == office]
    late = [r for r in report.table("late_visits").records() if office == ALL_OFFICES or r["office"] == office]
    mean = "–" if score.get("mean") is None else f"{score['mean']:.2f}"
    return [
        t("review_visits", lang, done=visits.get("done_quarter_to_date", 0), target=visits.get("quarter_target", 0),
          pct=_pct(visits.get("quota_pct"))),
        t("review_complaints", lang, count=complaints.get("received", 0), pct=_pct(complaints.get("on_time_pct"))),
        t("review_services", lang, count=services.get("requested", 0), pct=_pct(services.get("delivered_pct"))),
        t("review_satisfaction", lang, mean=mean, count=score.get("ratings", 0),
          target=f"{settings.satisfaction_target:g}"),
        t("review_attention", lang, late=len(late), urgent=len(urgent),
          overdue=sum(r["follow_up_status"] == "overdue" for r in urgent)),
    ]


def _claimed(session: Session, kind: str, people: list[Staff], subject: int, today: date, now: datetime) -> set[int]:
    claimed = notifications.claim_many(session, [(kind, p.id, subject) for p in people], day=today, now=now)
    return {recipient for _, recipient, _ in claimed}


def _offices(session: Session) -> list[str]:
    return sorted(set(session.exec(select(Account.office)).all()))


def send_office_reviews(session: Session, config, *, now: datetime, notifier: Notifier) -> int:
    """Last month's office cards, when today is the month's review day; how many were sent."""
    today = bangkok_today(now)
    if today != office_review_day(config, today.replace(day=1)):
        return 0
    last_month = today.replace(day=1) - timedelta(days=1)
    period = parse_period(f"{last_month:%Y-%m}", config.quotas)
    offices = _offices(session)
    people = roles.reviewers(session, set(offices), roles.OFFICE_REVIEW_ROLES)
    sent = 0
    for office in offices:
        reachable = [p for p in people[office] if notifier.reachable(p)]
        fresh = _claimed(session, KIND_OFFICE, reachable, int(f"{last_month:%Y%m}"), today, now)
        if not fresh:
            continue
        report = _build(session, config, period, now, office)
        for person in (p for p in reachable if p.id in fresh):
            lang = person.language
            lines = [*summary_lines(report, office, config.reports, lang),
                     t("review_command", lang, command=f"kambot report month {period.code} --office {office}")]
            title = t("review_office_title", lang, period=period.title() if lang == "th" else period.code, office=office)
            notifier.push(person, [Message(card=Card(title=title, lines=tuple(lines)))], priority="routine")
            sent += 1
    return sent


def send_zone_reviews(session: Session, config, *, now: datetime, notifier: Notifier) -> int:
    """The last quarter's zone cards, when today is its zone review day; how many were sent."""
    today = bangkok_today(now)
    quarter = quotas.quarter_of(config.quotas, quotas.quarter_of(config.quotas, today).start - timedelta(days=1))
    if today != zone_review_day(config, quarter):
        return 0
    offices = _offices(session)
    holders = roles.reviewers(session, set(session.exec(select(Staff.office).distinct()).all()),
                              roles.ZONE_REVIEW_ROLES)
    reachable = [p for people in holders.values() for p in people if notifier.reachable(p)]
    fresh = _claimed(session, KIND_ZONE, reachable, quarter.year * 10 + quarter.number, today, now)
    if not fresh:
        return 0
    period = parse_period(quarter.label, config.quotas)
    report = _build(session, config, period, now, None)
    sent = 0
    for person in (p for p in reachable if p.id in fresh):
        lang = person.language
        per_office = []
        for office in offices[:MAX_OFFICE_LINES]:
            f = _figures(report, office)
            mean = f["satisfaction"].get("mean")
            per_office.append(t("review_office_line", lang, office=office, visits=_pct(f["visits"].get("quota_pct")),
                                complaints=_pct(f["complaints"].get("on_time_pct")),
                                mean="–" if mean is None else f"{mean:.2f}"))
        total = ALL_OFFICES if len(offices) > 1 else offices[0] if offices else ALL_OFFICES
        lines = [*per_office, *summary_lines(report, total, config.reports, lang),
                 t("review_command", lang, command=f"kambot report quarter {quarter.label}")]
        title = t("review_zone_title", lang, period=period.title() if lang == "th" else quarter.label)
        notifier.push(person, [Message(card=Card(title=title, lines=tuple(lines)))], priority="routine")
        sent += 1
    return sent
