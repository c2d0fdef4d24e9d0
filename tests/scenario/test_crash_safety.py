"""A real `modbot serve` process killed at chosen points loses nothing and
does nothing twice once restarted."""
from __future__ import annotations

import time

import pytest

import json

from bot import ids
from storage import open_db
from storage import events as events_db
from storage import messages as messages_db
from storage import outbox as outbox_db
from storage import sanctions as sanctions_db
from tests.fakeslack.payloads import (SlackClientSim, action, block_actions, message_event, team_join, view_object,
                                      view_submission)
from tests.harness import GENERAL, HELP, MOD_CHANNEL, SIGNING_SECRET
from tests.procs import start_serve
from tests.scenario.moderation_steps import RUDE  # routed to the moderators, left up
from tests.scenario.moderation_steps import checked, select, text_input


def _wait(predicate, timeout=20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    return predicate()


def test_killed_after_storing_the_event_but_before_the_ack(fake_slack, tmp_path):
    db_path = tmp_path / "crash.db"
    first = start_serve(fake_slack, db_path, crash_at="event_stored")
    ts = fake_slack.add_message(GENERAL, "UALICE", "written just before the crash")
    ev = message_event(GENERAL, "UALICE", "written just before the crash", ts=ts)
    client = SlackClientSim(first.base_url, SIGNING_SECRET)
    with pytest.raises(Exception):
        # the process dies before answering: Slack sees no ack
        resp = client.post_event(ev, event_id="EvCRASH1")
        if resp.status >= 500:
            raise RuntimeError(resp.status)
    first.kill()
    assert first.proc.returncode != 0

    second = start_serve(fake_slack, db_path)
    try:
        db = open_db(db_path)
        # processed at start-up from the inbox, without waiting for Slack
        assert _wait(lambda: (events_db.event_status(db, "EvCRASH1") or {}).get("status") == "done"), second.log()
        assert messages_db.get(db, channel=GENERAL, ts=ts) is not None
        # Slack's redelivery (it saw no ack) is acknowledged and skipped
        again = SlackClientSim(second.base_url, SIGNING_SECRET).post_event(ev, event_id="EvCRASH1", retry_num=1)
        assert again.status == 200
        status = events_db.event_status(db, "EvCRASH1")
        assert status["deliveries"] == 2 and status["status"] == "done" and status["attempts"] == 1
    finally:
        second.stop()


def test_killed_after_handling_before_marking_done_replays_idempotently(fake_slack, tmp_path):
    db_path = tmp_path / "crash2.db"
    first = start_serve(fake_slack, db_path, crash_at="event_handled")
    ts = fake_slack.add_message(GENERAL, "UBOB", "handled then crashed")
    ev = message_event(GENERAL, "UBOB", "handled then crashed", ts=ts)
    resp = SlackClientSim(first.base_url, SIGNING_SECRET).post_event(ev, event_id="EvCRASH2")
    assert resp.status == 200  # acked: the crash comes later, in the worker
    assert _wait(lambda: first.proc.poll() is not None)
    db = open_db(db_path)
    assert events_db.event_status(db, "EvCRASH2")["status"] == "pending"

    second = start_serve(fake_slack, db_path)
    try:
        assert _wait(lambda: events_db.event_status(db, "EvCRASH2")["status"] == "done"), second.log()
        rows = db.execute("SELECT count(*) FROM messages WHERE channel = ? AND ts = ?", [GENERAL, ts]).fetchone()[0]
        assert rows == 1
    finally:
        second.stop()


def _cards(fake):
    return [m for m in fake.messages(MOD_CHANNEL, include_replies=False) if "Case #" in str(m.get("text", "")) + str(m.get("blocks", ""))]


@pytest.mark.parametrize("point", ["outbox_before_call:card_post", "outbox_after_call:card_post"])
def test_killed_around_posting_the_card_gives_exactly_one_card(fake_slack, tmp_path, point):
    db_path = tmp_path / "card.db"
    first = start_serve(fake_slack, db_path, crash_at=point)
    text = "I will find where you live and kill you"
    ts = fake_slack.add_message(GENERAL, "UCAROL", text)
    resp = SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UCAROL", text, ts=ts), event_id="EvCARD")
    assert resp.status == 200
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    posted_before_restart = len(_cards(fake_slack))
    assert posted_before_restart == (1 if point.startswith("outbox_after") else 0)

    second = start_serve(fake_slack, db_path)
    try:
        db = open_db(db_path)
        assert _wait(lambda: db.execute("SELECT count(*) FROM outbox WHERE purpose = 'card_post' AND status = 'done'").fetchone()[0] == 1), second.log()
        assert len(_cards(fake_slack)) == 1
        assert db.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
    finally:
        second.stop()


def test_killed_after_a_removal_reached_slack_removes_once_and_records_it(fake_slack, tmp_path):
    db_path = tmp_path / "remove.db"
    first = start_serve(fake_slack, db_path, crash_at="outbox_after_call:remove")
    text = "my card is 4111 1111 1111 1111 exp 09/29"
    ts = fake_slack.add_message(GENERAL, "UDAVE", text)
    SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UDAVE", text, ts=ts), event_id="EvREMOVE")
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    assert fake_slack.find_message(GENERAL, ts) is None  # Slack deleted it before the crash

    second = start_serve(fake_slack, db_path)
    try:
        db = open_db(db_path)
        assert _wait(lambda: db.execute("SELECT count(*) FROM outbox WHERE purpose = 'remove' AND status = 'done'").fetchone()[0] == 1), second.log()
        deletes = [c for c in fake_slack.calls_to("chat.delete") if c.args.get("ts") == ts]
        # the repeat is answered message_not_found and taken as done: no error, one removal
        assert [c.ok for c in deletes][0] is True
        # The removal is recorded on the case by the follow-up that runs just
        # after the outbox row is marked done: wait for it, do not race it.
        assert _wait(lambda: db.execute("SELECT message_removed FROM cases").fetchone()[0] == 1)
        assert _wait(lambda: len(_cards(fake_slack)) == 1)
    finally:
        second.stop()


def _case_row(db):
    row = db.execute("SELECT card_ts, removal FROM cases").fetchone()
    return row if row else (None, None)


@pytest.mark.parametrize("purpose", ["card_post", "remove"])
def test_killed_after_a_call_was_marked_done_its_follow_up_runs_at_restart(fake_slack, tmp_path, purpose):
    """The gap between marking a call done and what follows it: the card's
    ts recorded on the case (else the card is never updated again), the
    removal recorded and its author told. Killed there, the restart runs it."""
    db_path = tmp_path / f"done-{purpose}.db"
    first = start_serve(fake_slack, db_path, crash_at=f"outbox_after_done:{purpose}")
    text = "my card is 4111 1111 1111 1111 exp 09/29"  # removed at once, and a card
    ts = fake_slack.add_message(GENERAL, "UDAVE", text)
    SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UDAVE", text, ts=ts),
                                                              event_id="EvDONE")
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    db = open_db(db_path)
    done = db.execute("SELECT count(*) FROM outbox WHERE purpose = ? AND status = 'done'", [purpose]).fetchone()[0]
    assert done == 1  # Slack took the call and the row says so: only the follow-up is missing

    second = start_serve(fake_slack, db_path)
    try:
        [card] = _wait(lambda: _cards(fake_slack))
        # The case knows its card (the card is updated in place from now on)
        # and its removal; the author is told of the removal, once.
        assert _wait(lambda: _case_row(db) == (card["ts"], "done")), (_case_row(db), second.log())
        assert _wait(lambda: len(fake_slack.dms("UDAVE")) == 1), second.log()

        def card_says_removed():
            return "Message removed automatically" in str(fake_slack.find_message(MOD_CHANNEL, card["ts"]))

        assert _wait(card_says_removed), second.log()
        assert len(_cards(fake_slack)) == 1 and len(fake_slack.dms("UDAVE")) == 1
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True]
    finally:
        second.stop()


