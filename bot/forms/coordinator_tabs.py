"""The coordinator's tables: every ticket, every visit, this quarter's quota progress, every form response.

Built from the database only, so `kambot export DIR` works offline and the poll writes the same
rows to the coordinator spreadsheet. Thai headers and Thai dates (Buddhist era) for people;
ticket numbers and codes as text.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import func
from sqlmodel import Session, col, select

from bot import media
from bot.config import Config
from handlers.operations import case
from handlers.reporting import urgent
from handlers.rules import quotas, risk_note
from handlers.rules.visit_timing import days_late
from handlers.texts import TEXTS, t
from handlers.thai_dates import bangkok_today, format_date, format_datetime
from bot.forms.planned_tab import planned_rows  # issue 16
from bot.forms.incident_tab import OPEN_TAB, open_rows  # issue 16
from storage import form_responses, selection
from storage.models import Account, Contact, FormResponse, Media, Rating, Staff, Ticket, TicketEvent, Visit


@dataclass(frozen=True)
class Table:
    name: str  # file name for `kambot export`
    title: str  # tab title in the coordinator spreadsheet
    rows: list[list[str]]  # header first


TICKET_HEADER = ["เลขที่", "ประเภท", "รหัสบัญชี", "ลูกค้า", "KAMR", "ช่องทาง", "สถานะ", "รับเรื่อง", "กำหนดตอบ",
                 "ตอบ/แก้ไขเมื่อ", "คะแนน", "ไฟล์แนบ"]
HISTORY_HEADER = ["เลขที่", "เมื่อ", "เหตุการณ์", "โดย", "ข้อความ", "ไฟล์/ตำแหน่ง"]
VISIT_HEADER = ["วันที่เยี่ยม", "รหัสบัญชี", "ลูกค้า", "ผู้เยี่ยม", "รูปแบบ", "วัตถุประสงค์", "สถานะ", "ช่องทาง",
                "บันทึกผลเมื่อ", "คะแนน", "บันทึกช้า (เกิน 7 วัน)", "บันทึกความเสี่ยง"]
QUOTA_HEADER = ["ไตรมาส", "รหัสพนักงาน", "ชื่อ", "บทบาท", "สำนักงาน", "เยี่ยมแล้ว", "เป้าหมาย", "ครบแล้ว",
                "ลูกค้าที่ยังไม่ได้เยี่ยม"]
RESPONSE_HEADER = ["แบบฟอร์ม", "ส่งเมื่อ", "ระบุบัญชี", "ผลการรับ", "เหตุผล", "เลขที่เรื่อง", "สถานะเรื่อง"]
RESPONSE_STATUS = {"ingested": "รับเข้าระบบแล้ว", "unmatched": "ไม่พบบัญชี", "invalid": "ข้อมูลไม่ครบ/ผิด"}
VISIT_STATUS = {"planned": "นัดไว้", "done": "เยี่ยมแล้ว", "cancelled": "ยกเลิก"}
CHANNELS = {"line": "LINE", "form": "Google Forms"}
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


@functools.cache  # a few dozen keys, asked for twice per row of 50,000
def _label(key: str, fallback: str) -> str:
    return t(key, "th") if key in TEXTS else fallback


def _when(moment: datetime | None) -> str:
    return format_datetime(moment, "th") if moment else ""


def build_tabs(session: Session, config: Config, *, now: datetime) -> list[Table]:
    return [
        Table("tickets", "เรื่องทั้งหมด (บอท)", _tickets(session, config)),
        Table("visits", "การเยี่ยม (บอท)", _visits(session, config)),
        Table("quota", "โควตาเยี่ยมไตรมาสนี้ (บอท)", _quota(session, config, now)),
        Table("form_responses", "คำตอบแบบฟอร์ม (บอท)", _responses(session)),
        Table("ticket_history", "ประวัติเรื่อง (บอท)", _history(session, config)),
        Table("urgent_reports", "รายงานเรื่องด่วน CRM-KAM-003 (บอท)", _urgent(session, now)),  # issue 17
        Table("planned_outages", "ดับไฟตามแผน (บอท)", planned_rows(session)),  # issue 16
        Table("selection", "การคัดเลือกลูกค้า CRM-KAM-001 (บอท)", _selection(session, config, now)),  # issue 17
        Table("open_incidents", OPEN_TAB, open_rows(session)),  # issue 16
    ]


def _selection(session: Session, config: Config, now: datetime) -> list[list[str]]:
    """The selection record of the current quota year, as `kambot accounts selection export` writes it."""
    year = quotas.quarter_of(config.quotas, bangkok_today(now)).year
    return [list(selection.COLUMNS), *([str(cell) for cell in row] for row in selection.export_rows(session, year))]


def _urgent(session: Session, now: datetime) -> list[list[str]]:
    everything = urgent.load_records(session, EPOCH, now + timedelta(days=1))
    return urgent.export_rows(everything, bangkok_today(now))


def _scores(session: Session, kind: str) -> dict[int, str]:
    rows = session.exec(select(Rating.subject_id, func.min(Rating.score)).where(Rating.subject_kind == kind)
                        .group_by(Rating.subject_id)).all()
    return {subject_id: str(score) for subject_id, score in rows}


def _media_links(session: Session, config: Config) -> tuple[dict[int, list[str]], dict[str, str]]:
    """Kept files' public addresses: by ticket id, and by the channel's message id (for the history).
    Empty without [server] public_url: there is no address to give."""
    if not config.server.public_url:
        return {}, {}
    by_ticket: dict[int, list[str]] = {}
    by_message: dict[str, str] = {}
    rows = session.connection().execute(
        select(Media.ticket_id, Media.channel_message_id, Media.token).where(Media.status == "stored").order_by(Media.id))
    for ticket_id, message_id, token in rows:
        url = media.url_for(config, token)
        by_message[message_id] = url
        if ticket_id is not None:
            by_ticket.setdefault(ticket_id, []).append(url)
    return by_ticket, by_message


def _history(session: Session, config: Config) -> list[list[str]]:
    """Every ticket's history, oldest first, with the address of each kept photo or file and each pin's map."""
    _, by_message = _media_links(session, config)
    rows = session.connection().execute(
        select(Ticket.number, TicketEvent.at, TicketEvent.action, Staff.name, Contact.name, Contact.display_name,
               TicketEvent.text, TicketEvent.details)
        .join(Ticket, col(Ticket.id) == TicketEvent.ticket_id)
        .join(Staff, col(Staff.id) == TicketEvent.staff_id, isouter=True)
        .join(Contact, col(Contact.id) == TicketEvent.contact_id, isouter=True)
        .order_by(TicketEvent.id)
    ).all()
    table = [HISTORY_HEADER]
    for number, at, action, staff, contact, display, text, details in rows:
        details = details or {}
        where = by_message.get(details.get("media_id", ""), "")
        if details.get("latitude") is not None and details.get("longitude") is not None:
            where = case.maps_url(details["latitude"], details["longitude"])
        table.append([number, _when(at), action, staff or contact or display or "", text, where])
    return table


def _tickets(session: Session, config: Config) -> list[list[str]]:
    # Plain rows of columns, not ORM objects (nor the whole details JSON): the tab lists every
    # ticket, and building 50,000 objects per poll costs seconds.
    scores = _scores(session, "ticket")
    links, _ = _media_links(session, config)
    rows = session.connection().execute(
        select(Ticket.id, Ticket.number, Ticket.kind, Account.account_code, Account.name, Staff.name, Ticket.channel,
               Ticket.status, Ticket.created_at, Ticket.due_date, Ticket.details["answered_at"].as_string(),
               Ticket.resolved_at)
        .join(Account, col(Account.id) == Ticket.account_id)
        .join(Staff, col(Staff.id) == Account.kamr_id, isouter=True)
        .order_by(Ticket.id)
    ).all()
    table = [TICKET_HEADER]
    for ticket_id, number, kind, code, name, kamr, channel, status, created, due, answered_at, resolved in rows:
        answered = datetime.fromisoformat(answered_at) if answered_at else resolved
        table.append([
            number,
            _label(f"kind_{kind}", kind),
            code,
            name,
            kamr or "",
            CHANNELS.get(channel, channel),
            _label(f"status_{status}", status),
            _when(created),
            format_date(due, "th") if due else "",
            _when(answered),
            scores.get(ticket_id, ""),
            "\n".join(links.get(ticket_id, ())),
        ])
    return table


LATE_STATE = {"pending": ", รออนุมัติ", "approved": ", อนุมัติแล้ว", "refused": ", ไม่อนุมัติ (ไม่นับ)"}


def _late(config: Config, day, reported, approval: str) -> str:
    """'ช้า 23 วัน, รออนุมัติ' for a visit recorded past the 7-day rule (001 flow chart step 5); '' in time."""
    late = days_late(config.quotas, day, reported)
    return f"ช้า {late} วัน{LATE_STATE.get(approval, '')}" if late else ""


def _visits(session: Session, config: Config) -> list[list[str]]:
    scores = _scores(session, "visit")
    rows = session.connection().execute(
        select(Visit.id, Visit.visit_date, Account.account_code, Account.name, Staff.name, Visit.mode, Visit.purpose,
               Visit.status, Visit.channel, Visit.reported_at, Visit.late_approval, Visit.account_id, Visit.risk_note)
        .join(Account, col(Account.id) == Visit.account_id)
        .join(Staff, col(Staff.id) == Visit.staff_id)
        .order_by(Visit.visit_date, Visit.id)
    ).all()
    at_risk = risk_note.groups_by_visit(session, config.quotas, ((row[0], row[11], row[1]) for row in rows
                                                                 if row[7] == "done"))
    table = [VISIT_HEADER]
    for visit_id, day, code, name, staff, mode, purpose, status, channel, reported, approval, _, note in rows:
        table.append([
            format_date(day, "th"), code, name, staff,
            _label(f"mode_{mode}", mode), _label(f"purpose_{purpose}", purpose),
            VISIT_STATUS.get(status, status), CHANNELS.get(channel, channel),
            _when(reported),
            scores.get(visit_id, ""),
            _late(config, day, reported, approval),
            risk_note.note_status(note, visit_id in at_risk, "th"),
        ])
    return table


def _quota(session: Session, config: Config, now: datetime) -> list[list[str]]:
    q = quotas.quarter_of(config.quotas, bangkok_today(now))
    period = f"{q.label} ({format_date(q.start, 'th')} – {format_date(q.end, 'th')})"
    table = [QUOTA_HEADER]
    for item in quotas.progress(session, config.quotas, q):
        table.append([period, item.staff.staff_code, item.staff.name, item.staff.role, item.staff.office,
                      str(item.done), str(item.target), "ครบ" if item.met else "ยังไม่ครบ",
                      ", ".join(account.account_code for account in item.unvisited)])
    return table


def _responses(session: Session) -> list[list[str]]:
    linked = select(FormResponse.ticket_id)
    found = session.exec(select(Ticket.id, Ticket.number, Ticket.status).where(col(Ticket.id).in_(linked))).all()
    numbers = {ticket_id: number for ticket_id, number, _ in found}
    statuses = {ticket_id: status for ticket_id, _, status in found}
    table = [RESPONSE_HEADER]
    for response in form_responses.all_responses(session):
        table.append([
            response.form_key,
            _when(response.submitted_at),
            response.answers.get("account", ""),
            RESPONSE_STATUS.get(response.status, response.status),
            response.reason,
            numbers.get(response.ticket_id, ""),
            _label(f"status_{statuses[response.ticket_id]}", "") if response.ticket_id in statuses else "",
        ])
    return table
