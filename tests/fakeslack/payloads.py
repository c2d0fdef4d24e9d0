"""Real-shaped Slack requests to the app, and Slack's request signing.

Shapes follow what Slack sends to an app (Events API envelopes, interactivity
payloads, slash-command forms), as documented on api.slack.com and exercised by
bolt-python's scenario tests. Keys are the ones Slack sends; the one addition is
profile["company"] in user_object (a shortcut beside the real profile.fields).

Builders return ``(body, content_type)`` so a test can sign and send the exact
bytes; ``SlackClientSim`` does both against a running app.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, NamedTuple

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"

TEAM = "T1"
TEAM_DOMAIN = "modbot-test"
APP_ID = "A1"
BOT_USER = "UBOT"
VERIFICATION_TOKEN = "legacy-verification-token"  # Slack still sends it; apps must not rely on it

_seq = itertools.count(1)


def _next_ts(now: float | None = None) -> str:
    # Unique, increasing message timestamps for events built without one.
    base = int(now if now is not None else 1_700_000_000)
    return f"{base}.{next(_seq) * 100:06d}"


# ---------------------------------------------------------------- signing

def signature(body: str, secret: str, timestamp: int) -> str:
    basestring = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()


def sign(body: str, secret: str, timestamp: int, content_type: str = JSON) -> dict[str, str]:
    """Headers Slack adds to every request it sends to an app."""
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(int(timestamp)),
        "X-Slack-Signature": signature(body, secret, int(timestamp)),
    }


# ---------------------------------------------------------------- users

def user_object(
    id: str,
    name: str,
    *,
    real_name: str = "",
    display_name: str = "",
    email: str | None = None,
    title: str = "",
    company: str | None = None,
    is_admin: bool = False,
    is_owner: bool = False,
    is_bot: bool = False,
    deleted: bool = False,
    image: bool = True,
    tz: str = "Europe/London",
    team: str = TEAM,
    bot_id: str | None = None,
    updated: int = 1_700_000_000,
) -> dict[str, Any]:
    """A user object as users.info, team_join and user_change carry it.

    ``image`` False leaves out the image_* fields and sets is_custom_image
    False (a member who never uploaded a photo). ``company`` is a custom
    profile field; Slack reports those under profile.fields.
    """
    real_name = real_name or name
    profile: dict[str, Any] = {
        "title": title,
        "phone": "",
        "skype": "",
        "real_name": real_name,
        "real_name_normalized": real_name,
        "display_name": display_name,
        "display_name_normalized": display_name,
        "status_text": "",
        "status_emoji": "",
        "avatar_hash": "g0123456789a" if image else "",
        "is_custom_image": bool(image),
        "first_name": real_name.split(" ")[0] if real_name else "",
        "last_name": " ".join(real_name.split(" ")[1:]) if real_name else "",
        "team": team,
    }
    if email is not None:
        profile["email"] = email
    if image:
        for size in (24, 32, 48, 72, 192, 512):
            profile[f"image_{size}"] = f"https://avatars.slack-edge.com/2023-01-01/{id}_{size}.png"
        profile["image_original"] = f"https://avatars.slack-edge.com/2023-01-01/{id}_original.png"
    if company is not None:
        profile["fields"] = {"Xf0COMPANY": {"value": company, "alt": ""}}
        profile["company"] = company
    if bot_id:
        profile["bot_id"] = bot_id
        profile["always_active"] = True
    return {
        "id": id,
        "team_id": team,
        "name": name,
        "deleted": deleted,
        "color": "9f69e7",
        "real_name": real_name,
        "tz": tz,
        "tz_label": tz,
        "tz_offset": 0,
        "profile": profile,
        "is_admin": is_admin,
        "is_owner": is_owner,
        "is_primary_owner": is_owner,
        "is_restricted": False,
        "is_ultra_restricted": False,
        "is_bot": is_bot,
        "is_app_user": False,
        "updated": updated,
        "is_email_confirmed": email is not None,
    }


# ---------------------------------------------------------------- Events API

def event_callback(
    event: dict[str, Any],
    event_id: str | None = None,
    team: str = TEAM,
    api_app_id: str = APP_ID,
    event_time: int | None = None,
    *,
    bot_user: str = BOT_USER,
) -> tuple[str, str]:
    """The envelope Slack POSTs for every subscribed event."""
    event_id = event_id or f"Ev{next(_seq):09d}"
    event_time = int(event_time if event_time is not None else 1_700_000_000)
    channel = event.get("channel") if isinstance(event.get("channel"), str) else None
    body = {
        "token": VERIFICATION_TOKEN,
        "team_id": team,
        "api_app_id": api_app_id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team,
                "user_id": bot_user,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": f"4-{event.get('type', 'event')}-{team}-{channel or 'none'}",
    }
    return json.dumps(body), JSON


def url_verification(challenge: str = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P") -> tuple[str, str]:
    return json.dumps({"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}), JSON


def _channel_type(channel: str) -> str:
    return {"C": "channel", "G": "group", "D": "im"}.get(channel[:1], "channel")


def rich_text_blocks(text: str) -> list[dict[str, Any]]:
    # What Slack's composer attaches to a member's message.
    return [
        {
            "type": "rich_text",
            "block_id": "rt0",
            "elements": [{"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}],
        }
    ]


def message_event(
    channel: str,
    user: str,
    text: str,
    ts: str | None = None,
    thread_ts: str | None = None,
    subtype: str | None = None,
    *,
    team: str = TEAM,
    blocks: list[dict[str, Any]] | None = None,
    channel_type: str | None = None,
    files: list[dict[str, Any]] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A message event (message.channels / message.groups / message.im)."""
    ts = ts or _next_ts()
    event: dict[str, Any] = {"type": "message"}
    if subtype:
        event["subtype"] = subtype
    else:
        event["client_msg_id"] = f"0a1b2c3d-0000-4000-8000-{abs(hash(ts)) % 10**12:012d}"
    event.update(
        {
            "text": text,
            "user": user,
            "ts": ts,
            "team": team,
            "blocks": blocks if blocks is not None else rich_text_blocks(text),
            "channel": channel,
            "event_ts": ts,
            "channel_type": channel_type or _channel_type(channel),
        }
    )
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = extra.pop("parent_user_id", user)
    if files is not None:
        event["files"] = files
        if subtype is None:
            event["subtype"] = "file_share"
    event.update(extra)
    return event


