"""Issue 21 item 7: service appointments have a time of day. The KAMR picks the date, then a time (a button, or
typed: "10:30", "10.30 น.", "บ่ายสอง"); a Saturday, Sunday or Thai public holiday is named and asked again, a past
time or one outside office hours refused; a customer asking for a day off is asked for a working day; the customer's confirmation, status
and งานของฉัน show "1 ธ.ค. 2569 (อังคาร) 10:00 น.". Through the real webhook, SDK and LINE stand-in, frozen
clock Monday 23 Nov 2026 10:00 Bangkok."""
from datetime import datetime, timezone

import pytest

from storage import roster
from storage.db import session_scope


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _lines(message: dict) -> list[str]:
    return [item["text"] for item in message["contents"]["body"]["contents"]]


def _requested(bot, day: str):
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    bot.tap("Ucust1", "a=service.date", date=day)
    return bot.only_ticket()


def _time_button(message: dict, label: str) -> str:
    return next(a["data"] for a in _quick(message) if a["label"] == label)


@pytest.mark.parametrize(("day", "shown", "named"), [
    ("2026-11-29", "29 พ.ย. 2569 (อาทิตย์) 10:00 น.", "วันอาทิตย์"),
    ("2027-04-13", "13 เม.ย. 2570 (อังคาร) 10:00 น.", "วันสงกรานต์"),
    ("2027-01-01", "1 ม.ค. 2570 (ศุกร์) 10:00 น.", "วันขึ้นปีใหม่"),
])
def test_a_day_off_is_named_and_booked_only_when_confirmed(org, day, shown, named):
    bot = org
    ticket = _requested(bot, "2026-12-01")
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}", date=day)
    bot.tap("Ukamr1", _time_button(bot.last_to("Ukamr1"), "10:00 น."))
    warning = bot.last_to("Ukamr1")
    assert warning["text"] == f"{shown} ตรงกับ{named} ไม่ใช่วันทำการค่ะ\nนัดตามนี้ หรือเลือกวันอื่น"
    assert [a["label"] for a in _quick(warning)] == ["นัดตามนี้", "เลือกวันอื่น", "ยกเลิก"]
    assert _quick(warning)[1]["type"] == "datetimepicker"
    assert bot.only_ticket().status == "open" and bot.only_ticket().scheduled_at is None  # not silently accepted
    assert not bot.texts_to("Ucust1")[-1].startswith(ticket.number)  # the customer heard nothing yet

    bot.tap("Ukamr1", _quick(warning)[0]["data"])
    assert bot.last_to("Ukamr1")["text"] == f"เสนอวันที่ {shown} ให้ลูกค้ายืนยันแล้ว ({ticket.number})"
    assert shown in bot.last_to("Ucust1")["text"]
    assert bot.only_ticket().status == "proposed"


def test_the_kamr_picks_another_day_instead_of_the_sunday(org):
    bot = org
    ticket = _requested(bot, "2026-11-30")
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}", date="2026-11-29")
    bot.tap("Ukamr1", _time_button(bot.last_to("Ukamr1"), "09:00 น."))
    other = _quick(bot.last_to("Ukamr1"))[1]
    bot.tap("Ukamr1", other["data"], date="2026-11-30")  # the picker on the warning: Monday
    bot.tap("Ukamr1", _time_button(bot.last_to("Ukamr1"), "14:00 น."))
    assert bot.last_to("Ukamr1")["text"] == f"เสนอวันที่ 30 พ.ย. 2569 (จันทร์) 14:00 น. ให้ลูกค้ายืนยันแล้ว ({ticket.number})"
    assert bot.only_ticket().scheduled_at == datetime(2026, 11, 30, 7, 0, tzinfo=timezone.utc)
    assert bot.only_ticket().status == "proposed"


def test_a_past_time_is_refused(org):
    bot = org
    ticket = _requested(bot, "2026-11-24")
    bot.tap("Ukamr1", f"a=service.accept&t={ticket.id}")
    nine = _time_button(bot.last_to("Ukamr1"), "09:00 น.")
    bot.now = datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc)  # the KAMR comes back at 11:00 on the day
    bot.tap("Ukamr1", nine)
    refused = bot.last_to("Ukamr1")
    assert refused["text"] == "24 พ.ย. 2569 (อังคาร) 09:00 น. ผ่านมาแล้วค่ะ เลือกเวลาหรือวันใหม่"
    assert "15:00 น." in [a["label"] for a in _quick(refused)]
    assert bot.only_ticket().status == "open" and bot.texts_to("Ucust1")[-1].startswith("รับคำขอ")
    bot.tap("Ukamr1", _time_button(refused, "15:00 น."))
    assert bot.only_ticket().scheduled_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)


