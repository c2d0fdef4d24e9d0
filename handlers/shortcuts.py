"""The Flag message shortcut: answered by opening a modal at once (Slack
allows 3 seconds for the trigger_id)."""
from __future__ import annotations

from slack_bolt import App

from bot import ids


def register(app: App) -> None:
    @app.shortcut(ids.FLAG_SHORTCUT)
    def on_flag(ack, body: dict, context) -> None:
        ack()
        message = body.get("message") if isinstance(body.get("message"), dict) else {}
        channel = (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        if not (isinstance(channel, str) and isinstance(user, str)):
            return
        context["modbot"].services.moderation.open_flag_dialog(
            user=user, channel=channel, message=message, trigger_id=body.get("trigger_id")
        )
