"""The morning complaint digest: one push per person, working days only, never twice a day."""
from datetime import date, datetime, timezone

from sqlmodel import select

from bot.config import ConfigError, parse_config
from jobs.complaint_digest import send_complaint_digests
from storage import notifications, roster, tickets
from storage.db import session_scope
from storage.models import Notification, Ticket

import pytest

A100 = "บริษัท น้ำตาลไทย จำกัด"
A200 = "โรงพยาบาลเมือง"


def _complaint(bot, account_code: str, due: date, status: str = "open") -> Ticket:
    with session_scope(bot.engine) as session:
        account = roster.account_by_code(session, account_code)
        ticket = tickets.create(session, Ticket(kind="complaint", account_id=account.id, category="billing",
                                                description="ค่าไฟสูงผิดปกติ", status=status,
                                                created_at=bot.now, due_date=due))
        session.flush()
        session.expunge(ticket)
        return ticket


def _run(bot) -> int:
    return bot.run_job(send_complaint_digests)


def _card(message: dict) -> tuple[str, list[str], list[dict]]:
    body = [c["text"] for c in message["contents"]["body"]["contents"]]
    buttons = [b["action"] for b in message["contents"].get("footer", {}).get("contents", [])]
    return body[0], body[1:], buttons


def _pushes_to(bot, user: str) -> list[dict]:
    return [p for p in bot.line.pushes if p["to"] == user]


def test_one_digest_per_kamr_and_overdue_digest_to_the_supervisor(org):
    bot = org  # Monday 23 Nov 2026, 10:00 Bangkok
    overdue = _complaint(bot, "A100", date(2026, 11, 19))  # Thu: Fri and Mon have passed
    today = _complaint(bot, "A100", date(2026, 11, 23))
    soon = _complaint(bot, "A100", date(2026, 11, 25))  # Wed: 2 working days away
    _complaint(bot, "A100", date(2026, 11, 26))  # 3 working days away: not yet
    _complaint(bot, "A100", date(2026, 11, 18), status="answered")  # answered stops the clock
    hospital = _complaint(bot, "A200", date(2026, 11, 20))  # Fri: 1 working day overdue

    assert _run(bot) == 2  # S001 is not on LINE yet
    assert len(bot.line.pushes) == 2
    [push] = _pushes_to(bot, "Ukamr1")
    [message] = push["messages"]
    title, lines, buttons = _card(message)
    assert title == "📋 เรื่องร้องเรียนที่ต้องตอบ (3)"
    assert lines == [
        f"{overdue.number} {A100} – เกินกำหนด 2 วันทำการ (ครบกำหนด 19 พ.ย. 2569)",
        f"{today.number} {A100} – ครบกำหนดวันนี้ (ครบกำหนด 23 พ.ย. 2569)",
        f"{soon.number} {A100} – ใกล้ครบกำหนด (ครบกำหนด 25 พ.ย. 2569)",
    ]
    assert [b["data"] for b in buttons] == [f"a=complaint.view&t={t.id}" for t in (overdue, today, soon)]
    assert [b["label"] for b in buttons] == [f"ดู {t.number}" for t in (overdue, today, soon)]
    [push2] = _pushes_to(bot, "Ukamr2")
    assert _card(push2["messages"][0])[1] == [
        f"{hospital.number} {A200} – เกินกำหนด 1 วันทำการ (ครบกำหนด 20 พ.ย. 2569)"]

    # Rerun (another process, or a restart): nothing new, no push.
    assert _run(bot) == 0
    assert len(bot.line.pushes) == 2

    # The supervisor links; their overdue digest goes out on the next run, and only theirs.
    bot.link("Usup", staff="S001")
    bot.line.reset()
    assert _run(bot) == 1
    assert len(bot.line.pushes) == 1
    [push] = _pushes_to(bot, "Usup")
    [message] = push["messages"]
    title, lines, buttons = _card(message)
    assert title == "⚠️ เรื่องร้องเรียนเกินกำหนด (2)"
    assert lines == [
        f"{overdue.number} {A100} (สมชาย ใจดี) – เกินกำหนด 2 วันทำการ (ครบกำหนด 19 พ.ย. 2569)",
        f"{hospital.number} {A200} (สมหญิง รักงาน) – เกินกำหนด 1 วันทำการ (ครบกำหนด 20 พ.ย. 2569)",
    ]
    assert [b["data"] for b in buttons] == [f"a=complaint.view&t={t.id}" for t in (overdue, hospital)]
    assert _run(bot) == 0
    assert len(bot.line.pushes) == 1

    # The next working day everyone still late hears again, once.
    bot.advance(days=1)
    bot.line.reset()
    assert _run(bot) == 3
    assert sorted(p["to"] for p in bot.line.pushes) == ["Ukamr1", "Ukamr2", "Usup"]
    assert all(len(p["messages"]) == 1 for p in bot.line.pushes)


