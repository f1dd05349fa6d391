"""The baseline for bench_webhook.py: a webhook written the way line-bot-sdk's examples do it.

Signature check and parsing by the SDK's WebhookHandler, then per event, inside the request:
look the person up, read their open tickets, and call the reply API (a fresh ApiClient per
event, as the flask-echo example does). Served like ours: gunicorn, gthread, same threads.

    python tests/bench/sdk_style_app.py CONFIG.toml
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT)]

from flask import Flask, abort, request  # noqa: E402
from gunicorn.app.base import BaseApplication  # noqa: E402
from linebot.v3 import WebhookHandler  # noqa: E402
from linebot.v3.exceptions import InvalidSignatureError  # noqa: E402
from linebot.v3.messaging import ApiClient, Configuration, MessagingApi, ReplyMessageRequest, TextMessage  # noqa: E402
from linebot.v3.webhooks import MessageEvent, PostbackEvent  # noqa: E402

from bot.config import load_config  # noqa: E402
from storage import roster, tickets  # noqa: E402
from storage.db import make_engine, session_scope  # noqa: E402


def create_sdk_style_app(config) -> Flask:
    app = Flask(__name__)
    handler = WebhookHandler(config.line.channel_secret)
    configuration = Configuration(host=config.line.api_host, access_token=config.line.channel_access_token)
    engine = make_engine(config.database.url)

    @app.post("/callback")
    def callback():
        signature = request.headers.get("X-Line-Signature", "")
        body = request.get_data(as_text=True)
        try:
            handler.handle(body, signature)
        except InvalidSignatureError:
            abort(400)
        return "OK"

    @handler.add(PostbackEvent)
    @handler.add(MessageEvent)
    def answer(event):
        with session_scope(engine) as session:
            contact = roster.contact_by_line_user(session, event.source.user_id)
            open_tickets = tickets.open_for_account(session, contact.account_id) if contact else []
        text = f"เรื่องที่ค้างอยู่ {len(open_tickets)} เรื่อง" if contact else "กรุณาพิมพ์รหัสเชื่อมบัญชี"
        with ApiClient(configuration) as api_client:
            MessagingApi(api_client).reply_message_with_http_info(
                ReplyMessageRequest(reply_token=event.reply_token, messages=[TextMessage(text=text)]))

    return app


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict):
        self.app, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.app


if __name__ == "__main__":
    config = load_config(sys.argv[1])
    _Server(create_sdk_style_app(config), {"bind": f"127.0.0.1:{config.server.port}", "workers": 1,
                                           "worker_class": "gthread", "threads": config.server.threads,
                                           "accesslog": None, "timeout": 60}).run()
