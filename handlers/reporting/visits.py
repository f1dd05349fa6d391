"""Visits against quotas per person (CRM-KAM-004)."""
from __future__ import annotations

from handlers.reporting.tables import ALL_OFFICES, Table, percent
from handlers.rules.visit_timing import counts
from handlers.thai_dates import format_date


def visits_table(data, office: str | None) -> Table:
    """handlers.rules.quotas.progress per person: KAMRs count their own accounts visited, managers their visits."""
    in_period = {p.staff.id: p.done for p in data.progress_in_period}
    rows, totals = [], {}
    for item in sorted(data.progress_to_date, key=lambda p: (p.staff.office, p.staff.staff_code)):
        person = item.staff
        if office and person.office != office:
            continue
        done = in_period.get(person.id, 0)
        rows.append([person.office, person.staff_code, person.name, person.role, item.target, done, item.done,
                     percent(item.done, item.target)])
        for key in (person.office, ALL_OFFICES):
            total = totals.setdefault(key, [0, 0, 0])
            total[0], total[1], total[2] = total[0] + item.target, total[1] + done, total[2] + item.done
    offices = sorted(k for k in totals if k != ALL_OFFICES)
    for key in offices + ([ALL_OFFICES] if len(offices) > 1 else []):
        target, done, to_date = totals[key]
        rows.append([key, "", "รวม", "", target, done, to_date, percent(to_date, target)])
    return Table("visits", "การเยี่ยมลูกค้าเทียบกับโควตาไตรมาส (รายบุคคล)",
                 ["office", "staff_code", "name", "role", "quarter_target", "done_in_period", "done_quarter_to_date",
                  "quota_pct"],
                 ["สำนักงาน", "รหัส", "ชื่อ", "ตำแหน่ง", "เป้าไตรมาส", "ทำได้ในช่วงนี้", "ทำได้สะสมไตรมาส",
                  "% ของเป้า"], rows)


def quota_year_table(data, office: str | None) -> Table:
    """Managers against the year rule (002 §3.1.2(3)): distinct customers done in the year to the period's
    end, what is still planned, and how far the plan leaves the year below the rule (issue 17)."""
    rows = []
    for item in sorted(data.progress_to_date, key=lambda p: (p.staff.office, p.staff.staff_code)):
        if item.year is None or (office and item.staff.office != office):
            continue
        to_come = max(item.target - item.done, 0) + item.year.planned_after
        rows.append([item.staff.office, item.staff.staff_code, item.staff.name, item.staff.role, item.year.rule,
                     item.year_done, to_come, item.year_short])
    return Table("quota_year", "โควตาการเยี่ยมทั้งปีของผู้บริหาร (จำนวนราย)",
                 ["office", "staff_code", "name", "role", "year_rule", "customers_year_to_date", "planned_rest",
                  "year_short"],
                 ["สำนักงาน", "รหัส", "ชื่อ", "ตำแหน่ง", "เกณฑ์ทั้งปี", "เยี่ยมแล้วสะสมทั้งปี", "ตามแผนที่เหลือ",
                  "ยังขาด"], rows)


def late_visits_table(data, office: str | None) -> Table:
    """Visits of the period recorded after the 7-day rule (001 flow chart step 5), and whether they count:
    a late visit for a closed quarter counts only once the reporter's supervisor approves it (issue 17)."""
    rows = [[account.office, staff.staff_code, staff.name, account.account_code, format_date(visit.visit_date),
             format_date(visit.reported_at), late, visit.late_approval or "-", "yes" if counts(visit) else "no"]
            for visit, account, staff, late in data.late_visits if office is None or account.office == office]
    return Table("late_visits", "การเยี่ยมที่บันทึกเกิน 7 วันหลังการเยี่ยม",
                 ["office", "staff_code", "name", "account_code", "visit_date", "recorded_on", "days_late",
                  "approval", "counted"],
                 ["สำนักงาน", "รหัส", "ชื่อ", "ลูกค้า", "วันที่เยี่ยม", "วันที่บันทึก", "ช้า (วัน)", "การอนุมัติ", "นับในโควตา"],
                 rows)