FLOOD_TEXT = "Join my trading group for guaranteed daily returns, message me now"


def _flood_config(tmp_path):
    path = tmp_path / "modbot.toml"
    path.write_text('[moderation]\nflood_response = "remove"\n')
    return path


def _post(fake, serve, user, text, *, channel, event_id):
    ts = fake.add_message(channel, user, text)
    resp = SlackClientSim(serve.base_url, SIGNING_SECRET).post_event(message_event(channel, user, text, ts=ts),
                                                                     event_id=event_id)
    assert resp.status == 200
    return ts


def test_killed_after_a_flood_message_joined_its_case_its_removal_is_still_made(fake_slack, tmp_path):
    """The gap between a flood's message joining its case and its removal
    being queued (flood_response = remove). Killed there, the replayed
    event must still remove the message, once: before the fix the join was
    on disk, so the replay took the message as handled and it stayed up."""
    db_path, config = tmp_path / "flood.db", _flood_config(tmp_path)
    db = open_db(db_path)
    first = start_serve(fake_slack, db_path, config=config)
    try:
        # 8 messages are within the limit; the 9th opens the flood case and stays up.
        sent = [_post(fake_slack, first, "UBOB", f"{FLOOD_TEXT} ({i})", channel=(GENERAL, HELP)[i % 2],
                      event_id=f"EvFLOOD{i}") for i in range(9)]
        assert _wait(lambda: db.execute("SELECT count(*) FROM events WHERE status = 'done'").fetchone()[0] == 9), \
            first.log()
        [(case_id, case_ts)] = db.execute("SELECT id, ts FROM cases WHERE kind = 'flood'").fetchall()
        assert case_ts == sent[8]
    finally:
        first.stop()

    # The 10th is a repeat to remove; the process dies just after it joined the case.
    second = start_serve(fake_slack, db_path, config=config, crash_at="flood_joined")
    tenth = _post(fake_slack, second, "UBOB", f"{FLOOD_TEXT} (9)", channel=HELP, event_id="EvFLOOD9")
    assert _wait(lambda: second.proc.poll() is not None), second.log()
    assert events_db.event_status(db, "EvFLOOD9")["status"] == "pending"
    assert fake_slack.find_message(HELP, tenth) is not None

    third = start_serve(fake_slack, db_path, config=config)
    try:
        assert _wait(lambda: events_db.event_status(db, "EvFLOOD9")["status"] == "done"), third.log()
        assert _wait(lambda: fake_slack.find_message(HELP, tenth) is None), (
            "the repeat was never removed", db.execute("SELECT channel, ts, removed FROM case_messages").fetchall(),
            third.log())
        assert _wait(lambda: len(fake_slack.dms("UBOB")) == 1), third.log()
        # Once: one queued removal, one chat.delete, one DM; the case's first message stays up.
        assert [c.ok for c in fake_slack.calls_to("chat.delete") if c.args.get("ts") == tenth] == [True]
        assert db.execute("SELECT count(*) FROM outbox WHERE purpose = 'flood_delete'").fetchone()[0] == 1
        assert db.execute("SELECT case_id, removed FROM case_messages WHERE ts = ?", [tenth]).fetchall() == \
            [(case_id, 1)]
        assert fake_slack.find_message(GENERAL, sent[8]) is not None
        assert len(fake_slack.dms("UBOB")) == 1
    finally:
        third.stop()


RAIDERS = tuple(f"URAIDC{i}" for i in range(5))


def test_killed_after_a_raid_case_opened_it_still_says_why(fake_slack, tmp_path):
    """The gap between a raid's case being opened on the post that made the
    raid and its finding being recorded. Killed there, the replay must
    record it: before the fix the replay took the case as an old one and
    the raid's card showed no reason."""
    db_path = tmp_path / "raid.db"
    db = open_db(db_path)
    first = start_serve(fake_slack, db_path, crash_at="raid_joined")
    client = SlackClientSim(first.base_url, SIGNING_SECRET)
    for uid in RAIDERS:
        user = fake_slack.add_user(uid, uid.lower(), real_name=uid.title())
        for ch in (GENERAL, HELP):
            fake_slack.channels[ch]["members"].append(uid)
        assert client.post_event(team_join(user), event_id=f"EvJOIN{uid}").status == 200
    for i, uid in enumerate(RAIDERS):  # the fifth new account's post makes the raid
        text = f"free crypto signals at <https://t.example/{i}|t.example/{i}>"
        ts = fake_slack.add_message(GENERAL, uid, text)
        client.post_event(message_event(GENERAL, uid, text, ts=ts), event_id=f"EvRAID{i}")
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    assert events_db.event_status(db, "EvRAID4")["status"] == "pending"

    second = start_serve(fake_slack, db_path)
    try:
        assert _wait(lambda: events_db.event_status(db, "EvRAID4")["status"] == "done"), second.log()
        [raid] = db.execute("SELECT id FROM cases WHERE kind = 'raid'").fetchall()
        rules = [r[0] for r in db.execute("SELECT rule FROM findings WHERE case_id = ?", raid).fetchall()]
        assert rules == ["spam.raid"], rules
        opened = db.execute("SELECT count(*) FROM audit_log WHERE action = 'case_opened' AND case_id = ?", raid).fetchone()
        assert opened == (1,)
        assert db.execute("SELECT count(*) FROM case_messages WHERE case_id = ?", raid).fetchone() == (5,)
    finally:
        second.stop()


