"""Cancelling a decision's calls not yet made (storage/outbox.cancel_unsent):
which rows it takes, that they say why, and that nothing brings them back."""
from __future__ import annotations

from bot.slack import effects as fx
from storage import outbox as outbox_db


def _queue(db, effect):
    call = effect.call()
    item, _ = outbox_db.enqueue(db, key=effect.key, method=call.method, args=call.args, now=100.0,
                                case_id=effect.case_id, purpose=effect.kind.value, topic=effect.topic)
    return item


def test_a_group_cases_removals_and_its_flood_dm_share_the_topic_its_dismissal_cancels():
    delete = fx.DeleteGroupMessage(case_id=7, channel="C1", ts="1.0")
    told = fx.DirectMessage(case_id=7, user="U1", about=fx.About.FLOOD, ref=7, text="slowed")
    assert delete.topic == told.topic == fx.group_topic(7) == "group:7"
    # A single message's removal is not a flood's answer: a Dismiss never takes it.
    assert fx.DeleteMessage(case_id=7, channel="C1", ts="1.0").topic is None


def test_cancel_takes_what_was_not_made_and_leaves_what_is_at_slack(fresh_db):
    db = fresh_db
    queued, failed, retried, sending, done = (
        _queue(db, fx.DeleteGroupMessage(case_id=7, channel="C1", ts=f"{n}.0")) for n in range(1, 6))
    other_case = _queue(db, fx.DeleteGroupMessage(case_id=8, channel="C1", ts="9.0"))
    outbox_db.fail(db, failed.id, now=101.0, error="service_unavailable")
    outbox_db.fail(db, retried.id, now=101.0, error="service_unavailable")
    assert outbox_db.requeue(db, retried.id, now=102.0)  # Retry: in flight, to be checked first
    assert outbox_db.claim(db, sending.id, now=103.0)  # the drainer is calling Slack with it now
    assert outbox_db.claim(db, done.id, now=103.0)
    outbox_db.complete(db, done.id, now=104.0, result={"ok": True})

    cancelled = outbox_db.cancel_unsent(db, topic="group:7", why="case #7 dismissed by UMOD1", now=105.0)

    assert sorted(i.key for i in cancelled) == sorted(i.key for i in (queued, failed, retried))
    status = {i.key: (i.status, i.cancelled_why) for i in outbox_db.for_case(db, 7)}
    assert status[queued.key] == status[failed.key] == status[retried.key] == \
        ("cancelled", "case #7 dismissed by UMOD1")
    assert status[sending.key] == ("inflight", None) and status[done.key] == ("done", None)
    assert outbox_db.get(db, other_case.key).status == "pending"
    # Nothing brings a cancelled row back: it is never due, never claimed,
    # and a drainer that had picked it up to check it cannot re-queue it.
    assert outbox_db.due(db, now=10_000.0) == [outbox_db.get(db, other_case.key)]
    assert not outbox_db.claim(db, queued.id, now=106.0)
    outbox_db.retry_later(db, retried.id, at=106.0, error=None)
    assert outbox_db.get(db, retried.key).status == "cancelled"
    assert outbox_db.stale_inflight(db, claimed_before=float("inf")) == [outbox_db.get(db, sending.key)]


def test_a_cancelled_call_is_queued_again_only_when_the_caller_says_it_is_wanted_anew(fresh_db):
    db = fresh_db
    delete = fx.DeleteGroupMessage(case_id=7, channel="C1", ts="1.0")
    kick = _queue(db, fx.Kick(case_id=8, channel="C1", user="U1", suspension_id=3))
    first = _queue(db, delete)
    outbox_db.cancel_unsent(db, topic="group:7", why="case #7 dismissed by UMOD1", now=101.0)
    outbox_db.cancel_unsent(db, topic="suspension:3", why="the suspension was lifted", now=101.0)
    call = delete.call()

    # The same intent again, unchecked (a replay): it stays cancelled.
    item, created = outbox_db.enqueue(db, key=delete.key, method=call.method, args=call.args, now=102.0,
                                      case_id=7, purpose=delete.kind.value, topic=delete.topic)
    assert not created and item.status == "cancelled"
    # Wanted anew (the case reopened, Remove clicked): the same row, queued.
    item, created = outbox_db.enqueue(db, key=delete.key, method=call.method, args=call.args, now=103.0,
                                      case_id=7, purpose=delete.kind.value, topic=delete.topic, again=True)
    assert created and item.id == first.id
    assert (item.status, item.cancelled_why, item.attempts, item.next_attempt_at) == ("pending", None, 0, 103.0)
    # Only a cancelled row: one queued, in flight or done is left as it is.
    item, created = outbox_db.enqueue(db, key=delete.key, method=call.method, args=call.args, now=104.0,
                                      case_id=7, purpose=delete.kind.value, topic=delete.topic, again=True)
    assert not created and item.next_attempt_at == 103.0
    # A kick cancelled with its lifted suspension: its service never asks
    # for it again, and a replay of it does not revive it.
    call = fx.Kick(case_id=8, channel="C1", user="U1", suspension_id=3).call()
    item, created = outbox_db.enqueue(db, key=kick.key, method=call.method, args=call.args, now=105.0)
    assert not created and item.status == "cancelled"
