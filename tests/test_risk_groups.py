"""Issue 17 item 4, the rest: the selection record (CRM-KAM-001) stored per account and year, risk-group
accounts (SPP, self-generation) marked where staff look, and their visits carrying a risk note in LINE,
Forms and the report."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from sqlmodel import select

from conftest import ACCOUNTS_CSV, STAFF_CSV
from handlers.reporting.build import build_report, load, only_offices
from handlers.reporting.period import parse_period
from storage import roster, selection
from storage.db import session_scope
from storage.models import FormResponse, SelectionRecord, Visit
from tests.forms_harness import at, forms_config, poll
from visiting import all_met
from cli_world import frozen_kambot, import_roster

DEC_1 = datetime(2026, 12, 1, 3, 0, tzinfo=timezone.utc)  # 10:00 in Bangkok
HVC = """account_code,name,office,value_group,voltage_kv,avg_bill_thb,spp_estate
A100,บริษัท น้ำตาลไทย จำกัด,PEA-N1,M,22,6000000,yes
A200,โรงพยาบาลเมือง,PEA-N1,H,115,1000000,no
A999,ไม่อยู่ในทะเบียน,PEA-N1,H,115,0,no
"""


def _mark_spp(session, code="A100", year=2026) -> None:
    selection.record(session, roster.account_by_code(session, code), year, tier="star", criterion="spp_risk",
                     reason="SPP estate", also_met=[], risk_groups=["spp"], now=DEC_1, by="test")


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _visits(bot) -> list[Visit]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Visit).order_by(Visit.id)).all())


# --- the record: classify --record, export, import --------------------------------------------------


@pytest.fixture
def kambot(engine, tmp_path, monkeypatch):
    import_roster(engine, STAFF_CSV, ACCOUNTS_CSV)
    return frozen_kambot(engine, tmp_path, monkeypatch, DEC_1)


def test_classify_stores_the_record_and_export_and_import_round_trip(engine, kambot, tmp_path):
    (tmp_path / "hvc.csv").write_text(HVC, encoding="utf-8")
    classified = kambot("accounts", "classify", str(tmp_path / "hvc.csv"), "--record", "2026", "--by", "S001")
    assert classified.exit_code == 0, classified.output
    assert ("recorded the 2026 selection record of 2 accounts; 1 not in the roster, not recorded: A999"
            in classified.stdout)
    with session_scope(engine) as session:
        stored = {r.account_id: r for r in session.exec(select(SelectionRecord))}
        a100, a200 = roster.account_by_code(session, "A100"), roster.account_by_code(session, "A200")
        # The zone rule decided A100; the SPP criterion, also met, still puts it in the risk group.
        assert (stored[a100.id].tier, stored[a100.id].criterion, stored[a100.id].also_met,
                stored[a100.id].risk_groups, stored[a100.id].decided_by) == (
            "star", "bill_zone_top", "spp_risk", "spp", "S001")
        assert stored[a100.id].reason.startswith("value M; average bill 6 M THB is #1")
        assert (stored[a200.id].tier, stored[a200.id].criterion, stored[a200.id].risk_groups) == (
            "strategic", "voltage", "")

    load_shown = kambot("staff", "load").stdout.splitlines()
    assert "risk-group accounts (CRM-KAM-001): K001 สมชาย ใจดี holds 1 (A100 spp)" in load_shown

    exported = kambot("accounts", "selection", "export", str(tmp_path / "sel.csv"), "--year", "2026")
    assert exported.exit_code == 0, exported.output
    assert "the 2026 selection record of 2 accounts, 1 in a risk group" in exported.stdout
    lines = (tmp_path / "sel.csv").read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "account_code,name,office,year,tier,criterion,reason,also_met,risk_group,decided_at,decided_by"
    assert lines[1].startswith("A100,บริษัท น้ำตาลไทย จำกัด,PEA-N1,2026,star,bill_zone_top,")

    # Edited and imported again: the good rows are kept, each bad one named by row and column.
    edited = lines + ["A200,,,2026,strategic,voltage,value H,,self_generation,,S001",
                      "A100,,,2027,gold,voltage,,,,,",
                      "A100,,,2027,star,spp_risk,,,solar,,",
                      "A777,,,2027,star,spp_risk,,,,,",
                      "A100,,,27,star,spp_risk,,,,,",
                      "A100,,,2027,star,,,,,,",
                      "A100,,,2027,,not_listed,not on the HVC list,,,,"]
    (tmp_path / "edited.csv").write_text("\n".join(edited) + "\n", encoding="utf-8")
    imported = kambot("accounts", "selection", "import", str(tmp_path / "edited.csv"))
    assert imported.exit_code == 1
    assert imported.stderr.splitlines() == [
        f"{tmp_path / 'edited.csv'}: row 5, column tier: 'gold' is not one of strategic, star, status, streamline "
        "(or empty)",
        f"{tmp_path / 'edited.csv'}: row 6, column risk_group: 'solar' is not one of spp, self_generation (or empty)",
        f"{tmp_path / 'edited.csv'}: row 7, column account_code: 'A777' is not an account in the roster",
        f"{tmp_path / 'edited.csv'}: row 8, column year: '27' is not a year like 2026",
        f"{tmp_path / 'edited.csv'}: row 9, column criterion: empty"]
    assert "1 created, 3 updated, 5 rows with errors" in imported.stdout
    with session_scope(engine) as session:
        a200 = roster.account_by_code(session, "A200")
        assert selection.risk_groups_of(session, [a200.id], 2026) == {a200.id: ["self_generation"]}
        records = session.exec(select(SelectionRecord).where(SelectionRecord.year == 2027)).all()
        assert [(r.tier, r.criterion) for r in records] == [("", "not_listed")]  # not a key account in 2027


def test_quota_show_counts_risk_group_accounts_and_visits_without_a_note(engine, kambot):
    with session_scope(engine) as session:
        _mark_spp(session)
        a100, k001 = roster.account_by_code(session, "A100"), roster.staff_by_code(session, "K001")
        for day, note in ((date(2026, 11, 20), ""), (date(2026, 11, 25), "SPP เสนอราคาต่ำกว่า")):
            session.add(Visit(account_id=a100.id, staff_id=k001.id, visit_date=day, status="done", created_at=DEC_1,
                              reported_at=DEC_1, risk_note=note))
    shown = kambot("quota", "show", "--quarter", "2026Q4").stdout
    [line] = [line for line in shown.splitlines() if line.startswith("K001")]
    assert line.endswith("risk-group 1, 1 visit(s) without risk note"), line
    [other] = [line for line in shown.splitlines() if line.startswith("K002")]
    assert "risk" not in other


# --- LINE: the KAMR is asked for the risk note before the visit is recorded --------------------------


def _log_visit(bot, notes="คุยแผนขยายโรงงาน 2"):
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", _quick(bot.last_to("Ukamr1"))[0]["data"])
    bot.tap("Ukamr1", "a=visit.date", date="2026-11-23")
    bot.tap("Ukamr1", "a=visit.mode&v=on_site")
    bot.tap("Ukamr1", "a=visit.purpose&v=relationship")
    bot.say("Ukamr1", notes)
    all_met(bot, "Ukamr1")


def test_a_done_visit_to_a_risk_group_account_waits_for_its_risk_note(org):
    bot = org
    with session_scope(bot.engine) as session:
        _mark_spp(session)
    _log_visit(bot)
    ask = bot.last_to("Ukamr1")
    assert ask["text"] == ("บริษัท น้ำตาลไทย จำกัด เป็นลูกค้ากลุ่มเสี่ยง (SPP) กรุณาพิมพ์สิ่งที่พบเรื่องการแข่งขันจาก SPP "
                           "หรือแผนผลิตไฟใช้เอง ก่อนบันทึกการเยี่ยม หรือกด ‘ไม่พบความเสี่ยง’")
    assert [a["label"] for a in _quick(ask)] == ["ไม่พบความเสี่ยง", "ยกเลิก"]
    assert _visits(bot) == []  # not recorded until answered
    assert bot.line.messages_to("Ucust1") == []  # nobody asked to rate yet
    bot.tap("Ukamr1", _quick(ask)[0]["data"])
    assert bot.last_to("Ukamr1")["text"].startswith("บันทึกการเยี่ยม บริษัท น้ำตาลไทย จำกัด วันที่ 23 พ.ย. 2569")
    [visit] = _visits(bot)
    assert (visit.status, visit.notes, visit.risk_note) == ("done", "คุยแผนขยายโรงงาน 2", "none_seen")

    _log_visit(bot, notes="ติดตามบริการ")
    bot.say("Ukamr1", "ลูกค้ากำลังคุยกับ SPP ในนิคมเรื่องซื้อไฟตรง")
    _log_visit(bot, notes="โทรนัดประชุม")
    bot.say("Ukamr1", "ไม่พบความเสี่ยง")  # typed instead of tapped: the same explicit answer
    assert [v.risk_note for v in _visits(bot)] == ["none_seen", "ลูกค้ากำลังคุยกับ SPP ในนิคมเรื่องซื้อไฟตรง",
                                                   "none_seen"]


def test_a_planned_visit_reported_later_asks_for_the_note_too_and_other_accounts_do_not(org):
    bot = org
    with session_scope(bot.engine) as session:
        _mark_spp(session)
        a100, k001 = roster.account_by_code(session, "A100"), roster.staff_by_code(session, "K001")
        planned = Visit(account_id=a100.id, staff_id=k001.id, visit_date=date(2026, 11, 20), status="planned",
                        created_at=DEC_1)
        session.add(planned)
        session.flush()
        planned_id = planned.id
    bot.tap("Ukamr1", f"a=visit.report&v={planned_id}")
    bot.say("Ukamr1", "ประชุมแผนปีหน้า")
    all_met(bot, "Ukamr1")
    assert "เป็นลูกค้ากลุ่มเสี่ยง (SPP)" in bot.last_to("Ukamr1")["text"]
    assert _visits(bot)[0].status == "planned"
    bot.tap("Ukamr1", "a=visit.norisk")
    [visit] = _visits(bot)
    assert (visit.status, visit.notes, visit.risk_note) == ("done", "ประชุมแผนปีหน้า", "none_seen")

    # K002's hospital is in no risk group: its visit is recorded at once, with no question.
    bot.tap("Ukamr2", "a=visit")
    bot.tap("Ukamr2", _quick(bot.last_to("Ukamr2"))[0]["data"])
    bot.tap("Ukamr2", "a=visit.date", date="2026-11-23")
    bot.tap("Ukamr2", "a=visit.mode&v=phone")
    bot.tap("Ukamr2", "a=visit.purpose&v=relationship")
    bot.tap("Ukamr2", "a=visit.save")
    all_met(bot, "Ukamr2")
    assert bot.last_to("Ukamr2")["text"].startswith("บันทึกการเยี่ยม โรงพยาบาลเมือง")
    assert [v.risk_note for v in _visits(bot)] == ["none_seen", ""]


def test_the_kamr_card_of_a_risk_group_account_shows_the_mark(org):
    bot = org
    with session_scope(bot.engine) as session:
        _mark_spp(session)
    for user in ("Ucust1", "Uhosp"):
        bot.tap(user, "a=outage")
        bot.tap(user, bot.last_to(user)["quickReply"]["items"][0]["action"]["data"])
        bot.tap(user, "a=outage.symptom&v=no_power")
        bot.tap(user, "a=outage.since&v=now")
    body = [c["text"] for c in bot.last_to("Ukamr1")["contents"]["body"]["contents"]]
    assert body[:3] == ["⚡ แจ้งไฟดับ OUT-69-00001", "ลูกค้า: บริษัท น้ำตาลไทย จำกัด (A100)", "⚠️ กลุ่มเสี่ยง: SPP"]
    hospital = [c["text"] for c in bot.last_to("Ukamr2")["contents"]["body"]["contents"]]
    assert not any("กลุ่มเสี่ยง" in line for line in hospital)


# --- Forms: recorded, and flagged for the coordinator -----------------------------------------------

VISITS_FORM = {"key": "visits", "spreadsheet": "FORMS", "tab": "บันทึกการเยี่ยม", "intent": "visit_report",
               "account_column": "รหัสบัญชี", "fields": {"รหัสพนักงาน": "staff_code", "วันที่เยี่ยม": "visit_date",
                                                          "ความเสี่ยงที่พบ": "risk_note"}}


def test_a_form_visit_without_the_risk_note_is_recorded_and_flagged(org, sheets, tmp_path):
    from bot.forms.coordinator_tabs import build_tabs

    with session_scope(org.engine) as session:
        _mark_spp(session)
    sheets.add_spreadsheet("FORMS").add_tab("บันทึกการเยี่ยม", [
        ["ประทับเวลา", "รหัสบัญชี", "รหัสพนักงาน", "วันที่เยี่ยม", "ความเสี่ยงที่พบ"],
        [at(8, 0), "A100", "K001", date(2026, 11, 20), ""],
        [at(8, 5), "A100", "K001", date(2026, 11, 21), "ไม่พบความเสี่ยง"],
        [at(8, 10), "A200", "K002", date(2026, 11, 21), ""]])
    report = poll(org, forms_config(org.config, sheets, tmp_path, forms=[VISITS_FORM]))
    assert report.failures == {}
    with session_scope(org.engine) as session:
        responses = list(session.exec(select(FormResponse).order_by(FormResponse.submitted_at)))
        visits = {v.id: v for v in session.exec(select(Visit))}
        tabs = {tab.name: tab.rows for tab in build_tabs(session, org.config, now=org.now)}
    assert [r.status for r in responses] == ["ingested"] * 3
    assert responses[0].reason == ("⚠️ รับการเยี่ยมแล้ว แต่ไม่มีบันทึกความเสี่ยง: บริษัท น้ำตาลไทย จำกัด เป็นลูกค้า"
                                   "กลุ่มเสี่ยง (SPP) ต้องบันทึกสิ่งที่พบเรื่อง SPP/การผลิตไฟใช้เอง หรือ ‘ไม่พบความเสี่ยง’")
    assert [r.reason for r in responses[1:]] == ["", ""]  # said explicitly; not a risk-group account
    assert [visits[r.visit_id].risk_note for r in responses] == ["", "none_seen", ""]
    assert [row[-1] for row in tabs["visits"][1:]] == ["⚠️ ไม่มีบันทึกความเสี่ยง (ลูกค้ากลุ่มเสี่ยง)",
                                                       "ไม่พบความเสี่ยง", ""]
    assert tabs["form_responses"][1][4].startswith("⚠️ รับการเยี่ยมแล้ว แต่ไม่มีบันทึกความเสี่ยง")
    assert tabs["selection"][1][:6] == ["A100", "บริษัท น้ำตาลไทย จำกัด", "PEA-N1", "2026", "star", "spp_risk"]


# --- the quarterly report ---------------------------------------------------------------------------


def test_the_report_counts_risk_group_accounts_visited_and_their_notes(org):
    bot = org
    with session_scope(bot.engine) as session:
        _mark_spp(session)
        a100, a200 = roster.account_by_code(session, "A100"), roster.account_by_code(session, "A200")
        k001 = roster.staff_by_code(session, "K001")
        for account, day, note, status in ((a100, date(2026, 10, 5), "SPP เสนอราคา", "done"),
                                           (a100, date(2026, 11, 2), "", "done"),
                                           (a100, date(2026, 12, 20), "", "planned"),  # not done: not counted
                                           (a100, date(2026, 9, 30), "", "done"),  # Q3
                                           (a200, date(2026, 10, 6), "", "done")):  # no risk group
            session.add(Visit(account_id=account.id, staff_id=k001.id, visit_date=day, status=status,
                              created_at=DEC_1, reported_at=DEC_1, risk_note=note))
    period = parse_period("2026Q4", bot.config.quotas)
    with session_scope(bot.engine) as session:
        data = load(session, period, bot.config.quotas, now=DEC_1)
    figures = [{"office": "PEA-N1", "risk_accounts": 1, "risk_accounts_visited": 1, "visits": 2,
                "with_risk_note": 1, "without_risk_note": 1, "risk_note_pct": 50.0}]
    report = build_report(data, period, bot.config.reports, now=DEC_1)
    assert report.table("risk_visits").records() == figures
    zone = build_report(only_offices(data, {"PEA-N1"}), period, bot.config.reports, now=DEC_1)  # a zone's review
    assert zone.table("risk_visits").records() == figures
