"""The moderator channel, checked at start-up: every member of
MODBOT_MOD_CHANNEL gets moderator rights, so it must be a private channel of
this workspace's organisation alone (Slack Connect would make the other
organisation's members moderators here)."""
from __future__ import annotations

import logging

from bot.config import SettingError
from bot.runtime import Modbot
from bot.slack.gateway import GatewayError

log = logging.getLogger("modbot.startup")

# Slack errors that mean the setting or the token is wrong, not Slack down.
_WHY = {
    "channel_not_found": "no such channel, or the bot is not in it (invite the bot to the private channel)",
    "invalid_auth": "Slack refused SLACK_BOT_TOKEN (invalid_auth)",
    "not_authed": "Slack refused SLACK_BOT_TOKEN (not_authed)",
    "account_inactive": "SLACK_BOT_TOKEN belongs to an uninstalled app (account_inactive)",
    "token_revoked": "SLACK_BOT_TOKEN was revoked (token_revoked)",
    "missing_scope": "the bot token lacks groups:read (reinstall the app from its manifest)",
}


def channel_problem(info: dict) -> str | None:
    """Why conversations.info's `channel` may not be the moderator channel,
    or None when it may."""
    name = f"#{info.get('name')}" if info.get("name") else "the channel"
    if info.get("is_ext_shared") or info.get("is_pending_ext_shared"):
        return f"{name} is shared with another organisation (Slack Connect); its members there would be moderators here"
    if info.get("is_im") or info.get("is_mpim"):
        return f"{name} is a direct message, not a channel"
    if not info.get("is_private"):
        return f"{name} is public; every member who joins it would be a moderator. Use a private channel"
    return None


def check_mod_channel(rt: Modbot) -> None:
    """Raise SettingError (one line, exit status 2) when MODBOT_MOD_CHANNEL
    must not be used. Slack unreachable: a warning, and the bot starts (it
    is built to start while Slack is down); the next start checks again."""
    channel = rt.settings.modbot_mod_channel
    try:
        info = rt.gateway.call("conversations.info", channel=channel).get("channel") or {}
    except GatewayError as exc:
        if exc.transient:
            log.warning("could not check MODBOT_MOD_CHANNEL %s now (%s); starting anyway", channel, exc.error)
            return
        raise SettingError(f"MODBOT_MOD_CHANNEL: {channel}: {_WHY.get(exc.error, exc.error)}") from None
    problem = channel_problem(info)
    if problem:
        raise SettingError(f"MODBOT_MOD_CHANNEL: {channel}: {problem}")
