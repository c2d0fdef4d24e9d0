"""What every part of the expert programme shares: `ExpertBase`, with the
programme's settings, the community's time zone and month, and the DM every
notice is sent as."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.services.base import Service
from bot.services.experts.months import month_of


class ExpertBase(Service):
    """Given what it uses (the store, the clock, the gateway, the settings,
    the people service) in its constructor; bot/services/experts/service.py
    builds it and declares its observer and jobs."""

    @property
    def config(self):
        return self.settings.config.experts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.config.community.timezone)

    def current_month(self) -> str:
        return month_of(self.now(), self.tz)

    def is_moderator(self, user: str) -> bool:
        return bool(self.people.is_moderator(user))

    def _dm(self, user: str, *, key: str, text: str, blocks: list[dict]) -> None:
        # chat.postMessage to a user ID posts in the app's DM with them.
        self.gateway.enqueue(
            key=key,
            method="chat.postMessage",
            args={"channel": user, "text": text, "blocks": blocks},
            purpose="expert_dm",
        )
