"""Ratings: one 1–5 score per contact and subject (a finished ticket or a done visit).

Low scores (handlers/rules/scores.py, `[reports] low_score_max`) go to the KAMR for a follow-up call
(000 plan 6 item 8)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import ReportsConfig
from handlers.messages import Button, Message
from handlers.notify import Notifier
from handlers.postback import build
from handlers.rules.scores import is_low
from handlers.texts import t
from handlers.thai_dates import format_date
from storage import ratings, tickets
from storage.models import Account, Contact, Rating, Staff, Ticket, Visit

def score_buttons(kind: str, subject_id: int) -> tuple[Button, ...]:
    """5 down to 1: the best score is the first a thumb reaches."""
    return tuple(Button(str(score), data=build("rate.give", k=kind, i=subject_id, s=score), display=f"{score}/5")
                 for score in range(5, 0, -1))


def record(session: Session, subject: Ticket | Visit, *, now: datetime, actor: Contact | None, notifier: Notifier,
           score: int, reports: ReportsConfig, comment: str = "") -> bool:
    """One score on a finished ticket or done visit; a low one asks the KAMR to call back.

    False when this contact already rated it."""
    contact_id = actor.id if actor else None
    if not ratings.add(session, subject_kind="ticket" if isinstance(subject, Ticket) else "visit",
                       subject_id=subject.id, account_id=subject.account_id, contact_id=contact_id, score=score,
                       now=now, comment=comment):
        return False
    if isinstance(subject, Ticket):
        tickets.log(session, subject, "rated", now=now, contact_id=contact_id, score=score)
    if is_low(score, reports):
        _ask_kamr_to_call(session, subject, score, notifier=notifier)
    return True


def _who_handled(session: Session, subject: Ticket | Visit) -> list[Staff]:
    """The KAMR, and whoever handled it: the visitor, or who took or was handed the ticket."""
    account = session.get(Account, subject.account_id)
    handled = {subject.staff_id} if isinstance(subject, Visit) else {subject.acknowledged_by, subject.escalated_to}
    people = {account.kamr_id} | handled
    return [session.get(Staff, staff_id) for staff_id in sorted(p for p in people if p)]


def add_comment(session: Session, rating: Rating, comment: str, *, notifier: Notifier, reports: ReportsConfig) -> None:
    """The comment after a score; after a low one it goes to those asked to call back."""
    rating.comment = comment
    session.add(rating)
    if not is_low(rating.score, reports):
        return
    subject = session.get(Ticket if rating.subject_kind == "ticket" else Visit, rating.subject_id)
    if subject is None:
        return
    for staff in _who_handled(session, subject):
        notifier.push(staff, [Message(text=t("staff_low_rating_comment", staff.language, score=rating.score,
                                             subject=getattr(subject, "number", "") or
                                             session.get(Account, subject.account_id).name, comment=comment))])


def _ask_kamr_to_call(session: Session, subject: Ticket | Visit, score: int, *, notifier: Notifier) -> None:
    account = session.get(Account, subject.account_id)
    for staff in _who_handled(session, subject):
        if isinstance(subject, Ticket):
            text = t("staff_low_rating", staff.language, number=subject.number, account=account.name, score=score)
        else:
            text = t("staff_low_visit_rating", staff.language, account=account.name, score=score,
                     date=format_date(subject.visit_date, staff.language))
        notifier.push(staff, [Message(text=text)])
