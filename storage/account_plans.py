"""The key account plan (CRM-KAM-002): planned activities per account and year, imported from and
exported to CSV. Good rows are kept; each bad row is reported by row and column and changes nothing."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterable, TextIO

from sqlmodel import Session, col, select

from storage.models import Account, PlanActivity, Ticket, Visit
from storage.roster_import import ImportResult, read_rows
from storage.statuses import FINISHED_STATUSES
from storage.visits import COUNTS

REQUIRED = ("account_code", "year", "activity")
OPTIONAL = ("quarter", "benefit", "target", "note", "achieved")  # achieved: written by the export, not read
COLUMNS = (*REQUIRED[:2], "quarter", "activity", "benefit", "target", "note")
MAX_TEXT = 500


def _parse(number: int, row: dict, accounts: dict[str, Account], activities: set[str]) -> tuple | str:
    """(account, year, quarter, activity) or the error naming row and column."""
    account = accounts.get(row["account_code"])
    if account is None:
        return f"row {number}, column account_code: {row.get('account_code', '')!r} is not an account in the roster"
    try:
        year = int(row["year"])
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        return f"row {number}, column year: {row['year']!r} is not a year like 2026"
    quarter_text = row.get("quarter", "") or "0"
    if quarter_text not in ("0", "1", "2", "3", "4"):
        return f"row {number}, column quarter: {row['quarter']!r} is not 1-4 (or empty for the whole year)"
    activity = row["activity"].strip()
    activity = "visit" if activity.lower() == "visit" else activity.upper()
    if activity not in activities:
        return (f"row {number}, column activity: {row['activity']!r} is not one of "
                f"{', '.join(sorted(activities))} (visit, or a service code of [services] catalogue)")
    return account, year, int(quarter_text), activity


def import_plan(session: Session, file: TextIO, *, activities: Iterable[str], now: datetime) -> ImportResult:
    """Create or update one activity per (account, year, quarter, activity); never deletes."""
    result, allowed = ImportResult(), set(activities)
    accounts = {a.account_code: a for a in session.exec(select(Account))}
    for number, row in read_rows(file, REQUIRED, OPTIONAL):
        missing = next((c for c in REQUIRED if not row.get(c)), None)
        parsed = f"row {number}, column {missing}: empty" if missing else _parse(number, row, accounts, allowed)
        if isinstance(parsed, str):
            result.errors.append(parsed)
            continue
        account, year, quarter, activity = parsed
        item = session.exec(select(PlanActivity).where(
            PlanActivity.account_id == account.id, PlanActivity.year == year, PlanActivity.quarter == quarter,
            PlanActivity.activity == activity)).first()
        if item is None:
            item = PlanActivity(account_id=account.id, year=year, quarter=quarter, activity=activity, updated_at=now)
            result.created += 1
        else:
            result.updated += 1
        item.benefit, item.target, item.note = (row.get(c, "")[:MAX_TEXT] for c in ("benefit", "target", "note"))
        item.updated_at = now
        session.add(item)
        session.flush()
    return result


def for_year(session: Session, year: int) -> list[tuple[PlanActivity, Account]]:
    return [tuple(row) for row in session.exec(
        select(PlanActivity, Account).join(Account, col(Account.id) == PlanActivity.account_id)
        .where(PlanActivity.year == year)
        .order_by(Account.account_code, PlanActivity.quarter, PlanActivity.activity)).all()]


def visit_days(session: Session, start: date, end: date) -> dict[int, list[date]]:
    """{account id: the days of its counted done visits} from start to end."""
    days: dict[int, list[date]] = {}
    for account_id, day in session.exec(select(Visit.account_id, Visit.visit_date).where(
            Visit.status == "done", COUNTS, Visit.visit_date >= start, Visit.visit_date <= end)).all():
        days.setdefault(account_id, []).append(day)
    return days


def delivered_services(session: Session, start_utc: datetime, end_utc: datetime) -> list[tuple[int, str, datetime]]:
    """(account id, service code, delivered at) of the services finished in [start_utc, end_utc)."""
    return [tuple(row) for row in session.exec(select(Ticket.account_id, Ticket.category, Ticket.resolved_at).where(
        Ticket.kind == "service", col(Ticket.status).in_(FINISHED_STATUSES),
        Ticket.resolved_at >= start_utc, Ticket.resolved_at < end_utc)).all()]
