"""Visits: logged done (the account's contacts are asked to rate it) or planned, and a plan reported later.

Remote modes (phone, LINE, video) count as visits."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlmodel import Session

from bot.config import QuotasConfig, RemindersConfig
from handlers.messages import Button, Card, Message
from handlers.notify import Notifier
from handlers.operations.ratings import score_buttons
from handlers.postback import build
from handlers.rules import quotas, rating_hours, roles, visit_timing
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from storage import roster, visits
from storage.models import Account, Contact, Staff, Visit


@dataclass(frozen=True)
class Party:
    """Who else a visit involved: more accounts on the same call, a representative who made it for the
    logger (one of the staff, or a typed name), and the contacts met (None: not asked, all contacts)."""

    accounts: tuple[Account, ...] = ()
    representative: Staff | None = None
    representative_name: str = ""
    met_contact_ids: tuple[int, ...] | None = None

    @property
    def by_representative(self) -> bool:
        return self.representative is not None or bool(self.representative_name)


def log_visit(session: Session, *, now: datetime, actor: Staff, channel: str, notifier: Notifier, account: Account,
              day: date, mode: str, purpose: str, notes: str, rules: QuotasConfig | None = None,
              hours: RemindersConfig | None = None, party: Party = Party(), risk_note: str = "",
              planned_at: datetime | None = None) -> tuple[Visit, int]:
    """A visit by `actor`: done when the day has come (the account's contacts are then asked to rate it;
    how many were asked is returned), else planned. Given `rules`, a late record for a closed quarter
    waits for the supervisor's approval (hold_if_late); given `hours`, the rating request waits for the
    daytime window (handlers/rules/rating_hours.py). With `party.accounts` it is one row per account
    sharing joint_id (the first, returned, row's id); by a representative, on_behalf_of_id is `actor`.
    `risk_note`: see handlers/rules/risk_note.py. `planned_at` (UTC) is a plan's time, when given."""
    done = day <= bangkok_today(now)
    representative = party.representative
    rows: list[tuple[Visit, Account]] = []
    for each in {a.id: a for a in (account, *party.accounts)}.values():  # an account named twice is visited once
        met = None if party.met_contact_ids is None else [
            c.id for c in roster.contacts_of(session, each.id) if c.id in party.met_contact_ids]
        visit = visits.add(session, Visit(
            account_id=each.id, staff_id=representative.id if representative else actor.id, visit_date=day, mode=mode,
            purpose=purpose, notes=notes, status="done" if done else "planned", channel=channel, created_at=now,
            reported_at=now if done else None, on_behalf_of_id=actor.id if party.by_representative else None,
            representative_name="" if representative else party.representative_name[:100], met_contact_ids=met,
            joint_id=rows[0][0].id if rows else None, risk_note=risk_note if done else "",
            planned_at=None if done else planned_at))
        rows.append((visit, each))
    if len(rows) > 1:
        rows[0][0].joint_id = rows[0][0].id
        session.add(rows[0][0])
    asked = 0
    for visit, each in rows:
        if done and rules is not None:
            hold_if_late(session, visit, each, now=now, rules=rules, notifier=notifier)
        if done:
            asked += ask_contacts_to_rate(session, visit, each, now=now, notifier=notifier, hours=hours)
    return rows[0][0], asked


def report_planned(session: Session, visit: Visit, account: Account, *, now: datetime, notifier: Notifier,
                   notes: str, rules: QuotasConfig | None = None, hours: RemindersConfig | None = None,
                   met_contact_ids: tuple[int, ...] | None = None, risk_note: str = "") -> int | None:
    """A planned visit took place: done, and its contacts (those met, when picked) asked to rate it (how
    many is returned); None when it was reported or cancelled already."""
    met = None if met_contact_ids is None else [
        c.id for c in roster.contacts_of(session, visit.account_id) if c.id in met_contact_ids]
    if not visits.mark_done(session, visit, now=now, notes=notes or visit.notes, met_contact_ids=met):
        return None
    visit.risk_note = risk_note or visit.risk_note
    session.add(visit)
    if rules is not None:
        hold_if_late(session, visit, account, now=now, rules=rules, notifier=notifier)
    return ask_contacts_to_rate(session, visit, account, now=now, notifier=notifier, hours=hours)


# --- the 7-day rule (001 flow chart step 5; handlers/rules/visit_timing.py) -----------------------


def recorded_by(session: Session, visit: Visit) -> Staff:
    """Who recorded the visit: the person a representative made it for, else the visitor. Their supervisor
    approves it when late, so a manager's late record never goes to a representative's own supervisor."""
    return session.get(Staff, visit.on_behalf_of_id or visit.staff_id)


@dataclass(frozen=True)
class LateHold:
    """A late visit for a closed quarter, kept but not counted until `supervisor` approves."""

    quarter: quotas.Quarter
    supervisor: Staff | None  # None: nobody named in the roster


def late_hold(session: Session, visit: Visit, rules: QuotasConfig) -> LateHold | None:
    if visit.late_approval != visit_timing.PENDING:
        return None
    reporter = recorded_by(session, visit)
    return LateHold(quotas.quarter_of(rules, visit.visit_date),
                    roles.person_for(session, reporter, (roles.NAMED_SUPERVISOR,)))


def hold_if_late(session: Session, visit: Visit, account: Account, *, now: datetime, rules: QuotasConfig,
                 notifier: Notifier) -> LateHold | None:
    """Recorded late for a closed quarter: pending, and the reporter's supervisor gets the approval card."""
    if not visit_timing.needs_approval(rules, visit.visit_date, visit.reported_at or now):
        return None
    visit.late_approval = visit_timing.PENDING
    session.add(visit)
    hold = late_hold(session, visit, rules)
    if hold.supervisor is not None and notifier.reachable(hold.supervisor):
        notifier.push(hold.supervisor, [approval_request(session, visit, account, rules, hold.supervisor.language)])
    return hold


def approval_request(session: Session, visit: Visit, account: Account, rules: QuotasConfig, lang: str) -> Message:
    reporter = recorded_by(session, visit)
    q = quotas.quarter_of(rules, visit.visit_date)
    line = t("late_approval_line", lang, staff=reporter.name, account=account.name, mode=t(f"mode_{visit.mode}", lang),
             date=format_date(visit.visit_date, lang), reported=format_date(visit.reported_at, lang),
             late=visit_timing.days_late(rules, visit.visit_date, visit.reported_at), quarter=q.label)
    approve, refuse = t("btn_late_approve", lang), t("btn_late_refuse", lang)
    return Message(card=Card(title=t("late_approval_title", lang), lines=(line,), buttons=(
        Button(approve, data=build("latevisit.decide", v=visit.id, d="y"), display=approve),
        Button(refuse, data=build("latevisit.decide", v=visit.id, d="n"), display=refuse))))


def decide_late(session: Session, visit: Visit, *, now: datetime, actor: Staff, approve: bool, rules: QuotasConfig,
                notifier: Notifier) -> str:
    """The supervisor's decision on a pending late visit: 'decided', 'already' or 'not_yours'."""
    hold = late_hold(session, visit, rules)
    if hold is None:
        return "already"
    if hold.supervisor is None or hold.supervisor.id != actor.id:
        return "not_yours"
    visit.late_approval = visit_timing.APPROVED if approve else visit_timing.REFUSED
    visit.late_decided_by, visit.late_decided_at = actor.id, now
    session.add(visit)
    reporter, account = recorded_by(session, visit), session.get(Account, visit.account_id)
    if reporter is not None and notifier.reachable(reporter):
        lang = reporter.language
        decision = t("late_decision_approved" if approve else "late_decision_refused", lang)
        notifier.push(reporter, [Message(text=t("late_decided_to_reporter", lang, supervisor=actor.name,
                                                decision=decision, account=account.name,
                                                date=format_date(visit.visit_date, lang)))])
    return "decided"


def ask_contacts_to_rate(session: Session, visit: Visit, account: Account, *, now: datetime, notifier: Notifier,
                         hours: RemindersConfig | None = None) -> int:
    """Every contact met (met_contacts) the notifier reaches is asked once; returns how many were asked.

    Outside the daytime window (given `hours`) nobody is asked yet: the visit waits, rating_asked_at unset, for
    jobs/visit_reminders.send_deferred_rating_requests. A second visit to the account on the same day asks
    nobody: its contacts were asked about the first."""
    if hours is not None and not rating_hours.in_window(now, hours):
        return 0
    visit.rating_asked_at = now
    session.add(visit)
    if visits.another_asked_on_day(session, visit):
        return 0
    staff = session.get(Staff, visit.staff_id)
    contacts = [c for c in met_contacts(session, visit) if notifier.reachable(c)]
    for contact in contacts:
        notifier.push(contact, [rate_request(visit, account, staff, contact.language)], priority="routine")
    return len(contacts)


def met_contacts(session: Session, visit: Visit) -> list[Contact]:
    """Who is asked to rate the visit: the contacts the visitor met, or every contact when nobody picked."""
    contacts = roster.contacts_of(session, visit.account_id)
    return [c for c in contacts if was_met(visit, c.id)]


def contacts_named(contacts: list[Contact], answer: str) -> tuple[tuple[int, ...], list[str]]:
    """The contacts a written answer names ("สมหญิง รักงาน, 081-234 5678": names or phones, separated by
    commas, semicolons or lines), and the names that match nobody, as written."""
    def plain(text: str) -> str:
        return " ".join(text.split()).removeprefix("คุณ").strip().casefold()

    def digits(text: str) -> str:
        return re.sub(r"\D", "", text)

    found: list[int] = []
    unknown: list[str] = []
    for named in (part.strip() for part in re.split(r"[,;\n]+", answer)):
        if not named:
            continue
        matches = [c.id for c in contacts
                   if plain(named) in {plain(c.name or ""), plain(c.display_name or "")} - {""}
                   or (len(digits(named)) >= 9 and digits(named) == digits(c.phone or ""))]
        if matches:
            found += [contact_id for contact_id in matches if contact_id not in found]
        else:
            unknown.append(named)
    return tuple(found), unknown


def was_met(visit: Visit, contact_id: int) -> bool:
    """Whether this contact may rate the visit: one of those met, or anyone of the account when nobody picked."""
    return visit.met_contact_ids is None or contact_id in visit.met_contact_ids


def rating_deferred(visit: Visit) -> bool:
    """Done, but its rating request waits for the daytime window."""
    return visit.status == "done" and visit.rating_asked_at is None


def rate_request(visit: Visit, account: Account, staff: Staff, lang: str, *, reminder: bool = False) -> Message:
    text = t("visit_rate_request", lang, staff=visit.representative_name or staff.name, account=account.name, mode=t(f"mode_{visit.mode}", lang),
             date=format_date(visit.visit_date, lang))
    if reminder:
        text = t("visit_rate_reminder", lang) + text
    return Message(text=text, quick_replies=score_buttons("visit", visit.id))
