"""`kambot chat` on what people paste and tap (issue 18): long Thai lines, broken characters, score buttons."""
from __future__ import annotations

import io
import os

from bot.demo.chat import LINE_TEXT_LIMIT, ChatScreen, readable, run
from bot.demo.chat_render import render_messages
from bot.line.render import render
from handlers.messages import Button, Card, Message
from handlers.rating import score_buttons


class RecordingClient:
    """The LINE side of the chat, recording what would go to the bot as the webhook's JSON would carry it."""

    def __init__(self, incoming: list[list[dict]] | None = None):
        self.sent: list[tuple[str, str]] = []
        self.incoming = incoming or []

    def text(self, text: str) -> None:
        text.encode("utf-8")  # what json.dumps(...).encode() needs: raises on a lone surrogate
        self.sent.append(("text", text))

    def postback(self, data: str, params: dict | None = None) -> None:
        self.sent.append(("postback", data))

    def new_messages(self) -> list[dict]:
        return self.incoming.pop(0) if self.incoming else []


def payloads(*messages: Message) -> list[dict]:
    return [payload for message in messages for payload in render(message)]


def rating_question() -> Message:
    return Message(text="ให้คะแนนการเยี่ยมครั้งนี้ค่ะ", quick_replies=score_buttons("visit", 7))


def test_a_long_thai_paste_cut_mid_character_is_sent_not_a_crash():
    pasted = ("ไฟตกบ่อยมากที่โรงงาน " * 400).encode("utf-8")[:4095]  # the tty keeps 4,095 bytes of a line
    line = pasted.decode("utf-8", "surrogateescape")  # how stdin hands over the cut character
    client = RecordingClient()
    screen = ChatScreen(client, io.StringIO())
    assert screen.handle(line + "\n")
    [(kind, text)] = client.sent
    assert kind == "text" and text.startswith("ไฟตกบ่อยมากที่โรงงาน") and text.endswith("\ufffd")


def test_pasted_lone_surrogates_and_over_long_lines_are_made_sendable():
    assert readable("ab\ud83dcd") == "ab\ufffdcd"
    client = RecordingClient()
    out = io.StringIO()
    ChatScreen(client, out).handle("ก" * (LINE_TEXT_LIMIT + 10))
    assert client.sent == [("text", "ก" * LINE_TEXT_LIMIT)]
    assert f"{LINE_TEXT_LIMIT} characters" in out.getvalue()


def test_the_run_loop_survives_undecodable_input_bytes():
    read_end, write_end = os.pipe()  # a real file descriptor: the loop select()s on it like on a terminal
    os.write(write_end, "สวัสดี".encode("utf-8")[:7] + b"\n/quit\n")
    os.close(write_end)
    client = RecordingClient()
    with open(read_end, encoding="utf-8") as stdin:
        run(ChatScreen(client, io.StringIO()), stdin=stdin)
    assert client.sent == [("text", "สว\ufffd")]


def test_score_buttons_are_numbered_by_their_scores():
    screen = render_messages(payloads(rating_question()))
    assert screen.lines[-1] == "   [5] 5  [4] 4  [3] 3  [2] 2  [1] 1"
    assert {choice.number: choice.label for choice in screen.choices} == {n: str(n) for n in range(1, 6)}


def test_other_buttons_beside_scores_take_the_numbers_after_them():
    card = Message(text="ปิดเรื่องแล้ว", card=Card("OUT-69-00001", ("แก้ไขแล้ว",),
                                                 (Button("ดูเรื่อง", data="a=view&t=1"),
                                                  Button("แจ้งปัญหาอีก", data="a=again&t=1"))))
    screen = render_messages(payloads(card, rating_question()), first_number=1)
    numbers = {choice.label: choice.number for choice in screen.choices}
    assert numbers == {"ดูเรื่อง": 6, "แจ้งปัญหาอีก": 7, "5": 5, "4": 4, "3": 3, "2": 2, "1": 1}


def test_typing_5_gives_5_even_after_other_buttons_were_on_screen():
    menu = payloads(Message(text="เลือก", quick_replies=(Button("ก", data="a=1"), Button("ข", data="a=2"),
                                                          Button("ค", data="a=3"))))
    client = RecordingClient([menu, payloads(rating_question())])
    screen = ChatScreen(client, io.StringIO())
    screen.show_incoming()
    screen.acted = False  # the person has not acted: choices would otherwise be counted on from 4
    screen.show_incoming()
    screen.handle("5")
    assert client.sent == [("postback", score_buttons("visit", 7)[0].data)]
    assert "s=5" in client.sent[0][1]
