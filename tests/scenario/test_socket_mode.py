"""`modbot run`: Socket Mode end to end.

The app runs as `modbot run` runs it (bot.cli.run_socket_mode, with
slack_bolt's SocketModeHandler) against the fake Slack: apps.connections.open
with the app-level token, a WebSocket to the fake, envelopes in, acks out.
What the app then did is read from what the fake Slack recorded.
"""
from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from bot import ids
from bot.app import create_app, start_workers
from bot.cli import run_socket_mode
from bot.clock import FakeClock
from storage import audit as audit_db
from tests.fakeslack.payloads import events_api_envelope, interactive_envelope, message_event, slash_commands_envelope
from tests.harness import GENERAL, MOD_CHANNEL, Bench, make_settings
from tests.procs import modbot_env
from tests.scenario.community import command, text_of
from tests.scenario.moderation_steps import RUDE, card_for, card_text, case_for, cards, click_payload


@dataclass
class SocketBench:
    bench: Bench  # for settle() and the moderation steps' card_for/case_for
    stop: threading.Event
    thread: threading.Thread
    threads_before: set[threading.Thread]
    result: dict = field(default_factory=dict)

    @property
    def fake(self):
        return self.bench.fake

    def send(self, envelope: dict):
        """Push an envelope and return the app's ack (failing if none comes)."""
        self.fake.socket_mode.push(envelope)
        ack = self.fake.socket_mode.wait_for_ack(envelope["envelope_id"], timeout=10)
        assert ack is not None, f"no ack for the {envelope['type']} envelope"
        return ack

    def say(self, user: str, text: str, *, event_id: str, channel: str = GENERAL) -> tuple[str, dict]:
        """A member posts; the event arrives over the socket. Returns (ts, event)."""
        ts = self.fake.add_message(channel, user, text)
        event = message_event(channel, user, text, ts=ts)
        ack = self.send(events_api_envelope(event, event_id))
        assert ack.payload is None  # an event's ack carries nothing
        return ts, event

    def shut_down(self) -> None:
        self.stop.set()
        self.thread.join(timeout=15)


@pytest.fixture
def socket_bench(fake_slack, tmp_path):
    """`modbot run --no-scheduler` in a thread, connected to the fake."""
    threads_before = set(threading.enumerate())
    clock = FakeClock(time.time())
    # As `modbot run` reads them: an app-level token, and no signing secret.
    settings = make_settings(fake_slack, tmp_path / "modbot.db", slack_app_token=fake_slack.app_token,
                             slack_signing_secret=None)
    rt = create_app(settings, clock=clock, client_timeout=5)
    start_workers(rt, poll_seconds=0.05)
    stop = threading.Event()
    result: dict = {}

    def run() -> None:
        result["code"] = run_socket_mode(rt, stop, scheduler=False)

    thread = threading.Thread(target=run, name="modbot-run", daemon=True)
    thread.start()
    sb = SocketBench(Bench(fake=fake_slack, rt=rt, clock=clock, base_url="", client=None), stop, thread,
                     threads_before, result)
    try:
        assert fake_slack.socket_mode.wait_connected(timeout=10), "modbot run did not connect"
        yield sb
    finally:
        sb.shut_down()
        rt.store.close()


def test_a_violating_message_gets_one_case_card_even_when_slack_redelivers_it(socket_bench):
    sb = socket_bench
    ts, event = sb.say("UCAROL", RUDE, event_id="EvSOCKET001")
    sb.bench.settle()
    case = case_for(sb.bench, GENERAL, ts)
    assert case is not None and case.source == "auto", "the abuse check found nothing"
    card = card_for(sb.bench, case.id)
    assert f"Case #{case.id}" in card_text(card) and "<@UCAROL>" in card_text(card)

    # Slack got no ack in time and sends the same event again, on a new envelope.
    again = events_api_envelope(event, "EvSOCKET001", retry_attempt=1, retry_reason="timeout")
    assert sb.send(again).payload is None
    sb.bench.settle()
    db = sb.bench.rt.store.db
    assert db.execute("SELECT count(*) FROM cases WHERE channel = ? AND ts = ?", [GENERAL, ts]).fetchone()[0] == 1
    assert len(cards(sb.bench)) == 1
    # The retry headers reached the inbox as they do over HTTP.
    row = db.execute("SELECT deliveries, last_retry_num, last_retry_reason FROM events WHERE event_id = 'EvSOCKET001'").fetchone()
    assert tuple(row) == (2, 1, "timeout")
    # Everything the app said to Slack's Web API went with the bot token, or
    # the admin token for a removal; the app-level token only opened the socket.
    assert {c.token_kind for c in sb.fake.calls if c.method != "apps.connections.open"} <= {"bot", "user"}
    assert [c.token_kind for c in sb.fake.calls_to("apps.connections.open")] == ["app"]


def test_guidelines_answer_comes_in_the_ack_exactly_as_over_http(socket_bench, make_bench):
    sb = socket_bench
    ack = sb.send(slash_commands_envelope("/guidelines", "privacy", "UBOB", GENERAL))
    assert ack.payload is not None and ack.payload["response_type"] == "ephemeral"
    assert "Privacy and personal data" in text_of(ack.payload)
    # private: nothing was posted anywhere
    assert sb.fake.calls_to("chat.postMessage") == [] and sb.fake.calls_to("chat.postEphemeral") == []

    http = make_bench()
    assert ack.payload == command(http, "/guidelines", "privacy", user="UBOB")


