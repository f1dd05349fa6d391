"""Visit quotas: quarters of a quota year, each person's target, and moved-target plans.

Rules (000 plan 8 item 03; 002 §3.1.2): office managers 6 visits a quarter and 24 a year,
zone directors 3, deputy governors 1; a KAMR visits every one of their own accounts each
quarter. A supervisor may move targets between quarters as long as the year's total stays at
or above the rule (002 §3.1.1, §3.1.2(3)). The quota year starts in ``year_start_month`` and is
named by the calendar year it starts in.

As the manuals mean them (issue 17): a manager's quota counts *customers* ("6 ราย"), distinct within
each quarter (see `credited_customers` for visits with several accounts and visits by a representative);
the year's floor is judged on what was done in the closed quarters plus what is planned for the
open ones, and a closed quarter's target is history (002 §3.1.2(3)); the deputy governor's quota is
suspended unless switched on (002 §3.1.2(1)); department heads carry the visit targets of their
office's Streamline accounts (001 §4.15.5); a visit reported late for a closed quarter counts only
once approved (001 flow chart step 5; handlers/rules/visit_timing.py).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

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
    return quarter(config, quota_year(config, day), quarter_number(config, day))


# The two parts of quarter_of, without building the Quarter: callers ask for tens of thousands of visits.
def quota_year(config: QuotasConfig, day: date) -> int:
    return day.year if day.month >= config.year_start_month else day.year - 1


def quarter_number(config: QuotasConfig, day: date) -> int:
    """1-4 within the quota year."""
    return (day.month - config.year_start_month) % 12 // 3 + 1


def parse_quarter(config: QuotasConfig, text: str) -> Quarter:
    """'2026Q3' (also '2026q3', '2026-Q3')."""
    cleaned = text.strip().upper().replace("-", "")
    year, _, number = cleaned.partition("Q")
    if not (year.isdigit() and len(year) == 4 and number in ("1", "2", "3", "4")):
        raise ValueError(f"not a quarter like 2026Q3: {text!r}")
    return quarter(config, int(year), int(number))


def closes_on(config: QuotasConfig, q: Quarter) -> date:
    """The first day the quarter is closed: its targets are history, late visits need approval."""
    return q.end + timedelta(days=config.quarter_closes_after_days + 1)


def is_closed(config: QuotasConfig, q: Quarter, today: date) -> bool:
    return today >= closes_on(config, q)


def has_role_quota(config: QuotasConfig, role: str) -> bool:
    return config.quarter_rule(role) > 0 or config.year_rule(role) > 0


def plan_for_year(config: QuotasConfig, role: str, moved: dict[int, int]) -> list[int]:
    """The four quarter targets of a manager role: the configured default unless moved."""
    default = config.quarter_rule(role)
    return [moved.get(number, default) for number in (1, 2, 3, 4)]


class PlanRefused(ValueError):
    """A moved-target plan that breaks the year rule; the message says why, in plain words."""


def check_plan(config: QuotasConfig, role: str, targets: list[int]) -> None:
    """The plan's shape and the plain sum; `check_year_plan` adds what was done and which quarters are closed."""
    if len(targets) != 4:
        raise PlanRefused("a plan gives 4 quarter targets, e.g. 4,8,6,6")
    if any(target < 0 for target in targets):
        raise PlanRefused("a quarter target cannot be negative")
    if not has_role_quota(config, role):
        if role == "deputy_governor":
            raise PlanRefused("the deputy governor's quota is suspended (002 §3.1.2(1); "
                              "[quotas] deputy_governor_quota = false)")
        raise PlanRefused(f"role {role} has no visit quota to move (KAMRs visit every account every quarter)")
    rule = config.year_rule(role)
    if sum(targets) < rule:
        raise PlanRefused(f"the year's total would be {sum(targets)}, below the rule of {rule} for {role}")


# Whose quota a representative's (ผู้แทน) visit may fill: the managers with a customer quota. The team's digest
# (shared/domain.md, "Visits and quotas") reads 000 plan 8 item 03 as "a named representative's visit counts for
# the person" for the office manager's 6 ราย as for "รผก./ผู้แทน" and "อข./ผู้แทน", and 002 §3.1.2(2)-(3) lets
# others visit "แทน". (The plan's table writes "/ผู้แทน" only beside รผก. and อข.; the digest is followed.)
# A representative who is on the staff keeps it as their own visit too.
LOGS_FOR_REPRESENTATIVE = ("office_manager", "zone_director", "deputy_governor")  # who may name one in LINE
REPRESENTED_ROLES = LOGS_FOR_REPRESENTATIVE


