"""The Slack fake answers the way Slack does, seen through the real slack_sdk."""

from __future__ import annotations

import json
import threading
import urllib.parse
import urllib.request
from pathlib import Path
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler, ServerErrorRetryHandler
from slack_sdk.http_retry.builtin_interval_calculators import FixedValueRetryIntervalCalculator
from slack_sdk.signature import SignatureVerifier

from tests.fakeslack import FakeSlack, SlackClientSim, payloads, sign


@pytest.fixture
def fake():
    with FakeSlack() as f:
        f.add_user("U1", "alice", real_name="Alice A", email="alice@example.com", title="Engineer", company="Acme")
        f.add_user("U2", "bob", image=False)
        f.add_channel("C1", "general", members=["U1", "U2", "UADMIN", "UMEMBER"])
        yield f


def client(fake: FakeSlack, token: str | None = None, **kw) -> WebClient:
    return WebClient(token=token or fake.bot_token, base_url=fake.api_url, timeout=5, **kw)


def error_of(call) -> dict:
    with pytest.raises(SlackApiError) as info:
        call()
    return info.value.response.data


def test_methods_subset_keeps_its_source():
    data = json.loads((Path(payloads.__file__).parent / "methods.json").read_text())
    assert data["source"].startswith("slack-ruby/slack-api-ref @f4837c0")
    assert "chat.delete" in data["methods"] and "reactions.add" in data["methods"]


def test_unknown_method_is_rejected(fake):
    assert error_of(lambda: client(fake).api_call("chat.postMessagez", json={"channel": "C1"}))["error"] == "unknown_method"


def test_missing_and_unknown_tokens(fake):
    assert error_of(lambda: WebClient(base_url=fake.api_url).api_call("auth.test"))["error"] == "not_authed"
    assert error_of(lambda: client(fake, "xoxb-nope").auth_test())["error"] == "invalid_auth"
    assert [c.token_kind for c in fake.calls_to("auth.test")] == [None, None]


@pytest.mark.filterwarnings("ignore:The top-level `text` argument is missing")
def test_missing_required_argument(fake):
    body = error_of(lambda: client(fake).api_call("users.info", params={}))
    assert body["error"] == "invalid_arguments"
    assert body["response_metadata"]["messages"] == ["[ERROR] missing required field: user"]
    assert error_of(lambda: client(fake).chat_postMessage(channel="C1"))["error"] == "no_text"


def test_scope_not_granted_by_manifest(fake):
    ts = fake.add_message("C1", "U1", "hello")
    body = error_of(lambda: client(fake).reactions_add(channel="C1", timestamp=ts, name="eyes"))
    assert body["error"] == "missing_scope" and body["needed"] == "reactions:write"
    assert "chat:write" in body["provided"].split(",")
    # The user token only has the manifest's user scopes.
    assert error_of(lambda: client(fake, fake.admin_token).users_info(user="U1"))["error"] == "missing_scope"
    # The bot token has what the manifest grants it.
    assert client(fake).users_info(user="U1")["user"]["id"] == "U1"


def test_users_info_profile(fake):
    alice = client(fake).users_info(user="U1")["user"]
    assert alice["profile"]["email"] == "alice@example.com"
    assert alice["profile"]["title"] == "Engineer"
    assert alice["profile"]["fields"]["Xf0COMPANY"]["value"] == "Acme"
    assert alice["profile"]["image_72"].startswith("https://")
    bob = client(fake).users_info(user="U2")["user"]
    assert "image_72" not in bob["profile"] and bob["profile"]["is_custom_image"] is False
    assert error_of(lambda: client(fake).users_info(user="U404"))["error"] == "user_not_found"


