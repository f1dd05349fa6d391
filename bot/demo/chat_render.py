"""LINE message objects (as our bot sends them, bot/line/render.py) as terminal text for `kambot chat`.

Text, quick replies, Flex bubbles (and carousels), templates; every tappable action gets a number,
counted on from `first_number`, and comes back as a Choice the chat can act on. A row of buttons labelled
with numbers (the scores 5..1) takes those numbers, so typing 5 gives 5; the other buttons skip them.
"""
from __future__ import annotations

import itertools
import unicodedata
from dataclasses import dataclass, field

BOT = "🤖 "
INDENT = "   "


@dataclass(frozen=True)
class Choice:
    number: int
    label: str
    action: dict  # the LINE action object: postback, message, datetimepicker, camera, location, uri...


@dataclass
class Screen:
    lines: list[str]
    choices: list[Choice]
    # id() of an action labelled with a number -> that number (see numbered_by_label)
    own_numbers: dict[int, int] = field(default_factory=dict)


def display_width(text: str) -> int:
    """Columns on a terminal: Thai vowel and tone marks (and other combining marks) take none, wide characters two."""
    width = 0
    for char in text:
        if unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return width


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - display_width(text))


def render_messages(messages: list[dict], *, first_number: int = 1) -> Screen:
    screen = Screen(lines=[], choices=[], own_numbers=_label_numbers(messages))
    for message in messages:
        _message(screen, message, first_number)
    return screen


def numbered_by_label(messages: list[dict]) -> bool:
    """Whether a row of these messages' buttons is numbered by its labels: the chat then drops the older
    choices, whose numbers those would otherwise collide with."""
    return bool(_label_numbers(messages))


def _action_rows(message: dict) -> list[list[dict]]:
    rows = [[item.get("action") or {} for item in (message.get("quickReply") or {}).get("items") or []]]
    if message.get("type") == "flex":
        container = message.get("contents") or {}
        for bubble in container.get("contents", []) if container.get("type") == "carousel" else [container]:
            actions: list[dict] = []
            for part in ("header", "hero", "body", "footer"):
                _walk(bubble.get(part) or {}, [], actions)
            rows.append(actions)
    elif message.get("type") == "template":
        rows.append((message.get("template") or {}).get("actions") or [])
    return rows


def _label_numbers(messages: list[dict]) -> dict[int, int]:
    """Rows of two or more buttons whose labels are distinct whole numbers: each button takes its label."""
    numbers: dict[int, int] = {}
    for message in messages:
        for row in _action_rows(message):
            labels = [str(action.get("label", "")) for action in row]
            if len(row) < 2 or not all(label.isdigit() for label in labels) or len(set(labels)) < len(labels):
                continue
            if set(map(int, labels)) & set(numbers.values()):
                continue  # a second such row in the same batch: counted like any other
            numbers.update({id(action): int(label) for action, label in zip(row, labels)})
    return numbers


def _number(screen: Screen, first_number: int, action: dict) -> str:
    number = screen.own_numbers.get(id(action))
    if number is None:
        taken = {choice.number for choice in screen.choices} | set(screen.own_numbers.values())
        number = next(n for n in itertools.count(first_number) if n not in taken)
    choice = Choice(number, action.get("label") or action.get("text") or "?", action)
    screen.choices.append(choice)
    return f"[{choice.number}] {choice.label}{_hint(action)}"


def _hint(action: dict) -> str:
    """What choosing the button will ask for, where that is not just a tap; where a link goes."""
    if action.get("type") == "uri":
        uri = action.get("uri", "")
        if uri.startswith("tel:"):
            return " ☎ " + uri[4:]
        return " 🗺" if "google.com/maps" in uri else " 🔗"
    return {"datetimepicker": " 📅", "camera": " 📷", "cameraRoll": " 🖼", "location": " 📍"}.get(action.get("type"), "")


def _message(screen: Screen, message: dict, first_number: int) -> None:
    kind = message.get("type")
    if kind == "text":
        lines = message.get("text", "").split("\n")
        screen.lines.append(BOT + lines[0])
        screen.lines += [INDENT + line for line in lines[1:]]
    elif kind == "flex":
        _flex(screen, message.get("contents") or {}, first_number)
    elif kind == "template":
        _template(screen, message.get("template") or {}, first_number)
    elif kind == "image":
        screen.lines.append(BOT + "[รูปภาพ / image] " + message.get("originalContentUrl", ""))
    elif kind == "location":
        place = " ".join(part for part in (message.get("title", ""), message.get("address", "")) if part and part != "-")
        screen.lines.append(BOT + f"[ตำแหน่ง / location] {place} ({message.get('latitude')}, {message.get('longitude')})")
    elif kind == "sticker":
        screen.lines.append(BOT + "[สติกเกอร์ / sticker]")
    else:
        screen.lines.append(BOT + f"[{kind}] {message.get('altText', '')}")
    items = (message.get("quickReply") or {}).get("items") or []
    if items:
        screen.lines.append(INDENT + "  ".join(_number(screen, first_number, item.get("action") or {}) for item in items))


def _flex(screen: Screen, container: dict, first_number: int) -> None:
    bubbles = container.get("contents", []) if container.get("type") == "carousel" else [container]
    for bubble in bubbles:
        texts: list[str] = []
        actions: list[dict] = []
        for part in ("header", "hero", "body", "footer"):
            _walk(bubble.get(part) or {}, texts, actions)
        if not texts:
            texts = ["(การ์ด / card)"]
        screen.lines.append(BOT + "┌ " + texts[0])
        screen.lines += ["   │ " + text for text in texts[1:]]
        screen.lines += ["   │ " + _number(screen, first_number, action) for action in actions]
        screen.lines.append("   └")


def _walk(component: dict, texts: list[str], actions: list[dict]) -> None:
    kind = component.get("type")
    if kind == "box":
        for child in component.get("contents") or []:
            _walk(child, texts, actions)
    elif kind == "text":
        text = component.get("text") or "".join(span.get("text", "") for span in component.get("contents") or [])
        texts.extend(text.split("\n"))
    elif kind == "button" and component.get("action"):
        actions.append(component["action"])


def _template(screen: Screen, template: dict, first_number: int) -> None:
    heading = [text for text in (template.get("title"), template.get("text")) if text]
    screen.lines.append(BOT + "┌ " + (heading[0] if heading else "(template)"))
    screen.lines += ["   │ " + text for text in heading[1:]]
    screen.lines += ["   │ " + _number(screen, first_number, action) for action in template.get("actions") or []]
    screen.lines.append("   └")
