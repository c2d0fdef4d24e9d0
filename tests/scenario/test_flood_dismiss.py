"""Dismissing a flood case: the moderator says the flood is not a problem.

What the bot had queued to answer the flood (removals it had not made yet,
the DM telling the author why) is cancelled, for good, restarts included;
slow mode ends; what was already removed stays removed (Slack cannot
restore a deleted message) and the card says both. The dismissed flood no
longer counts against the author: their next messages are not answered as
a continuation of it, though a new flood after the dismissal is a new case.
"""
from __future__ import annotations

import pytest

from bot import ids
from bot.clock import FakeClock
from bot.services.cases.floods import CARD_GATHER_S
from bot.slack.effects import Kind
from storage import cases as cases_db
from storage import outbox as outbox_db
from tests.fakeslack.payloads import message_event
from tests.harness import GENERAL, start_bench
from tests.scenario.moderation_steps import card_state, click, flag

SPAM = "Join my trading group for guaranteed daily returns, message me now"


def _post_at(bench, user: str, text: str, at: float, *, channel: str = GENERAL) -> str:
    """A member posts at Slack time `at` (seconds)."""
    ts = bench.fake.add_message(channel, user, text, ts=f"{at:.6f}")
    assert bench.event(message_event(channel, user, text, ts=ts)).status == 200
    return ts


def _deleted(fake) -> set[str]:
    return {c.args["ts"] for c in fake.calls_to("chat.delete") if c.ok}


def _gathered(bench) -> None:
    """A flood card's update gathers changes for CARD_GATHER_S: let it go."""
    bench.settle()
    bench.clock.advance(CARD_GATHER_S)
    bench.settle()


def _cases(bench) -> list[cases_db.Case]:
    db = bench.rt.store.db
    return [cases_db.get(db, r[0]) for r in db.execute("SELECT id FROM cases ORDER BY id")]


def _flood_deletes(bench, case_id: int) -> list[outbox_db.OutboxItem]:
    return [i for i in outbox_db.for_case(bench.rt.store.db, case_id) if i.purpose == Kind.FLOOD_DELETE.value]


# Under slow mode (5 a minute) the 14th message of the burst is the first
# removed; under "remove" every message after the 9th (which opens the case).
FIRST_REMOVED = {"remove": 9, "slow_mode": 13}


@pytest.mark.parametrize("response", ["remove", "slow_mode"])
def test_dismiss_cancels_the_floods_queued_removals_for_good_and_the_card_says_so(make_bench, fake_slack, response):
    config = {"moderation": {"flood_response": response, "flood_slow_mode_per_minute": 5}}
    bench = make_bench(client_retries=0, config=config)
    t0 = bench.clock.now()
    # 16 messages in 16 s while Slack takes every deletion...
    burst = [_post_at(bench, "UBOB", f"{SPAM} ({i})", t0 + i) for i in range(16)]
    _gathered(bench)
    [case] = _cases(bench)
    removed_before = set(burst[FIRST_REMOVED[response]:])
    assert _deleted(fake_slack) == removed_before
    # ...then 4 more while Slack answers chat.delete with a 503: their
    # removals wait in the outbox for their next try.
    fake_slack.fail("chat.delete", status=503, times=4)
    queued = [_post_at(bench, "UBOB", f"{SPAM} ({i})", t0 + i) for i in range(16, 20)]
    _gathered(bench)
    waiting = [i for i in _flood_deletes(bench, case.id) if i.status == "pending"]
    assert sorted(i.args["ts"] for i in waiting) == sorted(queued)

    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    _gathered(bench)

    cancelled = [i for i in _flood_deletes(bench, case.id) if i.status == "cancelled"]
    assert sorted(i.args["ts"] for i in cancelled) == sorted(queued)
    db = bench.rt.store.db
    reasons = {r[0] for r in db.execute("SELECT cancelled_why FROM outbox WHERE purpose = ? AND status = 'cancelled'",
                                        [Kind.FLOOD_DELETE.value])}
    assert reasons == {f"case #{case.id} dismissed by UMOD1"}
    # The messages whose removal was cancelled are the flood's, kept.
    assert {ts for _, ts, _ in cases_db.group_messages(db, case.id, removed=True)} == removed_before
    state = card_state(bench, case.id)
    assert f"Dismissed by <@UMOD1>; 4 queued removals cancelled" in state
    assert (f"{len(removed_before)} of the flood's messages were removed before that and stay removed "
            "(Slack cannot restore a deleted message)") in state
    assert "no action taken" not in state and "Pending" not in state
    assert ("Slow mode for <@UBOB> ended." in state) == (response == "slow_mode")

    # Long after the retries were due, and after a restart, the cancelled
    # removals are never made.
    bench.clock.advance(3600)
    bench.settle()
    db_path = bench.rt.settings.modbot_db
    bench.close()
    again = start_bench(fake_slack, db_path, config=config, client_retries=0, clock=FakeClock(t0 + 7200))
    try:
        again.settle()
        assert _deleted(fake_slack) == removed_before
        assert all(fake_slack.find_message(GENERAL, ts) is not None for ts in queued)
    finally:
        again.close()


