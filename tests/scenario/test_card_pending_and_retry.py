"""Slack failing while moderators act: the card says what is still pending
and why; when the errors outlast the retries it says what was not done and
offers Retry, which sends each failed call once."""
from __future__ import annotations

import json

from bot import ids
from bot.app import process_pending_events
from bot.services.cases.card import PERMALINK_RETRY_SECONDS
from bot.slack.gateway import MAX_OUTBOX_ATTEMPTS
from storage import audit as audit_db
from storage import outbox as outbox_db
from tests.harness import GENERAL, HELP, MOD_CHANNEL
from tests.scenario.community import job as scheduled_job
from tests.scenario.community import run_job
from tests.scenario.moderation_steps import (
    RUDE, action_ids, card_for, card_state, case_for, click, routed, suspend, warn,
)


def _buttons(bench, case_id: int) -> list[str]:
    return action_ids(card_for(bench, case_id))


def _warn_dm(bench, case_id: int):
    items = [i for i in outbox_db.for_case(bench.rt.store.db, case_id) if i.key.startswith("warn-dm:")]
    assert len(items) == 1
    return items[0]


def _retry_rounds(bench, rounds: int = MAX_OUTBOX_ATTEMPTS) -> None:
    """Move the clock past the outbox's next try and let it drain, `rounds` times."""
    for _ in range(rounds):
        bench.clock.advance(1000)
        bench.settle()


def test_a_dm_slack_keeps_refusing_shows_as_pending_then_goes_once(make_bench):
    bench = make_bench(client_retries=0)
    ts, case = routed(bench)
    bench.fake.fail("chat.postMessage", status=503, times=3)
    warn(bench, "UMOD1", case.id)
    bench.settle()
    # The warning is recorded and shown; the DM waits, and the card says so.
    state = card_state(bench, case.id)
    assert "Warned by <@UMOD1>" in state
    error = _warn_dm(bench, case.id).error
    assert error == "service_unavailable"
    assert "*Pending:* the warning DM to the author. Slack answered `service_unavailable` (attempt 1); next try" in state
    assert ids.ACT_RETRY not in _buttons(bench, case.id)
    assert bench.fake.dms("UCAROL") == []
    _retry_rounds(bench, 4)
    assert len(bench.fake.dms("UCAROL")) == 1
    assert _warn_dm(bench, case.id).status == "done"
    assert "Pending" not in card_state(bench, case.id)


def test_a_removal_slack_rate_limits_shows_as_pending(make_bench):
    bench = make_bench(client_retries=0)
    ts, case = routed(bench)
    bench.fake.fail("chat.delete", status=429, times=1, retry_after=0)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    state = card_state(bench, case.id)
    assert "Removing the message by <@UMOD1>" in state
    assert "*Pending:* deleting the message" in state and "`ratelimited`" in state
    bench.clock.advance(60)
    bench.settle()
    assert bench.fake.find_message(GENERAL, ts) is None
    state = card_state(bench, case.id)
    assert "Message removed by <@UMOD1>" in state and "Pending" not in state
    assert len([c for c in bench.fake.calls_to("chat.delete") if c.ok]) == 1


def test_an_outage_longer_than_the_retries_offers_retry_which_sends_once(make_bench):
    bench = make_bench(client_retries=0)
    ts, case = routed(bench)
    bench.fake.fail("chat.postMessage", status=500, times=MAX_OUTBOX_ATTEMPTS)
    warn(bench, "UMOD1", case.id)
    bench.settle()
    _retry_rounds(bench)
    dm = _warn_dm(bench, case.id)
    assert dm.status == "failed" and dm.attempts == MAX_OUTBOX_ATTEMPTS
    state = card_state(bench, case.id)
    assert f"*Not done:* the warning DM to the author. Slack answered `{dm.error}` after {MAX_OUTBOX_ATTEMPTS} tries" in state
    assert ids.ACT_RETRY in _buttons(bench, case.id)
    assert bench.fake.dms("UCAROL") == []

    # A member who is not a moderator cannot retry; the attempt is recorded.
    click(bench, "UALICE", ids.ACT_RETRY, case.id)
    bench.settle()
    assert _warn_dm(bench, case.id).status == "failed"
    assert ("UALICE", "refused:retry") in [(e.actor, e.action) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]

    # Slack is back. Two moderators press Retry on the same card.
    stale = card_for(bench, case.id)
    click(bench, "UMOD1", ids.ACT_RETRY, case.id)
    click(bench, "UMOD2", ids.ACT_RETRY, case.id)
    bench.settle()
    dms = bench.fake.dms("UCAROL")
    assert len(dms) == 1 and ids.ACT_APPEAL in json.dumps(dms[0]["blocks"])
    assert _warn_dm(bench, case.id).status == "done"
    assert ids.ACT_RETRY not in _buttons(bench, case.id) and "Not done" not in card_state(bench, case.id)
    retries = [(e.actor, e.outcome) for e in audit_db.entries(bench.rt.store.db, case_id=case.id) if e.action == "retry"]
    assert sorted(retries) == [("UMOD1", "queued"), ("UMOD2", "nothing_to_retry")]
    # The second moderator was told privately that nothing was left to retry.
    # (through the click's response_url since issue 11, bug 5)
    told = bench.fake.ephemerals("UMOD2")
    assert told and "nothing is waiting to be retried" in told[-1]["text"]
    assert stale["ts"] == card_for(bench, case.id)["ts"]  # updated in place


