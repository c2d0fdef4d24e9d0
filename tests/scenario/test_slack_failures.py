"""The Web API failing: 429 and 5xx are retried by slack-sdk's handlers, and
for longer outages the outbox keeps the call until it goes through, once."""
from __future__ import annotations

from storage import outbox as outbox_db
from tests.harness import MOD_CHANNEL


def _posts(fake, text):
    return [m for m in fake.messages(MOD_CHANNEL) if m.get("text") == text]


def _claimed(make_bench, key: str, text: str):
    """A bench (no workers) with a chat.postMessage in the outbox that the
    process has claimed, as it does just before making the call."""
    bench = make_bench(workers=False)
    item, _ = bench.rt.gateway.enqueue(key=key, method="chat.postMessage", args={"channel": MOD_CHANNEL, "text": text})
    assert outbox_db.claim(bench.rt.store.db, item.id, now=bench.clock.now())
    return bench, bench.rt.gateway, bench.rt.store.db


def test_a_429_is_retried_after_retry_after_and_the_call_completes(bench):
    bench.fake.fail("chat.postMessage", status=429, times=1, retry_after=0)
    bench.rt.gateway.enqueue(key="t:429", method="chat.postMessage", args={"channel": MOD_CHANNEL, "text": "after a 429"})
    bench.settle()
    assert len(_posts(bench.fake, "after a 429")) == 1
    statuses = [c.status for c in bench.fake.calls_to("chat.postMessage")]
    assert statuses[:2] == [429, 200]
    assert outbox_db.get(bench.rt.store.db, "t:429").status == "done"


def test_a_500_is_retried_and_the_call_completes(bench):
    bench.fake.fail("chat.postMessage", status=500, times=1)
    bench.rt.gateway.enqueue(key="t:500", method="chat.postMessage", args={"channel": MOD_CHANNEL, "text": "after a 500"})
    bench.settle()
    assert len(_posts(bench.fake, "after a 500")) == 1


def test_an_outage_longer_than_the_retries_waits_in_the_outbox(make_bench):
    bench = make_bench(client_retries=1)
    bench.fake.fail("chat.postMessage", status=503, times=2)
    bench.rt.gateway.enqueue(key="t:outage", method="chat.postMessage", args={"channel": MOD_CHANNEL, "text": "eventually"})
    bench.settle()
    item = outbox_db.get(bench.rt.store.db, "t:outage")
    assert item.status == "pending" and _posts(bench.fake, "eventually") == []
    bench.clock.advance(60)
    bench.settle()
    assert outbox_db.get(bench.rt.store.db, "t:outage").status == "done"
    assert len(_posts(bench.fake, "eventually")) == 1


def test_enqueueing_the_same_intent_twice_makes_one_call(bench):
    for _ in range(3):
        bench.rt.gateway.enqueue(key="t:once", method="chat.postMessage", args={"channel": MOD_CHANNEL, "text": "only once"})
    bench.settle()
    assert len(_posts(bench.fake, "only once")) == 1


def test_a_call_interrupted_after_slack_took_it_is_not_made_again(make_bench):
    # The process claimed the row and Slack posted the message, then the
    # process died before recording the result.
    bench, gw, db = _claimed(make_bench, "t:crash", "posted before the crash")
    gw.call("chat.postMessage", **outbox_db.get(db, "t:crash").args)
    bench.clock.advance(120)
    gw.drain()
    assert len(_posts(bench.fake, "posted before the crash")) == 1
    done = outbox_db.get(db, "t:crash")
    assert done.status == "done" and done.result.get("recovered") is True


def test_a_call_interrupted_before_slack_took_it_is_made_once(make_bench):
    bench, gw, db = _claimed(make_bench, "t:crash2", "never got there")
    bench.clock.advance(120)
    gw.drain()  # finds nothing posted: re-queues
    gw.drain()  # makes the call
    assert len(_posts(bench.fake, "never got there")) == 1
    assert outbox_db.get(db, "t:crash2").status == "done"


def test_a_final_error_is_recorded_not_retried(bench):
    bench.rt.gateway.enqueue(key="t:nochan", method="chat.postMessage", args={"channel": "CNOPE", "text": "lost?"})
    bench.settle()
    item = outbox_db.get(bench.rt.store.db, "t:nochan")
    assert item.status == "failed" and item.error == "channel_not_found"
    assert outbox_db.requeue(bench.rt.store.db, item.id, now=bench.clock.now())
