"""Issue 17 item 2: the 7-day recording rule protects the figures (001 flow chart step 5). A visit
recorded late for a closed quarter waits for the reporter's supervisor, who approves it in LINE."""
from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from handlers.rules import quotas
from storage import roster
from storage.db import session_scope
from storage.models import Visit
from storage.roster_import import import_accounts, import_staff

STAFF = """staff_code,name,role,office,backup,supervisor
M001,มานพ ผู้จัดการ,office_manager,PEA-N1,,
S101,อรุณ อาวุโส,senior_kamr,PEA-N1,,M001
K001,สมชาย ใจดี,kamr,PEA-N1,,S101
K002,สมหญิง รักงาน,kamr,PEA-N1,,S101
"""
ACCOUNTS = """account_code,name,tier,office,kamr,sites
A100,น้ำตาลไทย,strategic,PEA-N1,K001,
A101,เหล็กสยาม,star,PEA-N1,K002,
"""
OCT_20 = datetime(2026, 10, 20, 3, 0, tzinfo=timezone.utc)  # Tuesday; 2026Q3 closed on 8 Oct


@pytest.fixture
def team(bot):
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(STAFF)).errors
        assert not import_accounts(session, io.StringIO(ACCOUNTS)).errors
    for user, code in (("Uk1", "K001"), ("Uk2", "K002"), ("Us", "S101"), ("Um", "M001")):
        bot.link(user, staff=code)
    bot.line.reset()
    bot.now = OCT_20
    return bot


def _log(bot, user, day):
    bot.tap(user, "a=visit")
    bot.tap(user, "a=visit.account&acc=" + str(_account_id(bot, "A100" if user == "Uk1" else "A101")))
    bot.tap(user, "a=visit.date", date=day)
    bot.tap(user, "a=visit.mode&v=on_site")
    bot.tap(user, "a=visit.purpose&v=relationship")
    bot.tap(user, "a=visit.save")


def _account_id(bot, code):
    with session_scope(bot.engine) as session:
        return roster.account_by_code(session, code).id


def _q3_done(bot, code):
    config = bot.config.quotas
    with session_scope(bot.engine) as session:
        person = roster.staff_by_code(session, code)
        return quotas.progress(session, config, quotas.parse_quarter(config, "2026Q3"), staff_ids=[person.id])[0].done


def test_a_late_visit_for_a_closed_quarter_counts_only_once_the_supervisor_approves(team):
    bot = team
    assert _q3_done(bot, "K001") == 0
    _log(bot, "Uk1", "2026-09-20")  # 30 days late, for 2026Q3 which closed on 8 Oct
    saved = bot.last_to("Uk1")["text"]
    assert "บันทึกช้ากว่า 7 วัน และไตรมาส 2026Q3 ปิดแล้ว: จะนับเมื่อ อรุณ อาวุโส อนุมัติ" in saved
    assert _q3_done(bot, "K001") == 0  # the closed quarter does not move (was 0/1 → 1/1)

    card = bot.last_to("Us")
    body = [c["text"] for c in card["contents"]["body"]["contents"]]
    assert body == ["ขออนุมัติการเยี่ยมที่บันทึกช้า",
                    "สมชาย ใจดี เยี่ยม น้ำตาลไทย (ลงพื้นที่) วันที่ 20 ก.ย. 2569 บันทึกเมื่อ 20 ต.ค. 2569 ช้า 23 วัน "
                    "ไตรมาส 2026Q3 ปิดแล้ว"]
    buttons = [b["action"] for b in card["contents"]["footer"]["contents"]]
    assert [b["label"] for b in buttons] == ["อนุมัติ", "ไม่อนุมัติ"]

    bot.tap("Um", buttons[0]["data"])  # the manager is not the reporter's supervisor
    assert bot.last_to("Um")["text"].startswith("คุณไม่ใช่หัวหน้าที่อนุมัติการเยี่ยมนี้ได้ ผู้อนุมัติคือ อรุณ อาวุโส")
    bot.tap("Uk1", buttons[0]["data"])  # nor the reporter
    assert _q3_done(bot, "K001") == 0
    bot.tap("Us", buttons[0]["data"].replace("d=y", "d=maybe"))  # tampered
    assert _q3_done(bot, "K001") == 0

    bot.tap("Us", buttons[0]["data"])
    assert bot.last_to("Us")["text"] == "อนุมัติแล้ว: การเยี่ยม น้ำตาลไทย วันที่ 20 ก.ย. 2569 นับในไตรมาส 2026Q3"
    assert bot.last_to("Uk1")["text"] == "อรุณ อาวุโส อนุมัติการเยี่ยม น้ำตาลไทย วันที่ 20 ก.ย. 2569 ที่บันทึกช้า"
    assert _q3_done(bot, "K001") == 1
    bot.tap("Us", buttons[1]["data"])  # a second tap changes nothing
    assert bot.last_to("Us")["text"].startswith("เรื่องนี้ตัดสินไปแล้วค่ะ (อนุมัติ)")
    assert _q3_done(bot, "K001") == 1


