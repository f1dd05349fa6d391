"""An area incident through the real webhook, SDK and stand-in (issue 16): thirty accounts on one feeder,
one notice each by multicast, reports joining it, one update and the restoration to all, once each."""
from __future__ import annotations

import io

import pytest
from sqlmodel import select

from storage.db import session_scope
from storage.models import Account, Incident, Rating, Ticket
from storage.roster_import import import_accounts

NOTICE = "⚡ แจ้งเหตุไฟฟ้าขัดข้องในพื้นที่"
OTHERS = [f"A3{n:02d}" for n in range(1, 30)]  # with A100: thirty accounts on BPA-03


@pytest.fixture
def feeder(org):
    bot = org
    rows = ["account_code,name,tier,office,kamr,sites",
            "A100,บริษัท น้ำตาลไทย จำกัด,strategic,PEA-N1,K001,โรงงาน 1@BPA-03;โรงงาน 2@BPA-07"]
    rows += [f"{code},บริษัท {code} จำกัด,star,PEA-N1,{'K001' if n < 15 else 'K002'},โรงงาน@bpa-03"
             for n, code in enumerate(OTHERS)]
    with session_scope(bot.engine) as session:
        assert import_accounts(session, io.StringIO("\n".join(rows) + "\n")).errors == []
    for code in OTHERS:
        bot.link(f"U{code}", account=code)
    bot.line.reset()
    return bot


def notices(bot, user: str, start: str) -> list[str]:
    return [text for text in bot.texts_to(user) if text.startswith(start)]


def multicasts(bot) -> list:
    return [call for call in bot.line.calls if call.kind == "multicast" and call.status == 200]


def report(bot, user: str, site_label: str | None = None) -> None:
    bot.tap(user, "a=outage")
    ask = bot.last_to(user)
    if "quickReply" in ask and site_label:
        [item] = [i for i in ask["quickReply"]["items"] if i["action"]["label"] == site_label]
        bot.tap(user, item["action"]["data"])
    bot.tap(user, "a=outage.symptom&v=no_power")
    bot.tap(user, "a=outage.since&v=now")


def footer(card: dict) -> dict[str, str]:
    return {b["action"]["label"]: b["action"]["data"] for b in card["contents"]["footer"]["contents"]}


