"""`kambot forms check`, `kambot forms import FILE.csv` and `kambot export DIR` as an operator runs them."""
from __future__ import annotations

import csv
import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import session_scope
from storage.models import FormResponse, Ticket
from tests.forms_harness import OUTAGE_HEADER, at, forms_config, poll


def toml_value(value) -> str:
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k, ensure_ascii=False)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return json.dumps(value, ensure_ascii=False)


def write_config(tmp_path, config) -> str:
    """The test config as an operator's TOML file."""
    data = config.model_dump(mode="json", exclude_none=True)
    lines = []
    for section in ("line", "database", "sheets"):
        lines.append(f"[{section}]")
        lines += [f"{key} = {toml_value(value)}" for key, value in data[section].items()]
    for form in data["forms"]:
        lines.append("[[forms]]")
        lines += [f"{key} = {toml_value(value)}" for key, value in form.items()]
    path = tmp_path / "kambot.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def setup(org, sheets, tmp_path):
    book = sheets.add_spreadsheet("OUTAGE-SHEET", locale="th_TH")
    tab = book.add_tab("การตอบแบบฟอร์ม 1", [OUTAGE_HEADER + ["คำถามใหม่"]])
    sheets.add_spreadsheet("COMPLAINT-SHEET").add_tab("การตอบแบบฟอร์ม 1", [["ประทับเวลา", "ที่อยู่อีเมล", "เรื่อง"]])
    sheets.add_spreadsheet("COORD", shared=False)
    config = forms_config(org.config, sheets, tmp_path, coordinator="COORD")
    return config, write_config(tmp_path, config), tab


def test_forms_check_reports_columns_and_access_in_plain_words(org, sheets, setup):
    _config, path, _tab = setup
    result = CliRunner().invoke(main, ["forms", "check", "--config", path])
    assert result.exit_code == 1
    out = result.output
    assert "form outage (outage): spreadsheet OUTAGE-SHEET" in out
    assert "note: column 'คำถามใหม่' is not used" in out
    assert "PROBLEM: no column 'รายละเอียด' in the sheet" in out  # the complaint form lacks it
    assert "PROBLEM: spreadsheet COORD is not shared with the service account" in out
    assert "3 problem(s) found" in out


def test_forms_check_shows_the_last_poll_failure(org, sheets, setup):
    config, path, _tab = setup
    poll(org, config)
    result = CliRunner().invoke(main, ["forms", "check", "--config", path])
    assert "last poll 23 พ.ย. 2569 10:00 น.: FAILED: spreadsheet COORD is not shared" in result.output


def test_csv_import_takes_the_same_path_and_dedupes_against_the_poll(org, sheets, setup, tmp_path):
    config, path, tab = setup
    download = tmp_path / "responses.csv"
    with open(download, "w", newline="", encoding="utf-8-sig") as handle:  # as Google's download of a Thai sheet
        writer = csv.writer(handle)
        writer.writerow(OUTAGE_HEADER)
        writer.writerow(["23/11/2569, 9:40:05", "A100", "โรงงาน 2", "แรงดันต่ำ", "23/11/2569 9:30:00", "", "สมศรี",
                         "0812345678"])
        writer.writerow(["23/11/2569, 9:41:00", "A999", "", "ไฟดับ", "", "", "", ""])
    for _ in range(2):
        result = CliRunner().invoke(main, ["forms", "import", str(download), "--form", "outage", "--config", path])
        assert result.exit_code == 0, result.output
    assert "2 rows read, 0 new" in result.output
    with session_scope(org.engine) as session:
        tickets = session.exec(select(Ticket)).all()
        assert [(t.number, t.channel, t.category) for t in tickets] == [("OUT-69-00001", "form", "low_voltage")]
    # the poll later reads the same response from the sheet itself: no second ticket
    tab.rows.append([at(9, 40, 5), "A100", "โรงงาน 2", "แรงดันต่ำ", at(9, 30), "", "สมศรี", "0812345678"])
    poll(org, config)
    with session_scope(org.engine) as session:
        assert len(session.exec(select(Ticket)).all()) == 1
        assert len(session.exec(select(FormResponse)).all()) == 2


def test_export_writes_the_coordinator_tabs_offline(org, sheets, setup, tmp_path):
    config, path, tab = setup
    tab.rows.append([at(9, 40), "A100", "โรงงาน 1", "ไฟดับ", "", "", "", ""])
    poll(org, config)
    sheets.stop()  # no Google at all
    result = CliRunner().invoke(main, ["export", str(tmp_path / "out"), "--config", path])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "out" / "tickets.csv", encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["เลขที่", "ประเภท", "รหัสบัญชี"]
    assert rows[1][:7] == ["OUT-69-00001", "ไฟดับ", "A100", "บริษัท น้ำตาลไทย จำกัด", "สมชาย ใจดี", "Google Forms",
                           "รอรับเรื่อง"]
    with open(tmp_path / "out" / "form_responses.csv", encoding="utf-8-sig") as handle:
        responses = list(csv.reader(handle))
    assert responses[1][0] == "outage" and responses[1][3:] == ["รับเข้าระบบแล้ว", "", "OUT-69-00001", "รอรับเรื่อง"]


def test_forms_poll_runs_one_poll_and_says_what_failed(org, sheets, setup):
    _config, path, tab = setup
    tab.rows.append([at(9, 40), "A100", "โรงงาน 1", "ไฟดับ", "", "", "", ""])
    result = CliRunner().invoke(main, ["forms", "poll", "--config", path])
    assert result.exit_code == 1
    assert "form outage: 1 rows read, 1 new, 0 edited; 1 became tickets, 0 unmatched, 0 invalid" in result.output
    assert "coordinator: FAILED: spreadsheet COORD is not shared with the service account" in result.output


def test_quarter_report_goes_to_the_coordinator_sheet_too(org, sheets, tmp_path):
    coordinator = sheets.add_spreadsheet("COORD")
    path = write_config(tmp_path, forms_config(org.config, sheets, tmp_path, coordinator="COORD", forms=[]))
    result = CliRunner().invoke(main, ["report", "quarter", "2026Q4", "--out", str(tmp_path / "out"), "--config", path])
    assert result.exit_code == 0, result.output
    assert "wrote 20 tabs to coordinator spreadsheet COORD" in result.output  # + quota_year, voc_subjects, late_visits, urgent_reports, plan_achievement, service_*, risk_visits (issue 17), first_answers (issue 15), reliability tables (issue 16)
    files = sorted(p.stem for p in (tmp_path / "out").glob("*.csv"))
    assert sorted(t.title for t in coordinator.tabs if t.title.startswith("2026Q4 ")) == [f"2026Q4 {f}" for f in files]
    with open(tmp_path / "out" / f"{files[0]}.csv", encoding="utf-8-sig", newline="") as handle:
        assert [[str(c) for c in row] for row in coordinator.tab(f"2026Q4 {files[0]}").values()][0] == next(csv.reader(handle))

    sheets.add_spreadsheet("LOCKED", shared=False)
    path = write_config(tmp_path, forms_config(org.config, sheets, tmp_path, coordinator="LOCKED", forms=[]))
    result = CliRunner().invoke(main, ["report", "quarter", "2026Q4", "--out", str(tmp_path / "out2"), "--config", path])
    assert result.exit_code == 1
    assert "report files written, but the coordinator sheet was not: spreadsheet LOCKED is not shared" in result.output
    assert (tmp_path / "out2" / "report.html").exists()
