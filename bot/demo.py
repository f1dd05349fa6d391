"""The demo organisation: a zone, two offices, their people, a dozen key accounts and a few open tickets.

Everything goes through the roster import and the repositories the operators' own data uses.
Every demo person is on "LINE" with a fixed fake user id (demo_user_id), so the terminal chat
simulator (bot/chat.py) can speak as them.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, select

from bot.config import Config
from handlers.complaint import ANSWER_DAYS
from handlers.workdays import calendar_from_config
from storage import roster, tickets
from storage.models import Account, Contact, Staff, Ticket
from storage.roster_import import import_accounts, import_staff

ZONE = "PEA-N1"
OFFICES = {"PEA-CM": "สำนักงานเชียงใหม่", "PEA-LP": "สำนักงานลำพูน", ZONE: "เขต 1 ภาคเหนือ", "PEA-HQ": "สำนักงานใหญ่"}

STAFF_CSV = """staff_code,name,role,office,backup,supervisor,language
D001,ประเสริฐ วงศ์ใหญ่,deputy_governor,PEA-HQ,,,th
Z100,สุรชัย ทองดี,zone_director,PEA-N1,,D001,th
M101,มาลี ศรีสุข,office_manager,PEA-CM,,Z100,th
M201,ชัยวัฒน์ บุญมา,office_manager,PEA-LP,,Z100,th
S101,อรุณ แสงทอง,senior_kamr,PEA-CM,,M101,th
Z001,วีระ ประจำเขต,zone_kamr,PEA-CM,,M101,th
K001,สมชาย ใจดี,kamr,PEA-CM,Z001,S101,th
K002,สมหญิง รักงาน,kamr,PEA-CM,K001,S101,th
S201,นภา ใจเย็น,senior_kamr,PEA-LP,,M201,th
K003,ธนา มีสุข,kamr,PEA-LP,K004,S201,th
K004,Anna Smith,kamr,PEA-LP,K003,S201,en
"""

ACCOUNTS_CSV = """account_code,name,tier,office,kamr,sites
A101,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-CM,K001,โรงงาน 1;โรงงาน 2
A102,โรงพยาบาลนครพิงค์,strategic,PEA-CM,K001,อาคารผู้ป่วยใน;อาคารผู้ป่วยนอก
A103,บริษัท เชียงใหม่ฟู้ดส์ จำกัด,star,PEA-CM,K001,โรงงานสันทราย
A104,ศูนย์การค้าริมปิง พลาซ่า,star,PEA-CM,K002,อาคารหลัก
A105,มหาวิทยาลัยล้านนา,status,PEA-CM,K002,วิทยาเขตหลัก;วิทยาเขตแม่ริม
A106,โรงแรมดอยคำ รีสอร์ท,status,PEA-CM,K002,
A107,บริษัท ห้องเย็นแม่ปิง จำกัด,streamline,PEA-CM,K002,คลังสินค้า
A201,บริษัท ลำพูนอิเล็กทรอนิกส์ จำกัด,strategic,PEA-LP,K003,นิคมฯ อาคาร A;นิคมฯ อาคาร B
A202,บริษัท หริภุญชัย สิ่งทอ จำกัด,star,PEA-LP,K003,โรงทอ
A203,โรงพยาบาลลำพูนเมือง,status,PEA-LP,K004,
A204,บริษัท ลำไยทอง แปรรูป จำกัด,streamline,PEA-LP,K004,โรงงาน 1;โรงงาน 2;โรงงาน 3
A205,สหกรณ์โคนมป่าซาง จำกัด,streamline,PEA-LP,K003,ศูนย์รับน้ำนม
"""

# (key, account, display name, language): the key is what `kambot chat --as` takes.
CONTACTS = (
    ("A101-1", "A101", "คุณวิภา (ฝ่ายวิศวกรรม)", "th"),
    ("A101-2", "A101", "คุณเอก (หัวหน้ากะ)", "th"),
    ("A102-1", "A102", "คุณพรทิพย์ (ฝ่ายอาคาร)", "th"),
    ("A103-1", "A103", "คุณสุดา (จัดซื้อ)", "th"),
    ("A104-1", "A104", "คุณกิตติ (ฝ่ายอาคาร)", "th"),
    ("A105-1", "A105", "คุณปวีณา (กองคลัง)", "th"),
    ("A106-1", "A106", "คุณนัท (ผู้จัดการ)", "th"),
    ("A107-1", "A107", "คุณบุญมี (ช่างไฟฟ้า)", "th"),
    ("A201-1", "A201", "Mr. Tanaka (Facility)", "en"),
    ("A201-2", "A201", "คุณศิริ (วิศวกร)", "th"),
    ("A202-1", "A202", "คุณมานพ (โรงงาน)", "th"),
    ("A203-1", "A203", "คุณจันทร์ (ฝ่ายซ่อมบำรุง)", "th"),
    ("A204-1", "A204", "คุณลำดวน (เจ้าของ)", "th"),
    ("A205-1", "A205", "คุณสมศักดิ์ (ประธาน)", "th"),
)

ROLE_LABELS = {
    "kamr": "KAMR",
    "senior_kamr": "KAMR อาวุโส",
    "zone_kamr": "KAMR ประจำเขต",
    "dept_head": "หัวหน้าแผนก",
    "office_manager": "ผู้จัดการสำนักงาน",
    "zone_director": "ผู้อำนวยการเขต",
    "deputy_governor": "รองผู้ว่าการ",
    "coordinator": "ผู้ประสานงาน",
}


class DemoExists(Exception):
    """The database already holds a roster; the demo does not mix itself into it."""


@dataclass(frozen=True)
class Person:
    """One row of "who is who"."""

    key: str  # what `kambot chat --as` takes
    name: str
    role: str  # role, or the account and its tier for a contact
    office: str
    line_user_id: str


def demo_user_id(key: str) -> str:
    """A LINE-shaped user id ("U" + 32 hex) that is the same for the same demo key on every run."""
    return "U" + hashlib.sha256(f"kambot-demo:{key.upper()}".encode()).hexdigest()[:32]


def roster_size(session: Session) -> tuple[int, int]:
    staff = session.exec(select(func.count()).select_from(Staff)).one()
    accounts = session.exec(select(func.count()).select_from(Account)).one()
    return staff, accounts


def erase_everything(session: Session) -> None:
    """Every row of every table, children first; the schema (and its Alembic version) stays."""
    for table in reversed(SQLModel.metadata.sorted_tables):
        session.execute(delete(table))


def create_demo(session: Session, config: Config, *, now: datetime) -> list[Person]:
    staff_count, account_count = roster_size(session)
    if staff_count or account_count:
        raise DemoExists(f"the database already has {staff_count} staff and {account_count} accounts")
    for importer, csv_text in ((import_staff, STAFF_CSV), (import_accounts, ACCOUNTS_CSV)):
        result = importer(session, io.StringIO(csv_text))
        if result.errors:  # the data above is ours: an error here is a bug, not bad input
            raise RuntimeError("; ".join(result.errors))
    for staff in session.exec(select(Staff)).all():
        staff.line_user_id = demo_user_id(staff.staff_code)
        session.add(staff)
    contacts = {}
    for key, account_code, name, language in CONTACTS:
        account = roster.account_by_code(session, account_code)
        contacts[key] = Contact(account_id=account.id, line_user_id=demo_user_id(key), display_name=name,
                                language=language, linked_at=now - timedelta(days=30))
        session.add(contacts[key])
    session.flush()
    _open_tickets(session, config, contacts, now=now)
    session.flush()
    return who_is_who(session)


def _open_tickets(session: Session, config: Config, contacts: dict[str, Contact], *, now: datetime) -> None:
    """An outage nobody has taken yet, one being worked on, a fresh complaint and an overdue one."""
    k001 = roster.staff_by_code(session, "K001")
    _outage(session, contacts["A201-2"], "นิคมฯ อาคาร B", "low_voltage", now=now - timedelta(minutes=5))
    taken = _outage(session, contacts["A102-1"], "อาคารผู้ป่วยใน", "no_power", now=now - timedelta(hours=1))
    tickets.transition(session, taken, ("open",), status="acknowledged", acknowledged_at=now - timedelta(minutes=50),
                       acknowledged_by=k001.id)
    tickets.log(session, taken, "acknowledged", now=now - timedelta(minutes=50), staff_id=k001.id)
    tickets.log(session, taken, "update", now=now - timedelta(minutes=30), staff_id=k001.id,
                text="ทีมช่างถึงหน้างานแล้ว กำลังเปลี่ยนหม้อแปลง คาดว่าไฟมาภายใน 1 ชั่วโมง")
    _complaint(session, config, contacts["A105-1"], "billing",
               "ค่าไฟเดือนตุลาคมสูงกว่าปกติเกือบเท่าตัว ขอให้ตรวจสอบมิเตอร์", now=now - timedelta(days=1))
    _complaint(session, config, contacts["A202-1"], "power_quality",
               "ไฟกระพริบบ่อยช่วงบ่าย ทำให้เครื่องทอหยุดหลายครั้ง", now=now - timedelta(days=12))


def _outage(session: Session, contact: Contact, site_name: str, symptom: str, *, now: datetime) -> Ticket:
    site = next(s for s in roster.sites_of(session, contact.account_id) if s.name == site_name)
    ticket = tickets.create(session, Ticket(kind="outage", account_id=contact.account_id, site_id=site.id,
                                            contact_id=contact.id, category=symptom, created_at=now, started_at=now))
    tickets.log(session, ticket, "reported", now=now, contact_id=contact.id)
    return ticket


def _complaint(session: Session, config: Config, contact: Contact, topic: str, text: str, *, now: datetime) -> None:
    due = calendar_from_config(config).due_for(now, n=ANSWER_DAYS)
    ticket = tickets.create(session, Ticket(
        kind="complaint", account_id=contact.account_id, contact_id=contact.id, category=topic, description=text,
        created_at=now, due_date=due.due,
        details={"due": due.due.isoformat(), "due_rule": due.rule, "received_at": now.isoformat()}))
    tickets.log(session, ticket, "reported", now=now, contact_id=contact.id)


def who_is_who(session: Session) -> list[Person]:
    """Staff by office and rank, then contacts by account: everyone who can be chatted as."""
    people = [
        Person(s.staff_code, s.name, ROLE_LABELS.get(s.role, s.role), s.office, s.line_user_id or "")
        for s in session.exec(select(Staff).order_by(Staff.staff_code)).all()
    ]
    keys = {demo_user_id(key): key for key, *_ in CONTACTS}
    for contact, account in session.exec(
        select(Contact, Account).join(Account, Account.id == Contact.account_id).order_by(Account.account_code, Contact.id)
    ).all():
        key = keys.get(contact.line_user_id, contact.line_user_id)
        people.append(Person(key, contact.display_name, f"{account.name} ({account.tier})", account.office,
                             contact.line_user_id))
    return people


def find_person(session: Session, key: str) -> Person | None:
    """The demo person for a `--as` key: a staff code, a contact key such as A101-1, or an account code (its first contact)."""
    key = key.strip().upper()
    if "-" not in key and roster.account_by_code(session, key) is not None:
        key = f"{key}-1"
    return next((p for p in who_is_who(session) if p.key.upper() == key), None)
