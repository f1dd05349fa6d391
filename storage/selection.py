"""The selection record (CRM-KAM-001) per account and year: stored by `kambot accounts classify --record`,
imported from and exported to CSV. Good rows are kept; each bad row is reported by row and column."""
from __future__ import annotations

from datetime import datetime
from typing import Iterable, TextIO

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import TIERS, Account, SelectionRecord
from storage.roster_import import ImportResult, read_rows

REQUIRED = ("account_code", "year", "tier", "criterion")  # tier may be empty: not a key account
OPTIONAL = ("name", "office", "reason", "also_met", "risk_group", "decided_at", "decided_by")
COLUMNS = ("account_code", "name", "office", "year", "tier", "criterion", "reason", "also_met", "risk_group",
           "decided_at", "decided_by")
RISK_GROUPS = ("spp", "self_generation")
MAX_TEXT = 500


def record(session: Session, account: Account, year: int, *, tier: str, criterion: str, reason: str,
           also_met: Iterable[str], risk_groups: Iterable[str], now: datetime, by: str) -> bool:
    """Create or replace the account's record of the year; True when created."""
    item = session.exec(select(SelectionRecord).where(SelectionRecord.account_id == account.id,
                                                      SelectionRecord.year == year)).first()
    created = item is None
    item = item or SelectionRecord(account_id=account.id, year=year, decided_at=now)
    item.tier, item.criterion, item.reason = tier, criterion[:MAX_TEXT], reason[:MAX_TEXT]
    item.also_met, item.risk_groups = ";".join(also_met), ";".join(risk_groups)
    item.decided_at, item.decided_by = now, by[:MAX_TEXT]
    session.add(item)
    session.flush()
    return created


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", ";").split(";") if part.strip()]


def _parse(number: int, row: dict, accounts: dict[str, Account]) -> tuple | str:
    """(account, year, tier, risk groups) or the error naming row and column."""
    missing = next((c for c in REQUIRED if c != "tier" and not row.get(c)), None)
    if missing:
        return f"row {number}, column {missing}: empty"
    account = accounts.get(row["account_code"].upper())
    if account is None:
        return f"row {number}, column account_code: {row['account_code']!r} is not an account in the roster"
    year = int(row["year"]) if row["year"].isdigit() else 0
    if not 2000 <= year <= 2100:
        return f"row {number}, column year: {row['year']!r} is not a year like 2026"
    tier = row["tier"].lower()
    if tier and tier not in TIERS:
        return f"row {number}, column tier: {row['tier']!r} is not one of {', '.join(TIERS)} (or empty)"
    groups = [group.lower() for group in _split(row.get("risk_group", ""))]
    wrong = next((group for group in groups if group not in RISK_GROUPS), None)
    if wrong:
        return f"row {number}, column risk_group: {wrong!r} is not one of {', '.join(RISK_GROUPS)} (or empty)"
    return account, year, tier, groups


def import_records(session: Session, file: TextIO, *, now: datetime, by: str) -> ImportResult:
    """Create or update one record per (account, year) from a CSV as `export_rows` writes it; never deletes."""
    result = ImportResult()
    accounts = {a.account_code.upper(): a for a in session.exec(select(Account))}
    for number, row in read_rows(file, REQUIRED, OPTIONAL):
        parsed = _parse(number, row, accounts)
        if isinstance(parsed, str):
            result.errors.append(parsed)
            continue
        account, year, tier, groups = parsed
        created = record(session, account, year, tier=tier, criterion=row["criterion"], reason=row.get("reason", ""),
                         also_met=_split(row.get("also_met", "")), risk_groups=groups, now=now,
                         by=row.get("decided_by") or by)
        result.created += created
        result.updated += not created
    return result


def export_rows(session: Session, year: int) -> list[tuple]:
    found = session.exec(select(SelectionRecord, Account).join(Account, col(Account.id) == SelectionRecord.account_id)
                         .where(SelectionRecord.year == year).order_by(Account.account_code)).all()
    return [(a.account_code, a.name, a.office, r.year, r.tier, r.criterion, r.reason, r.also_met, r.risk_groups,
             r.decided_at.isoformat(timespec="minutes"), r.decided_by) for r, a in found]


# Built once: every new outage's KAMR card reads it (building a statement cost more than running it).
_RECORDS_UP_TO = (select(SelectionRecord).where(col(SelectionRecord.account_id).in_(bindparam("accounts", expanding=True)),
                                                 SelectionRecord.year <= bindparam("year"))
                  .order_by(SelectionRecord.year))


def risk_groups_of(session: Session, account_ids: Iterable[int], year: int) -> dict[int, list[str]]:
    """{account id: its risk groups} by the latest record up to `year` (a classification stands until the
    next one); accounts without a risk group are left out."""
    ids = list(set(account_ids))
    if not ids:
        return {}
    latest: dict[int, SelectionRecord] = {}
    for item in session.exec(_RECORDS_UP_TO, params={"accounts": ids, "year": year}).all():
        latest[item.account_id] = item
    return {account_id: item.risk_groups.split(";") for account_id, item in latest.items() if item.risk_groups}
