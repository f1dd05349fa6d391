"""Issue 21 "done when": the supervisor's screen in docs/guide.md is what `kambot chat` prints (bot/demo/
chat_render.py) for their งานของฉัน: a close-out to certify with [รับรอง] / [ไม่รับรอง] and an outage of a
KAMR they supervise that nobody has taken. Through the real webhook, SDK and LINE stand-in, frozen clock."""
from __future__ import annotations

import re
from pathlib import Path

from bot.demo.chat_render import render_messages
from closing import answered_complaint_ten_days_on

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "guide.md"
MARKER = "**What the supervisor sees.**"


def _guide_block() -> str:
    """The first fenced block after the marker paragraph."""
    text = GUIDE.read_text(encoding="utf-8")
    after = text[text.index(MARKER):]
    return re.search(r"^```\n(.*?)\n```$", after, re.S | re.M).group(1)


def _supervisor_work(bot) -> list[dict]:
    complaint = answered_complaint_ten_days_on(bot)  # no acknowledgment: the KAMR records the phone call
    bot.tap("Ukamr1", f"a=complaint.obscore&t={complaint.id}&c=phone&s=4")
    bot.advance(hours=2)
    bot.tap("Ucust2", "a=outage")
    bot.tap("Ucust2", bot.last_to("Ucust2")["quickReply"]["items"][1]["action"]["data"])
    bot.tap("Ucust2", "a=outage.symptom&v=no_power")
    bot.tap("Ucust2", "a=outage.since&v=now")
    bot.advance(minutes=9)
    bot.tap("Usup", "a=menu")  # the certification push scrolled away
    bot.line.reset()
    bot.tap("Usup", "a=mytickets")
    return bot.line.messages_to("Usup")


def test_the_supervisor_screen_in_the_guide_is_what_the_chat_prints(org):
    screen = render_messages(_supervisor_work(org))
    printed = "\n".join(screen.lines)
    print(printed)
    assert printed == _guide_block()
    # The outage nobody has taken comes first; the close-out's buttons are the certifier's, and they work.
    assert screen.lines[1] == "🤖 ┌ ⚡ แจ้งไฟดับ OUT-69-00002"
    certify, refuse = (c for c in screen.choices if c.label in ("รับรอง", "ไม่รับรอง"))
    assert certify.action["data"].startswith("a=closeout.certify") and refuse.action["data"].startswith("a=closeout.refuse")
    org.tap("Usup", certify.action["data"])
    assert org.line.messages_to("Ukamr1")[-1]["text"].startswith("CMP-69-00001")
