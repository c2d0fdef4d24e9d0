"""A call whose fate must be checked at Slack first (interrupted by a crash,
or handed back by Retry) while Slack cannot answer is checked again after a
back-off, not on every drain pass."""
from __future__ import annotations

from storage import outbox as outbox_db
from tests.harness import MOD_CHANNEL


def test_an_unanswerable_check_backs_off_then_completes_once(make_bench):
    bench = make_bench(workers=False, client_retries=0)
    gw, db = bench.rt.gateway, bench.rt.store.db
    item, _ = gw.enqueue(key="t:check", method="chat.postMessage", args={"channel": MOD_CHANNEL, "text": "checked first"})
    assert outbox_db.claim(db, item.id, now=bench.clock.now())
    db.execute("UPDATE outbox SET status = 'failed', error = 'http_503' WHERE id = ?", [item.id])
    assert outbox_db.requeue(db, item.id, now=bench.clock.now())  # what Retry does

    bench.fake.fail("conversations.history", status=503, times=1)
    for _ in range(5):
        gw.drain()
    assert len(bench.fake.calls_to("conversations.history")) == 1
    row = outbox_db.get(db, "t:check")
    assert row.status == "inflight" and row.next_attempt_at > bench.clock.now()

    bench.clock.advance(60)
    gw.drain()
    gw.drain()
    assert len(bench.fake.calls_to("conversations.history")) == 2
    assert outbox_db.get(db, "t:check").status == "done"
    assert len([m for m in bench.fake.messages(MOD_CHANNEL) if m.get("text") == "checked first"]) == 1
