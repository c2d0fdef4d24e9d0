"""The Flag message shortcut: answered by opening a modal at once (Slack
allows 3 seconds for the trigger_id)."""
from __future__ import annotations

from slack_bolt import App

from bot import ids
from handlers.payload import field, moderation, text


def to_flag_request(body: dict) -> tuple[str, str, dict, str] | None:
    """(user, channel, message, trigger_id) of a Flag shortcut, or None when
    one of them is missing or of the wrong type (no modal can open then)."""
    user, channel = text(field(body.get("user"), "id")), text(field(body.get("channel"), "id"))
    trigger_id = text(body.get("trigger_id"))
    if user is None or channel is None or trigger_id is None:
        return None
    message = body.get("message") if isinstance(body.get("message"), dict) else {}
    return user, channel, message, trigger_id


def register(app: App) -> None:
    @app.shortcut(ids.FLAG_SHORTCUT)
    def on_flag(ack, body: dict, context) -> None:
        ack()
        request = to_flag_request(body)
        if request is None:
            return
        user, channel, message, trigger_id = request
        moderation(context).flags.open_flag_dialog(
            user=user, channel=channel, message=message, trigger_id=trigger_id
        )
