"""The quarterly report (CRM-KAM-004, VOC-60-001) on a generated dataset, every figure worked out by hand."""
from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta, timezone

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.config import Config
from handlers.reporting.build import build_report, load, report_tabs
from handlers.reporting.html import render_html
from handlers.reporting.period import parse_period
from handlers.thai_dates import BANGKOK
from storage.db import make_engine, session_scope
from storage.models import Account, Rating, Staff, Ticket, Visit, VisitTarget

CONFIG = Config()
SETTINGS = CONFIG.reports
STAFF = [("K001", "kamr", "PEA-N1"), ("K002", "kamr", "PEA-N1"), ("K003", "kamr", "PEA-S1"),
         ("M001", "office_manager", "PEA-N1"), ("D001", "zone_director", "PEA-S1"), ("C001", "coordinator", "PEA-N1")]
ACCOUNTS = [("A1", "strategic", "PEA-N1", "K001"), ("A2", "star", "PEA-N1", "K001"), ("A3", "status", "PEA-N1", "K001"),
            ("A4", "strategic", "PEA-N1", "K002"), ("A5", "streamline", "PEA-N1", "K002"),
            ("A6", "star", "PEA-S1", "K003"), ("A7", "status", "PEA-S1", "K003"), ("A8", "strategic", "PEA-S1", "K003")]
VISITS = [  # staff, account, Bangkok date, status
    ("K001", "A1", "2026-07-10", "done"), ("K001", "A1", "2026-08-10", "done"), ("K001", "A2", "2026-09-01", "done"),
    ("K001", "A3", "2026-09-20", "planned"), ("K002", "A4", "2026-07-15", "done"),
    ("K003", "A6", "2026-08-03", "done"), ("K003", "A7", "2026-08-04", "done"), ("K003", "A8", "2026-08-05", "done"),
    ("K003", "A6", "2026-10-02", "done"), ("K003", "A7", "2026-06-30", "done"),
    ("M001", "A1", "2026-07-21", "done"), ("M001", "A4", "2026-08-21", "done"), ("M001", "A5", "2026-09-21", "done"),
    ("D001", "A6", "2026-09-02", "cancelled"), ("D001", "A8", "2026-09-03", "done"),
]
SERVICES = [  # number, account, code, scheduled, status, resolved (Bangkok date), created
    ("SRV-a", "A1", "FMS2", "2026-08-05", "resolved", "2026-08-06", "2026-07-30"),
    ("SRV-b", "A2", "FMS3", "2026-09-28", "resolved", "2026-10-15", "2026-09-01"),
    ("SRV-c", "A6", "FMS2", "2026-09-29", "resolved", "2026-10-25", "2026-09-01"),
    ("SRV-d", "A7", "FMS3", "2026-09-15", "declined", None, "2026-09-01"),
    ("SRV-e", "A8", "FMS2", "2026-09-10", "open", None, "2026-09-01"),
    ("SRV-f", "A3", "FMS2", "2026-10-10", "open", None, "2026-09-25"),  # next quarter
    ("SRV-g", "A4", "FMS3", None, "resolved", "2026-07-30", "2026-07-20"),  # no date agreed: counted by request
]
COMPLAINTS = [  # number, account, topic, created (Bangkok), due, answered (Bangkok) or None
    ("CMP-1", "A1", "billing", "2026-07-06 10:00", "2026-07-13", "2026-07-10 09:00"),
    ("CMP-2", "A2", "power_quality", "2026-08-03 10:00", "2026-08-10", "2026-08-12 15:00"),
    ("CMP-3", "A4", "power_quality", "2026-09-25 10:00", "2026-10-02", None),
    ("CMP-4", "A6", "service", "2026-09-30 10:00", "2026-10-07", "2026-10-06 09:00"),
    ("CMP-5", "A7", "other", "2026-07-20 10:00", "2026-07-27", "2026-07-27 16:00"),
    ("CMP-6", "A1", "billing", "2026-10-01 10:00", "2026-10-08", None),  # next quarter
    ("CMP-7", "A8", "staff", "2026-09-30 15:00", "2026-10-07", None),
]
OUTAGES = [  # number, account, created (Bangkok), minutes to acknowledge or None, escalated
    ("OUT-1", "A1", "2026-07-02 08:00", 4, False), ("OUT-2", "A1", "2026-08-02 23:00", 10, False),
    ("OUT-3", "A2", "2026-08-15 02:00", 20, True), ("OUT-4", "A3", "2026-09-09 12:00", None, False),
    ("OUT-5", "A6", "2026-07-07 07:00", 2, False), ("OUT-6", "A7", "2026-09-30 23:50", 6, False),
    ("OUT-7", "A6", "2026-06-30 23:59", 1, False),  # last quarter in Bangkok
]
RATINGS = [  # subject ("visit", staff, account) | ("ticket", number) | ("service", number), account, score, comment, date
    (("visit", "K001", "A1"), "A1", 4, "", "2026-07-11"), (("visit", "K003", "A8"), "A8", 5, "", "2026-08-06"),
    (("visit", "K002", "A4"), "A4", 4, "", "2026-07-16"), (("visit", "K003", "A6"), "A6", 4, "", "2026-08-04"),
    (("visit", "K003", "A7"), "A7", 2, "ไม่มีใครมาตามนัด", "2026-08-05"),
    (("service", "SRV-a"), "A1", 5, "", "2026-08-07"),
    (("ticket", "OUT-1"), "A1", 5, "", "2026-07-02"), (("ticket", "OUT-3"), "A2", 4, "", "2026-08-15"),
    (("ticket", "OUT-4"), "A3", 3, "", "2026-09-10"), (("ticket", "OUT-6"), "A7", 3, "ไฟดับนาน", "2026-09-30"),
    (("ticket", "CMP-2"), "A2", 3, "ตอบช้า", "2026-08-13"), (("ticket", "CMP-4"), "A6", 5, "", "2026-09-30"),
    (("ticket", "CMP-5"), "A7", 4, "", "2026-07-28"),
    (("ticket", "OUT-7"), "A6", 1, "นอกช่วง", "2026-10-03"),  # next quarter
]