def representative_counts(role: str) -> bool:
    return role in REPRESENTED_ROLES


def credited_customers(session: Session, start: date, end: date, *,
                       staff_ids: list[int] | None = None) -> list[tuple[int, int, date]]:
    """(credited staff id, account id, visit date) of every counted visit from start to end.

    A visit with several accounts is one row per account, so each account is a customer visited (a joint
    meeting with three key accounts meets three "ราย"); distinct customers are counted by the callers.
    A representative's visit is credited as REPRESENTED_ROLES says."""
    rows = visits.credited_between(session, start, end, staff_ids=staff_ids)
    roles = visits.roles_of(session, {behalf for _, behalf, _, _ in rows if behalf is not None})
    credited = []
    for visitor, behalf, account_id, day in rows:
        if behalf is not None and representative_counts(roles.get(behalf, "")):
            person = behalf
        elif behalf is not None and visitor == behalf:
            continue  # a typed representative for a quota that admits none: nobody on the staff made it
        else:
            person = visitor
        if staff_ids is None or person in staff_ids:
            credited.append((person, account_id, day))
    return credited


def representative_visits(session: Session, start: date, end: date) -> dict[int, tuple[int, int]]:
    """{person id: (visits made for them by a representative and credited, not credited)} from start to end."""
    rows = [row for row in visits.credited_between(session, start, end) if row[1] is not None]
    roles = visits.roles_of(session, {behalf for _, behalf, _, _ in rows})
    counted: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for _, behalf, _, _ in rows:
        counted[behalf][0 if representative_counts(roles.get(behalf, "")) else 1] += 1
    return {person: (credited, not_credited) for person, (credited, not_credited) in counted.items()}


def customers_per_quarter(session: Session, config: QuotasConfig, year: int,
                          staff_ids: list[int] | None = None) -> dict[tuple[int, int], int]:
    """{(staff id, quarter number): distinct customers credited} over the whole quota year."""
    first, last = quarter(config, year, 1), quarter(config, year, 4)
    seen: dict[tuple[int, int], set[int]] = defaultdict(set)
    for credited, account_id, day in credited_customers(session, first.start, last.end, staff_ids=staff_ids):
        seen[(credited, quarter_of(config, day).number)].add(account_id)
    return {key: len(accounts) for key, accounts in seen.items()}


def check_year_plan(session: Session, config: QuotasConfig, person: Staff, year: int, targets: list[int], *,
                    today: date) -> None:
    """A plan for `person`'s quota year, judged as 002 §3.1.2(3) means it: closed quarters keep their
    target, and what was done in them plus what is planned for the open ones reaches the year rule."""
    if len(targets) != 4 or any(target < 0 for target in targets) or not has_role_quota(config, person.role):
        check_plan(config, person.role, targets)
    moved = {number: target for (_, number), target in visits.moved_targets(session, year, [person.id]).items()}
    current = plan_for_year(config, person.role, moved)
    quarters = [quarter(config, year, number) for number in (1, 2, 3, 4)]
    closed = [q for q in quarters if is_closed(config, q, today)]
    for q in closed:
        if targets[q.number - 1] != current[q.number - 1]:
            raise PlanRefused(
                f"{q.label} closed on {closes_on(config, q).isoformat()}: its target stays "
                f"{current[q.number - 1]} (asked {targets[q.number - 1]}); closed quarters are history, "
                f"nobody may move them")
    rule = config.year_rule(person.role)
    done = customers_per_quarter(session, config, year, [person.id])
    done_closed = sum(done.get((person.id, q.number), 0) for q in closed)
    open_quarters = [q for q in quarters if q not in closed]
    planned_open = sum(targets[q.number - 1] for q in open_quarters)
    if done_closed + planned_open < rule:
        open_labels = "–".join(dict.fromkeys([open_quarters[0].label, open_quarters[-1].label])) if open_quarters \
            else "no open quarter"
        closed_text = (f"{done_closed} customers done in the closed quarters "
                       f"{closed[0].label}–{closed[-1].label} + " if closed else "")
        raise PlanRefused(
            f"the year would reach {closed_text}{planned_open} planned for {open_labels} = "
            f"{done_closed + planned_open}, below the rule of {rule} for {person.role} (002 §3.1.2(3)); "
            + (f"plan at least {rule - done_closed} for {open_labels}" if open_quarters
               else "the year is closed"))


