"""One poison event in a webhook body is set aside alone: the others are stored and answered."""
from __future__ import annotations

import json
import logging

import pytest
from click.testing import CliRunner
from sqlmodel import select

from bot.cli import main
from storage.db import session_scope
from storage.models import InboxEvent

from conftest import sign
from faults import storage_fails, write_cli_config


def _statuses(bot) -> dict[str, str]:
    with session_scope(bot.engine) as session:
        return dict(session.exec(select(InboxEvent.event_id, InboxEvent.status)).all())


@pytest.mark.parametrize("poison", ['"text": "ไฟดับ\\u0000"', '"text": "\\ud800"', '"text": "x", "extra": 1e400'])
def test_a_poison_event_is_quarantined_and_the_others_are_answered(org, tmp_path, caplog, poison):
    bot = org
    good1, bad, good2 = bot.tap_event("Ucust1", "a=contact"), bot.text_event("Ucust2", "x"), bot.tap_event("Uhosp", "a=contact")
    text = json.dumps({"destination": "Ubot", "events": [good1, bad, good2]})
    body = text.replace('"text": "x"', poison, 1).encode()
    with caplog.at_level(logging.INFO):
        response = bot.post([], body=body, signature=sign(body))
    assert response.status_code == 200
    bot.drain()
    assert bot.texts_to("Ucust1") and bot.texts_to("Uhosp")
    assert bot.texts_to("Ucust2") == []
    statuses = _statuses(bot)
    assert statuses[bad["webhookEventId"]] == "quarantined"
    assert statuses[good1["webhookEventId"]] == statuses[good2["webhookEventId"]] == "done"
    assert any(f"event {bad['webhookEventId']} quarantined" in r.getMessage() for r in caplog.records
               if r.levelno == logging.WARNING)
    listing = CliRunner().invoke(main, ["outbox", "--config", write_cli_config(tmp_path / "c.toml", bot)]).output
    assert "(message) quarantined" in listing
    # LINE redelivers the body: nothing changes, nothing is answered twice.
    assert bot.post([], body=body, signature=sign(body)).status_code == 200
    bot.drain()
    assert len(bot.texts_to("Ucust1")) == 1


def test_a_batch_the_database_refuses_is_stored_event_by_event(org):
    bot = org
    events = [bot.tap_event("Ucust1", "a=contact"), bot.tap_event("Uhosp", "a=contact")]
    with storage_fails(bot.engine, "INSERT INTO inboxevent", times=1, kind="DataError"):
        assert bot.post(events).status_code == 200
    bot.drain()
    assert bot.texts_to("Ucust1") and bot.texts_to("Uhosp")


def test_storage_down_while_storing_is_503_and_nothing_is_acknowledged(org):
    bot = org
    event = bot.tap_event("Ucust1", "a=contact")
    with storage_fails(bot.engine, "INSERT INTO inboxevent"):
        assert bot.post([event]).status_code == 503  # LINE sends it again later
    assert event["webhookEventId"] not in _statuses(bot)
