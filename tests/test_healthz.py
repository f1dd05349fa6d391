"""/healthz tells the truth: 503 while the database takes no writes (when the webhook would answer
503 too), and the counts only to this machine or with the configured token."""
from __future__ import annotations

from bot import create_app
from bot.config import parse_config

from faults import storage_fails

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


def test_ready_with_counts_for_loopback(org):
    response = org.client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok" and body["inbox"]["done"] > 0 and "outbox" in body


def test_storage_not_writable_is_503_like_the_webhook(org):
    bot = org
    with storage_fails(bot.engine, "INSERT INTO"):
        health = bot.client.get("/healthz")
        webhook = bot.post([bot.tap_event("Ucust1", "a=contact")])
    assert (health.status_code, webhook.status_code) == (503, 503)
    assert health.get_json()["status"] == "unavailable"
    assert "OperationalError" in health.get_json()["storage"]
    assert bot.client.get("/healthz").status_code == 200  # and back when the storage is


def test_counts_hidden_from_outside_and_from_forwarded_requests(org):
    bot = org
    for response in (bot.client.get("/healthz", environ_base=OUTSIDE),
                     bot.client.get("/healthz", headers={"X-Forwarded-For": "203.0.113.7"})):
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}
    with storage_fails(bot.engine, "INSERT INTO"):
        assert bot.client.get("/healthz", environ_base=OUTSIDE).get_json() == {"status": "unavailable"}


def test_the_configured_token_shows_counts_to_outside(org):
    bot = org
    config = parse_config({**bot.config.model_dump(mode="json", exclude_none=True),
                           "server": {"health_token": "s3cret-health"}})
    client = create_app(config, engine=bot.engine).test_client()
    assert "inbox" in client.get("/healthz", environ_base=OUTSIDE,
                                 headers={"Authorization": "Bearer s3cret-health"}).get_json()
    assert client.get("/healthz", environ_base=OUTSIDE,
                      headers={"Authorization": "Bearer wrong"}).get_json() == {"status": "ok"}
