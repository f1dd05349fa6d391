"""A visit's company in LINE: more accounts on the same call, a representative (ผู้แทน) for a manager, and
the contacts met, who alone are asked to rate it (issues 17 and 21)."""
from datetime import datetime, timezone

import pytest
from sqlmodel import select

from handlers.rules import quotas
from storage import roster
from storage.db import session_scope
from storage.models import Contact, Visit

from cli_world import frozen_kambot, import_roster

STAFF = """staff_code,name,role,office,backup,supervisor
D001,ประเสริฐ รองผู้ว่า,deputy_governor,HQ,,
Z100,สุรชัย ผู้อำนวยการเขต,zone_director,PEA-N1,,D001
M001,มาลี ผู้จัดการ,office_manager,PEA-N1,,Z100
S101,อรุณ อาวุโส,senior_kamr,PEA-N1,,M001
K001,สมชาย ใจดี,kamr,PEA-N1,,S101
K002,สมหญิง รักงาน,kamr,PEA-N1,,S101
"""
ACCOUNTS = """account_code,name,tier,office,kamr,sites
A100,น้ำตาลไทย,strategic,PEA-N1,K001,
A110,น้ำตาลไทย ชลบุรี,star,PEA-N1,K001,
A101,เหล็กสยาม,star,PEA-N1,K002,
"""
NOV_23 = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 in Bangkok, in the rating window


@pytest.fixture
def team(bot, tmp_path, monkeypatch):
    import_roster(bot.engine, STAFF, ACCOUNTS)
    bot.now = NOV_23
    for user, code in (("Uk1", "K001"), ("Uk2", "K002"), ("Uz", "Z100"), ("Um", "M001")):
        bot.link(user, staff=code)
    for user, code in (("Uc1", "A100"), ("Uc2", "A100"), ("Uc3", "A110")):
        bot.link(user, account=code)
    with session_scope(bot.engine) as session:  # the steel works' only contact is not on LINE
        session.add(Contact(account_id=roster.account_by_code(session, "A101").id, name="คุณเหล็ก"))
    bot.line.reset()
    bot.kambot = frozen_kambot(bot.engine, tmp_path, monkeypatch, NOV_23)
    return bot


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _labels(bot, user) -> list[str]:
    return [a["label"] for a in _quick(bot.last_to(user))]


def _id(bot, kind, code) -> int:
    with session_scope(bot.engine) as session:
        return (roster.account_by_code(session, code) if kind == "account" else roster.staff_by_code(session, code)).id


def _contact_id(bot, user) -> int:
    with session_scope(bot.engine) as session:
        return session.exec(select(Contact.id).where(Contact.line_user_id == user)).one()


def _visits(bot) -> list[Visit]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Visit).order_by(Visit.id)).all())


def _begin_visit(bot, user: str, account: str, *, alone: bool = True) -> None:
    """บันทึกการเยี่ยม, then the account; `alone`: [ไม่มีเพิ่ม], no other account on the same call."""
    bot.tap(user, "a=visit")
    bot.tap(user, f"a=visit.account&acc={_id(bot, 'account', account)}")
    if alone:
        bot.tap(user, "a=visitwith.done")


def _quarter_shown(bot) -> tuple[str, str]:
    """What `kambot quota show` and `kambot visits list` print for 2026Q4."""
    return (bot.kambot("quota", "show", "--quarter", "2026Q4").output,
            bot.kambot("visits", "list", "--quarter", "2026Q4").output)


def _day_mode_purpose(bot, user):
    bot.tap(user, "a=visit.date", date="2026-11-23")
    bot.tap(user, "a=visit.mode&v=on_site")
    bot.tap(user, "a=visit.purpose&v=relationship")


def _rating_requests(bot, user) -> list[str]:
    return [text for text in bot.texts_to(user) if "ช่วยให้คะแนน" in text]


