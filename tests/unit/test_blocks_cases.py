"""The case card and moderation views: pure rendering, checked by slack-sdk's
models against Slack's limits."""
from __future__ import annotations

import json

import pytest
from slack_sdk.models.views import View

from bot import ids
from bot.slack.blocks import case_forms as forms
from bot.slack.blocks import member_dms as dms
from bot.slack.blocks import cases as cards
from bot.slack.blocks import escape


def _data(**over) -> cards.CardData:
    base = dict(number=7, author="UBOB", channel="CGENERAL", permalink="https://x.slack.com/archives/CGENERAL/p1",
                excerpt_masked="hello <!channel> & you", severity="high", status="open",
                findings=(cards.FindingLine("harassment.insult", 0.91, "high", "Insults the person", "route"),),
                flags=(cards.FlagLine("spam", 1.0), cards.FlagLine("spam", 2.0, "see <@UX>")),
                flag_weight=3.0, flag_threshold=5.0)
    base.update(over)
    return cards.CardData(**base)


def _buttons(blocks):
    return [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]


def _state(blocks) -> str:
    """The card's state section: removal, decision, pending and failed calls."""
    return next(b for b in blocks if b.get("block_id") == "state")["text"]["text"]


def test_open_card_has_every_action_and_escapes_member_text():
    blocks = cards.case_card(_data())
    text = json.dumps(blocks)
    assert _buttons(blocks) == [ids.ACT_REMOVE, ids.ACT_WARN, ids.ACT_SUSPEND, ids.ACT_DISMISS, ids.ACT_MORE]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "&lt;@UX&gt;" in text  # a flag note cannot mention anyone
    assert "Case #7" in text and "harassment.insult" in text and "Flagged by 2 members" in text
    assert "spam \\u00d72" in text or "spam ×2" in text


@pytest.mark.parametrize(
    "over, expected",
    [
        (dict(removal="done", removed_by="UMOD1", removed_reason="moderator"),
         [ids.ACT_WARN, ids.ACT_SUSPEND, ids.ACT_CLOSE, ids.ACT_MORE]),
        # A removal by the checks or the flags is closed (the removal stands), never
        # dismissed with "no action taken" (issue 11, bug 4).
        (dict(removal="done", removed_by="modbot", removed_reason="auto"),
         [ids.ACT_WARN, ids.ACT_SUSPEND, ids.ACT_CLOSE, ids.ACT_MORE]),
        (dict(removal="pending", removed_reason="moderator"), [ids.ACT_WARN, ids.ACT_SUSPEND, ids.ACT_MORE]),
        (dict(removal="failed", removal_error="no_admin_token"),
         [ids.ACT_REMOVE, ids.ACT_WARN, ids.ACT_SUSPEND, ids.ACT_DISMISS, ids.ACT_MORE]),
        (dict(status="closed", handled_action="warn", handled_by="UMOD1"), [ids.ACT_REMOVE, ids.ACT_MORE]),
        (dict(status="dismissed", handled_action="dismiss", handled_by="UMOD1"), [ids.ACT_MORE]),
    ],
)
def test_buttons_follow_the_case_state(over, expected):
    assert _buttons(cards.case_card(_data(**over))) == expected


def test_no_admin_token_is_explained_plainly():
    text = json.dumps(cards.case_card(_data(removal="failed", removal_error="no_admin_token")))
    assert "SLACK_ADMIN_TOKEN" in text and "delete it by hand" in text and "stays open" in text


def test_long_text_is_clipped_within_slack_limits():
    many = tuple(cards.FindingLine(f"r.{i}", 0.5, "low", "x" * 400, "route") for i in range(30))
    blocks = cards.case_card(_data(excerpt_masked="y" * 10000, findings=many))
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= 3000
    assert len(blocks) <= 50


def test_card_text_carries_no_excerpt():
    assert "hello" not in cards.card_text(_data())


def test_flag_modal_offers_something_else_and_validates():
    view = forms.flag_modal([("spam", "Spam"), ("harassment", "Harassment")], private_metadata='{"channel":"C","ts":"1"}')
    View(**view).validate_json()
    options = [o["value"] for o in view["blocks"][1]["element"]["options"]]
    assert options == ["spam", "harassment", cards.OTHER_REASON]
    assert view["callback_id"] == ids.VIEW_FLAG


