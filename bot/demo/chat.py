"""`kambot chat --as KEY`: talk to the running demo bot (`kambot demo serve`) as one person, in a terminal.

What a person does becomes the webhook LINE would send (signed with the channel secret, posted to
the bot); what the bot sends is fetched from the LINE stand-in it is pointed at and shown with
bot/demo/chat_render.py. Buttons are chosen by number; numbering starts again with the first message
that arrives after the person's own last action (like LINE, where quick replies go away).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import select
import sys
import time
import urllib.error
import urllib.request
import uuid
from datetime import date, datetime
from typing import TextIO

from bot.demo.chat_render import Choice, numbered_by_label, render_messages
from bot.demo.simulator import DemoSession
from handlers.thai_dates import BANGKOK, parse_thai_date

POLL_SECONDS = 0.2
CLEAR_LINE = "\r\033[K"  # over the waiting "> " prompt
HTTP_TIMEOUT = 5
DEFAULT_LOCATION = (18.7883, 98.9853, "ถนนท่าแพ เมืองเชียงใหม่")
TRAILING_TIME = re.compile(r"^(.*?)\s*(\d{1,2})[:.](\d{2})\s*(?:น\.?)?$")

HELP = """พิมพ์ข้อความแล้วกด Enter · เลือกปุ่มด้วยหมายเลข / type a message, or a button's number
  /menu                 ริชเมนู / the rich menu
  /photo                ส่งรูปภาพ / send a photo
  /location LAT LON [ที่อยู่]  ส่งตำแหน่ง / send a location
  /help  /quit"""


LINE_TEXT_LIMIT = 5000  # characters in one LINE text message


def readable(line: str) -> str:
    """The typed line as text that can be sent: a terminal that cuts a long paste mid-character (the tty
    keeps about 4,096 bytes of a line) leaves undecodable bytes, which stdin hands over as lone
    surrogates; they become U+FFFD instead of stopping the chat with UnicodeEncodeError."""
    try:
        return line.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # surrogates that were never bytes (pasted from elsewhere)
        return "".join("\ufffd" if "\ud800" <= char <= "\udfff" else char for char in line)


class ChatClient:
    """The LINE side of one person: webhooks to the bot, messages from the stand-in."""

    def __init__(self, session: DemoSession, user_id: str):
        self.session, self.user_id = session, user_id
        self.seen = 0

    def _request(self, url: str, *, body: bytes | None = None, headers: dict | None = None) -> dict:
        request = urllib.request.Request(url, data=body, headers=headers or {}, method="POST" if body else "GET")
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:
            return json.loads(response.read() or b"{}")

    def _line_api(self, path: str, payload: dict | None = None) -> dict:
        headers = {"Authorization": f"Bearer {self.session.access_token}", "Content-Type": "application/json"}
        body = json.dumps(payload).encode() if payload is not None else None
        return self._request(self.session.line_api_url + path, body=body, headers=headers)

    def send(self, event_type: str, **fields) -> None:
        reply_token = uuid.uuid4().hex
        self._line_api("/_standin/reply-tokens", {"replyToken": reply_token, "userId": self.user_id})
        event = {
            "type": event_type,
            "mode": "active",
            "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": self.user_id},
            "webhookEventId": uuid.uuid4().hex.upper()[:26],
            "deliveryContext": {"isRedelivery": False},
            "replyToken": reply_token,
            **fields,
        }
        body = json.dumps({"destination": "Udemo", "events": [event]}, ensure_ascii=False).encode()
        digest = hmac.new(self.session.channel_secret.encode(), body, hashlib.sha256).digest()
        self._request(self.session.webhook_url, body=body, headers={
            "Content-Type": "application/json", "X-Line-Signature": base64.b64encode(digest).decode()})

    def text(self, text: str) -> None:
        self.send("message", message={"type": "text", "id": _message_id(), "quoteToken": uuid.uuid4().hex, "text": text})

    def postback(self, data: str, params: dict | None = None) -> None:
        self.send("postback", postback={"data": data, **({"params": params} if params else {})})

    def image(self) -> None:
        self.send("message", message={"type": "image", "id": _message_id(), "quoteToken": uuid.uuid4().hex,
                                      "contentProvider": {"type": "line"}})

    def location(self, latitude: float, longitude: float, address: str) -> None:
        self.send("message", message={"type": "location", "id": _message_id(), "title": address[:100],
                                      "address": address, "latitude": latitude, "longitude": longitude})

    def follow(self) -> None:
        self.send("follow", follow={"isUnblocked": False})

    def new_messages(self) -> list[dict]:
        answer = self._line_api(f"/_standin/messages/{self.user_id}/{self.seen}")
        self.seen = answer["next"]
        return answer["messages"]

    def rich_menu_actions(self) -> list[dict]:
        """The areas of this person's rich menu (their own, else the default), as the phone shows it."""
        for path in (f"/v2/bot/user/{self.user_id}/richmenu", "/v2/bot/user/all/richmenu"):
            try:
                menu_id = self._line_api(path)["richMenuId"]
            except urllib.error.HTTPError:
                continue
            return [area["action"] for area in self._line_api(f"/v2/bot/richmenu/{menu_id}")["areas"]]
        return []


