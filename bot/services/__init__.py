"""The deciding layer: what happens to a message, a flag, a click or a month."""
from __future__ import annotations

from bot.runtime import Modbot


def build_services(rt: Modbot) -> None:
    """Construct every service on the runtime; order matters for message
    observers (moderation sees a message before activity counting)."""
    from bot.services.messages import MessageService

    rt.services.messages = MessageService(rt)

    from bot.services.cases.wiring import build_moderation
    from bot.services.people import PeopleService

    rt.services.people = PeopleService(rt)
    rt.services.moderation, case_effects = build_moderation(rt, rt.services.people)

    from bot.services import retention

    retention.register(rt)

    # The expert programme counts answers after moderation has seen a message.
    from bot.services.slash_commands import CommandService
    from bot.services.experts.service import build_experts
    from bot.services.guidelines import check_guidelines
    from bot.services.welcome import WelcomeService

    check_guidelines(rt.settings.config)
    rt.services.experts = build_experts(rt, rt.services.people)
    # Earlier threads for a new question: after the expert programme, which
    # recognises questions and counts their answers.
    from bot.services.suggestions import SuggestionService

    rt.services.suggestions = SuggestionService(rt)
    rt.services.suggestions.register()
    # One hook for finished Slack calls: each service's handler owns its kinds.
    from bot.slack.effects import EffectRouter

    rt.gateway.report_to(EffectRouter([case_effects, rt.services.suggestions.effects]))
    rt.services.welcome = WelcomeService(store=rt.store, clock=rt.clock, gateway=rt.gateway, settings=rt.settings,
                                         people=rt.services.people)
    rt.services.commands = CommandService(rt)
    from bot.services.home import build_home

    rt.services.home = build_home(rt)
