"""Issue 17 item 1: the visit quotas as the manuals mean them (002 §3.1.1–3.1.2; 000 plan 8 item 03;
001 §4.15.5), each bullet of the issue reproduced with a frozen clock."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.config import QuotasConfig
from handlers.rules import quotas
from storage import roster
from storage.db import session_scope
from storage.models import Visit

from cli_world import frozen_kambot, import_roster

STAFF = """staff_code,name,role,office,backup,supervisor
D001,ประเสริฐ รองผู้ว่า,deputy_governor,HQ,,
Z100,สุรชัย ผู้อำนวยการเขต,zone_director,PEA-N1,,D001
M101,มาลี ผู้จัดการ,office_manager,PEA-CM,,Z100
M201,ชัยวัฒน์ ผู้จัดการ,office_manager,PEA-LP,,Z100
S101,อรุณ อาวุโส,senior_kamr,PEA-CM,,M101
S201,นภา อาวุโส,senior_kamr,PEA-LP,,M201
Z001,วีระ ประจำเขต,zone_kamr,PEA-CM,,M101
H201,หัวหน้า แผนก,dept_head,PEA-LP,,M201
K003,ธนา มีสุข,kamr,PEA-LP,,S201
"""
ACCOUNTS = """account_code,name,tier,office,kamr,sites
A201,ลำพูนอิเล็กทรอนิกส์,strategic,PEA-LP,K003,
A202,หริภุญชัย สิ่งทอ,star,PEA-LP,K003,
A203,โรงพยาบาลลำพูน,status,PEA-LP,K003,
A204,ลำไยทอง,streamline,PEA-LP,H201,
A205,สหกรณ์โคนม,streamline,PEA-LP,K003,
A206,ห้องเย็นป่าซาง,streamline,PEA-LP,,
"""
DEC_1 = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 in Bangkok, 2026Q4; Q1–Q3 closed


@pytest.fixture
def world(engine, tmp_path, monkeypatch):
    import_roster(engine, STAFF, ACCOUNTS)
    return engine, frozen_kambot(engine, tmp_path, monkeypatch, DEC_1)


def _visit(session, staff_code, account_code, day, *, for_code=None):
    session.add(Visit(account_id=roster.account_by_code(session, account_code).id,
                      staff_id=roster.staff_by_code(session, staff_code).id, visit_date=day, status="done",
                      mode="on_site", created_at=DEC_1, reported_at=DEC_1,
                      on_behalf_of_id=roster.staff_by_code(session, for_code).id if for_code else None))


def test_the_annual_floor_cannot_be_emptied_on_1_december(world):
    engine, kambot = world
    # The reproduction: accepted before, the manager had done nothing all year.
    refused = kambot("quota", "plan", "M201", "2026", "24,0,0,0", "--by", "M201")
    assert refused.exit_code == 1
    assert ("M201 may not move M201's targets: only their own supervisor does (002 §3.1.2(3)); "
            "ask Z100 สุรชัย ผู้อำนวยการเขต") in refused.output
    for other in ("S101", "Z001", "S201", "D001"):  # another office's senior KAMR, a zone KAMR, the office's own
        assert "only their own supervisor does" in kambot("quota", "plan", "M201", "2026", "6,6,6,24",
                                                          "--by", other).output
    closed = kambot("quota", "plan", "M201", "2026", "24,0,0,0", "--by", "Z100")
    assert closed.exit_code == 1
    assert ("2026Q1 closed on 2026-04-08: its target stays 6 (asked 24); closed quarters are history, "
            "nobody may move them") in closed.output
    short = kambot("quota", "plan", "M201", "2026", "6,6,6,6", "--by", "Z100")
    assert ("the year would reach 0 customers done in the closed quarters 2026Q1–2026Q3 + 6 planned for "
            "2026Q4 = 6, below the rule of 24 for office_manager (002 §3.1.2(3)); plan at least 24 for 2026Q4"
            ) in short.output
    with session_scope(engine) as session:
        _visit(session, "M201", "A201", date(2026, 2, 3))
        _visit(session, "M201", "A202", date(2026, 5, 3))
    still_short = kambot("quota", "plan", "M201", "2026", "6,6,6,21", "--by", "Z100")
    assert "2 customers done in the closed quarters 2026Q1–2026Q3 + 21 planned for 2026Q4 = 23" in still_short.output
    accepted = kambot("quota", "plan", "M201", "2026", "6,6,6,22", "--by", "Z100")
    assert accepted.exit_code == 0, accepted.output
    shown = kambot("quota", "show", "--quarter", "2026Q4")
    assert ("M201     office_manager     0/22  6 not visited  year 2 done + 22 to come, rule 24"
            in shown.output), shown.output


def test_an_unplanned_year_shows_the_shortfall_and_is_not_met(world):
    engine, kambot = world
    shown = kambot("quota", "show", "--quarter", "2026Q4")
    # M201 did nothing all year: Q4 alone cannot reach 24, and nothing says "ok".
    assert ("M201     office_manager     0/6   6 not visited, year short by 18  year 0 done + 6 to come, rule 24"
            in shown.output), shown.output


def test_managers_are_credited_with_distinct_customers_and_representatives_only_where_the_rule_names_them(world):
    engine, kambot = world
    with session_scope(engine) as session:
        for day in range(2, 8):  # six calls to one customer ...
            _visit(session, "M201", "A201", date(2026, 11, day))
        _visit(session, "M201", "A202", date(2026, 11, 9))  # ... plus one elsewhere
        # A named representative's (ผู้แทน) visit counts for the person whose quota it is (domain.md).
        _visit(session, "S201", "A203", date(2026, 11, 10), for_code="M201")
        _visit(session, "S201", "A203", date(2026, 11, 10), for_code="Z100")
        _visit(session, "S201", "A201", date(2026, 11, 11), for_code="Z100")
        _visit(session, "S201", "A201", date(2026, 11, 12), for_code="Z100")  # a customer already counted
    with session_scope(engine) as session:
        people = [roster.staff_by_code(session, code).id for code in ("M201", "Z100")]
        mine = quotas.progress(session, QuotasConfig(), quotas.parse_quarter(QuotasConfig(), "2026Q4"), staff_ids=people)
    assert [(p.staff.staff_code, p.done, p.target, p.met) for p in mine] == [
        ("Z100", 2, 3, False), ("M201", 3, 6, False)]  # was 7/6 ok: A201, A202 and the representative's A203
    shown = kambot("quota", "show", "--quarter", "2026Q4").output
    assert "M201     office_manager     3/6" in shown
    assert "Z100     zone_director      2/3" in shown


def test_deputy_governor_quota_is_off_by_default_with_one_switch(world):
    engine, kambot = world
    assert "D001" not in kambot("quota", "show", "--quarter", "2026Q4").output
    refused = kambot("quota", "plan", "D001", "2026", "0,0,0,0", "--by", "D001")
    assert refused.exit_code == 1
    config = QuotasConfig(deputy_governor_quota=True)
    assert (config.quarter_rule("deputy_governor"), config.year_rule("deputy_governor")) == (1, 4)
    assert (QuotasConfig().quarter_rule("deputy_governor"), QuotasConfig().year_rule("deputy_governor")) == (0, 0)
    # Setting only the quarter figure to 0 (the old way) no longer leaves a yearly rule of 4 behind.
    assert QuotasConfig(per_quarter={"office_manager": 6, "deputy_governor": 0}).year_rule("deputy_governor") == 0


def test_department_heads_carry_the_streamline_targets_and_kamrs_holding_them_are_flagged(world):
    engine, kambot = world
    with session_scope(engine) as session:
        _visit(session, "H201", "A204", date(2026, 10, 20))
    shown = kambot("quota", "show", "--quarter", "2026Q4").output
    # A204 (held by the head) and A206 (held by nobody) are the head's; A205 stays with its KAMR K003.
    assert "H201     dept_head          1/2   1 not visited" in shown, shown
    assert "K003     kamr               0/4   4 not visited" in shown
    load = kambot("staff", "load", "--office", "PEA-LP")
    assert load.exit_code == 0, load.output
    assert ("Streamline held by a KAMR (001 §4.15.5: the department head's): K003 ธนา มีสุข holds 1"
            in load.output.splitlines())
    # The senior KAMR without accounts supervises: listed, not flagged LOW.
    assert "PEA-LP\tS201 นภา อาวุโส\t0\t0\t0\t0\t0\t-" in load.output.splitlines()
