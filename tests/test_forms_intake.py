"""Google Forms intake with the real gspread client against the Sheets stand-in."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from bot.sheets_standin import SheetsStandIn
from storage.db import session_scope
from storage.models import FormResponse, Ticket, TicketEvent
from tests.forms_harness import OUTAGE_HEADER, at, forms_config, poll


@pytest.fixture
def sheets():
    standin = SheetsStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def outage_sheet(sheets):
    book = sheets.add_spreadsheet("OUTAGE-SHEET", "แจ้งไฟดับ (การตอบกลับ)")
    return book.add_tab("การตอบแบบฟอร์ม 1", [OUTAGE_HEADER])


@pytest.fixture
def complaint_sheet(sheets):
    from tests.forms_harness import COMPLAINT_HEADER

    return sheets.add_spreadsheet("COMPLAINT-SHEET").add_tab("การตอบแบบฟอร์ม 1", [COMPLAINT_HEADER])


@pytest.fixture
def fcfg(org, sheets, tmp_path, outage_sheet, complaint_sheet):
    return forms_config(org.config, sheets, tmp_path)


def tickets_of(bot):
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Ticket).order_by(Ticket.id)).all())


def responses_of(bot):
    with session_scope(bot.engine) as session:
        return list(session.exec(select(FormResponse).order_by(FormResponse.id)).all())


def test_form_outage_becomes_the_same_ticket_and_kamr_card_as_line(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows.append([at(9, 40, 5), "A100", "โรงงาน 2", "ไฟดับ", at(9, 30), "หม้อแปลงระเบิด", "สมศรี", "0812345678"])
    report = poll(org, fcfg)
    assert report.failures == {}
    ticket = org.only_ticket()
    assert ticket.number == "OUT-69-00001" and ticket.kind == "outage" and ticket.channel == "form"
    assert ticket.category == "no_power"
    assert ticket.started_at == datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)  # 09:30 Bangkok
    card = org.last_to("Ukamr1")
    assert card["altText"].startswith("⚡ แจ้งไฟดับ OUT-69-00001")
    body = str(card)
    assert "โรงงาน 2" in body and "0812345678" in body and "Google Forms" in body
    # per spreadsheet: open (metadata), list tabs (metadata), one values read, unformatted, serial dates
    outage_calls = [r for r in sheets.calls() if r.spreadsheet_id == "OUTAGE-SHEET"]
    assert [r.kind for r in outage_calls] == ["metadata", "metadata", "values_get"]
    assert outage_calls[2].params["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert outage_calls[2].params["dateTimeRenderOption"] == ["SERIAL_NUMBER"]
