"""Visits, moved quota targets, and the visit-rating reminders."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Select, update
from sqlmodel import Session, col, or_, select

from storage.models import Account, Staff, Visit, VisitTarget


def add(session: Session, visit: Visit) -> Visit:
    session.add(visit)
    session.flush()
    return visit


# A done visit counts unless it was reported late for a closed quarter and not (yet) approved.
COUNTS = col(Visit.late_approval).in_(("", "approved"))


def done_between(session: Session, start: date, end: date, *, staff_ids: list[int] | None = None,
                 account_ids: Select | None = None) -> list[tuple[int, int]]:
    """(staff_id, account_id) of every visit done from start to end, inclusive; given `staff_ids` and
    `account_ids` (a query of ids), only the visits made by those people or to those accounts."""
    query = select(Visit.staff_id, Visit.account_id).where(
        Visit.status == "done", COUNTS, Visit.visit_date >= start, Visit.visit_date <= end)
    if staff_ids is not None:
        query = query.where(or_(col(Visit.staff_id).in_(staff_ids), col(Visit.account_id).in_(account_ids)))
    rows = session.exec(query).all()
    return [(staff_id, account_id) for staff_id, account_id in rows]


def done_with_people_between(session: Session, start: date, end: date, *,
                             staff_id: int | None = None) -> list[tuple[Visit, Account, Staff]]:
    """Every done visit dated start to end (counted or not), with its account and visitor, by date."""
    query = (select(Visit, Account, Staff).join(Account, col(Account.id) == Visit.account_id)
             .join(Staff, col(Staff.id) == Visit.staff_id)
             .where(Visit.status == "done", Visit.visit_date >= start, Visit.visit_date <= end))
    if staff_id is not None:
        query = query.where(Visit.staff_id == staff_id)
    return list(session.exec(query.order_by(Visit.visit_date, Visit.id)).all())


def credited_between(session: Session, start: date, end: date, *,
                     staff_ids: list[int] | None = None) -> list[tuple[int, int | None, int, date]]:
    """(visitor id, on_behalf_of id, account id, visit date) of every counted visit from start to end;
    given `staff_ids`, those visited by or for them. Whom a row credits is a rule (handlers/rules/quotas.py)."""
    query = select(Visit.staff_id, Visit.on_behalf_of_id, Visit.account_id, Visit.visit_date).where(
        Visit.status == "done", COUNTS, Visit.visit_date >= start, Visit.visit_date <= end)
    if staff_ids is not None:
        query = query.where(or_(col(Visit.staff_id).in_(staff_ids), col(Visit.on_behalf_of_id).in_(staff_ids)))
    return [tuple(row) for row in session.exec(query).all()]


def roles_of(session: Session, staff_ids: set[int]) -> dict[int, str]:
    return dict(session.exec(select(Staff.id, Staff.role).where(col(Staff.id).in_(staff_ids))).all()) if staff_ids else {}


def joint_with(session: Session, visit: Visit) -> list[tuple[Visit, Account]]:
    """The rows of a multi-account visit (the visit alone when it had one account), by account code."""
    if visit.joint_id is None:
        return [(visit, session.get(Account, visit.account_id))]
    return list(session.exec(select(Visit, Account).join(Account, col(Account.id) == Visit.account_id)
                             .where(Visit.joint_id == visit.joint_id).order_by(Account.account_code)).all())


def moved_targets(session: Session, year: int, staff_ids: list[int] | None = None) -> dict[tuple[int, int], int]:
    """{(staff_id, quarter): target} for the quarters a supervisor moved."""
    query = select(VisitTarget).where(VisitTarget.year == year)
    if staff_ids is not None:
        query = query.where(col(VisitTarget.staff_id).in_(staff_ids))
    return {(row.staff_id, row.quarter): row.target for row in session.exec(query).all()}


def set_plan(session: Session, *, staff_id: int, year: int, targets: list[int], set_by: str, now: datetime) -> None:
    existing = {row.quarter: row for row in session.exec(
        select(VisitTarget).where(VisitTarget.staff_id == staff_id, VisitTarget.year == year)).all()}
    for number, target in enumerate(targets, start=1):
        row = existing.get(number) or VisitTarget(staff_id=staff_id, year=year, quarter=number, target=target, set_at=now)
        row.target, row.set_by, row.set_at = target, set_by, now
        session.add(row)


def unreported(session: Session, *, before: date) -> list[tuple[Visit, Account, Staff]]:
    """Planned visits whose day has passed without a result logged, oldest first."""
    return list(session.exec(
        select(Visit, Account, Staff)
        .join(Account, col(Account.id) == Visit.account_id)
        .join(Staff, col(Staff.id) == Visit.staff_id)
        .where(Visit.status == "planned", Visit.visit_date < before)
        .order_by(Visit.visit_date, Visit.id)
    ).all())


def awaiting_rating_reminder(session: Session, *, asked_before: datetime) -> list[tuple[Visit, Account, Staff]]:
    return list(session.exec(
        select(Visit, Account, Staff)
        .join(Account, col(Account.id) == Visit.account_id)
        .join(Staff, col(Staff.id) == Visit.staff_id)
        .where(Visit.status == "done", col(Visit.rating_asked_at).is_not(None),
               Visit.rating_asked_at <= asked_before, col(Visit.rating_reminded_at).is_(None))
        .order_by(Visit.id)
    ).all())


def claim_rating_reminders(session: Session, visit_ids: list[int], *, now: datetime) -> set[int]:
    """At most one reminder per visit, even with two schedulers: the ids this call claimed, in one statement."""
    if not visit_ids:
        return set()
    claimed = session.execute(
        update(Visit).where(col(Visit.id).in_(visit_ids), col(Visit.rating_reminded_at).is_(None))
        .values(rating_reminded_at=now).returning(Visit.id)
        .execution_options(synchronize_session=False)
    )
    return set(claimed.scalars())


def mark_done(session: Session, visit: Visit, *, now: datetime, **values) -> bool:
    """Record the result of a planned visit once; False if it was already reported or cancelled."""
    result = session.execute(
        update(Visit).where(Visit.id == visit.id, Visit.status == "planned")
        .values(status="done", reported_at=now, **values)
    )
    session.refresh(visit)
    return result.rowcount == 1


def move_planned(session: Session, *, account_id: int, from_staff_id: int | None, to_staff_id: int) -> list[Visit]:
    """Planned visits of the account by its former KAMR go to the new one (a handover); returns them."""
    query = select(Visit).where(Visit.account_id == account_id, Visit.status == "planned")
    if from_staff_id is not None:
        query = query.where(Visit.staff_id == from_staff_id)
    moved = list(session.exec(query.order_by(Visit.visit_date, Visit.id)).all())
    for visit in moved:
        visit.staff_id = to_staff_id
        session.add(visit)
    return moved


def another_asked_on_day(session: Session, visit: Visit) -> bool:
    """Whether another visit to the same account on the same day already had its contacts asked to rate."""
    return session.exec(select(Visit.id).where(
        Visit.account_id == visit.account_id, Visit.visit_date == visit.visit_date, Visit.id != visit.id,
        col(Visit.rating_asked_at).is_not(None)).limit(1)).first() is not None


def claim_deferred_rating_requests(session: Session, *, reported_since: datetime, now: datetime) -> list[int]:
    """Done visits whose rating request waited for the daytime window, claimed in one statement (ids, oldest first)."""
    claimed = session.execute(
        update(Visit).where(Visit.status == "done", col(Visit.rating_asked_at).is_(None),
                            Visit.reported_at >= reported_since)
        .values(rating_asked_at=now).returning(Visit.id)
        .execution_options(synchronize_session=False)
    )
    return sorted(claimed.scalars())
