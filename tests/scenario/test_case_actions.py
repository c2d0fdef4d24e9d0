"""Dismiss, Escalate, Reveal, Add note; and who may click at all."""
from __future__ import annotations

from bot import ids
from storage import audit as audit_db
from tests.harness import GENERAL, MOD_CHANNEL
from tests.scenario.moderation_steps import (
    CARD_CARD, RUDE, action_ids, card_for, card_text, case_for, click, last_modal, routed, submit, text_input, thread,
)

def test_dismiss_closes_the_case_with_no_action(bench):
    ts, case = routed(bench)
    click(bench, "UMOD2", ids.ACT_DISMISS, case.id)
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.status == "dismissed" and case.handled_by == "UMOD2"
    assert bench.fake.find_message(GENERAL, ts) is not None and bench.fake.dms("UCAROL") == []
    card = card_for(bench, case.id)
    assert "Dismissed by <@UMOD2>" in card_text(card)
    buttons = action_ids(card)
    assert buttons == [ids.ACT_MORE]
    assert card.get("edited"), "the card is updated in place"


def test_a_non_moderator_click_is_refused_privately_and_recorded(bench):
    ts, case = routed(bench)
    for action_id in (ids.ACT_REMOVE, ids.ACT_DISMISS, ids.ACT_WARN):
        click(bench, "UALICE", action_id, case.id)
    click(bench, "UALICE", ids.ACT_MORE, case.id, option="reveal")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.status == "open" and case.removal == "none"
    assert bench.fake.find_message(GENERAL, ts) is not None
    assert [v for v in bench.fake.views_opened() if v["callback_id"] == ids.VIEW_WARN] == []
    # Alice is not in the moderator channel, so the refusal reaches her by DM.
    told = bench.fake.dms("UALICE") + bench.fake.ephemerals("UALICE")
    assert len(told) == 4 and all("Only moderators" in m["text"] for m in told)
    assert RUDE not in str(told)
    refused = [(e.actor, e.action, e.outcome) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)
               if e.action.startswith("refused:")]
    assert refused == [("UALICE", "refused:remove", "not_a_moderator"), ("UALICE", "refused:dismiss", "not_a_moderator"),
                       ("UALICE", "refused:warn", "not_a_moderator"), ("UALICE", "refused:reveal", "not_a_moderator")]


def test_a_moderator_removed_from_the_channel_loses_rights_after_the_cache(make_bench):
    bench = make_bench(config={"moderation": {"moderator_cache_seconds": 30}})
    ts, case = routed(bench)
    bench.fake.channels[MOD_CHANNEL]["members"].remove("UMOD2")
    bench.clock.advance(31)
    click(bench, "UMOD2", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"


def test_reveal_shows_the_text_to_that_moderator_only_and_is_recorded(bench):
    ts, case = routed(bench, f"pay me, card {CARD_CARD}, you idiot")
    click(bench, "UMOD1", ids.ACT_MORE, case.id, option="reveal")
    bench.settle()
    shown = bench.fake.ephemerals("UMOD1")
    assert len(shown) == 1 and CARD_CARD in shown[0]["text"] and shown[0]["channel"] == MOD_CHANNEL
    assert bench.fake.ephemerals("UMOD2") == []
    assert all(CARD_CARD not in m.get("text", "") + str(m.get("blocks")) for m in bench.fake.messages(MOD_CHANNEL))
    assert ("UMOD1", "reveal") in [(e.actor, e.action) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]


def test_escalate_marks_the_case_and_pings_the_contacts_in_the_thread(make_bench):
    bench = make_bench(config={"moderation": {"escalation_contacts": ["UADMIN"]}})
    ts, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_MORE, case.id, option="escalate")
    click(bench, "UMOD2", ids.ACT_MORE, case.id, option="escalate")
    bench.settle()
    replies = thread(bench, case.id)
    assert len(replies) == 1 and "<@UADMIN>" in replies[0]["text"] and "escalated" in replies[0]["text"]
    assert "Escalated for legal or law-enforcement follow-up by <@UMOD1>" in card_text(card_for(bench, case.id))
    assert "already escalated" in bench.fake.ephemerals("UMOD2")[0]["text"]


def test_add_note_goes_to_the_thread_masked(bench):
    ts, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_MORE, case.id, option="note")
    modal = last_modal(bench, ids.VIEW_NOTE)
    resp = submit(bench, "UMOD1", ids.VIEW_NOTE, {"note": text_input("She called me from +44 7700 900123 about it", "note_input")},
                  private_metadata=modal["private_metadata"], view_id=modal["id"])
    assert resp.status == 200
    bench.settle()
    replies = thread(bench, case.id)
    assert len(replies) == 1 and "Note from <@UMOD1>" in replies[0]["text"]
    assert "900123" not in replies[0]["text"]
    assert "1 note in the thread" in card_text(card_for(bench, case.id))
