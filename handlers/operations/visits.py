"""Visits: logged done (the account's contacts are asked to rate it) or planned, and a plan reported later.

Remote modes (phone, LINE, video) count as visits."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from bot.config import RemindersConfig

from handlers.messages import Message
from handlers.notify import Notifier
from handlers.operations.ratings import score_buttons
from handlers.rules import rating_hours
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from storage import roster, visits
from storage.models import Account, Staff, Visit


def log_visit(session: Session, *, now: datetime, actor: Staff, channel: str, notifier: Notifier, account: Account,
              day: date, mode: str, purpose: str, notes: str, hours: RemindersConfig | None = None) -> tuple[Visit, int]:
    """A visit by `actor`: done when the day has come (the account's contacts are then asked to rate it;
    how many were asked is returned), else planned. Given `hours`, the rating request waits for the
    daytime window (handlers/rules/rating_hours.py)."""
    done = day <= bangkok_today(now)
    visit = visits.add(session, Visit(
        account_id=account.id, staff_id=actor.id, visit_date=day, mode=mode, purpose=purpose, notes=notes,
        status="done" if done else "planned", channel=channel, created_at=now, reported_at=now if done else None,
    ))
    return visit, ask_contacts_to_rate(session, visit, account, now=now, notifier=notifier, hours=hours) if done else 0


def report_planned(session: Session, visit: Visit, account: Account, *, now: datetime, notifier: Notifier,
                   notes: str, hours: RemindersConfig | None = None) -> int | None:
    """A planned visit took place: done, and its contacts asked to rate it (how many is returned);
    None when it was reported or cancelled already."""
    if not visits.mark_done(session, visit, now=now, notes=notes or visit.notes):
        return None
    return ask_contacts_to_rate(session, visit, account, now=now, notifier=notifier, hours=hours)


def ask_contacts_to_rate(session: Session, visit: Visit, account: Account, *, now: datetime, notifier: Notifier,
                         hours: RemindersConfig | None = None) -> int:
    """Every contact of the account the notifier reaches is asked once; returns how many were asked.

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
    contacts = [c for c in roster.contacts_of(session, account.id) if notifier.reachable(c)]
    for contact in contacts:
        notifier.push(contact, [rate_request(visit, account, staff, contact.language)])
    return len(contacts)


def rating_deferred(visit: Visit) -> bool:
    """Done, but its rating request waits for the daytime window."""
    return visit.status == "done" and visit.rating_asked_at is None


def rate_request(visit: Visit, account: Account, staff: Staff, lang: str, *, reminder: bool = False) -> Message:
    text = t("visit_rate_request", lang, staff=staff.name, account=account.name, mode=t(f"mode_{visit.mode}", lang),
             date=format_date(visit.visit_date, lang))
    if reminder:
        text = t("visit_rate_reminder", lang) + text
    return Message(text=text, quick_replies=score_buttons("visit", visit.id))