def bangkok(text: str) -> datetime:
    moment = datetime.fromisoformat(text) if " " in text else datetime.combine(date.fromisoformat(text), time(10))
    return moment.replace(tzinfo=BANGKOK).astimezone(timezone.utc)


def generate(engine) -> None:
    with session_scope(engine) as session:
        staff = {code: Staff(staff_code=code, name=f"คุณ {code}", role=role, office=office)
                 for code, role, office in STAFF}
        session.add_all(staff.values())
        session.flush()
        accounts = {code: Account(account_code=code, name=f"บริษัท {code}", tier=tier, office=office,
                                  kamr_id=staff[kamr].id) for code, tier, office, kamr in ACCOUNTS}
        session.add_all(accounts.values())
        session.flush()
        session.add(VisitTarget(staff_id=staff["M001"].id, year=2026, quarter=3, target=4, set_by="S001",
                                set_at=bangkok("2026-07-01")))
        visits = {}
        for who, account, day, status in VISITS:
            visit = Visit(account_id=accounts[account].id, staff_id=staff[who].id, visit_date=date.fromisoformat(day),
                          status=status, created_at=bangkok(day))
            visits.setdefault((who, account), visit)
            session.add(visit)
        tickets = {}
        for number, account, code, scheduled, status, resolved, created in SERVICES:
            tickets[number] = Ticket(number=number, kind="service", category=code, account_id=accounts[account].id,
                                     status=status, created_at=bangkok(created),
                                     scheduled_date=date.fromisoformat(scheduled) if scheduled else None,
                                     resolved_at=bangkok(resolved) if resolved else None)
        for number, account, topic, created, due, answered in COMPLAINTS:
            details = {"answered_at": bangkok(answered).isoformat()} if answered else {}
            tickets[number] = Ticket(number=number, kind="complaint", category=topic, account_id=accounts[account].id,
                                     status="answered" if answered else "open", created_at=bangkok(created),
                                     due_date=date.fromisoformat(due), details=details)
        for number, account, created, minutes, escalated in OUTAGES:
            start = bangkok(created)
            tickets[number] = Ticket(number=number, kind="outage", account_id=accounts[account].id,
                                     status="open" if minutes is None else "acknowledged", created_at=start,
                                     acknowledged_at=None if minutes is None else start + timedelta(minutes=minutes),
                                     escalated_at=start + timedelta(minutes=15) if escalated else None)
        session.add_all(tickets.values())
        session.flush()
        for subject, account, score, comment, day in RATINGS:
            if subject[0] == "visit":
                kind, subject_id = "visit", visits[(subject[1], subject[2])].id
            else:
                kind, subject_id = subject[0], tickets[subject[1]].id
            session.add(Rating(subject_kind=kind, subject_id=subject_id, account_id=accounts[account].id,
                               score=score, comment=comment, at=bangkok(day)))


