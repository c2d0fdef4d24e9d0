"""storage.cases and storage.sanctions on a fresh database."""
from __future__ import annotations

import threading

from storage import cases as cases_db
from storage import open_db
from storage import sanctions as sanctions_db


def _open(db, ts="1.1", **kw):
    args = dict(channel="C1", ts=ts, author="UA", source="auto", excerpt_masked="x", severity="low", now=100.0)
    args.update(kw)
    return cases_db.open_case(db, **args)


def test_one_case_per_message_numbers_ascend_and_severity_only_rises(fresh_db):
    a, created_a = _open(fresh_db)
    again, created_again = _open(fresh_db, severity="high")
    b, _ = _open(fresh_db, ts="1.2")
    assert created_a and not created_again and again.id == a.id and b.id == a.id + 1
    assert again.severity == "high"
    lower, _ = _open(fresh_db, severity="low")
    assert lower.severity == "high"


def test_case_numbers_are_unique_across_connections(tmp_path):
    path = tmp_path / "c.db"
    open_db(path).conn.close()
    ids: list[int] = []

    def worker(n):
        db = open_db(path)
        for i in range(10):
            case, _ = _open(db, ts=f"{n}.{i}")
            ids.append(case.id)
        db.conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(ids) == list(range(1, 41))


def test_a_member_flags_once_and_weight_is_the_sum(fresh_db):
    case, _ = _open(fresh_db)
    assert cases_db.add_flag(fresh_db, case.id, flagger="UB", reason="spam", note=None, weight=1.0, now=1)
    assert not cases_db.add_flag(fresh_db, case.id, flagger="UB", reason="spam", note=None, weight=1.0, now=2)
    assert cases_db.add_flag(fresh_db, case.id, flagger="UC", reason="vulgar", note="n", weight=2.5, now=3)
    assert cases_db.get(fresh_db, case.id).flag_weight == 3.5
    assert cases_db.flags_since(fresh_db, flagger="UB", since=0) == 1
    assert cases_db.has_flagged(fresh_db, channel="C1", ts="1.1", flagger="UC")


def test_decisions_are_won_once(fresh_db):
    case, _ = _open(fresh_db)
    assert cases_db.claim_decision(fresh_db, case.id, action="warn", by="M1", now=5)
    assert not cases_db.claim_decision(fresh_db, case.id, action="dismiss", by="M2", now=6)
    fresh = cases_db.get(fresh_db, case.id)
    assert fresh.status == "closed" and fresh.handled_by == "M1"


def test_removal_states(fresh_db):
    case, _ = _open(fresh_db)
    assert cases_db.claim_removal(fresh_db, case.id, by="M1", reason="moderator", now=1)
    assert not cases_db.claim_removal(fresh_db, case.id, by="M2", reason="moderator", now=1)
    # Dismiss waits for the removal, and is refused after a moderator's removal.
    assert not cases_db.claim_decision(fresh_db, case.id, action="dismiss", by="M2", now=2)
    assert cases_db.removal_failed(fresh_db, case.id, error="cant_delete_message", by=None, reason=None, now=2)
    assert cases_db.claim_removal(fresh_db, case.id, by="M2", reason="moderator", now=3)
    assert cases_db.removal_done(fresh_db, case.id, now=4)
    assert not cases_db.claim_decision(fresh_db, case.id, action="dismiss", by="M2", now=5)
    assert cases_db.claim_decision(fresh_db, case.id, action="close", by="M2", now=5)


def test_dismissed_cases_cannot_be_removed(fresh_db):
    case, _ = _open(fresh_db)
    assert cases_db.claim_decision(fresh_db, case.id, action="dismiss", by="M1", now=1)
    assert not cases_db.claim_removal(fresh_db, case.id, by="M2", reason="moderator", now=2)


def test_warnings_expire_and_can_be_revoked(fresh_db):
    case, _ = _open(fresh_db)
    wid = sanctions_db.add_warning(fresh_db, user_id="UA", case_id=case.id, guideline="spam", message="m", issued_by="M",
                                   now=100, expires_at=200)
    assert [w.id for w in sanctions_db.active_warnings(fresh_db, user_id="UA", now=150)] == [wid]
    assert sanctions_db.active_warnings(fresh_db, user_id="UA", now=200) == []
    assert sanctions_db.revoke_warning(fresh_db, wid, by="M2", now=150)
    assert not sanctions_db.revoke_warning(fresh_db, wid, by="M2", now=151)
    assert sanctions_db.active_warnings(fresh_db, user_id="UA", now=150) == []


