"""The chat simulator's terminal rendering, on the payloads our bot really sends through the LINE stand-in."""
from datetime import date

import pytest

from bot.demo.chat import picker_params
from bot.demo.chat_render import display_width, pad, render_messages
from bot.line.render import render
from handlers.messages import Button, Card, Message


def test_outage_dialog_and_kamr_card_as_the_terminal_shows_them(org):
    bot = org
    bot.tap("Ucust1", "a=outage")
    ask_site = render_messages([bot.last_to("Ucust1")])
    assert ask_site.lines == ["🤖 ไฟดับที่สถานที่ใดคะ", "   [1] โรงงาน 1  [2] โรงงาน 2  [3] ยกเลิก"]
    assert ask_site.choices[1].action["type"] == "postback"

    bot.tap("Ucust1", ask_site.choices[1].action["data"])
    bot.tap("Ucust1", "a=outage.symptom&v=no_power")
    since = render_messages([bot.last_to("Ucust1")])
    assert since.lines[1] == "   [1] เพิ่งเกิด  [2] เลือกวันเวลา 📅  [3] ยกเลิก"
    assert since.choices[1].action["mode"] == "datetime"
    assert since.choices[2].action == {"type": "message", "label": "ยกเลิก", "text": "ยกเลิก"}

    bot.say("Ucust1", "09:40")
    created = render_messages([bot.last_to("Ucust1")])
    assert created.lines[:2] == ["🤖 รับแจ้งแล้วค่ะ เลขที่ OUT-69-00001", "   โรงงาน 2: ไฟดับ ตั้งแต่ 23 พ.ย. 2569 09:40 น."]
    assert created.lines[-1] == "   [1] ถ่ายรูป 📷  [2] เลือกรูป 🖼  [3] ส่งตำแหน่ง 📍  [4] เสร็จสิ้น  [5] ไฟมาแล้ว"
    assert [c.action["type"] for c in created.choices] == ["camera", "cameraRoll", "location", "postback", "postback"]

    # Numbering goes on from where the screen is: the KAMR already has two choices showing.
    card = render_messages(bot.line.messages_to("Ukamr1"), first_number=3)
    assert card.lines[0] == "🤖 ┌ ⚡ แจ้งไฟดับ OUT-69-00001"
    assert "   │ สถานที่: โรงงาน 2" in card.lines
    assert card.lines[-5:] == ["   │ [3] รับเรื่อง", "   │ [4] แจ้งความคืบหน้า", "   │ [5] แก้ไขแล้ว",
                               "   │ [6] แจ้งด่วนผู้บริหาร", "   └"]
    ticket = bot.only_ticket()
    assert card.choices[0].action["data"] == f"a=outage.ack&t={ticket.id}"


def test_card_with_text_and_quick_replies_rendered_by_the_sdk():
    message = Message(
        text="เลือกต่อได้เลยค่ะ",
        card=Card("งานที่เปิดอยู่ของฉัน (1)", ("OUT-69-00001 โรงพยาบาล – รอรับเรื่อง",),
                  (Button("ดู OUT-69-00001", data="a=outage.view&t=1"),)),
        quick_replies=(Button("งานของฉัน", data="a=mytickets", display="งานของฉัน"),
                       Button("วันที่", kind="date", data="a=x")),
    )
    payloads = render(message)
    screen = render_messages(payloads)
    assert screen.lines == [
        "🤖 ┌ งานที่เปิดอยู่ของฉัน (1)",
        "   │ OUT-69-00001 โรงพยาบาล – รอรับเรื่อง",
        "   │ [1] ดู OUT-69-00001",
        "   └",
        "🤖 เลือกต่อได้เลยค่ะ",
        "   [2] งานของฉัน  [3] วันที่ 📅",
    ]
    assert [c.label for c in screen.choices] == ["ดู OUT-69-00001", "งานของฉัน", "วันที่"]
    assert screen.choices[1].action["displayText"] == "งานของฉัน"


def test_messages_our_bot_does_not_send_still_show_something():
    screen = render_messages([{"type": "sticker", "packageId": "1", "stickerId": "1"},
                              {"type": "imagemap", "altText": "แผนที่"}])
    assert screen.lines == ["🤖 [สติกเกอร์ / sticker]", "🤖 [imagemap] แผนที่"]
    assert screen.choices == []