def quarter_report(engine, now: str = "2026-10-26 10:00", office: str | None = None, period: str = "2026Q3"):
    with session_scope(engine) as session:
        data = load(session, parse_period(period, CONFIG.quotas), CONFIG.quotas)
    return build_report(data, parse_period(period, CONFIG.quotas), SETTINGS, now=bangkok(now), office=office)


@pytest.fixture
def report(engine):
    generate(engine)
    return quarter_report(engine)


def test_visits_against_quota_per_person(report):
    rows = report.table("visits").rows
    assert rows == [
        # K001 owns 3 accounts and visited A1 (twice) and A2; the planned A3 visit does not count.
        ["PEA-N1", "K001", "คุณ K001", "kamr", 3, 2, 2, 66.7],
        # K002 owns A4 and A5 and visited A4.
        ["PEA-N1", "K002", "คุณ K002", "kamr", 2, 1, 1, 50.0],
        # Office manager: 6 per quarter moved to 4 for Q3 (VisitTarget), 3 visits. The coordinator has no quota.
        ["PEA-N1", "M001", "คุณ M001", "office_manager", 4, 3, 3, 75.0],
        # Zone director: 3 per quarter; the cancelled visit does not count.
        ["PEA-S1", "D001", "คุณ D001", "zone_director", 3, 1, 1, 33.3],
        # K003: 3 of 3 in the quarter; visits on 30 Jun and 2 Oct are outside it.
        ["PEA-S1", "K003", "คุณ K003", "kamr", 3, 3, 3, 100.0],
        ["PEA-N1", "", "รวม", "", 9, 6, 6, 66.7],  # (3+2+4), (2+1+3)
        ["PEA-S1", "", "รวม", "", 6, 4, 4, 66.7],  # (3+3), (1+3)
        ["ทั้งองค์กร", "", "รวม", "", 15, 10, 10, 66.7],
    ]


def test_free_services_count_as_on_time_only_within_the_quarter(report):
    """Issue 17: the 20 days after the quarter are the report's deadline, not extra delivery time."""
    assert report.table("services").rows == [
        # SRV-a (6 Aug) and SRV-g (no date; requested 20 Jul, done 30 Jul) within Q3; SRV-b done 15 Oct: late.
        ["PEA-N1", 3, 2, 1, 0, 0, 0, 66.7],
        # SRV-c resolved 25 Oct: late; SRV-d declined; SRV-e still open: 0 of 2 on time.
        ["PEA-S1", 3, 0, 1, 1, 1, 0, 0.0],  # SRV-e overdue: the quarter is over
        ["ทั้งองค์กร", 6, 2, 2, 1, 1, 0, 40.0],  # 2 of the 5 not declined
    ]


def test_the_service_report_says_whether_its_20_day_deadline_was_met(engine):
    generate(engine)
    columns = ["quarter", "delivered_by", "report_due", "made_on", "report_status"]
    late = quarter_report(engine, now="2026-10-26 10:00").table("service_report")
    assert late.columns == columns
    assert late.rows == [["2026Q3", "30 ก.ย. 2569", "20 ต.ค. 2569", "26 ต.ค. 2569", "late"]]
    assert quarter_report(engine, now="2026-10-20 16:00").table("service_report").rows[0][3:] == [
        "20 ต.ค. 2569", "on_time"]
    assert quarter_report(engine, now="2026-09-30 16:00").table("service_report").rows[0][4] == "interim"
    page = render_html(quarter_report(engine, now="2026-10-26 10:00"), SETTINGS, ack_minutes=15)
    assert "<td>✗ เกินกำหนด</td>" in page


