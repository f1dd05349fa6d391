"""Neutral messages out as line-bot-sdk message objects (text with quick replies, Flex cards)."""
from __future__ import annotations

from typing import Callable

from linebot.v3.messaging import (
    CameraAction,
    CameraRollAction,
    DatetimePickerAction,
    FlexContainer,
    FlexMessage,
    ImageMessage,
    LocationAction,
    LocationMessage,
    MessageAction,
    PostbackAction,
    QuickReply,
    QuickReplyItem,
    TextMessage,
    URIAction,
)

from bot.line.limits import ALT_TEXT_CHARS, CAROUSEL_BUBBLES, LABEL_CHARS, QUICK_REPLY_ITEMS, TEXT_CHARS
from handlers.messages import Attachment, Button, Card, Message

PURPLE = "#74045F"
# media_url(token, preview) -> the public HTTPS address of a kept file, "" when there is none
MediaUrl = Callable[[str, bool], str]


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def action(button: Button):
    label = _label(button.label)
    if button.kind == "postback":
        return PostbackAction(label=label, data=button.data, displayText=button.display or None)
    if button.kind == "text":
        return MessageAction(label=label, text=button.data or button.label)
    if button.kind in ("date", "datetime"):
        return DatetimePickerAction(label=label, data=button.data, mode=button.kind, initial=button.initial or None,
                                    min=button.min or None, max=button.max or None)
    if button.kind == "camera":
        return CameraAction(label=label)
    if button.kind == "camera_roll":
        return CameraRollAction(label=label)
    if button.kind == "location":
        return LocationAction(label=label)
    if button.kind == "uri":
        return URIAction(label=label, uri=button.data)
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


def _no_media(token: str, preview: bool) -> str:
    return ""


def _attachment(attachment: Attachment, media_url: MediaUrl):
    if attachment.kind == "location" and attachment.latitude is not None and attachment.longitude is not None:
        return LocationMessage(title=(attachment.label or "📍")[:100], address=(attachment.address or "-")[:100],
                               latitude=attachment.latitude, longitude=attachment.longitude)
    url = media_url(attachment.media_token, False) if attachment.media_token else ""
    if attachment.kind == "image" and url:
        return ImageMessage(originalContentUrl=url, previewImageUrl=media_url(attachment.media_token, True) or url)
    # Video, voice and files (and photos without a public address): a line with the link, if any.
    return TextMessage(text="\n".join(part for part in (attachment.label, url) if part)[:TEXT_CHARS] or "-")


def render(message: Message, media_url: MediaUrl = _no_media) -> list:
    """One neutral message becomes LINE messages: attachments, the card, the text; quick replies ride on the last."""
    out = [_attachment(a, media_url) for a in message.attachments]
    if message.card:
        alt = "\n".join((message.card.title, *message.card.lines))[:ALT_TEXT_CHARS]
        out.append(FlexMessage(altText=alt, contents=FlexContainer.from_dict(_bubble(message.card))))
    if message.cards:
        # Callers page their lists; more than LINE takes in one carousel would be refused whole, so cut.
        cards = message.cards[:CAROUSEL_BUBBLES]
        alt = "\n".join(card.title for card in cards)[:ALT_TEXT_CHARS]
        carousel = {"type": "carousel", "contents": [_bubble(card) for card in cards]}
        out.append(FlexMessage(altText=alt, contents=FlexContainer.from_dict(carousel)))
    if message.text:
        out.append(TextMessage(text=message.text[:TEXT_CHARS]))
    quick = message.quick_replies[:QUICK_REPLY_ITEMS]
    if quick and out:
        out[-1].quick_reply = QuickReply(items=[QuickReplyItem(action=action(b)) for b in quick])
    return out


def render_all(messages: list[dict], media_url: MediaUrl = _no_media) -> list:
    return [m for data in messages for m in render(Message.from_dict(data), media_url)]
