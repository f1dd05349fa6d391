"""Issue 21 (visits bother customers): rating requests are not pushed at night but when the daytime window opens,
and two visits to one account on one day ask its contacts once. Real webhook, SDK, LINE stand-in and the job."""
from datetime import datetime, timezone

from sqlmodel import select

from bot.line.notifier import notifier_for
from jobs.scheduler import build_scheduler
from jobs.visit_reminders import send_deferred_rating_requests
from storage.db import session_scope
from storage.models import Visit
from visiting import all_met

NIGHT = datetime(2026, 11, 23, 19, 40, tzinfo=timezone.utc)  # Tuesday 24 November, 02:40 in Bangkok
RATE_ASK = "ช่วยให้คะแนนความพึงพอใจ"


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _log_visit(bot, day="2026-11-24", mode="phone"):
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", _quick(bot.last_to("Ukamr1"))[0]["data"])
    bot.tap("Ukamr1", "a=visit.date", date=day)
    bot.tap("Ukamr1", f"a=visit.mode&v={mode}")
    bot.tap("Ukamr1", "a=visit.purpose&v=relationship")
    bot.tap("Ukamr1", "a=visit.save")
    all_met(bot, "Ukamr1")


def _job(bot, now: datetime) -> int:
    bot.now = now
    with session_scope(bot.engine) as session:
        asked = send_deferred_rating_requests(session, now=now, config=bot.config, notifier=notifier_for(session, now))
    bot.drain()
    return asked


def _asked(bot, user: str) -> int:
    return sum(RATE_ASK in text for text in bot.texts_to(user))


def test_a_visit_logged_at_night_is_rated_in_the_morning_and_two_visits_ask_once(org):
    bot = org
    bot.now = NIGHT
    _log_visit(bot)
    assert bot.last_to("Ukamr1")["text"] == ("บันทึกการเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 24 พ.ย. 2569 (โทรศัพท์) แล้วค่ะ ✅\n"
                                             "จะส่งแบบประเมินถึงผู้ติดต่อเวลา 08:00 น.")
    assert _asked(bot, "Ucust1") == 0 and _asked(bot, "Ucust2") == 0  # nobody woken at 02:40
    assert _job(bot, datetime(2026, 11, 23, 22, 0, tzinfo=timezone.utc)) == 0  # 05:00: still night

    assert _job(bot, datetime(2026, 11, 24, 1, 0, tzinfo=timezone.utc)) == 2  # 08:00 Bangkok
    assert _asked(bot, "Ucust1") == 1 and _asked(bot, "Ucust2") == 1
    assert _job(bot, datetime(2026, 11, 24, 1, 5, tzinfo=timezone.utc)) == 0  # once

    bot.advance(hours=3)  # 11:05: a second visit the same day, by another mode
    _log_visit(bot, mode="on_site")
    assert _asked(bot, "Ucust1") == 1 and _asked(bot, "Ucust2") == 1  # asked once for the day
    with session_scope(bot.engine) as session:
        visits = session.exec(select(Visit).order_by(Visit.id)).all()
        assert [v.status for v in visits] == ["done", "done"] and all(v.rating_asked_at for v in visits)


def test_the_window_is_configurable_and_the_scheduler_runs_it_when_it_opens(org):
    bot = org
    bot.config.reminders.rating_window_start, bot.config.reminders.rating_window_end = "07:00", "21:00"
    bot.now = datetime(2026, 11, 23, 13, 30, tzinfo=timezone.utc)  # 20:30 Bangkok: inside the wider window
    _log_visit(bot, day="2026-11-23")
    assert _asked(bot, "Ucust1") == 1
    scheduler = build_scheduler(bot.config, bot.engine, lambda: bot.now, notifier_for=notifier_for,
                                on_messages=lambda: None)
    job = scheduler.get_job("deferred_rating_requests")
    assert str(job.trigger).startswith("cron[") and "hour='7'" in str(job.trigger) and "minute='0'" in str(job.trigger)


def test_a_planned_visit_is_announced_and_the_customer_confirms_or_asks_to_move_it(org):
    bot = org  # Monday 23 November 2026, 10:00
    with session_scope(bot.engine) as session:
        from storage.models import Contact

        contact = session.exec(select(Contact).where(Contact.line_user_id == "Ucust2")).one()
        contact.name, contact.phone = "มานี ใจงาม", "02-123-4567"
        session.add(contact)
    _log_visit(bot, day="2026-11-27", mode="on_site")
    assert bot.last_to("Ukamr1")["text"].endswith("แจ้งผู้ติดต่อแล้ว 2 คน")
    notice = bot.last_to("Ucust1")
    assert notice["text"] == ("คุณสมชาย ใจดี มีแผนเข้าเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 27 พ.ย. 2569 (ศุกร์) (ลงพื้นที่)\n"
                              "สะดวกไหมคะ")
    confirm, later = _quick(notice)
    assert (confirm["label"], later["label"]) == ("ยืนยันนัดเยี่ยม", "ขอเลื่อนนัด")
    assert _asked(bot, "Ucust1") == 0  # a plan is not rated

    bot.tap("Ucust1", confirm["data"])
    assert bot.last_to("Ucust1")["text"] == "ขอบคุณค่ะ แจ้งคุณสมชาย ใจดีแล้วว่าท่านยืนยันนัด"
    bot.tap("Ucust2", _quick(bot.last_to("Ucust2"))[1]["data"])
    told = bot.last_to("Ukamr1")
    assert told["text"] == "คุณมานี ใจงาม (บริษัท น้ำตาลไทย จำกัด) ขอเลื่อนนัดเยี่ยมวันที่ 27 พ.ย. 2569 (ศุกร์) กรุณาติดต่อเพื่อนัดใหม่"
    assert [(a["type"], a["uri"]) for a in _quick(told)] == [("uri", "tel:021234567")]
    bot.tap("Uhosp", confirm["data"])  # another account's contact
    assert bot.last_to("Uhosp")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