CARD_NUMBER = "my card is 4111 1111 1111 1111 exp 09/29"  # removed at once, and a card


def test_killed_after_an_automatic_removal_was_claimed_the_replay_removes_it(fake_slack, tmp_path):
    """The gap between the case's removal becoming "pending" and the
    chat.delete being queued. Killed there, the replayed event must still
    remove the message, once: before the fix the claim was on disk with
    nothing queued, and the replay, finding the removal under way, left the
    message up for good."""
    db_path = tmp_path / "claimed.db"
    db = open_db(db_path)
    first = start_serve(fake_slack, db_path, crash_at="removal_claimed")
    ts = fake_slack.add_message(GENERAL, "UDAVE", CARD_NUMBER)
    SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UDAVE", CARD_NUMBER, ts=ts),
                                                              event_id="EvCLAIM")
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    assert events_db.event_status(db, "EvCLAIM")["status"] == "pending"
    assert fake_slack.find_message(GENERAL, ts) is not None

    second = start_serve(fake_slack, db_path)
    try:
        assert _wait(lambda: events_db.event_status(db, "EvCLAIM")["status"] == "done"), second.log()
        assert _wait(lambda: fake_slack.find_message(GENERAL, ts) is None), (
            "the message was never removed", _case_row(db), second.log())
        assert _wait(lambda: _case_row(db)[1] == "done"), (_case_row(db), second.log())
        assert _wait(lambda: len(fake_slack.dms("UDAVE")) == 1), second.log()
        # Once: one queued removal, one chat.delete, one card, one DM.
        assert db.execute("SELECT count(*) FROM outbox WHERE purpose = 'remove'").fetchone()[0] == 1
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True]
        assert _wait(lambda: len(_cards(fake_slack)) == 1)
        assert len(fake_slack.dms("UDAVE")) == 1
    finally:
        second.stop()


def _click(fake, serve, db, user, action_id, *, option=None):
    """A moderator's click on the (only) case's card, as Slack sends it: a
    button, or an option of the More menu."""
    case_id, card_ts = db.execute("SELECT id, card_ts FROM cases").fetchone()
    if option is None:
        act = action(action_id, value=str(case_id), block_id="case_actions")
    else:
        act = action(action_id, type="overflow", block_id="case_actions",
                     selected_option={"text": {"type": "plain_text", "text": option}, "value": option})
    payload = block_actions([act], user, channel=MOD_CHANNEL, message=fake.find_message(MOD_CHANNEL, card_ts),
                            channel_name="moderators")
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(payload)


def _click_remove(fake, serve, db, user):
    return _click(fake, serve, db, user, ids.ACT_REMOVE)


def _routed(fake, db_path, point):
    """A process that will die at `point`, and a rude message of Carol's that
    it routed to the moderators (its card posted): (db, process, ts)."""
    db = open_db(db_path)
    first = start_serve(fake, db_path, crash_at=point)
    ts = fake.add_message(GENERAL, "UCAROL", RUDE)
    SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UCAROL", RUDE, ts=ts),
                                                              event_id="EvRUDE")
    assert _wait(lambda: _case_row(db)[0] and len(_cards(fake)) == 1), first.log()
    return db, first, ts


def _routed_then_killed_at_a_click(fake, db_path, point, action_id, *, option=None):
    """A rude message gets its card; a moderator's click kills the process at `point`."""
    db, first, ts = _routed(fake, db_path, point)
    assert _case_row(db)[1] == "none"
    try:  # the process dies while handling the click: Slack may or may not have had its ack
        _click(fake, first, db, "UMOD1", action_id, option=option)
    except Exception:
        pass
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    return db, ts


def test_killed_after_a_moderator_s_removal_was_claimed_remove_works_again(fake_slack, tmp_path):
    """The same gap on a moderator's Remove. A click is not replayed: the
    moderator clicks again once modbot is back, and that click must remove
    the message. Before the fix the case stayed "pending" with nothing
    queued, and every later click was refused while the message stayed up."""
    db_path = tmp_path / "click.db"
    db, ts = _routed_then_killed_at_a_click(fake_slack, db_path, "removal_claimed", ids.ACT_REMOVE)
    assert fake_slack.find_message(GENERAL, ts) is not None

    second = start_serve(fake_slack, db_path)
    try:
        assert _click_remove(fake_slack, second, db, "UMOD1").status == 200
        assert _wait(lambda: fake_slack.find_message(GENERAL, ts) is None), (
            "the message was never removed", _case_row(db), fake_slack.ephemerals("UMOD1"), second.log())
        assert _wait(lambda: _case_row(db)[1] == "done"), (_case_row(db), second.log())
        assert db.execute("SELECT removed_by, removed_reason FROM cases").fetchone() == ("UMOD1", "moderator")
        assert db.execute("SELECT count(*) FROM outbox WHERE purpose = 'remove'").fetchone()[0] == 1
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True]
        # A click after the removal is told so, and nothing more is done.
        told = len(fake_slack.ephemerals("UMOD2"))
        assert _click_remove(fake_slack, second, db, "UMOD2").status == 200
        assert _wait(lambda: len(fake_slack.ephemerals("UMOD2")) == told + 1), second.log()
        assert "<@UMOD1> removed the message" in fake_slack.ephemerals("UMOD2")[-1]["text"]
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True]
    finally:
        second.stop()


def _escalations(fake):
    return [m for m in fake.messages(MOD_CHANNEL) if m.get("thread_ts") and "escalated for legal" in m.get("text", "")]


