"""Channel-neutral messages: handlers speak only these; channel adapters translate."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

ButtonKind = Literal["postback", "text", "date", "datetime", "camera", "camera_roll", "location", "uri"]
# Cards a channel shows side by side in one message at most (LINE's carousel: bot/line/limits.py).
CAROUSEL_CARDS = 12
# Characters of a button or quick-reply label a channel shows uncut (LINE's: bot/line/limits.py); labels are written to fit.
LABEL_CHARS = 20
AttachmentKind = Literal["image", "video", "audio", "file", "location"]


@dataclass(frozen=True)
class Button:
    label: str
    kind: ButtonKind = "postback"
    data: str = ""  # postback data, the text to send for kind="text", the address for kind="uri" (tel:, https:)
    display: str = ""  # what the chat shows as the user's own message after a tap
    # date / datetime pickers: what they open on and the bounds they allow (YYYY-MM-DD, or YYYY-MM-DDTHH:MM
    # in Bangkok time); handlers/rules/date_bounds.py, and the server checks the answer against the same rule
    initial: str = ""
    min: str = ""
    max: str = ""


@dataclass(frozen=True)
class Card:
    """A titled block of facts with buttons (a Flex bubble on LINE)."""

    title: str
    lines: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True)
class Attachment:
    """Something to show beside the text: kept media by its token, or a place on the map.

    `label` is what a channel that cannot show it says instead (in the reader's language)."""

    kind: AttachmentKind
    label: str = ""
    media_token: str = ""
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""


@dataclass(frozen=True)
class Message:
    text: str = ""
    card: Card | None = None
    quick_replies: tuple[Button, ...] = ()
    attachments: tuple[Attachment, ...] = ()  # shown before the card and the text
    cards: tuple[Card, ...] = ()  # several cards side by side as one message (a carousel); after `card`

    def to_dict(self) -> dict:
        """What dataclasses.asdict gives, built directly: every answer passes here, and asdict's
        recursive deep copy of these flat, immutable parts cost more than queuing the answer."""
        return {"text": self.text, "card": _card_to_dict(self.card) if self.card else None,
                "quick_replies": tuple(dict(vars(button)) for button in self.quick_replies),
                "attachments": tuple(dict(vars(attachment)) for attachment in self.attachments),
                "cards": tuple(_card_to_dict(card) for card in self.cards)}

    @staticmethod
    def from_dict(data: dict) -> "Message":
        card = data.get("card")
        return Message(
            text=data.get("text", ""),
            card=_card_from_dict(card) if card else None,
            quick_replies=tuple(Button(**b) for b in data.get("quick_replies", ())),
            attachments=tuple(Attachment(**a) for a in data.get("attachments", ())),
            cards=tuple(_card_from_dict(c) for c in data.get("cards", ())),
        )


def _card_to_dict(card: Card) -> dict:
    return {"title": card.title, "lines": tuple(card.lines), "buttons": tuple(dict(vars(button)) for button in card.buttons)}


def _card_from_dict(card: dict) -> Card:
    return Card(title=card["title"], lines=tuple(card.get("lines", ())),
                buttons=tuple(Button(**b) for b in card.get("buttons", ())))


InboundKind = Literal[
    "text", "postback", "location", "image", "media", "sticker", "follow", "unfollow", "unsupported"
]


@dataclass(frozen=True)
class Inbound:
    """One thing a person did, whatever the channel."""

    channel: str  # "line" or "form"
    user_id: str  # the channel's id for the person (LINE userId)
    kind: InboundKind
    received_at: datetime  # UTC
    text: str = ""
    data: str = ""  # postback data
    params: dict[str, Any] = field(default_factory=dict)  # date/time picker answers
    latitude: float | None = None
    longitude: float | None = None
    address: str = ""
    media_id: str = ""  # the channel's id for sent content (photo, video, voice, file)
    media_kind: str = ""  # image, video, audio, file
    file_name: str = ""
    file_size: int = 0
    reply_token: str = ""
