"""Tests for bot.demo.line_standin, driven through the real line-bot-sdk v3 client."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from uuid import uuid4

import pytest
import urllib3
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessageAction,
    MessagingApi,
    MessagingApiBlob,
    PushMessageRequest,
    ReplyMessageRequest,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
    TextMessage,
)
from linebot.v3.messaging.exceptions import ServiceException, UnauthorizedException

from bot.demo.line_standin import PNG_BYTES, LineStandIn, RecordedCall

TOKEN = "test-channel-token"
USER = "U0123456789abcdef0123456789abcdef"


@pytest.fixture
def standin():
    s = LineStandIn(access_token=TOKEN).start()
    try:
        yield s
    finally:
        s.stop()


def make_client(standin: LineStandIn, token: str = TOKEN, retries=None) -> ApiClient:
    cfg = Configuration(host=standin.url, access_token=token)
    if retries is not None:
        cfg.retries = retries
    return ApiClient(cfg)


@pytest.fixture
def api(standin):
    with make_client(standin) as client:
        yield MessagingApi(client)


def push_req(text: str, to: str = USER) -> PushMessageRequest:
    return PushMessageRequest(to=to, messages=[TextMessage(text=text)])


def raw(standin, method, path, body=None, headers=None):
    """Plain urllib request (bypasses SDK client-side validation)."""
    data = json.dumps(body).encode() if body is not None else None
    hdrs = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}
    hdrs.update(headers or {})
    req = urllib.request.Request(standin.url + path, data=data, method=method, headers=hdrs)
    try:
        with urllib.request.urlopen(req, timeout=2) as resp:
            return resp.status, json.loads(resp.read() or b"null"), dict(resp.headers)
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), dict(e.headers)


# --------------------------------------------------------------------- reply


def test_reply_accepted_once_then_invalid_token(standin, api):
    standin.register_reply_token("rt-1", USER)
    resp = api.reply_message_with_http_info(
        ReplyMessageRequest(reply_token="rt-1", messages=[TextMessage(text="hello")])
    )
    assert resp.status_code == 200
    assert len(resp.data.sent_messages) == 1
    assert resp.data.sent_messages[0].id
    assert resp.data.sent_messages[0].quote_token
    assert resp.headers["x-line-request-id"]

    with pytest.raises(ApiException) as ei:
        api.reply_message(
            ReplyMessageRequest(reply_token="rt-1", messages=[TextMessage(text="again")])
        )
    assert ei.value.status == 400
    assert json.loads(ei.value.body) == {"message": "Invalid reply token"}

    assert len(standin.replies) == 1
    assert standin.replies[0]["replyToken"] == "rt-1"
    assert standin.replies[0]["messages"] == [{"type": "text", "text": "hello"}]
    assert [m["text"] for m in standin.messages_to(USER)] == ["hello"]
    assert [c.status for c in standin.calls] == [200, 400]


def test_expired_and_unregistered_reply_tokens(standin, api):
    standin.expire_reply_token("old")
    with pytest.raises(ApiException) as ei:
        api.reply_message(ReplyMessageRequest(reply_token="old", messages=[TextMessage(text="x")]))
    assert ei.value.status == 400
    # unregistered token: accepted once, but attributed to nobody
    api.reply_message(ReplyMessageRequest(reply_token="anon", messages=[TextMessage(text="y")]))
    assert len(standin.replies) == 1
    assert standin.messages_to(USER) == []
    # registering afterwards attributes the earlier reply
    standin.register_reply_token("anon", USER)
    assert [m["text"] for m in standin.messages_to(USER)] == ["y"]


def test_message_validation(standin):
    status, body, headers = raw(
        standin, "POST", "/v2/bot/message/reply",
        {"replyToken": "t", "messages": [{"type": "text", "text": str(i)} for i in range(6)]},
    )
    assert status == 400 and body["message"] == "The request body has 1 error(s)"
    assert body["details"][0]["property"] == "messages"
    assert headers["x-line-request-id"]

    status, body, _ = raw(standin, "POST", "/v2/bot/message/push", {"to": USER, "messages": [{"text": "no type"}]})
    assert status == 400 and body["details"] == [{"message": "May not be empty", "property": "messages[0].type"}]

    status, body, _ = raw(standin, "POST", "/v2/bot/message/push", {"to": USER, "messages": []})
    assert status == 400
    # the rejected requests did not burn anything
    assert standin.replies == [] and standin.pushes == []
    status, _, _ = raw(standin, "POST", "/v2/bot/message/reply", {"replyToken": "t", "messages": [{"type": "text", "text": "ok"}]})
    assert status == 200


def test_retry_key_not_allowed_on_reply(standin):
    status, body, _ = raw(
        standin, "POST", "/v2/bot/message/reply",
        {"replyToken": "t", "messages": [{"type": "text", "text": "x"}]},
        headers={"X-Line-Retry-Key": str(uuid4())},
    )
    assert status == 400


# ---------------------------------------------------------------------- push


def test_push_retry_key_409_without_double_delivery(standin, api):
    key = str(uuid4())
    first = api.push_message_with_http_info(push_req("once"), x_line_retry_key=key)
    assert first.status_code == 200
    request_id = first.headers["x-line-request-id"]

    with pytest.raises(ApiException) as ei:
        api.push_message_with_http_info(push_req("once"), x_line_retry_key=key)
    err = ei.value
    assert err.status == 409
    body = json.loads(err.body)
    assert body["message"] == "The retry key is already accepted"
    assert body["sentMessages"][0]["id"] == first.data.sent_messages[0].id
    assert err.headers["x-line-accepted-request-id"] == request_id
    assert err.headers["x-line-request-id"] != request_id

    assert len(standin.pushes) == 1
    assert [m["text"] for m in standin.messages_to(USER)] == ["once"]
    assert standin.calls[0].headers["x-line-retry-key"] == key
    # a different key is a new message
    api.push_message(push_req("twice"), x_line_retry_key=str(uuid4()))
    assert len(standin.pushes) == 2
    assert api.get_message_quota_consumption().total_usage == 2


def test_fail_next_429_then_success(standin, api):
    standin.fail_next("push", 429)
    key = str(uuid4())
    with pytest.raises(ApiException) as ei:
        api.push_message(push_req("rate limited"), x_line_retry_key=key)
    assert ei.value.status == 429
    assert standin.pushes == [] and standin.messages_to(USER) == []
    # same retry key is usable again because the first attempt was not accepted
    resp = api.push_message_with_http_info(push_req("rate limited"), x_line_retry_key=key)
    assert resp.status_code == 200
    assert [c.status for c in standin.calls] == [429, 200]
    assert len(standin.messages_to(USER)) == 1


def test_fail_next_500_any_count_and_custom_body(standin, api):
    standin.fail_next("any", 503, count=2, body={"message": "down"})
    for _ in range(2):
        with pytest.raises(ServiceException) as ei:
            api.get_profile(USER)
        assert ei.value.status == 503 and json.loads(ei.value.body) == {"message": "down"}
    assert api.get_profile(USER).display_name == "User cdef"


def test_fail_next_kind_filter(standin, api):
    standin.fail_next("reply", 500)
    api.push_message(push_req("push unaffected"))
    with pytest.raises(ServiceException):
        api.reply_message(ReplyMessageRequest(reply_token="r", messages=[TextMessage(text="x")]))
    # the 500 did not consume the token
    api.reply_message(ReplyMessageRequest(reply_token="r", messages=[TextMessage(text="x")]))
    assert len(standin.replies) == 1


def test_hang_timeout_push_counts_as_delivered(standin, api):
    """POST read timeout: urllib3 never retries a non-idempotent method on a read
    error, so the SDK raises urllib3.exceptions.ReadTimeoutError directly (even
    with the default cfg.retries=None)."""
    standin.hang_next("push", 2.0)
    key = str(uuid4())
    t0 = time.monotonic()
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        api.push_message(push_req("lost answer"), x_line_retry_key=key, _request_timeout=0.2)
    assert time.monotonic() - t0 < 1.0
    assert len(standin.calls) == 1  # no silent retry
    assert [m["text"] for m in standin.messages_to(USER)] == ["lost answer"]
    # retrying with the same key is answered 409 and not delivered again
    with pytest.raises(ApiException) as ei:
        api.push_message(push_req("lost answer"), x_line_retry_key=key, _request_timeout=0.2)
    assert ei.value.status == 409
    assert len(standin.pushes) == 1


def test_hang_without_delivery(standin, api):
    standin.hang_next("push", 2.0, deliver=False)
    with pytest.raises(urllib3.exceptions.ReadTimeoutError):
        api.push_message(push_req("never"), x_line_retry_key=str(uuid4()), _request_timeout=0.2)
    assert standin.pushes == [] and standin.messages_to(USER) == []


def test_get_timeout_is_retried_by_default_unless_retries_disabled(standin):
    """GET read timeouts ARE retried by urllib3 (default Retry(3)) -> 4 requests
    and MaxRetryError; cfg.retries = False -> one request, ReadTimeoutError."""
    standin.hang_next("any", 2.0, count=10)
    with make_client(standin) as client:
        with pytest.raises(urllib3.exceptions.MaxRetryError) as ei:
            MessagingApi(client).get_profile(USER, _request_timeout=0.1)
        assert isinstance(ei.value.reason, urllib3.exceptions.ReadTimeoutError)
    assert len(standin.calls) == 4

    standin.reset()
    standin.hang_next("any", 2.0, count=10)
    with make_client(standin, retries=False) as client:
        with pytest.raises(urllib3.exceptions.ReadTimeoutError):
            MessagingApi(client).get_profile(USER, _request_timeout=0.1)
    assert len(standin.calls) == 1


# ---------------------------------------------------------------------- auth


def test_bad_token_401(standin):
    with make_client(standin, token="wrong") as client:
        with pytest.raises(UnauthorizedException) as ei:
            MessagingApi(client).push_message(push_req("nope"))
    assert ei.value.status == 401
    assert json.loads(ei.value.body)["message"].startswith("Authentication failed")
    assert standin.pushes == []
    status, _, _ = raw(standin, "GET", "/v2/bot/profile/U1", headers={"Authorization": ""})
    assert status == 401
    assert [c.status for c in standin.calls] == [401, 401]


def test_no_token_configured_accepts_anything():
    with LineStandIn() as s, make_client(s, token="whatever") as client:
        MessagingApi(client).push_message(push_req("hi"))
        assert len(s.pushes) == 1


# ----------------------------------------------------------------- rich menu


def test_rich_menu_flow(standin):
    with make_client(standin) as client:
        api, blob = MessagingApi(client), MessagingApiBlob(client)
        req = RichMenuRequest(
            size=RichMenuSize(width=2500, height=843),
            selected=True,
            name="main",
            chat_bar_text="Menu",
            areas=[
                RichMenuArea(
                    bounds=RichMenuBounds(x=0, y=0, width=1250, height=843),
                    action=MessageAction(label="help", text="help"),
                )
            ],
        )
        rich_menu_id = api.create_rich_menu(req).rich_menu_id
        assert rich_menu_id.startswith("richmenu-")
        assert standin.rich_menus[rich_menu_id]["name"] == "main"

        # applying before the image is uploaded is rejected, like LINE
        with pytest.raises(ApiException) as ei:
            api.set_default_rich_menu(rich_menu_id)
        assert ei.value.status == 400

        # the SDK needs the Content-Type header passed explicitly
        blob.set_rich_menu_image(rich_menu_id, body=PNG_BYTES, _headers={"Content-Type": "image/png"})
        assert standin.rich_menu_images[rich_menu_id] == PNG_BYTES
        assert bytes(blob.get_rich_menu_image(rich_menu_id)) == PNG_BYTES

        api.set_default_rich_menu(rich_menu_id)
        assert standin.default_rich_menu == rich_menu_id
        api.link_rich_menu_id_to_user(USER, rich_menu_id)
        assert standin.user_rich_menus == {USER: rich_menu_id}
        assert api.get_rich_menu_id_of_user(USER).rich_menu_id == rich_menu_id

        menus = api.get_rich_menu_list().richmenus
        assert [m.rich_menu_id for m in menus] == [rich_menu_id]
        assert menus[0].chat_bar_text == "Menu"

        api.unlink_rich_menu_id_from_user(USER)
        assert standin.user_rich_menus == {}
        api.delete_rich_menu(rich_menu_id)
        assert standin.rich_menus == {} and standin.default_rich_menu is None
        assert api.get_rich_menu_list().richmenus == []


# -------------------------------------------------------------------- misc


def test_profile_content_quota_and_404(standin, api):
    prof = api.get_profile(USER)
    assert (prof.user_id, prof.display_name, prof.language) == (USER, "User cdef", "th")
    with make_client(standin) as client:
        resp = MessagingApiBlob(client).get_message_content_with_http_info("12345")
    assert resp.status_code == 200
    assert bytes(resp.data).startswith(b"\x89PNG")
    assert resp.headers["content-type"] == "image/png"
    assert api.get_message_quota_consumption().total_usage == 0
    status, body, headers = raw(standin, "GET", "/v2/bot/nonexistent")
    assert status == 404 and body == {"message": "Not found"} and headers["x-line-request-id"]


def test_listeners_delay_wait_for_and_reset(standin, api):
    seen: list[RecordedCall] = []
    standin.listeners.append(seen.append)
    standin.delay = 0.05
    standin.register_reply_token("rt", USER)

    done = threading.Event()

    def worker():
        api.reply_message(ReplyMessageRequest(reply_token="rt", messages=[TextMessage(text="a"), TextMessage(text="b")]))
        api.push_message(push_req("c"))
        done.set()

    t0 = time.monotonic()
    threading.Thread(target=worker, daemon=True).start()
    assert standin.wait_for(lambda: len(seen) == 2, timeout=3)
    assert time.monotonic() - t0 >= 0.1  # two requests, each delayed 0.05 s
    assert done.wait(2)
    assert [c.path for c in seen] == ["/v2/bot/message/reply", "/v2/bot/message/push"]
    assert all(c.status == 200 for c in seen)
    assert [m["text"] for m in standin.messages_to(USER)] == ["a", "b", "c"]
    assert standin.wait_for(lambda: False, timeout=0.05) is False

    calls_ref = standin.calls
    standin.fail_next("any", 500)
    standin.reset()
    assert calls_ref == [] and standin.calls is calls_ref
    assert standin.replies == [] and standin.pushes == [] and standin.messages_to(USER) == []
    standin.delay = 0
    api.push_message(push_req("after reset"))  # fault was forgotten
    assert standin.calls[-1].status == 200


def test_stop_is_clean_even_with_hanging_request():
    s = LineStandIn().start()
    url = s.url
    standin_thread = s._server._thread
    s.hang_next("any", 30)
    client = make_client(s, retries=False)

    errors: list[BaseException] = []

    def call():
        try:
            MessagingApi(client).get_profile(USER, _request_timeout=5)
        except BaseException as e:  # noqa: BLE001
            errors.append(e)

    th = threading.Thread(target=call, daemon=True)
    th.start()
    assert s.wait_for(lambda: len(s.calls) == 1, timeout=2)
    t0 = time.monotonic()
    s.stop()
    th.join(3)
    assert time.monotonic() - t0 < 2  # the hang was cut short
    assert not standin_thread.is_alive()
    s.stop()  # idempotent
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url + "/v2/bot/profile/U1", timeout=1)
    client.close()


def test_calls_go_over_one_kept_connection_as_with_line():
    """werkzeug's server closed every connection: the client connected anew for each call, and a
    benchmark counted that connecting against the bot's CPU."""
    with LineStandIn(access_token="tok") as s:
        connection = http.client.HTTPConnection(s.url.removeprefix("http://"), timeout=3)
        ports = []
        for text in ("a", "b", "c"):
            connection.request("POST", "/v2/bot/message/push", body=json.dumps(
                {"to": USER, "messages": [{"type": "text", "text": text}]}),
                headers={"Authorization": "Bearer tok", "Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
            assert answer.status == 200 and not answer.will_close
            ports.append(connection.sock.getsockname()[1])
        assert len(set(ports)) == 1
        assert [m["text"] for m in s.messages_to(USER)] == ["a", "b", "c"]
        connection.close()


def test_a_stopped_standin_answers_nobody_on_a_kept_connection():
    s = LineStandIn(access_token="tok").start()
    connection = http.client.HTTPConnection(s.url.removeprefix("http://"), timeout=3)
    connection.request("GET", "/v2/bot/info", headers={"Authorization": "Bearer tok"})
    connection.getresponse().read()
    s.stop()
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        connection.request("GET", "/v2/bot/info", headers={"Authorization": "Bearer tok"})
        connection.getresponse()
    connection.close()


# ------------------------------------------------------- chat simulator helpers


def test_simulator_registers_reply_tokens_and_reads_messages_over_http(standin, api):
    assert raw(standin, "POST", "/_standin/reply-tokens", {"replyToken": "rt-sim", "userId": USER})[0] == 200
    api.reply_message(ReplyMessageRequest(replyToken="rt-sim", messages=[TextMessage(text="one")]))
    api.push_message(push_req("two"))
    api.push_message(push_req("elsewhere", to="U" + "f" * 32))
    status, body, _ = raw(standin, "GET", f"/_standin/messages/{USER}/0")
    assert status == 200 and [m["text"] for m in body["messages"]] == ["one", "two"] and body["next"] == 2
    assert raw(standin, "GET", f"/_standin/messages/{USER}/1")[1]["messages"] == [{"type": "text", "text": "two"}]
    assert raw(standin, "GET", f"/_standin/messages/{USER}/2")[1] == {"messages": [], "next": 2}
    assert raw(standin, "POST", "/_standin/reply-tokens", {"userId": USER})[0] == 400
    assert raw(standin, "GET", f"/_standin/messages/{USER}/0", headers={"Authorization": "Bearer wrong"})[0] == 401
