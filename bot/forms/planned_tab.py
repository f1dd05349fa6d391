"""The coordinator's planned-outage tab (issue 16): per planned work and affected account, who on
LINE acknowledged the notice and who has not yet."""
from __future__ import annotations

from sqlmodel import Session, select

from handlers.thai_dates import format_datetime
from storage import planned as store
from storage.models import PlannedOutage, Staff

PLANNED_HEADER = ["เลขอ้างอิง", "เริ่ม", "สิ้นสุด", "สถานะ", "แจ้งล่วงหน้าเมื่อ", "รหัสบัญชี", "ลูกค้า", "KAMR",
                  "สถานที่", "ผู้ติดต่อใน LINE", "รับทราบแล้ว", "ยังไม่รับทราบ"]
STATUS = {"planned": "ตามแผน", "cancelled": "ยกเลิก"}


def planned_rows(session: Session) -> list[list[str]]:
    kamrs = {staff.id: staff.name for staff in session.exec(select(Staff))}
    table = [PLANNED_HEADER]
    for item in session.exec(select(PlannedOutage).order_by(PlannedOutage.starts_at, PlannedOutage.id)):
        acked = store.acknowledged_by(session, item)
        contacts = store.contacts(session, item)
        for account, sites in store.affected(session, item):
            mine = [c for c in contacts if c.account_id == account.id]
            waiting = [c.name or c.display_name or f"C{c.id}" for c in mine if c.id not in acked]
            table.append([
                item.reference, format_datetime(item.starts_at, "th"), format_datetime(item.ends_at, "th"),
                STATUS.get(item.status, item.status),
                format_datetime(item.notice_sent_at, "th") if item.notice_sent_at else "",
                account.account_code, account.name, kamrs.get(account.kamr_id, ""),
                ", ".join(site.name for site in sites), str(len(mine)), str(len(mine) - len(waiting)),
                ", ".join(waiting),
            ])
    return table
