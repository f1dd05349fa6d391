"""Free services in the report (002 §3.1.1(2); 000 plan 8 item 02; domain.md "Free services").

* Delivered on time means delivered **within the quarter** the service belongs to. The manual's
  "(รายงานภายใน 20 วัน หลังสิ้นไตรมาส)" is the deadline of the *report* of results, not extra
  delivery time: a service done on 15 October for the third quarter is late.
* The report states that deadline (``[reports] service_report_days`` after the quarter ends) and
  whether this report, made at ``now``, met it.
* Coverage (000 plan 8 item 02.1, target: every eligible key account): per office and tier, the
  accounts whose tier the catalogue offers something to (handlers/rules/entitlement.py), and how
  many of them had a service delivered within the quarter.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

from handlers.reporting.period import Period
from handlers.reporting.tables import ALL_OFFICES, Table, per_office, percent
from handlers.rules.entitlement import offers_for
from handlers.rules.statuses import DROPPED_STATUSES, FINISHED_STATUSES
from handlers.thai_dates import format_date, to_bangkok
from storage.models import TIERS

ALL_TIERS = "all"


def delivered_on(ticket) -> date | None:
    """The Bangkok date a service was delivered, or None while it is not."""
    if ticket.status in FINISHED_STATUSES and ticket.resolved_at:
        return to_bangkok(ticket.resolved_at).date()
    return None


def report_deadline(period: Period, settings) -> date:
    return period.quarter.end + timedelta(days=settings.service_report_days)


def services_table(data, period: Period, settings, offices: list[str], today: date) -> Table:
    """delivered_pct divides by what was due by `today` (issue 17): while the quarter runs, a service not
    yet delivered is not yet due; declined and cancelled requests are never due."""
    quarter_end = period.quarter.end
    services = [t for t in data.tickets if t.kind == "service"]

    def summarise(items) -> list:
        delivered = [day for day in map(delivered_on, items) if day is not None]
        on_time = sum(day <= quarter_end for day in delivered)
        dropped = sum(t.status in DROPPED_STATUSES for t in items)
        still_open = len(items) - len(delivered) - dropped
        not_yet_due = still_open if today <= quarter_end else 0
        return [len(items), on_time, len(delivered) - on_time, dropped, still_open, not_yet_due,
                percent(on_time, len(items) - dropped - not_yet_due)]

    rows = per_office(services, lambda t: data.accounts[t.account_id].office, summarise, offices)
    return Table("services", f"บริการฟรี: ให้บริการภายในไตรมาส (สิ้นไตรมาส {format_date(quarter_end)})",
                 ["office", "requested", "delivered_on_time", "delivered_late", "declined_or_cancelled", "open",
                  "not_yet_due", "delivered_pct"],
                 ["สำนักงาน", "คำขอ", "ให้บริการภายในไตรมาส", "ให้บริการหลังสิ้นไตรมาส", "ปฏิเสธ/ยกเลิก", "ค้างอยู่",
                  "ยังไม่ถึงกำหนด", "% ภายในไตรมาส (ของที่ถึงกำหนด)"], rows)


def service_report_table(period: Period, settings, today: date) -> Table:
    """One row: the quarter's delivery and report deadlines, the day this report was made, and whether it
    met the report deadline ("interim" while the quarter still runs)."""
    deadline = report_deadline(period, settings)
    status = "interim" if today <= period.quarter.end else ("on_time" if today <= deadline else "late")
    return Table("service_report", f"กำหนดส่งรายงานบริการฟรี ({settings.service_report_days} วันหลังสิ้นไตรมาส)",
                 ["quarter", "delivered_by", "report_due", "made_on", "report_status"],
                 ["ไตรมาส", "ให้บริการภายใน", "ส่งรายงานภายใน", "จัดทำรายงานเมื่อ", "สถานะการส่งรายงาน"],
                 [[period.quarter.label, format_date(period.quarter.end), format_date(deadline), format_date(today),
                   status]])


def coverage_table(data, period: Period, services_config, offices: list[str]) -> Table:
    """Eligible accounts per office and tier, and those with a service of the period delivered in the quarter."""
    served = {t.account_id for t in data.tickets if t.kind == "service"
              and (day := delivered_on(t)) is not None and day <= period.quarter.end}
    eligible_tiers = [tier for tier in TIERS if offers_for(services_config, tier)]
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for account in data.accounts.values():
        if account.office not in offices or account.tier not in eligible_tiers:
            continue
        for key in ((account.office, account.tier), (account.office, ALL_TIERS),
                    (ALL_OFFICES, account.tier), (ALL_OFFICES, ALL_TIERS)):
            counts[key][0] += 1
            counts[key][1] += account.id in served
    scopes = sorted(offices) + ([ALL_OFFICES] if len(offices) > 1 else [])
    rows = [[scope, tier, *counts[(scope, tier)], percent(counts[(scope, tier)][1], counts[(scope, tier)][0])]
            for scope in scopes for tier in (*eligible_tiers, ALL_TIERS) if (scope, tier) in counts]
    return Table("service_coverage", "บริการฟรี: ความครอบคลุมลูกค้าที่มีสิทธิ์ (ตามกลุ่มและสำนักงาน)",
                 ["office", "tier", "eligible_accounts", "served_accounts", "coverage_pct"],
                 ["สำนักงาน", "กลุ่มลูกค้า", "ลูกค้าที่มีสิทธิ์", "ได้รับบริการแล้ว", "% ครอบคลุม"], rows)
