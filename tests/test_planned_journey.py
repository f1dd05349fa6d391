"""Planned outages through the real webhook, SDK and stand-in (issue 16), clock frozen: the notice three
days ahead in the daytime window only, acknowledgements and a question for the KAMR, a move, the
reminder the day before the new date, and the cancellation; each told once, by multicast."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest

from jobs.planned_outages import send_planned_outage_notices
from handlers.thai_dates import BANGKOK
from sqlmodel import select

from storage.db import session_scope
from storage.models import PlannedAck
from storage.planned import import_planned
from storage.roster_import import import_accounts

HEADER = "reference,starts,ends,feeders,sites,ca_numbers,reason,contact_person,status\n"
PLAN = "PL-1,2026-11-28 08:00,2026-11-28 12:00,BPA-03,,,เปลี่ยนหม้อแปลง,คุณวิชัย 081-234-5678,\n"


def bangkok(day: int, hour: int, minute: int = 0) -> datetime:
    """A November 2026 Bangkok wall-clock time, in UTC as the bot keeps it."""
    return datetime(2026, 11, day, hour, minute, tzinfo=BANGKOK).astimezone(timezone.utc)


@pytest.fixture
def planned(org):
    bot = org
    with session_scope(bot.engine) as session:
        assert import_accounts(session, io.StringIO(
            "account_code,name,tier,office,kamr,sites\n"
            "A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1@BPA-03\n"
            "A200,โรงพยาบาลเมือง,status,PEA-N1,K002,อาคารผู้ป่วย@BPA-03\n")).errors == []
    return bot


def load(bot, text: str):
    with session_scope(bot.engine) as session:
        return import_planned(session, io.StringIO(HEADER + text), now=bot.now)


def run(bot) -> int:
    return bot.run_job(send_planned_outage_notices)


def starting(bot, user: str, start: str) -> list[dict]:
    return [m for m in bot.line.messages_to(user) if m.get("text", "").startswith(start)]


def labels(message: dict) -> list[str]:
    return [item["action"]["label"] for item in message["quickReply"]["items"]]


def test_bad_rows_are_named_by_row_and_column_and_the_good_kept(planned):
    bot = planned
    result = load(bot, PLAN + "PL-2,2026-11-28 08:00,2026-11-28 12:00,X9,,,,,\n"
                              "PL-3,2026-11-20 08:00,2026-11-20 12:00,BPA-03,,,,,\n"
                              "PL-4,2026-11-29 08:00,2026-11-29 07:00,BPA-03,,,,,\n"
                              "PL-5,2026-11-29 08:00,2026-11-29 12:00,,,9999,,,\n"
                              "PL-6,2026-11-29 08:00,2026-11-29 12:00,,A100/โรงงาน 9,,,,\n"
                              "PL-7,29/11/2026,2026-11-29 12:00,BPA-03,,,,,\n")
    assert result.created == 1
    assert result.errors == [
        "row 3, column feeders: unknown feeder X9 (no site is on it)",
        "row 4, column starts: 2026-11-20 08:00 is in the past",
        "row 5, column ends: 2026-11-29 07:00 is not after the start 2026-11-29 08:00",
        "row 6, column ca_numbers: unknown CA number 9999",
        "row 7, column sites: unknown site 'A100/โรงงาน 9' (write account_code/site name)",
        "row 8, column starts: '29/11/2026' is not a time like 2026-12-05 08:30",
    ]


def test_notice_acknowledgements_move_reminder_and_cancellation(planned):
    bot = planned
    contacts = ("Ucust1", "Ucust2", "Uhosp")
    assert load(bot, PLAN).created == 1
    assert run(bot) == 0  # Monday: five days ahead
    bot.now = bangkok(25, 22)  # within three days, but at night: not urgent, it waits
    assert run(bot) == 0
    assert all(bot.line.messages_to(user) == [] for user in contacts)

    bot.now = bangkok(26, 8)
    assert run(bot) == 1
    assert run(bot) == 0  # once
    for user in contacts:
        [notice] = starting(bot, user, "🔧 แจ้งดับไฟตามแผน PL-1")
        assert "28 พ.ย. 2569 08:00 น. ถึง 28 พ.ย. 2569 12:00 น." in notice["text"]
        assert "ผู้ประสานงาน: คุณวิชัย 081-234-5678" in notice["text"]
        assert labels(notice) == ["รับทราบ", "สอบถาม"]
    # Each customer reads their own site, never another customer's.
    assert "โรงงาน 1" in starting(bot, "Ucust1", "🔧")[0]["text"]
    assert "อาคารผู้ป่วย" not in starting(bot, "Ucust1", "🔧")[0]["text"]
    assert "โรงงาน 1" not in starting(bot, "Uhosp", "🔧")[0]["text"]
    k1 = bot.last_to("Ukamr1")
    assert k1["altText"].startswith("🔧 ดับไฟตามแผน PL-1") and "ยังไม่รับทราบ" in str(k1["contents"])
    assert "โรงพยาบาลเมือง" not in str(k1["contents"])  # K002's account is on K002's card

    notice = starting(bot, "Ucust1", "🔧")[0]
    bot.tap("Ucust1", notice["quickReply"]["items"][0]["action"]["data"])
    assert bot.last_to("Ucust1")["text"].startswith("รับทราบ PL-1 แล้ว ขอบคุณค่ะ")
    bot.tap("Ucust1", notice["quickReply"]["items"][0]["action"]["data"])
    assert bot.last_to("Ucust1")["text"].startswith("ท่านรับทราบ PL-1 ไว้แล้วค่ะ")
    bot.tap("Uhosp", starting(bot, "Uhosp", "🔧")[0]["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ucust2", notice["quickReply"]["items"][1]["action"]["data"])
    bot.say("Ucust2", "ช่วงนั้นเครื่องจักรต้องทำงาน เลื่อนเป็นบ่ายได้ไหม")
    assert bot.last_to("Ucust2")["text"].startswith("ส่งคำถามถึง KAMR แล้ว")
    assert bot.last_to("Ukamr1")["text"].startswith("❓ คำถามเรื่อง PL-1 จาก")
    assert bot.last_to("Ukamr1")["text"].endswith("ช่วงนั้นเครื่องจักรต้องทำงาน เลื่อนเป็นบ่ายได้ไหม")

    # Moved by a re-import with the same reference: told once at the next daytime run.
    assert load(bot, PLAN.replace("2026-11-28", "2026-11-29")).updated == 1
    bot.now = bangkok(26, 10)
    assert run(bot) == 1 and run(bot) == 0
    for user in contacts:
        [moved] = starting(bot, user, "📅 เปลี่ยนเวลาดับไฟตามแผน PL-1")
        assert "เวลาใหม่: 29 พ.ย. 2569 08:00 น." in moved["text"]
    assert "เลื่อนเวลา" in str(bot.last_to("Ukamr1")["contents"])

    bot.now = bangkok(27, 9)  # two days before the new date: no reminder yet
    assert run(bot) == 0
    bot.now = bangkok(28, 9)  # the day before
    assert run(bot) == 1 and run(bot) == 0
    for user in contacts:
        [reminder] = starting(bot, user, "⏰ เตือน: พรุ่งนี้ดับไฟตามแผน PL-1")
        assert labels(reminder) == ["รับทราบ", "สอบถาม"]
    card = str(bot.last_to("Ukamr1")["contents"])
    assert "ยังไม่รับทราบ" in card  # Ucust2 asked but did not acknowledge
    assert "รับทราบแล้ว" in str(bot.last_to("Ukamr2")["contents"])  # the hospital's only contact did

    assert load(bot, PLAN.replace("2026-11-28", "2026-11-29").rstrip(",\n") + ",cancelled\n").updated == 1
    bot.now = bangkok(28, 19, 30)  # after the window: waits for the morning
    assert run(bot) == 0
    bot.now = bangkok(29, 7)
    assert run(bot) == 0
    bot.now = bangkok(29, 8)
    assert run(bot) == 1 and run(bot) == 0
    for user in contacts:
        assert len(starting(bot, user, "❎ ยกเลิกการดับไฟตามแผน PL-1")) == 1
    multicast_calls = [c for c in bot.line.calls if c.kind == "multicast" and c.status == 200]
    assert len(multicast_calls) == 8  # four notices, each one call for A100's contacts and one for A200's


def test_someone_elses_planned_work_looks_expired(planned):
    bot = planned
    load(bot, "PL-9,2026-11-28 08:00,2026-11-28 12:00,,A100/โรงงาน 1,,,,\n")
    for data in ("a=planned.ack&p=1", "a=planned.ask&p=1", "a=planned.ack&p=99999", "a=planned.ack&p=x"):
        bot.tap("Uhosp", data)
        assert bot.last_to("Uhosp")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    with session_scope(bot.engine) as session:
        assert session.exec(select(PlannedAck)).all() == []


def test_the_coordinator_tab_shows_who_acknowledged(planned):
    from bot.forms.coordinator_tabs import build_tabs

    bot = planned
    load(bot, PLAN)
    bot.now = bangkok(26, 8)
    run(bot)
    bot.tap("Uhosp", starting(bot, "Uhosp", "🔧")[0]["quickReply"]["items"][0]["action"]["data"])
    with session_scope(bot.engine) as session:
        [tab] = [tab for tab in build_tabs(session, bot.config, now=bot.now) if tab.name == "planned_outages"]
    header, a100, a200 = tab.rows
    assert header[0] == "เลขอ้างอิง" and tab.title == "ดับไฟตามแผน (บอท)"
    assert a100[:2] == ["PL-1", "28 พ.ย. 2569 08:00 น."] and a100[5] == "A100" and a100[9:11] == ["2", "0"]
    assert a100[11] != ""  # both of A100's contacts are still to acknowledge, by name
    assert a200[5:] == ["A200", "โรงพยาบาลเมือง", "สมหญิง รักงาน", "อาคารผู้ป่วย", "1", "1", ""]