def test_post_dm_thread_and_recording(fake):
    c = client(fake)
    parent = c.chat_postMessage(channel="C1", text="parent")
    reply = c.chat_postMessage(channel="C1", text="reply", thread_ts=parent["ts"])
    assert float(reply["ts"]) > float(parent["ts"])
    assert [m["text"] for m in fake.messages("C1")] == ["parent", "reply"]
    replies = c.conversations_replies(channel="C1", ts=parent["ts"])["messages"]
    assert [m["text"] for m in replies] == ["parent", "reply"]
    dm = c.chat_postMessage(channel="U1", text="a word in private")
    assert dm["channel"].startswith("D")
    assert c.conversations_open(users="U1")["channel"]["id"] == dm["channel"]
    assert [m["text"] for m in fake.dms("U1")] == ["a word in private"]
    posted = fake.calls_to("chat.postMessage")
    assert [c.args["text"] for c in posted] == ["parent", "reply", "a word in private"]
    assert all(p.ok and p.token_kind == "bot" and p.status == 200 for p in posted)


def test_not_in_channel(fake):
    fake.add_channel("C2", "elsewhere", members=["U1"], bot_member=False)
    assert error_of(lambda: client(fake).chat_postMessage(channel="C2", text="x"))["error"] == "not_in_channel"
    fake.add_channel("G1", "secret", is_private=True, members=["U1"], bot_member=False)
    assert error_of(lambda: client(fake).chat_postMessage(channel="G1", text="x"))["error"] == "channel_not_found"


def test_bot_deletes_only_its_own_messages_admin_any(fake):
    members_ts = fake.add_message("C1", "U1", "rule-breaking text")
    bots_ts = client(fake).chat_postMessage(channel="C1", text="mine")["ts"]
    assert error_of(lambda: client(fake).chat_delete(channel="C1", ts=members_ts))["error"] == "cant_delete_message"
    assert error_of(lambda: client(fake, fake.member_token).chat_delete(channel="C1", ts=members_ts))["error"] \
        == "cant_delete_message"
    assert client(fake).chat_delete(channel="C1", ts=bots_ts)["ok"]
    assert client(fake, fake.admin_token).chat_delete(channel="C1", ts=members_ts)["ok"]
    assert fake.messages("C1") == []
    assert error_of(lambda: client(fake, fake.admin_token).chat_delete(channel="C1", ts=members_ts))["error"] \
        == "message_not_found"


def test_update_only_own_messages(fake):
    members_ts = fake.add_message("C1", "U1", "hi")
    assert error_of(lambda: client(fake).chat_update(channel="C1", ts=members_ts, text="x"))["error"] \
        == "cant_update_message"
    ts = client(fake).chat_postMessage(channel="C1", text="v1")["ts"]
    assert client(fake).chat_update(channel="C1", ts=ts, text="v2")["message"]["text"] == "v2"


def test_rate_limit_then_success_with_retry_handler(fake):
    fake.fail("chat.postMessage", status=429, times=1, retry_after=0)
    c = client(fake, retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=1)])
    assert c.chat_postMessage(channel="C1", text="after a 429")["ok"]
    assert [(x.status, x.ok, x.error) for x in fake.calls_to("chat.postMessage")] == \
        [(429, False, "ratelimited"), (200, True, None)]
    assert len(fake.messages("C1")) == 1


def test_rate_limit_without_retry_handler_surfaces(fake):
    fake.fail("*", status=429, retry_after=7)
    with pytest.raises(SlackApiError) as info:
        client(fake).auth_test()
    assert info.value.response.status_code == 429
    assert info.value.response.headers["Retry-After"] in (["7"], "7")


def test_server_error_then_success_with_retry_handler(fake):
    fake.fail("users.info", status=500, times=1)
    handler = ServerErrorRetryHandler(max_retry_count=1,
                                      interval_calculator=FixedValueRetryIntervalCalculator(0.01))
    assert client(fake, retry_handlers=[handler]).users_info(user="U1")["ok"]
    assert [x.status for x in fake.calls_to("users.info")] == [500, 200]


def test_delay_makes_client_time_out(fake):
    fake.delay("auth.test", seconds=2)
    with pytest.raises(Exception):
        WebClient(token=fake.bot_token, base_url=fake.api_url, timeout=0.2).auth_test()
    assert client(fake).auth_test()["ok"]


