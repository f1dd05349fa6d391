"""LINE webhook events in, neutral Inbound out. The only place that reads LINE's event shape."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone

from handlers.messages import Inbound

MESSAGE_KINDS = {"text": "text", "image": "image", "location": "location", "sticker": "sticker",
                 "video": "media", "audio": "media", "file": "media"}


def user_key(event: dict) -> str:
    source = event.get("source") if isinstance(event.get("source"), dict) else {}
    kind = source.get("type")
    if kind == "user" and isinstance(source.get("userId"), str):
        return source["userId"]
    if kind in ("group", "room"):
        return f"{kind}:{source.get(kind + 'Id', '')}"
    return "unknown"


def is_one_to_one(key: str) -> bool:
    return not key.startswith(("group:", "room:")) and key != "unknown"


def inbox_row(event: dict) -> dict:
    event_id = event.get("webhookEventId")
    if not isinstance(event_id, str) or not event_id:
        # LINE always sends one; a hash still dedupes exact repeats of an odd event.
        event_id = "sha256:" + hashlib.sha256(json.dumps(event, sort_keys=True).encode()).hexdigest()
    event_type = event.get("type") if isinstance(event.get("type"), str) else "unknown"
    return {"event_id": event_id[:100], "user_key": user_key(event)[:100], "event_type": event_type[:40], "payload": event}


def _timestamp(event: dict) -> datetime:
    millis = event.get("timestamp")
    if isinstance(millis, (int, float)) and millis > 0:
        return datetime.fromtimestamp(millis / 1000, timezone.utc)
    return datetime.now(timezone.utc)


def to_inbound(event: dict, *, channel: str = "line") -> Inbound | None:
    """None for events the bot does not act on (join, leave, unsend, beacon, unknown types...)."""
    event_type = event.get("type")
    common = {
        "channel": channel,
        "user_id": user_key(event),
        "received_at": _timestamp(event),
        "reply_token": event.get("replyToken") if isinstance(event.get("replyToken"), str) else "",
    }
    if event_type in ("follow", "unfollow"):
        return Inbound(kind=event_type, **common)
    if event_type == "postback":
        postback = event.get("postback") if isinstance(event.get("postback"), dict) else {}
        params = postback.get("params") if isinstance(postback.get("params"), dict) else {}
        return Inbound(kind="postback", data=str(postback.get("data", "")), params=params, **common)
    if event_type != "message" or not isinstance(event.get("message"), dict):
        return None
    message = event["message"]
    kind = MESSAGE_KINDS.get(message.get("type"), "unsupported")
    if kind == "text":
        return Inbound(kind="text", text=str(message.get("text", ""))[:5000], **common)
    if kind == "location":
        return Inbound(
            kind="location",
            latitude=_float(message.get("latitude")),
            longitude=_float(message.get("longitude")),
            address=str(message.get("address", ""))[:300],
            **common,
        )
    if kind in ("image", "media"):
        size = message.get("fileSize")
        return Inbound(kind=kind, media_id=str(message.get("id", ""))[:64], media_kind=str(message.get("type")),
                       file_name=str(message.get("fileName", ""))[:200],
                       file_size=size if isinstance(size, int) and size >= 0 else 0, **common)
    return Inbound(kind=kind, media_id=str(message.get("id", ""))[:64], **common)


def _float(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None
