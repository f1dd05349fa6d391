"""The channel's monthly message allowance as last read from it (issue 18), kept as one setting."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from sqlmodel import Session

from storage import settings

KEY = "line.message_quota"


@dataclass(frozen=True)
class QuotaReading:
    month: str  # "2026-11", the Bangkok month it was read in
    limit: int | None  # None: the plan has no limit
    used: int
    read_at: str  # ISO time, UTC


def record(session: Session, reading: QuotaReading) -> None:
    settings.put_json(session, KEY, asdict(reading))


def latest(session: Session) -> QuotaReading | None:
    value = settings.get_json(session, KEY)
    return QuotaReading(**value) if value is not None else None


def reading(month: str, limit: int | None, used: int, now: datetime) -> QuotaReading:
    return QuotaReading(month=month, limit=limit, used=used, read_at=now.isoformat(timespec="seconds"))
