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


def test_an_animation_that_could_not_start_within_a_second_is_dropped_not_shown_after_the_answer(org):
    bot = org
    bot.line.delay = 1.5  # LINE answers slowly: the asks queue behind each other
    loading = LoadingAnimation(bot.config)
    try:
        asked = [loading.start(f"Ucust{n}") for n in range(1, 7)]  # more asks than the animation's threads
        for future in asked:
            future.result(timeout=10)
    finally:
        bot.line.delay = 0.0
        loading.close()
    shown = [user for user, _seconds in bot.line.loading]
    assert len(shown) == 4 and set(shown) <= {f"Ucust{n}" for n in range(1, 7)}  # the four that started at once
    assert loading.dropped == 2  # the two that waited 1.5 s: their answers would have come first
