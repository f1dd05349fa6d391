"""Service requests and relayed messages against their first-answer clock (issue 15, [first_answer]):
how many, answered within the clock, late, overdue and still unanswered, escalated, and the median
hours from the request to the first answer (book, propose or decline a service; [ตอบกลับ] a message)."""
from __future__ import annotations

from datetime import datetime

from bot.config import FirstAnswerConfig
from handlers.reporting.stats import median
from handlers.reporting.tables import Table, per_office, rounded
from handlers.rules.answer_clock import CLOCKED_KINDS, first_answer_due
from handlers.rules.workdays import WorkCalendar

KIND_LABELS = {"service": "ขอรับบริการ", "message": "ข้อความถึง KAMR"}


def first_answers_table(data, settings: FirstAnswerConfig, calendar: WorkCalendar, offices: list[str],
                        now: datetime) -> Table:
    def summarise(items) -> list:
        dues = [(ticket, first_answer_due(ticket, settings, calendar)) for ticket in items]
        answered = [(ticket.acknowledged_at, due) for ticket, due in dues if ticket.acknowledged_at is not None]
        in_time = sum(at <= due for at, due in answered)
        overdue = sum(ticket.acknowledged_at is None and due <= now for ticket, due in dues)
        hours = [(ticket.acknowledged_at - ticket.created_at).total_seconds() / 3600 for ticket in items
                 if ticket.acknowledged_at is not None]
        return [len(items), in_time, len(answered) - in_time, overdue, sum(t.escalated_at is not None for t in items),
                rounded(median(hours), 1)]

    rows = []
    for kind in CLOCKED_KINDS:
        tickets = [t for t in data.tickets if t.kind == kind]
        rows += [[kind, KIND_LABELS[kind], *row] for row in per_office(tickets, lambda t: data.accounts[t.account_id].office, summarise,
                                                     offices)]
    hours = {kind: getattr(settings, f"{kind}_working_hours") for kind in CLOCKED_KINDS}
    clock = ", ".join(f"{KIND_LABELS[kind]} {value:g} ชม." for kind, value in hours.items())
    return Table("first_answers", f"เวลาตอบครั้งแรก: ภายในชั่วโมงทำการ ({clock})",
                 ["kind", "label", "office", "received", "answered_in_time", "answered_late", "overdue_unanswered", "escalated",
                  "first_answer_hours_median"],
                 ["ประเภท", "ประเภท", "สำนักงาน", "รับเรื่อง", "ตอบทันกำหนด", "ตอบเกินกำหนด", "เกินกำหนดยังไม่ตอบ", "ส่งต่อ",
                  "มัธยฐานเวลาตอบ (ชม.)"], rows)
