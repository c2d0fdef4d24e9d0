"""Stay on topic: a question in a help channel gets the earlier threads that
answer it, privately, through the fake Slack; members can turn that off,
moderators (and the asker) can mark a suggestion "not related", and a
private channel's questions never take part."""
from __future__ import annotations

import pytest

from bot import ids
from bot.clock import FakeClock
from storage import suggestions as suggestions_db
from tests.fakeslack.payloads import action, block_actions
from tests.harness import GENERAL, HELP
from tests.scenario.community import command, config, post, text_of, when

PRIVATE_HELP = "GPRIVHELP"
EXPORT_Q = "How do I export my dashboards to PDF with the charts included?"
EXPORT_AGAIN = "Is there a way to export dashboards to a PDF file, charts and all?"


def _config(**channels) -> dict:
    cfg = config(help_channels=[HELP, PRIVATE_HELP])
    if channels:
        cfg["channels"] = channels
    return cfg


@pytest.fixture
def community(fake_slack, make_bench):
    fake_slack.add_channel(PRIVATE_HELP, "private-help", is_private=True,
                           members=["UALICE", "UBOB", "UCAROL", "UDAVE", "UMOD1"])
    return make_bench(config=_config(), clock=FakeClock(when(2026, 3, 10)))


def answered(bench, asker: str, text: str, *, channel: str = HELP, answerer: str = "UBOB") -> str:
    ts = post(bench, asker, text, channel=channel)
    post(bench, answerer, "Here is how I did it.", channel=channel, thread_ts=ts)
    return ts


def earlier_threads(bench):
    """Some answered questions, so the index has more than one topic."""
    answered(bench, "UALICE", EXPORT_Q)
    answered(bench, "UDAVE", "Why does the webhook retry the same event three times?")
    answered(bench, "UALICE", "Can I change the billing email on my invoices?", answerer="UCAROL")
    bench.settle()


def suggestions_to(bench, user: str) -> list[dict]:
    return [e for e in bench.fake.ephemerals(user) if "answered before" in text_of(e)]


def press(bench, user: str, message: dict, action_id: str, *, channel: str = HELP, ephemeral: bool = False) -> None:
    button = next(e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]
                  if e["action_id"] == action_id)
    msg = {"type": "message", "ts": message["ts"], "text": message["text"], "blocks": message["blocks"]}
    payload = block_actions([action(action_id, value=button["value"], block_id="suggestion")], user,
                            channel=channel, message=msg, is_ephemeral=ephemeral, channel_name="help")
    assert bench.client.post_form(payload).status == 200
    bench.settle()


def test_a_repeated_question_gets_the_earlier_thread_privately(community):
    earlier_threads(community)
    post(community, "UCAROL", EXPORT_AGAIN)
    community.settle()
    got = suggestions_to(community, "UCAROL")
    assert len(got) == 1
    text = text_of(got[0])
    assert EXPORT_Q in text and "(1 answer)" in text
    assert "/archives/CHELP/p" in text  # a link to the earlier thread
    assert "webhook" not in text and "billing" not in text
    assert got[0]["channel"] == HELP
    # nothing public, and nobody else saw it
    assert not [m for m in community.fake.messages(HELP) if m.get("bot_id")]
    assert community.fake.calls_to("chat.postMessage") == []
    assert all(not suggestions_to(community, u) for u in ("UALICE", "UBOB", "UDAVE"))


def test_an_unrelated_question_gets_nothing(community):
    earlier_threads(community)
    post(community, "UCAROL", "Which keyboard shortcuts does the query editor support?")
    post(community, "UCAROL", "Release notes are out today.")  # not a question at all
    community.settle()
    assert suggestions_to(community, "UCAROL") == []
    assert community.fake.calls_to("chat.postEphemeral") == []


def test_an_unanswered_or_own_thread_is_not_suggested(community):
    post(community, "UDAVE", "How do I rotate the API key for the reporting service?")  # no answer yet
    answered(community, "UCAROL", EXPORT_Q)
    community.settle()
    post(community, "UALICE", "How can I rotate an API key of the reporting service?")
    post(community, "UCAROL", EXPORT_AGAIN)  # Carol asked the earlier one herself
    community.settle()
    assert community.fake.calls_to("chat.postEphemeral") == []


