"""The closed loop: moderators' decisions credited to the rules that opened
each case; from enough of them modbot suggests a threshold, a moderator
applies it, it is audited, and the next message gets the new setting."""
from __future__ import annotations

import argparse

from bot import ids
from bot.commands import rules as rules_command
from storage import audit as audit_db
from storage import cases as cases_db
from storage import rule_quality as rq_db
from tests.scenario.home_steps import click_home, home_buttons, home_text, open_home
from tests.scenario.moderation_steps import RUDE, routed

MIN_DECISIONS = 6


def _synthetic_decisions(db, rule: str, category: str, scores_right: list[tuple[float, bool]], now: float) -> None:
    """Cases the rule opened, decided: acted on (warn) or dismissed."""
    import policies

    for i, (score, right) in enumerate(scores_right):
        case, _ = cases_db.open_case(db, channel="CSYNTH", ts=f"1700000000.{i:06d}", author="UBOB", source="auto",
                                     excerpt_masked="(synthetic)", severity="medium", now=now)
        f = policies.Finding(category, rule, score, "medium", 0, 1, "synthetic", action="route")
        cases_db.add_findings(db, case.id, [f], message_version="v1", now=now)
        assert cases_db.claim_decision(db, case.id, action="warn" if right else "dismiss", by="UMOD1", now=now + 60)


def test_decisions_suggest_a_threshold_that_changes_the_next_message(make_bench, capsys, monkeypatch, tmp_path):
    bench = make_bench(config={"moderation": {"rule_min_decisions": MIN_DECISIONS}})
    db = bench.rt.store.db
    _, case = routed(bench, RUDE)
    assert case is not None
    finding = cases_db.findings(db, case.id)[0]
    rule, score = finding.rule, finding.score
    # Decisions on synthetic cases: wrong at this message's score, right
    # above it. The real case is dismissed too.
    higher = round((score + 1) / 2, 4)
    assert score < higher <= 1
    history = [(score, False)] * 3 + [(higher, True)] * 4
    _synthetic_decisions(db, rule, finding.category, history, bench.clock.now())
    assert cases_db.claim_decision(db, case.id, action="dismiss", by="UMOD1", now=bench.clock.now())

    quality = bench.rt.services.moderation.quality
    report = next(r for r in quality.reports(bench.rt.settings.config.policies) if r.rule == rule)
    assert (report.right, report.wrong) == (4, 4)
    assert 0 < report.low < 0.5 < report.high < 1
    suggestion = report.suggestion
    assert suggestion is not None and suggestion.kind == "threshold"
    assert suggestion.threshold == higher

    # `modbot rules` prints it, and says nothing is applied yet.
    monkeypatch.setenv("MODBOT_DB", bench.rt.settings.modbot_db)
    toml = tmp_path / "modbot.toml"
    toml.write_text(f"[moderation]\nrule_min_decisions = {MIN_DECISIONS}\n")
    monkeypatch.setenv("MODBOT_CONFIG", str(toml))
    assert rules_command.run(argparse.Namespace(db=None)) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if x.startswith(rule))
    assert "50%" in line and " 4 " in line
    assert f"raise the threshold to {suggestion.threshold:.2f}" in out

    # A moderator applies it with one click in App Home; the audit log has
    # it; the next message with the same score opens no case.
    view = open_home(bench, "UMOD1")
    apply = [b for b in home_buttons(view) if b[1] == ids.ACT_HOME_RULE_APPLY]
    assert apply == [(f"rule_{rule}", ids.ACT_HOME_RULE_APPLY, suggestion.value)]
    # ...and not by a member who sends the same click
    open_home(bench, "UALICE")
    click_home(bench, "UALICE", *apply[0])
    assert rq_db.overrides(db) == []
    assert ("UALICE", "refused:apply_rule_suggestion") in [(e.actor, e.action) for e in audit_db.entries(db)]
    view = click_home(bench, "UMOD1", *apply[0])
    assert f"threshold {suggestion.threshold:.2f}" in home_text(view)
    entries = [e for e in audit_db.entries(db, actor="UMOD1") if e.action == "rule_override_applied"]
    assert [e.detail["rule"] for e in entries] == [rule]
    assert rq_db.overrides(db)[0].threshold == suggestion.threshold
    _, again = routed(bench, RUDE, user="UDAVE")
    assert again is None
    # An applied suggestion is not suggested again, and the CLI shows the override.
    assert rules_command.run(argparse.Namespace(db=None)) == 0
    out = capsys.readouterr().out
    assert f"threshold {suggestion.threshold:.2f} (by UMOD1)" in out
    # A database that is not there: one line, status 2, nothing created.
    missing = tmp_path / "nowhere.db"
    assert rules_command.run(argparse.Namespace(db=str(missing))) == 2
    assert "no database at" in capsys.readouterr().err and not missing.exists()
    # A stale or edited button value changes nothing.
    assert quality.apply(suggestion.value, by="UMOD2", base=bench.rt.settings.config.policies) is None