@dataclass(frozen=True)
class YearStanding:
    """Where a manager stands against the year rule: customers done in the year's earlier quarters,
    this quarter's figure, and the targets still planned after it."""

    rule: int
    done_before: int
    planned_after: int

    def expected(self, done: int, target: int) -> int:
        return self.done_before + max(done, target) + self.planned_after

    def short(self, done: int, target: int) -> int:
        """How many customers the plan leaves the year below its rule (0: on course)."""
        return max(0, self.rule - self.expected(done, target))


@dataclass(frozen=True)
class Progress:
    staff: Staff
    quarter: Quarter
    done: int
    target: int
    unvisited: tuple[Account, ...]  # the person's own accounts (KAMRs) or their office's, not yet visited
    year: YearStanding | None = None  # managers only

    @property
    def year_done(self) -> int:
        return (self.year.done_before if self.year else 0) + self.done

    @property
    def year_short(self) -> int:
        return self.year.short(self.done, self.target) if self.year else 0

    @property
    def met(self) -> bool:
        return self.done >= self.target and self.year_short == 0


def progress(session: Session, config: QuotasConfig, q: Quarter, *, staff_ids: list[int] | None = None) -> list[Progress]:
    """Done vs target for everyone with a quota this quarter (or only `staff_ids`: then only their
    own and their offices' accounts and the visits to those or by them are read), in a fixed
    number of queries."""
    query = select(Staff).where(Staff.active).order_by(Staff.id)
    if staff_ids is not None:
        query = query.where(col(Staff.id).in_(staff_ids))
    people = session.exec(query).all()
    accounts_query = select(Account).order_by(Account.account_code)
    ids = [person.id for person in people] if staff_ids is not None else None
    if staff_ids is None:
        done = visits.done_between(session, q.start, q.end)
        moved = visits.moved_targets(session, q.year)
    else:
        in_scope = or_(col(Account.kamr_id).in_(ids), col(Account.office).in_({person.office for person in people}))
        accounts_query = accounts_query.where(in_scope)
        done = visits.done_between(session, q.start, q.end, staff_ids=ids, account_ids=select(Account.id).where(in_scope))
        moved = visits.moved_targets(session, q.year, ids)
    accounts = session.exec(accounts_query).all()
    year_start = quarter(config, q.year, 1).start
    customers: dict[tuple[int, int], set[int]] = defaultdict(set)
    for credited, account_id, day in credited_customers(session, year_start, q.end, staff_ids=ids):
        number = quarter_number(config, day)
        if q.contains(day) or number < q.number:  # a month's report: the quarter's earlier days are neither
            customers[(credited, number)].add(account_id)

    visited_by: dict[int, set[int]] = defaultdict(set)
    for staff_id, account_id in done:
        visited_by[staff_id].add(account_id)
    visited_at_all = {account_id for _, account_id in done}
    own: dict[int, list[Account]] = defaultdict(list)
    by_office: dict[str, list[Account]] = defaultdict(list)
    held_by = {person.id: person for person in people}
    for account in accounts:
        if account.kamr_id:
            own[account.kamr_id].append(account)
        by_office[account.office].append(account)

    def streamline_of(office: str) -> list[Account]:
        """The office's Streamline accounts not held by a KAMR (those stay the KAMR's, flagged by staff load)."""
        return [a for a in by_office.get(office, ()) if a.tier == "streamline"
                and not (a.kamr_id in held_by and held_by[a.kamr_id].role in config.kamr_roles)]

    result = []
    for person in people:
        credited = customers.get((person.id, q.number), set())
        if person.role in config.kamr_roles and own.get(person.id):
            mine = own[person.id]
            unvisited = tuple(a for a in mine if a.id not in visited_by[person.id])
            result.append(Progress(person, q, len(mine) - len(unvisited), len(mine), unvisited))
        elif person.role in config.streamline_roles and (mine := streamline_of(person.office)):
            unvisited = tuple(a for a in mine if a.id not in credited)
            result.append(Progress(person, q, len(mine) - len(unvisited), len(mine), unvisited))
        elif has_role_quota(config, person.role):
            plan = plan_for_year(config, person.role, {n: t for (sid, n), t in moved.items() if sid == person.id})
            standing = YearStanding(
                rule=config.year_rule(person.role),
                done_before=sum(len(customers.get((person.id, n), ())) for n in range(1, q.number)),
                planned_after=sum(plan[q.number:]))
            unvisited = tuple(a for a in by_office.get(person.office, ()) if a.id not in visited_at_all)
            result.append(Progress(person, q, len(credited), plan[q.number - 1], unvisited, standing))
    return result
