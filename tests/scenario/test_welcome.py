"""Newcomers get one welcome DM, ever, with the key guidelines and only the
profile items users.info shows as missing."""
from __future__ import annotations

import pytest

from bot.clock import FakeClock
from storage import welcome as welcome_db
from tests.fakeslack.payloads import member_joined_channel, team_join, user_object
from tests.harness import GENERAL, HELP
from tests.scenario.community import dm_texts, when

WELCOME = "CWELCOME"


@pytest.fixture
def bench_(fake_slack, make_bench):
    fake_slack.add_channel(WELCOME, "welcome", members=["UALICE"])
    return make_bench(
        config={"community": {"name": "Test Community"}, "welcome": {"channels": [WELCOME]}},
        clock=FakeClock(when(2026, 3, 10)),
    )


def checklist(text: str) -> str:
    return text.split("Complete your profile")[1] if "Complete your profile" in text else ""


def test_team_join_sends_one_dm_listing_only_what_is_missing(bench_):
    newbie = bench_.fake.add_user("UNEW", "nina", real_name="Nina New", email="nina@mail.example", image=True)
    assert bench_.event(team_join(newbie)).status == 200
    bench_.settle()
    [text] = dm_texts(bench_.fake, "UNEW")
    assert "Welcome to Test Community, <@UNEW>!" in text
    assert "Privacy and personal data" in text and "/guidelines" in text
    items = checklist(text)
    assert "job title" in items and "company" in items
    assert "full name" not in items and "photo" not in items

    # Joining the welcome channel later, or the event coming again: no second DM.
    bench_.event(team_join(newbie))
    bench_.fake.channels[WELCOME]["members"].append("UNEW")
    bench_.event(member_joined_channel(WELCOME, "UNEW"))
    bench_.settle()
    assert len(dm_texts(bench_.fake, "UNEW")) == 1
    assert welcome_db.welcomed_at(bench_.rt.store.db, "UNEW") == bench_.clock.now()


def test_welcome_channel_join_checks_the_profile_with_users_info(bench_):
    bench_.fake.add_user("UPIC", "pat", real_name="pat", title="Analyst", company="Acme", image=False)
    bench_.event(member_joined_channel(WELCOME, "UPIC"))
    bench_.settle()
    [text] = dm_texts(bench_.fake, "UPIC")
    items = checklist(text)
    assert "full name" in items and "photo" in items  # real name is only the handle
    assert "job title" not in items and "company" not in items
    assert [c.args["user"] for c in bench_.fake.calls_to("users.info")] == ["UPIC"]


def test_a_complete_profile_gets_no_checklist(bench_):
    bench_.fake.add_user("UDONE", "dana", real_name="Dana Done", title="Engineer", company="Acme")
    bench_.event(member_joined_channel(WELCOME, "UDONE"))
    bench_.settle()
    [text] = dm_texts(bench_.fake, "UDONE")
    assert checklist(text) == "" and "Your profile is complete" in text


def test_other_channels_bots_and_a_disabled_welcome_send_nothing(bench_, make_bench):
    bench_.fake.add_user("UOTHER", "olly", real_name="Olly Other")
    bench_.event(member_joined_channel(GENERAL, "UOTHER"))
    bench_.event(member_joined_channel(HELP, "UOTHER"))
    robot = user_object("UROBOT", "robot", is_bot=True, bot_id="BROBOT")
    bench_.fake.users["UROBOT"] = robot
    bench_.event(team_join(robot))
    bench_.settle()
    assert dm_texts(bench_.fake, "UOTHER") == [] and dm_texts(bench_.fake, "UROBOT") == []

    off = make_bench(config={"welcome": {"enabled": False, "channels": [WELCOME]}})
    quiet = off.fake.add_user("UQUIET", "quinn", real_name="Quinn Quiet")
    off.event(team_join(quiet))
    off.settle()
    assert dm_texts(off.fake, "UQUIET") == []
