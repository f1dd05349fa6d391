"""Planned-outage notices (issue 16): the notice days ahead, the reminder, moves and cancellations,
in the daytime window only (handlers/operations/planned.py decides what is due)."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Config
from handlers.notify import Notifier
from handlers.operations import planned


def send_planned_outage_notices(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    return planned.send_due(session, now=now, config=config.planned, notifier=notifier)