def _message_id() -> str:
    return str(uuid.uuid4().int)[:18]


def picker_params(mode: str, typed: str, today: date) -> dict | None:
    """What LINE's date/time picker would post for a typed answer: 2026-11-23 09:40, 23/11/2569 9.40, 09:40 (today)."""
    typed = typed.strip()
    match = TRAILING_TIME.match(typed)
    date_part, clock = (match[1], (int(match[2]), int(match[3]))) if match else (typed, None)
    if clock and (clock[0] > 23 or clock[1] > 59):
        return None
    day = parse_thai_date(date_part) if date_part.strip() else today
    if mode == "time":
        return {"time": f"{clock[0]:02d}:{clock[1]:02d}"} if clock and not date_part.strip() else None
    if day is None:
        return None
    if mode == "date":
        return {"date": day.isoformat()} if clock is None else None
    return {"datetime": f"{day.isoformat()}T{clock[0]:02d}:{clock[1]:02d}"} if clock else None


PICKER_PROMPTS = {
    "datetime": "📅 พิมพ์วันเวลา เช่น 2026-11-23 09:40 หรือ 09:40 (วันนี้) / type a date and time:",
    "date": "📅 พิมพ์วันที่ เช่น 2026-11-23 หรือ 23/11/2569 / type a date:",
    "time": "🕘 พิมพ์เวลา เช่น 09:40 / type a time:",
}