def test_a_kamr_logs_one_call_on_two_accounts_and_both_count_but_another_kamrs_account_is_refused(team):
    bot = team
    _begin_visit(bot, "Uk1", "A100", alone=False)
    assert bot.last_to("Uk1")["text"] == (
        "น้ำตาลไทย\nพบลูกค้ารายอื่นในครั้งเดียวกันด้วยไหมคะ เลือกเพิ่ม หรือกด ‘ไม่มีเพิ่ม’")
    assert _labels(bot, "Uk1") == ["ไม่มีเพิ่ม", "A110 น้ำตาลไทย ชลบุ…", "ยกเลิก"]  # K001's own accounts only
    bot.tap("Uk1", f"a=visitwith.add&acc={_id(bot, 'account', 'A101')}")  # K002's account, by a forged button
    assert bot.last_to("Uk1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    bot.tap("Uk1", "a=visit.date", date="2026-11-23")  # the dialog is over: nothing goes on from there
    assert _visits(bot) == []

    _begin_visit(bot, "Uk1", "A100", alone=False)
    bot.say("Uk1", "a110")  # a typed code adds the account too; with none left to add, on to the day
    assert bot.last_to("Uk1")["text"] == "น้ำตาลไทย, น้ำตาลไทย ชลบุรี\nเยี่ยมวันไหนคะ (วันล่วงหน้า = บันทึกเป็นแผน)"
    _day_mode_purpose(bot, "Uk1")
    assert bot.last_to("Uk1")["text"] == "พิมพ์บันทึกสั้น ๆ หรือกด ‘ข้าม’"  # a KAMR names no representative
    bot.tap("Uk1", "a=visit.save")
    assert _labels(bot, "Uk1")[2:] == ["User Uc1", "User Uc2", "User Uc3", "ยกเลิก"]  # both accounts' contacts
    bot.tap("Uk1", "a=visitmet.all")
    assert bot.last_to("Uk1")["text"] == ("บันทึกการเยี่ยม น้ำตาลไทย, น้ำตาลไทย ชลบุรี วันที่ 23 พ.ย. 2569 (ลงพื้นที่) "
                                          "แล้วค่ะ ✅\nส่งแบบประเมินถึงผู้ติดต่อ 3 คน")
    first, second = _visits(bot)
    assert (first.account_id, second.account_id) == (_id(bot, "account", "A100"), _id(bot, "account", "A110"))
    assert first.joint_id == second.joint_id == first.id
    assert [len(_rating_requests(bot, user)) for user in ("Uc1", "Uc2", "Uc3")] == [1, 1, 1]
    assert "น้ำตาลไทย ชลบุรี" in _rating_requests(bot, "Uc3")[0]  # each contact rates their own account's visit
    shown, listed = _quarter_shown(bot)
    assert "K001     kamr               2/2   ok" in shown
    assert "2026-11-23  A100  K001  -  with A110  met 2/2" in listed
    assert "2026-11-23  A110  K001  -  with A100  met 1/1" in listed


def test_only_the_contacts_met_are_asked_to_rate_and_the_kamr_hears_when_none_is_on_line(team):
    bot = team
    _begin_visit(bot, "Uk1", "A100")
    _day_mode_purpose(bot, "Uk1")
    bot.say("Uk1", "คุยเรื่องหม้อแปลง")
    assert bot.last_to("Uk1")["text"] == ("ได้พบผู้ติดต่อท่านใดบ้างคะ กดเลือก (กดซ้ำเพื่อเอาออก) แล้วกด ‘ยืนยัน’\n"
                                          "เลือกแล้ว: -")
    assert _labels(bot, "Uk1") == ["ยืนยัน", "ทั้งหมด", "User Uc1", "User Uc2", "ยกเลิก"]
    bot.tap("Uk1", "a=visitmet.confirm")  # nobody picked yet: asked again, nothing saved
    assert bot.last_to("Uk1")["text"].endswith("เลือกแล้ว: -") and _visits(bot) == []
    bot.tap("Uk1", f"a=visitmet.toggle&c={_contact_id(bot, 'Uc1')}")
    bot.tap("Uk1", f"a=visitmet.toggle&c={_contact_id(bot, 'Uc2')}")
    bot.tap("Uk1", f"a=visitmet.toggle&c={_contact_id(bot, 'Uc2')}")  # a second tap takes it out
    bot.tap("Uk1", f"a=visitmet.toggle&c={_contact_id(bot, 'Uc3')}")  # another account's contact: ignored
    assert bot.last_to("Uk1")["text"].endswith("เลือกแล้ว: User Uc1")
    assert _labels(bot, "Uk1") == ["ยืนยัน", "ทั้งหมด", "✓ User Uc1", "User Uc2", "ยกเลิก"]
    bot.tap("Uk1", "a=visitmet.confirm")
    assert bot.last_to("Uk1")["text"].endswith("ส่งแบบประเมินถึงผู้ติดต่อ 1 คน")
    [visit] = _visits(bot)
    assert (visit.met_contact_ids, visit.notes) == ([_contact_id(bot, "Uc1")], "คุยเรื่องหม้อแปลง")
    assert len(_rating_requests(bot, "Uc1")) == 1
    assert bot.line.messages_to("Uc2") == [] and bot.line.messages_to("Uc3") == []
    bot.tap("Uc2", "a=rate")  # not met: the visit is not theirs to rate, even by a forged button
    assert bot.last_to("Uc2")["text"] == "ยังไม่มีการเยี่ยมหรือบริการที่รอให้คะแนนค่ะ ขอบคุณค่ะ"
    bot.tap("Uc2", f"a=rate.give&k=visit&i={visit.id}&s=1")
    assert bot.last_to("Uc2")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    from jobs.visit_reminders import send_daily_visit_reminders
    bot.now = datetime(2026, 11, 27, 3, 0, tzinfo=timezone.utc)  # the rating reminder goes to the met contact only
    bot.run_job(send_daily_visit_reminders)
    assert len(bot.texts_to("Uc1")) == 2 and len(bot.texts_to("Uc2")) == 2  # Uc2: only the two answers above

    _begin_visit(bot, "Uk2", "A101", alone=False)
    _day_mode_purpose(bot, "Uk2")
    bot.tap("Uk2", "a=visit.save")
    assert _labels(bot, "Uk2") == ["ยืนยัน", "ทั้งหมด", "คุณเหล็ก", "ยกเลิก"]
    bot.tap("Uk2", "a=visitmet.all")
    assert bot.last_to("Uk2")["text"].endswith(
        "ส่งแบบประเมินถึงผู้ติดต่อ 0 คน\nผู้ติดต่อที่พบยังไม่ได้ใช้ LINE จึงไม่ได้ส่งแบบประเมินค่ะ")


def test_a_representatives_visit_counts_for_the_zone_director_and_the_office_manager(team):
    bot = team
    _begin_visit(bot, "Uz", "A100")
    _day_mode_purpose(bot, "Uz")
    assert bot.last_to("Uz")["text"] == "ใครเป็นผู้เยี่ยมคะ ไปเอง หรือเลือก/พิมพ์ชื่อผู้แทน (รหัสพนักงานก็ได้)"
    assert _labels(bot, "Uz")[0] == "ไปเอง" and "อรุณ อาวุโส" in _labels(bot, "Uz")
    bot.tap("Uz", f"a=visitrep.pick&s={_id(bot, 'staff', 'S101')}")
    bot.tap("Uz", "a=visit.save")
    bot.tap("Uz", "a=visitmet.all")
    assert bot.last_to("Uz")["text"].endswith("ส่งแบบประเมินถึงผู้ติดต่อ 2 คน\nผู้แทน: อรุณ อาวุโส")
    assert _rating_requests(bot, "Uc1")[0].startswith("คุณอรุณ อาวุโส ติดต่อเยี่ยม น้ำตาลไทย")

    _begin_visit(bot, "Um", "A101")
    _day_mode_purpose(bot, "Um")
    assert bot.last_to("Um")["text"] == "ใครเป็นผู้เยี่ยมคะ ไปเอง หรือเลือก/พิมพ์ชื่อผู้แทน (รหัสพนักงานก็ได้)"
    bot.say("Um", "นายสมศักดิ์ วิศวกร")  # a representative who is not on the staff list
    bot.tap("Um", "a=visit.save")
    bot.tap("Um", "a=visitmet.all")
    assert bot.last_to("Um")["text"].endswith("ผู้แทน: นายสมศักดิ์ วิศวกร")
    by_zone, by_manager = _visits(bot)
    assert (by_zone.staff_id, by_zone.on_behalf_of_id) == (_id(bot, "staff", "S101"), _id(bot, "staff", "Z100"))
    assert (by_manager.staff_id, by_manager.on_behalf_of_id, by_manager.representative_name) == (
        _id(bot, "staff", "M001"), _id(bot, "staff", "M001"), "นายสมศักดิ์ วิศวกร")

    people = [_id(bot, "staff", "Z100"), _id(bot, "staff", "M001")]
    with session_scope(bot.engine) as session:
        q = quotas.parse_quarter(bot.config.quotas, "2026Q4")
        figures = {p.staff.staff_code: (p.done, p.target)
                   for p in quotas.progress(session, bot.config.quotas, q, staff_ids=people)}
    assert figures == {"Z100": (1, 3), "M001": (1, 6)}  # domain.md: a named representative's visit counts
    shown, listed = _quarter_shown(bot)
    assert "Z100     zone_director      1/3" in shown
    assert "M001     office_manager     1/6" in shown
    assert "by representative: Z100 1 credited; M001 1 credited" in shown
    assert "2026-11-23  A100  S101  for Z100 (credited)  -  met 2/2" in listed
    assert "2026-11-23  A101  M001  for M001 by นายสมศักดิ์ วิศวกร (credited)  -  met 1/1" in listed


def test_a_planned_call_on_two_accounts_is_announced_to_both_accounts_contacts_and_asks_nobody_who_was_met(team):
    bot = team
    _begin_visit(bot, "Uk1", "A100", alone=False)
    bot.tap("Uk1", f"a=visitwith.add&acc={_id(bot, 'account', 'A110')}")
    bot.tap("Uk1", "a=visit.date", date="2026-11-26")
    bot.tap("Uk1", "a=visit.mode&v=on_site")
    bot.tap("Uk1", "a=visit.purpose&v=relationship")
    bot.tap("Uk1", "a=visit.save")  # a plan: nobody has been met yet
    assert bot.last_to("Uk1")["text"].startswith("บันทึกแผนเยี่ยม น้ำตาลไทย, น้ำตาลไทย ชลบุรี วันที่ 26 พ.ย. 2569")
    assert [len(bot.texts_to(user)) for user in ("Uc1", "Uc2", "Uc3")] == [1, 1, 1]
    assert "น้ำตาลไทย ชลบุรี" in bot.texts_to("Uc3")[0] and "มีแผนเข้าเยี่ยม" in bot.texts_to("Uc3")[0]
    assert [v.status for v in _visits(bot)] == ["planned", "planned"]


def test_a_late_visit_by_a_representative_waits_for_the_approval_of_the_recorders_supervisor(team):
    bot = team
    bot.link("Ud", staff="D001")
    _begin_visit(bot, "Uz", "A101")
    bot.tap("Uz", "a=visit.date", date="2026-09-25")  # 2026Q3, closed on 8 Oct
    bot.tap("Uz", "a=visit.mode&v=on_site")
    bot.tap("Uz", "a=visit.purpose&v=relationship")
    bot.tap("Uz", f"a=visitrep.pick&s={_id(bot, 'staff', 'S101')}")
    bot.tap("Uz", "a=visit.save")
    bot.tap("Uz", "a=visitmet.all")
    [visit] = _visits(bot)
    assert visit.late_approval == "pending"
    card = bot.last_to("Ud")  # Z100's supervisor, not the representative's (M001)
    assert "อนุมัติ" in str(card) and "สุรชัย ผู้อำนวยการเขต" in str(card)
    assert bot.line.messages_to("Um") == []
