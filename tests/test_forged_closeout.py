"""Forged close-out buttons (VOC 04): a KAMR cannot skip the customer's wait by sending the later
steps' postbacks, and a colleague who never filed or joined a complaint cannot rate and close it."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlmodel import select

from storage.db import session_scope
from storage.models import Rating
from tests.test_complaint_closeout import _answered

FRIDAY_10_APRIL = datetime(2026, 4, 10, 3, 0, tzinfo=timezone.utc)
EXPIRED = "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"


def _ratings(bot):
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Rating)).all())


def test_forged_on_behalf_steps_on_the_day_of_the_answer_are_refused(org):
    bot = org
    ticket = _answered(bot)
    bot.tap("Ukamr1", f"a=complaint.obchannel&t={ticket.id}&v=phone")
    assert bot.last_to("Ukamr1")["text"].startswith("CMP-69-00001: ลูกค้ายังรับทราบคำชี้แจงทาง LINE ได้ถึง 20 เม.ย. 2569")
    bot.tap("Ukamr1", f"a=complaint.obscore&t={ticket.id}&c=phone&s=5")
    assert bot.last_to("Ukamr1")["text"].startswith("CMP-69-00001: ลูกค้ายังรับทราบคำชี้แจงทาง LINE ได้ถึง 20 เม.ย. 2569")
    assert bot.only_ticket().status == "answered"
    # After the wait the same buttons work.
    bot.now = datetime(2026, 4, 20, 2, 0, tzinfo=timezone.utc)
    bot.tap("Ukamr1", f"a=complaint.obscore&t={ticket.id}&c=phone&s=5")
    assert bot.only_ticket().status == "pending_certification"


def test_a_colleague_who_never_saw_the_complaint_cannot_rate_or_close_it(org):
    bot = org
    ticket = _answered(bot)
    assert bot.texts_to("Ucust2") == []  # the answer went to the contact who filed it
    bot.tap("Ucust2", f"a=complaint.ack&t={ticket.id}")
    assert bot.last_to("Ucust2")["text"] == EXPIRED
    bot.tap("Ucust2", f"a=complaint.rate&t={ticket.id}&s=1")
    assert bot.last_to("Ucust2")["text"] == EXPIRED
    assert bot.only_ticket().status == "answered" and _ratings(bot) == []
    bot.tap("Ucust1", f"a=complaint.rate&t={ticket.id}&s=4")  # the complaint's own contact may
    assert bot.only_ticket().status == "closed"
    assert [r.score for r in _ratings(bot)] == [4]