def _inner_message(msg: dict[str, Any]) -> dict[str, Any]:
    # The "message"/"previous_message" objects carry no channel/event_ts.
    return {k: v for k, v in msg.items() if k not in ("channel", "event_ts", "channel_type")}


def message_changed(
    channel: str,
    user: str,
    old_text: str,
    new_text: str,
    ts: str,
    *,
    edited_ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM,
) -> dict[str, Any]:
    """An edit: subtype message_changed with message and previous_message."""
    edited_ts = edited_ts or _next_ts()
    previous = _inner_message(message_event(channel, user, old_text, ts=ts, thread_ts=thread_ts, team=team))
    current = _inner_message(message_event(channel, user, new_text, ts=ts, thread_ts=thread_ts, team=team))
    current["client_msg_id"] = previous["client_msg_id"]
    current["edited"] = {"user": user, "ts": edited_ts}
    current["source_team"] = team
    current["user_team"] = team
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "message": current,
        "channel": channel,
        "previous_message": previous,
        "event_ts": edited_ts,
        "ts": edited_ts,
        "channel_type": _channel_type(channel),
    }


def message_deleted(
    channel: str,
    user: str,
    text: str,
    ts: str,
    *,
    event_ts: str | None = None,
    thread_ts: str | None = None,
    team: str = TEAM,
) -> dict[str, Any]:
    event_ts = event_ts or _next_ts()
    return {
        "type": "message",
        "subtype": "message_deleted",
        "hidden": True,
        "deleted_ts": ts,
        "channel": channel,
        "previous_message": _inner_message(message_event(channel, user, text, ts=ts, thread_ts=thread_ts, team=team)),
        "event_ts": event_ts,
        "ts": event_ts,
        "channel_type": _channel_type(channel),
    }


