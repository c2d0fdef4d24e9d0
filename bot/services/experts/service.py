"""ExpertService: the expert programme in one object (rt.services.experts),
and what it hooks into: the message observer and the scheduled jobs."""
from __future__ import annotations

from bot.services.experts.activity import Activity
from bot.services.experts.counting import Counting
from bot.services.experts.spotlight import Spotlight


class ExpertService(Counting, Activity, Spotlight):
    def register(self) -> None:
        self.rt.services.messages.subscribe("activity", self.on_message)
        self.rt.add_job("expert_sync", self.sync_usergroup, "interval", hours=6)
        self.rt.add_job("expert_review", self.run_review, "cron", day=1, hour=9)
        self.rt.add_job("expert_grace", self.run_grace, "cron", hour=9, minute=30)
        self.rt.add_job("expert_spotlight", self.run_spotlight, "cron", day=1, hour=10)
