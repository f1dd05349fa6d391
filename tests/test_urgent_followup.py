"""Issue 17 item 5: urgent reports (CRM-KAM-003) from a visit or an account as well as a ticket, with a
follow-up date that reminds the decision maker and the KAMR, through the real webhook and the LINE stand-in."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

from sqlmodel import select

from jobs.urgent_followups import send_urgent_followups
from storage import roster
from storage.db import session_scope
from storage.models import UrgentReport
from storage.roster_import import import_staff
from visiting import all_met

NOT_ALLOWED = "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
FRI_4_DEC = datetime(2026, 12, 4, 3, 0, tzinfo=timezone.utc)  # Friday 10:00 in Bangkok
ISSUE = "คู่แข่ง SPP เสนอขายไฟฟ้าราคาต่ำกว่า 8%"
RISK = "ลูกค้าอาจย้ายไปซื้อไฟจาก SPP ยอดขายหายปีละ 60 ล้านบาท"


def _with_manager(bot):
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(
            "staff_code,name,role,office,backup,supervisor\nM001,ประเสริฐ ผู้จัดการ,office_manager,PEA-N1,,\n")).errors
    bot.link("Umgr", staff="M001")
    bot.line.reset()
    bot.now = FRI_4_DEC


def _quick(message) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _body(message) -> list[str]:
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def _footer(message) -> list[dict]:
    return [c["action"] for c in message["contents"]["footer"]["contents"]]


def _log_visit_today(bot):
    with session_scope(bot.engine) as session:
        account_id = roster.account_by_code(session, "A100").id
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", f"a=visit.account&acc={account_id}")
    bot.tap("Ukamr1", "a=visit.date", date="2026-12-04")
    bot.tap("Ukamr1", "a=visit.mode&v=on_site")
    bot.tap("Ukamr1", "a=visit.purpose&v=relationship")
    bot.tap("Ukamr1", "a=visit.save")
    all_met(bot, "Ukamr1")
    return account_id


def test_a_risk_seen_on_a_visit_reaches_the_decision_maker_with_a_follow_up_date(org):
    bot = org
    _with_manager(bot)
    _log_visit_today(bot)
    urgent = next(a for a in _quick(bot.last_to("Ukamr1")) if a["label"] == "แจ้งด่วนผู้บริหาร")
    bot.tap("Ukamr2", urgent["data"])  # not K002's visit nor account
    assert bot.last_to("Ukamr2")["text"] == NOT_ALLOWED
    bot.tap("Ukamr1", urgent["data"])
    assert bot.last_to("Ukamr1")["text"].startswith("บริษัท น้ำตาลไทย จำกัด: พิมพ์ประเด็นปัญหา")
    bot.say("Ukamr1", ISSUE)
    assert bot.last_to("Ukamr1")["text"].startswith("บริษัท น้ำตาลไทย จำกัด: พิมพ์ความเสี่ยง/ผลกระทบ")
    bot.say("Ukamr1", RISK)
    # 3 working days after Fri 4 Dec: Mon 7 Dec (substitute for Father's Day) and Thu 10 Dec (Constitution
    # Day) are holidays: Tue 8, Wed 9, Fri 11.
    assert bot.last_to("Ukamr1")["text"] == ("ส่งรายงานด่วน บริษัท น้ำตาลไทย จำกัด ถึงคุณประเสริฐ ผู้จัดการ แล้ว "
                                             "ติดตามผลภายใน 11 ธ.ค. 2569")
    [card] = bot.line.messages_to("Umgr")
    assert card["altText"].startswith("🚨 รายงานเรื่องด่วน (CRM-KAM-003) A100")
    assert _body(card)[1:] == ["ลูกค้า: บริษัท น้ำตาลไทย จำกัด (A100)", "เรื่องจาก: การเยี่ยมวันที่ 4 ธ.ค. 2569",
                               f"ปัญหา: {ISSUE}", f"ความเสี่ยง/ผลกระทบ: {RISK}", "รายงานโดย: คุณสมชาย ใจดี",
                               "ติดตามผลภายใน: 11 ธ.ค. 2569"]
    [instruct] = _footer(card)
    bot.tap("Ukamr1", instruct["data"])  # only the decision maker instructs
    assert bot.last_to("Ukamr1")["text"] == NOT_ALLOWED
    bot.tap("Umgr", instruct["data"])
    assert bot.last_to("Umgr")["text"] == "บริษัท น้ำตาลไทย จำกัด: พิมพ์ข้อสั่งการถึงคุณสมชาย ใจดี"
    bot.say("Umgr", "นัดประชุมผู้บริหารลูกค้าภายในสัปดาห์นี้ เสนอส่วนลด TOU")
    assert bot.last_to("Ukamr1")["text"] == ("บริษัท น้ำตาลไทย จำกัด ข้อสั่งการจากคุณประเสริฐ ผู้จัดการ:\n"
                                             "นัดประชุมผู้บริหารลูกค้าภายในสัปดาห์นี้ เสนอส่วนลด TOU")
    with session_scope(bot.engine) as session:
        [report] = session.exec(select(UrgentReport)).all()
        assert (report.visit_id is not None, report.ticket_id, report.instructions) == (True, None, 1)


def test_an_account_report_by_typing_and_tampered_buttons(org):
    bot = org
    _with_manager(bot)
    with session_scope(bot.engine) as session:
        a100, a200 = (roster.account_by_code(session, code).id for code in ("A100", "A200"))
    bot.say("Ukamr1", "แจ้งด่วน")
    assert [a["label"] for a in _quick(bot.last_to("Ukamr1"))] == ["A100 บริษัท น้ำตาลไ…", "ยกเลิก"]
    bot.tap("Ukamr1", f"a=urgentacc&acc={a200}")  # another KAMR's account
    assert bot.last_to("Ukamr1")["text"] == NOT_ALLOWED
    for tampered in ("a=urgentacc&acc=x", "a=urgentacc.visit&v=99999", "a=urgentacc.instruct&u=abc"):
        bot.tap("Ukamr1", tampered)
        assert bot.last_to("Ukamr1")["text"]  # answered, not crashed
    bot.tap("Ukamr1", f"a=urgentacc&acc={a100}")
    bot.say("Ukamr1", "ลูกค้าวางแผนติดตั้งโซลาร์รูฟ 5 MW")
    bot.say("Ukamr1", "ความต้องการไฟลดลงครึ่งหนึ่ง")
    [card] = bot.line.messages_to("Umgr")
    assert "เรื่องจาก: ลูกค้า (ไม่มีเรื่องแจ้ง)" in _body(card)
    bot.say("Ucust1", "แจ้งด่วน")  # customers cannot
    assert bot.line.messages_to("Umgr") == [card]


def test_the_follow_up_day_reminds_the_decision_maker_and_the_kamr_once(org):
    bot = org
    _with_manager(bot)
    _log_visit_today(bot)
    bot.tap("Ukamr1", next(a for a in _quick(bot.last_to("Ukamr1")) if a["label"] == "แจ้งด่วนผู้บริหาร")["data"])
    bot.say("Ukamr1", ISSUE)
    bot.say("Ukamr1", RISK)
    bot.line.reset()
    bot.now = datetime(2026, 12, 10, 2, 30, tzinfo=timezone.utc)  # Thu 10 Dec 09:30: the day before
    assert bot.run_job(send_urgent_followups) == 0
    bot.now += timedelta(days=1)  # Fri 11 Dec 09:30: the follow-up day
    assert bot.run_job(send_urgent_followups) == 2
    [card] = bot.line.messages_to("Umgr")
    assert card["altText"].startswith("⏰ ครบกำหนดติดตามเรื่องด่วน A100")
    assert "รายงานเมื่อ: 4 ธ.ค. 2569" in _body(card) and "ข้อสั่งการแล้ว: 0 ครั้ง" in _body(card)
    assert _footer(card)[0]["label"] == "สั่งการ/ติดตาม"
    assert bot.last_to("Ukamr1")["text"] == ("⏰ วันนี้ครบกำหนดติดตามเรื่องด่วน A100 (บริษัท น้ำตาลไทย จำกัด) "
                                             "ที่รายงานคุณประเสริฐ ผู้จัดการ เมื่อ 4 ธ.ค. 2569 กรุณาแจ้งความคืบหน้าค่ะ")
    assert bot.run_job(send_urgent_followups) == 0  # once
    bot.now += timedelta(days=3)
    assert bot.run_job(send_urgent_followups) == 0


def test_a_ticket_report_carries_the_follow_up_date_too(org):
    bot = org
    _with_manager(bot)
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    bot.tap("Ucust1", "a=outage.since&v=now")
    ticket = bot.only_ticket()
    bot.tap("Ukamr1", f"a=urgent.start&t={ticket.id}")
    bot.say("Ukamr1", RISK)
    card = bot.line.messages_to("Umgr")[-1]
    assert "ติดตามผลภายใน: 11 ธ.ค. 2569" in [c["text"] for c in card["contents"]["body"]["contents"]]
    bot.tap("Umgr", _footer(card)[0]["data"])
    bot.say("Umgr", "ส่งรถแก้ไฟด่วน")
    with session_scope(bot.engine) as session:
        [report] = session.exec(select(UrgentReport)).all()
        assert (report.ticket_id, report.instructions, str(report.follow_up_date)) == (ticket.id, 1, "2026-12-11")
    bot.now = datetime(2026, 12, 11, 2, 30, tzinfo=timezone.utc)
    assert bot.run_job(send_urgent_followups) == 2
    assert bot.line.messages_to("Umgr")[-1]["altText"].startswith("⏰ ครบกำหนดติดตามเรื่องด่วน OUT-69-00001")


def test_urgent_reports_appear_in_the_quarterly_report_and_the_export(org):
    from bot.forms.coordinator_tabs import build_tabs
    from handlers.reporting.build import build_report, load
    from handlers.reporting.html import render_html
    from handlers.reporting.period import parse_period

    bot = org
    _with_manager(bot)
    _log_visit_today(bot)
    bot.tap("Ukamr1", next(a for a in _quick(bot.last_to("Ukamr1")) if a["label"] == "แจ้งด่วนผู้บริหาร")["data"])
    bot.say("Ukamr1", ISSUE)
    bot.say("Ukamr1", RISK)
    bot.now = datetime(2026, 12, 14, 3, 0, tzinfo=timezone.utc)  # past the follow-up day, no instruction yet
    period = parse_period("2026Q4", bot.config.quotas)
    with session_scope(bot.engine) as session:
        report = build_report(load(session, period, bot.config.quotas), period, bot.config.reports, now=bot.now)
        tabs = {tab.name: tab for tab in build_tabs(session, bot.config, now=bot.now)}
    assert report.table("urgent_reports").rows == [
        ["PEA-N1", "A100", "visit", "K001", "ประเสริฐ ผู้จัดการ", "4 ธ.ค. 2569", ISSUE, RISK, "11 ธ.ค. 2569", 0,
         "overdue"]]
    assert "<td>✗ เลยกำหนดติดตาม</td>" in render_html(report, bot.config.reports, ack_minutes=15)
    assert tabs["urgent_reports"].rows[1] == ["PEA-N1", "A100", "การเยี่ยม", "K001", "ประเสริฐ ผู้จัดการ",
                                              "4 ธ.ค. 2569", ISSUE, RISK, "11 ธ.ค. 2569", "0",
                                              "เลยกำหนดติดตาม ยังไม่สั่งการ"]
    earlier = parse_period("2026Q3", bot.config.quotas)
    with session_scope(bot.engine) as session:
        assert build_report(load(session, earlier, bot.config.quotas), earlier, bot.config.reports,
                            now=bot.now).table("urgent_reports").rows == []


def test_record_text_retention_clears_urgent_report_texts(org):
    """PDPA ([retention] record_text_days): the issue and risk typed into a report go with the other texts."""
    from storage import privacy

    bot = org
    _with_manager(bot)
    _log_visit_today(bot)
    bot.tap("Ukamr1", next(a for a in _quick(bot.last_to("Ukamr1")) if a["label"] == "แจ้งด่วนผู้บริหาร")["data"])
    bot.say("Ukamr1", ISSUE)
    bot.say("Ukamr1", RISK)
    with session_scope(bot.engine) as session:
        retention = privacy.Retention(record_text_days=30)
        privacy.purge(session, retention, now=FRI_4_DEC + timedelta(days=29))
        assert session.exec(select(UrgentReport)).one().risk == RISK
        result = privacy.purge(session, retention, now=FRI_4_DEC + timedelta(days=31))
        assert result.counts["urgent report texts"] == 1
        report = session.exec(select(UrgentReport)).one()
        assert (report.issue, report.risk, str(report.follow_up_date)) == ("", "", "2026-12-11")
