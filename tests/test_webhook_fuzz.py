"""Fuzzing POST /callback (hypothesis, fixed seed, modest example counts).

The contract, asserted for every generated request:
- larger than server.max_body_bytes: 413, whatever else is wrong;
- no signature or a wrong one: 400;
- signed, but not UTF-8, not strict JSON (NaN, Infinity, nesting too deep),
  or not an object with an `events` list: 400;
- signed object with an `events` list: 200. Each entry that is an object is stored once
  (keyed by webhookEventId, else a hash of its content); other entries are skipped. Events of
  unknown types or with fields of the wrong type are stored and then ignored or answered
  like any other: handling never fails on them. An event holding what no column takes (NUL,
  a lone surrogate, a number beyond float range) is stored quarantined, alone (issue 19).
- never a 5xx; nothing is stored for a 4xx; the server keeps answering good requests.
"""
from __future__ import annotations

import json
import re
import uuid

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlmodel import select

from bot.line.events import inbox_row
from storage.db import session_scope
from storage.models import InboxEvent

from line_wire import SECRET, TOKEN, free_port, postback_event, sign, webhook_body
from procs import ServerProcess, customer_id, seed_customers, write_config

FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=120,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
MAX_DEPTH = 200

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(max_size=20))
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                                                 max_size=3),
                           max_leaves=8)
EVENT_TYPES = ["message", "follow", "unfollow", "postback", "join", "leave", "memberJoined", "beacon", "unsend",
               "accountLink", "things", "videoPlayComplete", "membership", "aNewTypeLineAddsNextYear"]
MESSAGE_TYPES = ["text", "image", "video", "audio", "file", "location", "sticker", "aNewMessageType"]
user_ids = st.sampled_from([customer_id(1), customer_id(2), "Unobody"]) | st.text(max_size=40)


def maybe(good):
    """Mostly the right shape, sometimes anything at all."""
    return st.one_of(good, good, json_values)


source = st.fixed_dictionaries({"type": maybe(st.sampled_from(["user", "group", "room"])), "userId": maybe(user_ids)},
                               optional={"groupId": maybe(st.text(max_size=10)), "roomId": maybe(st.text(max_size=10))})
message = st.fixed_dictionaries({"type": maybe(st.sampled_from(MESSAGE_TYPES)), "id": maybe(st.text(max_size=12))},
                                optional={"text": maybe(st.text()), "latitude": json_values, "longitude": json_values,
                                          "address": json_values, "fileName": json_values})
postback = st.fixed_dictionaries({"data": maybe(st.sampled_from(["a=status", "a=outage", "a=contact", "a=complaint",
                                                                 "a=outage.site&s=1", "a=rate&t=1&v=9", "a=" ]) | st.text())},
                                 optional={"params": json_values})
line_event = st.fixed_dictionaries(
    {"type": maybe(st.sampled_from(EVENT_TYPES)), "webhookEventId": maybe(st.just("id")),
     "source": maybe(source)},
    optional={"timestamp": maybe(st.integers(0, 2**41)), "mode": json_values, "replyToken": maybe(st.text(max_size=30)),
              "deliveryContext": json_values, "message": maybe(message), "postback": maybe(postback),
              "unexpected": json_values},
)
envelope = st.fixed_dictionaries({"destination": maybe(st.text(max_size=33)),
                                  "events": st.one_of(*[st.lists(st.one_of(line_event, line_event, line_event, json_values),
                                                                                  min_size=1, max_size=4)] * 4,
                                                                    json_values)},
                                 optional={"extra": json_values})