def test_a_member_who_turned_suggestions_off_gets_nothing(community):
    earlier_threads(community)
    post(community, "UCAROL", EXPORT_AGAIN)
    community.settle()
    [suggestion] = suggestions_to(community, "UCAROL")
    press(community, "UCAROL", suggestion, ids.ACT_SUGGEST_OPT_OUT, ephemeral=True)
    assert suggestions_db.is_opted_out(community.rt.store.db, "UCAROL")
    assert any("will not suggest" in text_of(e) for e in community.fake.ephemerals("UCAROL"))

    post(community, "UCAROL", "Could I export the dashboards as PDF including every chart?")
    community.settle()
    assert len(suggestions_to(community, "UCAROL")) == 1  # still only the first one
    # others still get them
    post(community, "UDAVE", EXPORT_AGAIN)
    community.settle()
    assert len(suggestions_to(community, "UDAVE")) == 1

    body = command(community, "/myactivity", "suggestions maybe", user="UCAROL")
    assert "`/myactivity suggestions off` (or `on`)" in text_of(body)  # usage, nothing changed
    assert suggestions_db.is_opted_out(community.rt.store.db, "UCAROL")
    body = command(community, "/myactivity", "suggestions on", user="UCAROL")
    assert "again" in text_of(body)
    post(community, "UCAROL", "Any way to export a dashboard to PDF with its charts?")
    community.settle()
    assert len(suggestions_to(community, "UCAROL")) == 2


def test_a_private_channels_question_is_never_indexed_or_suggested(community):
    answered(community, "UALICE", EXPORT_Q, channel=PRIVATE_HELP)
    community.settle()
    db = community.rt.store.db
    assert db.execute("SELECT count(*) FROM suggest_questions WHERE channel = ?", [PRIVATE_HELP]).fetchone()[0] == 0
    post(community, "UCAROL", EXPORT_AGAIN)  # public: the private thread must not come up
    post(community, "UDAVE", EXPORT_AGAIN, channel=PRIVATE_HELP)
    community.settle()
    assert community.fake.calls_to("chat.postEphemeral") == []
    assert community.fake.calls_to("chat.getPermalink") == []
    # while the private channel's questions still count for the expert programme
    assert db.execute("SELECT count(*) FROM questions WHERE channel = ?", [PRIVATE_HELP]).fetchone()[0] == 2


def test_not_related_is_recorded_from_the_suggestion_itself(fake_slack, make_bench):
    bench = make_bench(config=_config(**{HELP: {"public_suggestions": True}}), clock=FakeClock(when(2026, 3, 10)))
    earlier_threads(bench)
    question = post(bench, "UCAROL", EXPORT_AGAIN)
    bench.settle()
    # public for this channel: a reply in the question's thread, no ephemeral
    [reply] = [m for m in bench.fake.messages(HELP) if m.get("bot_id")]
    assert reply["thread_ts"] == question and EXPORT_Q in text_of(reply)
    assert bench.fake.calls_to("chat.postEphemeral") == []

    press(bench, "UDAVE", reply, ids.ACT_SUGGEST_NOT_RELATED)  # neither moderator nor asker
    press(bench, "UMOD1", reply, ids.ACT_SUGGEST_NOT_RELATED)
    press(bench, "UMOD1", reply, ids.ACT_SUGGEST_NOT_RELATED)  # a second click changes nothing
    press(bench, "UCAROL", reply, ids.ACT_SUGGEST_NOT_RELATED)
    db = bench.rt.store.db
    suggestion_id = int(next(e["value"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]))
    assert suggestions_db.feedback(db, suggestion_id) == [("UMOD1", "moderator"), ("UCAROL", "asker")]
    assert any("Only moderators" in text_of(e) for e in bench.fake.ephemerals("UDAVE"))
    assert any("already marked" in text_of(e) for e in bench.fake.ephemerals("UMOD1"))


def test_a_suggestion_slack_will_not_show_in_the_channel_goes_by_dm(fake_slack, make_bench):
    fake_slack.add_user("UERIN", "erin", real_name="Erin Example")  # posts via a shared connection, not a member
    bench = make_bench(config=_config(), clock=FakeClock(when(2026, 3, 10)))
    earlier_threads(bench)
    post(bench, "UERIN", EXPORT_AGAIN)
    bench.settle()
    assert [c.args.get("user") for c in bench.fake.calls_to("chat.postEphemeral")] == ["UERIN"]
    [dm] = bench.fake.dms("UERIN")
    assert EXPORT_Q in text_of(dm)


def test_a_redelivered_question_is_suggested_once(community):
    from tests.fakeslack.payloads import message_event

    earlier_threads(community)
    ts = f"{int(community.clock.advance(5))}.000999"
    community.fake.add_message(HELP, "UCAROL", EXPORT_AGAIN, ts=ts)
    event = message_event(HELP, "UCAROL", EXPORT_AGAIN, ts=ts)
    for retry in (None, 1):
        assert community.event(event, event_id="EvSAMEQUESTION", retry_num=retry).status == 200
    community.settle()
    assert len(suggestions_to(community, "UCAROL")) == 1


