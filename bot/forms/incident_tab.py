"""Area incidents from the coordinator sheet (issue 16): a coordinator types a row in the tab เปิดเหตุไฟดับ
(reference, feeders, cause, estimate, optionally the start) and the next poll opens the incident through
handlers/operations/incidents.py exactly once per reference, writing what happened in the row's last column;
the bot's tab เหตุไฟดับที่เปิดอยู่ (บอท) lists every open incident."""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from bot.forms.rows import as_text, local_time, normalise_ref
from handlers.notify import NotifierFor
from handlers.operations.incidents import IncidentError, open_incident
from handlers.thai_dates import format_datetime
from storage import incidents, network
from storage.db import session_scope
from storage.models import FormResponse, Incident

log = logging.getLogger(__name__)

TAB = "เปิดเหตุไฟดับ"  # the coordinator's: the bot writes only the result column
OPEN_TAB = "เหตุไฟดับที่เปิดอยู่ (บอท)"
REFERENCE, FEEDERS, CAUSE, ETR, SINCE, RESULT = "เลขอ้างอิง", "ฟีดเดอร์", "สาเหตุ", "คาดว่าไฟมา", "เริ่มเมื่อ", "ผลจากบอท"
HEADER = [REFERENCE, FEEDERS, CAUSE, ETR, SINCE, RESULT]
OPEN_HEADER = ["เลขที่เหตุ", "ฟีดเดอร์", "สาเหตุ", "เริ่มเมื่อ", "คาดว่าไฟมา", "ลูกค้า (ราย)", "สถานที่ (แห่ง)", "เปิดจาก",
               "เลขอ้างอิง"]
FORM_KEY = "coordinator-incidents"  # the requests are kept as form responses: one per reference
OPENED_FROM = {"cli": "คำสั่ง kambot", "line": "LINE (KAMR)", "sheet": "ชีตผู้ประสานงาน"}
_SPLIT = re.compile(r"[,;\s]+")


@dataclass(frozen=True)
class Results:
    column: int  # zero-based column of ผลจากบอท
    values: list[str]  # one per row below the header


def take_in(engine: Engine, rows: list[list[Any]], *, zone: str, now: datetime, notifier_for: NotifierFor,
            date_order: str = "dmy") -> Results:
    """Open the incident of each new row; a row already opened says so and opens nothing."""
    header = [as_text(cell) for cell in rows[0]] if rows else list(HEADER)
    column = {title: header.index(title) for title in HEADER if title in header}
    result_column = column.get(RESULT, len(header))
    values, first_row_of = [], {}
    for number, row in enumerate(rows[1:], start=2):
        cell = _reader(row, column)
        if not any(as_text(value) for index, value in enumerate(row) if index != result_column):
            values.append("")
            continue
        reference = normalise_ref(as_text(cell(REFERENCE)))
        if reference and reference in first_row_of:
            values.append(f"ไม่ได้เปิด: เลขอ้างอิงซ้ำกับแถว {first_row_of[reference]}")
            continue
        first_row_of[reference] = number
        try:
            values.append(_take_row(engine, number, reference, cell, tz=ZoneInfo(zone), now=now,
                                    notifier_for=notifier_for, date_order=date_order))
        except Exception as error:  # one bad row must not stop the others
            log.exception("coordinator incident row %d failed", number)
            values.append(f"ระบบขัดข้อง: {type(error).__name__}")
    return Results(result_column, values)


def _reader(row: list[Any], column: dict[str, int]):
    """The row's cell under a header title ("" when the tab has no such column or the row is short)."""
    def cell(title: str) -> Any:
        index = column.get(title)
        return row[index] if index is not None and index < len(row) else ""
    return cell


