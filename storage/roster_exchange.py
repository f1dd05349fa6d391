"""CRM-KAM-005 roster exchange: staff, key accounts, sites and contacts in one CSV, round-trip safe.

One row per record; the `record` column says which (staff, account, site, contact) and which
columns apply. Export order is fixed (records in that order, each sorted by its key), so
export -> import -> export gives the same file. Import updates by key and never deletes:
staff and accounts by code, sites by account and name, contacts by their code (C<id> as
exported), else by account and name, else a new contact. The `line` and `line_name`
columns are informational (linking happens in LINE) and ignored on import.
"""
from __future__ import annotations

import re
from typing import Callable, TextIO

from sqlmodel import Session, col, select

from storage import csv_cells
from storage.models import Account, Contact, Site, Staff
from storage.network import FEEDER, normal_feeder
from storage.roster import account_by_code, zones_of
from storage.roster_import import ImportResult, import_account_rows, import_staff_rows, read_rows
from storage.workload import LoadRule

COLUMNS = ("record", "code", "name", "office", "role", "tier", "kamr", "backup", "supervisor", "language",
           "account", "ca_number", "position", "phone", "email", "line", "line_name")
# Added later: files written before still import. The zone (issue 15); where a site hangs on the
# network (issue 16).
NETWORK_COLUMNS = ("feeder", "substation", "estate")
LATER_COLUMNS = ("zone", *NETWORK_COLUMNS)
RECORDS = ("staff", "account", "site", "contact")
# Which columns each record uses; anything else on the row must be empty.
USES = {
    "staff": {"code", "name", "office", "role", "backup", "supervisor", "language", "phone", "zone"},
    "account": {"code", "name", "office", "tier", "kamr", "zone"},
    "site": {"account", "name", "ca_number", *NETWORK_COLUMNS},
    "contact": {"code", "account", "name", "position", "phone", "email", "language", "line", "line_name"},
}
CONTACT_CODE = re.compile(r"^C(\d+)$")
CA_NUMBER = re.compile(r"^\d{1,20}$")
PHONE = re.compile(r"^[0-9+#() ,\-]{1,40}$")
EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")


def export_roster(session: Session, file: TextIO) -> int:
    """Write every active staff member, account, site and active contact; returns the row count."""
    writer = csv_cells.dict_writer(file, COLUMNS + LATER_COLUMNS, lineterminator="\n")
    writer.writeheader()
    rows = _staff_rows(session) + _account_rows(session) + _site_rows(session) + _contact_rows(session)
    writer.writerows(rows)
    return len(rows)


def _staff_rows(session: Session) -> list[dict]:
    people = list(session.exec(select(Staff).where(Staff.active).order_by(Staff.staff_code)))
    zones = zones_of(session, {s.office for s in people})
    return [{"record": "staff", "code": s.staff_code, "name": s.name, "office": s.office, "role": s.role,
             "backup": s.backup_code or "", "supervisor": s.supervisor_code or "", "language": s.language,
             "phone": s.phone, "zone": zones.get(s.office, "")}
            for s in people]


def _account_rows(session: Session) -> list[dict]:
    codes = {s.id: s.staff_code for s in session.exec(select(Staff))}
    accounts = list(session.exec(select(Account).order_by(Account.account_code)))
    zones = zones_of(session, {a.office for a in accounts})
    return [{"record": "account", "code": a.account_code, "name": a.name, "office": a.office, "tier": a.tier,
             "kamr": codes.get(a.kamr_id, ""), "zone": zones.get(a.office, "")}
            for a in accounts]


def _site_rows(session: Session) -> list[dict]:
    query = (select(Site, Account.account_code).join(Account, col(Account.id) == Site.account_id)
             .order_by(Account.account_code, Site.id))
    return [{"record": "site", "account": code, "name": site.name, "ca_number": site.ca_number or "",
             "feeder": site.feeder, "substation": site.substation, "estate": site.estate}
            for site, code in session.exec(query)]


