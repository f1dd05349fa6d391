"""Ratings: one 1–5 score per contact and subject (a finished ticket or a done visit).

Low scores (handlers/rules/scores.py, `[reports] low_score_max`) go to the KAMR for a follow-up call
(000 plan 6 item 8)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import ReportsConfig
from handlers import ticketing
from handlers.messages import Button, Card, Message
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
        _ask_kamr_to_call(session, subject, score, notifier=notifier, contact_id=contact_id)
    return True


def follow_up_low_score(session: Session, subject: Ticket | Visit, score: int, *, notifier: Notifier,
                        contact_id: int | None = None) -> None:
    """The KAMR (and a visit's visitor) are asked to call back, whoever recorded the score (contact_id None: the
    score recorded for the customer)."""
    _ask_kamr_to_call(session, subject, score, notifier=notifier, contact_id=contact_id)


def _kind(subject: Ticket | Visit) -> str:
    return "ticket" if isinstance(subject, Ticket) else "visit"


def _callers(session: Session, subject: Ticket | Visit) -> list[Staff]:
    """The KAMR, and whoever handled it: the visitor, or who took or was handed the ticket."""
    account = session.get(Account, subject.account_id)
    handled = {subject.staff_id} if isinstance(subject, Visit) else {subject.acknowledged_by, subject.escalated_to}
    people = {account.kamr_id} | handled
    return [staff for staff in (session.get(Staff, staff_id) for staff_id in sorted(p for p in people if p)) if staff]


def add_comment(session: Session, rating: Rating, comment: str, *, notifier: Notifier, reports: ReportsConfig) -> None:
    """The comment after a score; after a low one it goes to those asked to call back."""
    rating.comment = comment
    session.add(rating)
    relay_low_comment(session, rating, notifier=notifier, reports=reports)


def _ask_kamr_to_call(session: Session, subject: Ticket | Visit, score: int, *, notifier: Notifier,
                      contact_id: int | None = None) -> None:
    account = session.get(Account, subject.account_id)
    rating = ratings.find(session, subject_kind=_kind(subject), subject_id=subject.id, contact_id=contact_id)
    for staff in _callers(session, subject):
        if isinstance(subject, Ticket):
            text = t("staff_low_rating", staff.language, number=subject.number, account=account.name, score=score)
        else:
            text = t("staff_low_visit_rating", staff.language, account=account.name, score=score,
                     date=format_date(subject.visit_date, staff.language))
        card = low_score_card(session, subject, rating, staff.language) if rating else None
        notifier.push(staff, [Message(card=card, text=text)])


def relay_low_comment(session: Session, rating: Rating, *, notifier: Notifier, reports: ReportsConfig) -> None:
    """A comment given after a low score reaches the people asked to call back, with the same card."""
    if not is_low(rating.score, reports) or not rating.comment:
        return
    subject = session.get(Ticket if rating.subject_kind == "ticket" else Visit, rating.subject_id)
    if subject is None:
        return
    for staff in _callers(session, subject):
        notifier.push(staff, [Message(card=low_score_card(session, subject, rating, staff.language))])


def low_score_card(session: Session, subject: Ticket | Visit, rating: Rating, lang: str) -> Card:
    """Who gave the low score, how to reach them, what they said, and [บันทึกการโทร]."""
    account = session.get(Account, subject.account_id)
    contact = session.get(Contact, rating.contact_id) if rating.contact_id else None
    about = (t("low_about_ticket", lang, number=subject.number, kind=t(f"kind_{subject.kind}", lang))
             if isinstance(subject, Ticket) else t("low_about_visit", lang, date=format_date(subject.visit_date, lang)))
    person = (contact.name or contact.display_name) if contact else t("low_on_behalf", lang)
    phone = (contact.phone if contact else "") or (subject.details.get("phone", "") if isinstance(subject, Ticket) else "")
    lines = [t("card_account", lang, account=account.name), about, t("low_person", lang, name=person or "-"),
             t("card_phone", lang, phone=phone or "-")]
    if rating.comment and not rating.comment.startswith("on_behalf:"):
        lines.append(t("low_comment", lang, comment=rating.comment))
    label = t("btn_record_call", lang)
    buttons = [b for b in (ticketing.call_button(phone, lang),) if b]
    buttons.append(Button(label, data=build("followup.called", r=rating.id), display=label))
    return Card(title=t("low_card_title", lang, score=rating.score), lines=tuple(lines), buttons=tuple(buttons))