def test_kamr_who_is_also_a_supervisor_gets_one_push(org):
    bot = org
    with session_scope(bot.engine) as session:
        k002 = roster.staff_by_code(session, "K002")
        k002.supervisor_code = "K001"
        session.add(k002)
    _complaint(bot, "A100", date(2026, 11, 23))
    _complaint(bot, "A200", date(2026, 11, 19))
    assert _run(bot) == 2  # Ukamr1 (own digest + overdue of K002 in one push), Ukamr2
    [push] = _pushes_to(bot, "Ukamr1")
    titles = [_card(m)[0] for m in push["messages"]]
    assert titles == ["📋 เรื่องร้องเรียนที่ต้องตอบ (1)", "⚠️ เรื่องร้องเรียนเกินกำหนด (1)"]
    assert len(bot.line.pushes) == 2


def test_nothing_due_soon_sends_nothing(org):
    bot = org
    _complaint(bot, "A100", date(2026, 11, 30))
    assert _run(bot) == 0
    assert bot.line.pushes == []


@pytest.mark.parametrize("when", [
    datetime(2026, 11, 28, 1, 30, tzinfo=timezone.utc),  # Saturday
    datetime(2026, 12, 7, 1, 30, tzinfo=timezone.utc),  # substitution day for 5 Dec (Saturday)
    datetime(2026, 12, 10, 1, 30, tzinfo=timezone.utc),  # Constitution Day
])
def test_no_digest_on_weekends_and_holidays(org, when):
    bot = org
    _complaint(bot, "A100", date(2026, 11, 19))
    bot.now = when
    assert _run(bot) == 0
    assert bot.line.pushes == []
    with session_scope(bot.engine) as session:
        assert session.exec(select(Notification)).all() == []


def test_staff_not_on_line_are_not_claimed(org):
    bot = org
    ticket = _complaint(bot, "A100", date(2026, 11, 19))
    assert _run(bot) == 1
    with session_scope(bot.engine) as session:
        k001 = roster.staff_by_code(session, "K001")
        rows = session.exec(select(Notification)).all()
        assert [(n.kind, n.recipient_staff_id, n.subject_id, n.day) for n in rows] == [
            ("complaint_digest", k001.id, ticket.id, date(2026, 11, 23))]  # nothing for S001 (not on LINE)


def test_claim_returns_only_new_items(org):
    bot = org
    with session_scope(bot.engine) as session:
        k001, k002 = (roster.staff_by_code(session, code).id for code in ("K001", "K002"))
        args = dict(day=date(2026, 11, 23), now=bot.now)
        digest = "complaint_digest"
        assert notifications.claim_many(session, [(digest, k001, 3), (digest, k001, 1)], **args) == {
            (digest, k001, 1), (digest, k001, 3)}
        assert notifications.claim_many(session, [(digest, k001, n) for n in (1, 2, 3)] + [(digest, k002, 1)],
                                        **args) == {(digest, k001, 2), (digest, k002, 1)}
        assert notifications.claim_many(session, [], **args) == set()
        assert notifications.claim_many(session, [(digest, k001, 1)], **{**args, "day": date(2026, 11, 24)}) == {
            (digest, k001, 1)}


def test_digest_time_is_validated():
    assert parse_config({}).reminders.complaint_digest_hour_minute == (8, 30)
    assert parse_config({"reminders": {"complaint_digest_time": "17:05"}}).reminders.complaint_digest_hour_minute == (17, 5)
    for bad in ("8:30", "24:00", "08:60", "noon"):
        with pytest.raises(ConfigError, match="reminders.complaint_digest_time"):
            parse_config({"reminders": {"complaint_digest_time": bad}})


def test_scheduler_runs_the_digest_at_the_configured_time(engine):
    from bot.line.notifier import notifier_for
    from jobs.scheduler import build_scheduler

    config = parse_config({"reminders": {"complaint_digest_time": "07:45"}, "bot": {"timezone": "Asia/Bangkok"}})
    scheduler = build_scheduler(config, engine, lambda: datetime.now(timezone.utc), notifier_for=notifier_for,
                                on_messages=lambda: None)
    job = next(j for j in scheduler.get_jobs() if j.id == "complaint_digest")
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"]) == ("7", "45")
    assert str(job.trigger.timezone) == "Asia/Bangkok"
