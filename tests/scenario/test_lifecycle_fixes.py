"""Case lifecycle fixes (issue 11), each driven through the fake Slack as
Slack would: signed requests in, Web API calls and response_url answers out."""
from __future__ import annotations

import json

from bot import ids
from storage import audit as audit_db
from storage import sanctions as sanctions_db
from tests.harness import GENERAL, MOD_CHANNEL
from tests.scenario.moderation_steps import (
    action_ids, card_for, case_for, click, click_payload, last_modal, opened_count, routed, submit, text_input, thread,
    warn,
)
from tests.scenario.test_appeal import _appeal, _press_in_dm, _press_in_thread


# -- bug 5: a refusal reaches a clicker who is not in the moderator channel ---------

def test_a_non_moderator_is_answered_through_the_response_url(bench):
    ts, case = routed(bench)
    payload = click_payload(bench, "UALICE", ids.ACT_DISMISS, case.id)
    assert bench.client.post_form(payload).status == 200
    bench.settle()
    answered = bench.fake.responded(payload["response_url"])
    assert len(answered) == 1 and "Only moderators" in answered[0]["text"]
    assert answered[0]["response_type"] == "ephemeral" and answered[0]["replace_original"] is False
    # Not a DM from the bot, and no chat.postEphemeral that Slack refuses
    # (user_not_in_channel: Alice is not in the moderator channel).
    assert bench.fake.dms("UALICE") == []
    assert [c for c in bench.fake.calls_to("chat.postEphemeral") if c.args.get("user") == "UALICE"] == []
    assert case_for(bench, GENERAL, ts).status == "open"


def test_the_fake_refuses_an_ephemeral_to_someone_outside_the_channel(bench):
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    client = WebClient(token=bench.fake.bot_token, base_url=bench.fake.api_url)
    try:
        client.chat_postEphemeral(channel=MOD_CHANNEL, user="UALICE", text="hello")
        raise AssertionError("Slack refuses this")
    except SlackApiError as err:
        assert err.response["error"] == "user_not_in_channel"


# -- bug 2: nobody decides their own case or their own appeal -----------------------

