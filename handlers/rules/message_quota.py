"""The channel's monthly message allowance (issue 18): when to warn, when routine pushes wait.

LINE counts pushes and multicasts (one per recipient) in a calendar month, replies never; a reading
from another month says nothing about this one (the count starts again on the 1st)."""
from __future__ import annotations

from datetime import date, datetime

from handlers.thai_dates import bangkok_today
from storage.message_quota import QuotaReading


def month_of(now: datetime) -> str:
    return bangkok_today(now).strftime("%Y-%m")


def month_start(now: datetime) -> date:
    return bangkok_today(now).replace(day=1)


def percent(reading: QuotaReading) -> float | None:
    return None if not reading.limit else 100.0 * reading.used / reading.limit


def holding(reading: QuotaReading | None, now: datetime, hold_percent: float) -> bool:
    """Routine pushes wait: this month's reading is at or past `hold_percent` of a limited allowance."""
    if reading is None or reading.month != month_of(now):
        return False
    share = percent(reading)
    return share is not None and share >= hold_percent


def crossed(reading: QuotaReading, warn_percents: list[int]) -> list[int]:
    """The warning thresholds this reading has reached, lowest first."""
    share = percent(reading)
    return [] if share is None else [threshold for threshold in warn_percents if share >= threshold]
