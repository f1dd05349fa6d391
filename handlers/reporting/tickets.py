"""Complaints against the 5-working-day answer rule, and outages' time to acknowledge (CRM-KAM-004)."""
from __future__ import annotations

from datetime import date, datetime

from handlers.reporting.stats import median, percentile
from handlers.reporting.tables import Table, per_office, percent, rounded
from handlers.thai_dates import to_bangkok
from storage.incidents import ACKNOWLEDGED_BY_INCIDENT


def answered_on(ticket) -> date | None:
    """The Bangkok date of the first answer (the complaint handler records it in details)."""
    answered = ticket.details.get("answered_at") if ticket.details else None
    return to_bangkok(datetime.fromisoformat(answered)).date() if answered else None


def complaints_table(data, today: date, offices: list[str]) -> Table:
    complaints = [t for t in data.tickets if t.kind == "complaint"]

    def summarise(items) -> list:
        answered = [(t, answered_on(t)) for t in items]
        on_time = sum(day is not None and t.due_date is not None and day <= t.due_date for t, day in answered)
        late = sum(day is not None for _, day in answered) - on_time
        overdue = sum(day is None and t.due_date is not None and t.due_date < today for t, day in answered)
        waiting = len(items) - on_time - late - overdue
        # Divided by what was due by `today` (issue 17): a complaint not yet due is neither on time nor late.
        return [len(items), on_time, late, overdue, waiting, percent(on_time, len(items) - waiting)]

    rows = per_office(complaints, lambda t: data.accounts[t.account_id].office, summarise, offices)
    return Table("complaints", "ข้อร้องเรียน: ตอบชี้แจงภายใน 5 วันทำการ",
                 ["office", "received", "answered_on_time", "answered_late", "overdue_unanswered",
                  "not_yet_due", "on_time_pct"],
                 ["สำนักงาน", "รับเรื่อง", "ตอบทันกำหนด", "ตอบเกินกำหนด", "เกินกำหนดยังไม่ตอบ", "ยังไม่ถึงกำหนด",
                  "% ตอบทัน 5 วันทำการ (ของที่ถึงกำหนด)"], rows)


def minutes_to_acknowledge(ticket) -> float | None:
    if ticket.acknowledged_at is None:
        return None
    return (ticket.acknowledged_at - ticket.created_at).total_seconds() / 60


def outages_table(data, offices: list[str]) -> Table:
    # A ticket an area incident took in hand was acknowledged by the incident, not by a person in 0 minutes.
    outages = [t for t in data.tickets if t.kind == "outage" and ACKNOWLEDGED_BY_INCIDENT not in (t.details or {})]

    def summarise(items) -> list:
        minutes = [m for m in map(minutes_to_acknowledge, items) if m is not None]
        return [len(items), len(minutes), len(items) - len(minutes), sum(t.escalated_at is not None for t in items),
                rounded(median(minutes), 1), rounded(percentile(minutes, 0.9), 1)]

    rows = per_office(outages, lambda t: data.accounts[t.account_id].office, summarise, offices)
    return Table("outages", "แจ้งไฟดับ: เวลาจนรับเรื่อง (นาที)",
                 ["office", "tickets", "acknowledged", "not_acknowledged", "escalated", "ack_minutes_median",
                  "ack_minutes_p90"],
                 ["สำนักงาน", "จำนวนเรื่อง", "รับเรื่องแล้ว", "ยังไม่รับเรื่อง", "ส่งต่อผู้สำรอง", "มัธยฐาน (นาที)",
                  "P90 (นาที)"], rows)
