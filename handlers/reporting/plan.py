"""% of the key account plan achieved (CRM-KAM-002; handlers/rules/account_plan.py) per KAMR and office."""
from __future__ import annotations

from handlers.reporting.tables import ALL_OFFICES, Table, percent


def plan_table(data, office: str | None) -> Table:
    """data.plan: Assessed activities; data.plan_kamrs: {staff id: Staff} of the accounts' KAMRs."""
    people: dict[tuple[str, str, str], list[int]] = {}
    totals: dict[str, list[int]] = {}
    for assessed in data.plan:
        account = assessed.account
        if (office and account.office != office) or not assessed.due:
            continue
        kamr = data.plan_kamrs.get(account.kamr_id)
        key = (account.office, kamr.staff_code if kamr else "", kamr.name if kamr else "-")
        for counts in (people.setdefault(key, [0, 0]), totals.setdefault(account.office, [0, 0]),
                       totals.setdefault(ALL_OFFICES, [0, 0])):
            counts[0] += 1
            counts[1] += assessed.achieved
    rows = [[*key, due, done, percent(done, due)] for key, (due, done) in sorted(people.items())]
    offices = sorted(k for k in totals if k != ALL_OFFICES)
    rows += [[key, "", "รวม", *totals[key], percent(totals[key][1], totals[key][0])]
             for key in offices + ([ALL_OFFICES] if len(offices) > 1 else [])]
    return Table("plan_achievement", "ร้อยละความสำเร็จตามแผนบริหารลูกค้ารายสำคัญ (CRM-KAM-002)",
                 ["office", "staff_code", "name", "planned_due", "achieved", "achieved_pct"],
                 ["สำนักงาน", "รหัส", "KAMR", "กิจกรรมตามแผนที่ถึงกำหนด", "ทำได้", "% ความสำเร็จตามแผน"], rows)
