"""Steps for App Home scenarios: open it (a signed app_home_opened event),
read what the fake Slack holds as the published view, click in it."""
from __future__ import annotations

import json

from tests.fakeslack.payloads import action, app_home_opened, block_actions


def open_home(bench, user: str) -> dict:
    """The user opens the Home tab; returns the view Slack now shows them."""
    before = bench.fake.home_views.get(user)
    bench.event(app_home_opened(user, view=before))
    bench.settle()
    view = bench.fake.home_views.get(user)
    assert view is not None, f"no Home view was published for {user}"
    return view


def home_text(view: dict) -> str:
    return json.dumps(view["blocks"])


def home_buttons(view: dict) -> list[tuple[str, str, str]]:
    """(block_id, action_id, value) of every button in the view."""
    return [(b.get("block_id", ""), e["action_id"], e.get("value", "")) for b in view["blocks"]
            if b["type"] == "actions" for e in b["elements"] if e["type"] == "button"]


def click_home(bench, user: str, block_id: str, action_id: str, value: str) -> dict:
    """Click a button in the user's Home tab; returns the view afterwards."""
    view = bench.fake.home_views[user]
    payload = block_actions([action(action_id, value=value, block_id=block_id)], user, view=view,
                            trigger_id=bench.fake.new_trigger_id())
    resp = bench.client.post_form(payload)
    assert resp.status == 200, resp
    bench.settle()
    return bench.fake.home_views[user]