def test_a_card_slack_would_not_take_for_hours_is_posted_after_the_outage(make_bench):
    bench = make_bench(client_retries=0)
    bench.fake.fail("chat.postMessage", status=503, times=MAX_OUTBOX_ATTEMPTS)
    ts = bench.say("UCAROL", RUDE)
    bench.settle()
    _retry_rounds(bench)
    case = case_for(bench, GENERAL, ts)
    post = next(i for i in outbox_db.for_case(bench.rt.store.db, case.id) if i.purpose == "card_post")
    assert post.status == "failed" and case.card_ts is None
    job = scheduled_job(bench, "revive_cards")
    assert job.fn() == 1
    bench.settle()
    assert job.fn() == 0  # nothing left to revive: the card is up
    card = card_for(bench, case.id)
    assert card is not None and case_for(bench, GENERAL, ts).card_ts == card["ts"]
    assert len([c for c in bench.fake.calls_to("chat.postMessage") if c.ok and c.args.get("channel") == MOD_CHANNEL
                and not c.args.get("thread_ts")]) == 1


def test_a_card_update_lost_to_an_outage_is_sent_again(make_bench):
    bench = make_bench(client_retries=0)
    ts, case = routed(bench)
    bench.fake.fail("chat.update", status=500, times=MAX_OUTBOX_ATTEMPTS)
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    _retry_rounds(bench)
    assert "Dismissed by <@UMOD1>" not in card_state(bench, case.id)  # the card could not be updated
    job = scheduled_job(bench, "revive_cards")
    assert job.fn() == 1
    bench.settle()
    assert "Dismissed by <@UMOD1>" in card_state(bench, case.id)
    assert job.fn() == 0


def test_a_card_never_keeps_a_pending_line_for_work_that_finished(make_bench):
    """The outbox drains in passes. A card update queued earlier is sent in
    the same pass as a newer side effect, so it shows that side effect as
    pending; when the side effect finishes, the card must be updated again
    even though the state now looks like the one first queued."""
    bench = make_bench(workers=False, client_retries=0)
    rt = bench.rt

    def events():
        while process_pending_events(rt):
            pass

    def drain():
        while rt.gateway.drain():
            pass

    ts = bench.say("UCAROL", RUDE)
    events()
    drain()
    case = case_for(bench, GENERAL, ts)
    suspend(bench, "UMOD1", case.id, days=1)
    drain()
    bench.say("UCAROL", "hello again")  # removed: she is suspended; she is told once
    events()
    rt.gateway.drain()  # one pass, as the outbox worker does; a card update is left queued
    bench.say("UCAROL", "and again")  # removed too, queued before the next pass
    events()
    drain()
    assert "Pending" not in card_state(bench, case.id)
    assert [i.key for i in outbox_db.for_case(rt.store.db, case.id) if i.status in ("pending", "inflight")] == []


def test_a_kick_that_failed_is_dropped_once_the_suspension_ends(make_bench):
    bench = make_bench(client_retries=0, config={"moderation": {"kick_channels": [HELP]}})
    ts, case = routed(bench)
    bench.fake.fail("conversations.kick", status=503, times=MAX_OUTBOX_ATTEMPTS)
    suspend(bench, "UMOD1", case.id, days=1, kick=True)
    bench.settle()
    _retry_rounds(bench)
    kick = next(i for i in outbox_db.for_case(bench.rt.store.db, case.id) if i.purpose == "kick")
    assert kick.status == "failed"
    assert "*Not done:* removing the author from a channel" in card_state(bench, case.id)
    bench.clock.advance(2 * 86400)
    run_job(bench, "lift_suspensions")
    # The suspension is over: the kick is not offered for Retry, nor sent by it.
    assert outbox_db.get(bench.rt.store.db, kick.key).status == "cancelled"
    assert ids.ACT_RETRY not in _buttons(bench, case.id)
    click(bench, "UMOD1", ids.ACT_RETRY, case.id)
    bench.settle()
    assert [c for c in bench.fake.calls_to("conversations.kick") if c.ok] == []


def test_retry_of_a_call_whose_fate_is_unknown_looks_before_sending(bench):
    """A DM whose result was lost (modbot stopped mid-call, and Slack could
    not be asked) is shown as "not known"; Retry finds it was delivered and
    does not send it again."""
    ts, case = routed(bench)
    warn(bench, "UMOD1", case.id)
    bench.settle()
    assert len(bench.fake.dms("UCAROL")) == 1
    db = bench.rt.store.db
    dm = _warn_dm(bench, case.id)
    # What the drainer records when a call was in flight at a crash and the
    # check afterwards failed too.
    db.execute("UPDATE outbox SET status = 'failed', error = 'interrupted; not verifiable: fatal_error' WHERE id = ?",
               [dm.id])
    bench.rt.services.moderation.card.publish(case.id)
    bench.settle()
    assert "*Not known:* the warning DM to the author may or may not have reached Slack" in card_state(bench, case.id)
    click(bench, "UMOD1", ids.ACT_RETRY, case.id)
    bench.settle()
    assert len(bench.fake.dms("UCAROL")) == 1
    found = _warn_dm(bench, case.id)
    assert found.status == "done" and found.result.get("recovered") is True
    assert "Not known" not in card_state(bench, case.id) and ids.ACT_RETRY not in _buttons(bench, case.id)


def test_a_failing_permalink_lookup_is_not_repeated_on_every_render(make_bench):
    bench = make_bench(client_retries=0)
    bench.fake.fail("chat.getPermalink", status=503, times=1000)
    ts, case = routed(bench)
    assert card_for(bench, case.id) is not None  # posted without the link
    mod = bench.rt.services.moderation.card
    for _ in range(3):
        mod.card_data(case_for(bench, GENERAL, ts))
    assert len(bench.fake.calls_to("chat.getPermalink")) == 1
    bench.clock.advance(PERMALINK_RETRY_SECONDS + 1)
    mod.card_data(case_for(bench, GENERAL, ts))
    assert len(bench.fake.calls_to("chat.getPermalink")) == 2