def _strict_json(text: str):
    def refuse(constant: str):
        raise ValueError(constant)

    def strings(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    return json.loads(text, parse_constant=refuse)


def _unstorable(value) -> bool:
    """No database column takes NUL characters, lone surrogates or infinite numbers."""
    if isinstance(value, float):
        return value in (float("inf"), float("-inf"))
    if isinstance(value, str):
        return "\x00" in value or bool(re.search("[\ud800-\udfff]", value))
    if isinstance(value, dict):
        return any(_unstorable(k) or _unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_unstorable(v) for v in value)
    return False


def expected_status(body: bytes, *, signed: bool, cap: int) -> int:
    if len(body) > cap:
        return 413
    if not signed:
        return 400
    try:
        payload = _strict_json(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return 400
    if not isinstance(payload, dict) or not isinstance(payload.get("events"), list):
        return 400
    return 200


def _stored(bot) -> dict[str, str]:
    with session_scope(bot.engine) as session:
        return dict(session.exec(select(InboxEvent.event_id, InboxEvent.status)).all())


def _check(bot, body: bytes, *, signature: str) -> None:
    before = _stored(bot)
    response = bot.post([], body=body, signature=signature)
    expected = expected_status(body, signed=signature == sign(body), cap=bot.config.server.max_body_bytes)
    assert response.status_code == expected, (response.status_code, response.get_data(as_text=True)[:200])
    assert response.is_json
    after = _stored(bot)
    event(f"status {expected}, {len(after) - len(before)} events stored")
    if expected != 200:
        assert after == before  # nothing written
        return
    events = [e for e in json.loads(body)["events"] if isinstance(e, dict)]
    quarantined = {inbox_row(e)["event_id"] for e in events if _unstorable(e)}
    new = set(after) - set(before)
    assert {key.replace("\ufffd", "") for key in new} == {
        re.sub("[\x00\ud800-\udfff]", "", inbox_row(e)["event_id"]) for e in events} - set(before)
    bot.drain(send=False)
    stored = _stored(bot)
    assert set(stored.values()) <= {"done", "quarantined"}  # every event handled or ignored, none failed
    assert {key for key in new if stored[key] == "quarantined"} <= {
        re.sub("[\x00\ud800-\udfff]", "\ufffd", key) for key in quarantined}


@pytest.fixture
def linked(bot):
    """Shared by all examples of a test (hypothesis runs them on one fixture): some users are linked."""
    seed_customers(bot.engine, 3)
    return bot


@pytest.mark.slow
@FUZZ
@given(payload=envelope, signed=st.sampled_from([True, True, True, False]))
def test_type_confused_json_bodies(linked, payload, signed):
    for item in payload["events"] if isinstance(payload["events"], list) else []:
        if isinstance(item, dict) and isinstance(item.get("webhookEventId"), str):
            item["webhookEventId"] = str(uuid.uuid4())  # new each time, so that each example stores something
    body = json.dumps(payload).encode()
    _check(linked, body, signature=sign(body) if signed else sign(body, "wrong-secret"))


@FUZZ
@given(body=st.one_of(st.binary(max_size=300), st.text(max_size=200).map(str.encode),
                      json_values.map(lambda v: json.dumps(v).encode()),
                      st.sampled_from([b'{"events": [NaN]}', b'{"events": [], "x": Infinity}', b'{"events": [-Infinity]}',
                                       b'{"events": ["\\ud800"]}', b'{"events": [{"type": "message", "x": "\\udc00"}]}',
                                       b'{"events": [{"type": "follow", "source": {"type": "user", "userId": "\\u0000"}}]}',
                                       b'{"events": [' + b"[" * 5000 + b"]" * 5000 + b"]}",
                                       b'{"events": []}' + b" " * 10, b"\xef\xbb\xbf{\"events\": []}"])),
       signature=st.sampled_from(["good", "wrong", "", "not base64 !!"]))
def test_malformed_bodies_and_signatures(linked, body, signature):
    bot = linked
    header = {"good": sign(body), "wrong": sign(body, "wrong-secret")}.get(signature, signature)
    if signature == "":
        response = bot.post([], body=body, signature="")
        assert response.status_code == (413 if len(body) > bot.config.server.max_body_bytes else 400)
        return
    _check(bot, body, signature=header)


@FUZZ
@given(size=st.integers(1_000_001, 3_000_000), signed=st.booleans())
def test_oversized_bodies_are_413(bot, size, signed):
    body = b'{"events": [], "pad": "' + b"x" * (size - 25) + b'"}'
    _check(bot, body, signature=sign(body) if signed else "bad")


@pytest.mark.slow
def test_real_server_survives_hostile_requests_and_keeps_answering(engine, db_url, line, tmp_path):
    seed_customers(engine, 2)
    server = ServerProcess(write_config(tmp_path / "kambot.toml", secret=SECRET, token=TOKEN, line_url=line.url,
                                        db_url=db_url, port=free_port()), log=tmp_path / "server.log").start()
    url = f"{server.base}/callback"
    try:
        def chunks():  # no Content-Length: the cap must hold while streaming
            for _ in range(40):
                yield b"x" * 100_000

        assert requests.post(url, data=chunks(), headers={"X-Line-Signature": "x"}, timeout=20).status_code == 413
        big = b"{" * 2_000_000
        assert requests.post(url, data=big, headers={"X-Line-Signature": sign(big, SECRET)}, timeout=20).status_code == 413
        deep = b'{"events": [' + b"[" * 50_000 + b"]" * 50_000 + b"]}"
        assert requests.post(url, data=deep, headers={"X-Line-Signature": sign(deep, SECRET)}, timeout=20).status_code == 400
        for body in (b"", b"null", b'{"events": 5}', "ไฟดับ".encode()):
            assert requests.post(url, data=body, headers={"X-Line-Signature": sign(body, SECRET)}, timeout=5).status_code == 400
        assert requests.get(url, timeout=5).status_code == 405

        good = postback_event(customer_id(1), 1, "a=status")
        line.register_reply_token(good["replyToken"], customer_id(1))
        body = webhook_body([good, {"type": "aNewTypeLineAddsNextYear", "webhookEventId": "01NEW"}])
        assert requests.post(url, data=body, headers={"X-Line-Signature": sign(body, SECRET)}, timeout=5).status_code == 200
        assert line.wait_for(lambda: line.messages_to(customer_id(1)), timeout=15)
    finally:
        server.stop()
    assert server.process.returncode == 0  # it was still up and shut down cleanly
    with session_scope(engine) as session:
        stored = sorted(session.exec(select(InboxEvent.event_id, InboxEvent.status)).all())
    assert stored == [("01EV0000000000000000000001", "done"), ("01NEW", "done")]