def test_killed_after_a_case_was_marked_escalated_escalate_works_again(fake_slack, tmp_path):
    """The gap between the case being marked escalated and the thread post
    that pings the escalation contacts being queued. Escalate is not
    replayed: the moderator clicks again, and the post must be made, once.
    Before the fix the mark was on disk without the post, and the second
    click was told "already escalated": nobody was ever pinged."""
    db_path = tmp_path / "escalate.db"
    db, _ = _routed_then_killed_at_a_click(fake_slack, db_path, "case_escalated", ids.ACT_MORE, option="escalate")
    assert _escalations(fake_slack) == []

    second = start_serve(fake_slack, db_path)
    try:
        assert _click(fake_slack, second, db, "UMOD1", ids.ACT_MORE, option="escalate").status == 200
        assert _wait(lambda: len(_escalations(fake_slack)) == 1), (
            "no escalation was posted", fake_slack.ephemerals("UMOD1"), second.log())
        assert db.execute("SELECT escalated, escalated_by FROM cases").fetchone() == (1, "UMOD1")
        # Another click is told it was escalated, and posts nothing more.
        told = len(fake_slack.ephemerals("UMOD2"))
        assert _click(fake_slack, second, db, "UMOD2", ids.ACT_MORE, option="escalate").status == 200
        assert _wait(lambda: len(fake_slack.ephemerals("UMOD2")) == told + 1), second.log()
        assert "already escalated by <@UMOD1>" in fake_slack.ephemerals("UMOD2")[-1]["text"]
        assert len(_escalations(fake_slack)) == 1
    finally:
        second.stop()


def _suspension_notices(fake, user):
    return [m for m in fake.dms(user) if "suspended" in m.get("text", "")]


def test_killed_after_a_suspended_member_was_marked_told_they_are_still_told(fake_slack, tmp_path):
    """The gap between a suspension being marked "member told" and the
    "you are suspended" DM being queued. Killed there, the replayed event
    must still tell them, once: before the fix the mark was on disk without
    the DM, and the replay (and every later message) took them as told."""
    db_path = tmp_path / "suspended.db"
    db = open_db(db_path)
    sanctions_db.add_suspension(db, user_id="UDAVE", case_id=None, reason="Repeated spam.", days=7,
                                issued_by="UMOD1", now=time.time())
    first = start_serve(fake_slack, db_path, crash_at="suspension_notified")
    ts = fake_slack.add_message(GENERAL, "UDAVE", "back again while suspended")
    SlackClientSim(first.base_url, SIGNING_SECRET).post_event(
        message_event(GENERAL, "UDAVE", "back again while suspended", ts=ts), event_id="EvSUSP")
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    assert events_db.event_status(db, "EvSUSP")["status"] == "pending"

    second = start_serve(fake_slack, db_path)
    try:
        assert _wait(lambda: events_db.event_status(db, "EvSUSP")["status"] == "done"), second.log()
        assert _wait(lambda: fake_slack.find_message(GENERAL, ts) is None), second.log()
        assert _wait(lambda: len(_suspension_notices(fake_slack, "UDAVE")) == 1), (
            "the member was never told", fake_slack.dms("UDAVE"), second.log())
        # Their next message is removed too, and they are not told twice.
        again = fake_slack.add_message(GENERAL, "UDAVE", "and again")
        SlackClientSim(second.base_url, SIGNING_SECRET).post_event(
            message_event(GENERAL, "UDAVE", "and again", ts=again), event_id="EvSUSP2")
        assert _wait(lambda: fake_slack.find_message(GENERAL, again) is None), second.log()
        assert _wait(lambda: events_db.event_status(db, "EvSUSP2")["status"] == "done"), second.log()
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True, True]
        assert len(_suspension_notices(fake_slack, "UDAVE")) == 1
    finally:
        second.stop()


def _submit_decision(fake, serve, db, kind):
    """A moderator's Warn or Suspend modal on the (only) case, submitted with
    "also remove the message" ticked."""
    case_id = db.execute("SELECT id FROM cases").fetchone()[0]
    if kind == "warn":
        values = {"guideline": select("harassment", "guideline_select"),
                  "message": text_input("Please keep it civil.", "message_input")}
    else:
        values = {"duration": select("3", "duration_select"), "message": text_input("Repeated insults.", "message_input")}
    values["options"] = checked(["remove"], "options_check")
    callback = ids.VIEW_WARN if kind == "warn" else ids.VIEW_SUSPEND
    view = view_object(callback, values, private_metadata=json.dumps({"case": case_id}))
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(view_submission(view, "UMOD1"))


def _decision_dms(fake, kind):
    word = "warning" if kind == "warn" else "suspended"
    return [m for m in fake.dms("UCAROL") if word in (m.get("text", "") + str(m.get("blocks", ""))).lower()]


@pytest.mark.parametrize("kind", ["warn", "suspend"])
def test_killed_after_a_decision_was_claimed_submitting_again_carries_it_out(fake_slack, tmp_path, kind):
    """The gap between a Warn or Suspend being recorded on the case and what
    it stands for (the member's DM, the audit entry, "also remove") being
    queued. A submission is not replayed: the moderator submits again once
    modbot is back, and that must carry it out, once. Before the fix the
    decision was on disk alone and the second submission was answered
    "already handled": the member was never told, the message stayed up."""
    db_path = tmp_path / f"{kind}.db"
    db, first, ts = _routed(fake_slack, db_path, "decision_claimed")
    try:  # the process dies while handling the submission
        _submit_decision(fake_slack, first, db, kind)
    except Exception:
        pass
    assert _wait(lambda: first.proc.poll() is not None), first.log()

    second = start_serve(fake_slack, db_path)
    try:
        assert _submit_decision(fake_slack, second, db, kind).status == 200
        assert _wait(lambda: len(_decision_dms(fake_slack, kind)) == 1), (
            "the member was never told", fake_slack.dms("UCAROL"), second.log())
        assert _wait(lambda: fake_slack.find_message(GENERAL, ts) is None), (
            "the message was never removed", _case_row(db), second.log())
        assert db.execute("SELECT handled_action, handled_by FROM cases").fetchone() == (kind, "UMOD1")
        table = "warnings" if kind == "warn" else "suspensions"
        assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = ?", [kind]).fetchone()[0] == 1
        # Submitting once more is answered "already handled" and does nothing more.
        assert _submit_decision(fake_slack, second, db, kind).status == 200
        time.sleep(1)
        assert len(_decision_dms(fake_slack, kind)) == 1
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True]
    finally:
        second.stop()


