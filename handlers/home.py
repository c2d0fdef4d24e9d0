"""App Home: opened (publish it), and its own buttons (apply a rule's
suggestion, mark a shadow finding). Its case buttons are the card's, handled
in handlers/actions.py."""
from __future__ import annotations

from slack_bolt import App

from bot import ids
from handlers.actions import to_click
from handlers.payload import field, text


def register(app: App) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict, context) -> None:
        user = text(event.get("user"))
        if user and event.get("tab", "home") == "home":
            context["modbot"].services.home.opened(user)

    @app.action(ids.ACT_HOME_RULE_APPLY)
    def on_apply(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        if click.user:
            context["modbot"].services.home.apply_suggestion(click)

    @app.action(ids.ACT_HOME_SHADOW_RIGHT)
    @app.action(ids.ACT_HOME_SHADOW_WRONG)
    def on_mark(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        if click.user and field(action, "action_id"):
            context["modbot"].services.home.mark_shadow(click, right=action["action_id"] == ids.ACT_HOME_SHADOW_RIGHT)
