"""The demo organisation: a zone, two offices, their people, a dozen key accounts, open tickets, visits.

Everything goes through the roster import and the same operations (handlers/operations/) the bot's
people use. The history is made without a word to anyone (a Silent notifier), as it was made "before"
anyone chats, and its tickets came in by LINE like the ones the demo people will report.
Every demo person is on "LINE" with a fixed fake user id (demo_user_id), so the terminal chat
simulator (bot/demo/chat.py) can speak as them.
"""
from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, SQLModel, select

from bot.config import Config, ReportsConfig
from handlers.notify import Silent
from handlers.operations import complaints, outages, ratings, services, visits
from handlers.thai_dates import bangkok_today
from handlers.rules.entitlement import offers_for
from storage import roster
from storage.models import Account, Contact, Setting, Staff, Ticket
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

# Sites "name@feeder": the walkthrough of docs/guide.md opens an area incident on CMI-04 and plans work on CMI-07.
ACCOUNTS_CSV = """account_code,name,tier,office,kamr,sites
A101,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-CM,K001,โรงงาน 1@CMI-04;โรงงาน 2@CMI-07
A102,โรงพยาบาลนครพิงค์,strategic,PEA-CM,K001,อาคารผู้ป่วยใน@CMI-04;อาคารผู้ป่วยนอก@CMI-07
A103,บริษัท เชียงใหม่ฟู้ดส์ จำกัด,star,PEA-CM,K001,โรงงานสันทราย@CMI-04
A104,ศูนย์การค้าริมปิง พลาซ่า,star,PEA-CM,K002,อาคารหลัก@CMI-07
A105,มหาวิทยาลัยล้านนา,status,PEA-CM,K002,วิทยาเขตหลัก;วิทยาเขตแม่ริม
A106,โรงแรมดอยคำ รีสอร์ท,status,PEA-CM,K002,
A107,บริษัท ห้องเย็นแม่ปิง จำกัด,streamline,PEA-CM,K002,คลังสินค้า
A201,บริษัท ลำพูนอิเล็กทรอนิกส์ จำกัด,strategic,PEA-LP,K003,นิคมฯ อาคาร A;นิคมฯ อาคาร B
A202,บริษัท หริภุญชัย สิ่งทอ จำกัด,star,PEA-LP,K003,โรงทอ
A203,โรงพยาบาลลำพูนเมือง,status,PEA-LP,K004,
A204,บริษัท ลำไยทอง แปรรูป จำกัด,streamline,PEA-LP,K004,โรงงาน 1;โรงงาน 2;โรงงาน 3
A205,สหกรณ์โคนมป่าซาง จำกัด,streamline,PEA-LP,K003,ศูนย์รับน้ำนม
"""

