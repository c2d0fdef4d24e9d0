"""Bolt listeners, one module per Slack surface; each exposes register(app)."""
from __future__ import annotations

from slack_bolt import App

from handlers import actions, commands, home, membership, messages, shortcuts, users, views

MODULES = [messages, shortcuts, actions, views, users, commands, membership, home]


def register_all(app: App) -> None:
    for module in MODULES:
        module.register(app)
