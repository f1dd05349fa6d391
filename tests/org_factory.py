"""A generated organisation for scale tests and benchmarks: offices of KAMRs with a senior KAMR
(supervisor), a zone KAMR (backup) and an office manager (zone directors every tenth office, one
deputy governor), accounts spread over the KAMRs with three contacts each (two on LINE), a mix
of tickets: outages (mostly resolved, some open and never acknowledged) and complaints with due
dates around today, and visits: earlier quarters', this quarter's done ones (asked to rate and
reminded), a few days' worth awaiting the rating reminder (some contacts already rated), planned
ones past their day without a result, future plans, and moved quota targets for some managers.
Rows go in by bulk INSERT so 50,000 tickets take seconds."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import func, insert, select

from storage.db import session_scope
from storage.models import Account, Contact, Rating, Staff, Ticket, Visit, VisitTarget

STAFF_PER_OFFICE = 20  # 1 senior KAMR, 1 zone KAMR, 1 office manager, 17 KAMRs (a zone director every 10th office)
CONTACTS_PER_ACCOUNT = 3  # the last one is known from the roster only, not on LINE
QUARTER_START = date(2026, 10, 1)  # the default quota year: the calendar year, so Q4 2026


@dataclass
class Organisation:
    offices: int
    staff: int
    accounts: int
    tickets: int
    open_outages: int  # never acknowledged, created before the escalation cutoff
    complaints_due: int  # unanswered, due within two working days or overdue
    contacts: int = 0
    visits: int = 0
    visits_unreported: int = 0  # planned, their day passed, no result logged
    visits_awaiting_rating_reminder: int = 0  # asked to rate more than two days ago, not reminded yet


def staff_line_id(n: int) -> str:
    return f"Ustaff{n:027d}"


def contact_line_id(n: int) -> str:
    return f"Ucont{n:028d}"


def _role(office: int, slot: int, *, last: bool) -> str:
    if last:
        return "deputy_governor"
    if slot == 3 and office % 10 == 0:
        return "zone_director"
    return {0: "senior_kamr", 1: "zone_kamr", 2: "office_manager"}.get(slot, "kamr")


def generate(engine, *, staff: int, accounts: int, tickets: int, now: datetime, seed: int = 7,
             open_outage_share: float = 0.004, complaint_share: float = 0.3) -> Organisation:
    rng = random.Random(seed)
    with session_scope(engine) as session:  # ids continue after whatever is there already
        staff_base, account_base, ticket_base, contact_base, visit_base = (
            session.execute(select(func.coalesce(func.max(model.id), 0))).scalar()
            for model in (Staff, Account, Ticket, Contact, Visit))
    offices = max(1, staff // STAFF_PER_OFFICE)
    staff_rows, kamr_ids_by_office = [], {}
    for n in range(staff):
        office = n % offices
        slot = n // offices
        role = _role(office, slot, last=n == staff - 1)
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
    contact_rows = [dict(id=contact_base + n + 1, account_id=account["id"], name=f"ผู้ติดต่อ {n}", language="th",
                         line_user_id=contact_line_id(n) if n % CONTACTS_PER_ACCOUNT else None, active=True)
                    for n, account in enumerate(a for a in account_rows for _ in range(CONTACTS_PER_ACCOUNT))]
    managers = [row for row in staff_rows if row["role"] not in ("kamr", "senior_kamr", "zone_kamr")]
    visits = _Visits(rng, visit_base, now, today)
    visits.generate(account_rows, managers)
    rating_rows = visits.ratings(contact_rows)
    target_rows = [dict(staff_id=row["id"], year=QUARTER_START.year, quarter=number, target=target, set_by="S00000",
                       set_at=now - timedelta(days=60))
                   for row in managers[::2] if row["role"] == "office_manager"
                   for number, target in enumerate((8, 6, 6, 4), start=1)]
    with session_scope(engine) as session:
        session.execute(insert(Staff), staff_rows)
        session.execute(insert(Account), account_rows)
        session.execute(insert(Contact), contact_rows)
        for model, rows in ((Ticket, ticket_rows), (Visit, visits.rows), (Rating, rating_rows),
                            (VisitTarget, target_rows)):
            for start in range(0, len(rows), 5000):
                session.execute(insert(model), rows[start:start + 5000])
    _reset_sequences(engine)
    return Organisation(offices, staff, accounts, tickets, open_outages, complaints_due, contacts=len(contact_rows),
                        visits=len(visits.rows), visits_unreported=visits.unreported,
                        visits_awaiting_rating_reminder=visits.awaiting_reminder)


class _Visits:
    """Visit rows as the bot would have left them by `now`."""

    def __init__(self, rng: random.Random, id_base: int, now: datetime, today: date):
        self.rng, self.id_base, self.now, self.today = rng, id_base, now, today
        self.rows: list[dict] = []
        self.unreported = self.awaiting_reminder = 0

    def add(self, account: dict, staff_id: int, day: date, status: str, *, asked: datetime | None = None,
            reminded: datetime | None = None) -> None:
        created = datetime.combine(day, datetime.min.time(), self.now.tzinfo) + timedelta(hours=3)
        self.rows.append(dict(id=self.id_base + len(self.rows) + 1, account_id=account["id"], staff_id=staff_id,
                              visit_date=day, mode="on_site", purpose="relationship", status=status, channel="line",
                              created_at=created, reported_at=created if status == "done" else None,
                              rating_asked_at=asked, rating_reminded_at=reminded))

    def done(self, account: dict, staff_id: int, day: date) -> None:
        asked = datetime.combine(day, datetime.min.time(), self.now.tzinfo) + timedelta(hours=4)
        self.add(account, staff_id, day, "done", asked=asked, reminded=asked + timedelta(days=2))

    def generate(self, accounts: list[dict], managers: list[dict]) -> None:
        rng, today = self.rng, self.today
        days_this_quarter = (today - QUARTER_START).days
        for account in accounts:
            kamr = account["kamr_id"]
            for quarters_back in (3, 2, 1):  # one visit in each earlier quarter of the year
                self.done(account, kamr, QUARTER_START - timedelta(days=30 * quarters_back + rng.randint(0, 25)))
            draw = rng.random()
            if draw < 0.55:  # done this quarter, reminded long ago
                self.done(account, kamr, QUARTER_START + timedelta(days=rng.randint(0, days_this_quarter - 5)))
            elif draw < 0.58:  # done 2-4 days ago: asked to rate, the reminder is due
                asked = self.now - timedelta(days=2, hours=rng.randint(1, 48))
                self.add(account, kamr, (asked + timedelta(hours=7)).date(), "done", asked=asked)
                self.awaiting_reminder += 1
            elif draw < 0.60:  # done yesterday: too soon to remind
                self.add(account, kamr, today - timedelta(days=1), "done", asked=self.now - timedelta(hours=20))
            elif draw < 0.65:  # planned, the day passed, no result yet
                self.add(account, kamr, today - timedelta(days=rng.randint(1, 14)), "planned")
                self.unreported += 1
            elif draw < 0.80:
                self.add(account, kamr, today + timedelta(days=rng.randint(0, 30)), "planned")
            elif draw < 0.82:
                self.add(account, kamr, today - timedelta(days=rng.randint(1, 20)), "cancelled")
        by_office: dict[str, list[dict]] = {}
        for account in accounts:
            by_office.setdefault(account["office"], []).append(account)
        for manager in managers:  # office managers and zone directors visit a few of their office's accounts
            mine = by_office.get(manager["office"], [])
            for account in rng.sample(mine, min(len(mine), rng.randint(0, 5))):
                self.done(account, manager["id"], QUARTER_START + timedelta(days=rng.randint(0, days_this_quarter - 5)))

    def ratings(self, contacts: list[dict]) -> list[dict]:
        """Some contacts on LINE rated the visits awaiting a reminder; they must not be reminded."""
        on_line: dict[int, list[dict]] = {}
        for contact in contacts:
            if contact["line_user_id"]:
                on_line.setdefault(contact["account_id"], []).append(contact)
        rows = []
        for visit in self.rows:
            if visit["rating_asked_at"] and visit["rating_reminded_at"] is None:
                for contact in on_line.get(visit["account_id"], []):
                    if self.rng.random() < 0.4:
                        rows.append(dict(subject_kind="visit", subject_id=visit["id"], account_id=visit["account_id"],
                                         contact_id=contact["id"], score=self.rng.randint(3, 5), comment="",
                                         at=visit["rating_asked_at"] + timedelta(hours=2)))
        return rows


def _due_soon_or_late(due: date, today: date) -> bool:
    """Roughly (calendar days, not working days): the digest's window."""
    return due <= today + timedelta(days=4)


def _reset_sequences(engine) -> None:
    """Explicit ids were inserted; PostgreSQL's sequences must move past them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in ("staff", "account", "ticket", "contact", "visit", "rating", "visittarget"):
            connection.exec_driver_sql(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
