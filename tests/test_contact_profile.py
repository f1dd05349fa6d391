"""Issue 21 item 8: a contact who links with a code is asked once for their name and phone (the LINE display
name offered when known), so the KAMR's cards are never anonymous. Real webhook, SDK and LINE stand-in."""
from datetime import timedelta

from sqlmodel import select

from storage import linking, roster
from storage.db import session_scope
from storage.models import Contact


def _code(bot) -> str:
    with session_scope(bot.engine) as session:
        account = roster.account_by_code(session, "A100")
        return linking.new_code(session, kind="contact", target_id=account.id, now=bot.now, ttl=timedelta(hours=1))


def _contact(bot, user: str) -> Contact:
    with session_scope(bot.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == user)).one()
        session.expunge(contact)
        return contact


def _quick(message: dict) -> list[dict]:
    return [item["action"] for item in message.get("quickReply", {}).get("items", [])]


def test_linked_contact_gives_name_and_phone_and_the_kamr_card_shows_them(org):
    bot = org
    bot.say("Unew", _code(bot))
    linked, ask = bot.line.messages_to("Unew")[-2:]
    assert linked["text"].startswith("เชื่อมบัญชีเรียบร้อยแล้วค่ะ ✅")
    assert ask["text"].startswith("ขอทราบชื่อของท่านค่ะ") and [a["label"] for a in _quick(ask)] == ["ข้าม"]
    bot.say("Unew", "สมศักดิ์ รักไฟฟ้า")
    assert bot.last_to("Unew")["text"].startswith("เบอร์โทรที่ KAMR ติดต่อท่านได้คะ")
    bot.say("Unew", "โทรหาได้ตลอด")  # not a phone: asked again, the name kept
    assert bot.last_to("Unew")["text"].startswith("เบอร์โทรไม่ถูกต้องค่ะ")
    bot.say("Unew", "089-765-4321")
    assert bot.last_to("Unew")["text"] == "ขอบคุณค่ะ คุณสมศักดิ์ รักไฟฟ้า เลือกเมนูด้านล่างได้เลย"
    contact = _contact(bot, "Unew")
    assert (contact.name, contact.phone) == ("สมศักดิ์ รักไฟฟ้า", "089-765-4321")

    bot.tap("Unew", "a=outage")
    bot.tap("Unew", bot.last_to("Unew")["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Unew", "a=outage.symptom&v=no_power")
    bot.tap("Unew", "a=outage.since&v=now")
    card = bot.last_to("Ukamr1")
    lines = [c["text"] for c in card["contents"]["body"]["contents"]]
    assert any(line.startswith("ผู้แจ้ง: สมศักดิ์ รักไฟฟ้า") for line in lines)  # (with their LINE name, issue 14)
    assert any("089-765-4321" in line for line in lines)


def test_the_line_name_is_offered_and_any_other_tap_ends_the_questions(org):
    bot = org
    bot.say("Unew", _code(bot))
    with session_scope(bot.engine) as session:  # as the profile fetch at linking would have filled it
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Unew")).one()
        contact.display_name = "Somsak P."
        session.add(contact)
    bot.tap("Unew", "a=profile.skip")  # skip the name
    bot.tap("Unew", "a=status")  # a menu tap instead of the phone: the questions end, the tap works
    assert bot.last_to("Unew")["text"] == "ไม่มีเรื่องที่ค้างอยู่ค่ะ 👍"
    bot.say("Unew", "ข้อความทั่วไป")
    assert _contact(bot, "Unew").phone == ""  # not taken as a phone number, not asked again
    # Free text is relayed to the KAMR (issue 14), not taken as the phone number.
    assert bot.last_to("Unew")["text"] == "ส่งถึงคุณสมชาย ใจดี (KAMR) แล้วค่ะ จะตอบกลับทางนี้โดยเร็ว"

    bot.say("Unew2", _code(bot))
    with session_scope(bot.engine) as session:
        contact = session.exec(select(Contact).where(Contact.line_user_id == "Unew2")).one()
        contact.display_name = "Somsak P."
        session.add(contact)
    bot.tap("Unew2", "a=profile.line_name")
    assert _contact(bot, "Unew2").name == "Somsak P."
    assert bot.last_to("Unew2")["text"].startswith("เบอร์โทรที่ KAMR ติดต่อท่านได้คะ")
