"""A small world for the operations' fast tests: conftest's roster in a session, people on LINE or not."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from conftest import ACCOUNTS_CSV, STAFF_CSV
from sqlmodel import Session, select

from bot.config import Config, parse_config
from storage import roster
from storage.models import Account, Contact, Staff
from storage.roster_import import import_accounts, import_staff

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 in Bangkok


def world_config() -> Config:
    return parse_config({"line": {"channel_secret": "s", "channel_access_token": "t"}, "database": {"url": "sqlite://"}})


def seed(session: Session) -> None:
    """conftest's roster (A100 → K001 backed by Z001, A200 → K002), the staff on LINE."""
    assert not import_staff(session, io.StringIO(STAFF_CSV)).errors
    assert not import_accounts(session, io.StringIO(ACCOUNTS_CSV)).errors
    for person in session.exec(select(Staff)).all():
        person.line_user_id = f"U-{person.staff_code}"
        session.add(person)
    session.flush()


def staff(session: Session, code: str) -> Staff:
    return roster.staff_by_code(session, code)


def account(session: Session, code: str) -> Account:
    return roster.account_by_code(session, code)


def contact(session: Session, account_code: str, name: str, *, on_line: bool = True, language: str = "th") -> Contact:
    person = Contact(account_id=account(session, account_code).id, name=name, display_name=name, language=language,
                     line_user_id=f"U-{name}" if on_line else None, linked_at=NOW)
    session.add(person)
    session.flush()
    return person
