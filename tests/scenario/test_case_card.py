"""An automatic case: a finding opens a case and posts a masked card to the
moderator channel; a severe one is removed at once with the admin token."""
from __future__ import annotations

from storage import audit as audit_db
from storage import cases as cases_db
from tests.harness import GENERAL, MOD_CHANNEL
from tests.scenario.moderation_steps import CARD_CARD, card_for, card_text, case_for, cards


def test_severe_finding_is_removed_at_once_and_the_card_says_so(bench):
    ts = bench.say("UBOB", f"selling my old card {CARD_CARD} exp 12/29, dm me")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case is not None and case.source == "auto"
    deletes = bench.fake.calls_to("chat.delete")
    assert [(c.args["channel"], c.args["ts"], c.token_kind) for c in deletes if c.ok] == [(GENERAL, ts, "user")]
    assert bench.fake.find_message(GENERAL, ts) is None
    snap = cases_db.snapshot_for(bench.rt.store.db, case_id=case.id)
    assert snap is not None and CARD_CARD in snap.text and snap.author == "UBOB"
    card = card_for(bench, case.id)
    text = card_text(card)
    assert f"Case #{case.id}" in text and "<@UBOB>" in text and f"<#{GENERAL}>" in text
    assert "privacy.card_number" in text and "removed automatically" in text
    assert "1111 1111 1111" not in text and "4111" not in text
    assert case_for(bench, GENERAL, ts).removal == "done"
    actions = [e.action for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]
    assert "case_opened" in actions and "remove" in actions and "remove_result" in actions


def test_a_routed_finding_gets_a_card_with_buttons_and_stays_up(bench):
    ts = bench.say("UCAROL", "you are a worthless idiot and everyone here hates you")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case is not None, "the abuse check found nothing"
    assert bench.fake.find_message(GENERAL, ts) is not None, "a routed message must stay up"
    card = card_for(bench, case.id)
    actions = [b for b in card["blocks"] if b["type"] == "actions"][0]
    ids_ = [e["action_id"] for e in actions["elements"]]
    assert ids_ == ["modbot_case_remove", "modbot_case_warn", "modbot_case_suspend", "modbot_case_dismiss", "modbot_case_more"]
    more = actions["elements"][-1]["options"]
    assert [o["value"] for o in more] == ["escalate", "reveal", "note"]
    assert "permalink" not in card_text(card) and "slack.com/archives" in card_text(card)


def test_an_ordinary_message_opens_no_case(bench):
    bench.say("UDAVE", "Has anyone tried the new release? The docs look great.")
    bench.settle()
    assert cards(bench) == []
    assert bench.rt.store.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0


def test_an_edit_joins_the_same_case(bench):
    ts = bench.say("UCAROL", "you are a worthless idiot")
    bench.settle()
    from tests.fakeslack.payloads import message_changed

    bench.event(message_changed(GENERAL, "UCAROL", "you are a worthless idiot", "you are a worthless idiot, call me 07700 900123", ts))
    bench.settle()
    assert bench.rt.store.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    assert len(cards(bench)) == 1
    case = case_for(bench, GENERAL, ts)
    assert "900123" not in card_text(card_for(bench, case.id))


def test_the_moderator_channel_itself_is_not_checked(bench):
    bench.say("UMOD1", f"test card {CARD_CARD}", channel=MOD_CHANNEL)
    bench.settle()
    assert bench.rt.store.db.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
