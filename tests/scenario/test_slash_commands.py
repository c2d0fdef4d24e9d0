"""/guidelines, /myactivity and /experts: private answers in the ack, with
the right content, and usage for arguments they do not understand."""
from __future__ import annotations

import pytest

from bot.clock import FakeClock
from tests.harness import GENERAL
from tests.scenario.community import EXPERT_GROUP, answer_questions, command, config, run_job, text_of, when


@pytest.fixture
def bench_(fake_slack, make_bench):
    fake_slack.add_usergroup(EXPERT_GROUP, "experts", ["UALICE"])
    fake_slack.add_user("UEMP", "erin", real_name="Erin Employee", email="erin@corp.example")
    return make_bench(
        config=config(employee_email_domains=["corp.example"]), clock=FakeClock(when(2026, 3, 10))
    )


def section_titles(body: dict) -> list[str]:
    return [
        b["text"]["text"].split("\n")[0].strip("*")
        for b in body["blocks"]
        if b["type"] == "section" and b["text"]["text"].startswith("*")
    ]


def test_guidelines_without_a_topic_shows_every_section(bench_):
    body = command(bench_, "/guidelines", user="UBOB")
    titles = section_titles(body)
    for title in ("Threats and violence", "Privacy and personal data", "Selling and self-promotion", "Flagging a message", "The expert programme"):
        assert title in titles
    assert len(body["blocks"]) <= 50
    assert body["blocks"][0]["type"] == "header"
    # private: nothing was posted anywhere
    assert bench_.fake.calls_to("chat.postMessage") == [] and bench_.fake.calls_to("chat.postEphemeral") == []


@pytest.mark.parametrize("topic, title", [("privacy", "Privacy and personal data"), ("PII", "Privacy and personal data"), ("ads", "Selling and self-promotion")])
def test_guidelines_with_a_topic_shows_the_matching_section(bench_, topic, title):
    body = command(bench_, "/guidelines", topic, user="UBOB")
    assert section_titles(body) == [title]


def test_guidelines_with_an_unknown_topic_explains_usage_and_topics(bench_):
    body = command(bench_, "/guidelines", "unicorns", user="UBOB")
    text = text_of(body)
    assert "no guideline section about *unicorns*" in text
    assert "Usage:" in text and "`privacy`" in text and "`off_topic`" in text


def test_myactivity_has_the_right_numbers(bench_):
    run_job(bench_, "expert_sync")
    answer_questions(bench_, expert="UALICE", n=4)
    answer_questions(bench_, expert="UBOB", n=2)
    db = bench_.rt.store.db
    now = bench_.clock.now()
    # Records the moderation workflow writes: three flags by Alice (two upheld),
    # two warnings (one expired), a suspension for Bob.
    for i, upheld in enumerate((1, 1, 0)):
        db.execute(
            "INSERT INTO cases (channel, ts, author, created_at, updated_at) VALUES (?, ?, 'UDAVE', ?, ?)",
            ["CHELP", f"1700000000.00{i}", now, now],
        )
        case_id = db.execute("SELECT max(id) FROM cases").fetchone()[0]
        db.execute(
            "INSERT INTO flags (case_id, flagger, reason, weight, created_at, upheld) VALUES (?, 'UALICE', 'spam', 1, ?, ?)",
            [case_id, now, upheld],
        )
    db.execute(
        "INSERT INTO warnings (user_id, guideline, message, issued_by, issued_at, expires_at) VALUES ('UALICE', 'harassment', 'm', 'UMOD1', ?, ?)",
        [now - 86400, when(2026, 9, 1)],
    )
    db.execute(
        "INSERT INTO warnings (user_id, guideline, message, issued_by, issued_at, expires_at) VALUES ('UALICE', 'spam', 'm', 'UMOD1', ?, ?)",
        [now - 400 * 86400, now - 86400],
    )
    db.execute(
        "INSERT INTO suspensions (user_id, reason, days, starts_at, ends_at, issued_by) VALUES ('UBOB', 'spam', 3, ?, ?, 'UMOD1')",
        [now - 3600, when(2026, 3, 13)],
    )
    bench_.settle()

    alice = text_of(command(bench_, "/myactivity", user="UALICE"))
    assert "*4 answers* in March 2026 so far (minimum 10): 6 to go" in alice
    assert "*Expert programme:* expert" in alice
    assert "*Flags you made:* 3, 2 upheld by the moderators" in alice
    assert "*Active warnings:* 1" in alice and "harassment" in alice and "1 September 2026" in alice
    assert "spam: given" not in alice  # the expired one is gone
    assert "*Suspension:* none" in alice
    assert "Feb 26: *0*" in alice and "Sep 25: *0*" in alice  # six months of history

    bob = text_of(command(bench_, "/myactivity", user="UBOB"))
    assert "*2 answers* in March 2026" in bob and "not an expert" in bob
    assert "*Suspension:* in force until" in bob and "13 March 2026" in bob

    erin = text_of(command(bench_, "/myactivity", user="UEMP"))
    assert "*Role:* Employee" in erin

    usage = text_of(command(bench_, "/myactivity", "everything please", user="UBOB"))
    assert "Usage:" in usage and "answers" not in usage.split("Usage:")[0]


def test_experts_shows_the_roster_and_moderators_change_it(bench_):
    run_job(bench_, "expert_sync")
    answer_questions(bench_, expert="UBOB", n=2)
    answer_questions(bench_, expert="UALICE", n=1)
    bench_.settle()
    listing = text_of(command(bench_, "/experts", user="UCAROL"))
    roster = listing.split("*Roster*")[1].split("Most helpful")[0]
    assert "<@UALICE>" in roster and "<@UBOB>" not in roster
    assert "1. <@UBOB>: 2 answers" in listing and "2. <@UALICE>: 1 answer" in listing

    refused = text_of(command(bench_, "/experts", "add <@UBOB|bob>", user="UCAROL"))
    assert "Only moderators" in refused

    added = text_of(command(bench_, "/experts", "add <@UBOB|bob>", user="UMOD1"))
    assert "<@UBOB> is now an expert." in added
    bench_.settle()
    assert bench_.fake.usergroups[EXPERT_GROUP]["users"] == ["UALICE", "UBOB"]
    certified = text_of(command(bench_, "/experts", "certify <@UBOB>", user="UMOD1"))
    assert "certified expert" in certified
    assert ":white_check_mark: certified" in text_of(command(bench_, "/experts", user="UCAROL"))

    removed = text_of(command(bench_, "/experts", "remove <@UALICE|alice>", user="UMOD2"))
    assert "<@UALICE> is no longer an expert." in removed
    bench_.settle()
    assert bench_.fake.usergroups[EXPERT_GROUP]["users"] == ["UBOB"]


@pytest.mark.parametrize("text, expected", [("promote <@UBOB>", "I don't know `promote`"), ("add bob", "needs one or more members"), ("help", "Usage")])
def test_experts_explains_usage(bench_, text, expected):
    assert expected in text_of(command(bench_, "/experts", text, user="UMOD1"))


def test_commands_answer_in_a_direct_message_channel_too(bench_):
    body = command(bench_, "/guidelines", "spam", user="UBOB", channel="D0000001")
    assert section_titles(body) == ["Spam"]
    assert command(bench_, "/experts", user="UBOB", channel=GENERAL)["blocks"]
