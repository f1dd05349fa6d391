"""Visits logged from LINE, rated remotely by the account's contacts, reported after a plan."""
from datetime import date, datetime, timezone

from sqlmodel import select

from jobs.visit_reminders import send_daily_visit_reminders
from storage.db import session_scope
from storage.models import Rating, Visit
from visiting import all_met


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _log_visit(bot, user="Ukamr1", account_data=None, day="2026-11-23", notes="คุยแผนขยายโรงงาน 2"):
    bot.tap(user, "a=visit")
    ask = bot.last_to(user)
    bot.tap(user, account_data or _quick(ask)[0]["data"])
    bot.tap(user, "a=visit.date", date=day)
    bot.tap(user, "a=visit.mode&v=on_site")
    bot.tap(user, "a=visit.purpose&v=relationship")
    if notes:
        bot.say(user, notes)
    else:
        bot.tap(user, "a=visit.save")
    all_met(bot, user)


def _run_reminders(bot, now: datetime) -> int:
    """The daily visit reminders at `now`, their pushes delivered; returns how many were queued."""
    bot.now = now
    return bot.run_job(send_daily_visit_reminders)


def _visits(bot) -> list[Visit]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Visit).order_by(Visit.id)).all())


def test_kamr_logs_a_visit_in_a_few_taps_and_contacts_rate_it(org):
    bot = org
    bot.tap("Ukamr1", "a=visit")
    ask = bot.last_to("Ukamr1")
    assert ask["text"] == "เยี่ยมลูกค้ารายใดคะ เลือก หรือพิมพ์รหัส/ชื่อลูกค้า"
    assert [a["label"] for a in _quick(ask)] == ["A100 บริษัท น้ำตาลไ…", "ยกเลิก"]  # K001's own accounts (LINE labels: 20 characters)
    bot.say("Ukamr1", "น้ำตาล")  # typing part of the name finds it too
    assert bot.last_to("Ukamr1")["text"] == "บริษัท น้ำตาลไทย จำกัด\nเยี่ยมวันไหนคะ (วันล่วงหน้า = บันทึกเป็นแผน)"
    assert [a["label"] for a in _quick(bot.last_to("Ukamr1"))] == ["วันนี้", "เมื่อวาน", "เลือกวันที่", "ยกเลิก"]
    bot.tap("Ukamr1", _quick(bot.last_to("Ukamr1"))[0]["data"])  # today
    assert [a["label"] for a in _quick(bot.last_to("Ukamr1"))] == ["ลงพื้นที่", "โทรศัพท์", "LINE", "ประชุมทางไกล", "ยกเลิก"]
    bot.tap("Ukamr1", "a=visit.mode&v=video")  # remote modes count as visits
    bot.say("Ukamr1", "ติดตามบริการ")  # a typed label works like the button
    assert bot.last_to("Ukamr1")["text"] == "พิมพ์บันทึกสั้น ๆ หรือกด ‘ข้าม’"
    bot.say("Ukamr1", "ลูกค้าสนใจ FMS3")
    picker = bot.last_to("Ukamr1")  # which contacts were met (issue 21): only they are asked to rate
    assert [a["label"] for a in _quick(picker)] == ["ยืนยัน", "ทั้งหมด", "User ust1", "User ust2", "ยกเลิก"]
    bot.tap("Ukamr1", "a=visitmet.all")
    assert bot.last_to("Ukamr1")["text"] == (
        "บันทึกการเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 23 พ.ย. 2569 (ประชุมทางไกล) แล้วค่ะ ✅\nส่งแบบประเมินถึงผู้ติดต่อ 2 คน")
    [visit] = _visits(bot)
    assert (visit.status, visit.mode, visit.purpose, visit.notes, visit.visit_date) == (
        "done", "video", "service", "ลูกค้าสนใจ FMS3", date(2026, 11, 23))

    ask = bot.last_to("Ucust1")
    assert ask["text"] == ("คุณสมชาย ใจดี ติดต่อเยี่ยม บริษัท น้ำตาลไทย จำกัด (ประชุมทางไกล) เมื่อ 23 พ.ย. 2569\n"
                           "ช่วยให้คะแนนความพึงพอใจ 1–5 ค่ะ")
    assert [a["label"] for a in _quick(ask)] == ["5", "4", "3", "2", "1"]
    assert bot.line.messages_to("Uhosp") == []  # another account's contact is not asked
    bot.tap("Ucust1", _quick(ask)[3]["data"])  # 2/5
    assert bot.last_to("Ucust1")["text"] == "ขอบคุณสำหรับคะแนน 2/5 ค่ะ พิมพ์ความเห็นเพิ่มเติมได้ หรือกด ‘ข้าม’"
    assert bot.last_to("Ukamr1")["text"] == "บริษัท น้ำตาลไทย จำกัด ให้คะแนนการเยี่ยมวันที่ 23 พ.ย. 2569 2/5 กรุณาโทรติดตาม"
    bot.say("Ucust1", "อยากให้มาที่โรงงานจริง")
    assert bot.last_to("Ucust1")["text"] == "ขอบคุณสำหรับความเห็นค่ะ 🙏"
    bot.tap("Ucust2", _quick(bot.last_to("Ucust2"))[0]["data"])
    bot.tap("Ucust2", "a=rate.skip")
    with session_scope(bot.engine) as session:
        scores = [(r.contact_id, r.score, r.comment) for r in session.exec(select(Rating).order_by(Rating.id))]
    assert [(s, c) for _, s, c in scores] == [(2, "อยากให้มาที่โรงงานจริง"), (5, "")]


