"""The wall clock, in UTC. Commands read it here rather than from bot.services, whose import brings
the LINE SDK (seconds of CPU for a command that only needs the time); tests freeze it here."""
from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
