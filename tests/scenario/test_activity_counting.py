"""Questions and answers are counted from message events, per member and
calendar month in the community's time zone."""
from __future__ import annotations

import pytest

from bot.clock import FakeClock
from storage import activity as activity_db
from tests.harness import GENERAL, HELP
from tests.scenario.community import config, delete, post, when


@pytest.fixture
def counting(make_bench):
    return make_bench(config=config(), clock=FakeClock(when(2026, 3, 10)))


def answers(bench, user: str, month: str = "2026-03") -> int:
    return activity_db.answers_in_month(bench.rt.store.db, user=user, month=month)


def test_answers_count_once_per_question_and_never_for_the_asker(counting):
    q = post(counting, "UALICE", "How do I export my dashboards?")
    post(counting, "UBOB", "Use the export menu.", thread_ts=q)
    post(counting, "UBOB", "Or the API, if you need it scheduled.", thread_ts=q)  # same question: still one
    post(counting, "UCAROL", "There is also a CSV button.", thread_ts=q)
    post(counting, "UALICE", "Thanks both, that worked!", thread_ts=q)  # the asker's own reply
    statement = post(counting, "UDAVE", "Release notes are out today.")  # not a question
    post(counting, "UBOB", "Nice.", thread_ts=statement)
    elsewhere = post(counting, "UDAVE", "Anyone around for lunch?", channel=GENERAL)  # not a help channel
    post(counting, "UBOB", "Me!", channel=GENERAL, thread_ts=elsewhere)
    counting.settle()
    assert (answers(counting, "UBOB"), answers(counting, "UCAROL"), answers(counting, "UALICE")) == (1, 1, 0)
    assert activity_db.questions_in_month(counting.rt.store.db, user="UALICE", month="2026-03") == 1
    assert activity_db.questions_in_month(counting.rt.store.db, user="UDAVE", month="2026-03") == 0


def test_deleting_a_reply_or_the_question_takes_the_count_back(counting):
    q1 = post(counting, "UALICE", "Why does my import fail?")
    bob = post(counting, "UBOB", "Check the file encoding.", thread_ts=q1)
    carol = post(counting, "UCAROL", "Is the header row there?", thread_ts=q1)
    q2 = post(counting, "UDAVE", "Where are the API keys?")
    post(counting, "UBOB", "Settings, then Developers.", thread_ts=q2)
    counting.settle()
    assert (answers(counting, "UBOB"), answers(counting, "UCAROL")) == (2, 1)

    delete(counting, "UCAROL", "Is the header row there?", carol, thread_ts=q1)
    delete(counting, "UDAVE", "Where are the API keys?", q2)
    counting.settle()
    assert (answers(counting, "UBOB"), answers(counting, "UCAROL")) == (1, 0)

    delete(counting, "UBOB", "Check the file encoding.", bob, thread_ts=q1)
    counting.settle()
    assert answers(counting, "UBOB") == 0


def test_a_redelivered_event_counts_once(counting):
    from tests.fakeslack.payloads import message_event

    q = post(counting, "UALICE", "Can I share a report with a guest?")
    counting.clock.advance(1)
    ts = f"{int(counting.clock.now())}.000777"
    counting.fake.add_message(HELP, "UBOB", "Yes, with a link.", ts=ts, thread_ts=q)
    event = message_event(HELP, "UBOB", "Yes, with a link.", ts=ts, thread_ts=q)
    for retry in (None, 1, 2):
        assert counting.event(event, event_id="EvSAMEANSWER", retry_num=retry).status == 200
    counting.settle()
    assert answers(counting, "UBOB") == 1


def test_months_follow_the_community_time_zone(counting):
    # 23:30 UTC on 31 March is already 1 April in Berlin.
    counting.clock.set(when(2026, 3, 31, 23, 0) - 3600)
    q = post(counting, "UALICE", "Which plan includes SSO?")
    counting.clock.set(when(2026, 4, 1, 1, 30))
    post(counting, "UBOB", "Enterprise.", thread_ts=q)
    counting.settle()
    assert answers(counting, "UBOB", "2026-03") == 0
    assert answers(counting, "UBOB", "2026-04") == 1


def test_an_edit_that_asks_makes_a_question(counting):
    from tests.fakeslack.payloads import message_changed

    ts = post(counting, "UALICE", "I cannot find the billing page.")  # "I cannot" reads as asking
    plain = post(counting, "UDAVE", "Deploy finished.")
    counting.settle()
    assert counting.event(message_changed(HELP, "UDAVE", "Deploy finished.", "Deploy finished. Does anyone see errors?", plain)).status == 200
    post(counting, "UBOB", "Looks fine here.", thread_ts=plain)
    post(counting, "UBOB", "Top right menu.", thread_ts=ts)
    counting.settle()
    assert answers(counting, "UBOB") == 2