def test_tampered_rating_postbacks_are_refused(org):
    bot = org
    _log_visit(bot)
    [visit] = _visits(bot)
    bot.tap("Uhosp", f"a=rate.give&k=visit&i={visit.id}&s=1")  # another account's visit
    assert bot.last_to("Uhosp")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    bot.tap("Ucust1", f"a=rate.give&k=visit&i={visit.id}&s=9")  # out of range
    assert bot.last_to("Ucust1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    bot.tap("Ucust1", f"a=rate.give&k=visit&i={visit.id}&s=4")
    bot.tap("Ucust1", f"a=rate.give&k=visit&i={visit.id}&s=1")  # twice
    assert bot.last_to("Ucust1")["text"] == "ท่านให้คะแนนเรื่องนี้ไปแล้วค่ะ ขอบคุณค่ะ"
    bot.tap("Ukamr1", f"a=rate.give&k=visit&i={visit.id}&s=5")  # staff cannot rate
    assert bot.last_to("Ukamr1")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Ukamr2", "a=visit")  # K002 cannot log a visit to K001's account, even by a forged button
    bot.tap("Ukamr2", "a=visit.account&acc=1")
    assert bot.last_to("Ukamr2")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    with session_scope(bot.engine) as session:
        assert [(r.score, r.contact_id is not None) for r in session.exec(select(Rating))] == [(4, True)]
    assert len(_visits(bot)) == 1


def test_rate_menu_lists_what_waits_for_this_contact(org):
    bot = org
    _log_visit(bot, notes="")
    bot.tap("Ucust1", "a=rate")
    card = bot.last_to("Ucust1")
    assert card["altText"].split("\n") == ["เลือกเรื่องที่ต้องการให้คะแนน", "เยี่ยม 23 พ.ย. 2569 โดยคุณสมชาย ใจดี"]
    bot.tap("Ucust1", card["contents"]["footer"]["contents"][0]["action"]["data"])
    assert bot.last_to("Ucust1")["text"] == "ให้คะแนน 23 พ.ย. 2569 1–5 ค่ะ"
    bot.tap("Ucust1", _quick(bot.last_to("Ucust1"))[0]["data"])
    bot.tap("Ucust1", "a=rate.skip")
    bot.tap("Ucust1", "a=rate")
    assert bot.last_to("Ucust1")["text"] == "ยังไม่มีการเยี่ยมหรือบริการที่รอให้คะแนนค่ะ ขอบคุณค่ะ"


def test_planned_visit_is_reminded_then_reported(org):
    bot = org
    _log_visit(bot, day="2026-11-26", notes="")  # Thursday: a plan
    assert bot.last_to("Ukamr1")["text"].startswith("บันทึกแผนเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 26 พ.ย. 2569 (ลงพื้นที่) แล้วค่ะ")
    # Nobody rates a plan; the contacts are told of it instead (issue 21).
    assert not any("ช่วยให้คะแนน" in text for text in bot.texts_to("Ucust1"))
    assert [text.split(" มีแผนเข้าเยี่ยม")[0] for text in bot.texts_to("Ucust1")] == ["คุณสมชาย ใจดี"]
    [visit] = _visits(bot)
    assert visit.status == "planned"
    bot.tap("Ukamr1", f"a=visit.report&v={visit.id}")
    assert bot.last_to("Ukamr1")["text"] == "ยังไม่ถึงวันนัด 26 พ.ย. 2569 ค่ะ"

    before = len(bot.line.messages_to("Ukamr1"))
    assert _run_reminders(bot, datetime(2026, 11, 26, 2, 0, tzinfo=timezone.utc)) == 0  # the visit day itself: not yet
    assert _run_reminders(bot, datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)) == 1  # Friday 09:00
    assert _run_reminders(bot, datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)) == 0  # a rerun the same day
    assert _run_reminders(bot, datetime(2026, 11, 28, 2, 0, tzinfo=timezone.utc)) == 0  # Saturday: silent
    reminder = bot.line.messages_to("Ukamr1")[before]
    body = [c["text"] for c in reminder["contents"]["body"]["contents"]]
    assert body == ["🗓️ บันทึกผลการเยี่ยม (1)", "บริษัท น้ำตาลไทย จำกัด วันที่ 26 พ.ย. 2569 – บันทึกภายใน 3 ธ.ค. 2569"]
    assert _run_reminders(bot, datetime(2026, 12, 4, 2, 0, tzinfo=timezone.utc)) == 1  # still not reported, a week later
    late = bot.line.messages_to("Ukamr1")[-1]
    assert late["contents"]["body"]["contents"][1]["text"] == "บริษัท น้ำตาลไทย จำกัด วันที่ 26 พ.ย. 2569 – เกิน 7 วันแล้ว"

    bot.tap("Ukamr1", late["contents"]["footer"]["contents"][0]["action"]["data"])
    assert bot.last_to("Ukamr1")["text"] == "บริษัท น้ำตาลไทย จำกัด วันที่ 26 พ.ย. 2569\nพิมพ์ผลการเยี่ยม หรือกด ‘ข้าม’"
    bot.say("Ukamr1", "ตรวจหม้อแปลงร่วมกับลูกค้า")
    toggle_first = _quick(bot.last_to("Ukamr1"))[2]  # which contacts were met: only the first
    assert toggle_first["label"] == "User ust1"
    bot.tap("Ukamr1", toggle_first["data"])
    bot.tap("Ukamr1", "a=visitmet.confirm")
    [visit] = _visits(bot)
    assert (visit.status, visit.notes, visit.reported_at) == ("done", "ตรวจหม้อแปลงร่วมกับลูกค้า", bot.now)
    assert bot.last_to("Ucust1")["text"].startswith("คุณสมชาย ใจดี ติดต่อเยี่ยม")
    assert not any("ช่วยให้คะแนน" in text for text in bot.texts_to("Ucust2"))  # not met: not asked
    bot.tap("Ukamr1", f"a=visit.report&v={visit.id}")
    assert bot.last_to("Ukamr1")["text"] == "บันทึกผลการเยี่ยมนี้ไปแล้วค่ะ"
    assert _run_reminders(bot, datetime(2026, 12, 7, 2, 0, tzinfo=timezone.utc)) == 0  # Monday 7 Dec: a holiday (in lieu)