def test_coverage_of_eligible_accounts_per_tier_and_office(report):
    """000 plan 8 item 02.1: every eligible key account; served means a service delivered within the quarter."""
    assert report.table("service_coverage").rows == [
        # A1 (SRV-a) and A4 (SRV-g) served; A2's service came after the quarter; A3, A5 none.
        ["PEA-N1", "strategic", 2, 2, 100.0], ["PEA-N1", "star", 1, 0, 0.0], ["PEA-N1", "status", 1, 0, 0.0],
        ["PEA-N1", "streamline", 1, 0, 0.0], ["PEA-N1", "all", 5, 2, 40.0],
        ["PEA-S1", "strategic", 1, 0, 0.0], ["PEA-S1", "star", 1, 0, 0.0], ["PEA-S1", "status", 1, 0, 0.0],
        ["PEA-S1", "all", 3, 0, 0.0],
        ["ทั้งองค์กร", "strategic", 3, 2, 66.7], ["ทั้งองค์กร", "star", 2, 0, 0.0],
        ["ทั้งองค์กร", "status", 2, 0, 0.0], ["ทั้งองค์กร", "streamline", 1, 0, 0.0], ["ทั้งองค์กร", "all", 8, 2, 25.0],
    ]


def test_coverage_counts_only_the_tiers_the_catalogue_offers(engine):
    generate(engine)
    only_top = CONFIG.services.model_copy(update={"catalogue": [CONFIG.services.catalogue[4]]})  # PQ: strategic
    period = parse_period("2026Q3", CONFIG.quotas)
    with session_scope(engine) as session:
        data = load(session, period, CONFIG.quotas)
    built = build_report(data, period, SETTINGS, now=bangkok("2026-10-26 10:00"), office="PEA-S1",
                         services_config=only_top)
    assert built.table("service_coverage").rows == [["PEA-S1", "strategic", 1, 0, 0.0], ["PEA-S1", "all", 1, 0, 0.0]]


def test_complaints_answered_within_5_working_days(report):
    assert report.table("complaints").rows == [
        # CMP-1 on time, CMP-2 answered 12 Aug after its 10 Aug due date, CMP-3 unanswered and due 2 Oct.
        ["PEA-N1", 3, 1, 1, 1, 0, 33.3],
        # CMP-4 and CMP-5 (answered on its due date) on time; CMP-7 due 7 Oct, unanswered on 26 Oct.
        ["PEA-S1", 3, 2, 0, 1, 0, 66.7],
        ["ทั้งองค์กร", 6, 3, 1, 2, 0, 50.0],
    ]


def test_outage_time_to_acknowledge(report):
    assert report.table("outages").rows == [
        # [4, 10, 20]: median 10; p90 at rank 0.9*2 = 1.8: 10 + 0.8*(20-10) = 18. OUT-4 never acknowledged.
        ["PEA-N1", 4, 3, 1, 1, 10.0, 18.0],
        # [2, 6]: median 4; p90 at rank 0.9: 2 + 0.9*4 = 5.6. OUT-7 (23:59 on 30 Jun in Bangkok) is last quarter.
        ["PEA-S1", 2, 2, 0, 0, 4.0, 5.6],
        # [2, 4, 6, 10, 20]: median 6; p90 at rank 3.6: 10 + 0.6*10 = 16.
        ["ทั้งองค์กร", 6, 5, 1, 1, 6.0, 16.0],
    ]


