"""Slack redelivers: twice, three times, out of order, concurrently. Each
message still gives exactly one case, one card and one removal."""
from __future__ import annotations

import random
import threading

from tests.fakeslack.payloads import message_event
from tests.harness import GENERAL, MOD_CHANNEL

TEXTS = [
    ("UALICE", "my card is 4111 1111 1111 1111 exp 09/29"),
    ("UBOB", "I will find where you live and kill you"),
    ("UCAROL", "deploy with xoxb-204813774526-120938475610-qwpl3kd9xr2mzt8vbn1yhs0e"),
    ("UDAVE", "has anyone tried the new export button?"),
]


def test_redeliveries_out_of_order_and_concurrent_act_once(bench):
    deliveries = []
    for n, (user, text) in enumerate(TEXTS):
        ts = bench.fake.add_message(GENERAL, user, text)
        ev = message_event(GENERAL, user, text, ts=ts)
        for retry in (None, 1, 2):  # first delivery and two retries of each
            deliveries.append((f"EvDUP{n}", ev, retry))
    random.Random(3).shuffle(deliveries)  # retries may arrive before the first try
    statuses = []

    def send(batch):
        for event_id, ev, retry in batch:
            statuses.append(bench.event(ev, event_id=event_id, retry_num=retry).status)

    threads = [threading.Thread(target=send, args=(deliveries[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    bench.settle()
    assert statuses == [200] * len(deliveries)

    db = bench.rt.store.db
    assert db.execute("SELECT count(*), sum(deliveries) FROM events WHERE event_id LIKE 'EvDUP%'").fetchone() == (4, 12)
    cases = db.execute("SELECT channel, ts FROM cases").fetchall()
    assert len(cases) == len(set(cases)) == 3  # the question opens no case
    cards = [m for m in bench.fake.messages(MOD_CHANNEL, include_replies=False) if "Case #" in str(m.get("text"))]
    assert len(cards) == 3
    deletes = [c for c in bench.fake.calls_to("chat.delete") if c.ok]
    assert len(deletes) == len({c.args["ts"] for c in deletes})  # never the same message twice