def test_refused_late_visit_is_kept_but_never_counts(team):
    bot = team
    _log(bot, "Uk2", "2026-09-25")
    bot.tap("Us", [b["action"] for b in bot.last_to("Us")["contents"]["footer"]["contents"]][1]["data"])
    assert bot.last_to("Us")["text"] == "ไม่อนุมัติ: การเยี่ยม เหล็กสยาม วันที่ 25 ก.ย. 2569 ไม่นับในไตรมาส 2026Q3"
    assert _q3_done(bot, "K002") == 0
    with session_scope(bot.engine) as session:
        assert [v.late_approval for v in session.exec(select(Visit)).all()] == ["refused"]


def test_late_but_before_the_quarter_closes_counts_without_approval(team):
    bot = team
    bot.now = datetime(2026, 10, 6, 3, 0, tzinfo=timezone.utc)  # Q3 closes on 8 Oct
    _log(bot, "Uk1", "2026-09-20")  # late (16 days), but the quarter is still open for records
    assert "อนุมัติ" not in bot.last_to("Uk1")["text"]
    assert bot.line.messages_to("Us") == []
    assert _q3_done(bot, "K001") == 1


def test_the_coordinator_export_marks_late_visits(team):
    from bot.forms.coordinator_tabs import build_tabs

    bot = team
    _log(bot, "Uk1", "2026-09-20")  # late, waiting for approval
    _log(bot, "Uk2", "2026-10-19")  # in time
    with session_scope(bot.engine) as session:
        visits_tab = next(tab for tab in build_tabs(session, bot.config, now=bot.now) if tab.name == "visits")
    late = visits_tab.rows[0].index("บันทึกช้า (เกิน 7 วัน)")
    assert [row[late] for row in visits_tab.rows[1:]] == ["ช้า 23 วัน, รออนุมัติ", ""]


def _card_lines(message) -> list[str]:
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def test_my_quarter_in_line_marks_late_visits_and_whether_they_count(team):
    """Issue 17: the late mark in LINE, where the KAMR looks at their own visits."""
    bot = team
    _log(bot, "Uk1", "2026-09-20")  # 23 days late for the closed 2026Q3: waits for approval
    bot.now = datetime(2026, 10, 21, 3, 0, tzinfo=timezone.utc)
    _log(bot, "Uk1", "2026-10-19")  # in time: no mark
    bot.tap("Uk1", "a=myquarter")
    lines = _card_lines(bot.last_to("Uk1"))
    assert "⚠️ บันทึกช้า 23 วัน: น้ำตาลไทย วันที่ 20 ก.ย. 2569 (รออนุมัติ ยังไม่นับ)" in lines
    assert not any("19 ต.ค. 2569" in line for line in lines)
    bot.tap("Us", [b["action"] for b in bot.line.messages_to("Us")[-1]["contents"]["footer"]["contents"]][0]["data"])
    bot.tap("Uk1", "a=myquarter")
    assert "⚠️ บันทึกช้า 23 วัน: น้ำตาลไทย วันที่ 20 ก.ย. 2569 (อนุมัติแล้ว นับแล้ว)" in _card_lines(bot.last_to("Uk1"))
    bot.tap("Uk2", "a=myquarter")
    assert not any("บันทึกช้า" in line for line in _card_lines(bot.last_to("Uk2")))


def test_the_quarterly_report_lists_late_visits(team):
    from handlers.reporting.build import build_report, load
    from handlers.reporting.period import parse_period

    bot = team
    _log(bot, "Uk1", "2026-09-20")  # waiting for approval
    _log(bot, "Uk2", "2026-09-25")
    bot.tap("Us", [b["action"] for b in bot.line.messages_to("Us")[-1]["contents"]["footer"]["contents"]][1]["data"])
    period = parse_period("2026Q3", bot.config.quotas)
    with session_scope(bot.engine) as session:
        report = build_report(load(session, period, bot.config.quotas), period, bot.config.reports, now=bot.now)
    assert report.table("late_visits").rows == [
        ["PEA-N1", "K001", "สมชาย ใจดี", "A100", "20 ก.ย. 2569", "20 ต.ค. 2569", 23, "pending", "no"],
        ["PEA-N1", "K002", "สมหญิง รักงาน", "A101", "25 ก.ย. 2569", "20 ต.ค. 2569", 18, "refused", "no"],
    ]


def test_approval_buttons_sent_before_the_rename_still_work(team):
    bot = team
    _log(bot, "Uk1", "2026-09-20")
    with session_scope(bot.engine) as session:
        visit_id = session.exec(select(Visit)).one().id
    bot.tap("Us", f"a=visit.late&v={visit_id}&d=y")  # the action's name until issue 17b
    assert bot.last_to("Us")["text"] == "อนุมัติแล้ว: การเยี่ยม น้ำตาลไทย วันที่ 20 ก.ย. 2569 นับในไตรมาส 2026Q3"
    assert _q3_done(bot, "K001") == 1