def test_satisfaction_by_tier_and_kind_against_the_target(report):
    rows = [row for row in report.table("satisfaction").rows if row[0] == "ทั้งองค์กร"]
    assert rows == [
        # 13 scores in the quarter (the 3 Oct score is not), sum 51: 3.92; 4 of them <= 3.
        ["ทั้งองค์กร", "all", "ทั้งหมด", 13, 3.92, 30.8, 4.36, "no"],
        ["ทั้งองค์กร", "tier", "Strategic", 5, 4.6, 0.0, 4.36, "yes"],  # 4 5 4 5 5
        ["ทั้งองค์กร", "tier", "Star", 4, 4.0, 25.0, 4.36, "no"],  # 4 4 3 5
        ["ทั้งองค์กร", "tier", "Status", 4, 3.0, 75.0, 4.36, "no"],  # 2 3 3 4
        ["ทั้งองค์กร", "kind", "เยี่ยมลูกค้า", 5, 3.8, 20.0, 4.36, "no"],  # 4 5 4 4 2
        ["ทั้งองค์กร", "kind", "บริการฟรี", 1, 5.0, 0.0, 4.36, "yes"],
        ["ทั้งองค์กร", "kind", "ไฟดับ", 4, 3.75, 50.0, 4.36, "no"],  # 5 4 3 3
        ["ทั้งองค์กร", "kind", "ร้องเรียน", 3, 4.0, 33.3, 4.36, "no"],  # 3 5 4
    ]
    n1 = [row for row in report.table("satisfaction").rows if row[0] == "PEA-N1" and row[1] == "all"]
    assert n1 == [["PEA-N1", "all", "ทั้งหมด", 7, 4.0, 28.6, 4.36, "no"]]  # 4 4 5 5 4 3 3


def test_f_test_across_tiers(report):
    # Strategic mean 4.6 (n 5), Star 4.0 (n 4), Status 3.0 (n 4); grand mean 51/13.
    grand = 51 / 13
    between = 5 * (4.6 - grand) ** 2 + 4 * (4.0 - grand) ** 2 + 4 * (3.0 - grand) ** 2
    within = 1.2 + 2.0 + 2.0  # squared deviations inside each tier
    f = (between / 2) / (within / 10)
    p = (1 + 2 * f / 10) ** -5  # the F(2, n) tail has this closed form
    row = report.table("anova").rows[-1]
    assert row[:2] == ["ทั้งองค์กร", "Strategic 5, Star 4, Status 4"]
    assert row[2] == round(f, 3) == 5.503
    assert row[3:5] == [2, 10]
    assert row[5] == round(p, 4) == 0.0245
    assert row[6] == "แตกต่าง"


def test_voice_of_customer(report):
    assert report.table("voc_topics").rows == [
        ["power_quality", "คุณภาพไฟฟ้า", 2, 33.3], ["billing", "ค่าไฟฟ้า/บิล", 1, 16.7],
        ["other", "อื่น ๆ", 1, 16.7], ["service", "การให้บริการ", 1, 16.7], ["staff", "พนักงาน", 1, 16.7]]
    assert report.table("voc_comments").rows == [
        ["outage", "ไฟดับ", "30 ก.ย. 2569", "PEA-S1", "A7", 3, "ไฟดับนาน"],
        ["power_quality", "คุณภาพไฟฟ้า", "13 ส.ค. 2569", "PEA-N1", "A2", 3, "ตอบช้า"],
        ["visit", "เยี่ยมลูกค้า", "5 ส.ค. 2569", "PEA-S1", "A7", 2, "ไม่มีใครมาตามนัด"],
    ]


def test_voice_of_customer_covers_every_subject_not_only_complaints(engine):
    """Issue 17 (001 flow chart step 6): problems, needs, urgent reports and low scores are voices too."""
    generate(engine)
    with session_scope(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == "OUT-3")).one()
        ticket.details = {"urgent": {"by": 1, "to": 4, "risk": "สายการผลิตหยุด", "at": "2026-08-15T02:30:00+07:00"}}
        session.add(ticket)
    rows = quarter_report(engine).table("voc_subjects").rows
    # 6 complaints, 6 outages, 6 services of Q3, 1 urgent report, 4 scores <= 3: 23 voices.
    assert rows == [["complaint", "ข้อร้องเรียน", 6, 26.1], ["outage", "แจ้งไฟดับ/ปัญหาไฟฟ้า", 6, 26.1],
                    ["service", "ขอรับบริการ (ความต้องการ)", 6, 26.1],
                    ["urgent", "เรื่องด่วนถึงผู้บริหาร (CRM-KAM-003)", 1, 4.3], ["low_score", "ความพึงพอใจต่ำ", 4, 17.4]]
    assert [row[2] for row in quarter_report(engine, office="PEA-S1").table("voc_subjects").rows] == [3, 2, 3, 0, 2]


