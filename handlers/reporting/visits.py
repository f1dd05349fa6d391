"""Visits against quotas per person, and free services delivered (CRM-KAM-004)."""
from __future__ import annotations

from collections import Counter
from datetime import timedelta

from handlers.reporting.period import Period
from handlers.thai_dates import to_bangkok
from handlers.reporting.tables import ALL_OFFICES, Table, per_office, percent
from storage.models import Staff

KAMR_ROLES = ("kamr", "senior_kamr")


def quarter_quota(staff: Staff, owned_accounts: int, targets: dict[int, int], quotas: dict[str, int]) -> int:
    """A moved target wins; else KAMRs visit every account they own, managers their role's quota."""
    if staff.id in targets:
        return targets[staff.id]
    if staff.role in KAMR_ROLES:
        return owned_accounts
    return quotas.get(staff.role, 0)


def visits_table(data, period: Period, settings, office: str | None) -> Table:
    owned = Counter(a.kamr_id for a in data.accounts.values() if a.kamr_id)
    in_period, to_date = {}, {}
    for visit in data.visits:
        to_date.setdefault(visit.staff_id, set()).add(visit.account_id)
        if period.contains(visit.visit_date):
            in_period.setdefault(visit.staff_id, set()).add(visit.account_id)
    rows, totals = [], {}
    for person in sorted(data.staff.values(), key=lambda s: (s.office, s.staff_code)):
        if office and person.office != office:
            continue
        quota = quarter_quota(person, owned[person.id], data.targets, settings.visit_quota)
        done, qtd = len(in_period.get(person.id, ())), len(to_date.get(person.id, ()))
        if not quota and not qtd:
            continue
        rows.append([person.office, person.staff_code, person.name, person.role, quota, done, qtd,
                     percent(qtd, quota)])
        for key in (person.office, ALL_OFFICES):
            total = totals.setdefault(key, [0, 0, 0])
            total[0], total[1], total[2] = total[0] + quota, total[1] + done, total[2] + qtd
    offices = sorted(k for k in totals if k != ALL_OFFICES)
    for key in offices + ([ALL_OFFICES] if len(offices) > 1 else []):
        quota, done, qtd = totals[key]
        rows.append([key, "", "รวม", "", quota, done, qtd, percent(qtd, quota)])
    return Table("visits", "การเยี่ยมลูกค้าเทียบกับโควตา (รายบุคคล)",
                 ["office", "staff_code", "name", "role", "quarter_quota", "accounts_visited_in_period",
                  "accounts_visited_quarter_to_date", "quota_pct"],
                 ["สำนักงาน", "รหัส", "ชื่อ", "ตำแหน่ง", "โควตาไตรมาส", "เยี่ยมแล้วในช่วงนี้", "เยี่ยมแล้วสะสมไตรมาส",
                  "% ของโควตา"], rows)


def services_table(data, period: Period, settings, offices: list[str]) -> Table:
    deadline = period.end + timedelta(days=settings.service_report_days)
    services = [t for t in data.tickets if t.kind == "service"]

    def summarise(items) -> list:
        delivered = [t for t in items if t.status in ("resolved", "closed") and t.resolved_at]
        on_time = sum(to_bangkok(t.resolved_at).date() <= deadline for t in delivered)
        dropped = sum(t.status in ("declined", "cancelled") for t in items)
        return [len(items), on_time, len(delivered) - on_time, dropped, len(items) - len(delivered) - dropped,
                percent(on_time, len(items) - dropped)]

    rows = per_office(services, lambda t: data.accounts[t.account_id].office, summarise, offices)
    return Table("services", f"บริการฟรี (ส่งผลภายใน {settings.service_report_days} วันหลังสิ้นงวด)",
                 ["office", "requested", "delivered_on_time", "delivered_late", "declined_or_cancelled", "open",
                  "delivered_pct"],
                 ["สำนักงาน", "คำขอ", "ให้บริการทันกำหนด", "ให้บริการเกินกำหนด", "ปฏิเสธ/ยกเลิก", "ค้างอยู่",
                  "% ทันกำหนด"], rows)