def test_card_buttons_work_over_the_socket_and_only_for_moderators(socket_bench):
    sb = socket_bench
    ts, _ = sb.say("UCAROL", RUDE, event_id="EvSOCKET002")
    sb.bench.settle()
    case = case_for(sb.bench, GENERAL, ts)

    def click(user: str) -> None:
        sb.send(interactive_envelope(click_payload(sb.bench, user, ids.ACT_DISMISS, case.id)))
        sb.bench.settle()

    click("UALICE")  # a member, not a moderator
    assert case_for(sb.bench, GENERAL, ts).status == "open"
    told = sb.fake.dms("UALICE") + sb.fake.ephemerals("UALICE")
    assert len(told) == 1 and "Only moderators" in told[0]["text"]
    refused = [(e.actor, e.action) for e in audit_db.entries(sb.bench.rt.store.db, case_id=case.id)
               if e.action.startswith("refused:")]
    assert refused == [("UALICE", "refused:dismiss")]

    click("UMOD2")
    case = case_for(sb.bench, GENERAL, ts)
    assert case.status == "dismissed" and case.handled_by == "UMOD2"
    assert "Dismissed by <@UMOD2>" in card_text(card_for(sb.bench, case.id))


def test_when_slack_asks_the_app_reconnects_on_a_new_url(socket_bench):
    sb = socket_bench
    socket = sb.fake.socket_mode
    socket.ask_to_reconnect("refresh_requested")
    assert socket.wait_connected(2, timeout=10), "no second connection"
    assert sb.fake.wait_for(lambda: socket.open_connections() == 1), "the old connection stayed open"
    assert [c.ok for c in sb.fake.calls_to("apps.connections.open")] == [True, True]

    ts, _ = sb.say("UCAROL", RUDE, event_id="EvSOCKET003")
    assert socket.acks_for(socket.pushed[-1]["envelope_id"])[0].connection == 2
    sb.bench.settle()
    assert case_for(sb.bench, GENERAL, ts) is not None


def test_stopping_closes_the_connection_and_every_thread(socket_bench):
    sb = socket_bench
    sb.shut_down()
    assert not sb.thread.is_alive() and sb.result == {"code": 0}
    assert sb.fake.socket_mode.wait_disconnected(), "the app left its connection open"
    assert sb.bench.rt.workers == [] and sb.bench.rt.stopping.is_set()

    def leftovers() -> list[str]:
        # Threads that would keep the test run from exiting. The fake's own
        # (its connection handlers finish just after the client leaves) are
        # not the app's.
        return [t.name for t in threading.enumerate()
                if t not in sb.threads_before and t.is_alive() and not t.daemon and "sock_handler" not in t.name]

    assert sb.fake.wait_for(lambda: not leftovers()), leftovers()


def test_the_fake_keeps_app_level_tokens_to_socket_mode(fake_slack):
    def error(call) -> str:
        with pytest.raises(SlackApiError) as info:
            call()
        return info.value.response["error"]

    web = WebClient(base_url=fake_slack.api_url)
    assert error(lambda: web.apps_connections_open(app_token=fake_slack.bot_token)) == "not_allowed_token_type"
    assert error(lambda: WebClient(token=fake_slack.app_token, base_url=fake_slack.api_url).auth_test()) == "not_allowed_token_type"
    fake_slack.add_token("xapp-1-A1-2-noscopes", "app", "", scopes=[])
    assert error(lambda: web.apps_connections_open(app_token="xapp-1-A1-2-noscopes")) == "missing_scope"

    url = web.apps_connections_open(app_token=fake_slack.app_token)["url"]
    assert url.startswith("ws://127.0.0.1:") and "/link/?ticket=" in url
    with connect(url) as ws:
        assert '"type": "hello"' in ws.recv(timeout=5)
    with pytest.raises(InvalidStatus):  # a ticket is good for one connection
        connect(url)


def test_modbot_run_as_a_process_connects_acks_and_exits_on_sigterm(fake_slack, tmp_path):
    """The command itself: settings from the environment, SIGTERM to stop."""
    env = modbot_env(fake_slack, tmp_path / "modbot.db", SLACK_APP_TOKEN=fake_slack.app_token)
    log_path = tmp_path / "run.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "bot.cli", "run", "--no-scheduler"], env=env, cwd=tmp_path,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        assert fake_slack.socket_mode.wait_connected(timeout=60), log_path.read_text()
        ts = fake_slack.add_message(GENERAL, "UCAROL", RUDE)
        envelope = fake_slack.socket_mode.push(events_api_envelope(message_event(GENERAL, "UCAROL", RUDE, ts=ts), "EvPROC1"))
        assert fake_slack.socket_mode.wait_for_ack(envelope["envelope_id"], timeout=10) is not None
        assert fake_slack.wait_for(lambda: any("Case #" in str(m.get("text")) for m in fake_slack.messages(MOD_CHANNEL)),
                                   timeout=10), "no case card"
        # Socket Mode has no HTTP server of its own: /healthz and /metrics are on a local port.
        found = re.search(r"metrics and health on http://127\.0\.0\.1:(\d+)/metrics", log_path.read_text())
        assert found, log_path.read_text()
        base = f"http://127.0.0.1:{found.group(1)}"
        with urllib.request.urlopen(f"{base}/healthz", timeout=10) as resp:
            metrics_seen = {"healthz": json.loads(resp.read())}
        with urllib.request.urlopen(f"{base}/metrics", timeout=10) as resp:
            metrics_seen["metrics"] = resp.read().decode()
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, log_path.read_text()
        assert fake_slack.socket_mode.wait_disconnected()
        assert fake_slack.app_token not in log_path.read_text()
        assert metrics_seen["healthz"] == {"status": "ok", "database": True}
        assert "modbot_events_received_total" in metrics_seen["metrics"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
