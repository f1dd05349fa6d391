"""Risk-group accounts (SPP, self-generation; CRM-KAM-001) visited and whether their visits carried the risk
note (handlers/rules/risk_note.py), per office."""
from __future__ import annotations

from handlers.reporting.tables import ALL_OFFICES, Table, percent
from handlers.rules.risk_note import carries_note


def risk_table(data, offices: list[str]) -> Table:
    """data.risk_accounts: ids of the accounts in a risk group; data.risk_visits: (visit, account) done in
    the period to such accounts."""
    accounts = [data.accounts[i] for i in data.risk_accounts if i in data.accounts]
    rows = []
    for key in offices + ([ALL_OFFICES] if len(offices) > 1 else []):
        wanted = set(offices) if key == ALL_OFFICES else {key}
        held = [a for a in accounts if a.office in wanted]
        visits = [visit for visit, account in data.risk_visits if account.office in wanted]
        noted = sum(carries_note(visit) for visit in visits)
        rows.append([key, len(held), len({visit.account_id for visit in visits}), len(visits), noted,
                     len(visits) - noted, percent(noted, len(visits))])
    return Table("risk_visits", "ลูกค้ากลุ่มเสี่ยง (SPP, ผลิตไฟใช้เอง) ที่เยี่ยมและบันทึกความเสี่ยง",
                 ["office", "risk_accounts", "risk_accounts_visited", "visits", "with_risk_note",
                  "without_risk_note", "risk_note_pct"],
                 ["สำนักงาน", "ลูกค้ากลุ่มเสี่ยง", "ได้เยี่ยม", "ครั้งที่เยี่ยม", "มีบันทึกความเสี่ยง", "ไม่มีบันทึก",
                  "% มีบันทึก"], rows)
