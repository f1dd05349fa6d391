"""Issue 15 item 5 "shown in the reports": `kambot report quarter` counts service requests and relayed
messages against their first-answer clock ([first_answer]: 8 and 4 office hours, 08:30-16:30 on Thai
working days), every figure worked out by hand below."""
from __future__ import annotations

import csv
from datetime import datetime, timedelta, timezone

import time_machine
from click.testing import CliRunner

from bot.cli import main
from handlers.thai_dates import BANGKOK
from storage.db import make_engine, session_scope
from storage.models import Account, Staff, Ticket

ACCOUNTS = [("A1", "PEA-N1"), ("A2", "PEA-N1"), ("A6", "PEA-S1"), ("A7", "PEA-S1")]
TICKETS = [  # number, kind, account, created (Bangkok), first answer (Bangkok) or None, escalated
    # due Tue 09:00 (7.5 h Monday, half an hour Tuesday); answered after 6 h: in time
    ("SRV-1", "service", "A1", "2026-08-03 09:00", "2026-08-03 15:00", False),
    # due Mon 16:00 (half an hour Friday, 7.5 h Monday); answered Tuesday after 89 h: late
    ("SRV-2", "service", "A2", "2026-08-07 16:00", "2026-08-11 09:00", True),
    # never answered: overdue by the report's day
    ("SRV-3", "service", "A6", "2026-09-01 10:00", None, False),
    # sent on the evening of Mother's Day (a holiday): due Thursday 12:30; answered 11:00 after 15 h: in time
    ("MSG-1", "message", "A1", "2026-08-12 20:00", "2026-08-13 11:00", False),
    # due 13:00; answered 14:00 after 5 h: late
    ("MSG-2", "message", "A6", "2026-09-10 09:00", "2026-09-10 14:00", True),
    # sent on the quarter's last afternoon, due the next quarter's first day at 12:00; never answered
    ("MSG-3", "message", "A7", "2026-09-30 16:00", None, False),
]


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BANGKOK).astimezone(timezone.utc)


def _generate(url: str) -> None:
    engine = make_engine(url)
    with session_scope(engine) as session:
        kamr = Staff(staff_code="K001", name="คุณ K001", role="kamr", office="PEA-N1")
        session.add(kamr)
        session.flush()
        accounts = {code: Account(account_code=code, name=f"บริษัท {code}", tier="star", office=office, kamr_id=kamr.id)
                    for code, office in ACCOUNTS}
        session.add_all(accounts.values())
        session.flush()
        for number, kind, account, created, answered, escalated in TICKETS:
            start = _utc(created)
            session.add(Ticket(number=number, kind=kind, account_id=accounts[account].id, created_at=start,
                               status="open" if answered is None else ("scheduled" if kind == "service" else "closed"),
                               acknowledged_at=_utc(answered) if answered else None,
                               escalated_at=start + timedelta(hours=1) if escalated else None))
    engine.dispose()


def _database_with_the_quarter(tmp_path):
    """A migrated SQLite database holding TICKETS, and the config naming it and the report folder."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n[reports]\noutput_dir = "{tmp_path / "out"}"\n', encoding="utf-8")
    assert CliRunner().invoke(main, ["init-db", "--config", str(config)]).exit_code == 0
    _generate(url)
    return config


def _rows(folder) -> list[list[str]]:
    with open(folder / "first_answers.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_the_quarter_report_shows_first_answers_of_services_and_messages(tmp_path):
    runner, config = CliRunner(), _database_with_the_quarter(tmp_path)
    with time_machine.travel(_utc("2026-10-26 10:00"), tick=False):
        result = runner.invoke(main, ["report", "quarter", "2026Q3", "--config", str(config)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "2026Q3"
    rows = _rows(folder)
    assert rows == [
        ["kind", "label", "office", "received", "answered_in_time", "answered_late", "overdue_unanswered", "escalated",
         "first_answer_hours_median"],
        ["service", "ขอรับบริการ", "PEA-N1", "2", "1", "1", "0", "1", "47.5"],
        ["service", "ขอรับบริการ", "PEA-S1", "1", "0", "0", "1", "0", ""],
        ["service", "ขอรับบริการ", "ทั้งองค์กร", "3", "1", "1", "1", "1", "47.5"],
        ["message", "ข้อความถึง KAMR", "PEA-N1", "1", "1", "0", "0", "0", "15.0"],
        ["message", "ข้อความถึง KAMR", "PEA-S1", "2", "0", "1", "1", "1", "5.0"],
        ["message", "ข้อความถึง KAMR", "ทั้งองค์กร", "3", "1", "1", "1", "1", "10.0"],
    ]
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "เวลาตอบครั้งแรก: ภายในชั่วโมงทำการ (ขอรับบริการ 8 ชม., ข้อความถึง KAMR 4 ชม.)" in html
    assert "มัธยฐานเวลาตอบ (ชม.)" in html


def test_a_message_not_yet_due_is_not_overdue(tmp_path):
    """On the quarter's last evening MSG-3 (due 1 October 12:00) is still within its clock."""
    runner, config = CliRunner(), _database_with_the_quarter(tmp_path)
    with time_machine.travel(_utc("2026-10-01 11:59"), tick=False):
        assert runner.invoke(main, ["report", "quarter", "2026Q3", "--config", str(config)]).exit_code == 0
    rows = {(row[0], row[2]): row for row in _rows(tmp_path / "out" / "2026Q3")}
    assert rows[("message", "PEA-S1")][3:7] == ["2", "0", "1", "0"]
    assert rows[("service", "PEA-S1")][6] == "1"  # SRV-3 was due on 2 September