def test_a_whole_feeder_incident_from_the_outage_card_reaches_every_contact_once(feeder):
    bot = feeder
    everyone = ["Ucust1", "Ucust2"] + [f"U{code}" for code in OTHERS]
    report(bot, "Ucust1", "โรงงาน 1")
    card = bot.last_to("Ukamr1")
    assert "ทั้งฟีดเดอร์" in footer(card)

    bot.tap("Ukamr1", footer(card)["ทั้งฟีดเดอร์"])
    confirm = bot.last_to("Ukamr1")
    assert confirm["text"].startswith("เปิดเหตุทั้งฟีดเดอร์ BPA-03?\nกระทบ 30 แห่ง ของลูกค้า 30 ราย")
    assert all(not notices(bot, user, NOTICE) for user in everyone)  # nobody is told before the KAMR confirms
    bot.tap("Ukamr1", confirm["quickReply"]["items"][0]["action"]["data"])

    with session_scope(bot.engine) as session:
        incident = session.exec(select(Incident)).one()
        tickets = session.exec(select(Ticket)).all()
    assert f"เปิด {incident.number} แล้ว แจ้งผู้ติดต่อ 31 คน" in bot.texts_to("Ukamr1")
    assert len(tickets) == 30 and all(t.status == "acknowledged" for t in tickets)  # Ucust1's ticket joined it
    assert [len(call.json["to"]) for call in multicasts(bot)] == [31]
    for user in everyone:
        [notice] = notices(bot, user, NOTICE)
        assert f"{incident.number}\nฟีดเดอร์ BPA-03 ตั้งแต่ 23 พ.ย. 2569 10:00 น." in notice
    assert notices(bot, "Uhosp", NOTICE) == []  # A200 is on no feeder
    # Each KAMR gets one card with their own accounts; K002's second KAMR card for the reports never comes.
    k2 = bot.last_to("Ukamr2")
    assert k2["altText"].startswith(f"⚡ เหตุทั้งฟีดเดอร์ {incident.number}")
    assert "ลูกค้าของท่านที่กระทบ (14):" in str(k2["contents"])
    k2_messages = len(bot.line.messages_to("Ukamr2"))

    # A report from a site the incident cuts joins its ticket and is told so; no new KAMR card.
    report(bot, "UA320")
    texts = bot.texts_to("UA320")
    assert any(text.startswith("เรื่องของท่านเป็นส่วนหนึ่งของเหตุไฟฟ้าขัดข้องในพื้นที่ " + incident.number) for text in texts)
    assert len(bot.line.messages_to("Ukamr2")) == k2_messages
    with session_scope(bot.engine) as session:
        assert len(session.exec(select(Ticket)).all()) == 30

    # An update with a cause from the list, then the restoration: to everyone, once each.
    [k1_card] = [m for m in bot.line.messages_to("Ukamr1") if m.get("altText", "").startswith("⚡ เหตุทั้งฟีดเดอร์")]
    assert list(footer(k1_card)) == ["อัปเดต", "ไฟมาแล้ว"]
    bot.tap("Ukamr1", footer(k1_card)["อัปเดต"])
    ask = bot.last_to("Ukamr1")
    assert [i["action"]["label"] for i in ask["quickReply"]["items"]][:2] == ["ต้นไม้ล้มทับสาย", "อุปกรณ์ชำรุด"]
    bot.tap("Ukamr1", ask["quickReply"]["items"][0]["action"]["data"])
    for user in everyone:
        [update] = notices(bot, user, "🔄 อัปเดต")
        assert "สาเหตุ: ต้นไม้ล้มทับสาย" in update
    assert "สาเหตุ: ต้นไม้ล้มทับสาย" in notices(bot, "Ukamr2", "🔄")[0]

    bot.advance(minutes=40)
    bot.tap("Ukamr1", footer(k1_card)["ไฟมาแล้ว"])
    bot.tap("Ukamr1", footer(k1_card)["ไฟมาแล้ว"])  # a second tap tells nobody again
    assert bot.texts_to("Ukamr1")[-1] == f"{incident.number} แจ้งไฟมาแล้วก่อนหน้านี้"
    for user in everyone:
        [restored] = notices(bot, user, "✅ ไฟฟ้ากลับมาใช้ได้แล้ว")
        assert "เมื่อ 23 พ.ย. 2569 10:40 น." in restored
    with session_scope(bot.engine) as session:
        assert {t.status for t in session.exec(select(Ticket))} == {"resolved"}
    assert len(multicasts(bot)) == 3  # notice, update, restoration: one call each for 31 people

    # One score per contact, kept on their account's ticket.
    last = bot.last_to("UA305")
    bot.tap("UA305", last["quickReply"]["items"][0]["action"]["data"])
    assert bot.last_to("UA305")["text"].startswith("ขอบคุณสำหรับคะแนน 5/5")
    bot.tap("UA305", last["quickReply"]["items"][1]["action"]["data"])
    assert bot.last_to("UA305")["text"] != "ขอบคุณสำหรับคะแนน 4/5"
    bot.tap("Uhosp", last["quickReply"]["items"][0]["action"]["data"])  # not theirs: looks expired
    with session_scope(bot.engine) as session:
        assert [r.score for r in session.exec(select(Rating))] == [5]


