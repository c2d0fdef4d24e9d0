"""Floods and raids as one case: a member's flood (or a burst of new
accounts) is one case with one card, updated in place, and the excess is
removed as `moderation.flood_response` says."""
from __future__ import annotations

from bot import ids
from bot.services.cases.floods import CARD_GATHER_S
from storage import cases as cases_db
from storage import sanctions as sanctions_db
from tests.fakeslack.payloads import message_event, team_join
from tests.harness import GENERAL, HELP, MOD_CHANNEL
from tests.scenario.moderation_steps import card_for, card_text, cards, click, suspend

SPAM = "Join my trading group for guaranteed daily returns, message me now"


def _flood(bench, user: str, n: int, *, channels=(GENERAL, HELP)) -> list[tuple[str, str]]:
    sent = []
    for i in range(n):
        channel = channels[i % len(channels)]
        sent.append((channel, bench.say(user, f"{SPAM} ({i})", channel=channel)))
    _gathered(bench)
    return sent


def _gathered(bench) -> None:
    """The flood card's update gathers changes for CARD_GATHER_S: let it go."""
    bench.settle(timeout=60)
    bench.clock.advance(CARD_GATHER_S)
    bench.settle(timeout=60)


def _flood_cases(bench) -> list[cases_db.Case]:
    db = bench.rt.store.db
    return [cases_db.get(db, r[0]) for r in db.execute("SELECT id FROM cases ORDER BY id")]


def test_a_flood_of_500_messages_is_one_case_with_one_card_updated_in_place(make_bench):
    bench = make_bench(config={"moderation": {"flood_response": "none"}})
    _flood(bench, "UBOB", 500)
    found = _flood_cases(bench)
    assert [(c.kind, c.author) for c in found] == [("flood", "UBOB")]
    case = found[0]
    posts = [c for c in bench.fake.calls_to("chat.postMessage") if c.args.get("channel") == MOD_CHANNEL and c.ok]
    assert len(posts) == 1 and len(cards(bench)) == 1
    updates = [c for c in bench.fake.calls_to("chat.update") if c.ok and c.args.get("ts") == case.card_ts]
    assert 1 <= len(updates) <= 4  # in place, each update gathering many messages
    text = card_text(card_for(bench, case.id))
    # The first 8 messages are within the limit; the 9th on are the flood.
    assert "flood: 492 messages" in text and f"<#{GENERAL}>" in text and f"<#{HELP}>" in text
    assert cases_db.group_summary(bench.rt.store.db, case.id).messages == 492
    assert bench.fake.calls_to("chat.delete") == []  # flood_response = "none"


def _post_at(bench, user: str, text: str, at: float, *, channel: str = GENERAL) -> str:
    """A member posts at Slack time `at` (seconds)."""
    ts = bench.fake.add_message(channel, user, text, ts=f"{at:.6f}")
    assert bench.event(message_event(channel, user, text, ts=ts)).status == 200
    return ts


def _deleted(bench) -> set[str]:
    return {c.args["ts"] for c in bench.fake.calls_to("chat.delete") if c.ok}


def test_remove_the_repeats_keeps_the_first_message_of_the_flood(make_bench):
    bench = make_bench(config={"moderation": {"flood_response": "remove"}})
    sent = _flood(bench, "UBOB", 30)
    case = _flood_cases(bench)[0]
    repeats = {ts for _, ts in sent[9:]}
    assert case.ts == sent[8][1] and _deleted(bench) == repeats  # the 9th opened the case and stays up
    assert bench.fake.find_message(sent[8][0], sent[8][1]) is not None
    assert all(bench.fake.find_message(ch, ts) is None for ch, ts in sent[9:])
    told = [m["text"] for m in bench.fake.dms("UBOB")]
    assert len(told) == 1 and "repeated messages are being removed" in told[0]