def test_killed_after_a_suspension_was_lifted_the_member_is_still_told(fake_slack, tmp_path):
    """The gap between a suspension that ended being marked lifted and what
    lifting stands for being queued: the "you can post again" DM, and the
    suspension's calls not made yet (a kick, a "you are suspended" DM)
    cancelled. The scheduled job runs again at the next start; before the
    fix it found nothing left to lift, so the member was never told and the
    stale DM would still have gone out."""
    db_path = tmp_path / "lifted.db"
    db = open_db(db_path)
    now = time.time()
    sid = sanctions_db.add_suspension(db, user_id="UDAVE", case_id=None, reason="Repeated spam.", days=1,
                                      issued_by="UMOD1", now=now - 2 * 86400)  # ended a day ago
    stale, _ = outbox_db.enqueue(db, key="test-stale-notice", method="chat.postMessage",
                                 args={"channel": "UDAVE", "text": "You are suspended"}, now=now,
                                 topic=f"suspension:{sid}", not_before=now + 3600)
    first = start_serve(fake_slack, db_path, crash_at="suspension_lifted", scheduler=True)  # its catch-up run
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    assert "worker process exited with status 137" in first.log(), first.log()  # died at the crash point

    def lifted():
        return [m for m in fake_slack.dms("UDAVE") if "can post again" in m.get("text", "")]

    second = start_serve(fake_slack, db_path, scheduler=True)
    try:
        assert _wait(lambda: len(lifted()) == 1), ("the member was never told", fake_slack.dms("UDAVE"), second.log())
        assert db.execute("SELECT lifted_at IS NOT NULL, lifted_by FROM suspensions").fetchone() == (1, "modbot")
        assert outbox_db.get(db, stale.key).status == "cancelled"
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'suspension_lifted'").fetchone()[0] == 1
    finally:
        second.stop()
    # Started again, nothing more is sent.
    third = start_serve(fake_slack, db_path, scheduler=True)
    try:
        assert _wait(lambda: "worker started" in third.log()), third.log()
        time.sleep(1)
        assert len(lifted()) == 1
    finally:
        third.stop()


def _appeal_posts(fake):
    """The appeal's post in the case thread, with its Uphold and Reverse buttons (or, decided, without)."""
    return [m for m in fake.messages(MOD_CHANNEL) if m.get("thread_ts") and "appeal_decision" in json.dumps(m.get("blocks"))
            or m.get("thread_ts") and "Appeal by" in m.get("text", "")]


def _appeal_submitted(serve, decision_id, *, kind="warning"):
    view = view_object(ids.VIEW_APPEAL, {"appeal": text_input("I was quoting the troll who said it to me", "appeal_input")},
                       private_metadata=f"{kind}:{decision_id}")
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(view_submission(view, "UCAROL"))


def _reverse_clicked(fake, serve, db):
    appeal_id, channel, ts = db.execute("SELECT id, message_channel, message_ts FROM appeals").fetchone()
    act = action(ids.ACT_APPEAL_REVERSE, value=str(appeal_id), block_id="appeal_decision")
    payload = block_actions([act], "UMOD2", channel=channel, message=fake.find_message(channel, ts),
                            channel_name="moderators")
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(payload)


def _outcome_dms(fake):
    return [m for m in fake.dms("UCAROL") if "reversed" in m.get("text", "")]


def _reversing_again_is_refused(fake, serve, db):
    """Reverse clicked once more: the moderator is told it was done, and nothing more is."""
    told = len(fake.ephemerals("UMOD2"))
    assert _reverse_clicked(fake, serve, db).status == 200
    assert _wait(lambda: len(fake.ephemerals("UMOD2")) == told + 1), serve.log()
    assert "already reversed by <@UMOD2>" in fake.ephemerals("UMOD2")[-1]["text"]


@pytest.mark.parametrize("point", ["appeal_recorded", "appeal_decided"])
def test_killed_after_an_appeal_was_recorded_or_decided_doing_it_again_carries_it_out(fake_slack, tmp_path, point):
    """The gap between an appeal (or its decision) being recorded and what
    it stands for being queued: the post in the case thread that asks a
    moderator to review it (or the member told the outcome). Neither is
    replayed: the member sends the appeal again, the moderator clicks
    Reverse again. Before the fix the record was on disk alone and doing it
    again was refused ("already appealed", "already reversed"), so nobody
    was asked to review the appeal, or the member never heard the outcome."""
    db_path = tmp_path / f"{point}.db"
    db, first, ts = _routed(fake_slack, db_path, point)
    assert _submit_decision(fake_slack, first, db, "warn").status == 200
    assert _wait(lambda: len(_decision_dms(fake_slack, "warn")) == 1), first.log()
    warning_id = db.execute("SELECT id FROM warnings").fetchone()[0]
    try:  # the process dies while handling the appeal, or the decision on it
        _appeal_submitted(first, warning_id)
        if point == "appeal_decided":
            assert _wait(lambda: db.execute("SELECT message_ts FROM appeals").fetchone()[0]), first.log()
            _reverse_clicked(fake_slack, first, db)
    except Exception:
        pass
    assert _wait(lambda: first.proc.poll() is not None), first.log()

    second = start_serve(fake_slack, db_path)
    try:
        if point == "appeal_recorded":
            assert _appeal_submitted(second, warning_id).status == 200
            assert _wait(lambda: len(_appeal_posts(fake_slack)) == 1), (
                "nobody was asked to review the appeal", fake_slack.messages(MOD_CHANNEL), second.log())
            assert db.execute("SELECT count(*) FROM appeals").fetchone()[0] == 1
            assert _appeal_submitted(second, warning_id).status == 200  # once more: "already appealed"
            time.sleep(1)
            assert len(_appeal_posts(fake_slack)) == 1
        else:
            assert _reverse_clicked(fake_slack, second, db).status == 200
            assert _wait(lambda: len(_outcome_dms(fake_slack)) == 1), (
                "the member never heard the outcome", fake_slack.dms("UCAROL"), second.log())
            assert db.execute("SELECT revoked_by FROM warnings").fetchone() == ("UMOD2",)
            _reversing_again_is_refused(fake_slack, second, db)
            assert len(_outcome_dms(fake_slack)) == 1
        done = "appeal" if point == "appeal_recorded" else "appeal_reversed"
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = ?", [done]).fetchone()[0] == 1
    finally:
        second.stop()


def _flag_submitted(serve, user, channel, ts):
    values = {"reason": select("spam", "reason_select"), "note": text_input(None, "note_input")}
    view = view_object(ids.VIEW_FLAG, values, private_metadata=json.dumps({"channel": channel, "ts": ts}))
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(view_submission(view, user))


