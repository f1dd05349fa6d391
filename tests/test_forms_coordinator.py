"""Service, visit and rating forms, CA-number matching, and the coordinator spreadsheet, through real gspread."""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import FormResponse, Rating, Site, Ticket, Visit
from tests.forms_harness import OUTAGE_FIELDS, OUTAGE_HEADER, at, forms_config, poll

SERVICE = {"key": "service", "spreadsheet": "FORMS", "tab": "บริการ", "intent": "service",
           "account_column": "รหัสบัญชี", "fields": {"บริการ": "service", "วันที่ต้องการ": "preferred_date",
                                                      "เบอร์โทร": "phone"}}
VISITS = {"key": "visits", "spreadsheet": "FORMS", "tab": "บันทึกการเยี่ยม", "intent": "visit_report",
          "account_column": "รหัสบัญชี", "fields": {"รหัสพนักงาน": "staff_code", "วันที่เยี่ยม": "visit_date",
                                                     "รูปแบบ": "mode", "วัตถุประสงค์": "purpose", "บันทึก": "notes"}}
RATINGS = {"key": "ratings", "spreadsheet": "FORMS", "tab": "ประเมินการเยี่ยม", "intent": "visit_rating",
           "account_column": "รหัสบัญชี", "fields": {"วันที่เยี่ยม": "visit_date", "คะแนน": "score",
                                                      "ข้อเสนอแนะ": "comment"}}
BY_CA = {"key": "outage-ca", "spreadsheet": "OUTAGE-SHEET", "tab": "การตอบแบบฟอร์ม 1", "intent": "outage",
         "account_column": "หมายเลขผู้ใช้ไฟฟ้า", "account_kind": "ca_number", "fields": OUTAGE_FIELDS}


@pytest.fixture
def forms_book(sheets):
    book = sheets.add_spreadsheet("FORMS")
    book.add_tab("บริการ", [["ประทับเวลา", "รหัสบัญชี", "บริการ", "วันที่ต้องการ", "เบอร์โทร"]])
    book.add_tab("บันทึกการเยี่ยม", [["ประทับเวลา", "รหัสบัญชี", "รหัสพนักงาน", "วันที่เยี่ยม", "รูปแบบ",
                                      "วัตถุประสงค์", "บันทึก"]])
    book.add_tab("ประเมินการเยี่ยม", [["ประทับเวลา", "รหัสบัญชี", "วันที่เยี่ยม", "คะแนน", "ข้อเสนอแนะ"]])
    return book


def complaint_form(sheets):
    """The complaint form's responses sheet, with its header and no answers yet."""
    return sheets.add_spreadsheet("COMPLAINT-SHEET").add_tab("การตอบแบบฟอร์ม 1", [
        ["ประทับเวลา", "ที่อยู่อีเมล", "เรื่อง", "รายละเอียด", "เบอร์โทร"]])


class Coordinated(NamedTuple):
    coordinator: object
    outage: object
    complaints: object
    config: object


def coordinated_forms(org, sheets, tmp_path, *outage_rows) -> Coordinated:
    """The coordinator spreadsheet COORD, the outage form's responses (these rows under the header), an
    empty complaint form, and the config that polls them and writes the coordinator tabs."""
    coordinator = sheets.add_spreadsheet("COORD")
    outage = sheets.add_spreadsheet("OUTAGE-SHEET").add_tab("การตอบแบบฟอร์ม 1", [OUTAGE_HEADER, *outage_rows])
    complaints = complaint_form(sheets)
    return Coordinated(coordinator, outage, complaints,
                       forms_config(org.config, sheets, tmp_path, coordinator="COORD"))


