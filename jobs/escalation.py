"""Outages nobody acknowledged in time go to the backup (zone KAMR or senior KAMR), day and night."""
from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from bot.config import Config
from handlers.notify import Notifier
from handlers.operations.outages import staff_message
from handlers.rules import roles
from storage import tickets
from storage.models import Account, Contact, Site, Staff

log = logging.getLogger(__name__)


def escalate_unacknowledged(session: Session, *, now: datetime, config: Config, notifier: Notifier) -> int:
    """Returns the number of pushes queued. Looks up and claims in a fixed number of statements;
    each escalation then adds its history row and its push."""
    minutes = config.escalation.outage_ack_minutes
    due = tickets.unacknowledged_before(session, kind="outage", cutoff=now - timedelta(minutes=minutes))
    # Everything the cards show, loaded once and held until the end (the session keeps only weak
    # references): staff_card's look-ups then come from the session.
    accounts = _by_id(session, Account, {ticket.account_id for ticket in due})
    kamrs = _by_id(session, Staff, {account.kamr_id for account in accounts.values() if account.kamr_id})
    held_for_cards = (_by_id(session, Site, {ticket.site_id for ticket in due if ticket.site_id}),
                  _by_id(session, Contact, {ticket.contact_id for ticket in due if ticket.contact_id}))
    backups = roles.people_for(session, list(kamrs.values()), roles.BACKUP)
    backup_of = {ticket.id: backups.get(accounts[ticket.account_id].kamr_id) for ticket in due}
    claimed = tickets.mark_escalated(session, {ticket_id: backup.id if backup else None
                                               for ticket_id, backup in backup_of.items()}, now=now)
    pushes = 0
    for ticket in due:
        if ticket.id not in claimed:
            continue  # another scheduler got there first
        backup = backup_of[ticket.id]
        tickets.log(session, ticket, "escalated", now=now, staff_id=backup.id if backup else None, reason="not_acknowledged")
        if not notifier.reachable(backup):
            log.warning("ticket %s unacknowledged and no backup on LINE to escalate to", ticket.number)
            continue
        notifier.push(backup, [staff_message(session, ticket, backup.language, now=now, escalated_minutes=minutes)])
        pushes += 1
    del held_for_cards
    return pushes


def _by_id(session: Session, model, ids: set[int]) -> dict:
    return {row.id: row for row in session.exec(select(model).where(col(model.id).in_(ids)))} if ids else {}