def test_thai_marks_take_no_columns():
    assert display_width("สมชาย ใจดี") == 10 - 1  # the vowel mark above จ takes no column
    assert display_width("ที่") == 1
    assert pad("ที่", 4) == "ที่   "


@pytest.mark.parametrize("mode, typed, expected", [
    ("datetime", "2026-11-20 09:40", {"datetime": "2026-11-20T09:40"}),
    ("datetime", "20/11/2569 9.40", {"datetime": "2026-11-20T09:40"}),
    ("datetime", "09:40", {"datetime": "2026-11-23T09:40"}),
    ("datetime", "20 พ.ย. 2569 14:05 น.", {"datetime": "2026-11-20T14:05"}),
    ("datetime", "2026-11-20", None),
    ("datetime", "25:00", None),
    ("datetime", "เมื่อวาน", None),
    ("date", "2026-11-20", {"date": "2026-11-20"}),
    ("date", "20/11/2569", {"date": "2026-11-20"}),
    ("date", "2026-11-20 09:40", None),
    ("time", "9:05", {"time": "09:05"}),
    ("time", "2026-11-20 09:40", None),
])
def test_typed_dates_become_what_the_line_picker_posts(mode, typed, expected):
    assert picker_params(mode, typed, today=date(2026, 11, 23)) == expected


def test_several_cards_go_as_one_carousel_and_the_terminal_numbers_every_button():
    cards = tuple(Card(f"📝 ร้องเรียน CMP-69-0000{n}", ("สถานะ: รอรับเรื่อง",),
                       (Button("ตอบลูกค้า", data=f"a=complaint.answer&t={n}"),)) for n in (1, 2))
    [flex] = render(Message(cards=cards))
    payload = flex
    assert payload["contents"]["type"] == "carousel" and len(payload["contents"]["contents"]) == 2
    assert payload["altText"] == "📝 ร้องเรียน CMP-69-00001\n📝 ร้องเรียน CMP-69-00002"
    assert Message.from_dict(Message(cards=cards).to_dict()) == Message(cards=cards)  # survives the outbox
    screen = render_messages([payload])
    assert screen.lines == [
        "🤖 ┌ 📝 ร้องเรียน CMP-69-00001", "   │ สถานะ: รอรับเรื่อง", "   │ [1] ตอบลูกค้า", "   └",
        "🤖 ┌ 📝 ร้องเรียน CMP-69-00002", "   │ สถานะ: รอรับเรื่อง", "   │ [2] ตอบลูกค้า", "   └",
    ]
    many = tuple(Card(f"C{n}") for n in range(20))
    [flex] = render(Message(cards=many))
    assert len(flex["contents"]["contents"]) == 12  # LINE refuses a longer carousel whole


def test_photos_pins_and_call_and_map_buttons_read_well_in_the_terminal():
    from handlers.messages import Attachment

    message = Message(
        attachments=(Attachment(kind="image", media_token="tok", label="รูปภาพ"),
                     Attachment(kind="location", label="OUT-69-00001", latitude=13.7563, longitude=100.5018,
                                address="ถนนพหลโยธิน")),
        card=Card(title="⚡ แจ้งไฟดับ OUT-69-00001", lines=("📝 หม้อแปลงมีควันออกมาค่ะ",),
                  buttons=(Button("📞 โทร 081-234-5678", kind="uri", data="tel:0812345678"),
                           Button("เปิดแผนที่", kind="uri",
                                  data="https://www.google.com/maps/search/?api=1&query=13.756300,100.501800"))))
    url = lambda token, preview: f"https://kambot.example/media/{token}" + ("/preview" if preview else "")
    sent = render(message, url)
    screen = render_messages(sent)
    assert screen.lines == [
        "🤖 [รูปภาพ / image] https://kambot.example/media/tok",
        "🤖 [ตำแหน่ง / location] OUT-69-00001 ถนนพหลโยธิน (13.7563, 100.5018)",
        "🤖 ┌ ⚡ แจ้งไฟดับ OUT-69-00001",
        "   │ 📝 หม้อแปลงมีควันออกมาค่ะ",
        "   │ [1] 📞 โทร 081-234-5678 ☎ 0812345678",
        "   │ [2] เปิดแผนที่ 🗺",
        "   └",
    ]
    assert screen.choices[1].action["uri"].startswith("https://www.google.com/maps/search/")