def test_managers_year_against_the_rule(report):
    """Issue 17: the year-to-date customers and the rest of the year beside the annual rule (002 §3.1.2(3))."""
    assert report.table("quota_year").rows == [
        # 3 customers in Q3 (target moved to 4), nothing before; Q4 keeps 6: 0 + 4 + 6 = 10 of 24.
        ["PEA-N1", "M001", "คุณ M001", "office_manager", 24, 3, 1 + 6, 14],
        # 1 customer of 3 in Q3; Q4 keeps 3: 0 + 3 + 3 = 6 of 12.
        ["PEA-S1", "D001", "คุณ D001", "zone_director", 12, 1, 2 + 3, 6],
    ]


def test_monthly_report_for_one_office_counts_visits_quarter_to_date(engine):
    generate(engine)
    month = quarter_report(engine, now="2026-10-06 19:00", office="PEA-S1", period="2026-09")
    assert month.table("visits").rows == [
        ["PEA-S1", "D001", "คุณ D001", "zone_director", 3, 1, 1, 33.3],
        ["PEA-S1", "K003", "คุณ K003", "kamr", 3, 0, 3, 100.0],  # nothing in September, all in August
        ["PEA-S1", "", "รวม", "", 6, 1, 4, 66.7],
    ]
    # September: CMP-4 answered on 6 Oct (due 7 Oct), CMP-7 due 7 Oct, not yet due on 6 Oct: 1 of the 1 due
    # (issue 17: divided by what was due, no longer 50 %).
    assert month.table("complaints").rows == [["PEA-S1", 2, 1, 0, 0, 1, 100.0]]
    assert month.table("outages").rows == [["PEA-S1", 1, 1, 0, 0, 6.0, 6.0]]
    assert [row[:4] for row in month.table("satisfaction").rows if row[1] == "all"] == [["PEA-S1", "all", "ทั้งหมด", 2]]


def test_html_report_is_self_contained_with_thai_dates_and_charts(report):
    page = render_html(report, SETTINGS, ack_minutes=15)
    assert "ไตรมาส 3/2569 (1 ก.ค. 2569 – 30 ก.ย. 2569)" in page
    assert "จัดทำเมื่อ 26 ต.ค. 2569 10:00 น." in page
    assert page.count("<svg") == 6  # with the outages by tier (issue 16)
    assert '<div class="tile bad">บริการฟรีภายในไตรมาส<b>40%</b></div>' in page
    assert "<script" not in page and "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert "https://" not in page
    assert '<div class="tile bad">ตอบข้อร้องเรียนทัน 5 วันทำการ<b>50%</b></div>' in page
    assert "ไม่มีใครมาตามนัด" in page
    assert "<td>ผจก. กฟฟ.</td>" in page and "<td>✗ ไม่ผ่าน</td>" in page  # codes read as words


