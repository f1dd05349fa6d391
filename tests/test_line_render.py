"""The sender's LINE JSON is built as plain dicts; LINE's SDK models must read every one back unchanged,
so the bodies are exactly what its request models would have sent."""
import pytest
from linebot.v3.messaging import Message as LineMessage

from bot.line.render import render, render_all
from handlers.messages import Attachment, Button, Card, Message

EVERY_BUTTON = (
    Button("รับเรื่อง", data="a=outage.ack&t=1", display="รับเรื่อง"),
    Button("ยกเลิก", data="a=cancel"),
    Button("พิมพ์เอง", kind="text", data="อื่น ๆ"),
    Button("เลือกวัน", kind="date", data="a=visit.day", initial="2026-11-23", min="2026-11-23", max="2026-12-31"),
    Button("เลือกเวลา", kind="datetime", data="a=outage.since"),
    Button("ถ่ายรูป", kind="camera"),
    Button("เลือกรูป", kind="camera_roll"),
    Button("ส่งตำแหน่ง", kind="location"),
    Button("📞 โทร 081-234-5678", kind="uri", data="tel:0812345678"),
    Button("ป้ายที่ยาวเกินยี่สิบตัวอักษรแน่นอนค่ะ"),
)
CARD = Card("⚡ แจ้งไฟดับ OUT-69-00001", ("โรงงาน 2: ไฟดับ",), EVERY_BUTTON[:4])
URL = lambda token, preview: f"https://kambot.example/media/{token}" + ("/preview" if preview else "")  # noqa: E731

MESSAGES = [
    Message(text="ไฟดับที่สถานที่ใดคะ", quick_replies=EVERY_BUTTON),
    Message(card=CARD, quick_replies=EVERY_BUTTON[:2]),
    Message(cards=(CARD, Card("C2"), Card("C3", buttons=(EVERY_BUTTON[8],))), text="หน้า 1"),
    Message(attachments=(Attachment(kind="image", media_token="tok", label="รูปภาพ"),
                         Attachment(kind="location", label="OUT-69-00001", latitude=13.7563, longitude=100.5018,
                                    address="ถนนพหลโยธิน"),
                         Attachment(kind="file", media_token="f1", label="ใบแจ้งหนี้.pdf")), text="แนบมาค่ะ"),
    Message(attachments=(Attachment(kind="image", label="no public address"),)),
]


@pytest.mark.parametrize("message", MESSAGES)
def test_every_line_message_reads_back_through_the_sdk_models_unchanged(message):
    for payload in render(message, URL):
        assert LineMessage.from_dict(payload).to_dict() == payload


def test_labels_are_cut_to_what_line_takes_and_quick_replies_ride_on_the_last_message():
    first, second = render(Message(card=CARD, text="เลือกเลยค่ะ", quick_replies=EVERY_BUTTON[-1:]))
    assert first["type"] == "flex" and "quickReply" not in first
    [item] = second["quickReply"]["items"]
    assert item == {"type": "action", "action": {"type": "postback", "label": "ป้ายที่ยาวเกินยี่สิ…", "data": ""}}
    assert len(item["action"]["label"]) == 20


def test_stored_outbox_messages_render_as_they_were_queued():
    stored = [message.to_dict() for message in MESSAGES[:2]]
    assert render_all(stored) == render(MESSAGES[0]) + render(MESSAGES[1])


@pytest.mark.parametrize("message", MESSAGES)
def test_a_message_is_stored_and_read_back_whole(message):
    """to_dict is written out by hand (asdict was too slow): a field it forgot would be lost on the way
    to the outbox, so every message, read back from what is stored, equals the one queued."""
    assert Message.from_dict(message.to_dict()) == message
