"""The listeners' payload readers: a signed payload with an odd shape (a
string or a list where Slack documents an object, a missing field) gives
"nothing there", never an exception and never a value of the wrong type.
The odd shapes below are the ones bench/fuzz.py found raising."""
from __future__ import annotations

import pytest

from bot import ids
from bot.slack.blocks import case_forms as forms
from handlers import actions, shortcuts, views

CLICK = {
    "type": "block_actions", "user": {"id": "U2"}, "trigger_id": "1.2.3",
    "container": {"type": "message", "channel_id": "CMOD", "message_ts": "1700000000.000200"},
    "channel": {"id": "CMOD"}, "actions": [{"action_id": ids.ACT_REMOVE, "value": "42"}],
}


def test_to_click_reads_a_real_click():
    click = actions.to_click(CLICK, CLICK["actions"][0])
    assert (click.user, click.channel, click.message_ts, click.value, click.trigger_id) == \
        ("U2", "CMOD", "1700000000.000200", "42", "1.2.3")
    menu = actions.to_click(CLICK, {"action_id": ids.ACT_MORE, "selected_option": {"value": "escalate"}})
    assert menu.value == "escalate"


@pytest.mark.parametrize("odd", [
    {"container": "zzz"}, {"container": ["CMOD"]}, {"user": "U2"}, {"user": ["U2"]}, {"user": {"id": 7}},
    {"channel": "CMOD", "container": {}}, {"trigger_id": 12}, {"trigger_id": None},
])
def test_to_click_survives_odd_shapes(odd):
    click = actions.to_click({**CLICK, **odd}, {"action_id": ids.ACT_REMOVE, "value": ["42"],
                                                 "selected_option": "escalate"})
    assert isinstance(click.user, str)
    assert click.value is None
    for field in (click.channel, click.message_ts, click.trigger_id):
        assert field is None or isinstance(field, str)


def _view(state, meta="42") -> dict:
    return {"id": "V1", "callback_id": ids.VIEW_WARN, "private_metadata": meta, "state": state}


def test_view_readers_read_a_real_submission():
    view = _view({"values": {
        forms.B_GUIDELINE: {forms.A_GUIDELINE: {"selected_option": {"value": "vulgar"}}},
        forms.B_MESSAGE: {forms.A_MESSAGE: {"value": "please"}},
        forms.B_OPTIONS: {forms.A_OPTIONS: {"selected_options": [{"value": forms.OPT_REMOVE}, {"value": "kick"}]}},
    }})
    assert views._value(view, forms.B_GUIDELINE, forms.A_GUIDELINE) == "vulgar"
    assert views._value(view, forms.B_MESSAGE, forms.A_MESSAGE) == "please"
    assert views._checked(view, forms.B_OPTIONS, forms.A_OPTIONS) == {forms.OPT_REMOVE, "kick"}
    assert views._metadata(view) == "42"
    assert views._user({"user": {"id": "U2"}}) == "U2"


@pytest.mark.parametrize("state", [
    "values", ["x"], {"values": "x"}, {"values": {forms.B_OPTIONS: "x"}},
    {"values": {forms.B_OPTIONS: {forms.A_OPTIONS: "x"}}},
    {"values": {forms.B_OPTIONS: {forms.A_OPTIONS: {"selected_options": "remove"}}}},
    # an unhashable value used to end in "TypeError: unhashable type"
    {"values": {forms.B_OPTIONS: {forms.A_OPTIONS: {"selected_options": [{"value": []}, {"value": {}}]}}}},
    {"values": {forms.B_MESSAGE: {forms.A_MESSAGE: {"selected_option": {"value": 5}, "value": ["x"]}}}},
])
def test_view_readers_survive_odd_shapes(state):
    view = _view(state, meta={"case": 1})
    assert views._value(view, forms.B_MESSAGE, forms.A_MESSAGE) is None
    assert views._checked(view, forms.B_OPTIONS, forms.A_OPTIONS) == set()
    assert views._metadata(view) == ""
    assert views._user({"user": "U2"}) == "" and views._user({"user": {"id": ["U2"]}}) == ""


def test_flag_shortcut_reader():
    body = {"type": "message_action", "callback_id": ids.FLAG_SHORTCUT, "trigger_id": "1.2.3",
            "user": {"id": "U1"}, "channel": {"id": "C1"}, "message": {"ts": "1.2", "text": "hi"}}
    assert shortcuts.to_flag_request(body) == ("U1", "C1", {"ts": "1.2", "text": "hi"}, "1.2.3")
    assert shortcuts.to_flag_request({**body, "message": "hi"})[2] == {}
    # A modal needs a trigger_id: without one (or with a number) there is nothing to open.
    for odd in ({"trigger_id": None}, {"trigger_id": 5}, {"channel": "C1"}, {"user": ["U1"]}, {"channel": {}}):
        assert shortcuts.to_flag_request({**body, **odd}) is None