def test_only_staff_of_its_accounts_act_on_it_and_tampered_data_changes_nothing(feeder):
    bot = feeder
    report(bot, "Ucust1", "โรงงาน 1")
    ticket = bot.only_ticket()
    bot.tap("Uhosp", f"a=incident.open&t={ticket.id}")  # a contact tapping a staff button
    bot.tap("Ukamr2", f"a=incident.open&t={ticket.id}")  # K002 does not look after A100
    assert bot.texts_to("Ukamr2")[-1] == "ขออภัยค่ะ ท่านไม่มีสิทธิ์ทำรายการนี้"
    with session_scope(bot.engine) as session:
        assert session.exec(select(Incident)).all() == []
    bot.tap("Ukamr1", f"a=incident.open&t={ticket.id}")
    bot.tap("Ukamr1", f"a=incident.open&t={ticket.id}")  # the same feeder again: the same incident
    assert bot.texts_to("Ukamr1")[-2] == "ฟีดเดอร์นี้มีเหตุ INC-69-00001 เปิดอยู่แล้ว"  # with its card
    with session_scope(bot.engine) as session:
        [incident] = session.exec(select(Incident)).all()
    for data in (f"a=incident.restore&i={incident.id}", f"a=incident.cause&i={incident.id}&c=0"):
        bot.tap("Ucust1", data)  # customers cannot
    for data in ("a=incident.restore&i=99999", "a=incident.restore&i=x", f"a=incident.cause&i={incident.id}&c=99",
                 f"a=incident.cause&i={incident.id}&c=-1", f"a=incident.etr&i={incident.id}"):
        bot.tap("Ukamr1", data)
    bot.tap("Ukamr1", f"a=incident.etr&i={incident.id}", datetime="2026-11-23T09:00")  # in the past
    assert bot.texts_to("Ukamr1")[-1].startswith("เวลาที่คาดว่าไฟจะมาต้องไม่เป็นเวลาที่ผ่านมาแล้วค่ะ")
    with session_scope(bot.engine) as session:
        fresh = session.get(Incident, incident.id)
        assert (fresh.status, fresh.cause, fresh.etr) == ("open", "", None)
    bot.tap("Ukamr1", f"a=incident.etr&i={incident.id}", datetime="2026-11-23T13:30")
    assert "คาดว่าไฟจะมาประมาณ 23 พ.ย. 2569 13:30 น." in notices(bot, "UA301", "🔄 อัปเดต")[0]

    # The estimate passes without restoration: the KAMRs are asked for a new one, once per estimate.
    from jobs.incident_estimates import remind_passed_estimates

    bot.advance(hours=3, minutes=29)  # 13:29
    assert bot.run_job(remind_passed_estimates) == 0
    bot.advance(minutes=2)
    assert bot.run_job(remind_passed_estimates) == 1
    assert bot.run_job(remind_passed_estimates) == 0
    reminder = bot.last_to("Ukamr1")
    assert reminder["text"].startswith(f"⏰ {incident.number}: เลยเวลาที่คาดว่าไฟจะมา (23 พ.ย. 2569 13:30 น.) แล้ว")
    assert bot.texts_to("Ukamr2")[-1].startswith(f"⏰ {incident.number}")
    bot.tap("Ukamr1", reminder["quickReply"]["items"][0]["action"]["data"])
    bot.tap("Ukamr1", f"a=incident.etr&i={incident.id}", datetime="2026-11-23T15:00")
    assert "คาดว่าไฟจะมาประมาณ 23 พ.ย. 2569 15:00 น." in notices(bot, "UA301", "🔄 อัปเดต")[-1]
    bot.advance(hours=2)
    assert bot.run_job(remind_passed_estimates) == 1


def open_feeder_incident(bot) -> Incident:
    report(bot, "Ucust1", "โรงงาน 1")
    bot.tap("Ukamr1", footer(bot.last_to("Ukamr1"))["ทั้งฟีดเดอร์"])
    bot.tap("Ukamr1", bot.last_to("Ukamr1")["quickReply"]["items"][0]["action"]["data"])
    with session_scope(bot.engine) as session:
        return session.exec(select(Incident)).one()


def test_a_new_report_under_an_open_incident_is_told_of_the_incident_not_to_phone_1129(feeder):
    bot = feeder
    incident = open_feeder_incident(bot)
    with session_scope(bot.engine) as session:
        a320 = session.exec(select(Account).where(Account.account_code == "A320")).one().id
        [ticket] = session.exec(select(Ticket).where(Ticket.account_id == a320)).all()
    bot.tap("UA320", f"a=outage.restored&t={ticket.id}")  # power back at their site, while the feeder is still out
    bot.line.reset()

    report(bot, "UA320")  # ...and out again: a new ticket, which the open incident covers
    texts = bot.texts_to("UA320")
    [created] = [text for text in texts if text.startswith("รับแจ้งแล้วค่ะ")]
    assert "1129" not in created and "จะติดต่อกลับ" not in created
    assert any(text.startswith("เรื่องของท่านเป็นส่วนหนึ่งของเหตุไฟฟ้าขัดข้องในพื้นที่ " + incident.number) for text in texts)
    with session_scope(bot.engine) as session:
        [new] = session.exec(select(Ticket).where(Ticket.account_id == a320, Ticket.id != ticket.id)).all()
        assert new.status == "acknowledged"