def test_one_rating_reminder_to_those_who_did_not_rate(org):
    bot = org
    _log_visit(bot)
    [visit] = _visits(bot)
    bot.tap("Ucust1", f"a=rate.give&k=visit&i={visit.id}&s=5")
    counts = {u: len(bot.line.messages_to(u)) for u in ("Ucust1", "Ucust2")}

    assert _run_reminders(bot, datetime(2026, 11, 24, 2, 0, tzinfo=timezone.utc)) == 0  # one day after: too soon
    assert _run_reminders(bot, datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)) == 1  # two days after: Ucust2 only
    assert _run_reminders(bot, datetime(2026, 11, 26, 4, 0, tzinfo=timezone.utc)) == 0  # at most one reminder
    assert len(bot.line.messages_to("Ucust1")) == counts["Ucust1"]
    reminder = bot.line.messages_to("Ucust2")[counts["Ucust2"]:]
    assert len(reminder) == 1 and reminder[0]["text"].startswith("🙏 ขอรบกวนอีกครั้งค่ะ\nคุณสมชาย ใจดี ติดต่อเยี่ยม")


def test_rating_reminders_for_several_visits_go_one_push_per_contact(org):
    bot = org
    _log_visit(bot, day="2026-11-20")  # A100, Friday
    _log_visit(bot)  # A100 again, Monday 23 Nov
    _log_visit(bot, user="Ukamr2")  # K002's A200, contact Uhosp
    first, second, hospital = _visits(bot)
    bot.tap("Ucust1", f"a=rate.give&k=visit&i={second.id}&s=4")
    pushed = len(bot.line.pushes)
    bot.now = datetime(2026, 11, 25, 4, 0, tzinfo=timezone.utc)
    assert bot.run_job(send_daily_visit_reminders) == 3
    reminders = {push["to"]: [m["text"] for m in push["messages"]] for push in bot.line.pushes[pushed:]}
    assert len(bot.line.pushes) - pushed == 3
    assert [text.split("\n")[1] for text in reminders["Ucust2"]] == [  # both visits in one push, oldest first
        "คุณสมชาย ใจดี ติดต่อเยี่ยม บริษัท น้ำตาลไทย จำกัด (ลงพื้นที่) เมื่อ 20 พ.ย. 2569",
        "คุณสมชาย ใจดี ติดต่อเยี่ยม บริษัท น้ำตาลไทย จำกัด (ลงพื้นที่) เมื่อ 23 พ.ย. 2569"]
    assert [text.split("\n")[1] for text in reminders["Ucust1"]] == [  # the visit they rated is not asked again
        "คุณสมชาย ใจดี ติดต่อเยี่ยม บริษัท น้ำตาลไทย จำกัด (ลงพื้นที่) เมื่อ 20 พ.ย. 2569"]
    assert len(reminders["Uhosp"]) == 1 and "โรงพยาบาลเมือง" in reminders["Uhosp"][0]
    assert all(text.startswith("🙏 ขอรบกวนอีกครั้งค่ะ") for texts in reminders.values() for text in texts)
    assert bot.run_job(send_daily_visit_reminders, deliver=False) == 0  # claimed once per visit
    with session_scope(bot.engine) as session:
        assert {v.id: v.rating_reminded_at for v in session.exec(select(Visit)).all()} == {
            first.id: bot.now, second.id: bot.now, hospital.id: bot.now}


def test_a_planned_visit_that_did_not_happen_is_cancelled_and_no_longer_reminded(org):
    bot = org
    _log_visit(bot, day="2026-11-26", notes="")
    [visit] = _visits(bot)
    bot.now = datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc)
    bot.tap("Ukamr1", f"a=visit.report&v={visit.id}")
    assert [a["label"] for a in _quick(bot.last_to("Ukamr1"))] == ["ข้าม", "ไม่ได้ไป", "ยกเลิก"]
    bot.tap("Ukamr1", _quick(bot.last_to("Ukamr1"))[1]["data"])
    assert bot.last_to("Ukamr1")["text"] == "ยกเลิกแผนเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 26 พ.ย. 2569 แล้วค่ะ"
    assert _visits(bot)[0].status == "cancelled"
    bot.tap("Ukamr2", f"a=visit.cancel&v={visit.id}")  # another KAMR cannot touch it
    assert bot.last_to("Ukamr2")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    assert bot.run_job(send_daily_visit_reminders, deliver=False) == 0
    # Nobody is asked to rate a visit that did not happen (they were only told of the plan).
    assert not any("ช่วยให้คะแนน" in text for text in bot.texts_to("Ucust1"))
