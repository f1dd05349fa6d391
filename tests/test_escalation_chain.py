"""Issue 15: every 24-hour report reaches a person along the escalation chain, once per level, day and
night, and the customer, the people of the chain and the original KAMR each hear what happens next."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import select

from bot.config import ConfigError, parse_config
from bot.line.notifier import notifier_for
from jobs.escalation import escalate_unacknowledged
from storage import roster
from storage.db import session_scope
from storage.models import EscalationStep, Staff
from storage.roster_import import import_staff

from conftest import PG_URL
from procs import two_schedulers

# The office PEA-N1 belongs to zone N; the zone's own office PEA-N holds a second zone KAMR; phones for calls.
ZONE_STAFF_CSV = """staff_code,name,role,office,backup,supervisor,phone,zone
K001,สมชาย ใจดี,kamr,PEA-N1,Z001,S001,081-234-5678,N
Z001,วีระ ประจำเขต,zone_kamr,PEA-N1,,S001,,N
Z002,ชัย เขตเหนือ,zone_kamr,PEA-N,,,,N
M001,มานี ผู้จัดการ,office_manager,PEA-N1,,,,N
"""
LINKS = (("Usenior", "S001"), ("Uzone2", "Z002"), ("Umgr", "M001"))
# A night, a weekend and a holiday (Bangkok): Tuesday 02:30, Sunday 03:00, Father's Day (Sat 5 Dec) 23:50.
STARTS = {
    "weeknight": datetime(2026, 11, 24, 2, 30),
    "sunday": datetime(2026, 11, 29, 3, 0),
    "holiday": datetime(2026, 12, 5, 23, 50),
}
BANGKOK = timezone(timedelta(hours=7))
CHAIN = [(15, "Uzone"), (30, "Uzone2"), (45, "Usenior"), (60, "Umgr")]  # minutes after the report: who is called


@pytest.fixture
def chain_org(org):
    with session_scope(org.engine) as session:
        assert not import_staff(session, io.StringIO(ZONE_STAFF_CSV)).errors
    for user, code in LINKS:
        org.link(user, staff=code)
    org.line.reset()
    return org


def _escalate(bot) -> int:
    with session_scope(bot.engine) as session:
        return escalate_unacknowledged(session, now=bot.now, config=bot.config, notifier=notifier_for(session, bot.now))


def _report(bot, user: str = "Ucust1") -> None:
    bot.tap(user, "a=outage")
    items = bot.last_to(user)["quickReply"]["items"]
    bot.tap(user, next(i["action"]["data"] for i in items if i["action"]["label"] == "โรงงาน 1"))
    bot.tap(user, "a=outage.symptom&v=no_power")
    bot.tap(user, "a=outage.since&v=now")


def _cards(bot, user: str) -> list[dict]:
    return [m for m in bot.line.messages_to(user) if m.get("type") == "flex"]


def _footer(card: dict) -> list[dict]:
    return [b["action"] for b in card["contents"]["footer"]["contents"]]


@pytest.mark.parametrize("start", list(STARTS), ids=list(STARTS))
def test_each_level_of_the_chain_is_called_once_after_its_wait(chain_org, start):
    bot = chain_org
    bot.now = STARTS[start].replace(tzinfo=BANGKOK).astimezone(timezone.utc)
    _report(bot)
    ticket = bot.only_ticket()
    reply = bot.texts_to("Ucust1")[-1]
    assert reply.endswith("คุณสมชาย ใจดี จะติดต่อกลับภายใน 15 นาทีค่ะ")
    assert len(_cards(bot, "Ukamr1")) == 1

    called = []
    for minute in range(1, 121):  # the job every minute for two hours
        bot.advance(minutes=1)
        if _escalate(bot):
            called.append(minute)
        bot.drain()
    assert called == [minute for minute, _ in CHAIN]
    for minute, user in CHAIN:
        [card] = _cards(bot, user)  # exactly one card each
        assert card["altText"].startswith(f"⚠️ ส่งต่อ: ไฟดับ {ticket.number}")
        assert f"ยังไม่มีผู้รับเรื่องภายใน {minute} นาที (KAMR: สมชาย ใจดี)" in card["altText"]
        call = [b for b in _footer(card) if b["type"] == "uri"]
        assert call == [{"type": "uri", "label": "📞 โทร สมชาย ใจดี", "uri": "tel:0812345678"}]
        assert ("ลำดับสุดท้าย" in card["altText"]) == (user == "Umgr")
    assert bot.texts_to("Ucust1")[-4:] == [
        f"{ticket.number}: ส่งต่อให้คุณวีระ ประจำเขต ดูแลแล้วค่ะ จะติดต่อกลับภายใน 15 นาที",
        f"{ticket.number}: ส่งต่อให้คุณชัย เขตเหนือ ดูแลแล้วค่ะ จะติดต่อกลับภายใน 15 นาที",
        f"{ticket.number}: ส่งต่อให้คุณอรุณ หัวหน้า ดูแลแล้วค่ะ จะติดต่อกลับภายใน 15 นาที",
        f"{ticket.number}: ส่งต่อให้คุณมานี ผู้จัดการ ดูแลแล้วค่ะ จะติดต่อกลับภายใน 30 นาที",
    ]

    # The manager takes it: the customer hears who, and the original KAMR hears who took their case.
    [last] = _cards(bot, "Umgr")
    bot.tap("Umgr", _footer(last)[0]["data"])
    assert bot.texts_to("Ucust1")[-1].startswith(f"{ticket.number}: คุณมานี ผู้จัดการ รับเรื่องแล้ว")
    assert bot.texts_to("Ukamr1")[-1] == f"{ticket.number} (บริษัท น้ำตาลไทย จำกัด): คุณมานี ผู้จัดการ รับเรื่องแทนแล้วค่ะ"
    bot.advance(minutes=60)
    assert _escalate(bot) == 0


def test_a_level_whose_person_left_the_roster_is_skipped_and_the_history_says_so(chain_org):
    bot = chain_org
    with session_scope(bot.engine) as session:
        z001 = roster.staff_by_code(session, "Z001")
        z001.active = False  # K001's named backup has left
        session.add(z001)
    _report(bot)
    bot.advance(minutes=15)
    assert _escalate(bot) == 1
    bot.drain()
    assert _cards(bot, "Uzone") == []
    [card] = _cards(bot, "Uzone2")  # the next level, the zone's other zone KAMR, at once
    events = [(e.action, e.details.get("level"), e.details.get("reason"), e.details.get("staff"))
              for e in bot.ticket_events()]
    assert events[-2:] == [("escalation_skipped", 1, "left_roster", "Z001"), ("escalated", 2, "not_acknowledged", None)]


def test_an_account_without_a_kamr_goes_straight_to_its_offices_chain(chain_org):
    bot = chain_org
    with session_scope(bot.engine) as session:
        account = roster.account_by_code(session, "A200")
        account.kamr_id = None
        session.add(account)
    _report_hospital(bot)
    ticket = bot.only_ticket()
    # No KAMR and so no backup: the office's zone KAMR (on LINE first) has it at once.
    [card] = _cards(bot, "Uzone")
    assert card["altText"].startswith(f"⚠️ ส่งต่อ: ไฟดับ {ticket.number}")
    assert bot.texts_to("Uhosp")[-1].endswith("คุณวีระ ประจำเขต จะติดต่อกลับภายใน 15 นาทีค่ะ")
    assert ticket.escalated_to is not None
    reasons = [(e.action, e.details.get("reason")) for e in bot.ticket_events()]
    assert reasons[1:4] == [("escalation_skipped", "no_kamr"), ("escalation_skipped", "nobody"),
                            ("escalated", "kamr_unreachable")]
    bot.advance(minutes=15)
    assert _escalate(bot) == 1
    bot.drain()
    assert len(_cards(bot, "Usenior")) == 1  # the chain goes on from there: senior KAMR or head


def test_with_nobody_on_line_the_customer_is_told_whom_to_call(org):
    bot = org
    with session_scope(bot.engine) as session:
        for person in session.exec(select(Staff)).all():
            person.line_user_id = None
            session.add(person)
    _report_hospital(bot)
    assert bot.texts_to("Uhosp")[-1].endswith("ขณะนี้ยังไม่มีเจ้าหน้าที่รับเรื่องทาง LINE กรุณาโทร 1129 ค่ะ")
    reasons = [e.details.get("reason") for e in bot.ticket_events() if e.action == "escalation_skipped"]
    assert reasons == ["not_on_line", "not_on_line", "not_on_line", "not_on_line", "nobody"]
    bot.advance(hours=3)
    assert _escalate(bot) == 0


def _report_hospital(bot) -> None:
    bot.tap("Uhosp", "a=outage")
    bot.tap("Uhosp", "a=outage.symptom&v=no_power")
    bot.tap("Uhosp", "a=outage.since&v=now")


@pytest.mark.parametrize("levels, key, words", [
    ([{"step": "zone_kamr"}, {"step": ["senior_kamr", "zone_kamr"]}], "escalation.levels", "again (level 1)"),
    ([{"step": "kamr"}], "escalation.levels.0.step", "loop"),
    ([{"step": "zone_boss"}], "escalation.levels.0.step", "'zone_boss' is not a role"),
])
def test_a_chain_that_loops_or_names_an_unknown_role_is_refused_naming_the_key(levels, key, words):
    with pytest.raises(ConfigError) as refused:
        parse_config({"escalation": {"levels": levels}})
    assert f"{key}:" in str(refused.value) and words in str(refused.value)


def test_two_schedulers_on_postgresql_call_each_level_once(chain_org):
    bot = chain_org
    if not bot.config.database.url.startswith("postgresql"):
        pytest.skip("two scheduler processes need PostgreSQL")
    _report(bot)
    [ticket] = [bot.only_ticket()]
    for minute, user in CHAIN:
        at = ticket.created_at + timedelta(minutes=minute)
        queued = two_schedulers(PG_URL, at, 2)
        assert sum(queued) == 1, (minute, queued)  # one of the two called the level, once
        bot.now = at
        bot.drain()
        assert len(_cards(bot, user)) == 1
    with session_scope(bot.engine) as session:
        levels = [step.level for step in session.exec(select(EscalationStep).order_by(EscalationStep.level))]
    assert levels == [0, 1, 2, 3, 4]
    assert sum(len(_cards(bot, user)) for _, user in CHAIN) == 4


def _quick_replies(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def test_the_escalation_notices_end_with_the_next_action(chain_org):
    """The customer can follow the case or call the person who has it now; the original KAMR can open
    the ticket or call the colleague who took it (issue 15: every message ends with a button)."""
    bot = chain_org
    with session_scope(bot.engine) as session:
        z001 = roster.staff_by_code(session, "Z001")
        z001.phone = "089-111-2222"
        session.add(z001)
    _report(bot)
    ticket = bot.only_ticket()
    bot.advance(minutes=15)
    assert _escalate(bot) == 1
    bot.drain()
    notice = bot.last_to("Ucust1")
    assert notice["text"].startswith(f"{ticket.number}: ส่งต่อให้คุณวีระ ประจำเขต ดูแลแล้วค่ะ")
    assert _quick_replies(notice) == [
        {"type": "postback", "label": "ติดตามสถานะ", "data": "a=status", "displayText": "ติดตามสถานะ"},
        {"type": "uri", "label": "📞 โทร วีระ ประจำเขต", "uri": "tel:0891112222"},
    ]

    [card] = _cards(bot, "Uzone")
    bot.tap("Uzone", _footer(card)[0]["data"])  # รับเรื่อง
    told = bot.last_to("Ukamr1")
    assert told["text"] == f"{ticket.number} (บริษัท น้ำตาลไทย จำกัด): คุณวีระ ประจำเขต รับเรื่องแทนแล้วค่ะ"
    view, call = _quick_replies(told)
    assert (view["label"], call) == (f"ดู {ticket.number}", {"type": "uri", "label": "📞 โทร วีระ ประจำเขต",
                                                            "uri": "tel:0891112222"})
    bot.tap("Ukamr1", view["data"])
    assert bot.last_to("Ukamr1")["altText"].startswith(f"⚡ แจ้งไฟดับ {ticket.number}\nลูกค้า: บริษัท น้ำตาลไทย จำกัด")
