"""The channel as LINE's API describes it: the bot's name, the webhook endpoint, the month's message quota.

Through the same client as the sender (bot/line/sender.make_api), so `[line] api_host` points these
calls at the stand-in too. Every failure becomes a `ChannelError` of one line for the operator."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

import urllib3
from linebot.v3.messaging import ApiException, MessagingApi, SetWebhookEndpointRequest, TestWebhookEndpointRequest

from bot.config import Config
from bot.line.sender import DEFAULT_HOST, make_api


class ChannelError(Exception):
    """LINE could not be asked, or refused: one line naming what to fix."""


@dataclass(frozen=True)
class BotInfo:
    display_name: str
    basic_id: str


@dataclass(frozen=True)
class Webhook:
    endpoint: str
    active: bool


@dataclass(frozen=True)
class WebhookTest:
    success: bool
    status_code: int
    reason: str
    detail: str


@dataclass(frozen=True)
class Quota:
    """This month's messages: `limit` None when the plan has no limit."""

    limit: int | None
    used: int


def webhook_url(config: Config) -> str:
    """The webhook URL LINE should call: the public URL plus /callback (empty without a public URL)."""
    return f"{config.server.public_url}/callback" if config.server.public_url else ""


@contextmanager
def _api(config: Config) -> Iterator[MessagingApi]:
    client, api = make_api(config)
    host = config.line.api_host or DEFAULT_HOST
    try:
        yield api
    except ApiException as error:
        if error.status == 401:
            raise ChannelError("LINE refused the token (401): check [line] channel_access_token "
                               "(LINE Developers console, Messaging API tab, channel access token)") from None
        raise ChannelError(f"LINE answered {error.status} {error.reason or ''}".strip()) from None
    except urllib3.exceptions.HTTPError as error:
        raise ChannelError(f"LINE is not reachable at {host} ({type(error).__name__})") from None
    finally:
        client.close()


def _timeout(config: Config) -> tuple[float, float]:
    return (config.line.connect_timeout, config.line.read_timeout)


def bot_info(config: Config) -> BotInfo:
    with _api(config) as api:
        info = api.get_bot_info(_request_timeout=_timeout(config))
    return BotInfo(display_name=info.display_name, basic_id=info.basic_id)


def webhook(config: Config) -> Webhook:
    with _api(config) as api:
        answer = api.get_webhook_endpoint(_request_timeout=_timeout(config))
    return Webhook(endpoint=answer.endpoint, active=answer.active)


def set_webhook(config: Config, url: str) -> WebhookTest:
    """Point the channel's webhook at `url`, then have LINE send it a test event; LINE's verdict."""
    with _api(config) as api:
        api.set_webhook_endpoint(SetWebhookEndpointRequest(endpoint=url), _request_timeout=_timeout(config))
        # LINE waits for our server's answer before it answers: allow for that.
        result = api.test_webhook_endpoint(TestWebhookEndpointRequest(endpoint=url),
                                           _request_timeout=(config.line.connect_timeout, 30))
    return WebhookTest(success=bool(result.success), status_code=result.status_code, reason=result.reason,
                       detail=result.detail)


def quota(config: Config) -> Quota:
    with _api(config) as api:
        allowance = api.get_message_quota(_request_timeout=_timeout(config))
        used = api.get_message_quota_consumption(_request_timeout=_timeout(config)).total_usage
    limited = str(getattr(allowance.type, "value", allowance.type)) == "limited"
    return Quota(limit=allowance.value if limited else None, used=used)