def test_an_english_speaking_kamr_reads_the_holiday_in_english(org):
    bot = org
    with session_scope(bot.engine) as session:
        kamr = roster.staff_by_line_user(session, "Ukamr1")
        kamr.language = "en"
        session.add(kamr)
    ticket = _requested(bot, "2027-04-19")
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}", date="2027-04-14")
    ask = bot.last_to("Ukamr1")
    assert ask["text"] == f"Pick a time for {ticket.number} on 14 Apr 2027 (Wed)."
    bot.tap("Ukamr1", _time_button(ask, "13:00"))
    assert bot.last_to("Ukamr1")["text"] == (
        "14 Apr 2027 (Wed) 13:00 is Songkran Festival, not a working day.\nBook it anyway, or pick another date?")


def test_status_and_my_work_show_the_time(org):
    bot = org
    ticket = _requested(bot, "2026-12-01")
    bot.tap("Ukamr1", f"a=service.accept&t={ticket.id}&d=2026-12-01&h=1000")
    bot.tap("Ucust1", "a=status")
    card = bot.line.messages_to("Ucust1")[-1]["contents"]["contents"][0]
    assert "วันนัด: 1 ธ.ค. 2569 (อังคาร) 10:00 น." in [c["text"] for c in card["body"]["contents"]]
    bot.tap("Ukamr1", "a=mytickets")
    [work] = bot.line.messages_to("Ukamr1")[-1]["contents"]["contents"]
    assert "วันนัด: 1 ธ.ค. 2569 (อังคาร) 10:00 น." in [c["text"] for c in work["body"]["contents"]]


