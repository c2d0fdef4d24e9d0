"""The skeleton's contract with Slack's Events API, end to end over HTTP."""
from __future__ import annotations

import json

from storage import events as events_db
from storage import messages as messages_db
from tests.fakeslack.payloads import bot_message, message_changed, message_event
from tests.harness import GENERAL


def test_url_verification_is_answered(bench):
    resp = bench.client.post_url_verification("challenge-xyz")
    assert resp.status == 200
    assert "challenge-xyz" in resp.body


def test_message_is_stored_before_ack_and_processed(bench):
    ts = bench.say("UALICE", "hello everyone")
    bench.settle()
    stored = messages_db.get(bench.rt.store.db, channel=GENERAL, ts=ts)
    assert stored is not None and stored.text == "hello everyone"


def test_retried_event_is_acknowledged_and_processed_once(bench):
    ts = bench.fake.add_message(GENERAL, "UBOB", "first try")
    ev = message_event(GENERAL, "UBOB", "first try", ts=ts)
    seen = []
    bench.rt.services.messages.subscribe("probe", lambda m: seen.append(m.ts))
    first = bench.event(ev, event_id="EvRETRY1")
    again = bench.event(ev, event_id="EvRETRY1", retry_num=1, retry_reason="http_timeout")
    third = bench.event(ev, event_id="EvRETRY1", retry_num=2, retry_reason="http_timeout")
    assert (first.status, again.status, third.status) == (200, 200, 200)
    bench.settle()
    assert seen == [ts]
    status = events_db.event_status(bench.rt.store.db, "EvRETRY1")
    assert status["deliveries"] == 3 and status["status"] == "done"


def test_redelivery_after_restart_is_still_skipped(fake_slack, tmp_path):
    from tests.harness import start_bench

    db_path = tmp_path / "restart.db"
    first = start_bench(fake_slack, db_path)
    ts = fake_slack.add_message(GENERAL, "UBOB", "before restart")
    first.event(message_event(GENERAL, "UBOB", "before restart", ts=ts), event_id="EvRESTART")
    first.settle()
    first.close()
    second = start_bench(fake_slack, db_path)
    try:
        seen = []
        second.rt.services.messages.subscribe("probe", lambda m: seen.append(m.ts))
        resp = second.event(message_event(GENERAL, "UBOB", "before restart", ts=ts), event_id="EvRESTART", retry_num=1)
        assert resp.status == 200
        second.settle()
        assert seen == []
        assert events_db.event_status(second.rt.store.db, "EvRESTART")["deliveries"] == 2
    finally:
        second.close()


def test_unsigned_forged_and_stale_requests_are_refused(bench):
    ev = message_event(GENERAL, "UALICE", "sneaky", ts="1700000000.000100")
    for kw in ({"unsigned": True}, {"forge": True}, {"stale": True}):
        resp = bench.client.post_event(ev, event_id="EvBAD", **kw)
        assert resp.status == 401, kw
    assert events_db.event_status(bench.rt.store.db, "EvBAD") is None
    # the process is alive and still serves good requests
    assert bench.client.post_url_verification("still-here").status == 200


def test_bot_messages_are_ignored(bench):
    seen = []
    bench.rt.services.messages.subscribe("probe", lambda m: seen.append(m.ts))
    own = message_event(GENERAL, bench.fake.bot_user_id, "I am the bot", ts=bench.fake.add_message(GENERAL, bench.fake.bot_user_id, "I am the bot"))
    own["bot_id"] = bench.fake.bot_id
    other = bot_message(GENERAL, "another bot says hi", bot_id="BOTHER")
    assert bench.event(own).status == 200
    assert bench.event(other).status == 200
    bench.settle()
    assert seen == []


def test_message_changed_reaches_its_handler(bench):
    ts = bench.say("UCAROL", "original words")
    bench.settle()
    seen = []
    bench.rt.services.messages.subscribe("probe", lambda m: seen.append((m.kind, m.text, m.previous_text)))
    ev = message_changed(GENERAL, "UCAROL", "original words", "edited words", ts)
    assert bench.event(ev).status == 200
    bench.settle()
    assert seen == [("edited", "edited words", "original words")]
    stored = messages_db.get(bench.rt.store.db, channel=GENERAL, ts=ts)
    assert stored.text == "edited words" and stored.edits[0]["text"] == "original words"


def test_every_message_subtype_is_acknowledged(bench):
    for subtype in ("channel_join", "channel_topic", "pinned_item", "file_share", "thread_broadcast", "me_message", "something_new"):
        ev = message_event(GENERAL, "UDAVE", f"subtype {subtype}", ts=bench.fake.next_ts(), subtype=subtype)
        assert bench.event(ev).status == 200
    bench.settle()
    counts = events_db.count_by_status(bench.rt.store.db)
    assert counts.get("failed", 0) == 0 and counts.get("pending", 0) == 0


def test_malformed_event_callback_gets_a_clear_400(bench):
    body = json.dumps({"type": "event_callback", "event_id": "EvMAL", "event": "not an object"})
    resp = bench.client.post(body, "application/json")
    assert resp.status == 400
    assert bench.client.post("{not json", "application/json").status in (400, 404)
    assert bench.client.post_url_verification("alive").status == 200


def test_healthz_answers_only_status_and_database(bench):
    import urllib.request

    bench.say("UALICE", "a message, so there is a backlog to leak")
    with urllib.request.urlopen(bench.base_url + "/healthz", timeout=5) as resp:
        data = json.loads(resp.read())
        assert resp.status == 200
    # Open to anyone: no version, no backlog sizes.
    assert data == {"status": "ok", "database": True}
