"""Builds the case services and declares everything they hook into: the
message observer, the scheduled jobs, and what the gateway does when one of
a case's Slack calls finishes (or must be reconciled or re-rendered first).
Go to definition from here lands on the function that runs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from bot.runtime import Modbot
from bot.services.cases.appeals import AppealService
from bot.services.cases.card import CardService
from bot.services.cases.clicks import ClickService
from bot.services.cases.decisions import DecisionService
from bot.services.cases.flags import FlagService
from bot.services.cases.floods import FloodService
from bot.services.cases.intake import IntakeService
from bot.services.cases.removal import RemovalService
from bot.services.cases.suspensions import SuspensionService
from bot.services.people import PeopleService
from bot.services.rule_quality import RuleQuality
from bot.slack.effects import USUAL_CHECK, Kind, group_topic, topic_id
from bot.slack.gateway import Outcome
from storage.outbox import OutboxItem


@dataclass(frozen=True)
class Moderation:
    """The case workflow, one service per idea (rt.services.moderation)."""

    card: CardService
    removal: RemovalService
    suspensions: SuspensionService
    flags: FlagService
    decisions: DecisionService
    clicks: ClickService
    appeals: AppealService
    intake: IntakeService
    quality: RuleQuality
    floods: FloodService


class CaseEffects:
    """What happens when one of a case's effects finishes at Slack (the
    gateway's one hook, bot.slack.effects.EffectHandler), by kind."""

    def __init__(self, m: Moderation):
        self.finishers: dict[Kind, Callable[[Outcome], None]] = {
            Kind.CARD_POST: m.card.card_posted,
            Kind.CARD_UPDATE: m.card.audit_result,
            Kind.REMOVE: m.removal.removal_result,
            Kind.SUSPENDED_DELETE: m.card.side_effect_result,
            Kind.FLOOD_DELETE: m.floods.removal_result,
            Kind.DM: m.card.side_effect_result,
            Kind.KICK: m.card.side_effect_result,
            Kind.THREAD: m.card.side_effect_result,
            Kind.APPEAL_POST: m.appeals.appeal_posted,
        }
        # Arguments rebuilt just before the call: a card shows the records as they are then.
        self.refreshers: dict[Kind, Callable[[OutboxItem], dict | None]] = {
            Kind.CARD_UPDATE: m.card.fresh_update_args,
            Kind.CARD_POST: m.card.fresh_post_args,
        }
        self.card = m.card
        self.floods = m.floods
        self.suspensions = m.suspensions
        self.kinds = frozenset(self.finishers) | frozenset(self.refreshers)

    @staticmethod
    def _kind(item: OutboxItem) -> Kind | None:
        try:
            return Kind(item.purpose)
        except ValueError:
            return None

    def finished(self, outcome: Outcome) -> None:
        finish = self.finishers.get(self._kind(outcome.item))
        if finish is not None:
            finish(outcome)

    def refresh(self, item: OutboxItem) -> dict | None:
        fresh = self.refreshers.get(self._kind(item))
        return fresh(item) if fresh is not None else None

    def reconcile(self, item: OutboxItem):
        if self._kind(item) is Kind.CARD_POST:
            return self.card.find_posted_card(item) or False  # looked for by the case, not the key
        return USUAL_CHECK

    def withdrawn(self, item: OutboxItem) -> bool:
        if item.topic is not None and item.topic == group_topic(item.case_id):
            return self.floods.withdraw_if_dismissed(item)  # a flood's or raid's removal, or its DM
        if topic_id(item.topic, "suspension") is not None:
            return self.suspensions.withdraw_if_lifted(item)  # a kick, or the "you are suspended" DM
        return False


def build_moderation(rt: Modbot, people: PeopleService) -> tuple[Moderation, CaseEffects]:
    """The case services, and the handler for their effects (the caller
    hands it to the gateway with the other services' handlers)."""
    base = dict(store=rt.store, clock=rt.clock, gateway=rt.gateway, settings=rt.settings, people=people)
    card = CardService(**base)
    floods = FloodService(card=card, **base)
    removal = RemovalService(card=card, floods=floods, **base)
    suspensions = SuspensionService(card=card, removal=removal, **base)
    quality = RuleQuality(store=rt.store, clock=rt.clock, min_decisions=rt.settings.config.moderation.rule_min_decisions)
    decisions = DecisionService(card=card, removal=removal, suspensions=suspensions, **base)
    m = Moderation(
        card=card, removal=removal, suspensions=suspensions,
        flags=FlagService(card=card, removal=removal, **base),
        decisions=decisions,
        clicks=ClickService(card=card, removal=removal, decisions=decisions, floods=floods, **base),
        appeals=AppealService(card=card, suspensions=suspensions, **base),
        intake=IntakeService(card=card, removal=removal, suspensions=suspensions, quality=quality, floods=floods,
                             **base),
        quality=quality,
        floods=floods,
    )
    rt.services.messages.subscribe("moderation", m.intake.on_message)
    rt.add_job("lift_suspensions", suspensions.lift_expired_suspensions, "interval", minutes=5)
    rt.add_job("revive_cards", card.revive_cards, "interval", minutes=15)
    # Admins' and employees' names, for the impersonation checks at intake.
    rt.add_job("staff_names", people.refresh_staff, "interval", hours=1)
    return m, CaseEffects(m)
