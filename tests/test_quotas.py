"""Visit quotas: quarter arithmetic, moved-target plans, the weekly digest, 'my quarter' and the CLI."""
import io
from datetime import date, datetime, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.config import QuotasConfig
from handlers.rules import quotas
from jobs.visit_reminders import send_quota_digests
from storage import roster
from storage.db import session_scope
from storage.models import Account, Rating, Visit
from storage.roster_import import import_accounts, import_staff


# --- quarter arithmetic ----------------------------------------------------------------


@pytest.mark.parametrize("day, label, start, end", [
    (date(2026, 1, 1), "2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 3, 31), "2026Q1", date(2026, 1, 1), date(2026, 3, 31)),
    (date(2026, 4, 1), "2026Q2", date(2026, 4, 1), date(2026, 6, 30)),
    (date(2026, 12, 31), "2026Q4", date(2026, 10, 1), date(2026, 12, 31)),
    (date(2027, 1, 1), "2027Q1", date(2027, 1, 1), date(2027, 3, 31)),
    (date(2028, 2, 29), "2028Q1", date(2028, 1, 1), date(2028, 3, 31)),
])
def test_calendar_year_quarters(day, label, start, end):
    q = quotas.quarter_of(QuotasConfig(), day)
    assert (q.label, q.start, q.end) == (label, start, end)


@pytest.mark.parametrize("day, label, start, end", [
    (date(2026, 9, 30), "2025Q4", date(2026, 7, 1), date(2026, 9, 30)),
    (date(2026, 10, 1), "2026Q1", date(2026, 10, 1), date(2026, 12, 31)),
    (date(2026, 12, 31), "2026Q1", date(2026, 10, 1), date(2026, 12, 31)),
    (date(2027, 1, 1), "2026Q2", date(2027, 1, 1), date(2027, 3, 31)),
    (date(2027, 9, 30), "2026Q4", date(2027, 7, 1), date(2027, 9, 30)),
])
def test_fiscal_year_from_october(day, label, start, end):
    q = quotas.quarter_of(QuotasConfig(year_start_month=10), day)
    assert (q.label, q.start, q.end) == (label, start, end)


def test_parse_quarter():
    config = QuotasConfig()
    assert quotas.parse_quarter(config, "2026q3").start == date(2026, 7, 1)
    with pytest.raises(ValueError, match="2026Q3"):
        quotas.parse_quarter(config, "2026Q5")


def test_plans_keep_the_year_total_at_or_above_the_rule():
    config = QuotasConfig()
    unmoved = [config.per_quarter["office_manager"]] * 4
    assert unmoved == [6, 6, 6, 6]
    quotas.check_plan(config, "office_manager", unmoved)  # the configured default meets the rule
    quotas.check_plan(config, "office_manager", [4, 8, 6, 6])  # moved, total 24: fine
    quotas.check_plan(config, "office_manager", [0, 12, 6, 7])  # more than the rule: fine
    with pytest.raises(quotas.PlanRefused, match="total would be 23, below the rule of 24"):
        quotas.check_plan(config, "office_manager", [4, 7, 6, 6])
    with pytest.raises(quotas.PlanRefused, match="negative"):
        quotas.check_plan(config, "zone_director", [-1, 5, 5, 3])
    with pytest.raises(quotas.PlanRefused, match="KAMRs visit every account"):
        quotas.check_plan(config, "kamr", [1, 1, 1, 1])
    with pytest.raises(quotas.PlanRefused, match="deputy governor's quota is suspended"):
        quotas.check_plan(config, "deputy_governor", [0, 0, 2, 2])  # off by default (002 §3.1.2(1))
    quotas.check_plan(QuotasConfig(deputy_governor_quota=True), "deputy_governor", [0, 0, 2, 2])  # 1 a quarter: 4 a year


# --- a realistic roster -------------------------------------------------------------------

STAFF = """staff_code,name,role,office,backup,supervisor
D001,ประเสริฐ รองผู้ว่า,deputy_governor,HQ,,
Z900,วิไล ผู้อำนวยการเขต,zone_director,ZONE-N,,D001
M001,มานพ ผู้จัดการ,office_manager,PEA-N1,,Z900
M002,มาลี ผู้จัดการ,office_manager,PEA-N2,,Z900
K001,สมชาย ใจดี,kamr,PEA-N1,,M001
K002,สมหญิง รักงาน,kamr,PEA-N1,,M001
K003,สุดา ขยัน,kamr,PEA-N2,,M002
C001,กานดา ประสานงาน,coordinator,PEA-N1,,M001
"""
ACCOUNTS = """account_code,name,tier,office,kamr,sites
A100,น้ำตาลไทย,strategic,PEA-N1,K001,
A101,เหล็กสยาม,star,PEA-N1,K001,
A102,ปูนเหนือ,status,PEA-N1,K001,
A200,โรงพยาบาลเมือง,status,PEA-N1,K002,
B300,ห้างเชียงใหม่,strategic,PEA-N2,K003,
B301,นิคมลำพูน,streamline,PEA-N2,K003,
"""
NOV_30 = datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc)  # Monday 08:00 in Bangkok


