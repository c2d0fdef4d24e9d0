"""The Flag message shortcut: modal within the trigger's life, reasons,
private confirmation, one flag per member, daily cap, weighted threshold."""
from __future__ import annotations

import json

from bot import ids
from storage import cases as cases_db
from tests.harness import GENERAL
from tests.scenario.moderation_steps import card_for, card_text, case_for, cards, flag


def test_flag_opens_a_modal_and_submitting_creates_a_case_with_a_card(bench):
    ts = bench.say("UBOB", "buy cheap followers now at my site")
    bench.settle()
    resp = flag(bench, "UALICE", GENERAL, ts, reason="spam", note="he posts this every day")
    assert resp.status == 200
    answer = json.loads(resp.body)
    assert answer["response_action"] == "update"
    assert "Thank you" in json.dumps(answer["view"])
    modal = [v for v in bench.fake.views_opened() if v["callback_id"] == ids.VIEW_FLAG][-1]
    reasons = [o["value"] for o in modal["blocks"][1]["element"]["options"]]
    assert "spam" in reasons and "harassment" in reasons and reasons[-1] == "other"
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case is not None and case.source in ("flag", "auto")
    text = card_text(card_for(bench, case.id))
    assert "Flagged by 1 member" in text and "he posts this every day" in text
    assert "UALICE" not in text, "the card does not name flaggers"
    # The author is told nothing.
    assert bench.fake.dms("UBOB") == [] and bench.fake.ephemerals("UBOB") == []


def test_something_else_needs_a_note(bench):
    ts = bench.say("UBOB", "a perfectly odd message")
    bench.settle()
    resp = flag(bench, "UALICE", GENERAL, ts, reason="other", note=None)
    answer = json.loads(resp.body)
    assert answer["response_action"] == "errors" and "note" in answer["errors"]
    assert case_for(bench, GENERAL, ts) is None
    resp = flag(bench, "UALICE", GENERAL, ts, reason="other", note="seems to be a scam link")
    assert json.loads(resp.body)["response_action"] == "update"
    bench.settle()
    assert case_for(bench, GENERAL, ts) is not None


def test_flags_from_several_members_join_one_case_and_a_member_flags_once(bench):
    ts = bench.say("UBOB", "this channel is boring, come to my server instead")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="spam")
    flag(bench, "UCAROL", GENERAL, ts, reason="off_topic")
    again = flag(bench, "UALICE", GENERAL, ts, reason="spam")
    assert "already flagged" in json.dumps(again)
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert len(cases_db.flags(bench.rt.store.db, case.id)) == 2
    assert len(cards(bench)) == 1
    text = card_text(card_for(bench, case.id))
    assert "Flagged by 2 members" in text


def test_flag_weight_past_the_threshold_removes_pending_review(make_bench):
    bench = make_bench(config={"moderation": {"flag_remove_threshold": 2.0}})
    ts = bench.say("UBOB", "whatever you think, this is my message")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="harassment")
    bench.settle()
    assert bench.fake.find_message(GENERAL, ts) is not None
    resp = flag(bench, "UCAROL", GENERAL, ts, reason="harassment")
    assert "hidden until a moderator reviews it" in resp.body
    bench.settle()
    assert bench.fake.find_message(GENERAL, ts) is None
    case = case_for(bench, GENERAL, ts)
    assert case.removal == "done" and case.removed_reason == "flags" and case.status == "open"
    assert "pending review" in card_text(card_for(bench, case.id))
    assert cases_db.snapshot_for(bench.rt.store.db, case_id=case.id).text == "whatever you think, this is my message"


def test_a_moderator_flag_weighs_more(make_bench):
    bench = make_bench(config={"moderation": {"flag_remove_threshold": 3.0}})
    ts = bench.say("UBOB", "some questionable words")
    bench.settle()
    flag(bench, "UMOD1", GENERAL, ts, reason="vulgar")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.flag_weight == 3.0 and case.removal == "done"


def test_daily_cap_and_own_messages(make_bench):
    bench = make_bench(config={"moderation": {"flag_daily_cap": 1}})
    first = bench.say("UBOB", "first message")
    second = bench.say("UCAROL", "second message")
    own = bench.say("UALICE", "my own message")
    bench.settle()
    flag(bench, "UALICE", GENERAL, first, reason="spam")
    capped = flag(bench, "UALICE", GENERAL, second, reason="spam")
    assert "limit of 1 flags" in json.dumps(capped)
    assert "cannot flag your own message" in json.dumps(flag(bench, "UDAVE", GENERAL, bench.say("UDAVE", "mine"), reason="spam"))
    bench.clock.advance(days=1.01)
    ok = flag(bench, "UALICE", GENERAL, second, reason="spam")
    assert "Thank you" in ok.body
    assert own


def test_the_modal_opens_from_the_shortcut_with_a_fresh_trigger(bench):
    """views.open uses the payload's trigger_id directly (no queue), so it
    happens inside Slack's 3 seconds: the fake refuses a reused trigger."""
    ts = bench.say("UBOB", "hello")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="spam")
    call = [c for c in bench.fake.calls_to("views.open")][-1]
    assert call.ok