def test_slow_mode_removes_what_passes_n_a_minute_until_a_moderator_decides(make_bench):
    bench = make_bench(config={"moderation": {"flood_response": "slow_mode", "flood_slow_mode_per_minute": 5}})
    t0 = 1_700_100_000.0
    burst = [_post_at(bench, "UBOB", f"{SPAM} ({i})", t0 + i * 0.1) for i in range(20)]
    bench.settle()
    case = _flood_cases(bench)[0]
    # Messages 9..20 joined the case; beyond 5 in a minute they are removed.
    assert _deleted(bench) == set(burst[13:])
    assert [m["text"] for m in bench.fake.dms("UBOB")][0].startswith("You can post 5 messages a minute for now")
    # Two minutes later, under the flood limit: slow mode still holds them to 5 a minute.
    calm = [_post_at(bench, "UBOB", f"an ordinary question number {i}", t0 + 120 + i) for i in range(7)]
    bench.settle()
    assert _deleted(bench) == set(burst[13:]) | set(calm[5:])
    click(bench, "UMOD1", ids.ACT_DISMISS, case.id)
    bench.settle()
    later = [_post_at(bench, "UBOB", f"another ordinary question {i}", t0 + 300 + i) for i in range(7)]
    bench.settle()
    assert not _deleted(bench) & set(later)
    assert len(_flood_cases(bench)) == 1


def test_short_common_phrases_are_never_cross_post_spam(bench):
    random = "CRANDOM"
    bench.fake.add_channel(random, "random", members=[bench.fake.bot_user_id, "UALICE", "UDAVE"])
    for channel in (GENERAL, HELP, random):
        bench.say("UALICE", "thanks so much, this helped!!", channel=channel)
        bench.say("UDAVE", "+1 same here, thank you", channel=channel)
    bench.settle()
    assert _flood_cases(bench) == []
    # The same long message in three channels is still cross-posting.
    for channel in (GENERAL, HELP, random):
        bench.say("UDAVE", SPAM, channel=channel)
    bench.settle()
    assert [(c.kind, c.author) for c in _flood_cases(bench)] == [("flood", "UDAVE")]


RAIDERS = tuple(f"URAID{i:02d}" for i in range(20))


def test_a_raid_of_20_new_accounts_is_one_case_with_one_action_for_all(bench):
    for uid in RAIDERS:
        user = bench.fake.add_user(uid, uid.lower(), real_name=uid.title())
        for ch in (GENERAL, HELP):
            bench.fake.channels[ch]["members"].append(uid)
        assert bench.event(team_join(user)).status == 200
    bench.say("UALICE", "Welcome everyone, see <https://docs.example.com|the docs> first")  # not new: no raid
    sent = [(ch, bench.say(uid, f"free crypto signals at <https://t.example/{i}|t.example/{i}>", channel=ch))
            for i, uid in enumerate(RAIDERS) for ch in ((GENERAL, HELP)[i % 2],)]
    _gathered(bench)
    found = _flood_cases(bench)
    [raid] = [c for c in found if c.status == "open"]
    assert raid.kind == "raid"
    # The posts before the fifth account each opened a case of their own (a
    # promotion); once the raid showed, they were folded into it.
    early = [c for c in found if c.id != raid.id]
    assert len(early) < 5 and all(c.handled_action == "merged" and c.kind == "message" for c in early)
    assert all("Part of a raid" in card_text(card_for(bench, c.id)) for c in early)
    # A folded case is decided on the raid's card: its own card offers nothing.
    assert all(b.get("block_id") != "case_actions" for c in early for b in card_for(bench, c.id)["blocks"])
    if early:  # a click from an old copy of its card is refused
        click(bench, "UMOD2", ids.ACT_REMOVE, early[0].id)
        bench.settle()
        assert _deleted(bench) == set()
    summary = cases_db.group_summary(bench.rt.store.db, raid.id)
    assert summary.authors == RAIDERS and summary.messages == 20
    text = card_text(card_for(bench, raid.id))
    assert "raid: 20 new accounts, 20 messages" in text and all(f"<@{uid}>" in text for uid in RAIDERS)
    # One Remove removes every post of the raid; one Suspend suspends every account.
    click(bench, "UMOD1", ids.ACT_REMOVE, raid.id)
    bench.settle()
    assert _deleted(bench) == {ts for _, ts in sent}
    suspend(bench, "UMOD1", raid.id, days=7)
    bench.settle()
    suspended = [sanctions_db.active_suspension(bench.rt.store.db, user_id=uid, now=bench.clock.now()) for uid in RAIDERS]
    assert all(s is not None and s.case_id == raid.id for s in suspended)
    assert sanctions_db.active_suspension(bench.rt.store.db, user_id="UALICE", now=bench.clock.now()) is None