@pytest.fixture
def region(bot):
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(STAFF)).errors
        assert not import_accounts(session, io.StringIO(ACCOUNTS)).errors
    for user, code in (("Ud", "D001"), ("Uz", "Z900"), ("Um1", "M001"), ("Uk1", "K001"), ("Uk2", "K002"),
                       ("Uk3", "K003"), ("Uc", "C001")):  # M002 is not on LINE
        bot.link(user, staff=code)
    bot.line.reset()
    return bot


def _visit(session, staff_code, account_code, day, status="done"):
    session.add(Visit(account_id=roster.account_by_code(session, account_code).id,
                      staff_id=roster.staff_by_code(session, staff_code).id, visit_date=day, status=status,
                      mode="phone", created_at=NOV_30))


def _digest(bot, now=NOV_30):
    bot.now = now
    return bot.run_job(send_quota_digests)


def _body(message):
    return [c["text"] for c in message["contents"]["body"]["contents"]]


def test_weekly_digest_contents_and_push_counts(region):
    bot = region
    with session_scope(bot.engine) as session:
        _visit(session, "K001", "A100", date(2026, 10, 5))
        _visit(session, "K001", "A101", date(2026, 11, 2))
        _visit(session, "K001", "A101", date(2026, 9, 30))  # last quarter: does not count
        _visit(session, "K002", "A100", date(2026, 11, 3))  # not K002's own account
        _visit(session, "M001", "A100", date(2026, 10, 20))
        _visit(session, "M001", "A200", date(2026, 11, 10))
        _visit(session, "M001", "A102", date(2026, 12, 15), status="planned")  # a plan is not a visit
        _visit(session, "K003", "B300", date(2026, 10, 8))
        _visit(session, "K003", "B301", date(2026, 10, 9))
    # Five people with a quota on LINE; M002 is not on LINE, the coordinator has no quota and the
    # deputy governor's quota is suspended (002 §3.1.2(1)).
    assert _digest(bot) == 5
    assert _body(bot.last_to("Uk1")) == [
        "📊 การเยี่ยมไตรมาส 4/2569", "เยี่ยมแล้ว 2/3",
        "เหลือ 21 วันทำการ (ถึง 31 ธ.ค. 2569)",  # 30 Nov–31 Dec less weekends, 7 and 10 Dec, 31 Dec
        "ยังไม่ได้เยี่ยม: ปูนเหนือ"]
    assert bot.last_to("Uk1")["contents"]["footer"]["contents"][0]["action"]["data"] == "a=visit"
    assert _body(bot.last_to("Uk2"))[1:] == ["เยี่ยมแล้ว 0/1", "เหลือ 21 วันทำการ (ถึง 31 ธ.ค. 2569)",
                                             "ยังไม่ได้เยี่ยม: โรงพยาบาลเมือง"]
    assert _body(bot.last_to("Uk3"))[1:] == ["เยี่ยมแล้ว 2/2", "ครบตามเป้าแล้ว 👍", "เหลือ 21 วันทำการ (ถึง 31 ธ.ค. 2569)"]
    # The office manager: 2 customers of 6, the year against its rule (nothing in Q1–Q3), and the
    # office's accounts nobody visited yet.
    assert _body(bot.last_to("Um1"))[1:] == ["เยี่ยมแล้ว 2/6", "ทั้งปี: เยี่ยมแล้ว 2 ราย + ตามแผนอีก 4 ราย (เกณฑ์ 24 ราย/ปี)",
                                             "⚠️ ทั้งปียังขาด 18 ราย จากเกณฑ์ 24 ราย",
                                             "เหลือ 21 วันทำการ (ถึง 31 ธ.ค. 2569)", "ยังไม่ได้เยี่ยม: ปูนเหนือ"]
    assert _body(bot.last_to("Uz"))[1] == "เยี่ยมแล้ว 0/3"
    assert bot.line.messages_to("Ud") == []
    assert bot.line.messages_to("Uc") == []
    assert sum(len(bot.line.messages_to(u)) for u in ("Ud", "Uz", "Um1", "Uk1", "Uk2", "Uk3")) == 5

    assert _digest(bot, NOV_30.replace(hour=5)) == 0  # a rerun the same day sends nothing


