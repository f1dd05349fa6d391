"""Neutral messages out as LINE's message objects, as the JSON dicts LINE's API takes.

Plain dicts, built once per call: the SDK's models would be built and validated per message and then
turned back into these same dicts (tests/test_line_render.py holds them to what the models make)."""
from __future__ import annotations

from typing import Callable

from bot.line.limits import ALT_TEXT_CHARS, CAROUSEL_BUBBLES, LABEL_CHARS, QUICK_REPLY_ITEMS, TEXT_CHARS
from handlers.messages import Attachment, Button, Card, Message

PURPLE = "#74045F"
# media_url(token, preview) -> the public HTTPS address of a kept file, "" when there is none
MediaUrl = Callable[[str, bool], str]
_ACTION_TYPES = {"camera": "camera", "camera_roll": "cameraRoll", "location": "location"}


def _label(text: str) -> str:
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _present(**fields) -> dict:
    return {key: value for key, value in fields.items() if value is not None}


def action(button: Button) -> dict:
    label = _label(button.label)
    if button.kind == "postback":
        return _present(type="postback", label=label, data=button.data, displayText=button.display or None)
    if button.kind == "text":
        return {"type": "message", "label": label, "text": button.data or button.label}
    if button.kind in ("date", "datetime"):
        return _present(type="datetimepicker", label=label, data=button.data, mode=button.kind,
                        initial=button.initial or None, max=button.max or None, min=button.min or None)
    if button.kind in _ACTION_TYPES:
        return {"type": _ACTION_TYPES[button.kind], "label": label}
    if button.kind == "uri":
        return {"type": "uri", "label": label, "uri": button.data}
    raise ValueError(f"unknown button kind {button.kind!r}")


def _bubble(card: Card) -> dict:
    body = [{"type": "text", "text": card.title, "weight": "bold", "size": "md", "wrap": True, "color": PURPLE}]
    body += [{"type": "text", "text": line, "size": "sm", "wrap": True} for line in card.lines]
    bubble: dict = {"type": "bubble", "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body}}
    if card.buttons:
        bubble["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": [
            _present(type="button", style="primary" if i == 0 else "secondary", height="sm",
                     color=PURPLE if i == 0 else None, action=action(b))
            for i, b in enumerate(card.buttons)]}
    return bubble


def _no_media(token: str, preview: bool) -> str:
    return ""


def _attachment(attachment: Attachment, media_url: MediaUrl) -> dict:
    if attachment.kind == "location" and attachment.latitude is not None and attachment.longitude is not None:
        return {"type": "location", "title": (attachment.label or "📍")[:100], "address": (attachment.address or "-")[:100],
                "latitude": attachment.latitude, "longitude": attachment.longitude}
    url = media_url(attachment.media_token, False) if attachment.media_token else ""
    if attachment.kind == "image" and url:
        return {"type": "image", "originalContentUrl": url,
                "previewImageUrl": media_url(attachment.media_token, True) or url}
    # Video, voice and files (and photos without a public address): a line with the link, if any.
    return {"type": "text", "text": "\n".join(part for part in (attachment.label, url) if part)[:TEXT_CHARS] or "-"}


def render(message: Message, media_url: MediaUrl = _no_media) -> list[dict]:
    """One neutral message becomes LINE messages: attachments, the card, the text; quick replies ride on the last."""
    out = [_attachment(a, media_url) for a in message.attachments]
    if message.card:
        alt = "\n".join((message.card.title, *message.card.lines))[:ALT_TEXT_CHARS]
        out.append({"type": "flex", "altText": alt, "contents": _bubble(message.card)})
    if message.cards:
        # Callers page their lists; more than LINE takes in one carousel would be refused whole, so cut.
        cards = message.cards[:CAROUSEL_BUBBLES]
        alt = "\n".join(card.title for card in cards)[:ALT_TEXT_CHARS]
        out.append({"type": "flex", "altText": alt,
                    "contents": {"type": "carousel", "contents": [_bubble(card) for card in cards]}})
    if message.text:
        out.append({"type": "text", "text": message.text[:TEXT_CHARS]})
    quick = message.quick_replies[:QUICK_REPLY_ITEMS]
    if quick and out:
        out[-1]["quickReply"] = {"items": [{"type": "action", "action": action(b)} for b in quick]}
    return out


def render_all(messages: list[dict], media_url: MediaUrl = _no_media) -> list[dict]:
    return [m for data in messages for m in render(Message.from_dict(data), media_url)]
