"""What LINE sends, as the tests send it: the test channel's credentials, signatures, webhook
bodies and events, and a free loopback port for a server. Plain functions (no pytest), for test
files, the processes they start and the benchmarks alike."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import time

SECRET = "test-channel-secret"
TOKEN = "test-access-token"


def sign(body: bytes, secret: str = SECRET) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def webhook_body(events: list[dict]) -> bytes:
    return json.dumps({"destination": "Ubot", "events": events}, separators=(",", ":")).encode()


def postback_event(user: str, n: int, data: str) -> dict:
    """A postback as LINE sends it; event id and reply token derive from n."""
    return {"type": "postback", "mode": "active", "timestamp": int(time.time() * 1000),
            "source": {"type": "user", "userId": user}, "webhookEventId": f"01EV{n:022d}",
            "deliveryContext": {"isRedelivery": False}, "replyToken": f"rt{n:08d}", "postback": {"data": data}}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
