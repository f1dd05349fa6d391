"""Visits: logged done (the account's contacts are asked to rate it) or planned, and a plan reported later.

Remote modes (phone, LINE, video) count as visits."""
from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session

from handlers.messages import Message
from handlers.notify import Notifier
from handlers.operations.ratings import score_buttons
from handlers.texts import t
from handlers.thai_dates import bangkok_today, format_date
from storage import roster, visits
from storage.models import Account, Staff, Visit


def log_visit(session: Session, *, now: datetime, actor: Staff, channel: str, notifier: Notifier, account: Account,
              day: date, mode: str, purpose: str, notes: str) -> tuple[Visit, int]:
    """A visit by `actor`: done when the day has come (the account's contacts are then asked to rate it;
    how many were asked is returned), else planned."""
    done = day <= bangkok_today(now)
    visit = visits.add(session, Visit(
        account_id=account.id, staff_id=actor.id, visit_date=day, mode=mode, purpose=purpose, notes=notes,
        status="done" if done else "planned", channel=channel, created_at=now, reported_at=now if done else None,
    ))
    return visit, ask_contacts_to_rate(session, visit, account, now=now, notifier=notifier) if done else 0


def report_planned(session: Session, visit: Visit, account: Account, *, now: datetime, notifier: Notifier,
                   notes: str) -> int | None:
    """A planned visit took place: done, and its contacts asked to rate it (how many is returned);
    None when it was reported or cancelled already."""
    if not visits.mark_done(session, visit, now=now, notes=notes or visit.notes):
        return None
    return ask_contacts_to_rate(session, visit, account, now=now, notifier=notifier)


def ask_contacts_to_rate(session: Session, visit: Visit, account: Account, *, now: datetime, notifier: Notifier) -> int:
    """Every contact of the account the notifier reaches is asked once; returns how many were asked."""
    staff = session.get(Staff, visit.staff_id)
    contacts = [c for c in roster.contacts_of(session, account.id) if notifier.reachable(c)]
    for contact in contacts:
        notifier.push(contact, [rate_request(visit, account, staff, contact.language)])
    visit.rating_asked_at = now
    session.add(visit)
    return len(contacts)


def rate_request(visit: Visit, account: Account, staff: Staff, lang: str, *, reminder: bool = False) -> Message:
    text = t("visit_rate_request", lang, staff=staff.name, account=account.name, mode=t(f"mode_{visit.mode}", lang),
             date=format_date(visit.visit_date, lang))
    if reminder:
        text = t("visit_rate_reminder", lang) + text
    return Message(text=text, quick_replies=score_buttons("visit", visit.id))
