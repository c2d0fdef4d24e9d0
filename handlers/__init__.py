"""Bolt listeners, one module per Slack surface; each exposes register(app)."""
from __future__ import annotations

from slack_bolt import App

from handlers import messages

MODULES = [messages]


def register_all(app: App) -> None:
    for module in MODULES:
        module.register(app)