def _contact_rows(session: Session) -> list[dict]:
    query = (select(Contact, Account.account_code).join(Account, col(Account.id) == Contact.account_id)
             .where(Contact.active).order_by(Account.account_code, Contact.id))
    return [{"record": "contact", "code": f"C{c.id}", "account": code, "name": c.name, "position": c.position,
             "phone": c.phone, "email": c.email, "language": c.language, "line": "yes" if c.line_user_id else "",
             "line_name": c.display_name}
            for c, code in session.exec(query)]


def import_roster(session: Session, file: TextIO, *, load_rule: LoadRule | None = None,
                  on_missing: Callable[[Session, Contact | Staff], None] | None = None) -> ImportResult:
    """Records in dependency order whatever the file's order; bad rows named, good rows kept.

    With on_missing, the file is the whole truth for what it names: an active contact of an account
    in the file that no contact row matches, and (if the file has staff rows) an active staff member
    it leaves out, are handed to on_missing (which unlinks and deactivates them). Not when any row
    has an error: a refused row would look like a person who left."""
    result = ImportResult()
    by_record: dict[str, list[tuple[int, dict]]] = {record: [] for record in RECORDS}
    for number, row in read_rows(file, COLUMNS, LATER_COLUMNS):
        record = row["record"].lower()
        if record not in RECORDS:
            result.errors.append(f"row {number}, column record: {row['record']!r} is not one of {', '.join(RECORDS)}")
            continue
        stray = [c for c in COLUMNS + LATER_COLUMNS if c != "record" and c not in USES[record] and row.get(c)]
        if stray:
            result.errors.append(f"row {number}, column {stray[0]}: not used by {record} rows (leave it empty)")
            continue
        by_record[record].append((number, row))
    _merge(result, import_staff_rows(session, [(n, {**row, "staff_code": row["code"]})
                                               for n, row in by_record["staff"]], ImportResult()), "staff_code")
    accounts = import_account_rows(session, [(n, {**row, "account_code": row["code"], "sites": ""})
                                             for n, row in by_record["account"]], ImportResult(), load_rule=load_rule)
    _merge(result, accounts, "account_code")
    for number, row in by_record["site"]:
        _import_site(session, number, row, result)
    seen_contacts = set()
    for number, row in by_record["contact"]:
        if contact := _import_contact(session, number, row, result):
            seen_contacts.add(contact.id)
    session.flush()
    if on_missing is not None and not result.errors:
        _hand_over_missing(session, by_record, seen_contacts, on_missing, result)
    result.errors.sort(key=lambda error: int(error.split(",")[0].removeprefix("row ")))
    return result


def _hand_over_missing(session: Session, by_record: dict, seen_contacts: set[int],
                       on_missing: Callable[[Session, Contact | Staff], None], result: ImportResult) -> None:
    named = {row["code"] for _, row in by_record["account"]} | {row["account"] for _, row in by_record["contact"]}
    accounts = {a.id: a.account_code for a in session.exec(select(Account).where(col(Account.account_code).in_(named)))}
    for contact in session.exec(select(Contact).where(col(Contact.account_id).in_(accounts), Contact.active)
                                .order_by(Contact.id)).all():
        if contact.id not in seen_contacts:
            on_missing(session, contact)
            result.warnings.append(f"contact C{contact.id} of {accounts[contact.account_id]} is not in the file: "
                                   "marked inactive and unlinked from LINE")
    if by_record["staff"]:
        listed = {row["code"].upper() for _, row in by_record["staff"]}
        for staff in session.exec(select(Staff).where(Staff.active).order_by(Staff.staff_code)).all():
            if staff.staff_code.upper() not in listed:
                on_missing(session, staff)
                result.warnings.append(f"staff {staff.staff_code} is not in the file: marked inactive and unlinked")


