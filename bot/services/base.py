"""`Service`: what a deciding service is given in its constructor (the
store, the clock, the gateway, the settings, the people service), so that
"go to definition" from a service lands on the part it uses. The wiring
(bot/services/__init__.py, bot/services/cases/wiring.py) builds them."""
from __future__ import annotations

from bot.clock import Clock
from bot.config import Settings
from bot.services.people import PeopleService
from bot.slack.gateway import SlackGateway
from storage import Store


class Service:
    def __init__(self, *, store: Store, clock: Clock, gateway: SlackGateway, settings: Settings,
                 people: PeopleService):
        self.store = store
        self.clock = clock
        self.gateway = gateway
        self.settings = settings
        self.people = people

    @property
    def db(self):
        return self.store.db

    @property
    def mod_channel(self) -> str | None:
        return self.settings.modbot_mod_channel

    def now(self) -> float:
        return self.clock.now()
