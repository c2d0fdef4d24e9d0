"""The running bot's parts in one object, reachable from every listener as
context["modbot"] (set by a global middleware in bot/app.py)."""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from slack_bolt import App

from bot.clock import Clock
from bot.config import Settings
from bot.slack.gateway import SlackGateway
from storage import Store

if TYPE_CHECKING:  # the services import this module
    from bot.services.cases.wiring import Moderation
    from bot.services.slash_commands import CommandService
    from bot.services.experts import ExpertService
    from bot.services.home import HomeService
    from bot.services.messages import MessageService
    from bot.services.people import PeopleService
    from bot.services.suggestions.service import SuggestionService
    from bot.services.welcome import WelcomeService

log = logging.getLogger("modbot")


@dataclass
class Job:
    """A scheduled job: `fn()` runs on an APScheduler trigger in `modbot run`
    and `modbot serve`, and once at start-up to catch up on missed runs."""

    name: str
    fn: Callable[[], Any]
    trigger: str  # "interval" or "cron"
    trigger_args: dict
    catch_up: bool = True


@dataclass
class Services:
    """The deciding layer. Each service is built in bot.app.create_app."""

    messages: MessageService = None  # type: ignore[assignment]
    moderation: Moderation = None  # type: ignore[assignment]
    people: PeopleService = None  # type: ignore[assignment]
    experts: ExpertService = None  # type: ignore[assignment]
    commands: CommandService = None  # type: ignore[assignment]
    welcome: WelcomeService = None  # type: ignore[assignment]
    suggestions: SuggestionService = None  # type: ignore[assignment]
    home: HomeService = None  # type: ignore[assignment]


@dataclass
class Modbot:
    settings: Settings
    store: Store
    clock: Clock
    gateway: SlackGateway
    app: App
    services: Services = field(default_factory=Services)
    jobs: list[Job] = field(default_factory=list)
    workers: list[threading.Thread] = field(default_factory=list)
    stopping: threading.Event = field(default_factory=threading.Event)
    event_wake: threading.Event = field(default_factory=threading.Event)

    def add_job(self, name: str, fn: Callable[[], Any], trigger: str, *, catch_up: bool = True, **trigger_args) -> None:
        self.jobs.append(Job(name, fn, trigger, trigger_args, catch_up))