def test_suspensions_active_lift_and_notify_once(fresh_db):
    case, _ = _open(fresh_db)
    sid = sanctions_db.add_suspension(fresh_db, user_id="UA", case_id=case.id, reason="r", days=1, issued_by="M", now=0)
    perm = sanctions_db.add_suspension(fresh_db, user_id="UB", case_id=case.id, reason="r", days=None, issued_by="M", now=0)
    assert sanctions_db.active_suspension(fresh_db, user_id="UA", now=10).id == sid
    assert sanctions_db.active_suspension(fresh_db, user_id="UA", now=86400) is None
    assert [s.id for s in sanctions_db.expired_unlifted(fresh_db, now=86400)] == [sid]
    assert sanctions_db.lift_suspension(fresh_db, sid, by="modbot", now=86400)
    assert not sanctions_db.lift_suspension(fresh_db, sid, by="modbot", now=86401)
    assert sanctions_db.active_suspension(fresh_db, user_id="UB", now=10**10).id == perm
    assert sanctions_db.mark_notified(fresh_db, perm, now=1) and not sanctions_db.mark_notified(fresh_db, perm, now=2)


def test_one_appeal_per_decision(fresh_db):
    case, _ = _open(fresh_db)
    first = sanctions_db.add_appeal(fresh_db, case_id=case.id, user_id="UA", decision_kind="warning", decision_id=1,
                                    text="t", reviewer="M2", now=1)
    second = sanctions_db.add_appeal(fresh_db, case_id=case.id, user_id="UA", decision_kind="warning", decision_id=1,
                                     text="t2", reviewer="M2", now=2)
    assert first is not None and second is None
    assert sanctions_db.decide_appeal(fresh_db, first, outcome="upheld", by="M2", now=3)
    assert not sanctions_db.decide_appeal(fresh_db, first, outcome="reversed", by="M3", now=4)


def test_snapshots_and_audit_of_card_updates(fresh_db):
    case, _ = _open(fresh_db)
    cases_db.add_snapshot(fresh_db, case.id, channel="C1", ts="1.1", author="UA", text="hello", files=["a.png"],
                          edits=[{"text": "hi"}], posted_at=1.1, now=5)
    snap = cases_db.snapshot_for(fresh_db, case_id=case.id, channel="C1", ts="1.1")
    assert snap.text == "hello" and snap.files == ["a.png"] and snap.edits == [{"text": "hi"}]


def test_two_publishers_never_cancel_each_others_card_update(fresh_db):
    """Thread A queues its update, thread B queues its own, then each cancels
    the others: the newest pending row must survive (it is re-rendered when
    sent), or the card would keep showing a stale state."""
    from storage import outbox as outbox_db

    case, _ = _open(fresh_db)
    for key in ("upd:a", "upd:b"):
        outbox_db.enqueue(fresh_db, key=key, method="chat.update", args={}, now=1, case_id=case.id, purpose="card_update")
    # B's publisher, then A's publisher, supersede in this order.
    assert outbox_db.supersede_card_updates(fresh_db, case_id=case.id) == 1
    assert outbox_db.supersede_card_updates(fresh_db, case_id=case.id) == 0
    status = {k: outbox_db.get(fresh_db, k).status for k in ("upd:a", "upd:b")}
    assert status == {"upd:a": "cancelled", "upd:b": "pending"}
    # A sent or in-flight update is never touched; another case's rows neither.
    outbox_db.claim(fresh_db, outbox_db.get(fresh_db, "upd:b").id, now=2)
    outbox_db.enqueue(fresh_db, key="upd:c", method="chat.update", args={}, now=3, case_id=case.id, purpose="card_update")
    outbox_db.enqueue(fresh_db, key="other", method="chat.update", args={}, now=3, case_id=case.id + 1, purpose="card_update")
    assert outbox_db.supersede_card_updates(fresh_db, case_id=case.id) == 0
    assert outbox_db.get(fresh_db, "upd:b").status == "inflight" and outbox_db.get(fresh_db, "upd:c").status == "pending"
