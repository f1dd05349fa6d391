"""APScheduler wiring: each job is a plain function of (session, now, config, notifier) run in its own transaction."""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.engine import Engine

from bot.config import Config
from handlers.notify import NotifierFor
from jobs.complaint_digest import send_complaint_digests
from jobs.escalation import escalate_unacknowledged
from jobs.first_answer import watch_first_answers
from jobs.incident_estimates import remind_passed_estimates  # issue 16
from jobs.planned_outages import send_planned_outage_notices  # issue 16
from jobs.reviews import send_reviews
from jobs.urgent_followups import send_urgent_followups
from jobs.visit_reminders import send_daily_visit_reminders, send_deferred_rating_requests, send_quota_digests
from storage import privacy
from storage.db import session_scope

log = logging.getLogger(__name__)


def run_job(job: Callable[..., int], engine: Engine, config: Config, clock: Callable[[], datetime],
            notifier_for: NotifierFor) -> int:
    """One run of `job(session, now=, config=, notifier=)` in its own transaction: what it sends
    is queued in the same commit as what it records."""
    with session_scope(engine) as session:
        now = clock()
        return job(session, now=now, config=config, notifier=notifier_for(session, now))


def retention_purge(engine: Engine, config: Config, clock: Callable[[], datetime]) -> None:
    """PDPA: the [retention] periods, daily; then SQLite's write-ahead log is folded back."""
    try:
        with session_scope(engine) as session:
            result = privacy.purge(session, privacy.Retention.from_config(config.retention), now=clock())
        privacy.checkpoint(engine)
        log.info("retention purge: %s", result.summary() or "nothing")  # counts only
    except Exception:
        log.exception("retention purge failed")


def build_scheduler(config: Config, engine: Engine, clock: Callable[[], datetime], *, notifier_for: NotifierFor,
                    on_messages: Callable[[], None],
                    polls: dict[str, tuple[Callable[[], bool], float]] | None = None,
                    daily: dict[str, tuple[Callable[[], bool], str]] | None = None):
    """`polls`: channel jobs run every so many seconds, by name (the forms poll); `daily`: channel jobs
    run once a day at a Bangkok time "HH:MM" (the message quota check); each says whether it queued
    messages. Jobs know no channel: the caller that builds the channels hands them in."""
    scheduler = BackgroundScheduler(timezone=config.bot.timezone, job_defaults={"coalesce": True, "max_instances": 1})

    def guarded(job: Callable[..., int], name: str) -> Callable[[], None]:
        def run() -> None:
            try:
                if run_job(job, engine, config, clock, notifier_for):
                    on_messages()
            except Exception:
                log.exception("%s job failed", name)

        return run

    def guarded_poll(poll: Callable[[], bool], name: str) -> Callable[[], None]:
        def run() -> None:
            try:
                if poll():
                    on_messages()
            except Exception:
                log.exception("%s failed", name)

        return run

    reminders, zone = config.reminders, config.bot.timezone
    scheduler.add_job(guarded(escalate_unacknowledged, "escalation"), "interval",
                      seconds=config.escalation.check_every_seconds, id="escalate_outages", name="outage escalation")
    scheduler.add_job(guarded(watch_first_answers, "first answer"), "interval",
                      seconds=config.first_answer.check_every_seconds, id="first_answer",
                      name="first answer (services, relayed messages)")
    hour, minute = reminders.complaint_digest_hour_minute
    scheduler.add_job(guarded(send_complaint_digests, "complaint digest"), "cron", hour=hour, minute=minute,
                      timezone=zone, id="complaint_digest", name="complaint digest")
    hour, minute = reminders.hour_minute(reminders.quota_digest_time)
    scheduler.add_job(guarded(send_quota_digests, "quota digest"), "cron", day_of_week=reminders.quota_digest_weekday,
                      hour=hour, minute=minute, timezone=zone, id="quota_digest", name="quota digest")
    hour, minute = reminders.hour_minute(reminders.visit_reminder_time)
    scheduler.add_job(guarded(send_daily_visit_reminders, "visit reminders"), "cron", hour=hour, minute=minute,
                      timezone=zone, id="visit_reminders", name="visit reminders")
    hour, minute = reminders.hour_minute(reminders.rating_window_start)  # visits logged overnight, asked when it opens
    scheduler.add_job(guarded(send_deferred_rating_requests, "deferred rating requests"), "cron", hour=hour,
                      minute=minute, timezone=zone, id="deferred_rating_requests", name="deferred rating requests")
    hour, minute = reminders.hour_minute(config.urgent.reminder_time)  # issue 17
    scheduler.add_job(guarded(send_urgent_followups, "urgent follow-ups"), "cron", hour=hour, minute=minute,
                      timezone=zone, id="urgent_followups", name="urgent report follow-ups")
    hour, minute = reminders.hour_minute(config.reviews.review_time)  # issue 17
    scheduler.add_job(guarded(send_reviews, "reviews"), "cron", hour=hour, minute=minute, timezone=zone,
                      id="reviews", name="monthly office and quarterly zone reviews")
    # issue 16: every quarter hour; the job itself keeps to the daytime window
    scheduler.add_job(guarded(send_planned_outage_notices, "planned outages"), "interval", minutes=15,
                      id="planned_outages", name="planned-outage notices")
    scheduler.add_job(guarded(remind_passed_estimates, "incident estimates"), "interval",
                      seconds=config.escalation.check_every_seconds, id="incident_estimates",
                      name="passed estimates of incidents and outages")
    for name, (poll, seconds) in (polls or {}).items():
        scheduler.add_job(guarded_poll(poll, name), "interval", seconds=seconds, id=name, name=name)
    for name, (poll, at) in (daily or {}).items():
        hour, minute = reminders.hour_minute(at)
        scheduler.add_job(guarded_poll(poll, name), "cron", hour=hour, minute=minute, timezone=zone, id=name, name=name)
    scheduler.add_job(lambda: retention_purge(engine, config, clock), "cron", hour=config.retention.purge_hour,
                      minute=17, timezone=zone, id="retention_purge", name="retention purge")
    return scheduler
