"""Issue 14 item 8: someone whose event waited before the bot got to it sees LINE's loading
animation while the answer is made; someone answered at once does not."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from bot.line.loading import LoadingAnimation
from bot.line.processing import process_user


@pytest.fixture
def loading(org):
    animation = LoadingAnimation(org.config)
    yield animation
    animation.close()


def _process(bot, user, loading) -> None:
    asked = []
    process_user(bot.engine, bot.config, user, lambda: bot.now, late=lambda u: asked.append(loading.start(u)))
    for future in asked:
        future.result(timeout=5)
    bot.drain()


def test_a_late_event_shows_the_loading_animation_once_then_the_answers(org, loading):
    bot = org
    bot.post([bot.text_event("Ucust1", "สถานะ"), bot.text_event("Ucust1", "เมนู")])
    bot.advance(seconds=3)  # the worker was busy
    _process(bot, "Ucust1", loading)
    assert bot.line.loading == [("Ucust1", 20)]
    assert len(bot.line.messages_to("Ucust1")) == 2  # both answered, the animation asked for once


def test_an_event_handled_at_once_shows_no_animation(org, loading):
    bot = org
    bot.post([bot.text_event("Ucust2", "เมนู")])
    _process(bot, "Ucust2", loading)
    assert bot.line.loading == [] and bot.texts_to("Ucust2") == ["เลือกสิ่งที่ต้องการได้เลยค่ะ"]


@pytest.mark.parametrize("seconds", [3, 61, 12])
def test_loading_seconds_are_lines_steps(seconds):
    with pytest.raises(ConfigError, match="line.loading_seconds"):
        parse_config({"line": {"loading_seconds": seconds}})