def test_views_open_needs_a_valid_trigger(fake):
    view = {"type": "modal", "callback_id": "flag", "title": {"type": "plain_text", "text": "Flag"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Why?"}}]}
    c = client(fake)
    body = error_of(lambda: c.api_call("views.open", json={"view": view}))
    assert body["error"] == "invalid_arguments"
    assert error_of(lambda: c.views_open(trigger_id="1.2.forged", view=view))["error"] == "invalid_trigger_id"
    trigger = fake.new_trigger_id()
    opened = c.views_open(trigger_id=trigger, view=view)["view"]
    assert opened["id"].startswith("V") and opened["callback_id"] == "flag"
    assert error_of(lambda: c.views_open(trigger_id=trigger, view=view))["error"] == "exchanged_trigger_id"
    late = fake.new_trigger_id()
    fake.expire_triggers()
    assert error_of(lambda: c.views_open(trigger_id=late, view=view))["error"] == "expired_trigger_id"
    assert [v["id"] for v in fake.views_opened()] == [opened["id"]]
    updated = c.views_update(view_id=opened["id"], view={**view, "private_metadata": "x"})["view"]
    assert updated["id"] == opened["id"] and fake.view(opened["id"])["private_metadata"] == "x"


def test_views_validate_shape_and_block_limits(fake):
    c = client(fake)
    no_title = {"type": "modal", "blocks": []}
    assert error_of(lambda: c.views_open(trigger_id=fake.new_trigger_id(), view=no_title))["error"] \
        == "invalid_arguments"
    too_many = {"type": "modal", "title": {"type": "plain_text", "text": "t"},
                "blocks": [{"type": "divider"}] * 101}
    assert error_of(lambda: c.views_open(trigger_id=fake.new_trigger_id(), view=too_many))["error"] \
        == "invalid_blocks"
    assert error_of(lambda: c.chat_postMessage(channel="C1", text="t", blocks=[{"type": "divider"}] * 51))["error"] \
        == "invalid_blocks"


def test_conversations_members_paginates(fake):
    for i in range(7):
        fake.add_user(f"UX{i}", f"x{i}")
    fake.add_channel("C9", "big", members=[f"UX{i}" for i in range(7)])  # plus the bot: 8
    c = client(fake)
    seen, cursor, pages = [], None, 0
    while True:
        page = c.conversations_members(channel="C9", limit=3, cursor=cursor)
        seen += page["members"]
        pages += 1
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert pages == 3 and sorted(seen) == sorted([f"UX{i}" for i in range(7)] + ["UBOT"])
    assert error_of(lambda: c.conversations_members(channel="C9", cursor="garbage!"))["error"] == "invalid_cursor"


def test_usergroups(fake):
    fake.add_usergroup("S1", "experts", users=["U1"])
    c = client(fake)
    assert c.usergroups_users_list(usergroup="S1")["users"] == ["U1"]
    assert c.usergroups_users_update(usergroup="S1", users=["U1", "U2"])["usergroup"]["users"] == ["U1", "U2"]
    assert error_of(lambda: c.api_call("usergroups.users.update", params={"usergroup": "S1", "users": ""}))["error"] \
        in ("invalid_arguments", "no_users_provided")
    assert c.usergroups_list(include_users=True)["usergroups"][0]["users"] == ["U1", "U2"]


def test_malformed_bodies_do_not_break_the_server(fake):
    req = urllib.request.Request(fake.api_url + "auth.test", data=b"{not json",
                                 headers={"Content-Type": "application/json", "Authorization": "Bearer xoxb-test-bot"})
    with urllib.request.urlopen(req, timeout=5) as resp:
        assert json.loads(resp.read()) == {"ok": False, "error": "invalid_json"}
    form = urllib.parse.urlencode({"token": fake.bot_token, "channel": "C1", "text": "via form",
                                   "blocks": "[oops"}).encode()
    with urllib.request.urlopen(urllib.request.Request(fake.api_url + "chat.postMessage", data=form),
                                timeout=5) as resp:
        assert json.loads(resp.read())["error"] == "invalid_blocks_format"
    assert client(fake).auth_test()["ok"]


def test_wait_for_sees_changes_from_another_thread(fake):
    threading.Timer(0.05, lambda: client(fake).chat_postMessage(channel="C1", text="later")).start()
    assert fake.wait_for(lambda: fake.messages("C1"), timeout=5)[0]["text"] == "later"
    assert not fake.wait_for(lambda: fake.ephemerals("U1"), timeout=0.05)


def test_signing_helper_matches_slack_sdk_verifier():
    body, ctype = payloads.event_callback(payloads.message_event("C1", "U1", "hello"), event_id="Ev1")
    headers = sign(body, "s3cret", 1_700_000_000)
    verifier = SignatureVerifier("s3cret", clock=type("C", (), {"now": lambda self: 1_700_000_010})())
    assert verifier.is_valid(body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert not SignatureVerifier("other", clock=verifier.clock).is_valid(
        body, headers["X-Slack-Request-Timestamp"], headers["X-Slack-Signature"])
    assert headers["Content-Type"] == ctype == "application/json"


def test_client_sim_sends_signed_forged_and_stale_requests():
    received = []

    class App(BaseHTTPRequestHandler):
        def log_message(self, *a):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"])).decode()
            received.append((dict(self.headers.items()), body))
            self.send_response(200)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), App)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        now = 1_700_000_000
        sim = SlackClientSim(f"http://127.0.0.1:{server.server_address[1]}", "s3cret", clock=lambda: now)
        verifier = SignatureVerifier("s3cret", clock=type("C", (), {"now": lambda self: now})())
        assert sim.post_event(payloads.message_event("C1", "U1", "hi"), retry_num=1).status == 200
        assert sim.post_form(payloads.message_action("modbot_flag", payloads.message_event("C1", "U1", "x"),
                                                     "C1", "U2")).status == 200
        assert sim.post_command("/guidelines", "spam", user_id="U1", channel_id="C1").status == 200
        sim.post_event(payloads.member_joined_channel("C1", "U1"), forge=True)
        sim.post_event(payloads.member_joined_channel("C1", "U1"), stale=True)
        ok = [verifier.is_valid_request(body, headers) for headers, body in received]
        assert ok == [True, True, True, False, False]
        assert received[0][0]["X-Slack-Retry-Num"] == "1"
        form = urllib.parse.parse_qs(received[1][1])
        assert json.loads(form["payload"][0])["type"] == "message_action"
        assert urllib.parse.parse_qs(received[2][1])["command"] == ["/guidelines"]
    finally:
        server.shutdown()
        server.server_close()


def test_concurrent_posts_get_distinct_increasing_ts(fake):
    fake.post_rate = None  # 60 posts to one channel at once: Slack's rate limit aside
    def post(n):
        c = client(fake)
        for i in range(10):
            c.chat_postMessage(channel="C1", text=f"{n}-{i}")

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stamps = [m["ts"] for m in fake.messages("C1")]
    assert len(stamps) == 60 and len(set(stamps)) == 60 and stamps == sorted(stamps, key=float)
    assert len(fake.calls_to("chat.postMessage")) == 60


def test_wait_for_predicate_may_call_the_fake(fake):
    threading.Timer(0.05, lambda: fake.add_message("C1", "U1", "from elsewhere")).start()
    found = fake.wait_for(lambda: client(fake).conversations_history(channel="C1")["messages"], timeout=5)
    assert found[0]["text"] == "from elsewhere"


@pytest.mark.parametrize("shared, expect", [
    ("", {"is_shared": False, "is_ext_shared": False, "is_org_shared": False, "is_pending_ext_shared": False}),
    ("org", {"is_shared": True, "is_ext_shared": False, "is_org_shared": True, "is_pending_ext_shared": False}),
    ("ext", {"is_shared": True, "is_ext_shared": True, "is_org_shared": False, "is_pending_ext_shared": False}),
    ("pending_ext", {"is_shared": False, "is_ext_shared": False, "is_org_shared": False, "is_pending_ext_shared": True}),
])
def test_conversations_info_reports_privacy_and_sharing_as_slack_does(fake, shared, expect):
    fake.add_channel("GSHARED", "shared-mods", is_private=True, members=["U1"], shared=shared)
    info = client(fake).conversations_info(channel="GSHARED")["channel"]
    assert info["is_private"] is True and info["is_group"] is True and info["is_channel"] is False
    assert {k: info[k] for k in expect} == expect
    assert info["context_team_id"] == fake.team_id
    assert (len(info["shared_team_ids"]) > 1) == expect["is_shared"]
    # A private channel the bot is not in is hidden, as Slack hides it.
    fake.add_channel("GHIDDEN", "hidden", is_private=True, members=["U1"], bot_member=False)
    assert error_of(lambda: client(fake).conversations_info(channel="GHIDDEN"))["error"] == "channel_not_found"


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _button(text: str, action_id: str = "modbot_x", value: str = "1") -> dict:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, "value": value}


