"""CSV import of staff and accounts: bad rows are reported by row and column, good rows kept."""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, TextIO

from sqlmodel import Session

from storage.csv_cells import unescape
from storage.models import STAFF_ROLES, TIERS, Account, Site, Staff
from storage.network import FEEDER, normal_feeder
from storage.roster import account_by_code, set_zone, sites_of, staff_by_code
from storage.workload import LoadRule, out_of_range, staff_loads

STAFF_COLUMNS = ("staff_code", "name", "role", "office")
STAFF_OPTIONAL = ("backup", "supervisor", "language", "phone", "zone")
ACCOUNT_COLUMNS = ("account_code", "name", "tier", "office", "kamr")
ACCOUNT_OPTIONAL = ("sites", "zone")
# Digits and the usual separators, with an extension written as Thai offices do ("ต่อ 12", "ext. 12").
PHONE = re.compile(r"^[0-9+#() ,\-]{1,40}((ต่อ|ext\.?|x) ?[0-9]{1,6})?$")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Accounts that changed KAMR: (account id, old KAMR id or None, new KAMR id); the caller tells people.
    handovers: list[tuple[int, int | None, int]] = field(default_factory=list)


class HeaderError(ValueError):
    pass


NOT_UTF8 = ("ไฟล์นี้ไม่ใช่ UTF-8{guess}: ใน Excel เลือก บันทึกเป็น > CSV UTF-8 (คั่นด้วยจุลภาค) แล้วนำเข้าอีกครั้ง / "
            "this file is not UTF-8{guess_en}: in Excel, Save As > CSV UTF-8 (Comma delimited) and import it again")


def read_csv_file(path: Path) -> io.StringIO:
    """The file's text, with or without Excel's byte-order mark; a file that is not UTF-8 (Thai Excel's
    plain "CSV" is TIS-620 / cp874) is refused with how to save it, in Thai and English."""
    data = Path(path).read_bytes()
    try:
        return io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        pass
    try:
        thai = any("\u0e00" <= ch <= "\u0e7f" for ch in data.decode("cp874"))
    except UnicodeDecodeError:
        thai = False
    raise ValueError(NOT_UTF8.format(guess=" (น่าจะเป็น TIS-620 / cp874 จาก Excel ภาษาไทย)" if thai else "",
                                     guess_en=" (it looks like Thai Excel's TIS-620 / cp874)" if thai else ""))


def read_rows(file: TextIO, required: tuple[str, ...], optional: tuple[str, ...]) -> Iterable[tuple[int, dict]]:
    """(row number, stripped cells) of every row that has something in it: the empty rows Excel leaves at
    the end are not rows."""
    reader = csv.DictReader(file)
    headers = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in headers]
    if missing:
        raise HeaderError(f"missing column(s): {', '.join(missing)} (expected {','.join(required)})")
    unknown = [h for h in headers if h not in required + optional]
    if unknown:
        raise HeaderError(f"unknown column(s): {', '.join(unknown)}")
    reader.fieldnames = headers
    # Row 1 is the header, so the first data row is row 2 as a spreadsheet shows it.
    for number, row in enumerate(reader, start=2):
        # unescape: a file kambot exported marks formula-like cells with an apostrophe (storage.csv_cells).
        cells = {k: unescape((v or "").strip()).strip() for k, v in row.items() if k is not None}
        if any(cells.values()):
            yield number, cells


def _repeated_codes(rows: list[tuple[int, dict]], column: str) -> dict[int, str]:
    """Row number -> error for every row whose code another row also has: which row is meant is for a person
    to say, so none of them is imported. The error goes on the first of the rows and names them all."""
    numbers: dict[str, list[int]] = {}
    for number, row in rows:
        if row.get(column):
            numbers.setdefault(row[column], []).append(number)
    errors: dict[int, str] = {}
    for code, found in numbers.items():
        if len(found) > 1:
            listed = ", ".join(map(str, found[:-1])) + f" and {found[-1]}"
            errors.update({number: "" for number in found})
            errors[found[0]] = f"row {found[0]}, column {column}: {code!r} is on rows {listed}: keep one (none imported)"
    return errors


def _require(row: dict, number: int, columns: tuple[str, ...]) -> str | None:
    for column in columns:
        if not row.get(column):
            return f"row {number}, column {column}: empty"
    return None


def import_staff(session: Session, file: TextIO) -> ImportResult:
    return import_staff_rows(session, list(read_rows(file, STAFF_COLUMNS, STAFF_OPTIONAL)), ImportResult())


