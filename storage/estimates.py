"""Estimated restoration times that passed (issue 16), on area incidents and single outage tickets alike:
both rows carry `etr` and `etr_reminded_for`, and whoever holds them is reminded once per estimate."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session, col, select


def passed(session: Session, model, *still_open, now: datetime) -> list:
    """Rows of `model` matching `still_open` whose estimate has passed and was not reminded of yet."""
    rows = session.exec(select(model).where(*still_open, col(model.etr).is_not(None), model.etr <= now)
                        .order_by(model.id))
    return [row for row in rows if row.etr_reminded_for != row.etr]


def claim_reminder(session: Session, row) -> bool:
    """Once per estimate, even with two schedulers: False when another run claimed it (or the estimate moved)."""
    model = type(row)
    result = session.execute(update(model).where(
        model.id == row.id, model.etr == row.etr,
        col(model.etr_reminded_for).is_(None) | (model.etr_reminded_for != row.etr))
        .values(etr_reminded_for=row.etr))
    session.refresh(row)
    return result.rowcount == 1
