"""A finished call's follow-up (its result handler) is owed from the moment
the outcome is recorded, in the same UPDATE: run once when the drainer gets
to it, or at the next start when the process died first or the handler
raised. (tests/scenario/test_crash_safety.py kills a real process there.)"""
from __future__ import annotations

from slack_sdk import WebClient

from bot.slack.gateway import SlackGateway
from storage import Store
from storage import outbox as outbox_db


class _Recorder:
    """A result handler that notes each outcome; `broken` makes it raise."""

    kinds = frozenset()

    def __init__(self, *, broken: bool = False):
        self.seen = []
        self.broken = broken

    def finished(self, outcome) -> None:
        self.seen.append((outcome.item.key, outcome.ok, outcome.result, outcome.error, outcome.final))
        if self.broken:
            raise RuntimeError("a bug in a follow-up")

    def refresh(self, item):
        return None

    def reconcile(self, item):
        return None

    def withdrawn(self, item):
        return False


def _gateway(store: Store, handler: _Recorder) -> SlackGateway:
    # No call reaches this address: only the outbox's records are used.
    gateway = SlackGateway(bot_client=WebClient(token="xoxb-test", base_url="http://127.0.0.1:9/api/"),
                           admin_client=None, store=store)
    gateway.report_to(handler)
    return gateway


def _finished_call(db, key: str, *, ok: bool) -> outbox_db.OutboxItem:
    item, _ = outbox_db.enqueue(db, key=key, method="chat.postMessage", args={"channel": "GMODS", "text": key},
                                now=1.0, purpose="card_post")
    assert outbox_db.claim(db, item.id, now=2.0)
    if ok:
        outbox_db.complete(db, item.id, now=3.0, result={"ok": True, "ts": "9.0"})
    else:
        outbox_db.fail(db, item.id, now=3.0, error="channel_not_found")
    return item


def test_an_outcome_recorded_just_before_a_crash_has_its_follow_up_run_once_at_start(tmp_path):
    store = Store(tmp_path / "outbox.db")
    db = store.db
    _finished_call(db, "posted", ok=True)
    _finished_call(db, "refused", ok=False)  # the process died after each was marked
    assert [i.key for i in outbox_db.owed_follow_ups(db)] == ["posted", "refused"]

    handler = _Recorder()
    _gateway(store, handler).recover_interrupted()
    assert handler.seen == [("posted", True, {"ok": True, "ts": "9.0"}, None, True),
                            ("refused", False, None, "channel_not_found", True)]
    assert outbox_db.owed_follow_ups(db) == []
    _gateway(store, handler).recover_interrupted()  # the next start: nothing owed
    assert len(handler.seen) == 2
    store.close()


def test_a_follow_up_that_raised_stays_owed_until_the_next_start(tmp_path):
    store = Store(tmp_path / "outbox.db")
    db = store.db
    _finished_call(db, "posted", ok=True)
    broken = _Recorder(broken=True)
    _gateway(store, broken).recover_interrupted()
    assert len(broken.seen) == 1 and [i.key for i in outbox_db.owed_follow_ups(db)] == ["posted"]
    mended = _Recorder()
    _gateway(store, mended).recover_interrupted()
    assert [s[0] for s in mended.seen] == ["posted"] and outbox_db.owed_follow_ups(db) == []
    store.close()
