"""Issue 15: offices belong to zones (roster CSVs and the CRM-KAM-005 exchange), a zone KAMR backs up
every office of the zone, the urgent report reaches the zone director, `kambot report quarter --zone`,
"ติดต่อ KAMR" with call buttons, `kambot roster routes`, and the handover when an account changes KAMR."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from handlers.rules import roles
from storage import roster
from storage.db import make_engine, session_scope
from storage.models import Ticket, Visit
from storage.roster_exchange import export_roster, import_roster
from storage.roster_import import import_accounts, import_staff

from conftest import SECRET, STAFF_CSV, TOKEN
from line_wire import free_port
from procs import write_config

# PEA-N2 is a second office of zone N: its KAMR names no backup; the zone's KAMR sits in PEA-N1.
ZONE_CSV = """staff_code,name,role,office,backup,supervisor,phone,zone
K001,สมชาย ใจดี,kamr,PEA-N1,Z001,S001,081-234-5678,N
Z001,วีระ ประจำเขต,zone_kamr,PEA-N1,,S001,02 555 0101 ต่อ 12,N
K003,สมศักดิ์ สาขาสอง,kamr,PEA-N2,,,,N
D001,ดารา ผู้อำนวยการเขต,zone_director,PEA-N,,,,N
M002,มานพ ผู้จัดการสอง,office_manager,PEA-N2,,,,N
"""
ACCOUNT_CSV = """account_code,name,tier,office,kamr,sites,zone
A300,โรงงานสาขาสอง,star,PEA-N2,K003,โรงงาน 3,N
"""


def _zone_org(org):
    with session_scope(org.engine) as session:
        result = import_staff(session, io.StringIO(ZONE_CSV))
        assert not result.errors and not result.warnings
        assert not import_accounts(session, io.StringIO(ACCOUNT_CSV)).errors
    org.link("Ucust3", account="A300")
    org.link("Udir", staff="D001")
    org.line.reset()
    return org


def _report(bot, user: str) -> Ticket:
    bot.tap(user, "a=outage")
    bot.tap(user, bot.last_to(user)["quickReply"]["items"][0]["action"]["data"])
    bot.tap(user, "a=outage.symptom&v=no_power")
    bot.tap(user, "a=outage.since&v=now")
    with session_scope(bot.engine) as session:
        ticket = session.exec(select(Ticket).order_by(Ticket.id.desc())).first()
        session.expunge(ticket)
    return ticket


def _footer(card: dict) -> list[dict]:
    return [b["action"] for b in card["contents"]["footer"]["contents"]]


def test_a_zone_kamr_backs_up_every_office_of_the_zone(org):
    bot = _zone_org(org)
    with session_scope(bot.engine) as session:
        k003 = roster.staff_by_code(session, "K003")
        assert roles.person_for(session, k003, roles.BACKUP).staff_code == "Z001"
        assert roster.zone_of(session, "PEA-N2") == "N"
    # K003 is not on LINE: the report from PEA-N2 goes at once to the zone KAMR sitting in PEA-N1.
    ticket = _report(bot, "Ucust3")
    [card] = bot.line.messages_to("Uzone")
    assert card["altText"].startswith(f"⚠️ ส่งต่อ: ไฟดับ {ticket.number}")
    assert bot.texts_to("Ucust3")[-1].endswith("คุณวีระ ประจำเขต จะติดต่อกลับภายใน 15 นาทีค่ะ")


def test_the_urgent_report_reaches_the_zone_director_when_no_office_manager_is_on_line(org):
    bot = _zone_org(org)
    ticket = _report(bot, "Ucust3")
    card = bot.line.messages_to("Uzone")[-1]
    bot.tap("Uzone", _footer(card)[0]["data"])  # the zone KAMR takes it, then reports it urgent
    bot.tap("Uzone", f"a=urgent.start&t={ticket.id}")
    bot.say("Uzone", "โรงงานหยุดผลิต เสียหายวันละ 2 ล้านบาท")
    assert bot.texts_to("Uzone")[-1] == f"ส่งรายงานด่วน {ticket.number} ถึงคุณดารา ผู้อำนวยการเขต แล้ว"
    [urgent] = bot.line.messages_to("Udir")  # M002, the office manager, is not on LINE
    assert ticket.number in urgent["altText"]


def test_contact_kamr_shows_the_kamr_and_the_backup_with_call_buttons(org):
    bot = _zone_org(org)
    bot.tap("Ucust1", "a=contact")
    card = bot.last_to("Ucust1")
    assert "KAMR ของ บริษัท น้ำตาลไทย จำกัด คือ คุณสมชาย ใจดี (PEA-N1)\nผู้รับแทน: คุณวีระ ประจำเขต" in card["altText"]
    assert [b for b in _footer(card)] == [
        {"type": "uri", "label": "📞 โทร สมชาย ใจดี", "uri": "tel:0812345678"},
        {"type": "uri", "label": "📞 โทร วีระ ประจำเขต", "uri": "tel:025550101"}]
    assert card["quickReply"]["items"]  # the menu still offers the next step
    # A KAMR without a phone: still named, with the backup's call button.
    bot.tap("Uhosp", "a=contact")
    card = bot.last_to("Uhosp")
    assert "KAMR ของ โรงพยาบาลเมือง คือ คุณสมหญิง รักงาน (PEA-N1)\nผู้รับแทน: คุณวีระ ประจำเขต" in card["altText"]
    assert [b["label"] for b in _footer(card)] == ["📞 โทร วีระ ประจำเขต"]


def test_staff_rows_without_a_phone_import_and_a_bad_phone_is_a_warning(engine):
    with session_scope(engine) as session:
        result = import_staff(session, io.StringIO("staff_code,name,role,office,phone\nK1,ก,kamr,O1,\nK2,ข,kamr,O1,call me\n"))
        assert result.errors == [] and result.created == 2
        assert result.warnings == ["row 3, column phone: 'call me' is not a phone number (imported without it)"]
        assert roster.staff_by_code(session, "K2").phone == ""


def test_the_exchange_carries_zones_and_phones_and_old_files_still_import(engine):
    with session_scope(engine) as session:
        assert not import_staff(session, io.StringIO(STAFF_CSV)).errors
        assert not import_staff(session, io.StringIO(ZONE_CSV)).errors
        assert not import_accounts(session, io.StringIO(ACCOUNT_CSV)).errors
        exported = io.StringIO()
        export_roster(session, exported)
    rows = list(csv.DictReader(io.StringIO(exported.getvalue())))
    k001 = next(row for row in rows if row["code"] == "K001")
    assert (k001["phone"], k001["zone"]) == ("081-234-5678", "N")
    assert next(row for row in rows if row["code"] == "A300")["zone"] == "N"
    # PEA-N2 moves to zone S: every row of the office says so.
    moved_rows = [{**row, "zone": "S"} if row["office"] == "PEA-N2" else row for row in rows]
    moved_file = io.StringIO()
    writer = csv.DictWriter(moved_file, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(moved_rows)
    moved = moved_file.getvalue()
    old_file = "record,code,name,office,role,tier,kamr,backup,supervisor,language,account,ca_number,position,phone," \
               "email,line,line_name\nstaff,K9,เก้า,PEA-S9,kamr,,,,,th,,,,,,,\n"
    with session_scope(engine) as session:
        assert not import_roster(session, io.StringIO(moved)).errors
        assert not import_roster(session, io.StringIO(old_file)).errors
        again = io.StringIO()
        export_roster(session, again)
        assert roster.zone_of(session, "PEA-N2") == "S"
        assert roster.staff_by_code(session, "K9").office == "PEA-S9"
    assert again.getvalue().count("\n") == exported.getvalue().count("\n") + 1


def test_roster_routes_lists_accounts_and_offices_nobody_on_line_would_hear(org, tmp_path):
    bot = org
    config = write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=bot.line.url,
                          db_url=bot.config.database.url, port=free_port())
    with session_scope(bot.engine) as session:
        assert not import_staff(session, io.StringIO(ZONE_CSV)).errors
        assert not import_accounts(session, io.StringIO(ACCOUNT_CSV.replace("PEA-N2,K003", "PEA-S2,").replace(",N\n", ",S\n"))).errors
    result = CliRunner().invoke(main, ["roster", "routes", "--config", str(config)])
    assert result.exit_code == 1, result.output
    assert "account A300 โรงงานสาขาสอง (PEA-S2): no route to a person on LINE" in result.output
    assert "office PEA-S2: no one on LINE in the escalation chain's roles" in result.output
    assert "A100" not in result.output and "office PEA-N1" not in result.output
    assert result.output.strip().endswith("1 accounts and 1 offices without a route")

    # check-config, with the database configured, lists the same gaps beside the config's own checks
    checked = CliRunner().invoke(main, ["check-config", "--config", str(config)])
    assert checked.exit_code == 0, checked.output
    assert "LINE: ready" in checked.output
    assert "NO ROUTE: account A300 โรงงานสาขาสอง (PEA-S2): no route to a person on LINE" in checked.output
    assert "NO ROUTE: office PEA-S2: no one on LINE in the escalation chain's roles" in checked.output
    assert "routes: 1 accounts and 1 offices without a route" in checked.output


def test_handover_tells_both_kamrs_and_the_contacts_and_moves_planned_visits(org, tmp_path):
    bot = _zone_org(org)
    ticket = _report(bot, "Ucust1")  # an open outage of A100, K001's account
    with session_scope(bot.engine) as session:
        k001 = roster.staff_by_code(session, "K001")
        account = roster.account_by_code(session, "A100")
        session.add(Visit(account_id=account.id, staff_id=k001.id, visit_date=date(2026, 12, 3), created_at=bot.now))
        k002 = roster.staff_by_code(session, "K002")
        k002.phone = "089-000-1111"
        session.add(k002)
    bot.line.reset()
    config = write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=bot.line.url,
                          db_url=bot.config.database.url, port=free_port())
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_code,name,tier,office,kamr\nA100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K002\n"
                        "A200,โรงพยาบาลเมือง,status,PEA-N1,K002\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "accounts", str(accounts), "--config", str(config)])
    assert result.exit_code == 0, result.output
    assert "1 accounts handed over" in result.output  # A200 was K002's already
    bot.now = datetime.now(timezone.utc)  # the command queued the messages at the real time
    bot.drain()

    [card] = bot.line.messages_to("Ukamr2")
    assert card["altText"].splitlines() == ["🤝 รับดูแล บริษัท น้ำตาลไทย จำกัด", "ก่อนหน้า: คุณสมชาย ใจดี",
                                            f"เรื่องค้าง {ticket.number} – รอรับเรื่อง", "นัดเยี่ยม 3 ธ.ค. 2569"]
    assert _footer(card) == [{"type": "uri", "label": "📞 โทร สมชาย ใจดี", "uri": "tel:0812345678"}]
    assert bot.texts_to("Ukamr1") == [
        "บริษัท น้ำตาลไทย จำกัด ย้ายไปอยู่ในความดูแลของคุณสมหญิง รักงาน แล้วค่ะ (เรื่องค้าง 1 เรื่อง นัดเยี่ยม 1 นัด ส่งต่อแล้ว)"]
    told_old = bot.line.messages_to("Ukamr1")[0]["quickReply"]["items"]
    assert [(item["action"]["type"], item["action"]["label"]) for item in told_old] == [
        ("uri", "📞 โทร สมหญิง รักงาน"), ("postback", "งานของฉัน")]
    for user in ("Ucust1", "Ucust2"):
        [intro] = bot.line.messages_to(user)
        assert intro["altText"].splitlines() == ["KAMR คนใหม่ของ บริษัท น้ำตาลไทย จำกัด", "คุณสมหญิง รักงาน จะดูแลท่านต่อจากนี้ค่ะ"]
        assert _footer(intro) == [{"type": "uri", "label": "📞 โทร สมหญิง รักงาน", "uri": "tel:0890001111"}]
    assert bot.line.messages_to("Uhosp") == []
    with session_scope(bot.engine) as session:
        k002_id = roster.staff_by_code(session, "K002").id
        assert [v.staff_id for v in session.exec(select(Visit)).all()] == [k002_id]
    # Importing the same file again hands nothing over.
    bot.line.reset()
    again = CliRunner().invoke(main, ["import", "accounts", str(accounts), "--config", str(config)])
    assert again.exit_code == 0 and "handed over" not in again.output
    bot.drain()
    assert bot.line.pushes == []


def test_report_quarter_for_one_zone(tmp_path):
    from test_report_quarter import generate

    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "{url}"\n[reports]\noutput_dir = "{tmp_path / "out"}"\n', encoding="utf-8")
    runner = CliRunner()
    assert runner.invoke(main, ["init-db", "--config", str(config)]).exit_code == 0
    engine = make_engine(url)
    generate(engine)
    with session_scope(engine) as session:
        roster.set_zone(session, "PEA-S1", "S")
        roster.set_zone(session, "PEA-N1", "N")
    engine.dispose()
    result = runner.invoke(main, ["report", "quarter", "2026Q3", "--zone", "S", "--config", str(config)])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out" / "2026Q3-S" / "complaints.csv", encoding="utf-8-sig", newline="") as handle:
        offices = {row[0] for row in list(csv.reader(handle))[1:]}
    with open(tmp_path / "out" / "2026Q3-S" / "visits.csv", encoding="utf-8-sig", newline="") as handle:
        people = {row[1] for row in list(csv.reader(handle))[1:] if row[1]}
    assert offices <= {"PEA-S1", "ทั้งหมด", "all"} and "PEA-S1" in offices
    assert "K001" not in people and "K003" in people
    nobody = runner.invoke(main, ["report", "quarter", "2026Q3", "--zone", "X", "--config", str(config)])
    assert nobody.exit_code != 0 and "no accounts in zone 'X'" in nobody.output
