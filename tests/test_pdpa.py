"""PDPA through the CLI and the signed webhook: people can be removed (and erased on request), a
roster import can mark the departed inactive, and retention purges old bodies and texts; on
SQLite nothing erased is left readable in the database file or its write-ahead log."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.line.notifier import notifier_for
from handlers.texts import t
from jobs.scheduler import build_scheduler
from storage.db import session_scope
from storage.models import Contact, InboxEvent, LinkCode, OutboxMessage, Staff, Ticket

from faults import storage_fails

SECRET = "SECRET-4242-ข้อมูลลับ"


def _cli(bot, tmp_path, *args: str, extra: str = "") -> str:
    path = tmp_path / "cli.toml"
    path.write_text(f'[database]\nurl = "{bot.config.database.url}"\n{extra}', encoding="utf-8")
    result = CliRunner().invoke(main, [*args, "--config", str(path)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _contact(bot, line_user: str) -> Contact:
    with session_scope(bot.engine) as session:
        return session.exec(select(Contact).where(Contact.line_user_id == line_user)).one()


def _send(bot) -> None:
    """The CLI queued its messages at the real time: the sender catches up with it."""
    bot.now = max(bot.now, datetime.now(timezone.utc) + timedelta(seconds=1))
    while bot.sender.send_due():
        pass


def _sqlite_files(bot) -> list[Path]:
    url = bot.config.database.url
    if not url.startswith("sqlite"):
        return []
    database = Path(url.removeprefix("sqlite:///"))
    return [p for p in (database, Path(f"{database}-wal")) if p.exists()]


def _file_complaint(bot, user: str) -> None:
    bot.tap(user, "a=complaint")
    bot.tap(user, "a=complaint.topic&v=power_quality")
    bot.say(user, f"ไฟตกบ่อย โทรหาผมที่ 081-555-0000 {SECRET}")


def test_contact_remove_unlinks_tells_them_and_shows_them_nothing(org, tmp_path):
    bot = org
    contact = _contact(bot, "Ucust2")
    output = _cli(bot, tmp_path, "contact", "remove", f"C{contact.id}")
    assert "removed (their LINE is unlinked and told so)" in output
    _send(bot)
    assert bot.texts_to("Ucust2") == [t("contact_removed", account="บริษัท น้ำตาลไทย จำกัด")]
    bot.say("Ucust2", "สถานะ")
    assert bot.texts_to("Ucust2")[-1] == t("unlinked")
    with session_scope(bot.engine) as session:
        stored = session.get(Contact, contact.id)
    assert (stored.active, stored.line_user_id) == (False, None)
    roster_file = tmp_path / "roster.csv"
    _cli(bot, tmp_path, "roster", "export", str(roster_file))
    assert f"C{contact.id}," not in roster_file.read_text(encoding="utf-8-sig")


def test_contact_remove_with_erase_anonymises_what_they_gave_and_typed(org, tmp_path):
    bot = org
    _file_complaint(bot, "Ucust1")
    contact = _contact(bot, "Ucust1")
    with session_scope(bot.engine) as session:
        stored = session.get(Contact, contact.id)
        stored.name, stored.phone, stored.email = "คุณลับ", "0815550000", "secret@example.com"
        session.add(stored)
    output = _cli(bot, tmp_path, "contact", "remove", f"C{contact.id}", "--erase")
    assert "personal data erased" in output
    with session_scope(bot.engine) as session:
        stored = session.get(Contact, contact.id)
        ticket = session.exec(select(Ticket)).one()
        events = session.exec(select(InboxEvent).where(InboxEvent.user_key == "Ucust1")).all()
        to_them = session.exec(select(OutboxMessage).where(OutboxMessage.to_user == "Ucust1")).all()
        codes = session.exec(select(LinkCode.used_by)).all()
    assert (stored.name, stored.phone, stored.email, stored.line_user_id) == ("", "", "", None)
    assert ticket.description == "" and ticket.status == "open"  # the case stays, the words go
    assert events == []
    assert [(r.status, r.kind) for r in to_them] == [("pending", "message"), ("pending", "unlink_richmenu")]
    assert "Ucust1" not in codes
    _send(bot)
    assert bot.texts_to("Ucust1")[-1].startswith("บัญชี LINE นี้ไม่ได้เชื่อมกับ")


def test_staff_remove_unlinks_revokes_codes_and_warns_about_their_accounts(org, tmp_path):
    bot = org
    _cli(bot, tmp_path, "staff-code", "K001")
    result = CliRunner().invoke(main, ["staff", "remove", "K001", "--config", str(tmp_path / "cli.toml")])
    assert result.exit_code == 0, result.output
    assert "staff K001 removed (LINE unlinked and told)" in result.output
    assert "still the KAMR of A100" in result.output
    with session_scope(bot.engine) as session:
        staff = session.exec(select(Staff).where(Staff.staff_code == "K001")).one()
        unused = session.exec(select(LinkCode).where(LinkCode.kind == "staff", LinkCode.target_id == staff.id,
                                                     LinkCode.used_at.is_(None))).all()
    assert (staff.active, staff.line_user_id) == (False, None)
    assert all(code.expires_at <= datetime.now(timezone.utc) for code in unused)
    _send(bot)
    assert bot.texts_to("Ukamr1")[-1] == t("staff_removed", name="สมชาย ใจดี")
    bot.tap("Ukamr1", "a=mytickets")
    assert bot.texts_to("Ukamr1")[-1] == t("unlinked")


def test_roster_import_can_mark_people_left_out_inactive(org, tmp_path):
    bot = org
    leaving = _contact(bot, "Ucust2")
    roster_file = tmp_path / "roster.csv"
    _cli(bot, tmp_path, "roster", "export", str(roster_file))
    lines = roster_file.read_text(encoding="utf-8-sig").splitlines()
    kept = [line for line in lines if not line.startswith(f"contact,C{leaving.id},")]
    assert len(kept) == len(lines) - 1
    broken = tmp_path / "broken.csv"
    broken.write_text("\n".join(kept + ["contact,,A100,,,,,,,,,,,,,,,"]) + "\n", encoding="utf-8")
    refused = CliRunner().invoke(main, ["roster", "import", str(broken), "--deactivate-missing",
                                        "--config", str(tmp_path / "cli.toml")])
    assert refused.exit_code == 1  # an error row: nobody is taken for departed
    assert _contact(bot, "Ucust2").active
    trimmed = tmp_path / "trimmed.csv"
    trimmed.write_text("\n".join(kept) + "\n", encoding="utf-8")
    output = CliRunner().invoke(main, ["roster", "import", str(trimmed), "--deactivate-missing",
                                       "--config", str(tmp_path / "cli.toml")]).output
    assert f"contact C{leaving.id} of A100 is not in the file: marked inactive" in output
    with session_scope(bot.engine) as session:
        assert session.get(Contact, leaving.id).active is False
        assert session.exec(select(Contact).where(Contact.line_user_id == "Ucust1")).one().active
    _send(bot)
    assert bot.texts_to("Ucust2")[-1] == t("contact_removed", account="บริษัท น้ำตาลไทย จำกัด")


def test_retention_purges_old_bodies_and_nothing_stays_in_the_files(org, tmp_path):
    bot = org
    bot.now = datetime.now(timezone.utc) - timedelta(days=100)
    _file_complaint(bot, "Ucust1")
    with storage_fails(bot.engine, "INSERT INTO outboxmessage", kind="ProgrammingError"):
        bot.say("Ucust2", f"ไฟดับ {SECRET}")  # a failed event keeps its body
        for _ in range(3):
            bot.advance(hours=1)
            bot.drain()
    with session_scope(bot.engine) as session:
        assert session.exec(select(InboxEvent).where(InboxEvent.status == "failed")).first().payload
    if _sqlite_files(bot):  # it is there to be erased
        assert b"SECRET-4242" in b"".join(path.read_bytes() for path in _sqlite_files(bot))
    output = _cli(bot, tmp_path, "purge", extra="[retention]\nmessage_days = 30\nrecord_text_days = 30\n")
    assert "messages" in output and "webhook events" in output
    month_ago = datetime.now(timezone.utc) - timedelta(days=30)
    with session_scope(bot.engine) as session:
        assert session.exec(select(OutboxMessage).where(OutboxMessage.created_at < month_ago)).all() == []
        assert session.exec(select(InboxEvent).where(InboxEvent.status == "failed")).all() == []
        assert session.exec(select(Ticket)).one().description == ""
        assert session.exec(select(OutboxMessage)).all()  # the fixture's recent ones stay
    for path in _sqlite_files(bot):
        assert b"SECRET-4242" not in path.read_bytes(), path.name  # JSON keeps the Thai part escaped


def test_the_scheduler_runs_the_retention_purge_daily(config, engine):
    scheduler = build_scheduler(config, engine, lambda: datetime.now(timezone.utc), notifier_for=notifier_for,
                                on_messages=lambda: None)
    job = scheduler.get_job("retention_purge")
    assert job is not None and str(job.trigger).startswith("cron[hour='3'")