# (key, account, name, position, phone, language): the key is what `kambot chat --as` takes.
CONTACTS = (
    ("A101-1", "A101", "วิภา สุขใจ", "วิศวกรไฟฟ้า", "081-234-5601", "th"),
    ("A101-2", "A101", "เอกชัย ดีมาก", "หัวหน้ากะ", "081-234-5602", "th"),
    ("A102-1", "A102", "พรทิพย์ ใจงาม", "หัวหน้าฝ่ายอาคาร", "081-234-5603", "th"),
    ("A103-1", "A103", "สุดา เรืองศรี", "ผู้จัดการโรงงาน", "081-234-5604", "th"),
    ("A104-1", "A104", "กิตติ พงษ์ไพร", "ฝ่ายอาคาร", "081-234-5605", "th"),
    ("A105-1", "A105", "ปวีณา คำดี", "กองคลัง", "081-234-5606", "th"),
    ("A106-1", "A106", "ณัฐ วงศ์คำ", "ผู้จัดการทั่วไป", "081-234-5607", "th"),
    ("A107-1", "A107", "บุญมี ศรีเมือง", "ช่างไฟฟ้า", "081-234-5608", "th"),
    ("A201-1", "A201", "Kenji Tanaka", "Facility manager", "081-234-5609", "en"),
    ("A201-2", "A201", "ศิริ ปัญญาดี", "วิศวกร", "081-234-5610", "th"),
    ("A202-1", "A202", "มานพ ทองคำ", "ผู้จัดการโรงงาน", "081-234-5611", "th"),
    ("A203-1", "A203", "จันทร์เพ็ญ ศรีสุข", "ฝ่ายซ่อมบำรุง", "081-234-5612", "th"),
    ("A204-1", "A204", "ลำดวน บุญเรือง", "เจ้าของกิจการ", "081-234-5613", "th"),
    ("A205-1", "A205", "สมศักดิ์ ป่าซาง", "ประธานสหกรณ์", "081-234-5614", "th"),
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


# Marks a database made by create_demo: `kambot demo serve` runs the scheduler, whose escalations and
# reminders would change real tickets and then go to the stand-in instead of people.
DEMO_SETTING = "demo.created_at"


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


def is_demo_database(session: Session) -> bool:
    return session.get(Setting, DEMO_SETTING) is not None


def holds_more_than_the_demo(session: Session) -> bool:
    """Whether erasing would lose something that `kambot demo` did not make."""
    if is_demo_database(session):
        return False
    return any(session.execute(select(1).select_from(table).limit(1)).first() for table in SQLModel.metadata.sorted_tables)


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
    for key, account_code, name, position, phone, language in CONTACTS:
        account = roster.account_by_code(session, account_code)
        contacts[key] = Contact(account_id=account.id, line_user_id=demo_user_id(key), display_name=name.split()[0],
                                name=name, position=position, phone=phone, language=language,
                                linked_at=now - timedelta(days=90))
        session.add(contacts[key])
    session.flush()
    _open_tickets(session, config, contacts, now=now)
    _visits(session, contacts, today=bangkok_today(now), now=now)
    session.add(Setting(key=DEMO_SETTING, value=now.isoformat()))
    session.flush()
    return who_is_who(session)


# The history's tickets and visits were reported on LINE, like everything the demo people do next.
CHANNEL = "line"


def _open_tickets(session: Session, config: Config, contacts: dict[str, Contact], *, now: datetime) -> None:
    """An outage nobody has taken yet, one being worked on, a fresh complaint, an overdue one, a service request."""
    k001 = roster.staff_by_code(session, "K001")
    _outage(session, contacts["A201-2"], "นิคมฯ อาคาร B", "low_voltage", now=now - timedelta(minutes=5))
    taken = _outage(session, contacts["A102-1"], "อาคารผู้ป่วยใน", "no_power", now=now - timedelta(hours=1))
    outages.acknowledge(session, taken, now=now - timedelta(minutes=50), actor=k001, notifier=Silent())
    # The update as a KAMR posts it (issue 16): a cause from [incidents] causes and an estimated restoration.
    outages.post_update(session, taken, "ทีมช่างถึงหน้างานแล้ว กำลังเปลี่ยนหม้อแปลง", cause="อุปกรณ์ชำรุด",
                        etr=now + timedelta(minutes=30), now=now - timedelta(minutes=30), actor=k001, notifier=Silent())
    _complaint(session, config, contacts["A105-1"], "billing",
               "ค่าไฟเดือนตุลาคมสูงกว่าปกติเกือบเท่าตัว ขอให้ตรวจสอบมิเตอร์", now=now - timedelta(days=1))
    _complaint(session, config, contacts["A202-1"], "power_quality",
               "ไฟกระพริบบ่อยช่วงบ่าย ทำให้เครื่องทอหยุดหลายครั้ง", now=now - timedelta(days=12))
    _service_request(session, config, contacts["A101-2"], preferred=bangkok_today(now) + timedelta(days=14),
                     now=now - timedelta(hours=3))


def _outage(session: Session, contact: Contact, site_name: str, symptom: str, *, now: datetime) -> Ticket:
    site = next(s for s in roster.sites_of(session, contact.account_id) if s.name == site_name)
    return outages.open_outage(session, now=now, actor=contact, channel=CHANNEL, notifier=Silent(),
                               account_id=contact.account_id, site_id=site.id, symptom=symptom, started=now).ticket


def _complaint(session: Session, config: Config, contact: Contact, topic: str, text: str, *, now: datetime) -> None:
    complaints.file_complaint(session, config, now=now, actor=contact, channel=CHANNEL, notifier=Silent(),
                              account_id=contact.account_id, topic=topic, text=text, received_at=now)


# (account, KAMR, days ago, mode, purpose, notes, score from the contact or None)
PAST_VISITS = (
    ("A101", "K001", 70, "on_site", "ทบทวนแผนบำรุงรักษาหม้อแปลงประจำปี", "ลูกค้าขอให้ตรวจวัดค่า THD ไตรมาสหน้า", 5),
    ("A101", "K001", 20, "video", "ติดตามผลการตรวจวัดคุณภาพไฟฟ้า", "ค่า THD อยู่ในเกณฑ์ ส่งรายงานทางอีเมลแล้ว", 4),
    ("A102", "K001", 45, "on_site", "สำรวจระบบไฟฟ้าสำรองอาคารผู้ป่วยใน", "แนะนำติดตั้ง ATS เพิ่ม", 5),
    ("A103", "K001", 30, "phone", "แจ้งแผนดับไฟเพื่อบำรุงรักษา", "ลูกค้ารับทราบ ขอเลื่อนเป็นวันอาทิตย์", None),
    ("A104", "K002", 60, "on_site", "เยี่ยมเยียนประจำไตรมาส", "", 4),
    ("A105", "K002", 15, "line", "ชี้แจงอัตราค่าไฟฟ้า TOU", "ลูกค้าสนใจเปลี่ยนอัตรา", None),
    ("A201", "K003", 50, "on_site", "ประชุมแผนขยายโรงงานอาคาร C", "ต้องการหม้อแปลงเพิ่ม 2 MVA ปีหน้า", 5),
    ("A202", "K003", 25, "video", "ติดตามปัญหาไฟกระพริบ", "นัดติดตั้งเครื่องบันทึกคุณภาพไฟฟ้า", 3),
    ("A203", "K004", 40, "on_site", "Quarterly visit", "Generator test schedule agreed", 5),
    ("A101", "M101", 35, "on_site", "ผู้จัดการสำนักงานเยี่ยมลูกค้ารายใหญ่", "ขอบคุณที่ใช้ไฟฟ้าอย่างต่อเนื่อง", 5),
    ("A201", "Z100", 10, "video", "ผู้อำนวยการเขตหารือแผนขยายกำลังการผลิต", "", None),
)


def _visits(session: Session, contacts: dict[str, Contact], *, today: date, now: datetime) -> None:
    """Past visits (some rated by the customer) and one planned for next week."""
    for account_code, staff_code, days_ago, mode, purpose, notes, score in PAST_VISITS:
        account = roster.account_by_code(session, account_code)
        kamr = roster.staff_by_code(session, staff_code)  # or a manager, for their own quota
        when = now - timedelta(days=days_ago)
        visit, _asked = visits.log_visit(session, now=when, actor=kamr, channel=CHANNEL, notifier=Silent(),
                                         account=account, day=today - timedelta(days=days_ago), mode=mode,
                                         purpose=purpose, notes=notes)
        if score is not None:
            ratings.record(session, visit, now=when + timedelta(hours=3), actor=contacts[f"{account_code}-1"],
                           notifier=Silent(), score=score, reports=ReportsConfig())
    k002, a106 = roster.staff_by_code(session, "K002"), roster.account_by_code(session, "A106")
    visits.log_visit(session, now=now, actor=k002, channel=CHANNEL, notifier=Silent(), account=a106,
                     day=today + timedelta(days=7), mode="on_site", purpose="เยี่ยมเยียนประจำไตรมาส", notes="")


def _service_request(session: Session, config: Config, contact: Contact, *, preferred: date, now: datetime) -> None:
    """The first free service the account's tier is entitled to, asked for a date two weeks ahead."""
    account = session.get(Account, contact.account_id)
    services.open_request(session, config, now=now, actor=contact, channel=CHANNEL, notifier=Silent(),
                          account_id=account.id, offer=offers_for(config.services, account.tier)[0], preferred=preferred)


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
        key = keys.get(contact.line_user_id or "", contact.line_user_id or "-")
        name = f"{contact.name} ({contact.position})" if contact.position else contact.name or contact.display_name
        people.append(Person(key, name, f"{account.name} ({account.tier})", account.office, contact.line_user_id or ""))
    return people


def find_person(session: Session, key: str) -> Person | None:
    """The demo person for a `--as` key: a staff code, a contact key such as A101-1, or an account code (its first contact)."""
    key = key.strip().upper()
    if "-" not in key and roster.account_by_code(session, key) is not None:
        key = f"{key}-1"
    return next((p for p in who_is_who(session) if p.key.upper() == key), None)
