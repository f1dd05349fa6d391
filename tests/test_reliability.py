"""Reliability in the reports and on the customer's request (issue 16 item 6), clock frozen: a single outage of
90 minutes, an area incident over two sites of two accounts (60 minutes) and a flicker, reported through the
real webhook; the quarterly report's CSV and HTML from `kambot report quarter`; ประวัติไฟดับ per account."""
from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.demo.chat_render import render_messages
from bot.line.notifier import notifier_for
from handlers.operations import incidents, outages
from storage.db import session_scope
from storage.models import Incident, Staff, Ticket
from storage.roster_import import import_accounts

FIGURES = ["outages", "restored", "outage_minutes_total", "outage_minutes_mean", "momentary", "voltage",
           "in_incidents", "single_site"]


def report(bot, user: str, symptom: str, site_label: str | None = None) -> None:
    bot.tap(user, "a=outage")
    ask = bot.last_to(user)
    if site_label:
        [item] = [i for i in ask["quickReply"]["items"] if i["action"]["label"] == site_label]
        bot.tap(user, item["action"]["data"])
    bot.tap(user, f"a=outage.symptom&v={symptom}")
    bot.tap(user, "a=outage.since&v=now")


@pytest.fixture
def history(org):
    """10:00 A100 โรงงาน 2 (BPA-07) loses power, restored 11:30; 13:00-14:00 feeder BPA-03 trips (A100 โรงงาน 1
    and A200 อาคารผู้ป่วย); 15:00 A200 reports a flicker, never resolved."""
    bot = org
    with session_scope(bot.engine) as session:
        assert import_accounts(session, io.StringIO(
            "account_code,name,tier,office,kamr,sites\n"
            "A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1@BPA-03;โรงงาน 2@BPA-07\n"
            "A200,โรงพยาบาลเมือง,status,PEA-N1,K002,อาคารผู้ป่วย@BPA-03\n")).errors == []
    report(bot, "Ucust1", "no_power", "โรงงาน 2")
    bot.advance(minutes=90)
    with session_scope(bot.engine) as session:
        ticket = session.exec(select(Ticket)).one()
        kamr = session.exec(select(Staff).where(Staff.staff_code == "K001")).one()
        assert outages.resolve(session, ticket, now=bot.now, actor=kamr, notifier=notifier_for(session, bot.now))
    bot.advance(minutes=90)  # 13:00
    with session_scope(bot.engine) as session:
        incidents.open_incident(session, now=bot.now, actor=None, channel="cli", notifier=notifier_for(session, bot.now),
                                feeders=["BPA-03"])
    bot.drain()
    bot.advance(hours=1)
    with session_scope(bot.engine) as session:
        incident = session.exec(select(Incident)).one()
        incidents.restore_incident(session, incident, now=bot.now, actor=None, notifier=notifier_for(session, bot.now))
    bot.drain()
    bot.advance(hours=1)  # 15:00
    report(bot, "Uhosp", "flicker")
    return bot


