"""What follows a Slack call's outcome runs again at start-up when modbot
stopped before recording that it ran (outbox.owed_follow_ups), or when it
raised partway. The audit log still shows each call's outcome once."""
from __future__ import annotations

import pytest

from bot import ids
from storage import audit as audit_db
from storage import outbox as outbox_db
from tests.harness import start_bench
from tests.scenario.moderation_steps import click, routed


def _results(db, case_id: int, action: str) -> list[tuple[str, str]]:
    return [(e.action, e.outcome) for e in audit_db.entries(db, case_id=case_id) if e.action == action]


@pytest.mark.parametrize("kind", ["remove", "dm"])
def test_a_follow_up_run_again_after_a_restart_audits_the_calls_outcome_once(make_bench, fake_slack, kind):
    bench = make_bench()
    ts, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)  # the removal, then the DM telling the author
    bench.settle()
    db = bench.rt.store.db
    [row] = [i for i in outbox_db.for_case(db, case.id) if i.purpose == kind and i.status == "done"]
    assert _results(db, case.id, f"{kind}_result") == [(f"{kind}_result", "ok")]
    # Modbot stopped after the handler ran and before the row said so: the
    # row still says its follow-up is owed (as complete() left it).
    db.execute("UPDATE outbox SET follow_up = 1 WHERE id = ?", [row.id])
    db_path = bench.rt.settings.modbot_db
    bench.close()

    again = start_bench(fake_slack, db_path)
    try:
        again.settle()
        db = again.rt.store.db
        assert outbox_db.owed_follow_ups(db) == []
        assert _results(db, case.id, f"{kind}_result") == [(f"{kind}_result", "ok")]
    finally:
        again.close()