def test_no_digest_on_a_holiday(region):
    bot = region
    assert _digest(bot, datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)) == 0  # Monday 7 Dec: in lieu of 5 Dec
    assert _digest(bot, datetime(2026, 11, 29, 1, 0, tzinfo=timezone.utc)) == 0  # a Sunday
    assert sum(len(bot.line.messages_to(u)) for u in ("Ud", "Uz", "Um1", "Uk1", "Uk2", "Uk3")) == 0


def test_supervisor_moves_targets_from_the_cli(region, tmp_path, monkeypatch):
    bot = region
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    cfg = tmp_path / "kambot.toml"
    cfg.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")

    def kambot(*args):
        return CliRunner().invoke(main, [*args, "--config", str(cfg)])

    with time_machine.travel(datetime(2026, 2, 10, 3, 0, tzinfo=timezone.utc), tick=False):  # Q1 open
        refused = kambot("quota", "plan", "M001", "2026", "6,6,6,2", "--by", "Z900")
        assert refused.exit_code == 1
        assert ("plan refused: the year would reach 20 planned for 2026Q1–2026Q4 = 20, below the rule of 24 "
                "for office_manager (002 §3.1.2(3)); plan at least 24 for 2026Q1–2026Q4") in refused.output
        assert ("K002 may not move M001's targets: only their own supervisor does (002 §3.1.2(3)); "
                "ask Z900 วิไล ผู้อำนวยการเขต") in kambot("quota", "plan", "M001", "2026", "6,6,6,6", "--by", "K002").output
        moved = kambot("quota", "plan", "M001", "2026", "10,8,4,2", "--by", "Z900")
    assert moved.exit_code == 0, moved.output
    assert moved.output.strip() == "M001 2026: Q1-Q4 targets 10,8,4,2 (total 24, rule 24), set by Z900"
    assert _digest(bot) == 5
    assert _body(bot.last_to("Um1"))[1] == "เยี่ยมแล้ว 0/2"  # Q4 target moved from 6 to 2
    shown = kambot("quota", "show", "--quarter", "2026Q4")
    assert shown.exit_code == 0
    assert "M001     office_manager     0/2" in shown.output
    assert "K001     kamr               0/3   3 not visited" in shown.output


