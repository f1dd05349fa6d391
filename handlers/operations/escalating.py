"""The escalation chain: the account's KAMR (level 0), then the [escalation] levels, each called when
the level before it had its wait, day and night, until someone acknowledges (001 §4.12.5, §4.14.4).

Every level is claimed in storage (storage/escalations.py) before anyone hears of it, so each step
happens once even with two schedulers. A level whose person is not on LINE, has left the roster or
already had the ticket is skipped, and the ticket history says so. An account without a KAMR (or
whose KAMR is not on LINE) starts at the first level that reaches someone: its office's chain.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from sqlmodel import Session, select

from bot.config import EscalationConfig, EscalationLevel
from handlers.messages import Attachment, Card, Message
from handlers.notify import Notifier
from handlers.operations.reachable import calls_to, status_button
from handlers.rules import roles
from handlers.texts import t
from storage import escalations, roster, tickets
from storage.models import Account, EscalationStep, Office, Staff, Ticket

# card_for(lang, minutes since the report or None for the KAMR's own card, last level?)
CardFor = Callable[[str, "int | None", bool], Card]


@dataclass(frozen=True)
class Reached:
    """Who holds the ticket now, at which level, and how many minutes they have to answer."""

    staff: Staff
    level: int
    minutes: int


def kamr_of(session: Session, account: Account) -> Staff | None:
    return session.get(Staff, account.kamr_id) if account.kamr_id else None


def scheduled_minutes(chain: EscalationConfig, level: int) -> int:
    """Minutes after the report at which `level` is called when nobody answers before."""
    return sum(chain.wait_at(before) for before in range(level))


def reach(session: Session, ticket: Ticket, card_for: CardFor, *, from_level: int, now: datetime,
          chain: EscalationConfig, notifier: Notifier, reason: str,
          attachments: tuple[Attachment, ...] = (), steps: list[EscalationStep] | None = None) -> Reached | None:
    """Call the first level from `from_level` on that reaches a person on LINE (the card with the
    case's photos and pin); None when another scheduler claimed a level first, or when nobody in the
    chain can be reached. `steps`: the ticket's claimed levels, when the caller just read them."""
    account = session.get(Account, ticket.account_id)
    kamr = kamr_of(session, account)
    steps = escalations.steps_of(session, [ticket.id])[ticket.id] if steps is None else steps
    had = {step.staff_id for step in steps if step.staff_id}
    last = len(chain.levels)
    for level in range(from_level, last + 1):
        person, skipped = _person_at(session, account, kamr, chain.levels[level - 1] if level else None, had)
        if not escalations.claim(session, ticket.id, level, person.id if person else None, now=now):
            return None  # another scheduler took this step: they tell the people
        if person is None:
            tickets.log(session, ticket, "escalation_skipped", now=now, level=level, **skipped)
            continue
        minutes = chain.wait_at(level)
        if level == 0:
            notifier.push(person, [Message(card=card_for(person.language, None, False), attachments=attachments)])
            return Reached(person, 0, minutes)
        ticket.escalated_at, ticket.escalated_to = now, person.id
        session.add(ticket)
        tickets.log(session, ticket, "escalated", now=now, staff_id=person.id, level=level, reason=reason)
        card = card_for(person.language, scheduled_minutes(chain, level) if reason == "not_acknowledged" else 0,
                        level == last)
        notifier.push(person, [Message(card=card, attachments=attachments)])
        if from_level > 0:  # at the report itself the reply says who has it
            _tell_customers(session, ticket, person, minutes, notifier)
        return Reached(person, level, minutes)
    return None


def _person_at(session: Session, account: Account, kamr: Staff | None, level: EscalationLevel | None,
               had: set[int]) -> tuple[Staff | None, dict]:
    """The person a level names for this account, or None and why it is skipped (for the history)."""
    if level is None:
        if kamr is None:
            return None, {"reason": "no_kamr"}
        if not kamr.active:
            return None, {"reason": "left_roster", "staff": kamr.staff_code}
        return (kamr, {}) if kamr.line_user_id else (None, {"reason": "not_on_line", "staff": kamr.staff_code})
    found: Staff | None = None
    for step in level.step:
        if step == "backup":
            if kamr is None:
                continue
            named = roster.staff_by_code(session, kamr.backup_code) if kamr.backup_code else None
            if named is not None and not named.active:
                return None, {"reason": "left_roster", "staff": named.staff_code}
            candidate = roles.person_for(session, kamr, roles.BACKUP)
        else:
            candidate = roles.holder_for_office(session, account.office, (step,), besides=had)
        if candidate is not None and candidate.id not in had:
            if candidate.line_user_id:
                return candidate, {}
            found = found or candidate
    if found is not None:
        return None, {"reason": "not_on_line", "staff": found.staff_code}
    return None, {"reason": "nobody", "step": "/".join(level.step)}


def _tell_customers(session: Session, ticket: Ticket, person: Staff, minutes: int, notifier: Notifier) -> None:
    for contact in tickets.reporters(session, ticket):
        lang = contact.language
        notifier.push(contact, [Message(text=t("outage_escalated_customer", lang, number=ticket.number,
                                               staff=person.name, minutes=minutes),
                                        quick_replies=(status_button(lang), *calls_to(person, lang)))])


def current(session: Session, ticket: Ticket, chain: EscalationConfig,
            steps: list[EscalationStep] | None = None) -> Reached | None:
    """Who holds the ticket now (the highest level claimed with a person). `steps`: its claimed levels,
    when the caller just read them."""
    steps = escalations.steps_of(session, [ticket.id])[ticket.id] if steps is None else steps
    steps = [step for step in steps if step.staff_id]
    if not steps:
        return None
    step = steps[-1]
    return Reached(session.get(Staff, step.staff_id), step.level, chain.wait_at(step.level))


def due_levels(session: Session, candidates: list[Ticket], *, now: datetime, chain: EscalationConfig) -> dict[int, int]:
    """{ticket id: the next level to call} for the unacknowledged tickets whose current level's wait is over."""
    steps = escalations.steps_of(session, [ticket.id for ticket in candidates])
    due: dict[int, int] = {}
    for ticket in candidates:
        claimed = steps[ticket.id]
        if claimed:
            level, since = claimed[-1].level, claimed[-1].at
        elif ticket.escalated_at is not None:  # escalated once before the chain existed
            level, since = 1, ticket.escalated_at
        else:
            level, since = 0, ticket.created_at
        if level < len(chain.levels) and now >= since + timedelta(minutes=chain.wait_at(level)):
            due[ticket.id] = level + 1
    return due


def accounts_without_route(session: Session, chain: EscalationConfig) -> list[tuple[Account, list[str]]]:
    """Accounts whose whole chain (KAMR and every level) reaches nobody on LINE, with why per level."""
    missing = []
    for account in session.exec(select(Account).order_by(Account.office, Account.account_code)):
        kamr = kamr_of(session, account)
        reasons = []
        for level in range(len(chain.levels) + 1):
            person, skipped = _person_at(session, account, kamr, chain.levels[level - 1] if level else None, set())
            if person is not None:
                break
            reasons.append(f"{level}:{skipped['reason']}")
        else:
            missing.append((account, reasons))
    return missing


def offices_without_route(session: Session, chain: EscalationConfig) -> list[str]:
    """Offices where no role level of the chain names anyone on LINE: an account there without a
    reachable KAMR or backup reaches nobody."""
    offices = set(session.exec(select(Account.office)).all()) | set(session.exec(select(Office.code)).all())
    roles_in_chain = tuple(role for level in chain.levels for role in level.step if role != "backup")
    return sorted(office for office in offices
                  if not any((holder := roles.holder_for_office(session, office, (role,))) and holder.line_user_id
                             for role in roles_in_chain))
