"""Who is who: staff, accounts, sites, contacts."""
from __future__ import annotations

from collections import defaultdict

from sqlalchemy import bindparam
from sqlmodel import Session, col, select

from storage.models import Account, Contact, Office, Site, Staff


# Built once: these run per event (building a statement cost more than running it).
_CONTACT_BY_LINE_USER = select(Contact).where(Contact.line_user_id == bindparam("line_user_id"), Contact.active)
_SITES_OF = select(Site).where(Site.account_id == bindparam("account")).order_by(Site.id)


def staff_by_code(session: Session, code: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.staff_code == code)).first()


def staff_by_line_user(session: Session, line_user_id: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.line_user_id == line_user_id, Staff.active)).first()


def contact_by_line_user(session: Session, line_user_id: str) -> Contact | None:
    return session.exec(_CONTACT_BY_LINE_USER, params={"line_user_id": line_user_id}).first()


def account_by_code(session: Session, code: str) -> Account | None:
    return session.exec(select(Account).where(Account.account_code == code)).first()


def sites_of(session: Session, account_id: int) -> list[Site]:
    return list(session.exec(_SITES_OF, params={"account": account_id}).all())


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


def staff_by_codes(session: Session, codes: set[str]) -> dict[str, Staff]:
    """{code: staff} for the codes that exist, active or not, in one query."""
    return {s.staff_code: s for s in session.exec(select(Staff).where(col(Staff.staff_code).in_(codes)))} if codes else {}


def active_in_roles(session: Session, offices: set[str], roles: tuple[str, ...]) -> dict[tuple[str, str], list[Staff]]:
    """{(office, role): its active staff}, those on LINE first, in one query."""
    found: dict[tuple[str, str], list[Staff]] = defaultdict(list)
    for candidate in session.exec(
        select(Staff)
        .where(col(Staff.office).in_(offices), col(Staff.role).in_(roles), Staff.active)
        .order_by(col(Staff.line_user_id).is_(None), Staff.id)
    ):
        found[(candidate.office, candidate.role)].append(candidate)
    return found


# --- issue 15: offices belong to zones -----------------------------------------------------------


def set_zone(session: Session, office: str, zone: str) -> None:
    """Record that `office` belongs to `zone` (an empty zone leaves a known link as it was)."""
    row = session.get(Office, office)
    if row is None:
        session.add(Office(code=office, zone=zone))
    elif zone and row.zone != zone:
        row.zone = zone
        session.add(row)


def zone_of(session: Session, office: str) -> str:
    row = session.get(Office, office)
    return row.zone if row else ""


def offices_in_zone(session: Session, zone: str) -> set[str]:
    """The offices of `zone`, and the zone's own code (a zone office's staff may carry it as their office)."""
    if not zone:
        return set()
    return {zone, *session.exec(select(Office.code).where(Office.zone == zone)).all()}


def zones_of(session: Session, offices: set[str]) -> dict[str, str]:
    """{office: zone} for the offices that have one, in one query."""
    if not offices:
        return {}
    return {row.code: row.zone for row in session.exec(select(Office).where(col(Office.code).in_(offices))) if row.zone}
