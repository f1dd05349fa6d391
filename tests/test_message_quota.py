"""LINE's monthly message allowance (issue 18, item 6) through the real SDK and the stand-in's quota:
the daily check warns the administrators once per threshold a month, routine pushes (a digest) wait
in the outbox close to the limit while an outage card still goes, and `kambot outbox` shows both."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.config import ConfigError, parse_config
from bot.line.notifier import LineNotifier
from bot.line.quota_check import check_message_quota
from handlers.messages import Message
from jobs.complaint_digest import send_complaint_digests
from line_wire import SECRET, TOKEN
from scheduling import scheduled_jobs
from storage import roster, tickets
from storage.db import session_scope
from storage.models import OutboxMessage, Ticket
from storage.outbox import claim_due, enqueue


def _with_admins(config, *codes):
    return config.model_copy(update={"line": config.line.model_copy(update={"administrators": list(codes)})})


def _pushes(bot, count: int) -> None:
    """`count` ordinary pushes to K002 through the outbox and the sender, as jobs and dialogs make them."""
    with session_scope(bot.engine) as session:
        kamr = roster.staff_by_code(session, "K002")
        notifier = LineNotifier(session, now=bot.now)
        for n in range(count):
            notifier.push(kamr, [Message(text=f"แจ้งเตือน {n}")])
    bot.drain()


def _card_text(message: dict) -> list[str]:
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def _overdue_complaint(bot) -> None:
    with session_scope(bot.engine) as session:
        account = roster.account_by_code(session, "A100")
        tickets.create(session, Ticket(kind="complaint", account_id=account.id, category="billing",
                                       description="ค่าไฟสูงผิดปกติ", status="open", created_at=bot.now,
                                       due_date=date(2026, 11, 23)))


def _report_outage(bot) -> None:
    bot.tap("Ucust1", "a=outage")
    bot.tap("Ucust1", bot.last_to("Ucust1")["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    bot.say("Ucust1", "09:40")


def _outbox(tmp_path, bot) -> str:
    path = tmp_path / "kambot.toml"
    path.write_text(f'[line]\nchannel_secret = "{SECRET}"\nchannel_access_token = "{TOKEN}"\n'
                    f'api_host = "{bot.line.url}"\n[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["--config", str(path), "outbox"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_warned_at_80_and_95_percent_once_then_the_digest_waits_and_the_outage_goes(org, tmp_path, time_machine):
    bot = org  # Monday 23 Nov 2026, 10:00 Bangkok
    time_machine.move_to(bot.now, tick=False)  # `kambot outbox` reads the month from the real clock
    config = _with_admins(bot.config, "Z001")
    bot.line.quota_type, bot.line.quota_value = "limited", 40

    def check() -> bool:  # the daily job, then the sender it wakes
        warned = check_message_quota(bot.engine, config, lambda: bot.now)
        bot.drain()
        return warned

    _pushes(bot, 31)
    assert check() is False  # 31 of 40: below 80 %
    assert bot.line.messages_to("Uzone") == []

    _pushes(bot, 1)
    assert check() is True
    [warning] = bot.line.messages_to("Uzone")
    assert warning["altText"].startswith("⚠️ โควตาข้อความ LINE ใช้ไปแล้ว 80%\n")
    assert _card_text(warning) == [
        "⚠️ โควตาข้อความ LINE ใช้ไปแล้ว 80%",
        "ใช้ไป 32 / 40 ข้อความเดือนนี้ (80%)",
        "เมื่อถึง 95% ข้อความที่ไม่เร่งด่วน (สรุปงาน การเตือน คำขอให้คะแนน) จะรอส่งจนถึงเดือนหน้าหรือจนกว่าจะเพิ่มโควตา "
        "เรื่องไฟฟ้าขัดข้องยังส่งตามปกติ"]
    assert [b["action"]["label"] for b in warning["contents"]["footer"]["contents"]] == ["งานของฉัน"]
    assert check() is False  # the next day's check, or a second scheduler: warned once
    assert len(bot.line.messages_to("Uzone")) == 1

    _pushes(bot, 5)  # 33 (the warning) + 5 = 38 of 40
    assert check() is True
    held_warning = bot.line.messages_to("Uzone")[-1]
    assert _card_text(held_warning)[:2] == ["⚠️ โควตาข้อความ LINE ใช้ไปแล้ว 95%", "ใช้ไป 38 / 40 ข้อความเดือนนี้ (95%)"]
    assert _card_text(held_warning)[2].startswith("ข้อความที่ไม่เร่งด่วน (สรุปงาน การเตือน คำขอให้คะแนน) รอส่ง")

    # The morning digest is queued but held; the customer's outage report still reaches the KAMR.
    _overdue_complaint(bot)
    assert bot.run_job(send_complaint_digests) == 1
    _report_outage(bot)
    [card] = bot.line.messages_to("Ukamr1")
    assert card["altText"].startswith("⚡ แจ้งไฟดับ OUT-69-")
    assert bot.line.total_usage == 40
    with session_scope(bot.engine) as session:
        [digest] = session.exec(select(OutboxMessage).where(OutboxMessage.status == "pending")).all()
    assert (digest.priority, digest.to_user, digest.attempts) == ("routine", "Ukamr1", 0)

    shown = _outbox(tmp_path, bot)
    assert "LINE messages this month: 40 / 40 (100%)" in shown
    assert "held for quota: 1 routine messages (digests, reminders, reviews, rating requests) wait until next " \
           "month or a larger quota ([line] quota_hold_percent = 95)" in shown

    # December: LINE's count starts again, and the digest goes without waiting for the next check.
    bot.now += timedelta(days=8)
    bot.line.reset()
    bot.line.quota_type, bot.line.quota_value = "limited", 40
    bot.drain()
    [digest_card] = bot.line.messages_to("Ukamr1")
    assert digest_card["altText"].startswith("📋 เรื่องร้องเรียนที่ต้องตอบ")


def test_a_persons_urgent_message_goes_past_their_held_routine_one(engine):
    now = datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)
    with session_scope(engine) as session:
        [routine] = enqueue(session, to_user="U1", chunks=[[{"text": "digest"}]], now=now, priority="routine")
        [urgent] = enqueue(session, to_user="U1", chunks=[[{"text": "outage"}]], now=now)
    with session_scope(engine) as session:
        held = claim_due(session, now=now, lease=timedelta(seconds=30), hold_routine=True)
        assert [row.id for row in held] == [urgent]
    with session_scope(engine) as session:  # not holding: the person's oldest first, as always
        later = now + timedelta(minutes=1)
        assert [row.id for row in claim_due(session, now=later, lease=timedelta(seconds=30))] == [routine]


def test_no_limit_never_warns_or_holds(org):
    bot = org
    bot.line.quota_type = "none"
    _pushes(bot, 3)
    assert check_message_quota(bot.engine, _with_admins(bot.config, "Z001"), lambda: bot.now) is False
    assert bot.line.messages_to("Uzone") == []


def test_the_check_runs_daily_at_the_configured_time_only_with_line_credentials(engine):
    assert "message quota check" not in scheduled_jobs(engine, {})  # no LINE yet: nothing to ask
    job = scheduled_jobs(engine, {"line": {"channel_secret": "s", "channel_access_token": "t",
                                           "quota_check_time": "06:30"}})["message quota check"]
    fields = {f.name: str(f) for f in job.trigger.fields}
    assert (fields["hour"], fields["minute"], str(job.trigger.timezone)) == ("6", "30", "Asia/Bangkok")


def test_quota_keys_are_checked_naming_the_key():
    with pytest.raises(ConfigError, match="line.quota_warn_percents"):
        parse_config({"line": {"quota_warn_percents": [80, 120]}})
    with pytest.raises(ConfigError, match="line.quota_check_time"):
        parse_config({"line": {"quota_check_time": "7:45pm"}})
    with pytest.raises(ConfigError, match="line.quota_hold_percent"):
        parse_config({"line": {"quota_hold_percent": 0}})
