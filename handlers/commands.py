"""Slash commands: /guidelines, /myactivity, /experts.

The answer travels in the ack itself (ephemeral), so it is private, costs no
Web API call, and is ready well inside Slack's 3 seconds.
"""
from __future__ import annotations

import logging

from slack_bolt import Ack, App

from bot import ids

log = logging.getLogger("modbot.handlers.commands")

SORRY = "Sorry, something went wrong on my side; please try again in a minute."


def to_args(command: dict) -> tuple[str, str]:
    """(user id, text) of a slash-command payload."""
    return str(command.get("user_id") or ""), str(command.get("text") or "")


def _answer(ack: Ack, compute) -> None:
    try:
        reply = compute()
    except Exception:  # the member gets an answer, the log gets the details
        log.exception("slash command failed")
        ack(text=SORRY, response_type="ephemeral")
        return
    ack(text=reply.text, blocks=reply.blocks, response_type="ephemeral")


def register(app: App) -> None:
    @app.command(ids.CMD_GUIDELINES)
    def guidelines(ack: Ack, command: dict, context) -> None:
        user, text = to_args(command)
        _answer(ack, lambda: context["modbot"].services.commands.guidelines(user=user, text=text))

    @app.command(ids.CMD_MYACTIVITY)
    def myactivity(ack: Ack, command: dict, context) -> None:
        user, text = to_args(command)
        _answer(ack, lambda: context["modbot"].services.commands.myactivity(user=user, text=text))

    @app.command(ids.CMD_EXPERTS)
    def experts(ack: Ack, command: dict, context) -> None:
        user, text = to_args(command)
        _answer(ack, lambda: context["modbot"].services.commands.experts(user=user, text=text))
