"""Issue 17 item 7: the key account plan (CRM-KAM-002) imported and exported as CSV, visits and free
services matched to its activities, and "% of plan achieved" per KAMR and office in the report."""
from __future__ import annotations

import csv
from datetime import date, datetime, timezone

import pytest
import time_machine
from click.testing import CliRunner

from bot.cli import main
from handlers.reporting.build import build_report, load
from handlers.reporting.period import parse_period
from bot.config import load_config
from storage import roster
from storage.db import make_engine, session_scope
from storage.models import Ticket, Visit

STAFF = "staff_code,name,role,office\nK001,สมชาย ใจดี,kamr,PEA-N1\nK002,สมหญิง รักงาน,kamr,PEA-N1\n"
ACCOUNTS = ("account_code,name,tier,office,kamr\nA100,น้ำตาลไทย,strategic,PEA-N1,K001\n"
            "A101,เหล็กสยาม,star,PEA-N1,K001\nA200,โรงพยาบาลเมือง,status,PEA-N1,K002\n")
PLAN = """account_code,year,quarter,activity,benefit,target,note
A100,2026,3,visit,รักษาฐานลูกค้า,เยี่ยมผู้บริหาร,
A100,2026,3,fms2,ลดค่า demand,ลด 5%,
A101,2026,3,visit,,,
A200,2026,3,visit,,,
A200,2026,4,visit,,,
A100,2026,,FMS3,ประหยัดพลังงาน,,ทั้งปี
A999,2026,3,visit,,,
A100,26,3,visit,,,
A100,2026,5,visit,,,
A100,2026,3,seminar,,,
"""


@pytest.fixture
def setup(tmp_path):
    config_path = tmp_path / "kambot.toml"
    config_path.write_text(f'[database]\nurl = "sqlite:///{tmp_path / "db.sqlite3"}"\n', encoding="utf-8")
    runner = CliRunner()

    def kambot(*args):
        return runner.invoke(main, [*args, "--config", str(config_path)])

    assert kambot("init-db").exit_code == 0
    for kind, text in (("staff", STAFF), ("accounts", ACCOUNTS)):
        (tmp_path / f"{kind}.csv").write_text(text, encoding="utf-8")
        assert kambot("import", kind, str(tmp_path / f"{kind}.csv")).exit_code == 0
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    with session_scope(engine) as session:
        k001 = roster.staff_by_code(session, "K001")
        a100, a200 = roster.account_by_code(session, "A100"), roster.account_by_code(session, "A200")
        moment = datetime(2026, 8, 10, 3, tzinfo=timezone.utc)
        session.add(Visit(account_id=a100.id, staff_id=k001.id, visit_date=date(2026, 8, 10), status="done",
                          created_at=moment, reported_at=moment))
        session.add(Visit(account_id=a200.id, staff_id=k001.id, visit_date=date(2026, 8, 11), status="planned",
                          created_at=moment))  # planned only: not done
        session.add(Ticket(number="SRV-1", kind="service", category="FMS2", account_id=a100.id, status="resolved",
                           created_at=moment, resolved_at=datetime(2026, 10, 2, 3, tzinfo=timezone.utc)))  # Q4
    yield tmp_path, kambot, engine
    engine.dispose()


def test_plan_import_keeps_good_rows_and_names_each_bad_one(setup):
    tmp_path, kambot, _ = setup
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    result = kambot("plan", "import", str(tmp_path / "plan.csv"))
    assert result.exit_code == 1
    assert "6 created, 0 updated, 4 rows with errors" in result.stdout
    assert "row 8, column account_code: 'A999' is not an account in the roster" in result.stderr
    assert "row 9, column year: '26' is not a year like 2026" in result.stderr
    assert "row 10, column quarter: '5' is not 1-4" in result.stderr
    assert "row 11, column activity: 'seminar' is not one of FMS2, FMS3, MAINT, PQ, THERMO, visit" in result.stderr
    again = kambot("plan", "import", str(tmp_path / "plan.csv"))
    assert "0 created, 6 updated, 4 rows with errors" in again.stdout


def test_plan_achieved_per_kamr_and_office_divides_by_what_was_due(setup):
    tmp_path, kambot, engine = setup
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    kambot("plan", "import", str(tmp_path / "plan.csv"))
    config = load_config(tmp_path / "kambot.toml")
    period = parse_period("2026Q3", config.quotas)
    now = datetime(2026, 10, 26, 3, tzinfo=timezone.utc)
    with session_scope(engine) as session:
        report = build_report(load(session, period, config.quotas, now=now), period, config.reports, now=now)
    assert report.table("plan_achievement").rows == [
        # K001: A100's Q3 visit done; its FMS2 came on 2 Oct, after Q3; A101 not visited. The year-long FMS3
        # and A200's Q4 visit are not due yet.
        ["PEA-N1", "K001", "สมชาย ใจดี", 3, 1, 33.3],
        ["PEA-N1", "K002", "สมหญิง รักงาน", 1, 0, 0.0],  # a planned visit is not a visit
        ["PEA-N1", "", "รวม", 4, 1, 25.0],
    ]
    mid = datetime(2026, 9, 1, 3, tzinfo=timezone.utc)  # in the quarter: only what is already done is due
    with session_scope(engine) as session:
        early = build_report(load(session, period, config.quotas, now=mid), period, config.reports, now=mid)
    assert early.table("plan_achievement").rows == [["PEA-N1", "K001", "สมชาย ใจดี", 1, 1, 100.0],
                                                    ["PEA-N1", "", "รวม", 1, 1, 100.0]]


def test_plan_export_round_trips_with_achieved(setup):
    tmp_path, kambot, _ = setup
    (tmp_path / "plan.csv").write_text(PLAN, encoding="utf-8")
    kambot("plan", "import", str(tmp_path / "plan.csv"))
    out = tmp_path / "exported.csv"
    with time_machine.travel(datetime(2027, 1, 15, 3, tzinfo=timezone.utc), tick=False):  # the year is over
        result = kambot("plan", "export", str(out), "--year", "2026")
    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["account_code", "year", "quarter", "activity", "benefit", "target", "note", "achieved"]
    assert rows[1:3] == [["A100", "2026", "", "FMS3", "ประหยัดพลังงาน", "", "ทั้งปี", "no"],
                         ["A100", "2026", "3", "FMS2", "ลดค่า demand", "ลด 5%", "", "no"]]
    assert ["A100", "2026", "3", "visit", "รักษาฐานลูกค้า", "เยี่ยมผู้บริหาร", "", "yes"] in rows
    reimport = kambot("plan", "import", str(out))
    assert reimport.exit_code == 0 and "0 created, 6 updated, 0 rows with errors" in reimport.stdout
