"""Issue 21 item 5: a low-score alert carries the person, their phone (tap to call), the comment when it comes,
and [บันทึกการโทร], which records the call-back and clears it from the quarter card. Real webhook, SDK, stand-in."""
from sqlmodel import select

from storage.db import session_scope
from storage.models import Contact, Rating
from visiting import all_met


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def _footer(card: dict) -> list[dict]:
    return [c["action"] for c in card["contents"]["footer"]["contents"]]


def _lines(card: dict) -> list[str]:
    return [c["text"] for c in card["contents"]["body"]["contents"]]


def test_low_visit_score_alert_names_the_person_calls_them_and_is_cleared_when_the_call_is_recorded(org):
    bot = org
    with session_scope(bot.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Ucust1")).one()
        contact.name, contact.phone = "สมศรี มีสุข", "089 111 2222"
        session.add(contact)
    bot.tap("Ukamr1", "a=visit")
    bot.tap("Ukamr1", _quick(bot.last_to("Ukamr1"))[0]["data"])
    bot.tap("Ukamr1", "a=visit.date", date="2026-11-23")
    bot.tap("Ukamr1", "a=visit.mode&v=on_site")
    bot.tap("Ukamr1", "a=visit.purpose&v=relationship")
    bot.tap("Ukamr1", "a=visit.save")
    all_met(bot, "Ukamr1")
    bot.tap("Ucust1", next(a["data"] for a in _quick(bot.last_to("Ucust1")) if a["label"] == "2"))

    card, text = bot.line.messages_to("Ukamr1")[-2:]
    assert text["text"] == "บริษัท น้ำตาลไทย จำกัด ให้คะแนนการเยี่ยมวันที่ 23 พ.ย. 2569 2/5 กรุณาโทรติดตาม"
    assert _lines(card) == ["⚠️ คะแนนต่ำ 2/5 กรุณาโทรติดตาม", "ลูกค้า: บริษัท น้ำตาลไทย จำกัด",
                            "เรื่อง: การเยี่ยมวันที่ 23 พ.ย. 2569", "ผู้ให้คะแนน: สมศรี มีสุข", "โทร: 089 111 2222"]
    call, record = _footer(card)
    assert (call["type"], call["uri"]) == ("uri", "tel:0891112222")
    assert record["label"] == "บันทึกการโทร"

    bot.say("Ucust1", "มาช้ากว่านัดหนึ่งชั่วโมง")  # the comment, when it arrives, follows
    with_comment = bot.last_to("Ukamr1")
    assert "ความเห็น: มาช้ากว่านัดหนึ่งชั่วโมง" in _lines(with_comment)
    assert _footer(with_comment)[1]["data"] == record["data"]

    bot.tap("Ukamr1", "a=myquarter")
    quarter = bot.last_to("Ukamr1")
    assert any(line.startswith("⚠️ โทรติดตาม: บริษัท น้ำตาลไทย จำกัด 2/5") for line in _lines(quarter))
    called = [b for b in _footer(quarter) if b["label"].startswith("โทรแล้ว")]
    assert [b["label"] for b in called] == ["โทรแล้ว บริษัท น้ำต…"] and len(called[0]["label"]) <= 20
    assert called[0]["data"] == record["data"]

    bot.tap("Ukamr2", record["data"])  # another account's KAMR
    assert bot.last_to("Ukamr2")["text"] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    bot.tap("Ukamr1", "a=followup.called&r=99999")
    assert bot.last_to("Ukamr1")["text"] == "ปุ่มนี้หมดอายุแล้วค่ะ กรุณาเริ่มใหม่จากเมนู"
    bot.advance(hours=2)
    bot.tap("Ukamr1", record["data"])
    assert bot.last_to("Ukamr1")["text"] == "บันทึกการโทรติดตาม บริษัท น้ำตาลไทย จำกัด (2/5) แล้วค่ะ"
    with session_scope(bot.engine) as session:
        rating = session.exec(select(Rating)).one()
        assert rating.followed_up_at == bot.now and rating.followed_up_by is not None
    bot.tap("Ukamr1", called[0]["data"])  # the quarter card's button, after
    assert bot.last_to("Ukamr1")["text"] == "บันทึกการโทรติดตาม บริษัท น้ำตาลไทย จำกัด ไว้แล้วค่ะ"
    bot.tap("Ukamr1", "a=myquarter")
    quarter = bot.last_to("Ukamr1")
    assert not any("โทรติดตาม" in line for line in _lines(quarter))
    assert "footer" not in quarter["contents"]  # no call-back left, no button left