def test_service_visit_and_rating_forms_use_the_same_domain_code(org, sheets, tmp_path, forms_book):
    config = forms_config(org.config, sheets, tmp_path, forms=[SERVICE, VISITS, RATINGS])
    forms_book.tab("บริการ").rows += [[at(9, 0), "A100", "FMS2", date(2026, 12, 1), "0812345678"],
                                      [at(9, 5), "A200", "MAINT", date(2026, 12, 2), ""]]  # status tier: not entitled
    forms_book.tab("บันทึกการเยี่ยม").rows += [[at(8, 0), "A100", "K001", date(2026, 11, 20), "โทรศัพท์",
                                                 "สร้างความสัมพันธ์", "คุยแผนปีหน้า"],
                                                [at(8, 5), "A200", "K001", date(2026, 11, 20), "", "", ""]]
    report = poll(org, config)
    assert report.failures == {}
    with session_scope(org.engine) as session:
        service = session.exec(select(Ticket)).one()
        visit = session.exec(select(Visit)).one()
        responses = {r.answers["account"] + r.form_key: r for r in session.exec(select(FormResponse)).all()}
    assert (service.kind, service.category, service.channel) == ("service", "FMS2", "form")
    assert service.details["preferred_date"] == "2026-12-01" and service.details["phone"] == "0812345678"
    assert "ไม่อยู่ในสิทธิ์ของลูกค้าระดับ status" in responses["A200service"].reason
    assert (visit.account_id, visit.mode, visit.purpose, visit.status, visit.channel) == (
        1, "phone", "relationship", "done", "form")
    assert responses["A200visits"].status == "invalid" and "ไม่ได้ดูแลบัญชีนี้" in responses["A200visits"].reason
    assert "ตรวจสอบข้อมูลโหลด" in str(org.line.messages_to("Ukamr1"))  # the KAMR's service card
    # the customers of A100 on LINE were asked to rate the visit (logged by form, as in LINE)
    assert "คุณสมชาย ใจดี ติดต่อเยี่ยม บริษัท น้ำตาลไทย จำกัด (โทรศัพท์)" in org.texts_to("Ucust1")[-1]
    forms_book.tab("ประเมินการเยี่ยม").rows.append([at(12, 0), "A100", date(2026, 11, 20), "2 - พอใช้", "โทรช้า"])
    poll(org, config)
    with session_scope(org.engine) as session:
        rating = session.exec(select(Rating)).one()
    assert (rating.subject_kind, rating.subject_id, rating.score, rating.comment) == ("visit", visit.id, 2, "โทรช้า")
    assert org.texts_to("Ukamr1")[-1].endswith("2/5 กรุณาโทรติดตาม")  # a low score: the KAMR is asked to call


def test_ca_number_identifies_the_site_even_when_the_sheet_made_it_a_number(org, sheets, tmp_path):
    with session_scope(org.engine) as session:
        site = session.exec(select(Site).where(Site.name == "โรงงาน 2")).one()
        site.ca_number = "020001234567"
        session.add(site)
    header = [("หมายเลขผู้ใช้ไฟฟ้า" if title == "รหัสบัญชี" else title) for title in OUTAGE_HEADER]
    sheets.add_spreadsheet("OUTAGE-SHEET").add_tab("การตอบแบบฟอร์ม 1", [
        header, [at(9, 40), 20001234567, "", "แรงดันต่ำ", "", "", "", ""]])
    poll(org, forms_config(org.config, sheets, tmp_path, forms=[BY_CA]))
    ticket = org.only_ticket()
    assert (ticket.account_id, ticket.site_id, ticket.category) == (1, site.id, "low_voltage")


def test_coordinator_tabs_are_added_once_and_refreshed_with_one_write_per_poll(org, sheets, tmp_path):
    coordinator, outage, _, config = coordinated_forms(
        org, sheets, tmp_path, [at(9, 40), "A100", "โรงงาน 1", "ไฟดับ", "", "", "", ""],
        [at(9, 41), "A999", "", "ไฟดับ", "", "", "", ""])
    poll(org, config)
    coordinator_calls = [r.kind for r in sheets.calls() if r.spreadsheet_id == "COORD"]
    assert coordinator_calls == ["metadata", "metadata", "batch_update", "values_batch_update"]
    tickets_tab = coordinator.tab("เรื่องทั้งหมด (บอท)").values()
    assert tickets_tab[1][:7] == ["OUT-69-00001", "ไฟดับ", "A100", "บริษัท น้ำตาลไทย จำกัด", "สมชาย ใจดี",
                                  "Google Forms", "รอรับเรื่อง"]
    responses_tab = coordinator.tab("คำตอบแบบฟอร์ม (บอท)").values()
    assert [row[3] for row in responses_tab[1:]] == ["รับเข้าระบบแล้ว", "ไม่พบบัญชี"]
    quota_tab = coordinator.tab("โควตาเยี่ยมไตรมาสนี้ (บอท)").values()
    assert quota_tab[0][0] == "ไตรมาส" and any(row[1] == "K001" for row in quota_tab[1:])
    # the KAMR acknowledges in LINE: the next poll shows it, with one write and no new tabs
    org.tap("Ukamr1", "a=outage.ack&t=1")
    sheets.reset_log()
    outage.rows.pop()  # a coordinator deletes the unmatched row: its record stays, nothing is duplicated
    poll(org, config)
    assert [r.kind for r in sheets.calls() if r.spreadsheet_id == "COORD"] == [
        "metadata", "metadata", "values_get", "values_batch_update"]  # the read: the incident tab (issue 16)
    assert coordinator.tab("เรื่องทั้งหมด (บอท)").values()[1][6] == "กำลังดำเนินการ"
    assert len(coordinator.tab("คำตอบแบบฟอร์ม (บอท)").values()) == 3
    # every poll: 3 reads per responses spreadsheet + 3 reads and 1 write for the coordinator sheet
    assert len(sheets.calls()) == 3 + 3 + 4


