"""App Home through the fake Slack: a moderator's queue with each case's
actions, today's figures and the rules' record; a member's own standing;
published on open and after a click in it, valid Block Kit within 100
blocks (the fake refuses anything else)."""
from __future__ import annotations

import json

from bot import ids
from storage import audit as audit_db
from storage import cases as cases_db
from storage import rule_quality as rq_db
from tests.fakeslack.payloads import action, block_actions
from tests.scenario.home_steps import click_home, home_buttons, home_text, open_home
from tests.scenario.moderation_steps import RUDE, routed


def test_moderator_home_shows_the_queue_and_a_click_decides(make_bench):
    bench = make_bench()
    _, case = routed(bench, RUDE)
    view = open_home(bench, "UMOD1")
    assert view["type"] == "home" and len(view["blocks"]) <= 100
    text = home_text(view)
    assert f"#{case.id}" in text and "1 opened, 0 decided" in text and "Open now:* 1" in text
    assert "harassment.insult" in text  # the rules' section
    buttons = {(a, v) for _, a, v in home_buttons(view)}
    assert {(ids.ACT_WARN, str(case.id)), (ids.ACT_DISMISS, str(case.id))} <= buttons
    # Dismiss from App Home: the card's own rules and handler, then the home again.
    view = click_home(bench, "UMOD1", f"case_{case.id}", ids.ACT_DISMISS, str(case.id))
    assert cases_db.get(bench.rt.store.db, case.id).status == "dismissed"
    text = home_text(view)
    assert "Nothing is waiting" in text and "1 decided" in text
    assert "0 right, 1 wrong" in text  # the decision is credited to the rule
    # Another moderator's open home follows changes through the refresh job
    # (at most once a minute each: the debounce), not on every change.
    open_home(bench, "UMOD2")
    calls = len(bench.fake.calls_to("views.publish"))
    assert bench.rt.services.home.refresh() == 0  # nothing changed since
    _, newer = routed(bench, RUDE, user="UDAVE")
    assert len(bench.fake.calls_to("views.publish")) == calls  # a new case publishes nothing by itself
    assert bench.rt.services.home.refresh() == 2  # both moderators' homes
    assert f"#{newer.id}" in home_text(bench.fake.home_views["UMOD2"])


def test_an_escalated_case_and_reveal_from_app_home(make_bench):
    bench = make_bench()
    _, case = routed(bench, RUDE)
    cases_db.escalate(bench.rt.store.db, case.id, by="UMOD2", now=bench.clock.now())
    view = open_home(bench, "UMOD1")  # escalated: only "Add note" is left for the menu, so no menu
    assert f"#{case.id}" in home_text(view) and "modbot_case_more" not in home_text(view)
    # Reveal is not offered in App Home (its only answer there would be a DM keeping the text).
    payload_view = bench.fake.home_views["UMOD1"]
    act = action(ids.ACT_MORE, type="overflow", block_id=f"case_{case.id}",
                 selected_option={"text": {"type": "plain_text", "text": "reveal"}, "value": "reveal"})
    assert bench.client.post_form(block_actions([act], "UMOD1", view=payload_view)).status == 200
    bench.settle()
    assert "reveal" not in [e.action for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]
    dms = [c.args.get("text", "") for c in bench.fake.calls_to("chat.postMessage") if c.args.get("channel") == "UMOD1"]
    assert any("Reveal from the case card" in t for t in dms)
    assert RUDE not in json.dumps(dms)


def test_a_member_sees_their_own_standing_not_the_queue(make_bench):
    bench = make_bench()
    routed(bench, RUDE)
    view = open_home(bench, "UALICE")
    text = home_text(view)
    assert "Your standing" in text and "Active warnings" in text and "Flags you made" in text
    assert "Open cases" not in text and "harassment" not in text
    # A member's click on a case button from a forged Home is refused like any other.
    case = cases_db.for_message(bench.rt.store.db, channel="CGENERAL", ts=cases_db.get(bench.rt.store.db, 1).ts)
    click_home(bench, "UALICE", f"case_{case.id}", ids.ACT_DISMISS, str(case.id))
    assert cases_db.get(bench.rt.store.db, case.id).status == "open"
    assert ("UALICE", "refused:dismiss") in [(e.actor, e.action) for e in audit_db.entries(bench.rt.store.db)]


def test_a_long_queue_stays_within_slacks_limits(make_bench):
    bench = make_bench()
    for i in range(30):
        cases_db.open_case(bench.rt.store.db, channel="CSYNTH", ts=f"1700000000.{i:06d}", author="UBOB",
                           source="flag", excerpt_masked="x", severity=("low", "critical")[i % 2],
                           now=bench.clock.now() - i * 60)
    view = open_home(bench, "UMOD1")  # the fake refuses more than 100 blocks or bad Block Kit
    assert len(view["blocks"]) <= 100
    text = home_text(view)
    assert "10 more open cases" in text
    # Most severe first, oldest first within a severity.
    shown = [int(b) for b, a, _ in ((b.removeprefix("case_"), a, v) for b, a, v in home_buttons(view))
             if a == ids.ACT_WARN]
    severities = [cases_db.get(bench.rt.store.db, n).severity for n in shown]
    assert severities == ["critical"] * 15 + ["low"] * 5
    created = [cases_db.get(bench.rt.store.db, n).created_at for n in shown[:15]]
    assert created == sorted(created)


def test_shadow_findings_are_marked_from_app_home(make_bench):
    bench = make_bench(config={"policies": {"harassment": {"shadow": True}}})
    _, case = routed(bench, RUDE)
    assert case is None  # shadow: recorded, not acted on
    view = open_home(bench, "UMOD1")
    marks = [(b, a, v) for b, a, v in home_buttons(view) if a == ids.ACT_HOME_SHADOW_RIGHT]
    assert len(marks) == 1
    view = click_home(bench, "UMOD1", *marks[0])
    shadow = rq_db.shadow_findings(bench.rt.store.db)
    assert [(s.rule, s.right) for s in shadow] == [("harassment.insult", True)]
    assert "shadow 1 (1 marked right, 0 wrong)" in home_text(view)
    assert not [b for b in home_buttons(view) if b[1] == ids.ACT_HOME_SHADOW_RIGHT]  # marked: gone from the list