def test_report_command_writes_csv_files_and_html(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n[reports]\noutput_dir = "{tmp_path / "out"}"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init-db", "--config", str(config)]).exit_code == 0
    engine = make_engine(url)
    generate(engine)
    engine.dispose()
    result = runner.invoke(main, ["report", "quarter", "2026Q3", "--config", str(config)])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "2026Q3"
    assert (folder / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with open(folder / "complaints.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["office", "received", "answered_on_time", "answered_late", "overdue_unanswered",
                       "not_yet_due", "on_time_pct"]
    assert rows[1][:3] == ["PEA-N1", "3", "1"]
    wrong = runner.invoke(main, ["report", "quarter", "2026-09", "--config", str(config)])
    assert wrong.exit_code != 0 and "kambot report month 2026-09" in wrong.output
    bad = runner.invoke(main, ["report", "month", "2026-13", "--config", str(config)])
    assert bad.exit_code != 0 and "not a quarter like 2026Q3 or a month like 2026-09" in bad.output
    nobody = runner.invoke(main, ["report", "month", "2026-09", "--office", "PEA-X", "--config", str(config)])
    assert nobody.exit_code != 0 and "no accounts in office 'PEA-X'" in nobody.output


def test_tables_as_plain_rows_for_the_coordinator_sheet(engine):
    generate(engine)
    with session_scope(engine) as session:
        period = parse_period("2026Q3", CONFIG.quotas)
        built = build_report(load(session, period, CONFIG.quotas), period, CONFIG.reports, now=bangkok("2026-10-26 10:00"))
    tabs = report_tabs(built)
    assert list(tabs) == ["visits", "services", "complaints", "outages", "first_answers", "reliability",
                          "reliability_accounts", "reliability_sites", "satisfaction", "anova", "voc_subjects", "voc_topics",
                          "voc_comments", "quota_year", "late_visits", "urgent_reports", "plan_achievement", "service_report",
                          "service_coverage", "risk_visits"]
    assert tabs["complaints"][0][:2] == ["office", "received"]
    assert tabs["complaints"][-1] == ["ทั้งองค์กร", 6, 3, 1, 2, 0, 50.0]


def test_quarters_follow_the_quota_year():
    fiscal = CONFIG.quotas.model_copy(update={"year_start_month": 10})
    period = parse_period("2026Q1", fiscal)
    assert (period.start, period.end) == (date(2026, 10, 1), date(2026, 12, 31))
    assert period.title() == "ไตรมาส 1/2569 (1 ต.ค. 2569 – 31 ธ.ค. 2569)"
    month = parse_period("2027-02", fiscal)
    assert (month.quarter.label, month.quarter_to_date.start, month.end) == ("2026Q2", date(2027, 1, 1),
                                                                            date(2027, 2, 28))
    assert month.title() == "เดือนกุมภาพันธ์ 2570"


def test_tiles_divide_by_what_was_due(engine):
    """Issue 17: the only complaint of the quarter is not yet due and the only service still has the rest of
    the quarter: the tiles show "–", not 0 % in red."""
    generate(engine)
    with session_scope(engine) as session:
        kamr = session.exec(select(Staff).where(Staff.staff_code == "K003")).one()
        fresh = Account(account_code="B1", name="บริษัท B1", tier="star", office="PEA-E1", kamr_id=kamr.id)
        session.add(fresh)
        session.flush()
        session.add(Ticket(number="CMP-9", kind="complaint", category="billing", account_id=fresh.id, status="open",
                           created_at=bangkok("2026-09-24 10:00"), due_date=date(2026, 10, 1)))
        session.add(Ticket(number="SRV-9", kind="service", category="FMS2", account_id=fresh.id, status="open",
                           created_at=bangkok("2026-09-01 10:00"), scheduled_date=date(2026, 9, 29)))
    early = quarter_report(engine, now="2026-09-25 10:00", office="PEA-E1")
    assert early.table("complaints").rows == [["PEA-E1", 1, 0, 0, 0, 1, None]]
    assert early.table("services").rows == [["PEA-E1", 1, 0, 0, 0, 1, 1, None]]
    page = render_html(early, SETTINGS, ack_minutes=15)
    assert '<div class="tile ">ตอบข้อร้องเรียนทัน 5 วันทำการ<b>–</b></div>' in page
    assert '<div class="tile ">บริการฟรีภายในไตรมาส<b>–</b></div>' in page
    # Once both are due and missed, they count: 0 % in red.
    late = quarter_report(engine, now="2026-10-05 10:00", office="PEA-E1")
    assert late.table("complaints").rows == [["PEA-E1", 1, 0, 0, 1, 0, 0.0]]
    assert late.table("services").rows == [["PEA-E1", 1, 0, 0, 0, 1, 0, 0.0]]
    assert '<div class="tile bad">ตอบข้อร้องเรียนทัน 5 วันทำการ<b>0%</b></div>' in render_html(late, SETTINGS,
                                                                                             ack_minutes=15)