def test_a_shorter_table_leaves_no_stale_rows(org, sheets, tmp_path):
    from bot.forms import sheets as gateway

    coordinator = sheets.add_spreadsheet("COORD")
    client = gateway.open_client(forms_config(org.config, sheets, tmp_path, forms=[]).sheets)
    gateway.write_tabs(client, "COORD", {"t": [["h"], ["1"], ["2"], ["3"]]})
    gateway.write_tabs(client, "COORD", {"t": [["h"], ["1"]]})
    assert coordinator.tab("t").values() == [["h"], ["1"]]
    gateway.write_tabs(client, "COORD", {"t": [["h"]] + [[str(i)] for i in range(700)]})  # past the grid: grown
    assert len(coordinator.tab("t").values()) == 701


def test_adding_a_tab_is_never_retried_but_the_next_poll_recovers(org, sheets, tmp_path):
    coordinator, _, _, config = coordinated_forms(org, sheets, tmp_path)
    sheets.fail_next(500, kind="batch_update")
    report = poll(org, config)
    assert "Google answered 500" in report.failures["coordinator"]
    assert [r.status for r in sheets.calls("batch_update")] == [500]  # once: a repeat could add the tab twice
    sheets.fail_next(503, kind="values_batch_update")  # an overwrite is idempotent: retried at once
    report = poll(org, config)
    assert "coordinator" not in report.failures
    assert [r.status for r in sheets.calls("values_batch_update")] == [503, 200]
    assert coordinator.tab("เรื่องทั้งหมด (บอท)").values()[0][0] == "เลขที่"


def test_ticket_and_visit_tabs_show_answer_time_score_and_a_missing_kamr(org):
    from datetime import datetime, timezone

    from bot.forms.coordinator_tabs import build_tabs
    from storage import roster
    from storage.models import Account

    answered = datetime(2026, 11, 20, 7, 5, tzinfo=timezone.utc)
    with session_scope(org.engine) as session:
        a100, k001 = roster.account_by_code(session, "A100"), roster.staff_by_code(session, "K001")
        orphan = Account(account_code="Z999", name="บริษัท ไม่มีผู้ดูแล จำกัด", tier="star", office="PEA-N1")
        session.add(orphan)
        session.flush()
        complaint = Ticket(number="CMP-69-00001", kind="complaint", account_id=a100.id, status="answered",
                           category="billing", created_at=answered.replace(day=18), due_date=date(2026, 11, 25),
                           details={"answered_at": answered.isoformat(), "topic": "ค่าไฟ"})
        outage = Ticket(number="OUT-69-00001", kind="outage", account_id=orphan.id, channel="form", status="resolved",
                        created_at=answered, resolved_at=answered.replace(hour=9))
        visit = Visit(account_id=a100.id, staff_id=k001.id, visit_date=date(2026, 11, 19), status="done",
                      mode="video", purpose="service", created_at=answered, reported_at=answered)
        session.add_all([complaint, outage, visit])
        session.flush()
        session.add_all([Rating(subject_kind="ticket", subject_id=complaint.id, account_id=a100.id, score=4, at=answered),
                         Rating(subject_kind="visit", subject_id=visit.id, account_id=a100.id, score=2, at=answered)])
    with session_scope(org.engine) as session:
        tickets, visits = build_tabs(session, org.config, now=answered)[:2]
    assert tickets.rows[1:] == [
        ["CMP-69-00001", "ร้องเรียน", "A100", "บริษัท น้ำตาลไทย จำกัด", "สมชาย ใจดี", "LINE", "ตอบชี้แจงแล้ว",
         "18 พ.ย. 2569 14:05 น.", "25 พ.ย. 2569", "20 พ.ย. 2569 14:05 น.", "4", ""],
        ["OUT-69-00001", "ไฟดับ", "Z999", "บริษัท ไม่มีผู้ดูแล จำกัด", "", "Google Forms", "แก้ไขแล้ว",
         "20 พ.ย. 2569 14:05 น.", "", "20 พ.ย. 2569 16:05 น.", "", ""]]  # no media: no links
    assert visits.rows[1:] == [["19 พ.ย. 2569", "A100", "บริษัท น้ำตาลไทย จำกัด", "สมชาย ใจดี", "ประชุมทางไกล",
                                "ติดตามบริการ", "เยี่ยมแล้ว", "LINE", "20 พ.ย. 2569 14:05 น.", "2", "", ""]]  # in time, no risk group


