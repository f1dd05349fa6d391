"""`kambot demo`: the demo organisation, made by the roster import and repositories, and who is who."""
from collections import Counter
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.config import Config
from bot.demo.organisation import DemoExists, create_demo, demo_user_id, erase_everything, find_person, is_demo_database
from handlers.rules.roles import BACKUP, person_for
from handlers.rules.statuses import OPEN_STATUSES
from storage import roster, tickets
from storage.db import make_engine, session_scope
from storage.models import Account, Contact, Rating, Site, Staff, Ticket, Visit


@pytest.fixture
def cfg(tmp_path, monkeypatch):
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    path = tmp_path / "kambot.toml"
    path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "demo.sqlite3"}"\n', encoding="utf-8")
    return path


def kambot(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_demo_prints_who_is_who_and_refuses_to_run_twice_unless_reset(cfg, tmp_path):
    first = kambot("demo", "--config", str(cfg))
    assert first.exit_code == 0, first.output
    lines = first.stdout.splitlines()
    assert lines[0].split()[:2] == ["--as", "ชื่อ"]
    k001 = next(line for line in lines if line.startswith("K001"))
    assert "สมชาย ใจดี" in k001 and "KAMR" in k001 and "PEA-CM" in k001
    contact = next(line for line in lines if line.startswith("A101-1"))
    assert "วิภา สุขใจ" in contact and "บริษัท น้ำตาลไทย จำกัด (strategic)" in contact
    assert "kambot chat --as K001" in first.stdout

    again = kambot("demo", "--config", str(cfg))
    assert again.exit_code == 1
    assert "already has 11 staff and 12 accounts" in again.stderr
    assert "kambot demo --reset" in again.stderr

    reset = kambot("demo", "--reset", "--config", str(cfg))
    assert reset.exit_code == 0, reset.output
    assert "erased everything" in reset.stdout
    engine = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    with session_scope(engine) as session:
        assert len(session.exec(select(Account)).all()) == 12  # not 24: the first demo is gone
        assert len(session.exec(select(Ticket)).all()) == 5
    engine.dispose()

    who = kambot("demo", "who", "--config", str(cfg))
    assert who.exit_code == 0
    assert who.stdout == first.stdout.split("\n\n")[0] + "\n"


def test_demo_organisation(engine):
    with session_scope(engine) as session:
        people = create_demo(session, Config(), now=_now())
    with session_scope(engine) as session:
        staff = session.exec(select(Staff)).all()
        roles = Counter(s.role for s in staff)
        assert {"office_manager", "zone_director", "deputy_governor"} <= set(roles) and roles["kamr"] == 4
        kamrs = [s for s in staff if s.role == "kamr"]
        assert all(s.backup_code and s.supervisor_code and s.line_user_id for s in kamrs)
        assert person_for(session, roster.staff_by_code(session, "K001"), BACKUP).staff_code == "Z001"
        assert {s.office for s in staff} == {"PEA-HQ", "PEA-N1", "PEA-CM", "PEA-LP"}

        accounts = session.exec(select(Account)).all()
        assert len(accounts) == 12 and {a.tier for a in accounts} == {"strategic", "star", "status", "streamline"}
        assert max(len(roster.sites_of(session, a.id)) for a in accounts) == 3
        assert len(session.exec(select(Site)).all()) >= 15
        contacts = session.exec(select(Contact)).all()
        assert len(contacts) == 14 and all(c.line_user_id and c.linked_at for c in contacts)

        k001 = roster.staff_by_code(session, "K001")
        mine = [t.kind for t, _ in tickets.open_for_staff(session, k001.id)]
        assert mine == ["outage", "service"]
        open_kinds = Counter(t.kind for t in session.exec(select(Ticket)).all() if t.status in OPEN_STATUSES)
        assert open_kinds == {"outage": 2, "complaint": 2, "service": 1}
        assert all(t.due_date for t in session.exec(select(Ticket).where(Ticket.kind == "complaint")).all())

        visits = session.exec(select(Visit)).all()
        assert Counter(v.status for v in visits) == {"done": 11, "planned": 1}
        assert all(v.reported_at for v in visits if v.status == "done")
        assert len(session.exec(select(Rating).where(Rating.subject_kind == "visit")).all()) == 8

        # `--as` keys: a staff code, a contact key, or an account code meaning its first contact.
        assert find_person(session, "k001").line_user_id == demo_user_id("K001") == k001.line_user_id
        assert find_person(session, "A101").key == "A101-1"
        assert find_person(session, "A101-2").name == "เอกชัย ดีมาก (หัวหน้ากะ)"
        assert find_person(session, "A999") is None
    assert len(people) == 11 + 14

    with session_scope(engine) as session, pytest.raises(DemoExists):
        create_demo(session, Config(), now=_now())
    with session_scope(engine) as session:  # what --reset does
        erase_everything(session)
        assert not is_demo_database(session)
        create_demo(session, Config(), now=_now())
    with session_scope(engine) as session:
        assert is_demo_database(session) and len(session.exec(select(Contact)).all()) == 14


def _now():
    return datetime(2026, 11, 23, 3, 0, tzinfo=timezone.utc)  # Monday 10:00 in Bangkok


def test_demo_serve_refuses_a_database_not_made_by_kambot_demo(cfg):
    assert kambot("init-db", "--config", str(cfg)).exit_code == 0
    result = kambot("demo", "serve", "--port", "0", "--config", str(cfg))
    assert result.exit_code == 1
    assert "was not made by `kambot demo`" in result.stderr
