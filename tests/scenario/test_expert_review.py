"""The monthly expert review: one notice per expert and month below the
minimum, a summary for the moderators, recovery within the grace period,
revocation with the user group updated, and no double sends across double
runs, restarts, two processes and missed runs."""
from __future__ import annotations

import threading

import pytest

from bot.clock import FakeClock
from bot.scheduler import run_catch_up
from storage import experts as experts_db
from tests.harness import GENERAL, MOD_CHANNEL, start_bench
from tests.scenario.community import (
    EXPERT_GROUP,
    answer_questions,
    channel_texts,
    command,
    config,
    dm_texts,
    job,
    run_job,
    text_of,
    when,
)


@pytest.fixture
def group(fake_slack):
    fake_slack.add_usergroup(EXPERT_GROUP, "experts", ["UALICE", "UBOB", "UCAROL"])
    return fake_slack


def march_activity(bench) -> None:
    """Experts since February; in March Alice gives 10 answers, Bob 3, Carol none."""
    run_job(bench, "expert_sync")
    bench.clock.set(when(2026, 3, 5))
    answer_questions(bench, expert="UALICE", n=10)
    answer_questions(bench, expert="UBOB", n=3)
    bench.settle()


def notices(fake, user: str) -> list[str]:
    return [t for t in dm_texts(fake, user) if "expert activity in March 2026" in t]


def test_review_notifies_each_expert_below_the_minimum_once(group, make_bench):
    bench = make_bench(config=config(), clock=FakeClock(when(2026, 2, 20)))
    march_activity(bench)
    bench.clock.set(when(2026, 4, 1, 9))
    run_job(bench, "expert_review")
    run_job(bench, "expert_review")  # a second run changes nothing

    assert notices(group, "UALICE") == []
    [bob] = notices(group, "UBOB")
    [carol] = notices(group, "UCAROL")
    assert "3 answers" in bob and "at least *10*" in bob
    assert "0 answers" in carol
    assert "1 May 2026" in bob  # re-engage by: the review plus 30 days
    summaries = [t for t in channel_texts(group, MOD_CHANNEL) if "Expert review" in t]
    assert len(summaries) == 1
    assert "<@UBOB>: 3 answers of 10" in summaries[0] and "<@UCAROL>: 0 answers of 10" in summaries[0]
    assert "<@UALICE> (10)" in summaries[0]
    # /myactivity shows the grace period and the days left
    body = command(bench, "/myactivity", user="UBOB")
    assert "in a grace period*: 30 days left" in text_of(body)


def test_grace_recovery_and_revocation_with_the_user_group_updated(group, make_bench):
    bench = make_bench(config=config(), clock=FakeClock(when(2026, 2, 20)))
    march_activity(bench)
    bench.clock.set(when(2026, 4, 1, 9))
    run_job(bench, "expert_review")

    # Bob re-engages within the grace period: told at once, keeps the role.
    bench.clock.set(when(2026, 4, 10))
    answer_questions(bench, expert="UBOB", n=10)
    bench.settle()
    kept = [t for t in dm_texts(group, "UBOB") if "You keep your expert role" in t]
    assert len(kept) == 1 and "10 answers since April 2026 began" in kept[0]
    assert experts_db.get_expert(bench.rt.store.db, "UBOB").status == "active"

    # The day before the grace period ends, nothing happens to Carol.
    bench.clock.set(when(2026, 4, 30, 9, 30))
    run_job(bench, "expert_grace")
    assert group.usergroups[EXPERT_GROUP]["users"] == ["UALICE", "UBOB", "UCAROL"]

    bench.clock.set(when(2026, 5, 1, 9, 30))
    run_job(bench, "expert_grace")
    run_job(bench, "expert_grace")
    assert group.usergroups[EXPERT_GROUP]["users"] == ["UALICE", "UBOB"]
    assert len(group.calls_to("usergroups.users.update")) == 1
    ended = [t for t in dm_texts(group, "UCAROL") if "expert role has ended" in t]
    assert len(ended) == 1
    notes = [t for t in channel_texts(group, MOD_CHANNEL) if "<@UCAROL> lost the expert role" in t]
    assert len(notes) == 1
    assert experts_db.get_expert(bench.rt.store.db, "UCAROL").status == "revoked"
    # Bob's recovery is not undone, and nobody got a second message.
    assert len(dm_texts(group, "UBOB")) == 2 and len(dm_texts(group, "UCAROL")) == 2
    # The group change Slack reports back does not disturb the roster.
    from tests.fakeslack.payloads import subteam_members_changed

    bench.event(subteam_members_changed(EXPERT_GROUP, removed=["UCAROL"]))
    bench.settle()
    roster = {e.user_id for e in experts_db.list_experts(bench.rt.store.db)}
    assert roster == {"UALICE", "UBOB"}


