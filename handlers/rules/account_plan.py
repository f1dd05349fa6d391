"""How far the key account plan (CRM-KAM-002) was achieved: "ร้อยละความสำเร็จตามแผนบริหารลูกค้ารายสำคัญ",
the process KPI of 001 §5 (issue 17).

A planned activity is *achieved* when what it names was done for its account in its window: a counted
visit (storage/visits.py COUNTS: a late record for a closed quarter only once approved), or a free service
of that code delivered. The window is the activity's quota quarter, or the whole quota year for quarter 0.
It is *due* once its window has ended (by the report's end and by today) or once achieved, so the share
divides by what was due, as the report's other tiles do.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from bot.config import QuotasConfig
from handlers.rules import quotas
from handlers.thai_dates import BANGKOK, to_bangkok
from storage import account_plans
from storage.models import Account, PlanActivity


@dataclass(frozen=True)
class Assessed:
    item: PlanActivity
    account: Account
    due: bool
    achieved: bool


def window(config: QuotasConfig, year: int, quarter: int) -> tuple[date, date]:
    first = quotas.parse_quarter(config, f"{year}Q{quarter or 1}")
    return first.start, (quotas.parse_quarter(config, f"{year}Q4").end if quarter == 0 else first.end)


def assess(session, config: QuotasConfig, year: int, *, until: date, today: date) -> list[Assessed]:
    """The plan's activities of `year` whose window has begun by `until`, each due or not, achieved or not."""
    year_start, year_end = window(config, year, 0)
    visits = account_plans.visit_days(session, year_start, year_end)
    start_utc = datetime.combine(year_start, time(), BANGKOK)
    services = account_plans.delivered_services(session, start_utc,
                                                datetime.combine(year_end + timedelta(days=1), time(), BANGKOK))
    delivered: dict[tuple[int, str], list[date]] = {}
    for account_id, code, at in services:
        delivered.setdefault((account_id, code), []).append(to_bangkok(at).date())
    out = []
    for item, account in account_plans.for_year(session, year):
        start, end = window(config, year, item.quarter)
        if start > until:
            continue
        days = visits.get(account.id, []) if item.activity == "visit" else delivered.get((account.id, item.activity), [])
        achieved = any(start <= day <= end for day in days)
        out.append(Assessed(item, account, achieved or end <= min(until, today), achieved))
    return out
