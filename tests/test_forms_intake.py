"""Google Forms intake with the real gspread client against the Sheets stand-in."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import FormResponse, Ticket
from tests.forms_harness import OUTAGE_HEADER, at, forms_config, poll


@pytest.fixture
def outage_sheet(sheets):
    book = sheets.add_spreadsheet("OUTAGE-SHEET", "แจ้งไฟดับ (การตอบกลับ)")
    return book.add_tab("การตอบแบบฟอร์ม 1", [OUTAGE_HEADER])


@pytest.fixture
def complaint_sheet(sheets):
    from tests.forms_harness import COMPLAINT_HEADER

    return sheets.add_spreadsheet("COMPLAINT-SHEET").add_tab("การตอบแบบฟอร์ม 1", [COMPLAINT_HEADER])


@pytest.fixture
def fcfg(org, sheets, tmp_path, outage_sheet, complaint_sheet):
    return forms_config(org.config, sheets, tmp_path)


def tickets_of(bot):
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Ticket).order_by(Ticket.id)).all())


def responses_of(bot):
    with session_scope(bot.engine) as session:
        return list(session.exec(select(FormResponse).order_by(FormResponse.id)).all())


def test_form_outage_becomes_the_same_ticket_and_kamr_card_as_line(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows.append([at(9, 40, 5), "A100", "โรงงาน 2", "ไฟดับ", at(9, 30), "หม้อแปลงระเบิด", "สมศรี", "0812345678"])
    report = poll(org, fcfg)
    assert report.failures == {}
    ticket = org.only_ticket()
    assert ticket.number == "OUT-69-00001" and ticket.kind == "outage" and ticket.channel == "form"
    assert ticket.category == "no_power"
    assert ticket.started_at == datetime(2026, 11, 23, 2, 30, tzinfo=timezone.utc)  # 09:30 Bangkok
    card = org.last_to("Ukamr1")
    assert card["altText"].startswith("⚡ แจ้งไฟดับ OUT-69-00001")
    body = str(card)
    assert "โรงงาน 2" in body and "0812345678" in body and "Google Forms" in body
    # per spreadsheet: open (metadata), list tabs (metadata), one values read, unformatted, serial dates
    outage_calls = [r for r in sheets.calls() if r.spreadsheet_id == "OUTAGE-SHEET"]
    assert [r.kind for r in outage_calls] == ["metadata", "metadata", "values_get"]
    assert outage_calls[2].params["valueRenderOption"] == ["UNFORMATTED_VALUE"]
    assert outage_calls[2].params["dateTimeRenderOption"] == ["SERIAL_NUMBER"]


def _outage_row(stamp, account="A100", site="โรงงาน 1", symptom="ไฟดับ", details="", phone="0812345678"):
    return [stamp, account, site, symptom, "", details, "สมศรี", phone]


def test_reading_the_same_rows_again_or_sorted_creates_nothing_more(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows += [_outage_row(at(9, 40)), _outage_row(at(9, 45), account="A200", site="")]
    poll(org, fcfg)
    assert len(tickets_of(org)) == 2
    sent = len(org.line.messages_to("Ukamr1")) + len(org.line.messages_to("Ukamr2"))
    sheets.reset_log()
    poll(org, fcfg)
    outage_sheet.rows[1:] = list(reversed(outage_sheet.rows[1:]))  # a coordinator sorts the sheet
    poll(org, fcfg)
    assert len(tickets_of(org)) == 2 and len(responses_of(org)) == 2
    assert len(org.line.messages_to("Ukamr1")) + len(org.line.messages_to("Ukamr2")) == sent
    # each poll still costs three requests for this sheet, whatever the rows
    assert len([r for r in sheets.calls() if r.spreadsheet_id == "OUTAGE-SHEET"]) == 6


def test_an_edited_answer_annotates_the_ticket_and_never_duplicates(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows.append(_outage_row(at(9, 40), details="ไฟดับทั้งโรงงาน"))
    poll(org, fcfg)
    outage_sheet.rows[1][5] = "ไฟดับทั้งโรงงาน ตั้งแต่เสาไฟล้ม"  # corrected in the sheet
    poll(org, fcfg)
    # the respondent edits in Google Forms: the timestamp moves to the edit time
    outage_sheet.rows[1][0] = at(10, 5)
    outage_sheet.rows[1][7] = "0899999999"
    poll(org, fcfg)
    assert len(tickets_of(org)) == 1 and len(responses_of(org)) == 1
    edits = [e for e in org.ticket_events() if e.action == "form_edited"]
    assert [e.details["changes"] for e in edits] == [
        {"details": ["ไฟดับทั้งโรงงาน", "ไฟดับทั้งโรงงาน ตั้งแต่เสาไฟล้ม"]},
        {"phone": ["0812345678", "0899999999"]},
    ]
    assert responses_of(org)[0].submitted_at == datetime(2026, 11, 23, 3, 5, tzinfo=timezone.utc)


def test_a_column_inserted_in_the_form_changes_nothing(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows.append(_outage_row(at(9, 40)))
    poll(org, fcfg)
    for row in outage_sheet.rows:  # a new question lands in the middle of the sheet
        row.insert(2, "คำถามใหม่" if row is outage_sheet.rows[0] else "คำตอบ")
    outage_sheet.rows.append(_outage_row(at(11, 0), account="A200", site=""))
    outage_sheet.rows[-1].insert(2, "")
    report = poll(org, fcfg)
    assert report.results["outage"].unknown_columns == ["คำถามใหม่"]
    assert [t.account_id for t in tickets_of(org)] == [1, 2]
    assert len(responses_of(org)) == 2


def test_duplicate_header_titles_take_the_answered_column(org, sheets, fcfg, outage_sheet):
    # Google Forms repeats a title when a question is re-created: old answers left, new ones right
    outage_sheet.set_rows([OUTAGE_HEADER + ["รายละเอียด"],
                           _outage_row(at(9, 40), details="") + ["สายไฟขาด"],
                           _outage_row(at(9, 50), account="A200", site="", details="ไฟกระพริบ") + [""]])
    poll(org, fcfg)
    assert [t.description for t in tickets_of(org)] == ["สายไฟขาด", "ไฟกระพริบ"]


def test_buddhist_era_sheet_reads_serial_timestamps_in_the_sheets_zone(org, sheets, fcfg, outage_sheet):
    book = sheets.spreadsheets["OUTAGE-SHEET"]
    book.locale, book.timezone = "th_TH", "Asia/Bangkok"  # shows 23/11/2569 0:15:00
    outage_sheet.rows.append(_outage_row(at(0, 15, day=24)))
    poll(org, fcfg)
    response = responses_of(org)[0]
    assert response.submitted_at == datetime(2026, 11, 23, 17, 15, tzinfo=timezone.utc)
    assert response.status == "ingested"
    # the same sheet in another zone: the serial is wall time there
    book.timezone = "Europe/London"
    outage_sheet.rows.append(_outage_row(at(8, 0, day=24), account="A200", site=""))
    poll(org, fcfg)
    assert responses_of(org)[1].submitted_at == datetime(2026, 11, 24, 8, 0, tzinfo=timezone.utc)


def test_429_then_success_is_retried_within_the_poll(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows.append(_outage_row(at(9, 40)))
    sheets.fail_next(429, kind="values_get")
    report = poll(org, fcfg)
    assert report.failures == {}
    assert len(tickets_of(org)) == 1
    reads = [r.status for r in sheets.calls("values_get") if r.spreadsheet_id == "OUTAGE-SHEET"]
    assert reads == [429, 200]


def test_a_failing_sheet_does_not_stop_the_others_and_is_recorded(org, sheets, fcfg, outage_sheet, complaint_sheet):
    from storage import form_responses

    outage_sheet.rows.append(_outage_row(at(9, 40)))
    sheets.spreadsheets["COMPLAINT-SHEET"].shared = False
    sheets.fail_next(503, times=3, kind="values_get")  # all three attempts fail: bounded, then given up
    report = poll(org, fcfg)
    assert "not shared with the service account" in report.failures["complaint"]
    assert "503" in report.failures["outage"]
    assert tickets_of(org) == []
    with session_scope(org.engine) as session:
        assert form_responses.last_poll(session, "outage")["ok"] is False
    report = poll(org, fcfg)  # the next poll gets it
    assert "outage" in report.results and len(tickets_of(org)) == 1


def test_unmatched_and_invalid_responses_are_kept_with_the_reason_and_retried(org, sheets, fcfg, outage_sheet):
    outage_sheet.rows += [_outage_row(at(9, 40), account="A999"), _outage_row(at(9, 41), account=""),
                          ["วันพรุ่งนี้", "A100", "", "", "", "", "", ""]]
    poll(org, fcfg)
    stored = {r.answers.get("account", ""): r for r in responses_of(org)}
    assert stored["A999"].status == "unmatched" and "A999" in stored["A999"].reason
    assert stored[""].status == "invalid" and "รหัสบัญชี" in stored[""].reason
    assert "วันพรุ่งนี้" in stored["A100"].reason and stored["A100"].status == "invalid"
    assert tickets_of(org) == []
    outage_sheet.rows[1][1] = "A200"  # the coordinator corrects the code in the sheet
    poll(org, fcfg)
    assert len(responses_of(org)) == 3
    assert [t.account_id for t in tickets_of(org)] == [2]


def test_complaint_by_registered_email_runs_the_complaint_clock_from_submission(org, sheets, fcfg, complaint_sheet):
    from storage.models import Contact

    with session_scope(org.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Ucust1")).one()
        contact.email = "Somsri@Example.co.th"
        session.add(contact)
    # Friday 10 April 2026 17:00 Bangkok: 5 working days, Songkran skipped (design.md's example)
    complaint_sheet.rows.append([datetime(2026, 4, 10, 17, 0), "somsri@example.co.th ", "ค่าไฟฟ้า/บิล",
                                 "บิลเดือนนี้สูงผิดปกติ", "0812345678"])
    poll(org, fcfg)
    ticket = org.only_ticket()
    assert ticket.kind == "complaint" and ticket.channel == "form" and ticket.category == "billing"
    assert ticket.contact_id is not None
    assert ticket.created_at == datetime(2026, 4, 10, 10, 0, tzinfo=timezone.utc)
    assert ticket.due_date.isoformat() == "2026-04-22"
    assert org.last_to("Ukamr1")["altText"].startswith("📝 ร้องเรียน CMP-69-00001")


def test_a_repeated_title_can_be_pinned_to_one_column():
    from bot.config import FormConfig
    from bot.forms.rows import map_columns

    form = FormConfig(key="f", spreadsheet="S", intent="complaint", account_column="รหัสบัญชี",
                      fields={"รายละเอียด#2": "details", "เบอร์โทร": "phone"})
    columns = map_columns(form, ["ประทับเวลา", "รหัสบัญชี", "รายละเอียด", "เบอร์โทร", "รายละเอียด", "ใหม่"])
    assert (columns.timestamp, columns.account, columns.fields) == (0, [1], {"details": [4], "phone": [3]})
    assert columns.unknown == ["รายละเอียด", "ใหม่"] and columns.missing == []