class ChatScreen:
    """The terminal side: reads lines, shows what arrives, turns numbers into taps."""

    def __init__(self, client: ChatClient, out: TextIO):
        self.client, self.out = client, out
        self.choices: dict[int, Choice] = {}
        self.acted = True  # the next arriving message starts the numbering again
        self.waiting_for: Choice | None = None  # a picker or location button that needs typed input

    def print(self, text: str = "") -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def prompt(self) -> None:
        self.out.write("> ")
        self.out.flush()

    def show_incoming(self) -> bool:
        messages = self.client.new_messages()
        if not messages:
            return False
        if self.acted or numbered_by_label(messages):
            self.choices, self.acted = {}, False
        screen = render_messages(messages, first_number=max(self.choices, default=0) + 1)
        self.choices.update({choice.number: choice for choice in screen.choices})
        self.out.write(CLEAR_LINE if self.out.isatty() else "\n")
        for line in screen.lines:
            self.print(line)
        return True

    def handle(self, line: str) -> bool:
        """Act on one typed line; False to quit."""
        line = readable(line).strip()
        if len(line) > LINE_TEXT_LIMIT:
            self.print(f"(ยาวเกิน {LINE_TEXT_LIMIT} ตัวอักษร ส่งเฉพาะส่วนแรก / longer than LINE's "
                       f"{LINE_TEXT_LIMIT} characters: the first {LINE_TEXT_LIMIT} are sent)")
            line = line[:LINE_TEXT_LIMIT]
        if self.waiting_for is not None:
            self._answer(self.waiting_for, line)
        elif line in ("/quit", "/exit"):
            return False
        elif line.startswith("/"):
            self._command(line)
        elif line.isdigit() and int(line) in self.choices:
            self._tap(self.choices[int(line)])
        elif line:
            self._send(self.client.text, line)
        return True

    def _send(self, call, *args) -> None:
        self.acted = True
        try:
            call(*args)
        except OSError as error:  # urllib's errors are OSErrors: the server went away or refused
            self.print(f"⚠️ ส่งไม่สำเร็จ / not sent: {error}")

    def _tap(self, choice: Choice) -> None:
        action = choice.action
        kind = action.get("type")
        if kind == "postback":
            if action.get("displayText"):
                self.print(f"👤 {action['displayText']}")
            self._send(self.client.postback, action["data"])
        elif kind == "message":
            self.print(f"👤 {action['text']}")
            self._send(self.client.text, action["text"])
        elif kind in ("camera", "cameraRoll"):
            self._send_photo()
        elif kind == "datetimepicker":
            self.waiting_for = choice
            self.print(PICKER_PROMPTS.get(action.get("mode"), PICKER_PROMPTS["datetime"]))
        elif kind == "location":
            self.waiting_for = choice
            lat, lon, address = DEFAULT_LOCATION
            self.print(f"📍 พิมพ์พิกัด ละติจูด ลองจิจูด [ที่อยู่] (Enter = {lat} {lon}) / type LAT LON [address]:")
        elif kind == "uri":
            self.print(f"🔗 {action.get('uri')}")
        else:
            self.print(f"(ปุ่มแบบ {kind} ยังไม่รองรับในแชทจำลอง / not supported here)")

    def _answer(self, choice: Choice, line: str) -> None:
        """The typed answer to a date picker or location button; Enter alone closes the picker (or sends the default place)."""
        action = choice.action
        if action["type"] == "location":
            place = _parse_location(line) if line else DEFAULT_LOCATION
            if place is None:
                self.print("พิกัดไม่ถูกต้อง เช่น 18.78 98.98 / LAT LON, e.g. 18.78 98.98")
                return
            self.waiting_for = None
            self._send_location(*place)
            return
        if not line:
            self.waiting_for = None
            self.print("(ปิดตัวเลือกวันเวลา / picker closed)")
            return
        params = picker_params(action.get("mode", "datetime"), line, datetime.now(BANGKOK).date())
        if params is None:
            self.print("ไม่เข้าใจวันเวลา ลองอีกครั้ง (Enter = ปิด) / not a date, try again (Enter: close)")
            return
        self.waiting_for = None
        self.print(f"👤 📅 {next(iter(params.values())).replace('T', ' ')}")
        self._send(self.client.postback, action["data"], params)

    def _command(self, line: str) -> None:
        name, _, rest = line.partition(" ")
        if name == "/photo":
            self._send_photo()
        elif name == "/location":
            parsed = _parse_location(rest) if rest.strip() else DEFAULT_LOCATION
            if parsed is None:
                self.print("ใช้แบบนี้ / usage: /location 18.78 98.98 [ที่อยู่]")
            else:
                self._send_location(*parsed)
        elif name == "/menu":
            self._show_rich_menu()
        else:
            self.print(HELP)

    def _send_photo(self) -> None:
        self.print("👤 [รูปภาพ / photo]")
        self._send(self.client.image)

    def _send_location(self, latitude: float, longitude: float, address: str) -> None:
        self.print(f"👤 📍 {latitude}, {longitude} {address}")
        self._send(self.client.location, latitude, longitude, address)

    def _show_rich_menu(self) -> None:
        actions = self.client.rich_menu_actions()
        if not actions:
            self.print("(ไม่มีริชเมนู / no rich menu)")
            return
        self.choices = {}
        self.acted = False
        self.print("☰ เมนู / menu")
        for number, action in enumerate(actions, start=1):
            self.choices[number] = Choice(number, action.get("label", "?"), action)
            self.print(f"   [{number}] {self.choices[number].label}")


def _parse_location(text: str) -> tuple[float, float, str] | None:
    parts = text.split(maxsplit=2)
    try:
        latitude, longitude = float(parts[0]), float(parts[1])
    except (IndexError, ValueError):
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    return latitude, longitude, parts[2] if len(parts) > 2 else ""


def run(screen: ChatScreen, stdin: TextIO = sys.stdin) -> None:
    """Until /quit, end of input, Ctrl-C or the server going away: show what arrives, act on each line typed."""
    for stream, errors in ((stdin, "surrogateescape"), (screen.out, "replace")):
        if hasattr(stream, "reconfigure"):  # undecodable input reaches readable(); output never raises
            stream.reconfigure(errors=errors)
    try:
        screen.show_incoming()
        screen.prompt()
        while True:
            if screen.show_incoming():
                screen.prompt()
            ready, _, _ = select.select([stdin], [], [], POLL_SECONDS)
            if not ready:
                continue
            line = stdin.readline()
            if not line or not screen.handle(line):
                return
            screen.prompt()
    except OSError as error:
        screen.print(f"\n⚠️ ติดต่อบอทไม่ได้ (kambot demo serve หยุดแล้ว?) / the demo server is not answering: {error}")
    except KeyboardInterrupt:
        screen.print()