def quarter_files(bot, tmp_path, monkeypatch) -> dict[str, list[dict]]:
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    monkeypatch.setattr("bot.clock.utcnow", lambda: bot.now)
    cfg = tmp_path / "kambot.toml"
    cfg.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")
    out = tmp_path / "report"
    result = CliRunner().invoke(main, ["report", "quarter", "2026Q4", "--out", str(out), "--config", str(cfg)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    files = {}
    for name in ("reliability", "reliability_accounts", "reliability_sites"):
        with open(out / f"{name}.csv", encoding="utf-8-sig") as handle:
            files[name] = list(csv.DictReader(handle))
    files["html"] = (out / "report.html").read_text(encoding="utf-8")
    return files


def figures(row: dict) -> list[str]:
    return [row[column] for column in FIGURES]


def test_the_quarterly_report_counts_outages_durations_flickers_and_incidents(history, tmp_path, monkeypatch):
    files = quarter_files(history, tmp_path, monkeypatch)
    by_tier = {row["tier"]: row for row in files["reliability"]}
    assert list(files["reliability"][0]) == ["office", "tier", *FIGURES]
    assert [row["office"] for row in files["reliability"]] == ["PEA-N1"] * 3  # one office: no organisation rows
    # three interruptions restored: 90 + 60 + 60 minutes; two of them in the incident; one flicker apart
    assert figures(by_tier["all"]) == ["3", "3", "210.0", "70.0", "1", "0", "2", "1"]
    assert figures(by_tier["strategic"]) == ["2", "2", "150.0", "75.0", "0", "0", "1", "1"]
    assert figures(by_tier["status"]) == ["1", "1", "60.0", "60.0", "1", "0", "1", "0"]
    accounts = {row["account_code"]: row for row in files["reliability_accounts"]}
    assert list(files["reliability_accounts"][0])[:4] == ["office", "account_code", "account_name", "tier"]
    assert accounts["A100"]["account_name"] == "บริษัท น้ำตาลไทย จำกัด"
    assert figures(accounts["A100"]) == figures(by_tier["strategic"])
    sites = {(row["account_code"], row["site"]): row for row in files["reliability_sites"]}
    assert sorted(sites) == [("A100", "โรงงาน 1"), ("A100", "โรงงาน 2"), ("A200", "อาคารผู้ป่วย")]
    assert sites[("A100", "โรงงาน 2")]["feeder"] == "BPA-07"
    assert figures(sites[("A100", "โรงงาน 2")]) == ["1", "1", "90.0", "90.0", "0", "0", "0", "1"]
    assert figures(sites[("A100", "โรงงาน 1")]) == ["1", "1", "60.0", "60.0", "0", "0", "1", "0"]
    assert figures(sites[("A200", "อาคารผู้ป่วย")]) == ["1", "1", "60.0", "60.0", "1", "0", "1", "0"]
    html = files["html"]
    assert "ไฟดับ: เวลาเฉลี่ยต่อครั้งตามกลุ่มลูกค้า (นาที)" in html and "75 นาที (2 ครั้ง)" in html
    assert "ไฟดับรายสถานที่" in html


def labels(message: dict) -> list[str]:
    return [item["action"]["label"] for item in message["quickReply"]["items"]]


def test_a_contact_sees_the_outage_history_of_their_own_account_only(history):
    bot = history
    bot.say("Ucust1", "ประวัติไฟดับ")
    answer = bot.last_to("Ucust1")
    assert answer["text"].splitlines() == [
        "📊 ประวัติไฟดับ บริษัท น้ำตาลไทย จำกัด (12 เดือนล่าสุด)",
        "ไฟดับ 2 ครั้ง รวม 2 ชม. 30 นาที",
        "ล่าสุด:",
        f"• 23 พ.ย. 2569 13:00 น. โรงงาน 1: 1 ชม. (เหตุทั้งฟีดเดอร์ {incident_number(bot)})",
        "• 23 พ.ย. 2569 10:00 น. โรงงาน 2: 1 ชม. 30 นาที",
    ]
    assert labels(answer)[:2] == ["แจ้งไฟดับ", "ขอรับบริการ"]  # the next step
    assert "อาคารผู้ป่วย" not in answer["text"] and "โรงพยาบาล" not in answer["text"]
    chat = "\n".join(render_messages([answer]).lines)  # what `kambot chat` prints: docs/guide.md shows it
    assert chat in (Path(__file__).resolve().parents[1] / "docs" / "guide.md").read_text(encoding="utf-8")

    bot.tap("Uhosp", "a=status")  # the status page offers the history
    status = bot.last_to("Uhosp")
    [data] = [i["action"]["data"] for i in status["quickReply"]["items"] if i["action"]["label"] == "ประวัติไฟดับ"]
    bot.tap("Uhosp", data)
    text = bot.last_to("Uhosp")["text"]
    assert "ไฟดับ 1 ครั้ง รวม 1 ชม.\nไฟกระพริบ 1 ครั้ง · แรงดันผิดปกติ 0 ครั้ง" in text
    assert "• 23 พ.ย. 2569 15:00 น. อาคารผู้ป่วย: ไฟกระพริบ" in text
    assert "โรงงาน" not in text and "น้ำตาลไทย" not in text


def test_a_year_later_the_history_is_empty(history):
    bot = history
    bot.advance(days=366)
    bot.say("Ucust1", "ประวัติไฟดับ")
    assert bot.last_to("Ucust1")["text"] == "ไม่มีไฟดับที่ บริษัท น้ำตาลไทย จำกัด ในรอบ 12 เดือนที่ผ่านมาค่ะ 👍"


def incident_number(bot) -> str:
    with session_scope(bot.engine) as session:
        return session.exec(select(Incident)).one().number
