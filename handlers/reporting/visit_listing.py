"""The visit list and its export (`kambot visits list`): one row per account visited, with the other accounts
on the same call, who made it for whom and whether that is credited, the contacts met, and lateness."""
from __future__ import annotations

from datetime import date

from sqlmodel import Session

from bot.config import QuotasConfig
from handlers.rules import quotas, visit_timing
from storage import roster, visits
from storage.models import Staff

COLUMNS = ("visit_date", "account_code", "visitor", "for", "representative", "credited", "with_accounts",
           "contacts_met", "contacts", "days_late", "counted")


def rows(session: Session, config: QuotasConfig, start: date, end: date, *, staff_id: int | None = None) -> list[dict]:
    found = [(visit, account, staff) for visit, account, staff in visits.done_with_people_between(session, start, end)
             if staff_id is None or staff_id in (visit.staff_id, visit.on_behalf_of_id)]
    contacts = roster.contacts_of_accounts(session, sorted({account.id for _, account, _ in found}))
    joint: dict[int, list[str]] = {}
    for visit, account, _ in found:
        if visit.joint_id is not None:
            joint.setdefault(visit.joint_id, []).append(account.account_code)
    listed = []
    for visit, account, staff in found:
        behalf = session.get(Staff, visit.on_behalf_of_id) if visit.on_behalf_of_id else None
        met = len(contacts[account.id]) if visit.met_contact_ids is None else len(visit.met_contact_ids)
        listed.append({
            "visit_date": visit.visit_date.isoformat(), "account_code": account.account_code,
            "visitor": staff.staff_code, "for": behalf.staff_code if behalf else "",
            "representative": visit.representative_name,
            "credited": "" if behalf is None else "yes" if quotas.representative_counts(behalf.role) else "no",
            "with_accounts": " ".join(c for c in joint.get(visit.joint_id, []) if c != account.account_code),
            "contacts_met": "" if visit.met_contact_ids is None else met, "contacts": len(contacts[account.id]),
            "days_late": visit_timing.days_late(config, visit.visit_date, visit.reported_at),
            "counted": "yes" if visit_timing.counts(visit) else "no"})
    return listed


def line(row: dict) -> str:
    """'2026-11-23  A100  S101  for Z100 (credited)  with A110  met 2/2', late and uncounted visits marked."""
    behalf = "-"
    if row["for"]:
        by = f" by {row['representative']}" if row["representative"] else ""
        behalf = f"for {row['for']}{by} ({'credited' if row['credited'] == 'yes' else 'not credited'})"
    met = f"met {row['contacts_met']}/{row['contacts']}" if row["contacts_met"] != "" else f"met ?/{row['contacts']}"
    text = (f"{row['visit_date']}  {row['account_code']}  {row['visitor']}  {behalf}  "
            f"{'with ' + row['with_accounts'] if row['with_accounts'] else '-'}  {met}")
    if row["days_late"]:
        text += f"  late {row['days_late']} d"
    return text + ("" if row["counted"] == "yes" else "  not counted")
