"""Area incidents from the coordinator sheet (issue 16), through the real gspread client and the Sheets stand-in:
the tab เปิดเหตุไฟดับ is made once with its header; a row opens its incident once across polls (the contacts told
once, by the real webhook's outbox and the LINE stand-in); bad rows are answered in the row, naming the column
and the unknown feeder; the bot's tab lists the open incidents."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlmodel import select

from bot.line.notifier import notifier_for
from handlers.operations.incidents import restore_incident
from storage.db import session_scope
from storage.models import Incident, Ticket
from storage.roster_import import import_accounts
from tests.forms_harness import forms_config, poll

NOTICE = "⚡ แจ้งเหตุไฟฟ้าขัดข้องในพื้นที่"
TAB, OPEN_TAB = "เปิดเหตุไฟดับ", "เหตุไฟดับที่เปิดอยู่ (บอท)"
CONTACTS = ("Ucust1", "Ucust2", "Uhosp")


@pytest.fixture
def coordinator(org, sheets, tmp_path):
    with session_scope(org.engine) as session:
        assert import_accounts(session, io.StringIO(
            "account_code,name,tier,office,kamr,sites\n"
            "A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1@BPA-03;โรงงาน 2@BPA-07\n"
            "A200,โรงพยาบาลเมือง,status,PEA-N1,K002,อาคารผู้ป่วย@BPA-03\n")).errors == []
    book = sheets.add_spreadsheet("COORD")
    return book, forms_config(org.config, sheets, tmp_path, coordinator="COORD", forms=[])


def notices(bot, user: str) -> list[str]:
    return [text for text in bot.texts_to(user) if text.startswith(NOTICE)]


def results(book) -> list[str]:
    return [row[5] if len(row) > 5 else "" for row in book.tab(TAB).values()[1:]]


def test_a_sheet_row_opens_its_incident_once_and_bad_rows_are_answered_in_the_tab(org, sheets, coordinator):
    bot = org
    book, config = coordinator
    assert poll(bot, config).failures == {}
    assert book.tab(TAB).values() == [["เลขอ้างอิง", "ฟีดเดอร์", "สาเหตุ", "คาดว่าไฟมา", "เริ่มเมื่อ", "ผลจากบอท"]]
    assert book.tab(OPEN_TAB).values()[1:] == []

    book.tab(TAB).rows += [["INC-1", "bpa-03", "ต้นไม้ล้มทับสาย", datetime(2026, 11, 23, 12, 0), ""],
                           ["INC-2", "BPA-03, X9", "", "", ""],
                           ["", "BPA-07", "", "", ""],
                           ["INC-3", "BPA-07", "", "พรุ่งนี้", ""],
                           ["INC-4", "BPA-07", "", datetime(2026, 11, 23, 9, 0), datetime(2026, 11, 23, 9, 30)]]
    assert poll(bot, config).failures == {}
    with session_scope(bot.engine) as session:
        incident = session.exec(select(Incident)).one()
        tickets = session.exec(select(Ticket)).all()
    assert (incident.feeders, incident.cause, incident.channel) == (["BPA-03"], "ต้นไม้ล้มทับสาย", "sheet")
    assert len(tickets) == 2  # โรงงาน 1 and อาคารผู้ป่วย
    assert results(book) == [
        f"เปิดแล้ว {incident.number} · แจ้งลูกค้าแล้ว 3 คน",
        "ไม่ได้เปิด: ไม่รู้จักฟีดเดอร์ X9 (คอลัมน์ ฟีดเดอร์: ไม่มีสถานที่ใดอยู่บนฟีดเดอร์นี้)",
        "ไม่ได้เปิด: คอลัมน์ เลขอ้างอิง ว่าง (ใส่เลขอ้างอิงของท่าน เช่น INC-1)",
        "ไม่ได้เปิด: คอลัมน์ คาดว่าไฟมา อ่านเป็นวันเวลาไม่ได้ (พรุ่งนี้)",
        "ไม่ได้เปิด: the estimated restoration time 23 Nov 2026 09:00 is before the outage started (23 Nov 2026 09:30)",
    ]
    for user in CONTACTS:
        [notice] = notices(bot, user)
        assert "สาเหตุ: ต้นไม้ล้มทับสาย\nคาดว่าไฟจะมาประมาณ 23 พ.ย. 2569 12:00 น." in notice
    [row] = book.tab(OPEN_TAB).values()[1:]
    assert row == [incident.number, "BPA-03", "ต้นไม้ล้มทับสาย", "23 พ.ย. 2569 10:00 น.", "23 พ.ย. 2569 12:00 น.",
                   "2", "2", "ชีตผู้ประสานงาน", "inc-1"]

    bot.advance(minutes=10)
    poll(bot, config)  # the same rows again: nothing is opened or told twice
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(Incident)).all()) == 1
    assert all(len(notices(bot, user)) == 1 for user in CONTACTS)

    bot.advance(minutes=50)
    with session_scope(bot.engine) as session:
        restore_incident(session, session.get(Incident, incident.id), now=bot.now, actor=None,
                         notifier=notifier_for(session, bot.now))
    bot.drain()
    book.tab(TAB).rows[2][1] = "BPA-07"  # the coordinator corrects INC-2
    poll(bot, config)
    with session_scope(bot.engine) as session:
        opened = session.exec(select(Incident).order_by(Incident.id)).all()
    assert [i.feeders for i in opened] == [["BPA-03"], ["BPA-07"]]  # INC-1 not reopened after the restoration
    assert results(book)[:2] == [f"เปิดแล้ว {incident.number} · ไฟมาแล้ว 23 พ.ย. 2569 11:00 น.",
                                 f"เปิดแล้ว {opened[1].number} · แจ้งลูกค้าแล้ว 2 คน"]
    assert [row[0] for row in book.tab(OPEN_TAB).values()[1:]] == [opened[1].number]
    assert len(notices(bot, "Uhosp")) == 1 and len(notices(bot, "Ucust1")) == 2
