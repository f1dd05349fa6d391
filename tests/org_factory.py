"""A generated organisation for scale tests and benchmarks: offices of KAMRs with a senior KAMR
(supervisor) and a zone KAMR (backup), accounts spread over the KAMRs, and a mix of tickets:
outages (mostly resolved, some open and never acknowledged) and complaints with due dates
around today. Rows go in by bulk INSERT so 50,000 tickets take seconds."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from storage.db import session_scope
from storage.models import Account, Staff, Ticket

STAFF_PER_OFFICE = 20  # 1 senior KAMR, 1 zone KAMR, 18 KAMRs


@dataclass
class Organisation:
    offices: int
    staff: int
    accounts: int
    tickets: int
    open_outages: int  # never acknowledged, created before the escalation cutoff
    complaints_due: int  # unanswered, due within two working days or overdue


def staff_line_id(n: int) -> str:
    return f"Ustaff{n:027d}"


def generate(engine, *, staff: int, accounts: int, tickets: int, now: datetime, seed: int = 7,
             open_outage_share: float = 0.004, complaint_share: float = 0.3) -> Organisation:
    rng = random.Random(seed)
    with session_scope(engine) as session:  # ids continue after whatever is there already
        staff_base, account_base, ticket_base = (session.execute(select(func.coalesce(func.max(model.id), 0))).scalar()
                                                 for model in (Staff, Account, Ticket))
    offices = max(1, staff // STAFF_PER_OFFICE)
    staff_rows, kamr_ids_by_office = [], {}
    for n in range(staff):
        office = n % offices
        slot = n // offices
        role = "senior_kamr" if slot == 0 else "zone_kamr" if slot == 1 else "kamr"
        staff_rows.append(dict(id=staff_base + n + 1, staff_code=f"S{n:05d}", name=f"พนักงาน {n}", role=role,
                               office=f"PEA-{office:03d}",
                               supervisor_code=f"S{office:05d}" if role == "kamr" else None,
                               line_user_id=staff_line_id(n), language="th", active=True))
        if role == "kamr":
            kamr_ids_by_office.setdefault(office, []).append(staff_base + n + 1)
    account_rows = []
    for n in range(accounts):
        office = n % offices
        kamrs = kamr_ids_by_office.get(office) or [staff_base + office + 1]
        account_rows.append(dict(id=account_base + n + 1, account_code=f"A{n:05d}", name=f"บริษัท ลูกค้า {n} จำกัด",
                                 tier="star", office=f"PEA-{office:03d}", kamr_id=kamrs[(n // offices) % len(kamrs)]))
    today = (now + timedelta(hours=7)).date()
    ticket_rows, open_outages, complaints_due = [], 0, 0
    for n in range(tickets):
        created = now - timedelta(minutes=rng.randint(20, 60 * 24 * 60))
        row = dict(id=ticket_base + n + 1, account_id=account_base + rng.randint(1, accounts), channel="line",
                   description="", details={}, created_at=created, status="resolved")
        if rng.random() < complaint_share:
            due = today + timedelta(days=rng.randint(-10, 10))
            status = rng.choice(("open", "acknowledged", "answered", "closed", "closed"))
            row.update(kind="complaint", number=f"CMP-69-{n + 1:06d}", category="billing", status=status, due_date=due)
            complaints_due += status in ("open", "acknowledged") and _due_soon_or_late(due, today)
        else:
            row.update(kind="outage", number=f"OUT-69-{n + 1:06d}", category="no_power", started_at=created)
            if rng.random() < open_outage_share:
                row["status"] = "open"
                open_outages += 1
        ticket_rows.append(row)
    with session_scope(engine) as session:
        session.execute(insert(Staff), staff_rows)
        session.execute(insert(Account), account_rows)
        for start in range(0, len(ticket_rows), 5000):
            session.execute(insert(Ticket), ticket_rows[start:start + 5000])
    _reset_sequences(engine)
    return Organisation(offices, staff, accounts, tickets, open_outages, complaints_due)


def _due_soon_or_late(due: date, today: date) -> bool:
    """Roughly (calendar days, not working days): the digest's window."""
    return due <= today + timedelta(days=4)


def _reset_sequences(engine) -> None:
    """Explicit ids were inserted; PostgreSQL's sequences must move past them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in ("staff", "account", "ticket"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
