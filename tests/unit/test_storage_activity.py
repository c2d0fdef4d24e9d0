"""Activity, expert and report queries on a fresh database, and the pure
rules the expert service uses (what is a question, which month)."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import pytest

from bot.services.experts import looks_like_question, month_of, month_start, months_before, next_month, previous_month
from storage import activity as a
from storage import experts as e
from storage import reports as r
from storage import welcome as w

M = "2026-03"


def q(db, ts, user="UASK", channel="CHELP", month=M):
    assert a.record_question(db, channel=channel, ts=ts, user=user, month=month)


def reply(db, ts, thread, user, channel="CHELP", month=M):
    return a.record_reply(db, channel=channel, ts=ts, thread_ts=thread, user=user, month=month)


def test_answers_one_per_question_not_the_asker_and_deletions(fresh_db):
    q(fresh_db, "100.0")
    q(fresh_db, "200.0")
    reply(fresh_db, "101.0", "100.0", "UBOB")
    reply(fresh_db, "102.0", "100.0", "UBOB")
    reply(fresh_db, "103.0", "100.0", "UASK")
    reply(fresh_db, "201.0", "200.0", "UBOB")
    reply(fresh_db, "301.0", "300.0", "UBOB")  # a reply to something that was no question
    assert not reply(fresh_db, "201.0", "200.0", "UBOB")  # the same reply twice
    assert a.answers_in_month(fresh_db, user="UBOB", month=M) == 2
    assert a.answers_in_month(fresh_db, user="UASK", month=M) == 0
    a.mark_deleted(fresh_db, channel="CHELP", ts="101.0")  # another reply in the thread still counts
    assert a.answers_in_month(fresh_db, user="UBOB", month=M) == 2
    a.mark_deleted(fresh_db, channel="CHELP", ts="200.0")  # the question goes
    assert a.answers_in_month(fresh_db, user="UBOB", month=M) == 1
    assert a.answers_by_month(fresh_db, user="UBOB", months=["2026-02", M]) == {"2026-02": 0, M: 1}
    assert a.top_answerers(fresh_db, month=M) == [("UBOB", 1)]


def test_answers_between_uses_the_first_live_reply(fresh_db):
    q(fresh_db, "1000.0")
    reply(fresh_db, "1500.0", "1000.0", "UBOB")
    reply(fresh_db, "2500.0", "1000.0", "UBOB")
    assert a.answers_between(fresh_db, user="UBOB", start=1000, end=2000) == 1
    assert a.answers_between(fresh_db, user="UBOB", start=2000, end=3000) == 0
    a.mark_deleted(fresh_db, channel="CHELP", ts="1500.0")
    assert a.answers_between(fresh_db, user="UBOB", start=2000, end=3000) == 1


def test_best_answers_prefer_threads_the_asker_came_back_to(fresh_db):
    for thread in ("10.0", "20.0", "30.0"):
        q(fresh_db, thread)
        reply(fresh_db, str(float(thread) + 1), thread, "UEXP")
    reply(fresh_db, "22.0", "20.0", "UASK")  # thanks on the second
    reply(fresh_db, "32.0", "30.0", "UOTHER")  # only someone else on the third
    reply(fresh_db, "33.0", "30.0", "UOTHER2")
    best = a.best_answers(fresh_db, user="UEXP", month=M, limit=3)
    assert [(b.thread_ts, b.answer_ts, b.asker_followups, b.later_replies) for b in best] == [
        ("20.0", "21.0", 1, 1),
        ("30.0", "31.0", 0, 2),
        ("10.0", "11.0", 0, 0),
    ]


def test_reviews_are_made_once_and_resolved_once(fresh_db):
    assert e.add_expert(fresh_db, user="UEXP", source="usergroup", now=1.0)
    assert not e.add_expert(fresh_db, user="UEXP", source="manual", now=2.0)
    review, created = e.record_review(fresh_db, user="UEXP", month=M, answers=3, minimum=10, grace_until=100.0, now=5.0)
    assert created and review.outcome == "notified"
    again, created = e.record_review(fresh_db, user="UEXP", month=M, answers=9, minimum=10, grace_until=999.0, now=6.0)
    assert not created and again == review
    assert e.get_expert(fresh_db, "UEXP").status == "grace"
    assert e.open_review(fresh_db, "UEXP") == review
    assert e.resolve_review(fresh_db, user="UEXP", month=M, outcome="revoked", now=101.0)
    assert not e.resolve_review(fresh_db, user="UEXP", month=M, outcome="recovered", now=102.0)
    gone = e.get_expert(fresh_db, "UEXP")
    assert gone.status == "revoked" and gone.removed_reason == "inactive"
    # back again later: a fresh start
    assert e.add_expert(fresh_db, user="UEXP", source="manual", now=200.0)
    assert e.get_expert(fresh_db, "UEXP").added_at == 200.0


def test_met_reviews_and_removal_closing_a_grace_period(fresh_db):
    e.add_expert(fresh_db, user="UA", source="manual", now=1.0)
    e.add_expert(fresh_db, user="UB", source="manual", now=1.0)
    met, _ = e.record_review(fresh_db, user="UA", month=M, answers=12, minimum=10, grace_until=50.0, now=5.0)
    assert met.outcome == "met" and met.grace_until is None
    e.record_review(fresh_db, user="UB", month=M, answers=0, minimum=10, grace_until=50.0, now=5.0)
    assert e.remove_expert(fresh_db, user="UB", now=6.0, reason="moderator", removed_by="UMOD")
    assert e.pending_reviews(fresh_db) == []
    assert [x.user_id for x in e.list_experts(fresh_db)] == ["UA"]


def test_job_runs_are_claimed_per_period(fresh_db):
    assert e.claim_run(fresh_db, job="expert_review", period=M, now=1.0)
    assert e.claim_run(fresh_db, job="expert_review", period=M, now=2.0)  # unfinished: may resume
    e.finish_run(fresh_db, job="expert_review", period=M, now=3.0)
    assert not e.claim_run(fresh_db, job="expert_review", period=M, now=4.0)
    assert e.claim_run(fresh_db, job="expert_review", period="2026-04", now=4.0)


def test_reports(fresh_db):
    fresh_db.execute("INSERT INTO cases (channel, ts, created_at, updated_at) VALUES ('C', '1.0', 0, 0)")
    fresh_db.execute("INSERT INTO cases (channel, ts, created_at, updated_at) VALUES ('C', '2.0', 0, 0)")
    fresh_db.execute("INSERT INTO flags (case_id, flagger, reason, weight, created_at, upheld) VALUES (1, 'U1', 'spam', 1, 0, 1)")
    fresh_db.execute("INSERT INTO flags (case_id, flagger, reason, weight, created_at, upheld) VALUES (2, 'U1', 'spam', 1, 0, NULL)")
    assert r.flag_tally(fresh_db, "U1") == r.FlagTally(made=2, upheld=1, pending=1)
    assert r.flag_tally(fresh_db, "U2") == r.FlagTally(0, 0, 0)
    ins = "INSERT INTO warnings (user_id, guideline, message, issued_by, issued_at, expires_at, revoked_at) VALUES (?, ?, 'm', 'UM', ?, ?, ?)"
    fresh_db.execute(ins, ["U1", "spam", 0, 500, None])
    fresh_db.execute(ins, ["U1", "hate", 0, 50, None])  # expired
    fresh_db.execute(ins, ["U1", "vulgar", 0, 500, 10])  # revoked
    assert [x.guideline for x in r.active_warnings(fresh_db, "U1", now=100)] == ["spam"]
    sus = "INSERT INTO suspensions (user_id, reason, starts_at, ends_at, issued_by, lifted_at) VALUES ('U1', ?, ?, ?, 'UM', ?)"
    fresh_db.execute(sus, ["old", 0, 50, None])
    fresh_db.execute(sus, ["lifted", 0, 500, 60])
    assert r.active_suspension(fresh_db, "U1", now=100) is None
    fresh_db.execute(sus, ["now", 90, 400, None])
    assert r.active_suspension(fresh_db, "U1", now=100) == r.ActiveSuspension(90, 400, "now")


def test_welcomed_once(fresh_db):
    w.note_joined(fresh_db, user="UN", now=1.0)
    assert w.welcomed_at(fresh_db, "UN") is None
    assert w.mark_welcomed(fresh_db, user="UN", now=2.0)
    assert not w.mark_welcomed(fresh_db, user="UN", now=3.0)
    assert w.welcomed_at(fresh_db, "UN") == 2.0
    w.note_joined(fresh_db, user="UN", now=9.0)
    assert fresh_db.execute("SELECT joined_at FROM members WHERE user_id = 'UN'").fetchone()[0] == 1.0


@pytest.mark.parametrize(
    "text, asks",
    [
        ("How do I export a report?", True),
        ("how do i export a report", True),
        ("Hi all, does anyone know why syncing stops", True),
        ("Anyone using the EU data centre", True),
        ("I'm trying to connect the webhook but it times out", True),
        ("Is there a way to bulk-delete users", True),
        ("Check <https://example.com/faq?x=1|the FAQ>", False),
        ("Release 4.2 is out today.", False),
        ("Thanks, that worked", False),
        ("`SELECT * FROM t WHERE a = ?`", False),
        ("", False),
    ],
)
def test_looks_like_question(text, asks):
    assert looks_like_question(text) is asks


def test_months():
    berlin = ZoneInfo("Europe/Berlin")
    assert month_of(month_start("2026-04", berlin), berlin) == "2026-04"
    assert month_of(month_start("2026-04", berlin) - 1, berlin) == "2026-03"
    assert previous_month("2026-01") == "2025-12" and next_month("2025-12") == "2026-01"
    assert months_before("2026-03", 6) == ["2025-09", "2025-10", "2025-11", "2025-12", "2026-01", "2026-02"]
