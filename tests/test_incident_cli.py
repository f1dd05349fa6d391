"""`kambot incident open/update/restore` (issue 16): refusals name what is wrong; a second open is the same incident."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import make_engine, session_scope
from storage.models import Contact, OutboxMessage, Ticket
from storage.roster import account_by_code

NOW = datetime(2026, 11, 28, 7, 0, tzinfo=timezone.utc)  # Saturday 14:00 in Bangkok: outages never wait
STAFF = "staff_code,name,role,office\nK001,สมชาย ใจดี,kamr,PEA-N1\n"
ACCOUNTS = """account_code,name,tier,office,kamr,sites
A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1@BPA-03;โรงงาน 2@BPA-07
A200,โรงพยาบาลเมือง,status,PEA-N1,K001,อาคาร A@BPA-03
"""


@pytest.fixture
def cli(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    monkeypatch.setattr("bot.clock.utcnow", lambda: NOW)
    db = tmp_path / "kambot.sqlite3"
    cfg = tmp_path / "kambot.toml"
    cfg.write_text(f'[database]\nurl = "sqlite:///{db}"\n', encoding="utf-8")
    runner = CliRunner()

    def kambot(*args: str):
        return runner.invoke(main, [*args, "--config", str(cfg)], catch_exceptions=False)

    assert kambot("init-db").exit_code == 0
    for name, text in (("staff", STAFF), ("accounts", ACCOUNTS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
        assert kambot("import", name, str(tmp_path / f"{name}.csv")).exit_code == 0
    engine = make_engine(f"sqlite:///{db}")
    with session_scope(engine) as session:
        for code, user in (("A100", "Ua1"), ("A100", "Ua2"), ("A200", "Uh1")):
            session.add(Contact(account_id=account_by_code(session, code).id, line_user_id=user, name=user))
        session.add(Contact(account_id=account_by_code(session, "A200").id, name="not on LINE"))
    kambot.engine = engine
    return kambot


def multicast_rows(engine) -> list[OutboxMessage]:
    with session_scope(engine) as session:
        return list(session.exec(select(OutboxMessage).where(OutboxMessage.kind == "multicast")).all())


def test_open_update_restore_from_the_command_line(cli):
    bad = cli("incident", "open", "--feeder", "BPA-03", "--feeder", "X9")
    assert bad.exit_code != 0 and "unknown feeder X9" in bad.output
    early = cli("incident", "open", "--feeder", "BPA-03", "--since", "2026-11-28 13:00", "--etr", "2026-11-28 12:00")
    assert early.exit_code != 0 and "is before the outage started" in early.output
    typo = cli("incident", "open", "--feeder", "BPA-03", "--etr", "tomorrow")
    assert typo.exit_code != 0 and "'tomorrow' is not a time like" in typo.output
    assert multicast_rows(cli.engine) == []

    opened = cli("incident", "open", "--feeder", "bpa-03", "--cause", "กำลังตรวจสอบ", "--etr", "2026-11-28 16:00")
    assert opened.output.strip() == "INC-69-00001 opened on BPA-03: 2 sites, 3 contacts told"
    again = cli("incident", "open", "--feeder", "BPA-03")
    assert again.output.strip() == "INC-69-00001 is already open on BPA-03: nothing sent again"
    [row] = multicast_rows(cli.engine)
    assert sorted(row.recipients) == ["Ua1", "Ua2", "Uh1"]
    assert "คาดว่าไฟจะมาประมาณ 28 พ.ย. 2569 16:00 น." in row.messages[0]["text"]

    assert cli("incident", "update", "INC-69-00001", "--etr", "2026-11-28 17:30", "--note", "เปลี่ยนหม้อแปลง").output \
        .strip() == "INC-69-00001 updated: 3 contacts told"
    assert cli("incident", "restore", "inc-69-00001").output.strip() == "INC-69-00001 restored: 3 contacts told"
    assert cli("incident", "restore", "INC-69-00001").output.strip() == "INC-69-00001 was restored already"
    rows = multicast_rows(cli.engine)
    assert len(rows) == 3 and "เปลี่ยนหม้อแปลง" in rows[1].messages[0]["text"]
    with session_scope(cli.engine) as session:
        assert {t.status for t in session.exec(select(Ticket))} == {"resolved"}
    assert "restored" in cli("incident", "list").output
    # The feeder is free again: a new outage on it is a new incident.
    assert cli("incident", "open", "--feeder", "BPA-03").output.startswith("INC-69-00002 opened")


def test_planned_import_keeps_good_rows_and_names_the_bad(cli, tmp_path):
    plan = tmp_path / "plan.csv"
    plan.write_text("reference,starts,ends,feeders,sites,ca_numbers,reason,contact_person\n"
                    "PM-1,2026-12-02 08:00,2026-12-02 12:00,BPA-03,,,ตัดต้นไม้,คุณวิชัย\n"
                    "PM-2,2026-11-27 08:00,2026-11-27 12:00,BPA-03,,,,\n"
                    "PM-3,2026-12-02 08:00,2026-12-02 12:00,BPA-99,,,,\n", encoding="utf-8")
    result = cli("planned", "import", str(plan))
    assert result.exit_code == 0
    assert "row 3, column starts: 2026-11-27 08:00 is in the past" in result.output
    assert "row 4, column feeders: unknown feeder BPA-99 (no site is on it)" in result.output
    assert result.output.strip().endswith("planned outages: 1 added, 0 updated, 2 rows refused")
    listed = cli("planned", "list").output
    assert listed.startswith("PM-1  planned") and "0/3 acknowledged" in listed
    bad_header = tmp_path / "bad.csv"
    bad_header.write_text("ref,starts,ends\n", encoding="utf-8")
    refused = cli("planned", "import", str(bad_header))
    assert refused.exit_code != 0 and "missing column(s): reference" in refused.output


def test_opening_an_incident_from_the_command_line_does_not_load_the_line_sdk(cli, tmp_path):
    """An operator's command only queues the notices: loading the LINE SDK cost it 2 s of CPU, at the
    moment (a storm) when the worker needs the machine most."""
    import subprocess
    import sys

    from procs import ROOT

    probe = ("import sys; from bot.cli import main; "
             "main(['incident', 'open', '--feeder', 'BPA-03', '--config', sys.argv[1]], standalone_mode=False); "
             "print('sdk loaded' if 'linebot.v3.messaging' in sys.modules else 'sdk not loaded')")
    ran = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "kambot.toml")], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    assert "opened on BPA-03" in ran.stdout and ran.stdout.strip().endswith("sdk not loaded")
    assert [len(row.recipients) for row in multicast_rows(cli.engine)] == [3]  # A100 and A200 contacts on LINE
