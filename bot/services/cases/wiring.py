"""Builds the case services and declares everything they hook into: the
message observer, the scheduled jobs, and what the gateway does when one of
a case's Slack calls finishes (or must be reconciled or re-rendered first).
Go to definition from here lands on the function that runs."""
from __future__ import annotations

from dataclasses import dataclass

from bot.runtime import Modbot
from bot.services.cases.appeals import AppealService
from bot.services.cases.card import CardService
from bot.services.cases.clicks import ClickService
from bot.services.cases.decisions import DecisionService
from bot.services.cases.flags import FlagService
from bot.services.cases.intake import IntakeService
from bot.services.cases.removal import RemovalService
from bot.services.cases.suspensions import SuspensionService
from bot.services.people import PeopleService


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


def build_moderation(rt: Modbot, people: PeopleService) -> Moderation:
    base = dict(store=rt.store, clock=rt.clock, gateway=rt.gateway, settings=rt.settings, people=people)
    card = CardService(**base)
    removal = RemovalService(card=card, **base)
    suspensions = SuspensionService(card=card, removal=removal, **base)
    decisions = DecisionService(card=card, removal=removal, suspensions=suspensions, **base)
    m = Moderation(
        card=card, removal=removal, suspensions=suspensions,
        flags=FlagService(card=card, removal=removal, **base),
        decisions=decisions,
        clicks=ClickService(card=card, removal=removal, decisions=decisions, **base),
        appeals=AppealService(card=card, suspensions=suspensions, **base),
        intake=IntakeService(card=card, removal=removal, suspensions=suspensions, **base),
    )
    gw = rt.gateway
    gw.on_result("card_post", card.card_posted)
    gw.on_result("card_update", card.audit_result)
    gw.refresher("card_update", card.fresh_update_args)
    gw.refresher("card_post", card.fresh_post_args)
    gw.reconciler("card_post", card.find_posted_card)
    gw.on_result("remove", removal.removal_result)
    for purpose in ("suspended_delete", "dm", "kick", "thread"):
        gw.on_result(purpose, card.side_effect_result)
    gw.on_result("appeal_post", m.appeals.appeal_posted)
    rt.services.messages.subscribe("moderation", m.intake.on_message)
    rt.add_job("lift_suspensions", suspensions.lift_expired_suspensions, "interval", minutes=5)
    rt.add_job("revive_cards", card.revive_cards, "interval", minutes=15)
    return m
