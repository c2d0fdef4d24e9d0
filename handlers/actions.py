"""Buttons and menus: the case card, appeal buttons in members' DMs, and the
appeal decision in the case thread. Each listener acks, reads who clicked
where, and hands over to the moderation service, which looks the case up and
checks rights itself (button values are never trusted)."""
from __future__ import annotations

from slack_bolt import App

from bot import ids
from bot.services.cases.common import Click
from bot.slack.blocks import cases as cards
from handlers.payload import field, moderation, text


def to_click(body: dict, action: dict) -> Click:
    container = body.get("container")
    value = action.get("value")
    if value is None:
        value = field(action.get("selected_option"), "value")
    return Click(
        user=text(field(body.get("user"), "id")) or "",
        channel=text(field(container, "channel_id") or field(body.get("channel"), "id")),
        message_ts=text(field(container, "message_ts")),
        value=text(value),
        trigger_id=text(body.get("trigger_id")),
        response_url=text(body.get("response_url")),
        in_home=field(body.get("view"), "type") == "home",
    )


# A card button's action id -> the rules.Action it asks for (the card's renderer lists them).
CARD_BUTTONS = {action_id: action.value for action, (_, action_id, _) in cards.BUTTONS.items()}
MORE_OPTIONS = {value: action.value for action, (value, _) in cards.MORE.items()}
SUGGESTION_BUTTONS = {ids.ACT_SUGGEST_NOT_RELATED: "not_related", ids.ACT_SUGGEST_OPT_OUT: "opt_out"}


def _case_click(context, case_action: str, click: Click) -> None:
    """A case's button, on its card or on a moderator's App Home."""
    if not click.user:
        return
    if click.in_home:
        context["modbot"].services.home.case_click(case_action, click)
    else:
        moderation(context).clicks.click(case_action, click)


def register(app: App) -> None:
    def card_button(ack, body: dict, action: dict, context) -> None:
        ack()
        _case_click(context, CARD_BUTTONS[action["action_id"]], to_click(body, action))

    for action_id in CARD_BUTTONS:
        app.action(action_id)(card_button)

    @app.action(ids.ACT_MORE)
    def on_more(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        if click.value in MORE_OPTIONS:
            _case_click(context, MORE_OPTIONS[click.value], click)

    @app.action(ids.ACT_APPEAL)
    def on_appeal(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        if not click.user:
            return
        moderation(context).appeals.open_appeal(user=click.user, value=click.value, trigger_id=click.trigger_id)

    @app.action(ids.ACT_APPEAL_UPHOLD)
    def on_uphold(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        if click.user:
            moderation(context).appeals.decide_appeal(outcome="upheld", click=click)

    @app.action(ids.ACT_SUGGEST_NOT_RELATED)
    @app.action(ids.ACT_SUGGEST_OPT_OUT)
    def on_suggestion_button(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        context["modbot"].services.suggestions.press(SUGGESTION_BUTTONS[action["action_id"]], user=click.user,
                                                     channel=click.channel, value=click.value or "")

    @app.action(ids.ACT_APPEAL_REVERSE)
    def on_reverse(ack, body: dict, action: dict, context) -> None:
        ack()
        click = to_click(body, action)
        if click.user:
            moderation(context).appeals.decide_appeal(outcome="reversed", click=click)
