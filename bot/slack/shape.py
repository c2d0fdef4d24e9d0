"""Is a signed request body shaped the way Slack shapes it?

Bolt reads ids and types out of a payload with plain indexing (the event's
type, the first action's id, the view's callback id, ...) and raises on a
field of the wrong type, which a WSGI server answers with a 500 and the
inbox would store as an event that fails on every replay. Slack never sends
such bodies; a forger holding the signing secret, a proxy that mangles them
or a bug could. `problem(body)` names the first field of the wrong type, so
the server answers 400 with that name, before anything is stored or run.

Only the fields Bolt and our listeners read are checked, and only their
types: a field Slack adds later passes.
"""
from __future__ import annotations

import json
from typing import Any

_TEXT = (str, type(None))
_REF = (str, dict, type(None))  # an id, or an object carrying one
_BOOL = (bool, str, type(None))  # form-encoded bodies (slash commands) carry "true"/"false"

# Top-level fields: the types each may have.
_TOP = {
    "type": _TEXT, "token": _TEXT, "team_id": _TEXT, "user_id": _TEXT, "enterprise_id": _TEXT,
    "api_app_id": _TEXT, "event_id": _TEXT, "callback_id": _TEXT, "command": _TEXT, "text": _TEXT,
    "trigger_id": _TEXT, "response_url": _TEXT, "action_id": _TEXT, "block_id": _TEXT,
    "context_team_id": _TEXT, "context_enterprise_id": _TEXT,
    "user": _REF, "team": _REF, "channel": _REF, "enterprise": _REF,
    "container": (dict, type(None)), "message": (dict, type(None)), "previous_message": (dict, type(None)),
    "is_ext_shared_channel": _BOOL, "is_enterprise_install": _BOOL,
}
_EVENT = {
    "type": (str,), "subtype": (str,), "bot_id": _TEXT, "user": _REF, "channel": _REF, "team": _REF,
    "user_team": _REF, "ts": _TEXT, "thread_ts": _TEXT, "text": _TEXT, "channel_type": _TEXT,
    "message": (dict, type(None)), "previous_message": (dict, type(None)),
}
_ACTION = {"action_id": _TEXT, "block_id": _TEXT, "type": _TEXT, "value": _TEXT, "name": _TEXT,
           "selected_option": (dict, type(None))}
_VIEW = {"id": _TEXT, "type": _TEXT, "callback_id": _TEXT, "private_metadata": _TEXT, "team_id": _TEXT,
         "app_installed_team_id": _TEXT, "state": (dict, type(None)), "hash": _TEXT}

# Nested fields, checked in this order: (name, a list of objects?, rules for each object).
_NESTED = (("event", False, _EVENT), ("authorizations", True, {}), ("actions", True, _ACTION), ("view", False, _VIEW))


def _is_view(view: Any) -> bool:
    return isinstance(view, dict) and isinstance(view.get("type"), str) and isinstance(view.get("callback_id"), str)


# What each payload type cannot do without (Bolt indexes these directly).
_NEEDS = {
    "event_callback": ((lambda b: isinstance(b.get("event"), dict) and isinstance(b["event"].get("type"), str),
                        "an event with a type"),),
    "block_actions": ((lambda b: isinstance(b.get("actions"), list) and len(b["actions"]) > 0, "at least one action"),
                      (lambda b: all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in b["actions"]),
                       "an action_id on every action")),
    "view_submission": ((lambda b: _is_view(b.get("view")), "a view with a type and a callback_id"),),
    "view_closed": ((lambda b: _is_view(b.get("view")), "a view with a type and a callback_id"),),
    "shortcut": ((lambda b: isinstance(b.get("callback_id"), str), "a callback_id"),),
    "message_action": ((lambda b: isinstance(b.get("callback_id"), str), "a callback_id"),),
}


def _names(value: tuple) -> str:
    words = {str: "a string", dict: "an object", list: "a list", bool: "true or false", type(None): "null"}
    return " or ".join(words.get(t, t.__name__) for t in value)


def _check(obj: dict, rules: dict, where: str) -> str | None:
    for key, allowed in rules.items():
        if key in obj and not isinstance(obj[key], allowed):
            return f"{where}{key} must be {_names(allowed)}"
    return None


def problem(body: Any) -> str | None:
    """None if the body's known fields have Slack's types, else what is wrong."""
    if not isinstance(body, dict):
        return "the body is not an object"
    found = _check(body, _TOP, "")
    if found:
        return found
    kind = body.get("type")
    for needed, what in _NEEDS.get(kind, ()):
        if not needed(body):
            return f"a payload of type {kind} needs {what}"
    for name, is_list, rules in _NESTED:
        if name not in body:
            continue
        value = body[name]
        items = value if is_list else [value]
        if not isinstance(value, list if is_list else dict) or not all(isinstance(x, dict) for x in items):
            return f"{name} must be {'a list of objects' if is_list else 'an object'}"
        for i, obj in enumerate(items):
            found = _check(obj, rules, f"{name}[{i}]." if is_list else f"{name}.")
            if found:
                return found
    try:
        # JSON can spell a lone surrogate ("\ud800"), which is not Unicode:
        # SQLite, logs and Slack would all refuse it later.
        json.dumps(body, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return "a string holds a lone surrogate, which is not valid Unicode"
    return None
