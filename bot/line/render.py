"""Neutral messages out as line-bot-sdk message objects (text with quick replies, Flex cards)."""
from __future__ import annotations

from linebot.v3.messaging import (
    CameraAction,
    CameraRollAction,
    DatetimePickerAction,
    FlexContainer,
    FlexMessage,
    LocationAction,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
)

from handlers.messages import Button, Card, Message

LABEL_MAX = 20  # LINE's limit for action labels
ALT_TEXT_MAX = 400
PURPLE = "#74045F"


def _label(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def action(button: Button):
    label = _label(button.label)
    if button.kind == "postback":
        return PostbackAction(label=label, data=button.data, displayText=button.display or None)
    if button.kind == "text":
        return MessageAction(label=label, text=button.data or button.label)
    if button.kind in ("date", "datetime"):
        return DatetimePickerAction(label=label, data=button.data, mode=button.kind)
    if button.kind == "camera":
        return CameraAction(label=label)
    if button.kind == "camera_roll":
        return CameraRollAction(label=label)
    if button.kind == "location":
        return LocationAction(label=label)
    raise ValueError(f"unknown button kind {button.kind!r}")


def _bubble(card: Card) -> dict:
    body = [{"type": "text", "text": card.title, "weight": "bold", "size": "md", "wrap": True, "color": PURPLE}]
    body += [{"type": "text", "text": line, "size": "sm", "wrap": True} for line in card.lines]
    bubble: dict = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}}
    if card.buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": [
                {"type": "button", "style": "primary" if i == 0 else "secondary", "height": "sm",
                 "color": PURPLE if i == 0 else None, "action": action(b).to_dict()}
                for i, b in enumerate(card.buttons)
            ],
        }
        for button in bubble["footer"]["contents"]:
            if button["color"] is None:
                del button["color"]
    return bubble


def render(message: Message) -> list:
    """One neutral message becomes one or two LINE messages; quick replies ride on the last."""
    out = []
    if message.card:
        alt = "\n".join((message.card.title, *message.card.lines))[:ALT_TEXT_MAX]
        out.append(FlexMessage(altText=alt, contents=FlexContainer.from_dict(_bubble(message.card))))
    if message.text:
        out.append(TextMessage(text=message.text[:5000]))
    if message.quick_replies and out:
        out[-1].quick_reply = QuickReply(items=[QuickReplyItem(action=action(b)) for b in message.quick_replies[:13]])
    return out


def render_all(messages: list[dict]) -> list:
    return [m for data in messages for m in render(Message.from_dict(data))]
