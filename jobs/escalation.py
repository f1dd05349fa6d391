"""Outages nobody acknowledged in time go to the backup (zone KAMR or senior KAMR), day and night."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session

from bot.config import Config
from handlers.messages import Message
from handlers.outage import staff_card
from storage import roster, tickets
from storage.models import Account, Staff
from storage.outbox import enqueue

log = logging.getLogger(__name__)


def escalate_unacknowledged(session: Session, *, now: datetime, config: Config) -> int:
    """Returns the number of pushes queued."""
    minutes = config.escalation.outage_ack_minutes
    pushes = 0
    for ticket in tickets.unacknowledged_before(session, kind="outage", cutoff=now - timedelta(minutes=minutes)):
        account = session.get(Account, ticket.account_id)
        kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
        backup = roster.backup_for(session, kamr) if kamr else None
        if not tickets.mark_escalated(session, ticket, to_staff_id=backup.id if backup else None, now=now):
            continue  # another scheduler got there first
        tickets.log(session, ticket, "escalated", now=now, staff_id=backup.id if backup else None, reason="not_acknowledged")
        if backup is None or not backup.line_user_id:
            log.warning("ticket %s unacknowledged and no backup on LINE to escalate to", ticket.number)
            continue
        card = staff_card(session, ticket, backup.language, escalated_minutes=minutes)
        enqueue(session, to_user=backup.line_user_id, messages=[Message(card=card).to_dict()], now=now)
        pushes += 1
    return pushes