@pytest.mark.parametrize("blocks,problem", [
    ([_section("x")] * 101, "no more than 100 items"),
    ([{"type": "file", "external_id": "F1", "source": "remote"}], "unsupported type: file"),
    ([_section("x" * 3001)], "must be less than 3001 characters"),
    ([{"type": "header", "text": {"type": "mrkdwn", "text": "Hi"}}], "must be a plain_text object"),
    ([{"type": "actions", "elements": [_button("y" * 76)]}], "must be less than 76 characters"),
    ([{"type": "actions", "elements": [_button("a"), _button("b")]}], "action_id must be unique"),
    ([{"type": "actions", "elements": []}], "must have 1 to 25 elements"),
    ([{**_section("a"), "block_id": "b"}, {**_section("b"), "block_id": "b"}], "block_id must be unique"),
])
def test_views_publish_refuses_what_slack_refuses_in_a_home_view(fake, blocks, problem):
    body = error_of(lambda: client(fake).views_publish(user_id="U1", view={"type": "home", "blocks": blocks}))
    assert body["error"] == "invalid_blocks"
    assert problem in body["response_metadata"]["messages"][0]
    assert "U1" not in fake.home_views


def test_views_publish_keeps_a_valid_home_view(fake):
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": "Hi"}}, _section("x"),
              {"type": "actions", "block_id": "a", "elements": [_button("Go")]}] + [_section("y")] * 97
    client(fake).views_publish(user_id="U1", view={"type": "home", "blocks": blocks})
    assert len(fake.home_views["U1"]["blocks"]) == 100
    assert error_of(lambda: client(fake).views_publish(user_id="U1", view={"type": "modal", "blocks": []}))["error"] \
        == "invalid_arguments"


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_posts_past_the_per_channel_rate_get_429_with_retry_after():
    clock = _Clock()
    with FakeSlack(rate_clock=clock, post_rate=1.0, post_burst=3) as fake:
        fake.add_channel("C1", "one", members=[fake.bot_user_id])
        fake.add_channel("C2", "two", members=[fake.bot_user_id])
        c = WebClient(token=fake.bot_token, base_url=fake.api_url)  # no retry handlers: see every 429
        for _ in range(3):  # the burst
            assert c.chat_postMessage(channel="C1", text="x")["ok"]
        with pytest.raises(SlackApiError) as info:
            c.chat_postMessage(channel="C1", text="one too many")
        assert info.value.response.status_code == 429 and info.value.response.headers["Retry-After"] == "1"
        assert c.chat_postMessage(channel="C2", text="another channel has its own")["ok"]
        clock.now += 1.0  # a second later, one more
        assert c.chat_postMessage(channel="C1", text="y")["ok"]
        with pytest.raises(SlackApiError):
            c.chat_postMessage(channel="C1", text="z")
        assert [m["text"] for m in fake.messages("C1")] == ["x", "x", "x", "y"]
