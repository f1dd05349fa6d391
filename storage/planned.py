"""Planned outages (issue 16): the CSV import and the queries the notice job asks.

CSV columns: reference, starts, ends (Bangkok "YYYY-MM-DD HH:MM") and at least one of feeders,
sites (`A100/โรงงาน 1`), ca_numbers (each `;`-separated); optional reason, contact_person and
status (`cancelled` to call it off). A re-import with the same reference moves or cancels it.
Bad rows are reported by row and column; good rows are kept."""
from __future__ import annotations

from datetime import datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlmodel import Session, col, select

from storage.models import Account, Contact, PlannedAck, PlannedOutage, Site
from storage.network import sites_on, unknown_feeders
from storage.roster import account_by_code
from storage.roster_import import ImportResult, read_rows

BANGKOK = ZoneInfo("Asia/Bangkok")
COLUMNS = ("reference", "starts", "ends")
OPTIONAL = ("feeders", "sites", "ca_numbers", "reason", "contact_person", "status")
TIME_FORMAT = "%Y-%m-%d %H:%M"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.replace("|", ";").split(";") if part.strip()]


def _time(row: dict, column: str, number: int) -> tuple[datetime | None, str | None]:
    try:
        local = datetime.strptime(row.get(column, ""), TIME_FORMAT)
    except ValueError:
        return None, f"row {number}, column {column}: {row.get(column, '')!r} is not a time like 2026-12-05 08:30"
    return local.replace(tzinfo=BANGKOK).astimezone(ZoneInfo("UTC")), None


def _sites(session: Session, row: dict, number: int) -> tuple[list[int], str | None]:
    """The site ids the row names, or the first name that is unknown, with its column."""
    found: list[int] = []
    if unknown := unknown_feeders(session, _split(row.get("feeders", ""))):
        return [], f"row {number}, column feeders: unknown feeder {unknown[0]} (no site is on it)"
    found += [site.id for site in sites_on(session, _split(row.get("feeders", "")))]
    for named in _split(row.get("sites", "")):
        code, _, name = named.partition("/")
        account = account_by_code(session, code.strip())
        site = session.exec(select(Site).where(Site.account_id == account.id, Site.name == name.strip())).first() \
            if account else None
        if site is None:
            return [], f"row {number}, column sites: unknown site {named!r} (write account_code/site name)"
        found.append(site.id)
    for ca in _split(row.get("ca_numbers", "")):
        site = session.exec(select(Site).where(Site.ca_number == ca)).first()
        if site is None:
            return [], f"row {number}, column ca_numbers: unknown CA number {ca}"
        found.append(site.id)
    if not found:
        return [], f"row {number}, column feeders: name the feeders, sites or ca_numbers it cuts"
    return sorted(set(found)), None


def import_planned(session: Session, file: TextIO, *, now: datetime) -> ImportResult:
    result = ImportResult()
    for number, row in read_rows(file, COLUMNS, OPTIONAL):
        error = next((f"row {number}, column {c}: empty" for c in COLUMNS if not row.get(c)), None)
        starts, ends = (None, None)
        if not error:
            starts, error = _time(row, "starts", number)
        if not error:
            ends, error = _time(row, "ends", number)
        if not error and ends <= starts:
            error = f"row {number}, column ends: {row['ends']} is not after the start {row['starts']}"
        status = (row.get("status") or "planned").lower()
        if not error and status not in ("planned", "cancelled"):
            error = f"row {number}, column status: {row['status']!r} is not planned or cancelled"
        site_ids: list[int] = []
        if not error and status == "planned":
            site_ids, error = _sites(session, row, number)
        existing = by_reference(session, row.get("reference", ""))
        if not error and starts <= now and (existing is None or existing.starts_at != starts):
            error = f"row {number}, column starts: {row['starts']} is in the past"
        if error:
            result.errors.append(error)
            continue
        if existing is None:
            if status == "cancelled":
                result.errors.append(f"row {number}, column status: no planned outage {row['reference']!r} to cancel")
                continue
            session.add(PlannedOutage(reference=row["reference"], site_ids=site_ids, starts_at=starts, ends_at=ends,
                                      reason=row.get("reason", ""), contact_person=row.get("contact_person", ""),
                                      created_at=now))
            result.created += 1
            continue
        _change(existing, status, site_ids, starts, ends, row)
        session.add(existing)
        result.updated += 1
    session.flush()
    return result


