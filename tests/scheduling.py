"""What the scheduler would run for a config: the built-in jobs plus the channels' polls and daily checks."""
from __future__ import annotations

from bot.config import parse_config
from bot.line.notifier import notifier_for
from bot.services import Services
from jobs.scheduler import build_scheduler


def scheduled_jobs(engine, data: dict) -> dict:
    """The scheduler's jobs by id for the config `data`, as `kambot serve` would build them."""
    config = parse_config(data)
    services = Services(config, engine, clock=lambda: None)
    scheduler = build_scheduler(config, engine, clock=lambda: None, notifier_for=notifier_for, on_messages=lambda: None,
                                polls=services.channel_polls(), daily=services.channel_daily())
    return {job.id: job for job in scheduler.get_jobs()}
