"""Google Forms responses seen by the bot, and each form's last poll outcome."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from storage import settings
from storage.models import FormResponse

POLL_STATUS_PREFIX = "forms.last_poll."


@dataclass(frozen=True)
class Seen:
    """The light part of a stored response, enough to decide what a re-read means."""

    id: int
    response_key: str
    identity_hash: str
    row_hash: str
    status: str


def seen(session: Session, form_key: str) -> dict[str, Seen]:
    rows = session.exec(
        select(FormResponse.id, FormResponse.response_key, FormResponse.identity_hash, FormResponse.row_hash,
               FormResponse.status).where(FormResponse.form_key == form_key)
    ).all()
    return {row[1]: Seen(*row) for row in rows}


def all_responses(session: Session) -> list[FormResponse]:
    return list(session.exec(select(FormResponse).order_by(FormResponse.form_key, FormResponse.submitted_at)).all())


def record_poll(session: Session, name: str, *, now: datetime, ok: bool, message: str) -> None:
    """What the last poll of one form (or the coordinator sheet) did, for `kambot forms check`."""
    settings.put_json(session, POLL_STATUS_PREFIX + name, {"at": now.isoformat(), "ok": ok, "message": message})


def last_poll(session: Session, name: str) -> dict | None:
    return settings.get_json(session, POLL_STATUS_PREFIX + name)
