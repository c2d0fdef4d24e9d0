"""What every part of the expert programme shares: `ExpertBase`, with the
programme's settings, the community's time zone and month, and the DM every
notice is sent as."""
from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.runtime import Modbot
from bot.services.experts.months import month_of


class ExpertBase:
    def __init__(self, rt: Modbot):
        self.rt = rt

    @property
    def gateway(self):
        return self.rt.gateway

    @property
    def settings(self):
        return self.rt.settings

    @property
    def config(self):
        return self.settings.config.experts

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.settings.config.community.timezone)

    @property
    def db(self):
        return self.rt.store.db

    @property
    def mod_channel(self) -> str | None:
        return self.settings.modbot_mod_channel

    def now(self) -> float:
        return self.rt.clock.now()

    def current_month(self) -> str:
        return month_of(self.now(), self.tz)

    @property
    def people(self):
        return self.rt.services.people

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