def test_killed_after_a_flag_tipped_a_message_over_the_threshold_it_is_still_removed(fake_slack, tmp_path):
    """The gap between a flag being recorded and the removal it triggers
    (enough flags hide the message until a moderator reviews it). A flag is
    not replayed: the member sends it again. Before the fix the flag was on
    disk alone and sending it again was refused ("already flagged"), so the
    message stayed up until someone else flagged it."""
    config = tmp_path / "modbot.toml"
    config.write_text("[moderation]\nflag_remove_threshold = 1.0\n")  # one member's flag is enough
    db_path = tmp_path / "flag.db"
    db = open_db(db_path)
    first = start_serve(fake_slack, db_path, config=config, crash_at="flag_recorded")
    ts = _post(fake_slack, first, "UDAVE", "see you all at the meetup on friday", channel=GENERAL, event_id="EvFLAGGED")
    assert _wait(lambda: messages_db.get(db, channel=GENERAL, ts=ts) is not None), first.log()
    try:  # the process dies while handling the flag
        _flag_submitted(first, "UBOB", GENERAL, ts)
    except Exception:
        pass
    assert _wait(lambda: first.proc.poll() is not None), first.log()

    second = start_serve(fake_slack, db_path, config=config)
    try:
        resp = _flag_submitted(second, "UBOB", GENERAL, ts)
        assert resp.status == 200 and "hidden until a moderator reviews it" in resp.body, resp.body
        assert _wait(lambda: fake_slack.find_message(GENERAL, ts) is None), (
            "the message was never removed", _case_row(db), second.log())
        assert db.execute("SELECT count(*) FROM flags").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM outbox WHERE purpose = 'remove'").fetchone()[0] == 1
        # Sending it once more is refused and removes nothing more.
        assert "already flagged" in _flag_submitted(second, "UBOB", GENERAL, ts).body
        assert [c.ok for c in fake_slack.calls_to("chat.delete")] == [True]
    finally:
        second.stop()


def _kick_config(tmp_path):
    path = tmp_path / "modbot.toml"
    path.write_text(f'[moderation]\nkick_channels = ["{HELP}"]\n')
    return path


def _suspend_submitted(serve, db, *, kick: bool):
    """A moderator's Suspend modal on the (only) case: one day, "also remove
    the author from the configured channels" ticked when `kick`."""
    case_id = db.execute("SELECT id FROM cases").fetchone()[0]
    values = {"duration": select("1", "duration_select"), "message": text_input("Repeated insults.", "message_input"),
              "options": checked(["kick"] if kick else [], "options_check")}
    view = view_object(ids.VIEW_SUSPEND, values, private_metadata=json.dumps({"case": case_id}))
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(view_submission(view, "UMOD1"))


def _kick_row(db):
    return db.execute("SELECT key, status, cancelled_why FROM outbox WHERE purpose = 'kick'").fetchone()


def test_a_kick_in_flight_when_its_suspension_was_reversed_and_left_by_a_crash_is_not_made(fake_slack, tmp_path):
    """A moderator lifts a suspension early by reversing it on appeal; its
    kick not made yet is cancelled with it, but one in flight is left to
    finish (it may be at Slack already). Here the worker had claimed the
    kick and died before the call while the web process, still serving,
    took the reversal (`serve --worker none` beside a separate `modbot
    worker` does exactly that). At the restart the kick, found in flight
    and not verifiable at Slack, is queued again: before the fix it was
    made, removing from the channel a member whose suspension was lifted."""
    db_path, config = tmp_path / "kick.db", _kick_config(tmp_path)
    db = open_db(db_path)
    first = start_serve(fake_slack, db_path, config=config)
    try:
        ts = fake_slack.add_message(GENERAL, "UCAROL", RUDE)
        SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UCAROL", RUDE, ts=ts),
                                                                  event_id="EvKICK")
        assert _wait(lambda: _case_row(db)[0] and len(_cards(fake_slack)) == 1), first.log()
        # Slack refuses the kick for good (restricted_action: the fake's
        # stand-in for a workspace preference); the member is told and appeals.
        fake_slack.users["UCAROL"]["is_admin"] = True
        assert _suspend_submitted(first, db, kick=True).status == 200
        assert _wait(lambda: (_kick_row(db) or (None, None))[1] == "failed"), first.log()
        assert _wait(lambda: len(_decision_dms(fake_slack, "suspend")) == 1), first.log()
        fake_slack.users["UCAROL"]["is_admin"] = False
        sid = db.execute("SELECT id FROM suspensions").fetchone()[0]
        assert _appeal_submitted(first, sid, kind="suspension").status == 200
        assert _wait(lambda: db.execute("SELECT message_ts FROM appeals").fetchone()[0]), first.log()
    finally:
        first.stop()

    # The moderator presses Retry; the worker claims the kick and dies before the call.
    second = start_serve(fake_slack, db_path, config=config, crash_at="outbox_before_call:kick")
    try:
        _click(fake_slack, second, db, "UMOD1", ids.ACT_RETRY)
    except Exception:
        pass
    assert _wait(lambda: second.proc.poll() is not None), second.log()
    assert _kick_row(db)[1] == "inflight"

    # The web process takes the reversal: the suspension is lifted, the kick left in flight.
    web = start_serve(fake_slack, db_path, config=config, extra_args=("--worker", "none"))
    try:
        assert _reverse_clicked(fake_slack, web, db).status == 200
        assert _wait(lambda: db.execute("SELECT lifted_by FROM suspensions").fetchone()[0] == "appeal:1"), web.log()
    finally:
        web.stop()
    assert _kick_row(db)[1] == "inflight"

    third = start_serve(fake_slack, db_path, config=config)
    try:
        assert _wait(lambda: len(_outcome_dms(fake_slack)) == 1), ("the member never heard the outcome", third.log())
        assert _wait(lambda: _kick_row(db)[1] not in ("pending", "inflight")), (_kick_row(db), third.log())
        assert "UCAROL" in fake_slack.channels[HELP]["members"], (
            "the member was kicked after the suspension was lifted", _kick_row(db), third.log())
        assert [c for c in fake_slack.calls_to("conversations.kick") if c.ok] == []
        assert _kick_row(db)[1:] == ("cancelled", "the suspension was lifted before it was made")
        assert len(_outcome_dms(fake_slack)) == 1
    finally:
        third.stop()


def _kicks(fake):
    return [c for c in fake.calls_to("conversations.kick") if c.args.get("user") == "UCAROL"]


