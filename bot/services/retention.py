"""The daily retention job (see storage/retention.py for what it keeps)."""
from __future__ import annotations

import logging

from bot.runtime import Modbot
from storage import retention

log = logging.getLogger("modbot.retention")

# The spam checks look back at most a day.
ACTIVITY_WINDOW_SECONDS = 86_400


def register(rt: Modbot) -> None:
    rt.add_job("retention", lambda: run(rt), "cron", hour=3, minute=17)


def run(rt: Modbot) -> retention.Purged:
    now = rt.clock.now()
    days = rt.settings.config.moderation.retention_days
    purged = retention.purge(rt.store.db, before=now - days * 86_400, activity_before=now - ACTIVITY_WINDOW_SECONDS)
    log.info(
        "retention: purged %d messages, %d snapshots, %d event bodies, %d activity rows",
        purged.messages, purged.snapshots, purged.events, purged.author_activity,
    )
    return purged
