"""Steps shared by the moderation scenario tests: find the case card in the
fake Slack's moderator channel, click its buttons, submit modals. Everything
goes through signed HTTP requests to the app; nothing is called directly."""
from __future__ import annotations

import json

from bot import ids
from storage import cases as cases_db
from tests.fakeslack.payloads import action, block_actions, message_action, view_object, view_submission
from tests.harness import GENERAL, MOD_CHANNEL

CARD_CARD = "4111 1111 1111 1111"  # a Visa test number: passes Luhn
RUDE = "you are a worthless idiot and everyone here hates you"  # routed to the moderators, left up


def routed(bench, text: str = RUDE, *, user: str = "UCAROL") -> tuple[str, cases_db.Case | None]:
    """A member posts in #general and the bot settles: (ts, the case, or None)."""
    ts = bench.say(user, text)
    bench.settle()
    return ts, case_for(bench, GENERAL, ts)


def cards(bench) -> list[dict]:
    """Top-level messages the bot posted in the moderator channel."""
    return [m for m in bench.fake.messages(MOD_CHANNEL, include_replies=False) if m.get("bot_id")]


def card_for(bench, case_id: int) -> dict:
    case = cases_db.get(bench.rt.store.db, case_id)
    assert case is not None and case.card_ts, f"case {case_id} has no card"
    msg = bench.fake.find_message(MOD_CHANNEL, case.card_ts)
    assert msg is not None
    return msg


def card_text(msg: dict) -> str:
    """Everything a moderator can read on a card."""
    return json.dumps(msg.get("blocks") or []) + (msg.get("text") or "")


def action_ids(msg: dict) -> list[str]:
    """The action ids of a message's buttons and menus."""
    return [e["action_id"] for b in msg["blocks"] if b["type"] == "actions" for e in b["elements"]]


def card_state(bench, case_id: int) -> str:
    """The card's state lines: what was decided, and what is pending or failed."""
    blocks = card_for(bench, case_id)["blocks"]
    return "\n".join(b["text"]["text"] for b in blocks if b.get("block_id") == "state")


def thread(bench, case_id: int) -> list[dict]:
    case = cases_db.get(bench.rt.store.db, case_id)
    return [m for m in bench.fake.messages(MOD_CHANNEL) if m.get("thread_ts") == case.card_ts and m["ts"] != case.card_ts]


def case_for(bench, channel: str, ts: str):
    return cases_db.for_message(bench.rt.store.db, channel=channel, ts=ts)


def click_payload(bench, user: str, action_id: str, case_id: int, *, option: str | None = None,
                  trigger: bool = True) -> dict:
    """The block_actions payload of a click on the case's card (an overflow
    menu's option when `option` is given)."""
    card = card_for(bench, case_id)
    if option is not None:
        act = action(action_id, type="overflow", block_id="case_actions",
                     selected_option={"text": {"type": "plain_text", "text": option}, "value": option})
    else:
        act = action(action_id, value=str(case_id), block_id="case_actions")
    return block_actions([act], user, channel=MOD_CHANNEL, message=card, channel_name="moderators",
                         trigger_id=bench.fake.new_trigger_id() if trigger else None)


def click(bench, user: str, action_id: str, case_id: int, *, option: str | None = None, trigger: bool = True):
    resp = bench.client.post_form(click_payload(bench, user, action_id, case_id, option=option, trigger=trigger))
    assert resp.status == 200, resp
    return resp


def flag(bench, user: str, channel: str, ts: str, *, reason: str = "spam", note: str | None = None):
    """The Flag shortcut, then the modal submitted; returns the submission's response."""
    msg = bench.fake.find_message(channel, ts)
    before = len(bench.fake.views_opened())
    resp = bench.client.post_form(message_action(ids.FLAG_SHORTCUT, msg, channel, user,
                                                 trigger_id=bench.fake.new_trigger_id()))
    assert resp.status == 200, resp
    opened = bench.fake.views_opened()
    assert len(opened) == before + 1, "the Flag shortcut opened no modal"
    modal = opened[-1]
    if modal.get("callback_id") != ids.VIEW_FLAG:
        return modal  # a notice instead of the form
    values = {"reason": select(reason, "reason_select"), "note": text_input(note, "note_input")}
    view = view_object(ids.VIEW_FLAG, values, private_metadata=modal["private_metadata"], view_id=modal["id"])
    return bench.client.post_form(view_submission(view, user))


def submit(bench, user: str, callback_id: str, values: dict, *, private_metadata: str, view_id: str = "V0"):
    view = view_object(callback_id, values, private_metadata=private_metadata, view_id=view_id)
    return bench.client.post_form(view_submission(view, user))


def last_modal(bench, callback_id: str) -> dict:
    views = [v for v in bench.fake.views_opened() if v.get("callback_id") == callback_id]
    assert views, f"no {callback_id} modal was opened"
    return views[-1]


def opened_count(bench, callback_id: str) -> int:
    return len([v for v in bench.fake.views_opened() if v.get("callback_id") == callback_id])


def select(value: str, action_id: str) -> dict:
    return {action_id: {"type": "static_select", "selected_option": {"value": value, "text": {"type": "plain_text", "text": value}}}}


def text_input(value: str | None, action_id: str) -> dict:
    return {action_id: {"type": "plain_text_input", "value": value}}


def checked(values: list[str], action_id: str) -> dict:
    return {action_id: {"type": "checkboxes", "selected_options": [{"value": v, "text": {"type": "plain_text", "text": v}} for v in values]}}


def warn(bench, moderator: str, case_id: int, *, guideline: str | None = None, message: str | None = None,
         remove: bool = False):
    click(bench, moderator, ids.ACT_WARN, case_id)
    modal = last_modal(bench, ids.VIEW_WARN)
    state = {b["block_id"]: b for b in modal["blocks"] if b.get("block_id")}
    guideline = guideline or state["guideline"]["element"]["initial_option"]["value"]
    message = message or state["message"]["element"]["initial_value"]
    values = {"guideline": select(guideline, "guideline_select"), "message": text_input(message, "message_input"),
              "options": checked(["remove"] if remove else [], "options_check")}
    return submit(bench, moderator, ids.VIEW_WARN, values, private_metadata=modal["private_metadata"], view_id=modal["id"])


def suspend(bench, moderator: str, case_id: int, *, days: int | None = None, reason: str = "Repeated spam.",
            remove: bool = False, kick: bool = False):
    click(bench, moderator, ids.ACT_SUSPEND, case_id)
    modal = last_modal(bench, ids.VIEW_SUSPEND)
    state = {b["block_id"]: b for b in modal["blocks"] if b.get("block_id")}
    chosen = str(days) if days is not None else state["duration"]["element"]["initial_option"]["value"]
    opts = (["remove"] if remove else []) + (["kick"] if kick else [])
    values = {"duration": select(chosen, "duration_select"), "message": text_input(reason, "message_input"),
              "options": checked(opts, "options_check")}
    return submit(bench, moderator, ids.VIEW_SUSPEND, values, private_metadata=modal["private_metadata"], view_id=modal["id"])

