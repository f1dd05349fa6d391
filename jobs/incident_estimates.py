"""Estimates that passed (issue 16), asked again once per estimate: the KAMRs of an open area incident, and the
KAMR holding a single outage ticket."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Config
from handlers.notify import Notifier
from handlers.operations import incidents, outages


def remind_passed_estimates(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    return (incidents.remind_past_estimates(session, now=now, notifier=notifier)
            + outages.remind_past_estimates(session, now=now, notifier=notifier))
