"""The moderator channel's members are the moderators: someone who joins it
can act on cases at once, and someone who leaves it is refused at once, not
when the cached list of moderators runs out (moderator_cache_seconds)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot import ids
from storage import audit as audit_db
from storage import events as events_db
from storage import open_db
from tests.fakeslack.payloads import SlackClientSim, member_joined_channel, member_left_channel, message_event
from tests.harness import GENERAL, MOD_CHANNEL, SIGNING_SECRET
from tests.procs import start_serve
from tests.scenario.moderation_steps import RUDE, case_for, click, routed

# Long enough that the cache never runs out during a test (the clock is fake
# and does not move by itself anyway).
CACHE = {"moderation": {"moderator_cache_seconds": 3600}}


def _refusals(bench, case_id: int, user: str) -> list[str]:
    return [e.action for e in audit_db.entries(bench.rt.store.db, case_id=case_id)
            if e.actor == user and e.action.startswith("refused:")]


@pytest.fixture
def bench(make_bench):
    return make_bench(config=CACHE, client_retries=0)


def test_a_member_who_joins_the_moderator_channel_can_act_at_once(bench):
    ts, case = routed(bench)
    click(bench, "UDAVE", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"
    assert _refusals(bench, case.id, "UDAVE") == ["refused:dismiss"]

    bench.fake.channels[MOD_CHANNEL]["members"].append("UDAVE")
    assert bench.event(member_joined_channel(MOD_CHANNEL, "UDAVE", inviter="UMOD1")).status == 200
    bench.settle()
    click(bench, "UDAVE", ids.ACT_DISMISS, case.id)
    bench.settle()
    case = case_for(bench, GENERAL, ts)
    assert case.status == "dismissed" and case.handled_by == "UDAVE"


def test_a_moderator_who_leaves_the_channel_is_refused_at_once(bench):
    ts, case = routed(bench)
    bench.fake.channels[MOD_CHANNEL]["members"].remove("UMOD2")
    assert bench.event(member_left_channel(MOD_CHANNEL, "UMOD2")).status == 200
    bench.settle()
    click(bench, "UMOD2", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"
    assert _refusals(bench, case.id, "UMOD2") == ["refused:dismiss"]
    # The moderators who stayed still can.
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).handled_by == "UMOD1"


def test_a_leaver_is_refused_even_when_slack_cannot_list_the_members(bench):
    ts, case = routed(bench)
    bench.fake.channels[MOD_CHANNEL]["members"].remove("UMOD2")
    bench.event(member_left_channel(MOD_CHANNEL, "UMOD2"))
    bench.settle()
    # The last known list is used, less the member who left.
    bench.fake.fail("conversations.members", status=500, times=10)
    click(bench, "UMOD2", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).status == "open"
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).handled_by == "UMOD1"
    assert len(bench.fake.calls_to("conversations.members")) >= 1


def test_joining_or_leaving_another_channel_keeps_the_cached_moderators(bench):
    ts, case = routed(bench)
    bench.fake.clear_calls()
    bench.event(member_joined_channel(GENERAL, "UNEWBIE"))
    bench.event(member_left_channel(GENERAL, "UBOB"))
    bench.settle()
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    assert case_for(bench, GENERAL, ts).handled_by == "UMOD1"
    assert bench.fake.calls_to("conversations.members") == []


def test_a_leaver_is_refused_at_once_by_serve_with_its_worker_process(fake_slack, tmp_path):
    db_path = tmp_path / "serve.db"
    serve = start_serve(fake_slack, db_path, log_level="WARNING", config=_config_file(tmp_path))
    db = open_db(db_path)
    try:
        client = SlackClientSim(serve.base_url, SIGNING_SECRET)
        bench = SimpleNamespace(fake=fake_slack, client=client, rt=SimpleNamespace(store=SimpleNamespace(db=db)))
        ts = fake_slack.add_message(GENERAL, "UCAROL", RUDE)
        assert client.post_event(message_event(GENERAL, "UCAROL", RUDE, ts=ts), event_id="EvServe1").status == 200
        case = fake_slack.wait_for(lambda: (c := case_for(bench, GENERAL, ts)) and c.card_ts and c, timeout=20)
        click(bench, "UMOD1", ids.ACT_MORE, case.id, option="escalate")  # the server's cache now holds UMOD2
        fake_slack.channels[MOD_CHANNEL]["members"].remove("UMOD2")
        assert client.post_event(member_left_channel(MOD_CHANNEL, "UMOD2"), event_id="EvServe2").status == 200
        assert fake_slack.wait_for(lambda: events_db.event_status(db, "EvServe2")["status"] == "done", timeout=20)
        click(bench, "UMOD2", ids.ACT_DISMISS, case.id)
        assert case_for(bench, GENERAL, ts).status == "open"
    finally:
        db.conn.close()
        serve.stop()


def _config_file(tmp_path):
    path = tmp_path / "modbot.toml"
    path.write_text("[moderation]\nmoderator_cache_seconds = 3600\n")
    return path