def bot_message(
    channel: str,
    text: str,
    *,
    bot_id: str = "B222",
    user: str | None = None,
    app_id: str = "A222",
    ts: str | None = None,
    username: str = "other-bot",
    team: str = TEAM,
) -> dict[str, Any]:
    """A message from an app.

    With ``user`` (the app's bot user, e.g. "UBOT" for our own bot), the shape
    of a chat.postMessage by a bot token: no subtype, but bot_id and app_id.
    Without it, the legacy subtype "bot_message" (webhooks, old integrations).
    """
    ts = ts or _next_ts()
    event: dict[str, Any] = {"type": "message"}
    if user is None:
        event.update({"subtype": "bot_message", "username": username})
    else:
        event["user"] = user
    event.update(
        {
            "text": text,
            "ts": ts,
            "bot_id": bot_id,
            "app_id": app_id,
            "team": team,
            "bot_profile": {"id": bot_id, "app_id": app_id, "name": username, "deleted": False, "team_id": team},
            "channel": channel,
            "event_ts": ts,
            "channel_type": _channel_type(channel),
        }
    )
    return event


def _membership(type: str, channel: str, user: str, team: str, event_ts: str | None) -> dict[str, Any]:
    return {
        "type": type,
        "user": user,
        "channel": channel,
        "channel_type": "G" if channel.startswith("G") else "C",
        "team": team,
        "event_ts": event_ts or _next_ts(),
    }


def member_joined_channel(channel: str, user: str, *, inviter: str | None = None, team: str = TEAM,
                          event_ts: str | None = None) -> dict[str, Any]:
    event = _membership("member_joined_channel", channel, user, team, event_ts)
    if inviter:
        event["inviter"] = inviter
    return event


def member_left_channel(channel: str, user: str, *, team: str = TEAM, event_ts: str | None = None) -> dict[str, Any]:
    """A member left, or was removed from, a channel."""
    return _membership("member_left_channel", channel, user, team, event_ts)


def team_join(user: dict[str, Any], *, event_ts: str | None = None) -> dict[str, Any]:
    """``user`` is a full user object (see user_object)."""
    return {"type": "team_join", "user": user, "cache_ts": 1_700_000_000, "event_ts": event_ts or _next_ts()}


def user_change(user: dict[str, Any], *, event_ts: str | None = None) -> dict[str, Any]:
    return {"type": "user_change", "user": user, "cache_ts": 1_700_000_000, "event_ts": event_ts or _next_ts()}


def app_home_opened(user: str, *, channel: str = "D0HOME", tab: str = "home",
                    view: dict[str, Any] | None = None, event_ts: str | None = None) -> dict[str, Any]:
    """A member opened the app's Home tab (`view` is the one published
    before, absent the first time)."""
    ev: dict[str, Any] = {"type": "app_home_opened", "user": user, "channel": channel, "tab": tab,
                          "event_ts": event_ts or _next_ts()}
    if view is not None:
        ev["view"] = view
    return ev


def subteam_members_changed(
    subteam_id: str,
    added: list[str] = (),  # type: ignore[assignment]
    removed: list[str] = (),  # type: ignore[assignment]
    *,
    team: str = TEAM,
    date_previous_update: int = 1_700_000_000,
    date_update: int = 1_700_000_100,
    event_ts: str | None = None,
) -> dict[str, Any]:
    # Slack sends the counts as strings.
    return {
        "type": "subteam_members_changed",
        "subteam_id": subteam_id,
        "team_id": team,
        "date_previous_update": date_previous_update,
        "date_update": date_update,
        "added_users": list(added),
        "added_users_count": str(len(added)),
        "removed_users": list(removed),
        "removed_users_count": str(len(removed)),
        "event_ts": event_ts or _next_ts(),
    }


# ---------------------------------------------------------------- interactivity

def _team(team: str) -> dict[str, str]:
    return {"id": team, "domain": TEAM_DOMAIN}


def _user(user: str, team: str, name: str | None = None) -> dict[str, str]:
    name = name or user.lower()
    return {"id": user, "username": name, "name": name, "team_id": team}


def new_trigger_id() -> str:
    return f"{next(_seq)}.1700000000.0f1e2d3c4b5a69788796a5b4c3d2e1f0"


def _response_url(kind: str, team: str, user: str = "", channel: str = "") -> str:
    """Slack's secret is opaque; the fake's says whom it answers, so that it
    can show the answer as an ephemeral message to that member."""
    secret = base64.urlsafe_b64encode(json.dumps({"u": user, "c": channel}).encode()).decode().rstrip("=")
    return f"https://hooks.slack.com/{kind}/{team}/{next(_seq)}/{secret}"


