"""Profile changes: a member who renames themselves like a staff member is
pointed out to the moderators."""
from __future__ import annotations

from slack_bolt import App

from handlers.payload import moderation


def register(app: App) -> None:
    @app.event("user_change")
    def on_user_change(event: dict, context) -> None:
        user = event.get("user")
        if isinstance(user, dict) and isinstance(user.get("id"), str):
            moderation(context).intake.on_profile_change(user)