@pytest.mark.parametrize("point", ["suspension_recorded", "outbox_before_call:kick", "outbox_after_call:kick"])
def test_killed_around_a_suspensions_kick_the_member_is_kicked_once(fake_slack, tmp_path, point):
    """The gaps of a Suspend with "remove from channels": between the
    suspension being recorded and its kicks being queued (a submission is
    not replayed: the moderator submits again), and around the kick's call
    (the restart makes it, or finds it made: Slack answers not_in_channel).
    Each way the member is kicked once and told once."""
    db_path, config = tmp_path / "kicked.db", _kick_config(tmp_path)
    db = open_db(db_path)
    first = start_serve(fake_slack, db_path, config=config, crash_at=point)
    ts = fake_slack.add_message(GENERAL, "UCAROL", RUDE)
    SlackClientSim(first.base_url, SIGNING_SECRET).post_event(message_event(GENERAL, "UCAROL", RUDE, ts=ts),
                                                              event_id="EvKICKED")
    assert _wait(lambda: _case_row(db)[0] and len(_cards(fake_slack)) == 1), first.log()
    try:  # the process dies while handling the submission, or while making the kick
        _suspend_submitted(first, db, kick=True)
    except Exception:
        pass
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    made = [c.ok for c in _kicks(fake_slack)]
    assert made == ([True] if point == "outbox_after_call:kick" else [])

    second = start_serve(fake_slack, db_path, config=config)
    try:
        if point == "suspension_recorded":
            assert db.execute("SELECT count(*) FROM suspensions").fetchone()[0] == 0  # all of it, or none
            assert _suspend_submitted(second, db, kick=True).status == 200
        assert _wait(lambda: (_kick_row(db) or (None, None))[1] == "done"), (_kick_row(db), second.log())
        assert _wait(lambda: len(_decision_dms(fake_slack, "suspend")) == 1), second.log()
        assert "UCAROL" not in fake_slack.channels[HELP]["members"]
        # Once: one suspension, one queued kick, one kick Slack took (a repeat is answered not_in_channel).
        assert [c.ok for c in _kicks(fake_slack)].count(True) == 1
        assert db.execute("SELECT count(*) FROM suspensions").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM outbox WHERE purpose = 'kick'").fetchone()[0] == 1
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'suspend'").fetchone()[0] == 1
        assert _suspend_submitted(second, db, kick=True).status == 200  # "already handled"
        time.sleep(1)
        assert [c.ok for c in _kicks(fake_slack)].count(True) == 1 and len(_decision_dms(fake_slack, "suspend")) == 1
    finally:
        second.stop()


def test_killed_after_a_suspension_was_reversed_on_appeal_reversing_again_lifts_it_once(fake_slack, tmp_path):
    """A moderator lifts a suspension early the one way modbot offers:
    reversing it on the member's appeal. The gap between the decision being
    recorded and what it does (the lift, its queued kicks and DMs
    cancelled, the member told, the audit entry). A click is not replayed:
    the moderator clicks Reverse again, which must lift it, once; the
    decision alone on disk would refuse that click ("already reversed")
    and leave the member suspended."""
    db_path = tmp_path / "reversed.db"
    db, first, ts = _routed(fake_slack, db_path, "appeal_decided")
    assert _suspend_submitted(first, db, kick=False).status == 200
    assert _wait(lambda: len(_decision_dms(fake_slack, "suspend")) == 1), first.log()
    sid = db.execute("SELECT id FROM suspensions").fetchone()[0]
    assert _appeal_submitted(first, sid, kind="suspension").status == 200
    assert _wait(lambda: db.execute("SELECT message_ts FROM appeals").fetchone()[0]), first.log()
    try:  # the process dies while handling the reversal
        _reverse_clicked(fake_slack, first, db)
    except Exception:
        pass
    assert _wait(lambda: first.proc.poll() is not None), first.log()
    assert db.execute("SELECT lifted_at FROM suspensions").fetchone() == (None,)  # all of it, or none

    second = start_serve(fake_slack, db_path)
    try:
        assert _reverse_clicked(fake_slack, second, db).status == 200
        assert _wait(lambda: len(_outcome_dms(fake_slack)) == 1), (
            "the member never heard the outcome", fake_slack.dms("UCAROL"), second.log())
        assert db.execute("SELECT lifted_by FROM suspensions").fetchone() == ("appeal:1",)
        _reversing_again_is_refused(fake_slack, second, db)
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'appeal_reversed'").fetchone()[0] == 1
        # No longer suspended: her next message stays up.
        after = _post(fake_slack, second, "UCAROL", "thanks for looking at it again", channel=GENERAL,
                      event_id="EvAFTER")
        assert _wait(lambda: events_db.event_status(db, "EvAFTER")["status"] == "done"), second.log()
        time.sleep(1)
        assert fake_slack.find_message(GENERAL, after) is not None
        assert len(_outcome_dms(fake_slack)) == 1
        assert not [m for m in fake_slack.dms("UCAROL") if "removed because you are suspended" in m.get("text", "")]
    finally:
        second.stop()


def _click_case(fake, serve, db, case_id, user, action_id):
    """A moderator's button on one case's card (of several: a raid folds others in)."""
    card_ts = db.execute("SELECT card_ts FROM cases WHERE id = ?", [case_id]).fetchone()[0]
    act = action(action_id, value=str(case_id), block_id="case_actions")
    payload = block_actions([act], user, channel=MOD_CHANNEL, message=fake.find_message(MOD_CHANNEL, card_ts),
                            channel_name="moderators")
    return SlackClientSim(serve.base_url, SIGNING_SECRET).post_form(payload)


def _raid_removals(db, raid):
    return db.execute("SELECT args, status, cancelled_why FROM outbox WHERE purpose = 'flood_delete' AND case_id = ?"
                      " ORDER BY id", [raid]).fetchall()


