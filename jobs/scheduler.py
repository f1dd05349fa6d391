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
from jobs.visit_reminders import send_daily_visit_reminders, send_quota_digests
from storage import privacy
from storage.db import session_scope

log = logging.getLogger(__name__)


def run_job(job: Callable[..., int], engine: Engine, config: Config, clock: Callable[[], datetime]) -> int:
    with session_scope(engine) as session:
        return job(session, now=clock(), config=config)


def retention_purge(engine: Engine, config: Config, clock: Callable[[], datetime]) -> None:
    """PDPA: the [retention] periods, daily; then SQLite's write-ahead log is folded back."""
    try:
        with session_scope(engine) as session:
            result = privacy.purge(session, privacy.Retention.from_config(config.retention), now=clock())
        privacy.checkpoint(engine)
        log.info("retention purge: %s", result.summary() or "nothing")  # counts only
    except Exception:
        log.exception("retention purge failed")


def build_scheduler(config: Config, engine: Engine, clock: Callable[[], datetime], *, on_messages: Callable[[], None]):
    scheduler = BackgroundScheduler(timezone=config.bot.timezone, job_defaults={"coalesce": True, "max_instances": 1})

    def guarded(job: Callable[..., int], name: str) -> Callable[[], None]:
        def run() -> None:
            try:
                if run_job(job, engine, config, clock):
                    on_messages()
            except Exception:
                log.exception("%s job failed", name)

        return run

    def forms_poll() -> None:
        try:
            if poll_forms(engine, config, now=clock()).ingested:
                on_messages()
        except Exception:
            log.exception("forms poll failed")

    reminders, zone = config.reminders, config.bot.timezone
    scheduler.add_job(guarded(escalate_unacknowledged, "escalation"), "interval",
                      seconds=config.escalation.check_every_seconds, id="escalate_outages")
    hour, minute = reminders.complaint_digest_hour_minute
    scheduler.add_job(guarded(send_complaint_digests, "complaint digest"), "cron", hour=hour, minute=minute,
                      timezone=zone, id="complaint_digest")
    hour, minute = reminders.hour_minute(reminders.quota_digest_time)
    scheduler.add_job(guarded(send_quota_digests, "quota digest"), "cron", day_of_week=reminders.quota_digest_weekday,
                      hour=hour, minute=minute, timezone=zone, id="quota_digest")
    hour, minute = reminders.hour_minute(reminders.visit_reminder_time)
    scheduler.add_job(guarded(send_daily_visit_reminders, "visit reminders"), "cron", hour=hour, minute=minute,
                      timezone=zone, id="visit_reminders")
    scheduler.add_job(lambda: retention_purge(engine, config, clock), "cron", hour=config.retention.purge_hour,
                      minute=17, timezone=zone, id="retention_purge")
    if config.sheets.enabled and (config.forms or config.sheets.coordinator_spreadsheet):
        scheduler.add_job(forms_poll, "interval", seconds=config.sheets.poll_seconds, id="forms_poll")
    return scheduler
