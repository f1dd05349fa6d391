"""One-time link codes that tie a LINE user to a customer contact or a staff member."""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from storage.models import LinkAttempt, LinkCode

# No 0/O, 1/I/L: codes are read aloud over the phone and typed on small screens.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_PATTERN = re.compile(r"^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$")


def _hash(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def normalise(code: str) -> str:
    return code.strip().replace("-", "").replace(" ", "").upper()


def looks_like_code(text: str) -> bool:
    return bool(CODE_PATTERN.match(text.strip().replace(" ", "")))


def new_code(session: Session, *, kind: str, target_id: int, now: datetime, ttl: timedelta) -> str:
    """A fresh code. A staff member's older unused codes stop working: a staff code moves the
    person's identity (and their customers' data) to whoever types it, so only the newest may.
    A customer account may hand out several codes at once, one per contact."""
    if kind == "staff":
        revoke_unused(session, kind=kind, target_id=target_id, now=now)
    code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    session.add(LinkCode(code_hash=_hash(code), kind=kind, target_id=target_id, created_at=now, expires_at=now + ttl))
    return f"{code[:4]}-{code[4:]}"


def redeem(session: Session, code: str, *, line_user_id: str, now: datetime) -> LinkCode | None:
    """Mark the code used and return it, or None when unknown, used or expired.

    One conditional UPDATE does the check and the marking: of LINE users typing the same code at
    the same moment, exactly one changes the row (on PostgreSQL the others wait for its commit,
    then find used_at set); a read-then-write would let several through."""
    result = session.execute(
        update(LinkCode)
        .where(LinkCode.code_hash == _hash(code), LinkCode.used_at.is_(None), LinkCode.expires_at > now)
        .values(used_at=now, used_by=line_user_id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        return None
    return session.exec(select(LinkCode).where(LinkCode.code_hash == _hash(code))).one()


def revoke_unused(session: Session, *, kind: str, target_id: int, now: datetime) -> int:
    """Expire every unused code for the target now; returns how many."""
    result = session.execute(
        update(LinkCode)
        .where(LinkCode.kind == kind, LinkCode.target_id == target_id, LinkCode.used_at.is_(None),
               LinkCode.expires_at > now)
        .values(expires_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


def recent_failures(session: Session, line_user_id: str, *, now: datetime) -> int:
    return session.exec(
        select(func.count())
        .select_from(LinkAttempt)
        .where(LinkAttempt.line_user_id == line_user_id, LinkAttempt.at > now - timedelta(hours=1))
    ).one()


def record_failure(session: Session, line_user_id: str, *, now: datetime) -> None:
    session.execute(delete(LinkAttempt).where(LinkAttempt.at < now - timedelta(days=1)))
    session.add(LinkAttempt(line_user_id=line_user_id, at=now))