def test_a_restart_sends_nothing_twice_and_catches_up_a_missed_run(group, tmp_path):
    db_path = tmp_path / "shared.db"
    clock = FakeClock(when(2026, 2, 20))
    first = start_bench(group, db_path, config=config(), clock=clock)
    try:
        march_activity(first)
    finally:
        first.close()

    # Down on 1 April: the review is caught up when the bot starts on the 3rd.
    clock.set(when(2026, 4, 3, 8))
    second = start_bench(group, db_path, config=config(), clock=clock)
    try:
        run_catch_up(second.rt)
        second.settle()
        assert len(notices(group, "UBOB")) == 1 and len(notices(group, "UCAROL")) == 1
    finally:
        second.close()

    third = start_bench(group, db_path, config=config(), clock=clock)
    try:
        run_catch_up(third.rt)
        run_job(third, "expert_review")
        run_job(third, "expert_spotlight")
        third.settle()
        assert len(notices(group, "UBOB")) == 1 and len(notices(group, "UCAROL")) == 1
        assert len([t for t in channel_texts(group, MOD_CHANNEL) if "Expert review" in t]) == 1
        assert len([t for t in channel_texts(group, GENERAL) if "Expert spotlight" in t]) == 1
    finally:
        third.close()


def test_two_processes_running_the_review_together_send_each_notice_once(group, tmp_path):
    db_path = tmp_path / "two.db"
    clock = FakeClock(when(2026, 2, 20))
    a = start_bench(group, db_path, config=config(), clock=clock)
    b = start_bench(group, db_path, config=config(), clock=clock)
    try:
        march_activity(a)
        clock.set(when(2026, 4, 1, 9))
        jobs = [job(x, "expert_review") for x in (a, b)]
        threads = [threading.Thread(target=j.fn) for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        a.settle()
        b.settle()
        assert len(notices(group, "UBOB")) == 1 and len(notices(group, "UCAROL")) == 1
        assert len([t for t in channel_texts(group, MOD_CHANNEL) if "Expert review" in t]) == 1
    finally:
        a.close()
        b.close()


def test_experts_added_during_the_month_are_not_reviewed_for_it(group, make_bench):
    bench = make_bench(config=config(), clock=FakeClock(when(2026, 3, 15)))
    run_job(bench, "expert_sync")  # modbot installed mid-March
    bench.clock.set(when(2026, 4, 1, 9))
    run_job(bench, "expert_review")
    assert all(dm_texts(group, u) == [] for u in ("UALICE", "UBOB", "UCAROL"))


def test_spotlight_names_the_most_helpful_experts_with_links(group, make_bench):
    bench = make_bench(config=config(), clock=FakeClock(when(2026, 2, 20)))
    march_activity(bench)
    command(bench, "/experts", "certify <@UALICE|alice>", user="UMOD1")
    bench.settle()
    bench.clock.set(when(2026, 4, 1, 10))
    run_job(bench, "expert_spotlight")
    run_job(bench, "expert_spotlight")
    [post] = [m for m in group.messages(GENERAL) if m.get("bot_id") and "Expert spotlight" in text_of(m)]
    lines = [b["text"]["text"] for b in post["blocks"] if b["type"] == "section" and "<@U" in b["text"]["text"]]
    assert [line.split(">")[0] for line in lines] == ["*1. <@UALICE", "*2. <@UBOB"]  # no answers, no spotlight
    assert "certified" in lines[0] and "certified" not in lines[1]
    assert "10 answers" in lines[0] and "3 answers" in lines[1]
    # links to the best-received answers: Alice's, in their threads
    assert lines[0].count("slack.com/archives/") == 3 and "thread_ts=" in lines[0]
