"""Who is who: staff, accounts, sites, contacts."""
from __future__ import annotations

from collections import defaultdict
from typing import Callable

from sqlmodel import Session, col, select

from storage.models import Account, Contact, Site, Staff

# Who steps in when a person does not answer, in order of preference (001 §4.12.5).
BACKUP_ROLES = ("zone_kamr", "senior_kamr", "dept_head")
SUPERVISING_ROLES = ("senior_kamr", "zone_kamr", "dept_head")


def staff_by_code(session: Session, code: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.staff_code == code)).first()


def staff_by_line_user(session: Session, line_user_id: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.line_user_id == line_user_id, Staff.active)).first()


def contact_by_line_user(session: Session, line_user_id: str) -> Contact | None:
    return session.exec(select(Contact).where(Contact.line_user_id == line_user_id, Contact.active)).first()


def account_by_code(session: Session, code: str) -> Account | None:
    return session.exec(select(Account).where(Account.account_code == code)).first()


def sites_of(session: Session, account_id: int) -> list[Site]:
    return list(session.exec(select(Site).where(Site.account_id == account_id).order_by(Site.id)).all())


def contacts_of(session: Session, account_id: int) -> list[Contact]:
    return list(
        session.exec(select(Contact).where(Contact.account_id == account_id, Contact.active).order_by(Contact.id)).all()
    )


def contacts_of_accounts(session: Session, account_ids: list[int]) -> dict[int, list[Contact]]:
    """contacts_of for many accounts in one query: {account id: its active contacts, oldest first}."""
    found: dict[int, list[Contact]] = {account_id: [] for account_id in account_ids}
    if account_ids:
        for contact in session.exec(select(Contact).where(col(Contact.account_id).in_(account_ids), Contact.active)
                                    .order_by(Contact.id)).all():
            found[contact.account_id].append(contact)
    return found


def stand_in_for(session: Session, staff: Staff, *, named_code: str | None, roles: tuple[str, ...]) -> Staff | None:
    """The person named by code, else the first of `roles` in the same office (those on LINE first)."""
    return stand_ins_for(session, [staff], named_code=lambda _: named_code, roles=roles)[staff.id]


def stand_ins_for(session: Session, people: list[Staff], *, named_code: Callable[[Staff], str | None],
                  roles: tuple[str, ...]) -> dict[int, Staff | None]:
    """stand_in_for for many people in two queries: {staff id: their stand-in or None}."""
    codes = {code for code in map(named_code, people) if code}
    named = {s.staff_code: s for s in session.exec(select(Staff).where(col(Staff.staff_code).in_(codes)))} if codes else {}
    candidates: dict[tuple[str, str], list[Staff]] = defaultdict(list)
    for candidate in session.exec(
        select(Staff)
        .where(col(Staff.office).in_({person.office for person in people}), col(Staff.role).in_(roles), Staff.active)
        .order_by(col(Staff.line_user_id).is_(None), Staff.id)
    ):
        candidates[(candidate.office, candidate.role)].append(candidate)
    found: dict[int, Staff | None] = {}
    for person in people:
        chosen = named.get(named_code(person) or "")
        if chosen is None or not chosen.active or chosen.id == person.id:
            chosen = next((c for role in roles for c in candidates[(person.office, role)] if c.id != person.id), None)
        found[person.id] = chosen
    return found


def backup_for(session: Session, staff: Staff) -> Staff | None:
    """The named backup, else the office's zone KAMR, senior KAMR or department head."""
    return backups_for(session, [staff])[staff.id]


def backups_for(session: Session, people: list[Staff]) -> dict[int, Staff | None]:
    return stand_ins_for(session, people, named_code=lambda person: person.backup_code, roles=BACKUP_ROLES)


def may_act_for_account(session: Session, staff: Staff, account: Account) -> bool:
    """The account's KAMR, that KAMR's backup, or a supervising role of the same office."""
    if account.kamr_id == staff.id:
        return True
    kamr = session.get(Staff, account.kamr_id) if account.kamr_id else None
    if kamr is not None:
        backup = backup_for(session, kamr)
        if backup is not None and backup.id == staff.id:
            return True
    return staff.role in SUPERVISING_ROLES and staff.office == account.office
