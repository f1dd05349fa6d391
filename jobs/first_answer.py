"""A clock on every service request and every message relayed to a KAMR (issue 15): the holder is
reminded before the first answer is due, and when it is overdue the ticket goes one level up the
escalation chain (the customer is told who has it now).

Each reminder is claimed once per (ticket, holder) in storage/notifications.py and each escalation
level once in storage/escalations.py, so two schedulers send each step once."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlmodel import Session

from bot.config import Config
from handlers.messages import Card, Message
from handlers.notify import Notifier
from handlers.operations import escalating, relays, services
from handlers.rules.answer_clock import first_answer_due
from handlers.rules.workdays import WorkCalendar, calendar_from_config
from handlers.texts import t
from handlers.thai_dates import BANGKOK, format_datetime
from storage import escalations, notifications
from storage.models import Staff, Ticket


@dataclass(frozen=True)
class Clock:
    kind: str  # the ticket kind; its hours are [first_answer] <kind>_working_hours
    card: Callable[[Session, Config, Ticket, str, datetime], Card]  # the holder's card of the ticket

    @property
    def reminder(self) -> str:  # the notification claimed once per (ticket, holder)
        return f"{self.kind}_answer_reminder"


CLOCKS = (
    Clock("service", lambda session, config, ticket, lang, now: services.staff_card(session, config, ticket, lang, now=now)),
    Clock("message", lambda session, _config, ticket, lang, now: relays.staff_card(session, ticket, lang, now=now)),
)


def watch_first_answers(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Returns the number of people told (reminded or escalated to), over every clocked kind."""
    calendar = calendar_from_config(config)
    return sum(_watch(session, clock, now=now, config=config, calendar=calendar, notifier=notifier) for clock in CLOCKS)


def _watch(session: Session, clock: Clock, *, now: datetime, config: Config, calendar: WorkCalendar,
           notifier: Notifier) -> int:
    settings = config.first_answer
    waiting = escalations.unacknowledged(session, kind=clock.kind, created_before=now)
    steps = escalations.steps_of(session, [ticket.id for ticket in waiting])
    told = 0
    for ticket in waiting:
        due = first_answer_due(ticket, settings, calendar)
        held = [step for step in steps[ticket.id] if step.staff_id]
        level, since = (held[-1].level, held[-1].at) if held else (0, ticket.created_at)
        holder = session.get(Staff, held[-1].staff_id) if held else None
        if now >= due and since < due:  # overdue with the one who had it before the deadline
            reached = escalating.reach(session, ticket, _overdue_card(session, config, clock, ticket, due, now),
                                       from_level=level + 1, now=now, chain=config.escalation, notifier=notifier,
                                       reason="answer_overdue")
            told += reached is not None
        elif holder is not None and due - timedelta(minutes=settings.remind_before_minutes) <= now < due:
            claimed = notifications.claim_many(session, [(clock.reminder, holder.id, ticket.id)],
                                               day=due.astimezone(BANGKOK).date(), now=now)
            if claimed and notifier.reachable(holder):
                card = _titled(session, config, clock, ticket, holder.language, "answer_reminder_title", due, now)
                notifier.push(holder, [Message(card=card)])
                told += 1
    return told


def _titled(session: Session, config: Config, clock: Clock, ticket: Ticket, lang: str, key: str, due: datetime,
            now: datetime) -> Card:
    card = clock.card(session, config, ticket, lang, now)
    return Card(title=t(f"{clock.kind}_{key}", lang, number=ticket.number, due=format_datetime(due, lang)),
                lines=card.lines, buttons=card.buttons)


def _overdue_card(session: Session, config: Config, clock: Clock, ticket: Ticket, due: datetime,
                  now: datetime) -> escalating.CardFor:
    return lambda lang, _minutes, _last: _titled(session, config, clock, ticket, lang, "answer_overdue_title", due, now)
