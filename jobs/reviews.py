"""The monthly office review and the quarterly zone review, sent by themselves (001 flow chart step 6;
handlers/operations/reviews.py decides the days, the people and the figures). Runs daily at
``[reviews] review_time``; on any other day it sends nothing."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.config import Config
from handlers.notify import Notifier
from handlers.operations.reviews import send_office_reviews, send_zone_reviews


def send_reviews(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    return (send_office_reviews(session, config, now=now, notifier=notifier)
            + send_zone_reviews(session, config, now=now, notifier=notifier))