def form_payload(payload: dict[str, Any]) -> tuple[str, str]:
    """Interactivity requests arrive as a form with one field, payload=<json>."""
    return urllib.parse.urlencode({"payload": json.dumps(payload)}), FORM


def message_action(
    callback_id: str,
    message: dict[str, Any],
    channel: str,
    user: str,
    *,
    trigger_id: str | None = None,
    response_url: str | None = None,
    team: str = TEAM,
    channel_name: str = "general",
    api_app_id: str = APP_ID,
) -> dict[str, Any]:
    """A message shortcut. ``message`` is the message as Slack stores it
    (type, user, text, ts, ...; message_event() output works)."""
    message = _inner_message(message)
    return {
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": _next_ts(),
        "team": _team(team),
        "user": _user(user, team),
        "channel": {"id": channel, "name": channel_name},
        "is_enterprise_install": False,
        "enterprise": None,
        "api_app_id": api_app_id,
        "callback_id": callback_id,
        "trigger_id": trigger_id or new_trigger_id(),
        "message_ts": message.get("ts"),
        "message": message,
        "response_url": response_url or _response_url("app", team, user, channel),
    }


def block_actions(
    actions: list[dict[str, Any]],
    user: str,
    *,
    channel: str | None = None,
    message: dict[str, Any] | None = None,
    view: dict[str, Any] | None = None,
    trigger_id: str | None = None,
    response_url: str | None = None,
    team: str = TEAM,
    channel_name: str = "mod-queue",
    is_ephemeral: bool = False,
    api_app_id: str = APP_ID,
) -> dict[str, Any]:
    """A click on an interactive element in a message (give channel+message)
    or in a modal/Home tab (give view). Each action needs action_id; block_id,
    value and type default sensibly (see action())."""
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user, team),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "team": _team(team),
        "enterprise": None,
        "is_enterprise_install": False,
        "actions": [action(**a) if "action_ts" not in a else a for a in actions],
    }
    if view is not None:
        payload["container"] = {"type": "view", "view_id": view.get("id", "V0")}
        payload["view"] = view
        payload["state"] = view.get("state", {"values": {}})
    else:
        if channel is None or message is None:
            raise ValueError("block_actions from a message needs channel and message")
        message = _inner_message(message)
        payload["container"] = {
            "type": "message",
            "message_ts": message.get("ts"),
            "channel_id": channel,
            "is_ephemeral": is_ephemeral,
        }
        payload["channel"] = {"id": channel, "name": channel_name}
        payload["message"] = message
        payload["state"] = {"values": {}}
        payload["response_url"] = response_url or _response_url("actions", team, user, channel)
    return payload