def test_a_stale_accept_after_the_customer_asked_another_date_is_refused(org):
    bot = org
    ticket = _requested(bot, "2026-12-01")
    bot.tap("Ukamr1", f"a=service.accept&t={ticket.id}")
    ten = _time_button(bot.last_to("Ukamr1"), "10:00 น.")
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}&d=2026-12-02&h=1000")
    bot.tap("Ucust1", f"a=service.other&t={ticket.id}")
    bot.tap("Ucust1", "a=service.date", date="2026-12-03")
    bot.tap("Ukamr1", ten)  # the time for 1 Dec, the customer now asks 3 Dec
    assert bot.last_to("Ukamr1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    assert bot.only_ticket().status == "open"


def _plan_a_visit_on_friday(bot) -> None:
    """K001 logs a visit to A100 on Friday 27 Nov 2026: a plan, so the time is asked next."""
    with session_scope(bot.engine) as session:
        account_id = roster.account_by_code(session, "A100").id
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", f"a=visit.account&acc={account_id}")
    bot.tap("Ukamr1", "a=visit.date", date="2026-11-27")


def _on_site_to_build_the_relationship(bot) -> None:
    bot.tap("Ukamr1", "a=visit.mode&v=on_site")
    bot.tap("Ukamr1", "a=visit.purpose&v=relationship")
    bot.tap("Ukamr1", "a=visit.save")


def test_a_planned_visit_may_carry_a_time_the_customer_reads(org):
    bot = org
    _plan_a_visit_on_friday(bot)
    ask = bot.last_to("Ukamr1")
    assert ask["text"] == "นัดเยี่ยมวันที่ 27 พ.ย. 2569 (ศุกร์) เวลาใดคะ"
    assert [a["label"] for a in _quick(ask)][-3:] == ["15:00 น.", "ไม่ระบุเวลา", "ยกเลิก"]
    bot.tap("Ukamr1", _time_button(ask, "13:00 น."))
    assert bot.last_to("Ukamr1")["text"] == "เยี่ยมด้วยวิธีใดคะ"
    _on_site_to_build_the_relationship(bot)
    assert bot.last_to("Ukamr1")["text"].startswith(
        "บันทึกแผนเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 27 พ.ย. 2569 (ศุกร์) 13:00 น. (ลงพื้นที่) แล้วค่ะ")
    notice = bot.last_to("Ucust1")
    assert notice["text"] == ("คุณสมชาย ใจดี มีแผนเข้าเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 27 พ.ย. 2569 (ศุกร์) 13:00 น. "
                              "(ลงพื้นที่)\nสะดวกไหมคะ")
    with session_scope(bot.engine) as session:
        from sqlmodel import select

        from storage.models import Visit

        visit = session.exec(select(Visit)).one()
        assert (visit.visit_date.isoformat(), visit.planned_at) == (
            "2026-11-27", datetime(2026, 11, 27, 6, 0, tzinfo=timezone.utc))
    bot.tap("Ucust1", _quick(notice)[0]["data"])  # [ยืนยันนัดเยี่ยม]: the visitor reads the time too
    assert "27 พ.ย. 2569 (ศุกร์) 13:00 น." in bot.last_to("Ukamr1")["text"]


@pytest.mark.parametrize(("typed", "booked"), [("10:30", (3, 30)), ("10.30 น.", (3, 30)), ("บ่ายสอง", (7, 0)),
                                              ("๑๓:๑๕", (6, 15))])
def test_the_kamr_may_type_the_time_instead_of_tapping_it(org, typed, booked):
    bot = org
    ticket = _requested(bot, "2026-12-01")
    bot.tap("Ukamr1", f"a=service.accept&t={ticket.id}")
    bot.say("Ukamr1", typed)
    hour, minute = booked
    assert bot.only_ticket().scheduled_at == datetime(2026, 12, 1, hour, minute, tzinfo=timezone.utc)
    local = f"{hour + 7:02d}:{minute:02d} น."
    assert bot.last_to("Ukamr1")["text"] == f"นัด {ticket.number} วันที่ 1 ธ.ค. 2569 (อังคาร) {local} แล้ว ลูกค้าได้รับแจ้งแล้วค่ะ"
    bot.say("Ukamr1", "10:30")  # the step ended with the booking: a later time books nothing
    assert bot.only_ticket().scheduled_at == datetime(2026, 12, 1, hour, minute, tzinfo=timezone.utc)


def test_a_typed_time_outside_office_hours_or_unreadable_is_refused_with_why(org):
    bot = org
    ticket = _requested(bot, "2026-12-01")
    bot.tap("Ukamr1", f"a=service.propose&t={ticket.id}", date="2026-12-02")
    bot.say("Ukamr1", "18:00")
    refused = bot.last_to("Ukamr1")
    assert refused["text"] == "18:00 น. อยู่นอกเวลาทำการ (08:30–16:30 น.) ค่ะ เลือกเวลาใหม่"
    assert [a["label"] for a in _quick(refused)][:6] == ["09:00 น.", "10:00 น.", "11:00 น.", "13:00 น.", "14:00 น.",
                                                         "15:00 น."]
    bot.say("Ukamr1", "เช้าๆ")
    assert bot.last_to("Ukamr1")["text"] == "อ่านเวลาไม่ออกค่ะ พิมพ์แบบ 10:30 หรือ บ่ายสอง หรือกดเลือกเวลา"
    assert bot.only_ticket().status == "open" and bot.only_ticket().scheduled_at is None
    bot.say("Ukamr1", "08:30")
    assert bot.only_ticket().status == "proposed"
    assert bot.only_ticket().scheduled_at == datetime(2026, 12, 2, 1, 30, tzinfo=timezone.utc)


@pytest.mark.parametrize(("day", "told"), [
    ("2026-11-28", "28 พ.ย. 2569 (เสาร์) ตรงกับวันเสาร์ เป็นวันหยุดค่ะ กรุณาเลือกวันทำการอื่น"),
    ("2026-12-07", "7 ธ.ค. 2569 (จันทร์) ตรงกับ"),
])
def test_a_customer_asking_for_a_day_off_is_asked_for_a_working_day(org, day, told):
    bot = org
    bot.tap("Ucust1", "a=service")
    bot.tap("Ucust1", "a=service.pick&c=FMS2")
    bot.tap("Ucust1", "a=service.date", date=day)
    ask = bot.last_to("Ucust1")
    assert ask["text"].startswith(told) and ask["text"].endswith("เป็นวันหยุดค่ะ กรุณาเลือกวันทำการอื่น")
    assert [a["type"] for a in _quick(ask)] == ["datetimepicker", "message"]  # pick again, or cancel
    with session_scope(bot.engine) as session:
        from sqlmodel import select

        from storage.models import Ticket

        assert session.exec(select(Ticket)).all() == []  # nothing was requested
    bot.say("Ucust1", "1 ธ.ค. 69")  # the dialog is still there: a working day goes through
    assert bot.only_ticket().details["preferred_date"] == "2026-12-01"


def test_a_planned_visit_time_may_be_typed_and_office_hours_hold(org):
    bot = org
    _plan_a_visit_on_friday(bot)
    bot.say("Ukamr1", "07:00")
    assert bot.last_to("Ukamr1")["text"] == "07:00 น. อยู่นอกเวลาทำการ (08:30–16:30 น.) ค่ะ เลือกเวลาใหม่"
    bot.say("Ukamr1", "บ่ายสอง")
    assert bot.last_to("Ukamr1")["text"] == "เยี่ยมด้วยวิธีใดคะ"
    _on_site_to_build_the_relationship(bot)
    assert bot.last_to("Ukamr1")["text"].startswith(
        "บันทึกแผนเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 27 พ.ย. 2569 (ศุกร์) 14:00 น. (ลงพื้นที่) แล้วค่ะ")
