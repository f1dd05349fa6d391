"""Urgent reports to the decision maker (CRM-KAM-003) in the quarterly report and the coordinator export:
what was raised, on what, by whom, to whom, the follow-up date and whether it was followed up (issue 17)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from handlers.reporting.tables import Table
from handlers.thai_dates import format_date
from storage import urgent_reports
from storage.models import Staff

STATUS_LABELS = {"instructed": "สั่งการแล้ว", "overdue": "เลยกำหนดติดตาม ยังไม่สั่งการ", "waiting": "รอติดตาม"}


@dataclass(frozen=True)
class UrgentRecord:
    office: str
    account_code: str
    raised_on: str  # the ticket number, "visit" or "account"
    reporter_code: str
    decision_maker: str
    reported_at: datetime
    issue: str
    risk: str
    follow_up_date: date
    instructions: int

    def status(self, today: date) -> str:
        if self.instructions:
            return "instructed"
        return "overdue" if self.follow_up_date < today else "waiting"


def load_records(session, start_utc: datetime, end_utc: datetime) -> list[UrgentRecord]:
    rows = urgent_reports.made_between(session, start_utc, end_utc)
    makers = {r.decision_maker_id for r, *_ in rows if r.decision_maker_id}
    names = {s.id: s.name for s in (session.get(Staff, i) for i in makers) if s is not None}
    return [UrgentRecord(account.office, account.account_code,
                         ticket.number if ticket else ("visit" if report.visit_id else "account"),
                         reporter.staff_code, names.get(report.decision_maker_id, ""), report.created_at,
                         report.issue, report.risk, report.follow_up_date, report.instructions)
            for report, account, reporter, ticket in rows]


def urgent_table(records: list[UrgentRecord], today: date, office: str | None) -> Table:
    rows = [[r.office, r.account_code, r.raised_on, r.reporter_code, r.decision_maker, format_date(r.reported_at),
             r.issue, r.risk, format_date(r.follow_up_date), r.instructions, r.status(today)]
            for r in records if office is None or r.office == office]
    return Table("urgent_reports", "รายงานเรื่องด่วนถึงผู้บริหาร (CRM-KAM-003)",
                 ["office", "account_code", "raised_on", "reported_by", "decision_maker", "reported_on", "issue", "risk",
                  "follow_up_by", "instructions", "follow_up_status"],
                 ["สำนักงาน", "ลูกค้า", "เรื่องจาก", "ผู้รายงาน", "ผู้บริหารที่รับรายงาน", "วันที่รายงาน", "ปัญหา",
                  "ความเสี่ยง/ผลกระทบ", "ติดตามผลภายใน", "ข้อสั่งการ (ครั้ง)", "สถานะการติดตาม"], rows)


def export_rows(records: list[UrgentRecord], today: date) -> list[list[str]]:
    """The coordinator's tab: Thai headers and words, every report."""
    table = urgent_table(records, today, None)
    raised = {"visit": "การเยี่ยม", "account": "ลูกค้า"}
    return [table.labels, *[[*map(str, row[:2]), raised.get(row[2], row[2]), *map(str, row[3:10]),
                             STATUS_LABELS[row[10]]] for row in table.rows]]
