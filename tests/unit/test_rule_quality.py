"""The closed loop's arithmetic: Wilson intervals and suggestions."""
from __future__ import annotations

import pytest

import policies
from bot.services.rule_quality import suggest, wilson, with_overrides
from storage.rule_quality import Credit, Override


@pytest.mark.parametrize("right,n,low,high", [
    (0, 0, 0.0, 1.0),
    (8, 10, 0.4902, 0.9433),  # the textbook values for 8 of 10
    (10, 10, 0.7225, 1.0),
])
def test_wilson(right, n, low, high):
    lo, hi = wilson(right, n)
    assert lo == pytest.approx(low, abs=1e-3) and hi == pytest.approx(high, abs=1e-3)


def _credits(pairs):
    return [Credit("spam.promo", "spam", i, s, r) for i, (s, r) in enumerate(pairs)]


def test_no_suggestion_before_enough_decisions():
    assert suggest("spam.promo", _credits([(0.7, False)] * 5), min_decisions=30, threshold=0.7,
                   auto_remove=False) is None


def test_threshold_is_the_lowest_score_that_keeps_precision():
    pairs = [(0.72, False)] * 10 + [(0.8, True)] * 6 + [(0.8, False)] * 2 + [(0.9, True)] * 12
    s = suggest("spam.promo", _credits(pairs), min_decisions=30, threshold=0.7, auto_remove=False)
    assert s is not None and s.kind == "threshold" and s.threshold == 0.8  # 18 of 20 right from 0.8 on


def test_a_precise_rule_is_offered_automatic_removal_once():
    pairs = [(0.9, True)] * 29 + [(0.9, False)]
    s = suggest("spam.promo", _credits(pairs), min_decisions=30, threshold=0.7, auto_remove=False)
    assert s is not None and s.kind == "auto_remove"
    assert suggest("spam.promo", _credits(pairs), min_decisions=30, threshold=0.7, auto_remove=True) is None


def test_overrides_change_what_the_engine_finds():
    text = "you are a worthless idiot and everyone here hates you"
    before = policies.evaluate(policies.Message(text=text))
    rule, score = before[0].rule, before[0].score
    raised = with_overrides(None, [Override(rule, min(1.0, score + 0.01), False, "UMOD1", 0.0)])
    assert rule not in {f.rule for f in policies.evaluate(policies.Message(text=text), config=raised)}
    trusted = with_overrides(None, [Override(rule, None, True, "UMOD1", 0.0)])
    assert [f.action for f in policies.evaluate(policies.Message(text=text), config=trusted) if f.rule == rule] == ["remove"]


def test_a_case_folded_into_a_raid_is_no_decision(fresh_db):
    from policies import Finding
    from storage import cases as cases_db
    from storage import rule_quality as quality_db

    finding = Finding("selling", "selling.promotion_model", 0.95, "low", 0, 4, "promo")
    ids = []
    for ts, action, status in (("1.1", "warn", "closed"), ("1.2", "dismiss", "dismissed"), ("1.3", "merged", "closed")):
        case, _ = cases_db.open_case(fresh_db, channel="C1", ts=ts, author="U1", source="policy",
                                     excerpt_masked="x", severity="low", now=100.0)
        cases_db.add_findings(fresh_db, case.id, [finding], message_version="1", now=100.0)
        fresh_db.execute("UPDATE cases SET status = ?, handled_action = ?, handled_at = 160.0 WHERE id = ?",
                         [status, action, case.id])
        ids.append(case.id)
    credits = quality_db.credits(fresh_db)
    assert sorted((c.case_id, c.right) for c in credits) == [(ids[0], True), (ids[1], False)]
    assert quality_db.day_figures(fresh_db, since=0.0).decided == 2