def test_a_raids_removal_in_flight_when_it_was_dismissed_and_left_by_a_crash_is_not_made(fake_slack, tmp_path):
    """Remove on a raid's card queues the removal of every post; Dismiss
    (offered once the removal of the raid's own post failed) cancels those
    not made and leaves one in flight to finish. Here the worker had claimed
    one and died before the call while the web process took the Dismiss:
    at the restart that removal is queued again, and the check made just
    before each call (EffectHandler.withdrawn) must cancel it. Removing that
    check makes this test fail: the post is deleted after the dismissal."""
    db_path = tmp_path / "raid-dismiss.db"
    db = open_db(db_path)
    raiders = tuple(f"URAIDD{i}" for i in range(5))
    first = start_serve(fake_slack, db_path)
    try:
        client = SlackClientSim(first.base_url, SIGNING_SECRET)
        for uid in raiders:
            user = fake_slack.add_user(uid, uid.lower(), real_name=uid.title())
            fake_slack.channels[GENERAL]["members"].append(uid)
            assert client.post_event(team_join(user), event_id=f"EvJOIN{uid}").status == 200
        posts = []
        for i, uid in enumerate(raiders):
            text = f"free crypto signals at <https://t.example/{i}|t.example/{i}>"
            posts.append(fake_slack.add_message(GENERAL, uid, text))
            client.post_event(message_event(GENERAL, uid, text, ts=posts[-1]), event_id=f"EvRAIDD{i}")
        assert _wait(lambda: db.execute("SELECT card_ts FROM cases WHERE kind = 'raid'").fetchone() not in (None, (None,))
                     and db.execute("SELECT count(*) FROM events WHERE status = 'done'").fetchone()[0] == 10), first.log()
        [(raid,)] = db.execute("SELECT id FROM cases WHERE kind = 'raid'").fetchall()
        # Slack refuses every deletion for good (the admin token lost its rights), then gets them back.
        fake_slack.users["UADMIN"]["is_admin"] = False
        assert _click_case(fake_slack, first, db, raid, "UMOD1", ids.ACT_REMOVE).status == 200
        assert _wait(lambda: db.execute("SELECT removal FROM cases WHERE id = ?", [raid]).fetchone() == ("failed",)
                     and [r[1] for r in _raid_removals(db, raid)] == ["failed"] * 4), (_raid_removals(db, raid),
                                                                                       first.log())
        fake_slack.users["UADMIN"]["is_admin"] = True
    finally:
        first.stop()

    # The moderator presses Retry; the worker claims the first removal and dies before the call.
    second = start_serve(fake_slack, db_path, crash_at="outbox_before_call:flood_delete")
    try:
        _click_case(fake_slack, second, db, raid, "UMOD1", ids.ACT_RETRY)
    except Exception:
        pass
    assert _wait(lambda: second.proc.poll() is not None), second.log()
    claimed = [json.loads(a)["ts"] for a, status, _ in _raid_removals(db, raid) if status == "inflight"]
    assert len(claimed) >= 1, _raid_removals(db, raid)

    # The web process takes the Dismiss: the removals not made are cancelled, the claimed one left in flight.
    web = start_serve(fake_slack, db_path, extra_args=("--worker", "none"))
    try:
        assert _click_case(fake_slack, web, db, raid, "UMOD1", ids.ACT_DISMISS).status == 200
        assert _wait(lambda: db.execute("SELECT status FROM cases WHERE id = ?", [raid]).fetchone() == ("dismissed",)), \
            web.log()
    finally:
        web.stop()
    assert {json.loads(a)["ts"] for a, status, _ in _raid_removals(db, raid) if status == "inflight"} == set(claimed)

    third = start_serve(fake_slack, db_path)
    try:
        assert _wait(lambda: all(s not in ("pending", "inflight") for _, s, _ in _raid_removals(db, raid))), (
            _raid_removals(db, raid), third.log())
        time.sleep(1)
        assert all(fake_slack.find_message(GENERAL, ts) is not None for ts in posts), (
            "a raid's post was removed after the dismissal", _raid_removals(db, raid), third.log())
        assert [c for c in fake_slack.calls_to("chat.delete") if c.ok] == []
        assert {why for a, _, why in _raid_removals(db, raid) if json.loads(a)["ts"] in claimed} == \
            {f"case #{raid} dismissed by UMOD1 before it was made"}
    finally:
        third.stop()


def test_killed_just_after_a_dismissal_its_audit_entry_is_on_disk(fake_slack, tmp_path):
    """A Dismiss and its line in the audit log are one write: a stop just
    after the decision (before the card is updated) cannot leave a case
    dismissed with no record of who dismissed it. Before the fix the line
    was written after the decision's transaction, and this stop lost it."""
    db_path = tmp_path / "dismissed.db"
    db, ts = _routed_then_killed_at_a_click(fake_slack, db_path, "dismiss_decided", ids.ACT_DISMISS)
    case_id = db.execute("SELECT id FROM cases").fetchone()[0]
    assert db.execute("SELECT status, handled_by FROM cases").fetchone() == ("dismissed", "UMOD1")
    assert db.execute("SELECT actor FROM audit_log WHERE action = 'dismiss' AND case_id = ?",
                      [case_id]).fetchall() == [("UMOD1",)]

    card_ts = db.execute("SELECT card_ts FROM cases").fetchone()[0]

    def offers_dismiss():
        blocks = (fake_slack.find_message(MOD_CHANNEL, card_ts) or {}).get("blocks") or []
        return any(e.get("action_id") == ids.ACT_DISMISS for b in blocks for e in b.get("elements") or [])

    assert offers_dismiss()  # the stop came before the card was updated
    second = start_serve(fake_slack, db_path)
    try:  # clicking again is told it was handled, and logs no second dismissal
        told = len(fake_slack.ephemerals("UMOD2"))
        assert _click(fake_slack, second, db, "UMOD2", ids.ACT_DISMISS).status == 200
        assert _wait(lambda: len(fake_slack.ephemerals("UMOD2")) == told + 1), second.log()
        assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'dismiss' AND outcome = 'recorded'"
                          ).fetchone()[0] == 1
        assert fake_slack.find_message(GENERAL, ts) is not None  # dismissed: the message stays
        # ... and the stale card is brought up to date: no Dismiss button left.
        assert _wait(lambda: not offers_dismiss()), (fake_slack.find_message(MOD_CHANNEL, card_ts), second.log())
        # A card already up to date is not sent again. The card is published
        # before the clicker is answered, so once the answer is in, any
        # update this click made is in the outbox.
        def card_updates():
            return db.execute("SELECT count(*) FROM outbox WHERE case_id = ? AND purpose = 'card_update'",
                              [case_id]).fetchone()[0]

        assert _wait(lambda: db.execute("SELECT count(*) FROM outbox WHERE case_id = ? AND status IN"
                                        " ('pending', 'inflight')", [case_id]).fetchone()[0] == 0), second.log()
        updates = card_updates()
        assert _click(fake_slack, second, db, "UMOD2", ids.ACT_DISMISS).status == 200
        assert _wait(lambda: len(fake_slack.ephemerals("UMOD2")) == told + 2), second.log()
        assert card_updates() == updates
    finally:
        second.stop()