def test_suspend_modal_preselects_the_suggestion():
    view = forms.suspend_modal(case_number=3, steps=[1, 3, 7, 30, 0], suggested=7, history="2 active warnings",
                               reason="r", private_metadata="{}", offer_remove=True, kick_channels=["CHELP"])
    duration = [b for b in view["blocks"] if b.get("block_id") == forms.B_DURATION][0]["element"]
    assert duration["initial_option"]["value"] == "7"
    assert [o["text"]["text"] for o in duration["options"]] == ["1 day", "3 days", "7 days", "30 days", "Permanent"]


def test_dms_carry_an_appeal_button_with_the_decision():
    _, blocks = dms.warning_dm(community="C", channel="CGENERAL", guideline_title="Be kind", guideline_text="Text",
                                 message="m", expires_at=1_800_000_000, appeal_value="warning:4")
    button = [e for b in blocks if b["type"] == "actions" for e in b["elements"]][0]
    assert button["action_id"] == ids.ACT_APPEAL and button["value"] == "warning:4"
    _, blocks = dms.suspension_dm(community="C", ends_at=None, reason="r", channels_left=[], appeal_value="suspension:2")
    assert "permanently" in json.dumps(blocks)


def test_escape():
    assert escape("<@U1> & <!here>") == "&lt;@U1&gt; &amp; &lt;!here&gt;"


def test_pending_and_failed_calls_are_listed_and_failed_ones_offer_retry():
    pending = cards.WorkLine("the warning DM to the author", "pending", "ratelimited", 2, 1_790_000_000.0)
    queued = cards.WorkLine("a moderator note in this thread", "pending")
    blocks = cards.case_card(_data(work=(pending, queued)))
    state = _state(blocks)
    assert "*Pending:* the warning DM to the author. Slack answered `ratelimited` (attempt 2); next try <!date^1790000000^" in state
    assert "*Pending:* a moderator note in this thread." in state
    assert ids.ACT_RETRY not in _buttons(blocks)

    failed = cards.WorkLine("removing the author from a channel", "failed", "<b>bad</b>", 12)
    many = (failed,) + tuple(cards.WorkLine(f"call {i}", "pending") for i in range(9))
    blocks = cards.case_card(_data(work=many))
    state = _state(blocks)
    assert "*Not done:* removing the author from a channel. Slack answered `&lt;b&gt;bad&lt;/b&gt;` after 12 tries" in state
    assert "\u2026and 4 more calls waiting." in state and "call 5" not in state
    assert ids.ACT_RETRY in _buttons(blocks)
    assert View(type="modal", title="t", blocks=blocks).validate_json() is None


def test_a_refused_call_and_a_call_of_unknown_fate_say_so():
    refused = cards.WorkLine("the warning DM to the author", "failed", "user_not_found", 1, transient=False)
    unknown = cards.WorkLine("a moderator note in this thread", "failed", "interrupted; not verifiable: x", 1,
                             uncertain=True)
    blocks = cards.case_card(_data(work=(refused, unknown)))
    state = _state(blocks)
    assert "Slack refused it (`user_not_found`); Retry will fail the same way" in state
    assert "*Not known:* a moderator note in this thread may or may not have reached Slack" in state
    assert ids.ACT_RETRY in _buttons(blocks)


@pytest.mark.parametrize("removed, cancelled, slowed, expected", [
    (0, 0, False, "Dismissed by <@UMOD> \u2014 no action taken."),
    (0, 1, False, "Dismissed by <@UMOD>; 1 queued removal cancelled."),
    (1, 0, False, "Dismissed by <@UMOD>. 1 of the flood's messages was removed before that and stays removed "
                  "(Slack cannot restore a deleted message)."),
    (3, 2, True, "Dismissed by <@UMOD>; 2 queued removals cancelled. 3 of the flood's messages were removed before "
                 "that and stay removed (Slack cannot restore a deleted message). Slow mode for <@UBOB> ended."),
])
def test_a_dismissed_flood_says_what_was_taken_back_and_what_stays_removed(removed, cancelled, slowed, expected):
    d = _data(status="dismissed", handled_action="dismiss", handled_by="UMOD", kind="flood", author="UBOB",
              group_removed=removed, group_cancelled=cancelled, slow_mode_ended=slowed)
    assert expected in _state(cards.case_card(d))
