"""APScheduler for the jobs services register (monthly expert review,
lifting suspensions, retention, the outbox sweep). Every job is idempotent:
it is safe to run twice, in two processes, or late, so start-up simply runs
each catch-up job once."""
from __future__ import annotations

import logging

from apscheduler.schedulers.background import BackgroundScheduler

from bot import metrics
from bot.runtime import Modbot

log = logging.getLogger("modbot.scheduler")


def run_catch_up(rt: Modbot) -> None:
    for job in rt.jobs:
        if not job.catch_up:
            continue
        try:
            metrics.counted_job(job.name, job.fn)()
        except Exception:
            log.exception("catch-up run of %s failed; the schedule will try again", job.name)


def start_scheduler(rt: Modbot) -> BackgroundScheduler:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo(rt.settings.config.community.timezone)
    scheduler = BackgroundScheduler(timezone=tz)
    for job in rt.jobs:
        scheduler.add_job(
            metrics.counted_job(job.name, job.fn),
            job.trigger,
            id=job.name,
            name=job.name,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=3600,
            **job.trigger_args,
        )
    scheduler.start()
    return scheduler
