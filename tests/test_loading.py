"""Issue 14 item 8: someone whose message waits unanswered sees LINE's loading animation while they
wait (the worker looks about once a second), once per loading_seconds; someone answered at once,
someone being answered right now and group chats see none."""
from __future__ import annotations

import pytest

from bot.config import ConfigError, parse_config
from bot.line.loading import LoadingAnimation


@pytest.fixture
def loading(org):
    animation = LoadingAnimation(org.config)
    yield animation
    animation.close()


def look(bot, loading, busy=()) -> list[str]:
    """One look for people waiting, at the bot's clock; who was shown the animation by it."""
    before = len(bot.line.loading)
    for future in loading.show_to_waiting(bot.engine, now=bot.now, busy=set(busy)):
        future.result(timeout=5)
    return [user for user, _seconds in bot.line.loading[before:]]


def test_someone_waiting_sees_the_animation_while_they_wait_then_the_answers(org, loading):
    bot = org
    bot.post([bot.text_event("Ucust1", "สถานะ"), bot.text_event("Ucust1", "เมนู")])  # the worker is busy elsewhere
    assert look(bot, loading) == []  # just came in: no animation yet
    bot.advance(seconds=3)
    assert look(bot, loading) == ["Ucust1"]
    assert bot.line.loading == [("Ucust1", 20)]  # [line] loading_seconds
    bot.advance(seconds=1)
    assert look(bot, loading) == []  # still showing: not asked again
    bot.advance(seconds=20)
    assert look(bot, loading) == ["Ucust1"]  # it ran out and they still wait
    bot.drain()
    assert len(bot.line.messages_to("Ucust1")) == 2  # both answered
    bot.advance(seconds=30)
    assert look(bot, loading) == []  # answered: nothing more


def test_no_animation_for_someone_being_answered_or_for_a_group(org, loading):
    bot = org
    bot.post([bot.text_event("Ucust2", "เมนู")])
    bot.post([{**bot.event("Ucust1", "join"), "source": {"type": "group", "groupId": "Cgroup1"}}])
    bot.advance(seconds=3)
    assert look(bot, loading, busy={"Ucust2"}) == []  # the answer is being made: it comes first
    bot.drain()
    assert bot.texts_to("Ucust2") == ["เลือกสิ่งที่ต้องการได้เลยค่ะ"]
    assert bot.line.loading == []


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


@pytest.mark.parametrize("seconds", [3, 61, 12])
def test_loading_seconds_are_lines_steps(seconds):
    with pytest.raises(ConfigError, match="line.loading_seconds"):
        parse_config({"line": {"loading_seconds": seconds}})