def action(
    action_id: str,
    value: str | None = None,
    block_id: str = "actions",
    type: str = "button",
    text: str | None = None,
    selected_option: dict[str, Any] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """One element of block_actions' "actions" list."""
    a: dict[str, Any] = {"action_id": action_id, "block_id": block_id, "type": type, "action_ts": _next_ts()}
    if type == "button":
        a["text"] = {"type": "plain_text", "text": text or action_id, "emoji": True}
        if value is not None:
            a["value"] = value
    elif selected_option is not None:
        a["selected_option"] = selected_option
    elif value is not None:
        a["value"] = value
    a.update(extra)
    return a


def view_object(
    callback_id: str,
    values: dict[str, dict[str, dict[str, Any]]] | None = None,
    *,
    private_metadata: str = "",
    view_id: str = "V0000001",
    blocks: list[dict[str, Any]] | None = None,
    title: str = "modbot",
    team: str = TEAM,
    api_app_id: str = APP_ID,
    bot_id: str = "BBOT",
    external_id: str = "",
) -> dict[str, Any]:
    """A modal as Slack echoes it back in view_submission/view_closed.

    ``values`` is state.values: {block_id: {action_id: {"type": ..., "value": ...}}}.
    """
    return {
        "id": view_id,
        "team_id": team,
        "type": "modal",
        "blocks": blocks or [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "state": {"values": values or {}},
        "hash": "1700000000.aBcDeFgH",
        "title": {"type": "plain_text", "text": title, "emoji": True},
        "clear_on_close": False,
        "notify_on_close": False,
        "close": {"type": "plain_text", "text": "Cancel", "emoji": True},
        "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
        "previous_view_id": None,
        "root_view_id": view_id,
        "app_id": api_app_id,
        "external_id": external_id,
        "app_installed_team_id": team,
        "bot_id": bot_id,
    }


def view_submission(view: dict[str, Any], user: str, *, trigger_id: str | None = None, team: str = TEAM,
                    api_app_id: str = APP_ID) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "team": _team(team),
        "user": _user(user, team),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id or new_trigger_id(),
        "view": view,
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }


def view_closed(view: dict[str, Any], user: str, *, is_cleared: bool = False, team: str = TEAM,
                api_app_id: str = APP_ID) -> dict[str, Any]:
    return {
        "type": "view_closed",
        "team": _team(team),
        "user": _user(user, team),
        "api_app_id": api_app_id,
        "token": VERIFICATION_TOKEN,
        "view": view,
        "is_cleared": is_cleared,
        "is_enterprise_install": False,
        "enterprise": None,
    }


# ---------------------------------------------------------------- slash commands

def slash_command(command: str, text: str, user_id: str, channel_id: str, **fields: Any) -> tuple[str, str]:
    """The form Slack POSTs for a slash command (fields: see slash_command_fields)."""
    return urllib.parse.urlencode(slash_command_fields(command, text, user_id, channel_id, **fields)), FORM


def slash_command_fields(
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    *,
    trigger_id: str | None = None,
    response_url: str | None = None,
    team_id: str = TEAM,
    user_name: str | None = None,
    channel_name: str = "general",
    api_app_id: str = APP_ID,
) -> dict[str, str]:
    """A slash command's fields (all strings): the HTTP form, or the payload
    of a Socket Mode envelope."""
    return {
        "token": VERIFICATION_TOKEN,
        "team_id": team_id,
        "team_domain": TEAM_DOMAIN,
        "channel_id": channel_id,
        "channel_name": "directmessage" if channel_id.startswith("D") else channel_name,
        "user_id": user_id,
        "user_name": user_name or user_id.lower(),
        "command": command,
        "text": text,
        "api_app_id": api_app_id,
        "is_enterprise_install": "false",
        "response_url": response_url or _response_url("commands", team_id),
        "trigger_id": trigger_id or new_trigger_id(),
    }


# ---------------------------------------------------------------- Socket Mode envelopes

# Interactive payloads whose ack may carry a response (errors, a new view, options).
_INTERACTIVE_WITH_RESPONSE = ("view_submission", "block_suggestion")


def socket_envelope(
    type: str,
    payload: dict[str, Any],
    *,
    envelope_id: str | None = None,
    accepts_response_payload: bool = False,
    retry_attempt: int | None = None,
    retry_reason: str | None = None,
) -> dict[str, Any]:
    """What Slack sends down a Socket Mode connection instead of an HTTP
    request. The app acks with {"envelope_id": ..., "payload": ...}."""
    envelope: dict[str, Any] = {
        "envelope_id": envelope_id or str(uuid.uuid4()),
        "payload": payload,
        "type": type,
        "accepts_response_payload": accepts_response_payload,
    }
    if retry_attempt is not None:
        envelope["retry_attempt"] = retry_attempt
        envelope["retry_reason"] = retry_reason or ""
    return envelope


def events_api_envelope(event: dict[str, Any], event_id: str | None = None, *, retry_attempt: int = 0,
                        retry_reason: str = "", envelope_id: str | None = None, **callback: Any) -> dict[str, Any]:
    """An event_callback in an events_api envelope. A first delivery has
    retry_attempt 0 and an empty reason; a redelivery has 1..3 and a reason."""
    body, _ = event_callback(event, event_id=event_id, **callback)
    return socket_envelope("events_api", json.loads(body), envelope_id=envelope_id,
                           retry_attempt=retry_attempt, retry_reason=retry_reason)


def slash_commands_envelope(command: str, text: str, user_id: str, channel_id: str, *,
                            envelope_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return socket_envelope("slash_commands", slash_command_fields(command, text, user_id, channel_id, **fields),
                           envelope_id=envelope_id, accepts_response_payload=True)


def interactive_envelope(payload: dict[str, Any], *, envelope_id: str | None = None) -> dict[str, Any]:
    """Shortcuts, clicks and modal submissions: the parsed JSON that HTTP mode
    sends in the form's payload field."""
    return socket_envelope("interactive", payload, envelope_id=envelope_id,
                           accepts_response_payload=payload.get("type") in _INTERACTIVE_WITH_RESPONSE)


# ---------------------------------------------------------------- a client that sends them

class Response(NamedTuple):
    status: int
    body: str
    headers: dict[str, str]

    def json(self) -> Any:
        return json.loads(self.body)


class SlackClientSim:
    """Sends signed requests to the app the way Slack does.

    ``clock`` gives the request timestamp (seconds); inject the app's clock so
    signatures stay fresh without touching wall-clock time. Every post_* takes
    ``forge=True`` (signed with a wrong secret), ``stale=True`` (timestamp six
    minutes older than the clock) or ``unsigned=True`` (no signature headers).
    """

    STALE_SECONDS = 6 * 60  # Slack's guidance: refuse requests older than five minutes

    def __init__(self, base_url: str, signing_secret: str, *, path: str = "/slack/events",
                 clock: Callable[[], float] = time.time, timeout: float = 10.0) -> None:
        self.url = base_url.rstrip("/") + path
        self.signing_secret = signing_secret
        self.clock = clock
        self.timeout = timeout

    def headers_for(self, body: str, content_type: str, *, forge: bool = False, stale: bool = False,
                    unsigned: bool = False) -> dict[str, str]:
        if unsigned:
            return {"Content-Type": content_type}
        ts = int(self.clock()) - (self.STALE_SECONDS if stale else 0)
        secret = self.signing_secret + "-forged" if forge else self.signing_secret
        return sign(body, secret, ts, content_type)

    def post_raw(self, body: str | bytes, headers: dict[str, str]) -> Response:
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return Response(resp.status, resp.read().decode("utf-8", "replace"), dict(resp.headers.items()))
        except urllib.error.HTTPError as err:
            text = err.read().decode("utf-8", "replace") if err.fp else ""
            return Response(err.code, text, dict(err.headers.items()) if err.headers else {})

    def post(self, body: str, content_type: str, *, extra_headers: dict[str, str] | None = None,
             forge: bool = False, stale: bool = False, unsigned: bool = False) -> Response:
        headers = self.headers_for(body, content_type, forge=forge, stale=stale, unsigned=unsigned)
        headers.update(extra_headers or {})
        return self.post_raw(body, headers)

    def post_event(self, event: dict[str, Any], event_id: str | None = None, retry_num: int | None = None,
                   retry_reason: str | None = None, *, forge: bool = False, stale: bool = False,
                   unsigned: bool = False, **envelope: Any) -> Response:
        """Wrap ``event`` in an event_callback envelope and send it. A redelivery
        carries X-Slack-Retry-Num (1..3) and X-Slack-Retry-Reason."""
        body, ctype = event_callback(event, event_id=event_id, **envelope)
        extra = {}
        if retry_num is not None:
            extra["X-Slack-Retry-Num"] = str(retry_num)
            extra["X-Slack-Retry-Reason"] = retry_reason or "http_timeout"
        return self.post(body, ctype, extra_headers=extra, forge=forge, stale=stale, unsigned=unsigned)

    def post_url_verification(self, challenge: str = "challenge-abc123", **kw: Any) -> Response:
        body, ctype = url_verification(challenge)
        return self.post(body, ctype, **kw)

    def post_form(self, payload: dict[str, Any], **kw: Any) -> Response:
        """An interactivity payload (message_action, block_actions, view_submission, ...)."""
        body, ctype = form_payload(payload)
        return self.post(body, ctype, **kw)

    def post_command(self, command: str, text: str = "", user_id: str = "U1", channel_id: str = "C1", *,
                     forge: bool = False, stale: bool = False, unsigned: bool = False, **fields: Any) -> Response:
        body, ctype = slash_command(command, text, user_id, channel_id, **fields)
        return self.post(body, ctype, forge=forge, stale=stale, unsigned=unsigned)
