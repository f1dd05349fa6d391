"""Visit quotas: quarters of a quota year, each person's target, and moved-target plans.

Rules (000 plan 8 item 03; 002 §3.1.2): office managers 6 visits a quarter and 24 a year,
zone directors 3, deputy governors 1; a KAMR visits every one of their own accounts each
quarter. A supervisor may move targets between quarters as long as the year's total stays at
or above the rule (002 §3.1.1, §3.1.2(3)). The quota year starts in ``year_start_month`` and is
named by the calendar year it starts in.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, col, or_, select

from bot.config import QuotasConfig
from storage import visits
from storage.models import Account, Staff


@dataclass(frozen=True)
class Quarter:
    year: int  # the quota year
    number: int  # 1..4
    start: date  # first day
    end: date  # last day

    @property
    def label(self) -> str:
        return f"{self.year}Q{self.number}"

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


def _month_start(year: int, month: int) -> date:
    """First day of the month `month` counted from January of `year` (month may exceed 12)."""
    year, month = year + (month - 1) // 12, (month - 1) % 12 + 1
    return date(year, month, 1)


def quarter(config: QuotasConfig, year: int, number: int) -> Quarter:
    if number not in (1, 2, 3, 4):
        raise ValueError("a quarter is 1, 2, 3 or 4")
    first_month = config.year_start_month + 3 * (number - 1)
    start = _month_start(year, first_month)
    end = date.fromordinal(_month_start(year, first_month + 3).toordinal() - 1)
    return Quarter(year, number, start, end)


def quarter_of(config: QuotasConfig, day: date) -> Quarter:
    months_into_year = (day.month - config.year_start_month) % 12
    year = day.year if day.month >= config.year_start_month else day.year - 1
    return quarter(config, year, months_into_year // 3 + 1)


def parse_quarter(config: QuotasConfig, text: str) -> Quarter:
    """'2026Q3' (also '2026q3', '2026-Q3')."""
    cleaned = text.strip().upper().replace("-", "")
    year, _, number = cleaned.partition("Q")
    if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
        raise ValueError(f"not a quarter like 2026Q3: {text!r}")
    return quarter(config, int(year), int(number))


def has_role_quota(config: QuotasConfig, role: str) -> bool:
    return config.per_quarter.get(role, 0) > 0 or config.per_year.get(role, 0) > 0


class PlanRefused(ValueError):
    """A moved-target plan that breaks the year rule; the message says why, in plain words."""


def check_plan(config: QuotasConfig, role: str, targets: list[int]) -> None:
    if len(targets) != 4:
        raise PlanRefused("a plan gives 4 quarter targets, e.g. 4,8,6,6")
    if any(target < 0 for target in targets):
        raise PlanRefused("a quarter target cannot be negative")
    if not has_role_quota(config, role):
        raise PlanRefused(f"role {role} has no visit quota to move (KAMRs visit every account every quarter)")
    rule = config.year_rule(role)
    if sum(targets) < rule:
        raise PlanRefused(f"the year's total would be {sum(targets)}, below the rule of {rule} for {role}")


@dataclass(frozen=True)
class Progress:
    staff: Staff
    quarter: Quarter
    done: int
    target: int
    unvisited: tuple[Account, ...]  # the person's own accounts (KAMRs) or their office's, not yet visited

    @property
    def met(self) -> bool:
        return self.done >= self.target


def progress(session: Session, config: QuotasConfig, q: Quarter, *, staff_ids: list[int] | None = None) -> list[Progress]:
    """Done vs target for everyone with a quota this quarter (or only `staff_ids`: then only their
    own and their offices' accounts and the visits to those or by them are read), in a fixed
    number of queries."""
    query = select(Staff).where(Staff.active).order_by(Staff.id)
    if staff_ids is not None:
        query = query.where(col(Staff.id).in_(staff_ids))
    people = session.exec(query).all()
    accounts_query = select(Account).order_by(Account.account_code)
    if staff_ids is None:
        done = visits.done_between(session, q.start, q.end)
        moved = visits.moved_targets(session, q.year)
    else:
        ids = [person.id for person in people]
        in_scope = or_(col(Account.kamr_id).in_(ids), col(Account.office).in_({person.office for person in people}))
        accounts_query = accounts_query.where(in_scope)
        done = visits.done_between(session, q.start, q.end, staff_ids=ids, account_ids=select(Account.id).where(in_scope))
        moved = visits.moved_targets(session, q.year, ids)
    accounts = session.exec(accounts_query).all()

    visited_by: dict[int, set[int]] = defaultdict(set)
    visit_count: dict[int, int] = defaultdict(int)
    for staff_id, account_id in done:
        visited_by[staff_id].add(account_id)
        visit_count[staff_id] += 1
    visited_at_all = {account_id for _, account_id in done}
    own: dict[int, list[Account]] = defaultdict(list)
    by_office: dict[str, list[Account]] = defaultdict(list)
    for account in accounts:
        if account.kamr_id:
            own[account.kamr_id].append(account)
        by_office[account.office].append(account)

    result = []
    for person in people:
        if person.role in config.kamr_roles and own.get(person.id):
            mine = own[person.id]
            unvisited = tuple(a for a in mine if a.id not in visited_by[person.id])
            result.append(Progress(person, q, len(mine) - len(unvisited), len(mine), unvisited))
        elif has_role_quota(config, person.role):
            target = moved.get((person.id, q.number), config.per_quarter.get(person.role, 0))
            unvisited = tuple(a for a in by_office.get(person.office, ()) if a.id not in visited_at_all)
            result.append(Progress(person, q, visit_count[person.id], target, unvisited))
    return result
