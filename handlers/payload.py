"""Readers for the fields listeners take out of a signed payload. Slack
documents an object or a string for each, but a signed body can still hold
a string or a list where an object belongs (bot.slack.shape checks only what
Bolt itself reads): a reader then gives None, never an exception."""
from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.cases.wiring import Moderation


def field(value, key: str):
    """value[key] when value is an object, else None."""
    return value.get(key) if isinstance(value, dict) else None


def text(value) -> str | None:
    """value when it is a string, else None."""
    return value if isinstance(value, str) else None


def moderation(context) -> Moderation:
    """The case services, typed, so that go to definition from a listener
    lands on the service function it calls."""
    return context["modbot"].services.moderation