def test_the_visit_form_takes_more_accounts_and_a_representative_and_names_a_bad_answer(org, sheets, tmp_path,
                                                                                        forms_book):
    from storage.models import Staff
    with session_scope(org.engine) as session:
        session.add(Staff(staff_code="Z900", name="สุรชัย ผอ.เขต", role="zone_director", office="PEA-N1"))
        session.add(Staff(staff_code="M001", name="มาลี ผจก.", role="office_manager", office="PEA-N1"))
    form = {**VISITS, "fields": {**VISITS["fields"], "บัญชีเพิ่มเติม": "more_accounts", "ผู้แทน": "representative"}}
    config = forms_config(org.config, sheets, tmp_path, forms=[form])
    tab = forms_book.tab("บันทึกการเยี่ยม")
    tab.rows[0] += ["บัญชีเพิ่มเติม", "ผู้แทน"]
    day = date(2026, 11, 20)
    tab.rows += [[at(8, 0), "A100", "K001", day, "", "", "", "A200", ""],  # K002's account: refused, row kept
                 [at(8, 5), "A100", "Z900", day, "", "", "", "a200, A100", "S001"],
                 [at(8, 10), "A100", "K001", day, "", "", "", "", "นายเอ"],  # a KAMR names no representative
                 [at(8, 15), "A200", "M001", day, "", "", "", "", "นายสมศักดิ์ วิศวกร"]]
    poll(org, config)
    with session_scope(org.engine) as session:
        reasons = [(r.answers["account"] + r.answers.get("staff_code", ""), r.status, r.reason)
                   for r in session.exec(select(FormResponse).order_by(FormResponse.id)).all()]
        staff = {s.id: s.staff_code for s in session.exec(select(Staff)).all()}
        logged = [(v.account_id, staff[v.staff_id], staff.get(v.on_behalf_of_id), v.representative_name,
                   v.joint_id is not None) for v in session.exec(select(Visit).order_by(Visit.id)).all()]
    assert [(who, status) for who, status, _ in reasons] == [
        ("A100K001", "invalid"), ("A100Z900", "ingested"), ("A100K001", "invalid"), ("A200M001", "ingested")]
    assert [reason for _, status, reason in reasons if status == "invalid"] == [
        "บัญชีเพิ่มเติม 'A200': ไม่พบ หรือ สมชาย ใจดี ไม่ได้ดูแลบัญชีนี้ (คอลัมน์ more_accounts)",
        "สมชาย ใจดี ไม่ใช่ผู้บริหารที่มีเป้าหมายการเยี่ยม จึงระบุผู้แทนไม่ได้ (คอลัมน์ representative)"]
    assert logged == [(1, "S001", "Z900", "", True), (2, "S001", "Z900", "", True),
                      (2, "M001", "M001", "นายสมศักดิ์ วิศวกร", False)]


