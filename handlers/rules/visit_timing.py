"""The 7-day recording rule (001 flow chart step 5: "บันทึกผลภายใน 7 วัน"), as it protects the figures.

A visit recorded more than ``[quotas] report_within_days`` after it happened is *late*: marked so in the
visit list, the export and the reports. Once its quarter is closed (``quarter_closes_after_days`` after
it ends, handlers/rules/quotas.py) a late visit changes that quarter's figures only when the reporter's
supervisor approves it in LINE; until then, and when refused, it is kept but not counted.
"""
from __future__ import annotations

from datetime import date, datetime

from bot.config import QuotasConfig
from handlers.rules import quotas
from handlers.thai_dates import to_bangkok
from storage import visits

PENDING, APPROVED, REFUSED = "pending", "approved", "refused"


def days_late(config: QuotasConfig, visit_date: date, reported_at: datetime | None) -> int:
    """Days past the recording deadline (0: recorded in time, or not recorded yet)."""
    if reported_at is None:
        return 0
    return max(0, (to_bangkok(reported_at).date() - visit_date).days - config.report_within_days)


def is_late(config: QuotasConfig, visit_date: date, reported_at: datetime | None) -> bool:
    return days_late(config, visit_date, reported_at) > 0


def needs_approval(config: QuotasConfig, visit_date: date, reported_at: datetime) -> bool:
    """Late, and for a quarter already closed on the day it is recorded."""
    recorded = to_bangkok(reported_at).date()
    return is_late(config, visit_date, reported_at) and quotas.is_closed(
        config, quotas.quarter_of(config, visit_date), recorded)


def late_visits(session, config: QuotasConfig, start: date, end: date, *, staff_id: int | None = None) -> list:
    """(visit, account, staff, days late) of the done visits dated start to end that were recorded late."""
    return [(visit, account, staff, days_late(config, visit.visit_date, visit.reported_at))
            for visit, account, staff in visits.done_with_people_between(session, start, end, staff_id=staff_id)
            if is_late(config, visit.visit_date, visit.reported_at)]


def counts(visit) -> bool:
    """A late visit for a closed quarter counts only once approved (storage.visits.COUNTS)."""
    return visit.late_approval in ("", APPROVED)
