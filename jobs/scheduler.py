"""APScheduler wiring: each job is a plain function of (session, now) run in its own transaction."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from bot.config import Config
from jobs.complaint_digest import send_complaint_digests
from jobs.escalation import escalate_unacknowledged
from jobs.forms_poll import poll_forms
from storage.db import session_scope

log = logging.getLogger(__name__)


def run_job(job: Callable[..., int], engine: Engine, config: Config, clock: Callable[[], datetime]) -> int:
    with session_scope(engine) as session:
        return job(session, now=clock(), config=config)


def build_scheduler(config: Config, engine: Engine, clock: Callable[[], datetime], *, on_messages: Callable[[], None]):
    scheduler = BackgroundScheduler(timezone=config.bot.timezone, job_defaults={"coalesce": True, "max_instances": 1})

    def escalation() -> None:
        try:
            if run_job(escalate_unacknowledged, engine, config, clock):
                on_messages()
        except Exception:
            log.exception("escalation job failed")

    def complaint_digest() -> None:
        try:
            if run_job(send_complaint_digests, engine, config, clock):
                on_messages()
        except Exception:
            log.exception("complaint digest job failed")

    def forms_poll() -> None:
        try:
            if poll_forms(engine, config, now=clock()).ingested:
                on_messages()
        except Exception:
            log.exception("forms poll failed")

    scheduler.add_job(escalation, "interval", seconds=config.escalation.check_every_seconds, id="escalate_outages")
    hour, minute = config.reminders.complaint_digest_hour_minute
    scheduler.add_job(complaint_digest, "cron", hour=hour, minute=minute, timezone=config.bot.timezone,
                      id="complaint_digest")
    if config.sheets.enabled and (config.forms or config.sheets.coordinator_spreadsheet):
        scheduler.add_job(forms_poll, "interval", seconds=config.sheets.poll_seconds, id="forms_poll")
    return scheduler
