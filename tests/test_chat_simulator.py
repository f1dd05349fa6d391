"""The terminal chat simulator, driven like a person would drive it (pexpect on a pseudo-terminal).

`kambot demo` makes the organisation, `kambot demo serve` runs the bot on a LINE stand-in (loopback, free
ports), and two `kambot chat` windows walk one outage: the contact reports it (date typed into the
picker, a photo, a location), the KAMR acknowledges, posts an update and resolves it, the contact rates;
then someone new adds the Official Account and links with a code.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pexpect
import pytest
from sqlmodel import select

from handlers.thai_dates import BANGKOK, format_datetime
from storage.db import make_engine, session_scope
from storage.models import Rating, Ticket, TicketEvent

REPO = Path(__file__).resolve().parents[1]
# Not `-m bot.cli`: as __main__ the module would be a second copy without the commands registered on `bot.cli.main`.
KAMBOT = [sys.executable, "-c", "from bot.cli import main; main()"]
TIMEOUT = 20
pytestmark = pytest.mark.slow


@pytest.fixture
def demo_server(tmp_path):
    database = tmp_path / "demo.sqlite3"
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "sqlite:///{database}"\n[scheduler]\nenabled = false\n', encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO), "KAMBOT_CONFIG": str(config), "PYTHONUNBUFFERED": "1"}
    subprocess.run([*KAMBOT, "demo"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    session_file = tmp_path / "demo-session.json"
    log = open(tmp_path / "serve.log", "wb")
    server = subprocess.Popen([*KAMBOT, "demo", "serve", "--port", "0", "--session", str(session_file)],
                              env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while not session_file.exists():
        assert server.poll() is None, (tmp_path / "serve.log").read_text()
        assert time.monotonic() < deadline, "kambot demo serve did not start in 60 s"
        time.sleep(0.1)
    try:
        yield env, session_file, f"sqlite:///{database}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()
    assert server.returncode == 0, (tmp_path / "serve.log").read_text()
    assert not session_file.exists()  # the keys do not outlive the server


@pytest.fixture
def windows():
    """Every chat window opened by the test; closed (killed if need be) even when the test fails."""
    opened: list[pexpect.spawn] = []
    yield opened
    for window in opened:
        window.close(force=True)
        window.logfile_read.close()


def chat(windows, env, session_file, key: str, tmp_path) -> pexpect.spawn:
    window = pexpect.spawn(KAMBOT[0], [*KAMBOT[1:], "chat", "--as", key, "--session", str(session_file)], env=env,
                           cwd=str(tmp_path), encoding="utf-8", timeout=TIMEOUT, dimensions=(60, 200))
    windows.append(window)
    window.logfile_read = open(tmp_path / f"chat-{key}.log", "w", encoding="utf-8")
    window.expect_exact("─" * 60)
    return window


def button(window: pexpect.spawn, label: str) -> str:
    """The number the screen shows for a button."""
    window.expect(r"\[(\d+)\] " + re.escape(label))
    return window.match.group(1)


def test_outage_reported_in_one_window_acknowledged_and_resolved_in_another(demo_server, windows, tmp_path):
    env, session_file, database_url = demo_server
    unknown = subprocess.run([*KAMBOT, "chat", "--as", "K999", "--session", str(session_file)],
                             env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert unknown.returncode == 1 and "nobody on LINE with key 'K999'; try `new` or one of:" in unknown.stderr
    assert "A101-1" in unknown.stderr
    not_running = subprocess.run([*KAMBOT, "chat", "--as", "K001", "--session", str(tmp_path / "none.json")],
                                 env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert not_running.returncode == 1 and "start `kambot demo serve` first" in not_running.stderr

    customer = chat(windows, env, session_file, "A101-1", tmp_path)
    assert "chatting as วิภา สุขใจ (วิศวกรไฟฟ้า) · บริษัท น้ำตาลไทย จำกัด" in customer.before

    customer.sendline("ไฟดับ")
    customer.expect_exact("🤖 ไฟดับที่สถานที่ใดคะ")
    customer.sendline(button(customer, "โรงงาน 2"))
    customer.expect_exact("👤 โรงงาน 2")
    customer.expect_exact("🤖 เกิดอาการแบบใดคะ")
    customer.sendline(button(customer, "ไฟดับ"))
    customer.expect_exact("🤖 เริ่มเกิดตั้งแต่เมื่อไรคะ")
    customer.sendline(button(customer, "เลือกวันเวลา 📅"))
    customer.expect_exact("พิมพ์วันเวลา")
    yesterday = datetime.now(BANGKOK).replace(hour=9, minute=40, second=0, microsecond=0) - timedelta(days=1)
    customer.sendline(yesterday.strftime("%Y-%m-%d %H:%M"))
    customer.expect(r"🤖 รับแจ้งแล้วค่ะ เลขที่ (OUT-\d\d-\d{5})")
    number = customer.match.group(1)
    customer.expect_exact(f"โรงงาน 2: ไฟดับ ตั้งแต่ {format_datetime(yesterday)}")
    customer.expect_exact("[1] ถ่ายรูป 📷")
    customer.sendline("/photo")
    customer.expect_exact("🤖 ได้รับแล้วค่ะ")
    customer.sendline(button(customer, "ส่งตำแหน่ง 📍"))
    customer.expect_exact("พิมพ์พิกัด")
    customer.sendline("18.7883 98.9853 ประตู 2")
    customer.expect_exact("👤 📍 18.7883, 98.9853 ประตู 2")
    customer.expect_exact("🤖 ได้รับแล้วค่ะ")

    # The KAMR's window shows the card pushed while it was closed.
    kamr = chat(windows, env, session_file, "K001", tmp_path)
    kamr.expect_exact(f"🤖 ┌ ⚡ แจ้งไฟดับ {number}")
    kamr.expect_exact("│ สถานที่: โรงงาน 2")
    kamr.sendline(button(kamr, "รับเรื่อง"))
    kamr.expect_exact(f"🤖 รับเรื่อง {number} แล้ว")
    customer.expect_exact(f"🤖 {number}: คุณสมชาย ใจดี รับเรื่องแล้ว")

    kamr.sendline("งานของฉัน")
    kamr.expect_exact(f"┌ ⚡ แจ้งไฟดับ {number}")  # its card in the carousel; its own buttons follow
    kamr.sendline(button(kamr, "แจ้งความคืบหน้า"))
    kamr.expect_exact(f"ความคืบหน้าของ {number}: เลือกสาเหตุ")
    kamr.sendline("ทีมช่างถึงหน้างานแล้ว")
    kamr.expect_exact(f"🤖 ส่งความคืบหน้า {number} ถึงลูกค้าแล้ว")
    customer.expect_exact(f"🤖 {number} อัปเดตจากคุณสมชาย ใจดี:")
    customer.expect_exact("ทีมช่างถึงหน้างานแล้ว")
    kamr.sendline(button(kamr, "แจ้งความคืบหน้า"))  # again, from the buttons after sending: a cause this time
    kamr.sendline(button(kamr, "ฟ้าผ่า"))
    kamr.expect_exact(f"🤖 ส่งความคืบหน้า {number} ถึงลูกค้าแล้ว")
    customer.expect_exact("สาเหตุ: ฟ้าผ่า")

    kamr.sendline("งานของฉัน")
    kamr.expect_exact(f"┌ ⚡ แจ้งไฟดับ {number}")
    kamr.sendline(button(kamr, "แก้ไขแล้ว"))
    kamr.sendline(button(kamr, "ยืนยัน ไฟมาแล้ว"))  # closing asks first
    kamr.expect_exact(f"🤖 ปิดงาน {number} แล้ว")
    customer.expect_exact(f"🤖 {number}: แก้ไขเรียบร้อยแล้วค่ะ ✅")
    customer.sendline(button(customer, "5"))
    customer.expect_exact("🤖 ขอบคุณสำหรับคะแนน 5/5")

    # Someone new adds the Official Account and links with a code the KAMR printed.
    code = subprocess.run([*KAMBOT, "link-code", "A103"], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=60, check=True).stdout.strip()
    newcomer = chat(windows, env, session_file, "new", tmp_path)
    newcomer.expect_exact("กรุณาพิมพ์รหัสเชื่อมบัญชี 8 หลัก")
    newcomer.sendline(code)
    newcomer.expect_exact("🤖 เชื่อมบัญชีเรียบร้อยแล้วค่ะ ✅")
    newcomer.expect_exact("ท่านเป็นผู้ติดต่อของ บริษัท เชียงใหม่ฟู้ดส์ จำกัด")

    for window in (customer, kamr, newcomer):
        window.sendline("/quit")
        window.expect(pexpect.EOF)

    engine = make_engine(database_url)
    with session_scope(engine) as session:
        ticket = session.exec(select(Ticket).where(Ticket.number == number)).one()
        actions = [e.action for e in session.exec(select(TicketEvent).where(TicketEvent.ticket_id == ticket.id)
                                                  .order_by(TicketEvent.id)).all()]
        score = session.exec(select(Rating.score).where(Rating.subject_kind == "ticket", Rating.subject_id == ticket.id)).one()
        location = session.exec(select(TicketEvent).where(TicketEvent.action == "location")).one()
    engine.dispose()
    assert (ticket.status, ticket.cause, score) == ("resolved", "ฟ้าผ่า", 5)
    assert actions == ["reported", "photo", "location", "acknowledged", "update", "update", "resolved", "rated"]
    assert location.details == {"latitude": 18.7883, "longitude": 98.9853, "address": "ประตู 2"}
