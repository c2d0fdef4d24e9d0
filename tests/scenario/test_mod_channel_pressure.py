"""The moderator channel under pressure: with the fake Slack enforcing
Slack's per-channel posting rate (in the test's fake time), a flood of 1,000
messages from six members mixed with 20 real violations still gets every
violation's card posted within 10 s of its delivery: the flood is six cases,
the severe cards go first, and a digest stands for the waiting rest."""
from __future__ import annotations

import pytest

from bot.clock import FakeClock
from storage import cases as cases_db
from tests.fakeslack.server import FakeSlack
from tests.harness import GENERAL, HELP, MOD_CHANNEL, populate, start_bench

FLOODERS = ("UALICE", "UBOB", "UCAROL", "UDAVE", "UERIN", "UFRANK")
VIOLATORS = tuple(f"UV{i:02d}" for i in range(20))
VIOLATIONS = (
    "I will find where you live and kill you",
    "my card is 4111 1111 1111 1111 exp 09/29, can someone test the checkout?",
)
SECONDS = 20
FLOOD_PER_SECOND = 50  # 1,000 in all


@pytest.fixture
def pressured(tmp_path):
    clock = FakeClock(1_790_000_000.0)
    fake = FakeSlack(rate_clock=clock.now, post_rate=1.0, post_burst=4)
    populate(fake)
    for uid in ("UERIN", "UFRANK", *VIOLATORS):
        fake.add_user(uid, uid.lower(), real_name=uid.title())
        for ch in (GENERAL, HELP):
            fake.channels[ch]["members"].append(uid)
    fake.start()
    bench = start_bench(fake, tmp_path / "modbot.db", clock=clock, pace_clock=clock.now,
                        config={"moderation": {"digest_after": 1}})
    yield bench
    bench.close()
    fake.stop()


def test_a_1000_message_flood_does_not_delay_real_violations_past_10_seconds(pressured):
    bench = pressured
    sent = 0
    violation_ts = []
    for second in range(SECONDS):
        for i in range(FLOOD_PER_SECOND):
            user = FLOODERS[sent % len(FLOODERS)]
            bench.say(user, f"Join my trading group for guaranteed daily returns ({sent})",
                      channel=(GENERAL, HELP)[sent % 2])
            sent += 1
            if i == FLOOD_PER_SECOND // 2:  # mid-second, among the flood
                text = VIOLATIONS[second % len(VIOLATIONS)]
                violation_ts.append((bench.say(VIOLATORS[second], text), bench.clock.now()))
        bench.settle(timeout=60)
        bench.clock.advance(1.0)
    for _ in range(30):  # the flood is over: let the rest go out at Slack's rate
        bench.settle(timeout=60)
        bench.clock.advance(1.0)
    bench.settle(timeout=60)

    db = bench.rt.store.db
    assert sent == 1000
    # Slack's rate was enforced: some posts were refused and then made.
    refused = [c for c in bench.fake.calls_to("chat.postMessage") if c.status == 429]
    assert refused and all(c.args.get("channel") == MOD_CHANNEL for c in refused)
    # Every violation: a case of its own, its card posted within 10 fake seconds of delivery.
    violation_posted = []
    for ts, delivered in violation_ts:
        case = cases_db.for_message(db, channel=GENERAL, ts=ts)
        assert case is not None and case.kind == "message" and case.severity in ("high", "critical")
        posted = db.execute("SELECT done_at FROM outbox WHERE key = ? AND status = 'done'",
                            [f"card:{case.id}"]).fetchone()
        assert posted is not None and posted[0] - delivered <= 10.0, (case.id, posted, delivered)
        violation_posted.append(posted[0])
    # The flood: one case per member, each with one card in the end.
    floods = [r[0] for r in db.execute("SELECT author FROM cases WHERE kind = 'flood' ORDER BY author")]
    assert floods == sorted(FLOODERS)
    posts = [c for c in bench.fake.calls_to("chat.postMessage") if c.ok and c.args.get("channel") == MOD_CHANNEL]
    cards = [c for c in posts if "Case #" in (c.args.get("text") or "")]
    assert len(cards) == len(FLOODERS) + len(VIOLATORS)
    # Each flood card waited behind the violations or went out in the first burst; none was refused for good.
    flood_cards = db.execute("SELECT attempts FROM outbox o JOIN cases c ON o.case_id = c.id"
                             " WHERE o.purpose = 'card_post' AND c.kind = 'flood' AND o.status = 'done'").fetchall()
    assert len(flood_cards) == len(FLOODERS) and all(a == 1 for (a,) in flood_cards)
    # The order, not the speed: flood cards that missed the first burst waited until no severe card was waiting.
    flood_posted = [r[0] for r in db.execute(
        "SELECT o.done_at FROM outbox o JOIN cases c ON o.case_id = c.id WHERE o.purpose = 'card_post'"
        " AND c.kind = 'flood' AND o.done_at > c.created_at")]
    assert flood_posted and min(flood_posted) > max(violation_posted)
    # The flood's cards waited behind the violations: a digest said so (one
    # per spell of waiting), and each says none waits now.
    digests = [c for c in posts if "low-severity" in (c.args.get("text") or "")]
    assert digests
    for posted in digests:
        assert "No low-severity cases waiting" in bench.fake.find_message(MOD_CHANNEL, posted.response["ts"])["text"]