def test_the_visit_form_names_the_contacts_met_and_only_they_are_asked_to_rate(org, sheets, tmp_path, forms_book):
    """Issue 21 item 6 by Google Form: names or phones of the contacts met, matched within the account;
    one that matches nobody is named on the row, and the visit is recorded all the same."""
    from storage.models import Contact
    with session_scope(org.engine) as session:
        first, second = session.exec(select(Contact).where(Contact.line_user_id.in_(["Ucust1", "Ucust2"]))
                                     .order_by(Contact.line_user_id)).all()
        first.name, first.phone = "สมหญิง รักงาน", "081-555-0001"
        second.name = "ประเสริฐ ใจเย็น"
        session.add_all([first, second])
        first_id = first.id
    form = {**VISITS, "fields": {**VISITS["fields"], "ผู้ติดต่อที่พบ": "contacts_met"}}
    config = forms_config(org.config, sheets, tmp_path, forms=[form])
    tab = forms_book.tab("บันทึกการเยี่ยม")
    tab.rows[0] += ["ผู้ติดต่อที่พบ"]
    tab.rows.append([at(8, 0), "A100", "K001", date(2026, 11, 20), "โทรศัพท์", "", "", "0815550001, คุณสมปอง"])
    poll(org, config)
    with session_scope(org.engine) as session:
        visit = session.exec(select(Visit)).one()
        response = session.exec(select(FormResponse)).one()
    assert visit.met_contact_ids == [first_id]
    assert (response.status, response.reason) == ("ingested",
                                                  "ไม่พบผู้ติดต่อ 'คุณสมปอง' ในบัญชี (คอลัมน์ contacts_met)")
    assert "คุณสมชาย ใจดี ติดต่อเยี่ยม บริษัท น้ำตาลไทย จำกัด (โทรศัพท์)" in org.texts_to("Ucust1")[-1]
    assert not any("ติดต่อเยี่ยม" in text for text in org.texts_to("Ucust2"))  # not met: not asked


def _written_ranges(sheets) -> list[tuple[str, str]]:
    """(tab title, first cell) of every range the values batchUpdates since the log was reset wrote."""
    return [tuple(item["range"].rsplit("!", 1)) for call in sheets.calls("values_batch_update")
            for item in call.body["data"]]


def _written_tabs(sheets) -> list[str]:
    """The titles of the tabs written whole (from A1)."""
    return [title.strip("'") for title, cell in _written_ranges(sheets) if cell == "A1"]


def test_a_poll_writes_only_the_coordinator_tabs_that_changed(org, sheets, tmp_path):
    coordinator, _, complaints, config = coordinated_forms(
        org, sheets, tmp_path, [at(9, 40), "A100", "โรงงาน 1", "ไฟดับ", "", "", "", ""])
    poll(org, config)
    assert "เรื่องทั้งหมด (บอท)" in _written_tabs(sheets)
    # nothing new: the coordinator sheet is read (its tabs, the incident tab) and not written
    sheets.reset_log()
    org.advance(minutes=5)
    assert poll(org, config).failures == {}
    assert [r.kind for r in sheets.calls() if r.spreadsheet_id == "COORD"] == ["metadata", "metadata", "values_get"]
    # the KAMR acknowledges: the ticket's status and history change, and the status beside its form response
    org.tap("Ukamr1", "a=outage.ack&t=1")
    sheets.reset_log()
    org.advance(minutes=5)
    poll(org, config)
    assert sorted(_written_tabs(sheets)) == sorted(["เรื่องทั้งหมด (บอท)", "ประวัติเรื่อง (บอท)", "คำตอบแบบฟอร์ม (บอท)"])
    assert len(sheets.calls("values_batch_update")) == 1
    assert coordinator.tab("เรื่องทั้งหมด (บอท)").values()[1][6] == "กำลังดำเนินการ"
    # a complaint from an address nobody has: only the form responses tab shows it
    complaints.rows.append([at(10, 0), "somchai@example.com", "ค่าไฟฟ้า/บิล", "บิลสูงผิดปกติ", ""])
    sheets.reset_log()
    org.advance(minutes=5)
    poll(org, config)
    assert _written_tabs(sheets) == ["คำตอบแบบฟอร์ม (บอท)"]
    assert sorted(row[3] for row in coordinator.tab("คำตอบแบบฟอร์ม (บอท)").values()[1:]) == sorted([
        "ไม่พบบัญชี", "รับเข้าระบบแล้ว"])