def _change(planned: PlannedOutage, status: str, site_ids: list[int], starts: datetime, ends: datetime, row: dict) -> None:
    """A move or a cancellation that people were told about is told again (the job, in the daytime window)."""
    if planned.status == "cancelled":
        return  # called off for good: a new reference plans new work
    told = planned.notice_sent_at is not None
    if status == "cancelled":
        planned.status, planned.change_pending = "cancelled", "cancelled" if told else ""
        return
    moved = (planned.starts_at, planned.ends_at) != (starts, ends)
    planned.site_ids, planned.starts_at, planned.ends_at = site_ids, starts, ends
    planned.reason, planned.contact_person = row.get("reason", ""), row.get("contact_person", "")
    if moved:
        planned.reminder_sent_at = None  # the day before the new date
        planned.change_pending = "moved" if told else ""


def by_reference(session: Session, reference: str) -> PlannedOutage | None:
    return session.exec(select(PlannedOutage).where(PlannedOutage.reference == reference)).first() if reference else None


def upcoming(session: Session, *, now: datetime) -> list[PlannedOutage]:
    """Work not yet over, or with a change still to tell: what the job looks at."""
    return list(session.exec(select(PlannedOutage).where(
        (PlannedOutage.ends_at > now) | (PlannedOutage.change_pending != "")).order_by(PlannedOutage.starts_at)).all())


def claim(session: Session, planned: PlannedOutage, field: str, *, now: datetime, **also) -> bool:
    """Mark a notice as sent if nobody has (two schedulers: one sends it)."""
    column = getattr(PlannedOutage, field)
    result = session.execute(update(PlannedOutage).where(PlannedOutage.id == planned.id, column.is_(None))
                             .values({field: now, **also}))
    session.refresh(planned)
    return result.rowcount == 1


def clear_change(session: Session, planned: PlannedOutage, change: str) -> bool:
    result = session.execute(update(PlannedOutage).where(PlannedOutage.id == planned.id,
                                                          PlannedOutage.change_pending == change)
                             .values(change_pending=""))
    session.refresh(planned)
    return result.rowcount == 1


def affected(session: Session, planned: PlannedOutage) -> list[tuple[Account, list[Site]]]:
    """The accounts the work cuts, each with its sites in it, by account code."""
    sites = list(session.exec(select(Site).where(col(Site.id).in_(planned.site_ids or [-1]))).all())
    by_account: dict[int, list[Site]] = {}
    for site in sites:
        by_account.setdefault(site.account_id, []).append(site)
    accounts = session.exec(select(Account).where(col(Account.id).in_(list(by_account) or [-1]))
                            .order_by(Account.account_code)).all()
    return [(account, by_account[account.id]) for account in accounts]


def contacts(session: Session, planned: PlannedOutage) -> list[Contact]:
    account_ids = [account.id for account, _ in affected(session, planned)]
    return list(session.exec(select(Contact).where(col(Contact.account_id).in_(account_ids or [-1]), Contact.active,
                                                   col(Contact.line_user_id).is_not(None)).order_by(Contact.id)).all())


def acknowledge(session: Session, planned: PlannedOutage, contact: Contact, *, now: datetime) -> bool:
    if session.exec(select(PlannedAck).where(PlannedAck.planned_id == planned.id,
                                             PlannedAck.contact_id == contact.id)).first():
        return False
    session.add(PlannedAck(planned_id=planned.id, contact_id=contact.id, at=now))
    session.flush()
    return True


def acknowledged_by(session: Session, planned: PlannedOutage) -> set[int]:
    return set(session.exec(select(PlannedAck.contact_id).where(PlannedAck.planned_id == planned.id)))