def test_after_a_dismissal_the_authors_next_messages_are_not_answered_as_that_flood(make_bench, fake_slack):
    bench = make_bench(config={"moderation": {"flood_response": "remove"}})
    t0 = bench.clock.now()
    burst = [_post_at(bench, "UBOB", f"{SPAM} ({i})", t0 + i) for i in range(12)]
    _gathered(bench)
    [case] = _cases(bench)
    assert _deleted(fake_slack) == set(burst[9:])
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    _gathered(bench)

    # Within the same minute Bob goes on; the moderator said the flood was
    # fine, so these are not the flood's excess: no new case, none removed.
    after = [_post_at(bench, "UBOB", f"sorry, one more detail about the release notes {i}", t0 + 13 + i)
             for i in range(4)]
    _gathered(bench)
    assert [c.id for c in _cases(bench)] == [case.id]
    assert _deleted(fake_slack) == set(burst[9:])

    # A new flood after the dismissal is a new case, answered as usual:
    # counted from the dismissal, its 9th message opens it.
    fresh = [_post_at(bench, "UBOB", f"{SPAM} again ({i})", t0 + 20 + i) for i in range(8)]
    _gathered(bench)
    cases = _cases(bench)
    assert [(c.kind, c.status) for c in cases] == [("flood", "dismissed"), ("flood", "open")]
    assert cases[1].ts == fresh[4]
    assert _deleted(fake_slack) == set(burst[9:]) | set(fresh[5:])



def _flood_with_removals_waiting(bench, fake_slack, n: int) -> tuple[cases_db.Case, list[str], list[str]]:
    """A flood answered by "remove": 12 messages (the last 3 removed), then
    `n` more whose removals wait on a Slack answering 503. Returns the case,
    the 12 and the `n`."""
    t0 = bench.clock.now()
    burst = [_post_at(bench, "UBOB", f"{SPAM} ({i})", t0 + i) for i in range(12)]
    _gathered(bench)
    [case] = _cases(bench)
    fake_slack.fail("chat.delete", status=503, times=n)
    waiting = [_post_at(bench, "UBOB", f"{SPAM} ({i})", t0 + i) for i in range(12, 12 + n)]
    _gathered(bench)
    return case, burst, waiting


def _dismissed_with_four_removals_cancelled(bench, fake_slack) -> tuple[cases_db.Case, list[str]]:
    """Dismissed while 4 removals wait: they are cancelled."""
    case, _, queued = _flood_with_removals_waiting(bench, fake_slack, 4)
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    _gathered(bench)
    assert sorted(i.args["ts"] for i in _flood_deletes(bench, case.id) if i.status == "cancelled") == sorted(queued)
    return case, queued

