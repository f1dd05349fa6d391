"""Issue 17 item 6: reviews happen by themselves (001 flow chart step 6): the office's senior KAMR and
department head get last month's summary on the configured working day, the zone gets the quarter's one
month after it ends; through the real notifier, the SDK and the LINE stand-in, on a frozen clock."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

import pytest

from handlers.operations.reviews import office_review_day, zone_review_day
from handlers.rules import quotas
from jobs.reviews import send_reviews
from storage import roster
from storage.db import session_scope
from storage.models import Ticket, Visit
from storage.roster_import import import_staff

HEAD = "staff_code,name,role,office,backup,supervisor\nH001,ชัยวัฒน์ หัวหน้าแผนก,dept_head,PEA-N1,,\n"


def _bangkok(year, month, day, hour=8, minute=30):
    return datetime(year, month, day, hour - 7, minute, tzinfo=timezone.utc)


@pytest.fixture
def office(org):
    bot = org
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(HEAD)).errors
        k001, a100 = roster.staff_by_code(session, "K001"), roster.account_by_code(session, "A100")
        for day in (date(2026, 8, 10), date(2026, 11, 10)):
            moment = datetime.combine(day, datetime.min.time(), timezone.utc)
            session.add(Visit(account_id=a100.id, staff_id=k001.id, visit_date=day, status="done",
                              created_at=moment, reported_at=moment))
        session.add(Ticket(number="CMP-69-00009", kind="complaint", category="billing", account_id=a100.id,
                           status="open", created_at=_bangkok(2026, 11, 24, 10, 0), due_date=date(2026, 12, 1)))
    bot.link("Usenior", staff="S001")
    bot.link("Uhead", staff="H001")
    bot.line.reset()
    return bot


def _body(message) -> list[str]:
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def test_the_review_days_skip_weekends_and_holidays():
    from bot.config import Config

    config = Config()
    assert office_review_day(config, date(2026, 12, 1)) == date(2026, 12, 3)  # Tue 1, Wed 2, Thu 3
    # January 2027: New Year's Day (Fri 1) and the weekend: Mon 4, Tue 5, Wed 6.
    assert office_review_day(config, date(2027, 1, 1)) == date(2027, 1, 6)
    first = config.model_copy(update={"reviews": config.reviews.model_copy(update={"office_working_day": 1})})
    assert office_review_day(first, date(2027, 1, 1)) == date(2027, 1, 4)
    q3 = quotas.parse_quarter(config.quotas, "2026Q3")
    assert zone_review_day(config, q3) == date(2026, 10, 30)  # 30 Sep + 30 days, a Friday
    q4 = quotas.parse_quarter(config.quotas, "2026Q4")
    assert zone_review_day(config, q4) == date(2027, 2, 1)  # Sat 30 Jan 2027: the Monday after


def test_the_office_gets_last_months_summary_on_its_review_day_once(office):
    bot = office
    bot.now = _bangkok(2026, 12, 2)
    assert bot.run_job(send_reviews) == 0  # the second working day: not yet
    bot.now = _bangkok(2026, 12, 3)
    assert bot.run_job(send_reviews) == 2  # the senior KAMR and the department head
    for user in ("Usenior", "Uhead"):
        [card] = bot.line.messages_to(user)
        assert card["altText"].startswith("📋 ทบทวนผลประจำเดือนพฤศจิกายน 2569 – PEA-N1")
    lines = _body(bot.last_to("Usenior"))
    assert lines[1:] == [
        "เยี่ยมลูกค้า (สะสมไตรมาส): 1/2 (50%)",  # K001 visited A100; K002 not A200
        "ข้อร้องเรียน 1 เรื่อง: ตอบทัน 5 วันทำการ 0% ของที่ถึงกำหนด",  # due 1 Dec, unanswered on 3 Dec
        "บริการฟรี 0 คำขอ: ภายในไตรมาส – ของที่ถึงกำหนด",
        "ความพึงพอใจ – จาก 0 คะแนน (เป้า 4.36)",
        "บันทึกการเยี่ยมช้า 0 ครั้ง · เรื่องด่วนถึงผู้บริหาร 0 เรื่อง (เลยกำหนดติดตาม 0)",
        "รายงานฉบับเต็ม: kambot report month 2026-11 --office PEA-N1",
    ]
    for user in ("Ukamr1", "Uzone", "Ucust1"):
        assert bot.line.messages_to(user) == []
    assert bot.run_job(send_reviews) == 0  # a rerun (or a second scheduler) sends nothing twice
    bot.now += timedelta(days=1)
    assert bot.run_job(send_reviews) == 0


def test_the_zone_gets_the_quarter_one_month_after_it(office):
    bot = office
    bot.now = _bangkok(2026, 10, 29)
    assert bot.run_job(send_reviews) == 0
    bot.now = _bangkok(2026, 10, 30)
    assert bot.run_job(send_reviews) == 1  # the zone KAMR (no zone director in this roster)
    [card] = bot.line.messages_to("Uzone")
    assert card["altText"].startswith("📋 ทบทวนผลระดับเขต ไตรมาส 3/2569 (1 ก.ค. 2569 – 30 ก.ย. 2569)")
    lines = _body(card)
    assert lines[1] == "PEA-N1: เยี่ยม 50% · ร้องเรียนทัน – · พึงพอใจ –"
    assert lines[2] == "เยี่ยมลูกค้า (สะสมไตรมาส): 1/2 (50%)"
    assert lines[-1] == "รายงานฉบับเต็ม: kambot report quarter 2026Q3"
    assert bot.line.messages_to("Usenior") == []
    assert bot.run_job(send_reviews) == 0


def test_the_review_day_is_configurable(office):
    bot = office
    bot.config = bot.config.model_copy(update={"reviews": bot.config.reviews.model_copy(
        update={"office_working_day": 1})})
    bot.now = _bangkok(2026, 12, 1)
    assert bot.run_job(send_reviews) == 2


def test_the_scheduler_runs_reviews_and_urgent_follow_ups_at_their_configured_times(engine):
    from bot.config import parse_config
    from bot.line.notifier import notifier_for
    from jobs.scheduler import build_scheduler

    config = parse_config({"reviews": {"review_time": "07:15"}, "urgent": {"reminder_time": "10:05"}})
    scheduler = build_scheduler(config, engine, lambda: datetime.now(timezone.utc), notifier_for=notifier_for,
                                on_messages=lambda: None)
    jobs = {job.id: {f.name: str(f) for f in job.trigger.fields} for job in scheduler.get_jobs()
            if job.id in ("reviews", "urgent_followups")}
    assert (jobs["reviews"]["hour"], jobs["reviews"]["minute"]) == ("7", "15")
    assert (jobs["urgent_followups"]["hour"], jobs["urgent_followups"]["minute"]) == ("10", "5")
