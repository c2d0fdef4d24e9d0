"""manifest.yml against the code: what handlers register is declared, and
the scopes are exactly those the Web API methods in use need."""
from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from bot import ids
from bot.slack.gateway import METHODS

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = yaml.safe_load((ROOT / "manifest.yml").read_text())
FACTS = json.loads((ROOT / "tests/fakeslack/methods.json").read_text())["methods"]

# Scopes no Web API method grants but the app needs, and why.
NON_METHOD_SCOPES = {
    "commands": "slash commands and the Flag message shortcut",
    "users:read.email": "users.info returns email, used to recognise employees by email domain",
}
EVENT_SCOPES = {
    "message.channels": "channels:history",
    "message.groups": "groups:history",
}

REGISTRATION = re.compile(r"@app\.(event|command|shortcut|action|view|view_closed)\(\s*([^)]*?)\s*\)")


def _registered() -> dict[str, set]:
    found: dict[str, set] = {k: set() for k in ("event", "command", "shortcut", "action", "view", "view_closed")}
    for path in (ROOT / "handlers").glob("*.py"):
        for kind, arg in REGISTRATION.findall(path.read_text()):
            arg = arg.split(",")[0].strip()
            if arg.startswith("ids."):
                value = getattr(ids, arg[4:])
            elif arg[:1] in "\"'":
                value = arg.strip("\"'")
            elif arg.startswith("re.compile"):
                value = re.search(r"[\"'](.+?)[\"']", arg).group(1)
            else:
                raise AssertionError(f"{path.name}: cannot read registration {arg!r}; use ids.* constants")
            found[kind].add(value)
    return found


def test_every_registered_id_is_in_the_manifest():
    reg = _registered()
    features = MANIFEST["features"]
    shortcuts = {s["callback_id"] for s in features.get("shortcuts", [])}
    commands = {c["command"] for c in features.get("slash_commands", [])}
    events = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
    assert reg["shortcut"] <= shortcuts
    assert reg["command"] <= commands
    for event in reg["event"]:
        if event == "message":
            assert {"message.channels", "message.groups"} <= events
        else:
            assert event in events, event
    for action in reg["action"] | reg["view"] | reg["view_closed"]:
        assert str(action).lstrip("^").startswith(ids.ACTION_PREFIX), action
    # and nothing declared that no listener handles
    assert shortcuts <= reg["shortcut"] | {ids.FLAG_SHORTCUT}
    assert commands == set(ids.COMMANDS)
    declared_events = {e for e in events if not e.startswith("message.")} | ({"message"} if events & set(EVENT_SCOPES) else set())
    assert declared_events == set(ids.EVENTS)
    assert reg["event"] <= set(ids.EVENTS)


def test_flag_shortcut_and_commands_are_declared():
    assert ids.FLAG_SHORTCUT in {s["callback_id"] for s in MANIFEST["features"]["shortcuts"]}
    assert set(ids.COMMANDS) == {c["command"] for c in MANIFEST["features"]["slash_commands"]}


def _needed(kind: str, manifest_scopes: set[str]) -> set[str]:
    """For each method the gateway may call with this token kind, the
    manifest must hold one granting scope; return the ones used."""
    used = set()
    slack_kind = "bot" if kind == "bot" else "user"
    for method, kinds in METHODS.items():
        if kind not in kinds:
            continue
        assert method in FACTS, f"{method} is not a known Web API method"
        granting = set(FACTS[method]["scope"].get(slack_kind, []))
        if not FACTS[method]["scope"]:
            continue
        have = granting & manifest_scopes
        assert have, f"{method} needs one of {sorted(granting)} as a {slack_kind} scope"
        used |= have
    return used


def test_bot_scopes_are_exactly_what_the_code_needs():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["bot"])
    used = _needed("bot", scopes) | set(EVENT_SCOPES.values()) | set(NON_METHOD_SCOPES)
    assert scopes - used == set(), f"scopes nothing uses: {sorted(scopes - used)}"
    assert set(NON_METHOD_SCOPES) <= scopes


def test_user_scopes_are_only_for_the_admin_token_methods():
    scopes = set(MANIFEST["oauth_config"]["scopes"]["user"])
    used = _needed("admin", scopes)
    assert scopes == used
    # least privilege: the admin token may only delete (and identify itself)
    assert {m for m, kinds in METHODS.items() if "admin" in kinds} == {"auth.test", "chat.delete"}


def test_socket_mode_and_interactivity_enabled():
    settings = MANIFEST["settings"]
    assert settings["socket_mode_enabled"] is True
    assert settings["interactivity"]["is_enabled"] is True