def test_a_flood_reopened_after_its_dismissal_and_removed_has_its_cancelled_removals_made(make_bench, fake_slack):
    # The removals a Dismiss cancelled keep their outbox rows. A flag then
    # reopens the case and the moderator clicks Remove: those messages must
    # be removed at Slack, not only recorded as removed.
    bench = make_bench(client_retries=0, config={"moderation": {"flood_response": "remove"}})
    case, queued = _dismissed_with_four_removals_cancelled(bench, fake_slack)
    db = bench.rt.store.db
    flag(bench, "UCAROL", case.channel, case.ts)
    _gathered(bench)
    assert cases_db.get(db, case.id).status == "open"

    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    _gathered(bench)
    bench.clock.advance(60)
    bench.settle()

    assert set(queued) <= _deleted(fake_slack)
    assert all(fake_slack.find_message(GENERAL, ts) is None for ts in queued)
    rows = {i.args["ts"]: (i.status, i.cancelled_why) for i in _flood_deletes(bench, case.id)}
    assert all(rows[ts] == ("done", None) for ts in queued)
    assert set(queued) <= {ts for _, ts, _ in cases_db.group_messages(db, case.id, removed=True)}


def test_a_removal_in_flight_at_the_dismissal_and_left_by_a_crash_is_not_made_after_it(make_bench, fake_slack):
    # Dismiss leaves a removal in flight to finish (it may be at Slack
    # already). Here the drainer had claimed it, as it does just before the
    # call, when the moderator dismissed the case, and the process died
    # before the call: at the restart the row is found in flight, cannot be
    # checked at Slack, and is queued again. It must not be made now.
    config = {"moderation": {"flood_response": "remove"}}
    bench = make_bench(client_retries=0, config=config)
    t0 = bench.clock.now()
    case, burst, [last] = _flood_with_removals_waiting(bench, fake_slack, 1)
    db = bench.rt.store.db
    [row] = [i for i in _flood_deletes(bench, case.id) if i.args["ts"] == last]
    assert row.status == "pending"
    bench.clock.advance(10)
    assert outbox_db.claim(db, row.id, now=bench.clock.now())  # the drainer's claim, then the process dies

    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    assert outbox_db.get(db, row.key).status == "inflight"  # left to finish: Dismiss cannot know it never went
    db_path = bench.rt.settings.modbot_db
    bench.close()

    again = start_bench(fake_slack, db_path, config=config, client_retries=0, clock=FakeClock(t0 + 120))
    try:
        again.settle()
        again.clock.advance(CARD_GATHER_S + 3600)
        again.settle()
        assert fake_slack.find_message(GENERAL, last) is not None
        assert _deleted(fake_slack) == set(burst[9:])
        gone = outbox_db.get(again.rt.store.db, row.key)
        assert (gone.status, gone.cancelled_why) == \
            ("cancelled", f"case #{case.id} dismissed by UMOD1 before it was made")
        assert last not in {ts for _, ts, _ in cases_db.group_messages(again.rt.store.db, case.id, removed=True)}
        # The card counts it with the cancelled ones, and the 3 made before.
        state = card_state(again, case.id)
        assert "Dismissed by <@UMOD1>; 1 queued removal cancelled" in state
        assert "3 of the flood's messages were removed before that" in state
    finally:
        again.close()



def test_a_floods_removal_that_goes_through_on_a_later_try_leaves_the_card(make_bench, fake_slack):
    # The card lists a flood's removals waiting for Slack. Once one is made
    # the card must say so: its outcome updates the card (an in-flight one
    # finishing after a Dismiss is then counted with those removed).
    bench = make_bench(client_retries=0, config={"moderation": {"flood_response": "remove"}})
    case, burst, [last] = _flood_with_removals_waiting(bench, fake_slack, 1)
    assert "deleting a flood's or raid's message" in card_state(bench, case.id)

    bench.clock.advance(10)  # its next try, which Slack takes
    _gathered(bench)

    assert _deleted(fake_slack) == set(burst[9:]) | {last}
    assert "deleting a flood's or raid's message" not in card_state(bench, case.id)
