"""ExpertService: the expert programme in one object (rt.services.experts),
and `build_experts`, which builds it from the runtime's parts and declares
what it hooks into: the message observer and the scheduled jobs."""
from __future__ import annotations

from bot.runtime import Modbot
from bot.services.experts.activity import Activity
from bot.services.experts.counting import Counting
from bot.services.experts.spotlight import Spotlight
from bot.services.people import PeopleService


class ExpertService(Counting, Activity, Spotlight):
    """Counting, the roster, the review, the spotlight and /myactivity."""


def build_experts(rt: Modbot, people: PeopleService) -> ExpertService:
    experts = ExpertService(store=rt.store, clock=rt.clock, gateway=rt.gateway, settings=rt.settings, people=people)
    rt.services.messages.subscribe("activity", experts.on_message)
    rt.add_job("expert_sync", experts.sync_usergroup, "interval", hours=6)
    rt.add_job("expert_review", experts.run_review, "cron", day=1, hour=9)
    rt.add_job("expert_grace", experts.run_grace, "cron", hour=9, minute=30)
    rt.add_job("expert_spotlight", experts.run_spotlight, "cron", day=1, hour=10)
    return experts
