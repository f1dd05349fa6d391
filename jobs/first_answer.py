"""A clock on every service request (issue 15): the holder is reminded before the first answer is due,
and when it is overdue the request goes one level up the escalation chain.

Each reminder is claimed once per (ticket, holder) in storage/notifications.py and each escalation
level once in storage/escalations.py, so two schedulers send each step once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Config
from handlers.messages import Card, Message
from handlers.notify import Notifier
from handlers.operations import escalating
from handlers.operations.services import staff_card
from handlers.rules.answer_clock import answer_due, clock_times
from handlers.rules.workdays import calendar_from_config
from handlers.texts import t
from handlers.thai_dates import BANGKOK, format_datetime
from storage import escalations, notifications
from storage.models import Staff, Ticket

REMINDER = "service_answer_reminder"


def watch_service_answers(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Returns the number of people told (reminded or escalated to)."""
    settings = config.first_answer
    opens, closes = clock_times(settings)
    calendar = calendar_from_config(config)
    waiting = escalations.unacknowledged(session, kind="service", created_before=now)
    steps = escalations.steps_of(session, [ticket.id for ticket in waiting])
    told = 0
    for ticket in waiting:
        due = answer_due(ticket.created_at, settings.service_working_hours, calendar, opens=opens, closes=closes)
        held = [step for step in steps[ticket.id] if step.staff_id]
        level, since = (held[-1].level, held[-1].at) if held else (0, ticket.created_at)
        holder = session.get(Staff, held[-1].staff_id) if held else None
        if now >= due and since < due:  # overdue with the one who had it before the deadline
            reached = escalating.reach(session, ticket, _overdue_card(session, config, ticket, due), from_level=level + 1,
                                       now=now, chain=config.escalation, notifier=notifier, reason="answer_overdue")
            told += reached is not None
        elif holder is not None and due - timedelta(minutes=settings.remind_before_minutes) <= now < due:
            claimed = notifications.claim_many(session, [(REMINDER, holder.id, ticket.id)],
                                               day=due.astimezone(BANGKOK).date(), now=now)
            if claimed and notifier.reachable(holder):
                notifier.push(holder, [Message(card=_titled(session, config, ticket, holder.language,
                                                            "service_answer_reminder_title", due))])
                told += 1
    return told


def _titled(session: Session, config: Config, ticket: Ticket, lang: str, key: str, due: datetime) -> Card:
    card = staff_card(session, config, ticket, lang)
    return Card(title=t(key, lang, number=ticket.number, due=format_datetime(due, lang)), lines=card.lines,
                buttons=card.buttons)


def _overdue_card(session: Session, config: Config, ticket: Ticket, due: datetime) -> escalating.CardFor:
    return lambda lang, _minutes, _last: _titled(session, config, ticket, lang, "service_answer_overdue_title", due)