def test_a_tab_edited_or_deleted_by_hand_is_put_right(org, sheets, tmp_path):
    coordinator, _, _, config = coordinated_forms(
        org, sheets, tmp_path, [at(9, 40), "A100", "โรงงาน 1", "ไฟดับ", "", "", "", ""])
    assert config.sheets.coordinator_rewrite_minutes == 60
    poll(org, config)
    tickets = coordinator.tab("เรื่องทั้งหมด (บอท)")
    tickets.rows[1][6] = "แก้ไขแล้ว"  # a coordinator types over the bot's status
    coordinator.tabs.remove(coordinator.tab("คำตอบแบบฟอร์ม (บอท)"))  # and deletes a tab
    sheets.reset_log()
    org.advance(minutes=30)
    poll(org, config)
    assert _written_tabs(sheets) == ["คำตอบแบบฟอร์ม (บอท)"]  # a missing tab comes back at once
    assert coordinator.tab("คำตอบแบบฟอร์ม (บอท)").values()[1][3] == "รับเข้าระบบแล้ว"
    assert tickets.values()[1][6] == "แก้ไขแล้ว"  # the edit stands until the hourly rewrite
    sheets.reset_log()
    org.advance(minutes=31)
    poll(org, config)
    assert "เรื่องทั้งหมด (บอท)" in _written_tabs(sheets)
    assert tickets.values()[1][6] == "รอรับเรื่อง"


def test_two_pollers_share_what_was_written(org, sheets, tmp_path):
    """The fingerprints live in the database: a second poller (or a restarted one) writes nothing either."""
    first = coordinated_forms(org, sheets, tmp_path).config
    poll(org, first)
    (tmp_path / "other").mkdir()
    second = forms_config(org.config, sheets, tmp_path / "other", coordinator="COORD")
    sheets.reset_log()
    poll(org, second)
    assert sheets.calls("values_batch_update") == []


def test_rewriting_every_poll_can_be_chosen(org, sheets, tmp_path):
    from bot.config import parse_config

    data = coordinated_forms(org, sheets, tmp_path).config.model_dump(mode="json")
    data["sheets"]["coordinator_rewrite_minutes"] = 0
    config = parse_config(data)
    poll(org, config)
    sheets.reset_log()
    poll(org, config)
    assert "เรื่องทั้งหมด (บอท)" in _written_tabs(sheets)


def test_a_long_tab_is_written_only_in_the_blocks_of_rows_that_changed(org, sheets, tmp_path, monkeypatch):
    from bot.forms import sheets as gateway

    monkeypatch.setattr(gateway, "BLOCK_ROWS", 2)  # blocks of two rows instead of 500: a short table will do
    coordinator, outage, _, config = coordinated_forms(
        org, sheets, tmp_path, [at(9, 40), "A200", "", "ไฟดับ", "", "", "", ""],
        [at(9, 41), "A100", "โรงงาน 1", "ไฟดับ", "", "", "", ""])
    poll(org, config)
    tickets = coordinator.tab("เรื่องทั้งหมด (บอท)")
    assert [row[2] for row in tickets.values()] == ["รหัสบัญชี", "A200", "A100"]  # blocks: header, A200 | A100
    # the second ticket is acknowledged and a third comes in: only the second block is written
    org.tap("Ukamr1", "a=outage.ack&t=2")
    outage.rows.append([at(10, 0), "A100", "โรงงาน 2", "ไฟดับ", "", "", "", ""])
    sheets.reset_log()
    org.advance(minutes=5)
    poll(org, config)
    assert [cell for title, cell in _written_ranges(sheets) if title == "'เรื่องทั้งหมด (บอท)'"] == ["A3"]
    assert [(row[0], row[6]) for row in tickets.values()[1:]] == [
        ("OUT-69-00001", "รอรับเรื่อง"), ("OUT-69-00002", "กำลังดำเนินการ"), ("OUT-69-00003", "รอรับเรื่อง")]
    # nothing new: nothing written
    sheets.reset_log()
    poll(org, config)
    assert sheets.calls("values_batch_update") == []
