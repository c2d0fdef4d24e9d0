"""Two moderators clicking at once: exactly one action is carried out; the
other is told who handled it."""
from __future__ import annotations

import threading

from bot import ids
from tests.harness import GENERAL
from tests.scenario.moderation_steps import case_for, checked, click, last_modal, routed, select, submit, text_input


def _race(*fns):
    barrier = threading.Barrier(len(fns))
    errors = []

    def run(fn):
        try:
            barrier.wait(timeout=5)
            fn()
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(fn,)) for fn in fns]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert not errors, errors


def test_two_removes_at_once_delete_once(bench):
    for _ in range(3):
        ts, case = routed(bench)
        before = len(bench.fake.ephemerals())
        _race(lambda: click(bench, "UMOD1", ids.ACT_REMOVE, case.id), lambda: click(bench, "UMOD2", ids.ACT_REMOVE, case.id))
        bench.settle()
        deletes = [c for c in bench.fake.calls_to("chat.delete") if c.args["ts"] == ts]
        assert len(deletes) == 1
        told = bench.fake.ephemerals()[before:]
        winner = case_for(bench, GENERAL, ts).removed_by
        loser = "UMOD2" if winner == "UMOD1" else "UMOD1"
        assert len(told) == 1 and told[0]["user"] == loser and f"<@{winner}>" in told[0]["text"]


def test_dismiss_and_remove_at_once_do_one_thing(bench):
    for _ in range(3):
        ts, case = routed(bench)
        _race(lambda: click(bench, "UMOD1", ids.ACT_DISMISS, case.id), lambda: click(bench, "UMOD2", ids.ACT_REMOVE, case.id))
        bench.settle()
        case = case_for(bench, GENERAL, ts)
        removed = case.removal == "done"
        dismissed = case.status == "dismissed"
        assert removed != dismissed, (case.removal, case.status)


def _initial(modal: dict, block_id: str) -> str:
    block = next(b for b in modal["blocks"] if b.get("block_id") == block_id)
    return block["element"]["initial_option"]["value"]


def test_warn_and_suspend_submitted_at_once_sanction_once(bench):
    # Both forms are opened first, as two moderators would have them open
    # side by side; then both are submitted at once. (Racing the clicks too
    # would let one moderator finish before the other's click, which then
    # rightly opens no form.)
    ts, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_WARN, case.id)
    warn_modal = last_modal(bench, ids.VIEW_WARN)
    click(bench, "UMOD2", ids.ACT_SUSPEND, case.id)
    suspend_modal = last_modal(bench, ids.VIEW_SUSPEND)
    warn_values = {"guideline": select(_initial(warn_modal, "guideline"), "guideline_select"),
                   "message": text_input("Please stop.", "message_input"), "options": checked([], "options_check")}
    suspend_values = {"duration": select(_initial(suspend_modal, "duration"), "duration_select"),
                      "message": text_input("Repeated spam.", "message_input"), "options": checked([], "options_check")}
    answers = []
    _race(lambda: answers.append(submit(bench, "UMOD1", ids.VIEW_WARN, warn_values,
                                        private_metadata=warn_modal["private_metadata"], view_id=warn_modal["id"])),
          lambda: answers.append(submit(bench, "UMOD2", ids.VIEW_SUSPEND, suspend_values,
                                        private_metadata=suspend_modal["private_metadata"], view_id=suspend_modal["id"])))
    bench.settle()
    db = bench.rt.store.db
    sanctions = db.execute("SELECT (SELECT count(*) FROM warnings) + (SELECT count(*) FROM suspensions)").fetchone()[0]
    assert sanctions == 1
    assert len(bench.fake.dms("UCAROL")) == 1
    lost = [a for a in answers if a.body]
    assert len(lost) == 1 and "already handled" in lost[0].body