def import_staff_rows(session: Session, rows: list[tuple[int, dict]], result: ImportResult) -> ImportResult:
    """Staff rows (row number, cells) into result; backups and supervisors may be defined later in rows."""
    codes_in_file = {row["staff_code"] for _, row in rows if row.get("staff_code")}
    repeated = _repeated_codes(rows, "staff_code")
    for number, row in rows:
        if number in repeated:
            result.errors += [repeated[number]] if repeated[number] else []
            continue
        error = _require(row, number, STAFF_COLUMNS)
        role = row.get("role", "").lower()
        if not error and role not in STAFF_ROLES:
            error = f"row {number}, column role: {row['role']!r} is not one of {', '.join(STAFF_ROLES)}"
        for column in ("backup", "supervisor"):
            ref = row.get(column)
            if not error and ref and ref not in codes_in_file and staff_by_code(session, ref) is None:
                error = f"row {number}, column {column}: unknown staff_code {ref!r}"
        language = row.get("language") or "th"
        if not error and language not in ("th", "en"):
            error = f"row {number}, column language: {language!r} is not th or en"
        if error:
            result.errors.append(error)
            continue
        staff = staff_by_code(session, row["staff_code"])
        if staff is None:
            staff = Staff(staff_code=row["staff_code"], name=row["name"], role=role, office=row["office"])
            result.created += 1
        else:
            result.updated += 1
        staff.name, staff.role, staff.office = row["name"], role, row["office"]
        staff.backup_code = row.get("backup") or None
        staff.supervisor_code = row.get("supervisor") or None
        staff.language = language
        phone = row.get("phone", "")
        if phone and not PHONE.match(phone):
            result.warnings.append(f"row {number}, column phone: {phone!r} is not a phone number (imported without it)")
            phone = ""
        if phone or "phone" in row:
            staff.phone = phone
        _link_zone(session, row)
        session.add(staff)
    session.flush()
    return result


def _link_zone(session: Session, row: dict) -> None:
    """The row's office belongs to the row's zone (issue 15); every office is known, zone or not."""
    set_zone(session, row["office"], row.get("zone", ""))


def parse_sites(value: str) -> list[str]:
    """Site names; a name may carry its feeder after `@` (`โรงงาน 1@BPA-03`, issue 16): see site_feeders."""
    return [name.split("@")[0].strip() for name in value.replace("|", ";").split(";") if name.split("@")[0].strip()]


def site_feeders(value: str) -> dict[str, str]:
    """{site name: feeder as written} for the sites of a `sites` cell that name one."""
    found = {}
    for part in value.replace("|", ";").split(";"):
        name, _, feeder = part.partition("@")
        if name.strip() and feeder.strip():
            found[name.strip()] = feeder.strip()
    return found


def import_accounts(session: Session, file: TextIO, *, load_rule: LoadRule | None = None) -> ImportResult:
    return import_account_rows(session, read_rows(file, ACCOUNT_COLUMNS, ACCOUNT_OPTIONAL), ImportResult(),
                               load_rule=load_rule)


def import_account_rows(session: Session, rows: Iterable[tuple[int, dict]], result: ImportResult, *,
                        load_rule: LoadRule | None = None) -> ImportResult:
    """With load_rule, warn about every KAMR whose weighted load the rows leave outside the rule."""
    touched: set[int] = set()
    rows = list(rows)
    repeated = _repeated_codes(rows, "account_code")
    for number, row in rows:
        if number in repeated:
            result.errors += [repeated[number]] if repeated[number] else []
            continue
        error = _require(row, number, ("account_code", "name", "tier", "office"))
        tier = row.get("tier", "").lower()
        if not error and tier not in TIERS:
            error = f"row {number}, column tier: {row['tier']!r} is not one of {', '.join(TIERS)}"
        kamr = None
        if not error and row.get("kamr"):
            kamr = staff_by_code(session, row["kamr"])
            if kamr is None:
                error = f"row {number}, column kamr: unknown staff_code {row['kamr']!r} (import staff first)"
        feeders = site_feeders(row.get("sites", ""))
        bad = [feeder for feeder in feeders.values() if not FEEDER.match(normal_feeder(feeder))]
        if not error and bad:
            error = (f"row {number}, column sites: {bad[0]!r} is not a feeder code (letters, digits, - . / _ up to 30; "
                     "write site@feeder)")
        if error:
            result.errors.append(error)
            continue
        account = account_by_code(session, row["account_code"])
        if account is None:
            account = Account(account_code=row["account_code"], name=row["name"], tier=tier, office=row["office"])
            result.created += 1
        else:
            result.updated += 1
        touched |= {account.kamr_id, kamr.id if kamr else None} - {None}
        if account.id is not None and kamr is not None and account.kamr_id != kamr.id:
            result.handovers.append((account.id, account.kamr_id, kamr.id))
        _link_zone(session, row)
        account.name, account.tier, account.office = row["name"], tier, row["office"]
        account.kamr_id = kamr.id if kamr else None
        session.add(account)
        session.flush()
        _add_missing_sites(session, account, parse_sites(row.get("sites", "")), feeders)
    session.flush()
    if load_rule is not None and touched:
        result.warnings = out_of_range(staff_loads(session, load_rule, staff_ids=touched), load_rule)
    return result


def _add_missing_sites(session: Session, account: Account, names: list[str], feeders: dict[str, str]) -> None:
    """New sites added; a feeder written on a known site moves it there (one left out changes nothing)."""
    known = {site.name: site for site in sites_of(session, account.id)}
    for name in names:
        site = known.get(name) or Site(account_id=account.id, name=name)
        if name in feeders:
            site.feeder = normal_feeder(feeders[name])
        if name not in known or name in feeders:
            session.add(site)
        known[name] = site
