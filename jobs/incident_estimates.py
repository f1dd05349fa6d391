"""Estimates that passed (issue 16): the KAMRs of an open area incident are asked for a new one, once per estimate."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Config
from handlers.notify import Notifier
from handlers.operations.incidents import remind_past_estimates


def remind_passed_estimates(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    return remind_past_estimates(session, now=now, notifier=notifier)
