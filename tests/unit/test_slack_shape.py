"""bot.slack.shape: every real-shaped payload passes; a field of the wrong
type is named (Bolt would raise on it, and the server would answer 500)."""
from __future__ import annotations

import json
import urllib.parse

import pytest

from bot import ids
from bot.slack import shape
from tests.fakeslack import payloads as p


def _form(body: str) -> dict:
    fields = dict(urllib.parse.parse_qsl(body))
    return json.loads(fields["payload"]) if "payload" in fields else fields


def _real() -> list[dict]:
    msg = {"type": "message", "user": "UALICE", "text": "hi", "ts": "1700000000.000100"}
    view = p.view_object(ids.VIEW_FLAG, {"reason": {"reason_select": {"type": "static_select", "selected_option": {"value": "spam"}}}},
                         private_metadata="{}")
    bodies = [
        json.loads(p.event_callback(p.message_event("CGENERAL", "UALICE", "hello"))[0]),
        json.loads(p.event_callback(p.member_joined_channel("CGENERAL", "UALICE"))[0]),
        json.loads(p.event_callback(p.team_join(p.user_object("UNEW", "newbie")))[0]),
        p.message_action(ids.FLAG_SHORTCUT, msg, "CGENERAL", "UBOB", trigger_id="1.2"),
        p.block_actions([p.action(ids.ACT_REMOVE, value="1")], "UMOD1", channel="GMODS", message=msg),
        p.view_submission(view, "UBOB"),
        p.view_closed(view, "UBOB"),
        _form(p.slash_command("/guidelines", "privacy", "UALICE", "CGENERAL")[0]),
    ]
    return bodies


def test_every_real_shaped_payload_passes():
    for body in _real():
        assert shape.problem(body) is None, body.get("type")


@pytest.mark.parametrize("path, value, named", [
    (("event",), "message", "event_callback needs an event with a type"),
    (("event", "type"), 5, "an event with a type"),
    (("event", "subtype"), ["x"], "event.subtype"),
    (("actions",), "x", "at least one action"),
    (("actions",), [5], "an action_id on every action"),
    (("actions",), [{"type": "button"}], "an action_id on every action"),
    (("view", "type"), None, "a view with a type and a callback_id"),
    (("actions",), [], "at least one action"),
    (("view",), "x", "needs a view"),
    (("view", "callback_id"), None, "a view with a type and a callback_id"),
    (("view", "private_metadata"), {"a": 1}, "view.private_metadata"),
    (("callback_id",), 7, "callback_id"),
    (("authorizations",), "x", "authorizations"),
    (("container",), "x", "container must be an object or null"),
    (("user",), 5, "user must be"),
])
def test_a_field_of_the_wrong_type_is_named(path, value, named):
    kinds = {"event": "event_callback", "actions": "block_actions", "view": "view_submission",
             "callback_id": "message_action", "authorizations": "event_callback", "container": "block_actions",
             "user": "block_actions"}
    body = next(b for b in _real() if b.get("type") == kinds[path[0]])
    node = body
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    found = shape.problem(body)
    assert found is not None and named in found


def test_not_an_object():
    assert shape.problem([1, 2]) == "the body is not an object"