def _take_row(engine: Engine, number: int, reference: str, cell, *, tz: ZoneInfo, now: datetime,
              notifier_for: NotifierFor, date_order: str) -> str:
    if not reference:
        return f"ไม่ได้เปิด: คอลัมน์ {REFERENCE} ว่าง (ใส่เลขอ้างอิงของท่าน เช่น INC-1)"
    with session_scope(engine) as session:
        stored = session.exec(select(FormResponse).where(FormResponse.form_key == FORM_KEY,
                                                         FormResponse.response_key == reference)).first()
        if stored is not None and stored.status == "ingested":
            return _opened(session, stored.answers.get("incident", ""))
        problem, request = _parse(session, cell, tz, date_order)
        if stored is None:
            stored = FormResponse(form_key=FORM_KEY, response_key=reference, identity_hash=reference,
                                  submitted_at=now, row_hash="", answers={}, status="new", first_seen_at=now,
                                  updated_at=now)
        stored.answers = {"account": "", "feeders": ", ".join(request.get("feeders", ())),
                          "cause": request.get("cause", ""), "row": str(number)}
        stored.updated_at = now
        try:
            with session.begin_nested():
                session.add(stored)
                session.flush()  # a second poller taking the same reference stops here
                if problem:
                    stored.status, stored.reason = "invalid", problem
                else:
                    incident, _created = open_incident(session, now=now, actor=None, channel="sheet",
                                                       notifier=notifier_for(session, now), **request)
                    stored.status, stored.reason = "ingested", ""
                    stored.answers = {**stored.answers, "incident": incident.number}
                session.add(stored)
        except IncidentError as error:
            stored.status, stored.reason = "invalid", f"ไม่ได้เปิด: {error}"
            session.add(stored)
        except IntegrityError:
            return "กำลังเปิดโดยการดึงข้อมูลอีกรอบหนึ่ง"
        log.info("coordinator incident row %d: %s", number, stored.status)
        return _opened(session, stored.answers["incident"]) if stored.status == "ingested" else stored.reason


def _parse(session: Session, cell, tz: ZoneInfo, date_order: str) -> tuple[str, dict]:
    """(problem naming the column, or "", open_incident's arguments)."""
    feeders = [network.normal_feeder(code) for code in _SPLIT.split(as_text(cell(FEEDERS))) if code]
    request: dict = {"feeders": feeders, "cause": as_text(cell(CAUSE))}
    if not feeders:
        return f"ไม่ได้เปิด: คอลัมน์ {FEEDERS} ว่าง", request
    if unknown := network.unknown_feeders(session, feeders):
        return f"ไม่ได้เปิด: ไม่รู้จักฟีดเดอร์ {', '.join(unknown)} (คอลัมน์ {FEEDERS}: ไม่มีสถานที่ใดอยู่บนฟีดเดอร์นี้)", request
    for title, name in ((ETR, "etr"), (SINCE, "started")):
        value = cell(title)
        if as_text(value):
            moment = local_time(value, date_order)
            if moment is None:
                return f"ไม่ได้เปิด: คอลัมน์ {title} อ่านเป็นวันเวลาไม่ได้ ({as_text(value)})", request
            request[name] = moment.replace(tzinfo=tz).astimezone(ZoneInfo("UTC"))
    return "", request


def _opened(session: Session, number: str) -> str:
    incident = session.exec(select(Incident).where(Incident.number == number)).first()
    if incident is None:
        return f"เปิดแล้ว {number}"
    if incident.status != "open":
        return f"เปิดแล้ว {number} · ไฟมาแล้ว {format_datetime(incident.restored_at, 'th')}"
    return f"เปิดแล้ว {number} · แจ้งลูกค้าแล้ว {len(incidents.recipients(session, incident))} คน"


def open_rows(session: Session) -> list[list[str]]:
    """The bot's tab: every open incident, newest first."""
    references = {response.answers.get("incident"): response.response_key for response in session.exec(
        select(FormResponse).where(FormResponse.form_key == FORM_KEY, FormResponse.status == "ingested"))}
    table = [OPEN_HEADER]
    for incident in session.exec(select(Incident).where(Incident.status == "open")
                                 .order_by(col(Incident.started_at).desc(), col(Incident.id).desc())):
        sites = network.sites_on(session, incident.feeders)
        accounts = {site.account_id for site in sites}
        table.append([incident.number, ", ".join(incident.feeders), incident.cause,
                      format_datetime(incident.started_at, "th"),
                      format_datetime(incident.etr, "th") if incident.etr else "", str(len(accounts)), str(len(sites)),
                      OPENED_FROM.get(incident.channel, incident.channel), references.get(incident.number, "")])
    return table


