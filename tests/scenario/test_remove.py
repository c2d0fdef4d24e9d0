"""Remove: chat.delete with the admin token; without it, or when Slack
refuses, the card says so plainly and the case stays open."""
from __future__ import annotations

from bot import ids
from storage import audit as audit_db
from tests.harness import GENERAL
from tests.scenario.moderation_steps import RUDE, action_ids, card_for, card_text, case_for, click, flag, routed


def _routed_case(bench):
    ts, case = routed(bench)
    assert case is not None and case.removal == "none"
    return ts, case


def test_remove_with_the_admin_token(bench):
    ts, case = _routed_case(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    deletes = [c for c in bench.fake.calls_to("chat.delete") if c.ok]
    assert [(c.args["ts"], c.token_kind) for c in deletes] == [(ts, "user")]
    assert bench.fake.find_message(GENERAL, ts) is None
    case = case_for(bench, GENERAL, ts)
    assert case.removal == "done" and case.removed_by == "UMOD1" and case.status == "open"
    text = card_text(card_for(bench, case.id))
    assert "Message removed by <@UMOD1>" in text
    # Remove is combinable: Warn and Suspend remain; Remove is gone.
    buttons = action_ids(card_for(bench, case.id))
    assert ids.ACT_REMOVE not in buttons and ids.ACT_WARN in buttons
    entries = [(e.actor, e.action, e.outcome) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]
    assert ("UMOD1", "remove", "queued") in entries and ("modbot", "remove_result", "ok") in entries


def test_remove_without_the_admin_token_says_what_to_do(make_bench):
    bench = make_bench(admin=False)
    ts, case = _routed_case(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    assert bench.fake.calls_to("chat.delete") == []
    assert bench.fake.find_message(GENERAL, ts) is not None
    case = case_for(bench, GENERAL, ts)
    assert case.status == "open" and case.removal == "failed" and case.removal_error == "no_admin_token"
    text = card_text(card_for(bench, case.id))
    assert "no admin token" in text and "delete it by hand" in text and "stays open" in text
    entries = [(e.actor, e.action, e.outcome) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)]
    assert ("UMOD1", "remove", "no_admin_token") in entries


def test_severe_finding_without_admin_token_is_routed_with_an_explanation(make_bench):
    bench = make_bench(admin=False)
    ts = bench.say("UBOB", "my card 4111 1111 1111 1111 for whoever wants it")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.removal == "failed" and bench.fake.find_message(GENERAL, ts) is not None
    assert "still up" in card_text(card_for(bench, case.id))


def test_slack_refusing_the_delete_keeps_the_case_open(bench):
    ts, case = _routed_case(bench)
    # The admin token's owner lost admin rights: Slack answers cant_delete_message.
    bench.fake.users["UADMIN"]["is_admin"] = False
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.removal == "failed" and case.removal_error == "cant_delete_message" and case.status == "open"
    text = card_text(card_for(bench, case.id))
    assert "Slack refused to delete it (cant_delete_message)" in text and "Try Remove again" in text
    # Fixed, and tried again from the same button.
    bench.fake.users["UADMIN"]["is_admin"] = True
    click(bench, "UMOD2", ids.ACT_REMOVE, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).removal == "done"
    assert bench.fake.find_message(GENERAL, ts) is None


def test_deleting_by_hand_is_noticed(make_bench):
    from tests.fakeslack.payloads import message_deleted

    bench = make_bench(admin=False)
    ts, case = _routed_case(bench)
    bench.event(message_deleted(GENERAL, "UCAROL", RUDE, ts))
    bench.settle()
    assert case_for(bench, GENERAL, ts).removal == "done"


def test_flag_then_remove_uses_one_case(bench):
    ts = bench.say("UBOB", "meh")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="spam")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    click(bench, "UMOD2", ids.ACT_REMOVE, case.id)
    bench.settle()
    assert bench.fake.find_message(GENERAL, ts) is None


def test_close_after_remove_ends_the_case_without_a_sanction(bench):
    ts, case = _routed_case(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    click(bench, "UMOD1", ids.ACT_CLOSE, case.id)
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.status == "closed" and case.handled_action == "close"
    # No sanction; the one DM is the removal notice every removal now sends (issue 11, bug 4).
    dms = bench.fake.dms("UCAROL")
    assert len(dms) == 1 and "was removed" in dms[0]["text"]
    assert "Closed by <@UMOD1> with no further action" in card_text(card_for(bench, case.id))
