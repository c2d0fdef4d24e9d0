"""The outbox's queue order when Slack rate-limits a channel: the most
urgent first, posts to a paced channel left for later, a refused post not
counted as a failed try; and the cards' places in that order."""
from __future__ import annotations

from bot.slack import effects as fx
from bot.slack.blocks.cases import group_line
from storage import cases as cases_db
from storage import outbox as outbox_db


def _card(case_id: int, severity: str, *, grouped: bool = False) -> fx.PostCard:
    return fx.PostCard(case_id=case_id, channel="GMODS", text="t", blocks=[], metadata={}, severity=severity,
                       grouped=grouped)


def test_cards_queue_by_severity_and_a_flood_after_a_single_message_of_the_same_severity():
    order = [_card(1, "critical"), _card(2, "high"), _card(3, "high", grouped=True), _card(4, "medium"),
             _card(5, "medium", grouped=True), _card(6, "low")]
    assert [c.priority for c in order] == sorted((c.priority for c in order), reverse=True)
    assert len({c.priority for c in order}) == len(order)
    digest = fx.ThreadPost(channel="GMODS", thread_ts=None, about=fx.About.DIGEST, ref=1, text="3 waiting")
    assert _card(3, "high", grouped=True).priority == digest.priority == fx.SEVERE < _card(2, "high").priority
    assert _card(4, "medium").priority < fx.SEVERE


def test_due_is_most_urgent_first_and_skips_posts_to_a_paced_channel(fresh_db):
    def queue(key, channel, priority, method="chat.postMessage"):
        args = {"channel": channel, "ts": "1.0"} if method == "chat.delete" else {"channel": channel, "text": key}
        return outbox_db.enqueue(fresh_db, key=key, method=method, args=args, now=100.0, priority=priority)[0]

    low = queue("low", "GMODS", 0)
    dm = queue("dm", "UALICE", 0)
    severe = queue("severe", "GMODS", 5)
    delete = queue("delete", "GMODS", 0, method="chat.delete")
    assert [i.key for i in outbox_db.due(fresh_db, now=100.0)] == ["severe", "low", "dm", "delete"]
    # GMODS is over Slack's rate: its posts wait; its deletes and other channels' posts do not.
    assert [i.key for i in outbox_db.due(fresh_db, now=100.0, skip_channels=["GMODS"])] == ["dm", "delete"]
    assert outbox_db.claim(fresh_db, severe.id, now=100.0)
    outbox_db.unclaim(fresh_db, severe.id, at=101.0)
    again = outbox_db.get(fresh_db, "severe")
    assert again.status == "pending" and again.attempts == 0 and again.error is None
    assert [i.key for i in outbox_db.due(fresh_db, now=100.5)] == ["low", "dm", "delete"]
    assert low.priority == 0 and dm.priority == 0 and delete.priority == 0


def test_a_flood_and_a_raid_card_say_what_they_stand_for():
    flood = cases_db.GroupSummary(212, 1000.0, 1180.0, ("CGENERAL", "CHELP"), ("UBOB",))
    assert group_line("flood", flood) == "flood: 212 messages in 3 min in <#CGENERAL> and <#CHELP>"
    raid = cases_db.GroupSummary(45, 1000.0, 1030.0, ("CGENERAL",), tuple(f"U{i:03d}" for i in range(45)))
    text = group_line("raid", raid)
    assert text.startswith("raid: 45 new accounts, 45 messages in under a minute in <#CGENERAL>")
    assert "<@U039>" in text and "<@U040>" not in text and "and 5 more" in text