def test_a_moderator_cannot_act_on_their_own_message(bench):
    ts, case = routed(bench, user="UMOD2")
    assert case is not None, "a moderator's abuse is a case like anyone's"
    payload = click_payload(bench, "UMOD2", ids.ACT_DISMISS, case.id)
    bench.client.post_form(payload)
    click(bench, "UMOD2", ids.ACT_WARN, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"
    assert opened_count(bench, ids.VIEW_WARN) == 0
    assert "your own message" in bench.fake.responded(payload["response_url"])[0]["text"]
    # A Warn form opened by another moderator cannot be submitted by the author either.
    click(bench, "UMOD1", ids.ACT_WARN, case.id)
    modal = last_modal(bench, ids.VIEW_WARN)
    resp = submit(bench, "UMOD2", ids.VIEW_WARN, {"guideline": {"guideline_select": {
        "type": "static_select", "selected_option": {"value": "harassment", "text": {"type": "plain_text", "text": "h"}}}},
        "message": text_input("mine", "message_input")}, private_metadata=modal["private_metadata"])
    assert "your own message" in resp.body
    assert sanctions_db.warnings_for(bench.rt.store.db, user_id="UMOD2") == []
    refused = [(e.actor, e.action, e.outcome) for e in audit_db.entries(bench.rt.store.db, case_id=case.id)
               if e.outcome == "own_case"]
    assert ("UMOD2", "refused:dismiss", "own_case") in refused and ("UMOD2", "refused:warn", "own_case") in refused
    # Another moderator still can.
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "dismissed"


def test_a_moderator_cannot_review_their_own_appeal(bench):
    _, case = routed(bench, user="UMOD2")
    warn(bench, "UMOD1", case.id)
    bench.settle()
    _press_in_dm(bench, "UMOD2", bench.fake.dms("UMOD2")[0])
    _appeal(bench, "UMOD2", "I was only joking with a friend, honestly")
    bench.settle()
    appeal_msg = thread(bench, case.id)[-1]
    body = json.dumps(appeal_msg["blocks"])
    assert "<@UADMIN>, please review" in body and "<@UMOD2>, please" not in body
    _press_in_thread(bench, "UMOD2", appeal_msg, ids.ACT_APPEAL_REVERSE)
    bench.settle()
    assert "your own appeal" in bench.fake.ephemerals("UMOD2")[-1]["text"]
    warning = sanctions_db.warnings_for(bench.rt.store.db, user_id="UMOD2")[0]
    assert warning.revoked_at is None
    assert sanctions_db.appeals_for_case(bench.rt.store.db, case.id)[0].outcome is None
    assert ids.ACT_APPEAL_REVERSE in json.dumps(bench.fake.find_message(MOD_CHANNEL, appeal_msg["ts"])["blocks"])
    assert action_ids(card_for(bench, case.id))  # the card is still there and rendered


# -- bug 3: without the admin token nobody is told a message was removed -------------

def test_without_the_admin_token_a_suspended_member_is_not_told_their_message_was_removed(make_bench):
    from tests.scenario.moderation_steps import suspend

    bench = make_bench(admin=False)
    _, case = routed(bench)
    suspend(bench, "UMOD1", case.id, reason="Insults after a warning.")
    bench.settle()
    told = bench.fake.dms("UCAROL")
    assert len(told) == 1 and "suspended" in told[0]["text"]
    assert "removed" not in json.dumps(told[0]["blocks"])  # it cannot keep that promise
    later = bench.say("UCAROL", "hello again, nothing wrong with this")
    bench.settle()
    assert bench.fake.find_message(GENERAL, later) is not None  # still up: no token to delete it
    notice = bench.fake.dms("UCAROL")[-1]["text"]
    assert "suspended" in notice and "removed" not in notice
    # The moderators are told in the case thread instead.
    assert any("while suspended" in m["text"] and "cannot delete it" in m["text"] for m in thread(bench, case.id))


# -- bug 1: a dismissed case comes back when something new arrives --------------------

def _dismissed(bench, text="you are a worthless idiot"):
    ts, case = routed(bench, text)
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "dismissed"
    return ts, case


def _reopen_alerts(bench, case_id):
    return [m for m in thread(bench, case_id) if "is open again" in m["text"]]


def test_a_new_flag_reopens_a_dismissed_case_and_alerts_the_channel(bench):
    from tests.scenario.moderation_steps import flag

    ts, case = _dismissed(bench)
    flag(bench, "UBOB", GENERAL, ts, reason="harassment")
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"
    alerts = _reopen_alerts(bench, case.id)
    assert len(alerts) == 1 and alerts[0].get("subtype") == "thread_broadcast"
    assert "a new flag" in alerts[0]["text"] and "<@UMOD1> dismissed it" in alerts[0]["text"]
    assert ids.ACT_DISMISS in action_ids(card_for(bench, case.id))
    # A second flag while it is open again alerts nobody twice.
    flag(bench, "UDAVE", GENERAL, ts, reason="harassment")
    bench.settle()
    assert len(_reopen_alerts(bench, case.id)) == 1


def test_an_edit_that_adds_personal_data_reopens_a_dismissed_case(bench):
    from tests.fakeslack.payloads import message_changed

    ts, case = _dismissed(bench)
    # The same words again (a replayed edit) do not reopen it.
    bench.event(message_changed(GENERAL, "UCAROL", "you are a worthless idiot", "you are a worthless idiot", ts))
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "dismissed"
    bench.event(message_changed(GENERAL, "UCAROL", "you are a worthless idiot",
                                "you are a worthless idiot, call me 07700 900123", ts))
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"
    assert len(_reopen_alerts(bench, case.id)) == 1
    assert "900123" not in json.dumps(thread(bench, case.id))


# -- bug 4: every removal is told, can be appealed, and ends in a true decision ------

def _removal_dm(bench, user):
    dms = [m for m in bench.fake.dms(user) if "was removed" in m["text"]]
    assert len(dms) == 1, bench.fake.dms(user)
    return dms[0]


def test_a_moderator_removal_is_told_to_the_author_with_the_guideline_and_an_appeal(bench):
    _, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    dm = _removal_dm(bench, "UCAROL")
    body = json.dumps(dm["blocks"])
    assert "The guideline:" in body and "a moderator removed it" in body.lower()
    assert ids.ACT_APPEAL in body and f"removal:{case.id}" in body
    assert "worthless" not in body  # their words are not repeated back


def test_an_automatic_removal_is_told_too(bench):
    from tests.scenario.moderation_steps import CARD_CARD

    ts = bench.say("UDAVE", f"pay me here {CARD_CARD} today")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.removal == "done" and case.removed_reason == "auto"
    assert "automatic checks" in json.dumps(_removal_dm(bench, "UDAVE")["blocks"])
    assert CARD_CARD not in json.dumps(bench.fake.dms("UDAVE"))


def test_a_flag_threshold_removal_ends_with_a_decision_that_says_what_happened(make_bench):
    from tests.scenario.moderation_steps import card_text, flag

    bench = make_bench(config={"moderation": {"flag_remove_threshold": 2.0}})
    ts = bench.say("UBOB", "whatever you think, this is my message")
    bench.settle()
    flag(bench, "UALICE", GENERAL, ts, reason="harassment")
    flag(bench, "UCAROL", GENERAL, ts, reason="harassment")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.removal == "done" and case.removed_reason == "flags"
    assert "flagged it" in json.dumps(_removal_dm(bench, "UBOB")["blocks"])
    buttons = action_ids(card_for(bench, case.id))
    assert ids.ACT_DISMISS not in buttons and ids.ACT_CLOSE in buttons
    # A Dismiss from a card rendered before the removal is refused, and says why.
    payload = click_payload(bench, "UMOD1", ids.ACT_CLOSE, case.id)
    payload["actions"][0]["action_id"] = ids.ACT_DISMISS
    bench.client.post_form(payload)
    bench.settle()
    assert "cannot be dismissed" in bench.fake.responded(payload["response_url"])[0]["text"]
    assert case_for(bench, GENERAL, ts).status == "open"
    click(bench, "UMOD2", ids.ACT_CLOSE, case.id)
    bench.settle()
    text = card_text(card_for(bench, case.id))
    assert "the removal stands" in text and "no action taken" not in text and "pending review" not in text


def test_an_appeal_of_a_removal_can_be_reversed_and_clears_the_record(bench):
    from storage import cases as cases_db
    from tests.scenario.moderation_steps import card_text

    _, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    _press_in_dm(bench, "UCAROL", _removal_dm(bench, "UCAROL"))
    assert "the removal of your message" in json.dumps(last_modal(bench, ids.VIEW_APPEAL))
    resp = _appeal(bench, "UCAROL", "I was quoting what someone said to me, not saying it")
    assert "Your appeal is with the moderators" in resp.body
    bench.settle()
    appeal_msg = thread(bench, case.id)[-1]
    assert "<@UMOD1>, please" not in json.dumps(appeal_msg["blocks"])  # UMOD1 removed it
    _press_in_thread(bench, "UMOD2", appeal_msg, ids.ACT_APPEAL_REVERSE)
    bench.settle()
    fresh = case_for(bench, GENERAL, case.ts)
    assert fresh.removal_reversed_by == "UMOD2"
    outcome = bench.fake.dms("UCAROL")[-1]["text"]
    assert "accepted" in outcome and "cannot bring a deleted message back" in outcome
    updated = json.dumps(bench.fake.find_message(MOD_CHANNEL, appeal_msg["ts"])["blocks"])
    assert "Slack cannot restore the message" in updated
    assert "Removal reversed on appeal by <@UMOD2>" in card_text(card_for(bench, case.id))
    # The member's record: a later case no longer counts this one as actioned.
    later_ts, later = routed(bench, "you are a worthless idiot again")
    assert cases_db.author_history(bench.rt.store.db, author="UCAROL", before_case=later.id).earlier_actioned == 0
    assert "0 actioned" in card_text(card_for(bench, later.id))


def test_an_appeal_of_a_removal_can_be_upheld(bench):
    _, case = routed(bench)
    click(bench, "UMOD1", ids.ACT_REMOVE, case.id)
    bench.settle()
    _press_in_dm(bench, "UCAROL", _removal_dm(bench, "UCAROL"))
    _appeal(bench, "UCAROL", "I do not think that was fair at all")
    bench.settle()
    _press_in_thread(bench, "UMOD2", thread(bench, case.id)[-1], ids.ACT_APPEAL_UPHOLD)
    bench.settle()
    assert "the decision stands" in bench.fake.dms("UCAROL")[-1]["text"]
    assert case_for(bench, GENERAL, case.ts).removal_reversed_by is None


# -- bug 7: settings keyed by channel name, and exempt user groups, work live ---------

def test_channel_settings_keyed_by_name_apply_live(make_bench):
    from tests.harness import HELP

    bench = make_bench(config={"channels": {"help": {"topic": "kubernetes deployment clusters helm charts"}},
                               "policies": {"channels": {"general": {"harassment": {"action": "log"}}}}})
    ts = bench.say("UCAROL", "you are a worthless idiot and everyone here hates you")
    off = bench.say("UDAVE", "my grandmother baked wonderful apple pies yesterday evening again", channel=HELP)
    bench.settle()
    assert case_for(bench, GENERAL, ts) is None  # harassment only logged in #general
    case = case_for(bench, HELP, off)
    assert case is not None and "off_topic" in json.dumps(card_for(bench, case.id))


def test_exempt_groups_exempt_their_members_live(make_bench):
    bench = make_bench(config={"policies": {"exempt_groups": ["trusted-testers"]}})
    bench.fake.add_usergroup("S0TRUSTED", "trusted-testers", ["UCAROL"])
    ts = bench.say("UCAROL", "you are a worthless idiot and everyone here hates you")
    other = bench.say("UBOB", "you are a worthless idiot and everyone here hates you")
    bench.settle()
    assert case_for(bench, GENERAL, ts) is None
    assert case_for(bench, GENERAL, other) is not None


# -- bug 8: impersonation covers every kind of staff; employees are checked as such --

def test_taking_an_employees_name_is_pointed_out(make_bench):
    from tests.fakeslack.payloads import user_change

    bench = make_bench(config={"experts": {"employee_email_domains": ["company.example"]}})
    bench.fake.add_user("UERIN", "erin", real_name="Erin Engineer", display_name="Erin",
                        email="erin@company.example")
    staff_job = next(j for j in bench.rt.jobs if j.name == "staff_names")
    assert staff_job.fn() >= 3  # the admin's names and Erin's (the hourly walk of users.list)
    user = bench.fake.update_user("UDAVE", display_name="Erin Engineer", real_name="Erin Engineer")
    bench.event(user_change(user))
    bench.settle()
    alerts = [m for m in bench.fake.messages(MOD_CHANNEL) if "Profile check" in m.get("text", "")]
    assert len(alerts) == 1 and "<@UDAVE>" in alerts[0]["text"]


def test_an_employee_who_moderates_gets_the_customer_data_check(make_bench):
    from storage import cases as cases_db

    bench = make_bench(config={"experts": {"employee_email_domains": ["community.example"]}})
    ts = bench.say("UMOD1", "customer email list for the migration: jane.doe@example.org, +44 7700 900123")
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case is not None
    rules = {f.rule for f in cases_db.findings(bench.rt.store.db, case.id)}
    assert "confidential.customer_record" in rules


# -- bug 6: signed payloads with fields missing or edited ------------------------------

def _sent_without_required(bench) -> list:
    """Calls the app made that lack an argument Slack requires."""
    return [(c.method, name) for c in bench.fake.calls for name in bench.fake.methods[c.method].get("required") or []
            if c.args.get(name) in (None, "")]


def test_signed_payloads_with_missing_or_edited_fields_get_an_answer_not_an_error(bench):
    from tests.fakeslack.payloads import message_action, view_object, view_submission

    ts, case = routed(bench)
    card = card_for(bench, case.id)
    sent = []
    # A click with no user, and one whose value is not a plain number.
    nobody = click_payload(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    nobody["user"] = {}
    sent.append(nobody)
    odd = click_payload(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    del odd["container"]["message_ts"]
    odd["actions"][0]["value"] = "\u00b2"  # a superscript two: str.isdigit() says yes, int() says no
    sent.append(odd)
    huge = click_payload(bench, "UMOD1", ids.ACT_APPEAL_REVERSE, case.id)
    huge["actions"][0]["value"] = "9" * 30
    sent.append(huge)
    # The Flag shortcut on a message without a ts, or without a user.
    sent.append(message_action(ids.FLAG_SHORTCUT, {"type": "message", "text": "x"}, GENERAL, "UBOB"))
    no_user = message_action(ids.FLAG_SHORTCUT, card, GENERAL, "UBOB")
    no_user["user"] = {"id": ""}
    sent.append(no_user)
    # Modals submitted with edited private_metadata.
    warn_values = {"guideline": {"guideline_select": {"type": "static_select", "selected_option": {
        "value": "harassment", "text": {"type": "plain_text", "text": "h"}}}},
        "message": text_input("please stop", "message_input")}
    for meta in ('{"case": 1e400}', '{"case": "99999999999999999999999"}', '{"case": "\u00b2"}', '[1]', '"x"', "{"):
        sent.append(view_submission(view_object(ids.VIEW_WARN, warn_values, private_metadata=meta), "UMOD1"))
    for meta in ("warning:" + "9" * 30, "removal:\u00b2", "suspension:"):
        sent.append(view_submission(view_object(ids.VIEW_APPEAL, {"appeal": text_input("a long enough appeal", "appeal_input")},
                                                private_metadata=meta), "UCAROL"))
    nobody_view = view_submission(view_object(ids.VIEW_NOTE, {"note": text_input("hi", "note_input")},
                                              private_metadata=json.dumps({"case": case.id})), "UMOD1")
    nobody_view["user"] = {"id": ""}
    sent.append(nobody_view)
    statuses = [bench.client.post_form(p).status for p in sent]
    bench.settle()
    assert all(s < 500 for s in statuses), statuses
    assert _sent_without_required(bench) == []
    assert case_for(bench, GENERAL, ts).status == "open"
    # The edited modals were answered with a message, not an error page.
    edited = bench.client.post_form(view_submission(view_object(ids.VIEW_WARN, warn_values,
                                                                private_metadata='{"case": 1e400}'), "UMOD1"))
    assert edited.status == 200 and "cannot find this case" in edited.body


def test_the_gateway_refuses_a_call_without_a_required_argument(bench):
    from bot.slack.gateway import GatewayError

    before = len(bench.fake.calls)
    for method, args in (("chat.postEphemeral", {"channel": MOD_CHANNEL, "user": ""}), ("users.info", {"user": None}),
                         ("chat.getPermalink", {"channel": GENERAL, "message_ts": ""})):
        try:
            bench.rt.gateway.call(method, **args)
            raise AssertionError(f"{method} was called")
        except GatewayError as exc:
            assert exc.error.startswith("missing_argument:")
    assert len(bench.fake.calls) == before
