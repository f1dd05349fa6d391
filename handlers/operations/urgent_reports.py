"""Urgent reports to the decision maker (form CRM-KAM-003: issue, risk, response follow-up; domain.md
"Complaints"), from an open ticket, a visit or an account, each with a follow-up date.

A risk seen on a visit (an SPP competitor courting the customer, planned self-generation) needs no ticket:
the KAMR reports it on the account or the visit. Every report names the decision maker
(handlers/rules/roles.py DECISION_MAKER) and a follow-up date ``[urgent] follow_up_working_days`` working
days ahead; jobs/urgent_followups.py reminds both on that day. The ticket dialog (handlers/urgent.py)
keeps its own card and records its report here too, so all of them reach the report and the export.
"""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.postback import build
from handlers.rules import roles
from handlers.rules.workdays import calendar_from_config
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from storage import urgent_reports
from storage.models import Account, Site, Staff, Ticket, UrgentReport, Visit


def follow_up_date(config, now: datetime) -> date:
    """The follow-up day: [urgent] follow_up_working_days working days after today (Bangkok)."""
    return calendar_from_config(config).add_working_days(bangkok_today(now), config.urgent.follow_up_working_days).due


ISSUE_CHARS = 200


def ticket_issue(session: Session, ticket: Ticket, lang: str) -> str:
    """What a ticket's report is about, in `lang`: the symptom and site, or the topic and what was said."""
    if ticket.kind == "outage":
        site = session.get(Site, ticket.site_id) if ticket.site_id else None
        text = f"{t(f'symptom_{ticket.category}', lang)} – {site.name if site else '-'}"
    else:
        text = f"{t(f'topic_{ticket.category}', lang)}: {ticket.description}"
    return text if len(text) <= ISSUE_CHARS else text[: ISSUE_CHARS - 1] + "…"


def _issue_for(session: Session, report: UrgentReport, lang: str) -> str:
    """A ticket's issue in the reader's language (the stored one is the form's Thai); a typed issue as typed."""
    ticket = session.get(Ticket, report.ticket_id) if report.ticket_id else None
    return ticket_issue(session, ticket, lang) if ticket is not None else report.issue


def record(session: Session, config, *, now: datetime, reporter: Staff, decision_maker: Staff | None,
           account: Account, issue: str, risk: str, ticket: Ticket | None = None,
           visit: Visit | None = None) -> UrgentReport:
    return urgent_reports.add(session, UrgentReport(
        account_id=account.id, ticket_id=ticket.id if ticket else None, visit_id=visit.id if visit else None,
        reported_by_id=reporter.id, decision_maker_id=decision_maker.id if decision_maker else None,
        issue=issue, risk=risk, follow_up_date=follow_up_date(config, now), created_at=now))


def source_text(report: UrgentReport, session: Session, lang: str) -> str:
    """What the report was made on: the ticket number, the visit's date, or the account alone."""
    if report.ticket_id:
        ticket = session.get(Ticket, report.ticket_id)
        return ticket.number if ticket else "-"
    if report.visit_id:
        visit = session.get(Visit, report.visit_id)
        return t("urgent_source_visit", lang, date=format_date(visit.visit_date, lang)) if visit else "-"
    return t("urgent_source_account", lang)


def instruct_button(report: UrgentReport, lang: str) -> Button:
    """The decision maker's button: the ticket dialog's for a ticket's report (kept for old cards)."""
    label = t("btn_urgent_followup", lang)
    data = (build("urgent.followup", t=report.ticket_id) if report.ticket_id
            else build("urgentacc.instruct", u=report.id))
    return Button(label, data=data, display=label)


def card(session: Session, report: UrgentReport, lang: str) -> Card:
    account = session.get(Account, report.account_id)
    reporter = session.get(Staff, report.reported_by_id)
    lines = (t("card_account", lang, account=f"{account.name} ({account.account_code})"),
             t("urgent_on", lang, source=source_text(report, session, lang)),
             t("urgent_issue", lang, issue=_issue_for(session, report, lang)),
             t("urgent_risk", lang, risk=report.risk),
             t("urgent_reporter", lang, staff=reporter.name if reporter else "-"),
             t("urgent_follow_up", lang, date=format_date(report.follow_up_date, lang)))
    return Card(title=t("urgent_account_card_title", lang, account=account.account_code), lines=lines,
                buttons=(instruct_button(report, lang),))


def report_on_account(session: Session, config, *, now: datetime, actor: Staff, notifier: Notifier,
                      account: Account, issue: str, risk: str, visit: Visit | None = None) -> UrgentReport | None:
    """Record and send an urgent report on an account (or one of its visits); None when no decision maker
    can be reached, and then nothing is recorded (the reporter is told to phone)."""
    manager = roles.person_for(session, actor, roles.DECISION_MAKER)
    if manager is None or not notifier.reachable(manager):
        return None
    report = record(session, config, now=now, reporter=actor, decision_maker=manager, account=account,
                    issue=issue, risk=risk, visit=visit)
    notifier.push(manager, [Message(card=card(session, report, manager.language))])
    return report


def note_instruction(session: Session, report: UrgentReport, *, now: datetime) -> None:
    report.instructions += 1
    report.instructed_at = now
    session.add(report)
