"""Appeals: from the Appeal button in a DM, through the case thread (a
moderator other than the decider is asked), to the decision sent back."""
from __future__ import annotations

import json

from bot import ids
from storage import sanctions as sanctions_db
from tests.fakeslack.payloads import action, block_actions
from tests.harness import GENERAL, MOD_CHANNEL
from tests.scenario.moderation_steps import (
    card_for, card_text, last_modal, routed, submit, suspend, text_input, thread, warn,
)


def _press(bench, user: str, msg: dict, action_id: str, *, block_id: str, channel: str, **where):
    button = [e for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id][0]
    payload = block_actions([action(action_id, value=button["value"], block_id=block_id)], user, channel=channel,
                            message=msg, trigger_id=bench.fake.new_trigger_id(), **where)
    assert bench.client.post_form(payload).status == 200


def _press_in_dm(bench, user: str, dm: dict, action_id: str = ids.ACT_APPEAL, *, owner: str | None = None):
    _press(bench, user, dm, action_id, block_id="appeal", channel=bench.fake.dm_channel(owner or user),
           channel_name="directmessage")


def _press_in_thread(bench, user: str, msg: dict, action_id: str):
    _press(bench, user, msg, action_id, block_id="appeal_decision", channel=MOD_CHANNEL)


def _appeal(bench, user: str, text: str):
    modal = last_modal(bench, ids.VIEW_APPEAL)
    return submit(bench, user, ids.VIEW_APPEAL, {"appeal": text_input(text, "appeal_input")},
                  private_metadata=modal["private_metadata"], view_id=modal["id"])


def _warned(bench):
    _, case = routed(bench)
    warn(bench, "UMOD1", case.id)
    bench.settle()
    return case


def _appealed_suspension(bench, *, days: int, text: str):
    """Carol is suspended by UMOD2 and appeals from the DM; returns the case."""
    _, case = routed(bench)
    suspend(bench, "UMOD2", case.id, days=days)
    bench.settle()
    _press_in_dm(bench, "UCAROL", bench.fake.dms("UCAROL")[0])
    _appeal(bench, "UCAROL", text)
    bench.settle()
    return case


def test_appeal_reversed_revokes_the_warning_and_tells_the_member(bench):
    case = _warned(bench)
    _press_in_dm(bench, "UCAROL", bench.fake.dms("UCAROL")[0])
    resp = _appeal(bench, "UCAROL", "I was quoting the troll who said that to me, call me on 07700 900123")
    assert "Your appeal is with the moderators" in resp.body
    bench.settle()
    posted = thread(bench, case.id)
    assert len(posted) == 1
    appeal_msg = posted[0]
    body = json.dumps(appeal_msg["blocks"])
    assert "I was quoting the troll" in body and "900123" not in body
    mentioned = [u for u in ("UMOD2", "UADMIN") if f"<@{u}>, please review" in body]
    assert len(mentioned) == 1 and "<@UMOD1>, please" not in body
    # The decider may not decide their own appeal while others can.
    _press_in_thread(bench, "UMOD1", appeal_msg, ids.ACT_APPEAL_REVERSE)
    assert "another moderator should review" in bench.fake.ephemerals("UMOD1")[-1]["text"]
    _press_in_thread(bench, "UMOD2", appeal_msg, ids.ACT_APPEAL_REVERSE)
    bench.settle()
    warning = sanctions_db.warnings_for(bench.rt.store.db, user_id="UCAROL")[0]
    assert warning.revoked_at is not None and warning.revoked_by == "UMOD2"
    dms = bench.fake.dms("UCAROL")
    assert "accepted" in dms[-1]["text"] and "reversed" in dms[-1]["text"]
    updated = bench.fake.find_message(MOD_CHANNEL, appeal_msg["ts"])
    assert "*reversed* by <@UMOD2>" in json.dumps(updated["blocks"]) and '"actions"' not in json.dumps(updated["blocks"])
    assert "Appeal by <@UCAROL>: reversed by <@UMOD2>" in card_text(card_for(bench, case.id))
    # Reversed warnings no longer step up the suggestion.
    assert bench.rt.services.moderation.suspensions.suggested_duration("UCAROL")[0] == 1


def test_one_appeal_per_decision_and_only_by_the_member(bench):
    _warned(bench)
    dm = bench.fake.dms("UCAROL")[0]
    _press_in_dm(bench, "UBOB", dm, owner="UCAROL")  # someone else pressing Carol's button
    assert "not for you" in json.dumps(bench.fake.views_opened()[-1])
    _press_in_dm(bench, "UCAROL", dm)
    modal = last_modal(bench, ids.VIEW_APPEAL)
    first = _appeal(bench, "UCAROL", "This is my first and only appeal text")
    second = submit(bench, "UCAROL", ids.VIEW_APPEAL, {"appeal": text_input("And a second try at it", "appeal_input")},
                    private_metadata=modal["private_metadata"])
    assert "Your appeal is with" in first.body and "already appealed" in second.body
    _press_in_dm(bench, "UCAROL", dm)
    assert "already appealed" in json.dumps(bench.fake.views_opened()[-1])
    assert len(bench.rt.store.db.execute("SELECT id FROM appeals").fetchall()) == 1


def test_appeal_upheld_against_a_suspension_keeps_it(bench):
    case = _appealed_suspension(bench, days=7, text="Seven days is too long for one message")
    appeal_msg = thread(bench, case.id)[0]
    _press_in_thread(bench, "UMOD1", appeal_msg, ids.ACT_APPEAL_UPHOLD)
    _press_in_thread(bench, "UADMIN", appeal_msg, ids.ACT_APPEAL_REVERSE)  # too late
    bench.settle()
    s = sanctions_db.suspensions_for(bench.rt.store.db, user_id="UCAROL")[0]
    assert s.lifted_at is None
    assert "decision stands" in bench.fake.dms("UCAROL")[-1]["text"]
    assert "already upheld by <@UMOD1>" in bench.fake.ephemerals("UADMIN")[-1]["text"]


def test_reversing_a_suspension_lifts_it(bench):
    case = _appealed_suspension(bench, days=30, text="It was my colleague on my laptop, sorry")
    _press_in_thread(bench, "UMOD1", thread(bench, case.id)[0], ids.ACT_APPEAL_REVERSE)
    bench.settle()
    after = bench.say("UCAROL", "hello, I am back")
    bench.settle()
    assert bench.fake.find_message(GENERAL, after) is not None
