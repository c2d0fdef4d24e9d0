"""The scenario bench: a fake Slack, the app in HTTP mode on a real waitress
server (127.0.0.1, port 0), and a client that signs requests like Slack.

Scenario tests talk to the app only over HTTP and look only at what the fake
Slack recorded (and, where the feature is about records, the database).
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from bot.app import create_app, process_pending_events, start_workers, stop_workers
from bot.clock import FakeClock
from bot.config import AppConfig, Settings, parse_config
from bot.runtime import Modbot
from bot.server import make_server
from storage import events as events_db
from tests.fakeslack.payloads import SlackClientSim, message_event
from tests.fakeslack.server import FakeSlack

SIGNING_SECRET = "test-signing-secret-0123456789"
MOD_CHANNEL = "GMODS"
GENERAL = "CGENERAL"
HELP = "CHELP"
MODERATORS = ("UMOD1", "UMOD2")
MEMBERS = ("UALICE", "UBOB", "UCAROL", "UDAVE")


def populate(fake: FakeSlack) -> None:
    """A small workspace: two moderators, four members, three channels."""
    for uid, name in (("UMOD1", "Mia Moderator"), ("UMOD2", "Max Moderator")):
        fake.add_user(uid, name.split()[0].lower(), real_name=name, display_name=name.split()[0], email=f"{uid.lower()}@community.example")
    for uid, name in (("UALICE", "Alice Archer"), ("UBOB", "Bob Baker"), ("UCAROL", "Carol Cook"), ("UDAVE", "Dave Diver")):
        fake.add_user(uid, name.split()[0].lower(), real_name=name, display_name=name.split()[0], email=f"{name.split()[0].lower()}@mail.example")
    everyone = [fake.bot_user_id, fake.admin_user_id, *MODERATORS, *MEMBERS]
    fake.add_channel(GENERAL, "general", members=everyone)
    fake.add_channel(HELP, "help", members=everyone)
    fake.add_channel(MOD_CHANNEL, "moderators", is_private=True, members=[fake.bot_user_id, fake.admin_user_id, *MODERATORS])


@dataclass
class Bench:
    fake: FakeSlack
    rt: Modbot
    clock: FakeClock
    base_url: str
    client: SlackClientSim
    _server: Any = None
    _thread: threading.Thread | None = None
    # Slack's rate limits counted in the test's own time (start_bench's
    # pace_clock): posts waiting for it do not keep settle() waiting.
    paced_by_test: bool = False

    # -- sending -------------------------------------------------------------
    def event(self, event: dict, *, event_id: str | None = None, **kw):
        """Slack delivers an event (a fresh event_id unless one is given)."""
        return self.client.post_event(event, event_id=event_id, **kw)

    def say(self, user: str, text: str, *, channel: str = GENERAL, thread_ts: str | None = None, **kw) -> str:
        """A member posts: the message is stored in the fake and its event sent."""
        ts = self.fake.add_message(channel, user, text, thread_ts=thread_ts)
        ev = message_event(channel, user, text, ts=ts, thread_ts=thread_ts, **kw)
        resp = self.event(ev)
        assert resp.status == 200, resp
        return ts

    # -- waiting -------------------------------------------------------------
    def settle(self, timeout: float = 10.0) -> None:
        """Wait until every stored event is processed and the outbox is idle."""
        deadline = time.monotonic() + timeout
        db = self.rt.store.db
        idle_polls = 0
        while time.monotonic() < deadline:
            # A finished call's result handler may enqueue a follow-up (a card
            # update after chat.delete) while the drain lock is held, just
            # after the row was marked done: idle means no drain running and
            # nothing due, seen on two polls in a row.
            draining = self.rt.gateway.draining
            pending = events_db.count_by_status(db).get("pending", 0)
            held = self.rt.gateway.held_channels() if self.paced_by_test else []
            box = db.execute("SELECT count(*) FROM outbox WHERE status IN ('pending','inflight') AND next_attempt_at <= ?"
                             " AND NOT (status = 'pending' AND method = 'chat.postMessage'"
                             f" AND json_extract(args, '$.channel') IN ({','.join('?' for _ in held)}))",
                             [self.clock.now(), *held]).fetchone()[0]
            idle_polls = idle_polls + 1 if not (draining or pending or box) else 0
            if idle_polls >= 2:
                return
            self.rt.event_wake.set()
            self.rt.gateway.wake.set()
            time.sleep(0.01)
        raise AssertionError("the bot did not settle in time")

    def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        return self.fake.wait_for(predicate, timeout=timeout)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        stop_workers(self.rt)
        self.rt.store.close()


def make_settings(fake: FakeSlack, db_path: Path, *, admin: bool = True, config: AppConfig | None = None, **over) -> Settings:
    values = dict(
        slack_bot_token=fake.bot_token,
        slack_signing_secret=SIGNING_SECRET,
        slack_admin_token=fake.admin_token if admin else None,
        slack_api_url=fake.api_url,
        modbot_db=str(db_path),
        modbot_mod_channel=MOD_CHANNEL,
        modbot_metrics_port="0",  # a free port: tests run side by side
        config=config or AppConfig(),
    )
    values.update(over)
    return Settings(**values)


def start_bench(
    fake: FakeSlack,
    db_path: Path,
    *,
    admin: bool = True,
    config: dict | AppConfig | None = None,
    clock: FakeClock | None = None,
    workers: bool = True,
    client_retries: int = 2,
    pace_clock: Callable[[], float] | None = None,
) -> Bench:
    if isinstance(config, dict):
        config = parse_config(config, source="test modbot.toml")
    clock = clock or FakeClock(time.time())
    settings = make_settings(fake, db_path, admin=admin, config=config)
    rt = create_app(settings, clock=clock, client_timeout=5, client_retries=client_retries, pace_clock=pace_clock)
    server = make_server(rt, host="127.0.0.1", port=0, threads=8, loop_timeout=0.05)
    def serve() -> None:
        try:
            server.run()
        except (OSError, ValueError):
            pass  # closed by Bench.close()

    thread = threading.Thread(target=serve, name="waitress", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.effective_port}"
    if workers:
        start_workers(rt, poll_seconds=0.05)
    client = SlackClientSim(base, SIGNING_SECRET)
    return Bench(fake=fake, rt=rt, clock=clock, base_url=base, client=client, _server=server, _thread=thread,
                 paced_by_test=pace_clock is not None)


__all__ = ["Bench", "start_bench", "populate", "process_pending_events", "MOD_CHANNEL", "GENERAL", "HELP", "MODERATORS", "MEMBERS"]