def _merge(result: ImportResult, part: ImportResult, code_column: str) -> None:
    """Add part's counts and messages; the importers name the code column as their own files do."""
    result.created += part.created
    result.updated += part.updated
    result.errors += [error.replace(f"column {code_column}:", "column code:") for error in part.errors]
    result.warnings += part.warnings
    result.handovers += part.handovers


def _account_of(session: Session, number: int, row: dict, result: ImportResult) -> Account | None:
    account = account_by_code(session, row["account"]) if row.get("account") else None
    if account is None:
        result.errors.append(f"row {number}, column account: unknown account_code {row.get('account', '')!r}")
    return account


def _import_site(session: Session, number: int, row: dict, result: ImportResult) -> None:
    account = _account_of(session, number, row, result)
    if account is None:
        return
    ca_number = row.get("ca_number") or None
    if not row.get("name"):
        result.errors.append(f"row {number}, column name: empty")
        return
    if ca_number and not CA_NUMBER.match(ca_number):
        result.errors.append(f"row {number}, column ca_number: {ca_number!r} is not a number of up to 20 digits")
        return
    feeder = normal_feeder(row.get("feeder", ""))
    if feeder and not FEEDER.match(feeder):
        result.errors.append(f"row {number}, column feeder: {row['feeder']!r} is not a feeder code "
                             "(letters, digits, - . / _ up to 30)")
        return
    site = session.exec(select(Site).where(Site.account_id == account.id, Site.name == row["name"])).first()
    holder = session.exec(select(Site).where(Site.ca_number == ca_number)).first() if ca_number else None
    if holder is not None and (site is None or holder.id != site.id):
        owner = session.get(Account, holder.account_id)
        result.errors.append(f"row {number}, column ca_number: {ca_number} already belongs to "
                             f"{owner.account_code} {holder.name}")
        return
    if site is None:
        site = Site(account_id=account.id, name=row["name"])
        result.created += 1
    else:
        result.updated += 1
    site.ca_number = ca_number
    if "feeder" in row:  # a file without the network columns leaves them as they were
        site.feeder, site.substation, site.estate = feeder, row.get("substation", ""), row.get("estate", "")
    session.add(site)
    session.flush()


def _contact_error(number: int, row: dict) -> str | None:
    if row.get("phone") and not PHONE.match(row["phone"]):
        return f"row {number}, column phone: {row['phone']!r} is not a phone number"
    if row.get("email") and not EMAIL.match(row["email"]):
        return f"row {number}, column email: {row['email']!r} is not an e-mail address"
    if (row.get("language") or "th") not in ("th", "en"):
        return f"row {number}, column language: {row['language']!r} is not th or en"
    return None


def _import_contact(session: Session, number: int, row: dict, result: ImportResult) -> Contact | None:
    account = _account_of(session, number, row, result)
    if account is None:
        return None
    if error := _contact_error(number, row):
        result.errors.append(error)
        return None
    contact = _matching_contact(session, account, row)
    if contact is None:
        if not row.get("name"):
            result.errors.append(f"row {number}, column name: empty (a new contact needs a name)")
            return None
        contact = Contact(account_id=account.id)
        result.created += 1
    else:
        result.updated += 1
    contact.name, contact.position = row.get("name", ""), row.get("position", "")
    contact.phone, contact.email = row.get("phone", ""), row.get("email", "")
    contact.language = row.get("language") or "th"
    session.add(contact)
    session.flush()
    return contact


def _matching_contact(session: Session, account: Account, row: dict) -> Contact | None:
    """By code within the same account (another account's code is not honoured), else by name."""
    if match := CONTACT_CODE.match(row.get("code", "")):
        contact = session.get(Contact, int(match[1]))
        if contact is not None and contact.account_id == account.id and contact.active:
            return contact
    if row.get("name"):
        return session.exec(select(Contact).where(Contact.account_id == account.id, Contact.active,
                                                  Contact.name == row["name"]).order_by(Contact.id)).first()
    return None
