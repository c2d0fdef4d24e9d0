"""Hostile and malformed requests: each gets a clear 4xx or is acknowledged
and ignored; nothing crashes the process or is written twice."""
from __future__ import annotations

import json
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from handlers.messages import to_seen_message
from storage import events as events_db

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=10), inner, max_size=6),
    max_leaves=30,
)
MESSAGE_KEYS = st.sampled_from(["type", "subtype", "channel", "user", "text", "ts", "thread_ts", "message", "previous_message", "files", "attachments", "bot_id", "deleted_ts"])
EVENTISH = st.dictionaries(MESSAGE_KEYS, JSON, max_size=10)


@given(EVENTISH)
@settings(max_examples=300, deadline=None)
def test_message_parsing_never_raises(event):
    seen = to_seen_message(event)
    if seen is not None:
        assert isinstance(seen.text, str) and isinstance(seen.ts, str)


@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_signed_garbage_gets_a_4xx_or_a_harmless_200(shared_bench, raw):
    for ctype in ("application/json", "application/x-www-form-urlencoded"):
        headers = shared_bench.client.headers_for(raw.decode("utf-8", "replace"), ctype)
        resp = shared_bench.client.post_raw(raw.decode("utf-8", "replace"), headers)
        assert resp.status in (200, 400, 401, 404), (raw, resp)


@given(EVENTISH)
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_signed_event_callbacks_with_odd_events_are_stored_once(shared_bench, event):
    event = {**event, "type": "message"}
    body = json.dumps({"type": "event_callback", "event_id": "EvODD", "team_id": "T1", "event": event})
    resp = shared_bench.client.post(body, "application/json")
    # 400 when Bolt could not even read it; otherwise acknowledged (and
    # stored under its event_id once, however often it comes)
    assert resp.status in (200, 400), resp
    rows = shared_bench.rt.store.db.execute("SELECT count(*) FROM events WHERE event_id = 'EvODD'").fetchone()[0]
    assert rows <= 1


def test_odd_events_did_not_break_processing(shared_bench):
    shared_bench.settle()
    counts = events_db.count_by_status(shared_bench.rt.store.db)
    assert counts.get("pending", 0) == 0
    assert shared_bench.client.post_url_verification("alive").status == 200


def test_a_40000_character_message_is_accepted_and_processed(shared_bench):
    text = ("word " * 8000)[:40_000]
    ts = shared_bench.say("UALICE", text)
    shared_bench.settle()
    row = shared_bench.rt.store.db.execute("SELECT length(text) FROM messages WHERE ts = ?", [ts]).fetchone()
    assert row == (40_000,)


def test_oversized_body_is_refused(shared_bench):
    body = json.dumps({"type": "event_callback", "event_id": "EvHUGE", "event": {"type": "message", "text": "x" * 2_000_000}})
    try:
        resp = shared_bench.client.post(body, "application/json")
        assert resp.status in (400, 413)
    except OSError:
        pass  # waitress may close the connection on an over-limit body
    assert events_db.event_status(shared_bench.rt.store.db, "EvHUGE") is None
    assert shared_bench.client.post_url_verification("alive").status == 200


@pytest.mark.parametrize("raw, ctype", [
    ("{not json", "application/json"),
    ("[1, 2, 3]", "application/json"),
    ('"a string"', "application/json"),
    ("payload=%7Bbroken", "application/x-www-form-urlencoded"),
    # Readable, but with fields Bolt indexes of the wrong type: Bolt itself
    # would raise on these (a 500).
    ("payload=" + urllib.parse.quote(json.dumps({"type": "block_actions", "user": {"id": "UALICE"}, "actions": "x"})),
     "application/x-www-form-urlencoded"),
    ("payload=" + urllib.parse.quote(json.dumps({"type": "view_submission", "user": {"id": "UALICE"}, "view": "x"})),
     "application/x-www-form-urlencoded"),
    (json.dumps({"type": "event_callback", "event_id": "EvBAD", "event": {"type": "message", "subtype": ["x"]}}),
     "application/json"),
    ('{"type": "event_callback", "event_id": "EvNULL", "event": null}', "application/json"),
    ('{"type": "event_callback", "event_id": "EvSUR", "event": {"type": "message", "text": "\\ud800"}}',
     "application/json"),
])
def test_a_signed_body_bolt_cannot_read_gets_a_400_that_says_so(shared_bench, raw, ctype):
    resp = shared_bench.client.post_raw(raw, shared_bench.client.headers_for(raw, ctype))
    assert resp.status == 400 and "malformed Slack payload" in resp.body


def test_the_same_body_unsigned_or_forged_gets_a_401(shared_bench):
    raw = "{not json"
    for how in ({"forge": True}, {"unsigned": True}, {"stale": True}):
        resp = shared_bench.client.post_raw(raw, shared_bench.client.headers_for(raw, "application/json", **how))
        assert resp.status == 401, how


def test_a_body_that_is_not_utf8_gets_a_4xx_not_a_500(shared_bench):
    raw = b'{"type": "event_callback", "event": {"type": "message", "text": "\xff\xfe"}}'
    headers = shared_bench.client.headers_for(raw.decode("latin-1"), "application/json", unsigned=True)
    assert shared_bench.client.post_raw(raw, headers).status == 401
    # Signed over the same bytes: a 400 that says why.
    import hashlib
    import hmac
    ts = str(int(shared_bench.client.clock()))
    sig = "v0=" + hmac.new(shared_bench.client.signing_secret.encode(), b"v0:" + ts.encode() + b":" + raw,
                           hashlib.sha256).hexdigest()
    resp = shared_bench.client.post_raw(raw, {"Content-Type": "application/json", "X-Slack-Request-Timestamp": ts,
                                              "X-Slack-Signature": sig})
    assert resp.status == 400 and "not UTF-8" in resp.body
