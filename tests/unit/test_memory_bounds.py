"""Every in-process cache that grows with traffic has a bound: fill each past
it and check its size. A cache turned back into a plain dict (or an
lru_cache without maxsize) fails here."""
from __future__ import annotations

import inspect

import pytest

import policies
from bot.app import create_app
from bot.clock import FakeClock
from bot.services.cases import card as moderation_mod
from bot.services.people import PROFILE_CACHE_SIZE
from policies import abuse, community, slacktext, threats, wordmodel
from tests.harness import GENERAL, make_settings


@pytest.fixture
def rt(fake_slack, tmp_path):
    clock = FakeClock()
    runtime = create_app(make_settings(fake_slack, tmp_path / "bounds.db"), clock=clock, client_retries=0)
    yield runtime
    runtime.store.close()


def _user(i: int) -> dict:
    uid = f"UMANY{i:06d}"
    return {"id": uid, "real_name": f"Member {i}", "profile": {"display_name": f"m{i}", "real_name": f"Member {i}"}}


def test_profiles_are_bounded_and_a_dropped_one_is_asked_of_slack_again(rt, fake_slack):
    people = rt.services.people
    extra = 100
    for i in range(PROFILE_CACHE_SIZE + extra):
        people.remember_profile(_user(i))
    assert len(people._profiles) == PROFILE_CACHE_SIZE
    # The newest are kept and answered from memory; the oldest were dropped.
    newest = _user(PROFILE_CACHE_SIZE + extra - 1)["id"]
    fake_slack.clear_calls()
    assert people.person(newest).display_name == f"m{PROFILE_CACHE_SIZE + extra - 1}"
    assert fake_slack.calls_to("users.info") == []
    fake_slack.add_user("UMANY000000", "first", real_name="First Member", display_name="first")
    assert people.person("UMANY000000").display_name == "first"
    assert len(fake_slack.calls_to("users.info")) == 1
    assert len(people._profiles) == PROFILE_CACHE_SIZE


def test_a_profile_used_recently_survives_the_eviction(rt):
    people = rt.services.people
    people.remember_profile(_user(0))
    for i in range(1, PROFILE_CACHE_SIZE + 50):
        if i % 1000 == 0:
            assert people.person("UMANY000000") is not None  # a member who keeps posting
        people.remember_profile(_user(i))
    assert "UMANY000000" in people._profiles and len(people._profiles) == PROFILE_CACHE_SIZE


def test_permalinks_are_stored_with_the_case_not_cached_in_memory(fake_slack, tmp_path):
    # Issue 11: the permalink is asked of Slack once, when the case opens, and
    # kept in the cases table (it used to live in a bounded in-memory cache).
    from storage import cases as cases_db

    runtime = create_app(make_settings(fake_slack, tmp_path / "links.db"), clock=FakeClock(), client_retries=0)
    try:
        service = runtime.services.moderation.card
        db = runtime.store.db
        cases = []
        for n in range(1, 13):
            ts = fake_slack.add_message(GENERAL, "UALICE", f"message {n}")
            case, _ = cases_db.open_case(db, channel=GENERAL, ts=ts, author="UALICE", source="auto",
                                         excerpt_masked="x", severity="low", now=1.0)
            cases.append(case)
        links = [service._permalink(c) for c in cases]
        assert all(link and link.startswith("https://") for link in links)
        fake_slack.clear_calls()
        again = [service._permalink(cases_db.get(db, c.id)) for c in cases]
        assert again == links and fake_slack.calls_to("chat.getPermalink") == []
        assert not hasattr(service, "_permalinks")
    finally:
        runtime.store.close()


def test_the_permalink_misses_cache_uses_its_constant(rt):
    assert rt.services.moderation.card._permalink_misses.maxsize == moderation_mod.PERMALINK_MISSES_SIZE


def _lru_cached_functions():
    for module in (policies, abuse, community, slacktext, threats, wordmodel):
        for name, fn in inspect.getmembers(module):
            if callable(fn) and hasattr(fn, "cache_info") and getattr(fn, "__module__", None) == module.__name__:
                yield f"{module.__name__}.{name}", fn


def test_every_lru_cache_in_the_policies_has_a_maxsize():
    found = dict(_lru_cached_functions())
    assert "policies.community._name_key" in found and "policies.slacktext._fold_other" in found
    unbounded = [name for name, fn in found.items() if fn.cache_info().maxsize is None]
    assert unbounded == []


def test_name_caches_hold_at_most_their_maxsize():
    size = community._name_key.cache_info().maxsize
    for i in range(size + 10):
        community._name_key(f"name number {i}")
    assert community._name_key.cache_info().currsize == size


def test_imitation_tables_are_bounded_in_number_and_in_size(monkeypatch):
    for i in range(community.IMITATION_TABLES * 3):
        community._imitated("someone", (f"Staff Person {i}",))
    assert community._imitation_table.cache_info().currsize <= community.IMITATION_TABLES
    # One staff list, more distinct names than a table holds.
    monkeypatch.setattr(community, "IMITATION_TABLE_SIZE", 50)
    staff = ("Mia Moderator",)
    for i in range(120):
        community._imitated(f"member{i}", staff)
    assert 0 < len(community._imitation_table(staff)) <= 50


def test_joint_scorers_are_bounded():
    import numpy as np

    keep = []
    for i in range(wordmodel._JOINT_MAX * 2 + 1):
        clf = wordmodel.Classifier({f"w{i}": 0}, np.ones(1), np.ones(1), 0.0)
        keep.append(clf)  # alive, so that no two share an id()
        wordmodel.joint_scorer([clf])
        assert len(wordmodel._joint) <= wordmodel._JOINT_MAX
