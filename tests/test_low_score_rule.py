"""One low-score rule: `[reports] low_score_max` decides the follow-up in LINE, on the quarter card, in the
complaint close-out, in `kambot visits followups` and in the reports alike (000 plan 6 item 8)."""
import json

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from handlers.reporting.build import build_report, load
from handlers.reporting.period import parse_period
from handlers.thai_dates import to_bangkok
from storage.db import session_scope
from storage.models import Ticket
from visiting import all_met

CALL_BACK = "กรุณาโทรติดตาม"


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _visit_rated_3(bot) -> None:
    """K001 logs today's visit to A100; Ucust1 scores it 3 and comments."""
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", _quick(bot.last_to("Ukamr1"))[0]["data"])
    bot.tap("Ukamr1", "a=visit.date", date="2026-11-23")
    bot.tap("Ukamr1", "a=visit.mode&v=on_site")
    bot.tap("Ukamr1", "a=visit.purpose&v=relationship")
    bot.tap("Ukamr1", "a=visit.save")
    all_met(bot, "Ukamr1")
    ask = bot.last_to("Ucust1")
    bot.tap("Ucust1", next(a["data"] for a in _quick(ask) if a["label"] == "3"))
    bot.say("Ucust1", "มาช้ากว่านัด")


def _complaint_rated_3(bot) -> Ticket:
    """Ucust2 files a complaint, K001 answers, Ucust2 acknowledges and scores it 3."""
    bot.tap("Ucust2", "a=complaint")
    bot.tap("Ucust2", "a=complaint.topic&v=power_quality")
    bot.say("Ucust2", "ไฟตกบ่อยช่วงบ่าย")
    [ticket] = _tickets(bot)
    bot.advance(hours=2)
    bot.tap("Ukamr1", f"a=complaint.answer&t={ticket.id}")
    bot.say("Ukamr1", "เปลี่ยนหม้อแปลงแล้วค่ะ")
    bot.tap("Ukamr1", f"a=complaint.send&t={ticket.id}")  # the preview's [ส่ง]
    bot.tap("Ucust2", _quick(bot.last_to("Ucust2"))[0]["data"])  # acknowledge
    bot.tap("Ucust2", next(a["data"] for a in _quick(bot.last_to("Ucust2")) if a["label"] == "3"))
    [ticket] = _tickets(bot)
    return ticket


def _tickets(bot) -> list[Ticket]:
    with session_scope(bot.engine) as session:
        return list(session.exec(select(Ticket)).all())


def _report(bot):
    period = parse_period("2026Q4", bot.config.quotas)
    with session_scope(bot.engine) as session:
        data = load(session, period, bot.config.quotas)
    return build_report(data, period, bot.config.reports, now=to_bangkok(bot.now))


def _followups_cli(bot, tmp_path, low_score_max: int) -> str:
    config = tmp_path / "kambot.toml"
    config.write_text(f'[database]\nurl = "{bot.config.database.url}"\n\n[reports]\nlow_score_max = {low_score_max}\n',
                      encoding="utf-8")
    result = CliRunner().invoke(main, ["visits", "followups", "--quarter", "2026Q4", "--config", str(config)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("low_score_max, followed_up", [(3, True), (2, False)])
def test_a_score_of_3_is_low_everywhere_or_nowhere(org, tmp_path, low_score_max, followed_up):
    bot = org
    bot.config.reports.low_score_max = low_score_max
    _visit_rated_3(bot)
    ticket = _complaint_rated_3(bot)

    # LINE: the KAMR is asked to call back about the visit and the complaint, and the customer is told so.
    calls = [text for text in bot.texts_to("Ukamr1") if text.endswith(CALL_BACK)]
    assert len(calls) == (2 if followed_up else 0)
    thanks = bot.last_to("Ucust2")["text"]
    assert thanks.startswith("ขอบคุณสำหรับคะแนน 3/5 ค่ะ") and ("KAMR จะติดต่อกลับ" in thanks) == followed_up
    assert ticket.status == "closed" and ticket.details.get("follow_up_call", False) == followed_up

    # The quarter card lists the call-backs.
    bot.tap("Ukamr1", "a=myquarter")
    card = json.dumps(bot.last_to("Ukamr1")["contents"], ensure_ascii=False)
    assert "คะแนนเฉลี่ย 3.00/5 จาก 2 คะแนน" in card
    assert card.count("โทรติดตาม: บริษัท น้ำตาลไทย จำกัด 3/5") == (2 if followed_up else 0)

    # `kambot visits followups`.
    listed = _followups_cli(bot, tmp_path, low_score_max)
    assert ("A100 บริษัท น้ำตาลไทย จำกัด  3/5  visited by K001 “มาช้ากว่านัด”" in listed) == followed_up
    assert ("no visit rated 2 or less in 2026Q4" in listed) == (not followed_up)

    # The reports: the low-score share and the VOC comments.
    report = _report(bot)
    [everything] = [row for row in report.table("satisfaction").records() if row["by"] == "all"]
    assert everything["ratings"] == 2 and everything["low_share_pct"] == (100.0 if followed_up else 0.0)
    comments = [row["comment"] for row in report.table("voc_comments").records()]
    assert comments == (["มาช้ากว่านัด"] if followed_up else [])
