"""Outages nobody acknowledged climb the escalation chain ([escalation] levels), day and night.

Each run finds the open outages whose current level's wait is over and calls the next level that
reaches someone (handlers/operations/escalating.py); each level is claimed in storage first, so two
schedulers on one database call it once."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Config
from handlers.notify import Notifier
from handlers.operations import case, escalating
from handlers.operations.outages import staff_card
from storage import escalations
from storage.models import Ticket


def escalate_unacknowledged(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Returns the number of people called."""
    chain = config.escalation
    candidates = escalations.unacknowledged(session, kind="outage",
                                            created_before=now - timedelta(minutes=chain.outage_ack_minutes))
    due = escalating.due_levels(session, candidates, now=now, chain=chain)
    called = 0
    for ticket in candidates:
        if ticket.id not in due:
            continue
        reached = escalating.reach(session, ticket, _card_for(session, ticket, now), from_level=due[ticket.id], now=now,
                                   chain=chain, notifier=notifier, reason="not_acknowledged",
                                   attachments=case.attachments(session, ticket))
        called += reached is not None
    return called


def _card_for(session: Session, ticket: Ticket, now: datetime) -> escalating.CardFor:
    return lambda lang, minutes, last: staff_card(session, ticket, lang, escalated_minutes=minutes, last_level=last,
                                                  now=now)