def test_my_quarter(region):
    bot = region
    with session_scope(bot.engine) as session:
        _visit(session, "K001", "A100", date(2026, 10, 5))
        _visit(session, "K001", "A102", date(2026, 11, 20), status="planned")
    bot.tap("Uk1", "a=myquarter")
    card = bot.last_to("Uk1")
    assert _body(card) == ["📊 ไตรมาส 4/2569 ของคุณสมชาย ใจดี", "เยี่ยมแล้ว 1/3",
                           "เหลือ 26 วันทำการ (ถึง 31 ธ.ค. 2569)", "ยังไม่มีคะแนนในไตรมาสนี้",  # 6 in Nov + 20 in Dec
                           "งานค้าง: 0 เรื่อง, แผนเยี่ยมรอบันทึกผล 1"]
    assert [i["action"]["label"] for i in card["quickReply"]["items"]] == ["บันทึกการเยี่ยม", "ตัวเลขไตรมาส", "งานของฉัน"]
    with session_scope(bot.engine) as session:
        a100 = roster.account_by_code(session, "A100").id
        session.add(Rating(subject_kind="ticket", subject_id=1, account_id=a100, score=5, at=bot.now))
        session.add(Rating(subject_kind="visit", subject_id=1, account_id=a100, score=2, at=bot.now))
        b300 = roster.account_by_code(session, "B300").id  # K003's account: not K001's numbers
        session.add(Rating(subject_kind="ticket", subject_id=2, account_id=b300, score=1, at=bot.now))
    bot.tap("Uk1", "a=myquarter")
    assert _body(bot.last_to("Uk1"))[3:] == ["คะแนนเฉลี่ย 3.50/5 จาก 2 คะแนน", "งานค้าง: 0 เรื่อง, แผนเยี่ยมรอบันทึกผล 1",
                                             "⚠️ โทรติดตาม: น้ำตาลไทย 2/5 (23 พ.ย. 2569)"]
    bot.tap("Uc", "a=myquarter")
    assert _body(bot.last_to("Uc"))[1] == "ไม่มีโควตาการเยี่ยมในไตรมาสนี้"


def test_one_persons_progress_reads_only_their_part_and_matches_the_whole_organisation(engine):
    """'My quarter' reads one person's accounts and visits; what it shows must equal their line in
    the organisation-wide progress the weekly digest and the coordinator sheet use."""
    import org_factory

    org_factory.generate(engine, staff=60, accounts=300, tickets=0, now=NOV_30)
    q = quotas.quarter_of(QuotasConfig(), date(2026, 11, 30))
    with session_scope(engine) as session:
        manager, kamr, other_kamr = (roster.staff_by_code(session, code) for code in ("S00006", "S00010", "S00011"))
        assert (manager.role, kamr.role, manager.office != kamr.office) == ("office_manager", "kamr", True)
        kamrs_account = session.exec(select(Account).where(Account.kamr_id == kamr.id)).first()
        kamrs_account.office = manager.office  # a KAMR's account kept by another office
        session.add(kamrs_account)
        for staff, account_code in ((manager, "A00001"), (other_kamr, kamrs_account.account_code)):
            _visit(session, staff.staff_code, account_code, date(2026, 11, 2))  # outside their own accounts
        roster.staff_by_code(session, "S00007").active = False
    with session_scope(engine) as session:
        everyone = quotas.progress(session, QuotasConfig(), q)
        assert len(everyone) > 50 and any(p.unvisited for p in everyone) and any(p.met for p in everyone)
        for line in everyone:
            assert quotas.progress(session, QuotasConfig(), q, staff_ids=[line.staff.id]) == [line]
        assert quotas.progress(session, QuotasConfig(), q, staff_ids=[roster.staff_by_code(session, "S00007").id]) == []


def test_followups_list_low_visit_scores(region, tmp_path, monkeypatch):
    bot = region
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    cfg = tmp_path / "kambot.toml"
    cfg.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")
    with session_scope(bot.engine) as session:
        _visit(session, "K001", "A100", date(2026, 11, 2))
        _visit(session, "K003", "B300", date(2026, 11, 3))
        session.flush()
        low, high = session.exec(select(Visit).order_by(Visit.id)).all()
        session.add(Rating(subject_kind="visit", subject_id=low.id, account_id=low.account_id, score=3,
                           comment="มาสาย", at=NOV_30))
        session.add(Rating(subject_kind="visit", subject_id=high.id, account_id=high.account_id, score=4, at=NOV_30))
    result = CliRunner().invoke(main, ["visits", "followups", "--quarter", "2026Q4", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["2 พ.ย. 2569  A100 น้ำตาลไทย  3/5  visited by K001 “มาสาย”"]
