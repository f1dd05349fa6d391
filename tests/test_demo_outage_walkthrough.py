"""The outage walkthrough of docs/guide.md, captured from real runs on the demo organisation: an operator opens
a feeder incident (`kambot incident open`), contacts get one notice, a report joins it, the restoration reaches
everyone; a planned outage notice with [รับทราบ]. The screens are what `kambot chat` prints (bot/demo/chat_render),
and the guide must show them as they are."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from bot.demo.chat_render import render_messages
from bot.demo.organisation import create_demo, demo_user_id
from jobs.planned_outages import send_planned_outage_notices
from storage.db import session_scope
from storage.models import Incident

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "guide.md"


@pytest.fixture
def demo(bot, tmp_path, monkeypatch):
    with session_scope(bot.engine) as session:
        create_demo(session, bot.config, now=bot.now)
    monkeypatch.delenv("KAMBOT_CONFIG", raising=False)
    monkeypatch.setattr("bot.clock.utcnow", lambda: bot.now)
    cfg = tmp_path / "kambot.toml"
    cfg.write_text(f'[database]\nurl = "{bot.config.database.url}"\n', encoding="utf-8")

    def kambot(*args: str) -> str:
        result = CliRunner().invoke(main, [*args, "--config", str(cfg)], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        bot.drain()
        return result.output

    bot.kambot = kambot
    bot.line.reset()
    return bot


def fresh(bot, key: str, seen: dict) -> str:
    messages = bot.line.messages_to(demo_user_id(key))
    start = seen.get(key, 0)
    seen[key] = len(messages)
    return "\n".join(render_messages(messages[start:]).lines)


def test_the_guide_shows_the_incident_and_the_planned_outage_as_the_simulator_prints_them(demo, tmp_path):
    bot, seen, shown = demo, {}, []

    opened = bot.kambot("incident", "open", "--feeder", "CMI-04", "--cause", "ต้นไม้ล้มทับสาย",
                        "--etr", "2026-11-23 12:00", "--by", "K001")
    with session_scope(bot.engine) as session:
        number = session.exec(select(Incident)).one().number
    shown.append(("$ .venv/bin/kambot incident open --feeder CMI-04 --cause ต้นไม้ล้มทับสาย --etr \"2026-11-23 12:00\" --by K001",
                  opened.strip()))
    multicasts = [call for call in bot.line.calls if call.kind == "multicast" and call.status == 200]
    assert [len(call.json["to"]) for call in multicasts] == [4]  # one call for the four contacts
    notice = fresh(bot, "A103-1", seen)
    assert notice.count("⚡ แจ้งเหตุไฟฟ้าขัดข้องในพื้นที่") == 1
    shown.append(("kambot chat --as A103-1", notice))
    for key in ("A101-1", "A101-2", "A102-1"):  # every contact on the feeder, once each
        assert fresh(bot, key, seen).count("⚡ แจ้งเหตุไฟฟ้าขัดข้องในพื้นที่") == 1
    assert "⚡" not in fresh(bot, "A104-1", seen)  # CMI-07 is not cut
    kamr = fresh(bot, "K001", seen)
    assert f"⚡ เหตุทั้งฟีดเดอร์ {number}" in kamr
    shown.append(("kambot chat --as K001", kamr))

    bot.advance(minutes=10)
    user = demo_user_id("A101-1")
    bot.say(user, "ไฟดับ")
    steps = ["> ไฟดับ", fresh(bot, "A101-1", seen)]
    for label in ("โรงงาน 1", "ไฟดับ", "เพิ่งเกิด"):  # typed as numbers; numbers restart after each action
        items = bot.last_to(user)["quickReply"]["items"]
        [(typed, item)] = [(n, i) for n, i in enumerate(items, start=1) if i["action"]["label"] == label]
        bot.tap(user, item["action"]["data"])
        steps += [f"> {typed}", f"👤 {label}", fresh(bot, "A101-1", seen)]
    joined = "\n".join(steps)
    assert f"เหตุไฟฟ้าขัดข้องในพื้นที่ {number}" in joined
    shown.append(("kambot chat --as A101-1", joined))

    bot.advance(minutes=70)
    restored = bot.kambot("incident", "restore", number, "--by", "K001")
    shown.append((f"$ .venv/bin/kambot incident restore {number} --by K001", restored.strip()))
    back = fresh(bot, "A103-1", seen)
    assert back.count("✅ ไฟฟ้ากลับมาใช้ได้แล้ว") == 1
    for key in ("A101-1", "A101-2", "A102-1"):
        assert fresh(bot, key, seen).count("✅ ไฟฟ้ากลับมาใช้ได้แล้ว") == 1
    shown.append(("kambot chat --as A103-1", back))

    plan = tmp_path / "planned.csv"
    plan.write_text("reference,starts,ends,feeders,sites,ca_numbers,reason,contact_person,status\n"
                    "PL-CM-1,2026-11-26 09:00,2026-11-26 12:00,CMI-07,,,เปลี่ยนหม้อแปลง,คุณวิชัย 053-123-456,\n",
                    encoding="utf-8")
    imported = bot.kambot("planned", "import", str(plan))
    shown.append(("$ .venv/bin/kambot planned import planned.csv", imported.strip()))
    bot.run_job(send_planned_outage_notices)
    planned = fresh(bot, "A104-1", seen)
    assert "[1] รับทราบ" in planned
    shown.append(("kambot chat --as A104-1", planned))
    [ack] = [i for i in bot.last_to(demo_user_id("A104-1"))["quickReply"]["items"] if i["action"]["label"] == "รับทราบ"]
    bot.tap(demo_user_id("A104-1"), ack["action"]["data"])
    thanks = fresh(bot, "A104-1", seen)
    assert "รับทราบ PL-CM-1 แล้ว" in thanks
    shown.append(("kambot chat --as A104-1", "> 1\n👤 รับทราบ\n" + thanks))

    blocks = "\n\n".join(f"{title}\n{body}" for title, body in shown)
    print(blocks)
    guide = GUIDE.read_text(encoding="utf-8")
    for title, body in shown:
        assert body in guide, f"docs/guide.md does not show, as the simulator prints it, {title}"


def test_the_demos_taken_outage_shows_its_cause_and_estimate_to_the_customer_and_the_kamr(demo):
    """Issue 16 in the demo: the outage K001 is working on carries a cause and an estimated restoration
    time, so ติดตามสถานะ and the KAMR's card show them; docs/guide.md shows the customer's screen."""
    bot, seen = demo, {}
    bot.say(demo_user_id("A102-1"), "ติดตามสถานะ")
    status = fresh(bot, "A102-1", seen)
    assert "│ สาเหตุ: อุปกรณ์ชำรุด\n   │ คาดว่าไฟมา: 23 พ.ย. 2569 10:30 น." in status  # the demo's 10:00 + 30 minutes
    assert "> ติดตามสถานะ\n" + status in GUIDE.read_text(encoding="utf-8"), "docs/guide.md does not show the status"
    with session_scope(bot.engine) as session:
        from storage.models import Ticket
        taken = session.exec(select(Ticket).where(Ticket.kind == "outage", Ticket.status == "acknowledged")).one()
    bot.tap(demo_user_id("K001"), f"a=outage.view&t={taken.id}")
    card = fresh(bot, "K001", seen)
    assert f"⚡ แจ้งไฟดับ {taken.number}" in card
    assert "│ สาเหตุ: อุปกรณ์ชำรุด\n   │ คาดว่าไฟมา: 23 พ.ย. 2569 10:30 น." in card