def test_retention_keeps_only_the_first_line(community):
    ts = answered(community, "UALICE", "How do I export my dashboards?\nI tried the menu and my email is a@b.example")
    community.settle()
    community.clock.advance(days=community.rt.settings.config.moderation.retention_days + 1)
    trimmed, _ = community.rt.services.suggestions.run_retention()
    assert trimmed == 1
    row = community.rt.store.db.execute("SELECT text, first_line FROM suggest_questions WHERE ts = ?", [ts]).fetchone()
    assert row == ("How do I export my dashboards?", "How do I export my dashboards?")
    post(community, "UCAROL", "How can I export dashboards?")
    community.settle()
    assert len(suggestions_to(community, "UCAROL")) == 1  # still found, by its first line


def test_retention_leaves_no_byte_of_a_questions_later_lines_in_the_database_or_wal(community):
    """The suggestions' own retention job runs after the main one (03:41 after
    03:17): the question text it cuts must not stay in the WAL or in the
    database file's old page until some later checkpoint."""
    from pathlib import Path

    from bot.services import retention

    word = "wombatquixotic"
    answered(community, "UALICE", f"How do I export my dashboards?\nI tried the {word} menu twice")
    community.settle()
    community.clock.advance(days=community.rt.settings.config.moderation.retention_days + 1)
    retention.run(community.rt)
    trimmed, _ = community.rt.services.suggestions.run_retention()
    assert trimmed == 1
    db_path = Path(community.rt.settings.modbot_db)
    wal = Path(str(db_path) + "-wal")
    on_disk = db_path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    assert b"How do I export my dashboards?" in on_disk  # the first line is kept, on purpose
    assert word.encode() not in on_disk


def test_general_channel_is_not_a_help_channel(community):
    answered(community, "UALICE", EXPORT_Q, channel=GENERAL)
    community.settle()
    assert community.rt.store.db.execute("SELECT count(*) FROM suggest_questions").fetchone()[0] == 0


def test_not_related_marks_raise_the_threshold_for_later_questions(fake_slack, make_bench):
    cfg = _config(**{HELP: {"public_suggestions": True}})
    cfg["suggestions"] = {"max_raise": 1.0}
    bench = make_bench(config=cfg, clock=FakeClock(when(2026, 3, 10)))
    earlier_threads(bench)
    repeats = {"UCAROL": EXPORT_AGAIN,
               "UBOB": "Why would a webhook retry one event three times?",
               "UDAVE": "How can I change the billing email shown on invoices?"}
    for user, text in repeats.items():
        post(bench, user, text)
        bench.settle()
    replies = [m for m in bench.fake.messages(HELP) if m.get("bot_id")]
    assert len(replies) == 3
    service = bench.rt.services.suggestions
    assert service.threshold() == bench.rt.settings.config.suggestions.min_score
    assert service.find(EXPORT_AGAIN, asker="UMOD2")  # would be suggested now
    for reply in replies:
        press(bench, "UMOD1", reply, ids.ACT_SUGGEST_NOT_RELATED)
    assert service.threshold() > max(r["top_score"] for r in bench.rt.store.db["suggestions"].rows)
    # the same question again, from someone who asked none of them: nothing now
    post(bench, "UMOD2", EXPORT_AGAIN)
    bench.settle()
    assert len([m for m in bench.fake.messages(HELP) if m.get("bot_id")]) == 3


def test_without_channel_type_slack_is_asked_whether_the_channel_is_private(fake_slack, make_bench):
    from tests.fakeslack.payloads import message_event

    # Private channels created today have C ids too: the id says nothing.
    fake_slack.add_channel("CSECRETHELP", "secret-help", is_private=True, members=["UALICE", "UBOB", "UCAROL"])
    bench = make_bench(config=config(help_channels=[HELP, "CSECRETHELP"]), clock=FakeClock(when(2026, 3, 10)))

    def ask(channel: str, text: str) -> None:
        ts = f"{int(bench.clock.advance(5))}.000100"
        bench.fake.add_message(channel, "UALICE", text, ts=ts)
        event = message_event(channel, "UALICE", text, ts=ts)
        del event["channel_type"]
        assert bench.event(event).status == 200

    ask("CSECRETHELP", EXPORT_Q)
    ask(HELP, "Why does the webhook retry the same event three times?")
    bench.settle()
    assert [r["channel"] for r in bench.rt.store.db["suggest_questions"].rows] == [HELP]
    assert {c.args["channel"] for c in bench.fake.calls_to("conversations.info")} == {"CSECRETHELP", HELP}
