"""Helpers for the expert-programme scenario tests: members posting at the
fake clock's time, jobs run the way the scheduler runs them, and reading
what the fake Slack recorded."""
from __future__ import annotations

import itertools
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.fakeslack.payloads import message_deleted, message_event
from tests.harness import GENERAL, HELP

EXPERT_GROUP = "SEXPERTS"
TZ = "Europe/Berlin"
_micro = itertools.count(1)


def config(**experts) -> dict:
    """A modbot.toml for these tests (as a dict)."""
    base = {"usergroup": EXPERT_GROUP, "help_channels": [HELP], "spotlight_channel": GENERAL}
    base.update(experts)
    return {"community": {"name": "Test Community", "timezone": TZ}, "experts": base}


def when(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> float:
    """A moment in the community's time zone, as Unix seconds."""
    return datetime(year, month, day, hour, minute, tzinfo=ZoneInfo(TZ)).timestamp()


def post(bench, user: str, text: str, *, channel: str = HELP, thread_ts: str | None = None) -> str:
    """A member posts now (by the fake clock): the message's ts is the clock's
    time, as Slack's would be, so it lands in the clock's month."""
    bench.clock.advance(1)
    ts = f"{int(bench.clock.now())}.{next(_micro) % 1_000_000:06d}"
    bench.fake.add_message(channel, user, text, ts=ts, thread_ts=thread_ts)
    resp = bench.event(message_event(channel, user, text, ts=ts, thread_ts=thread_ts))
    assert resp.status == 200, resp
    return ts


def delete(bench, user: str, text: str, ts: str, *, channel: str = HELP, thread_ts: str | None = None) -> None:
    resp = bench.event(message_deleted(channel, user, text, ts, thread_ts=thread_ts))
    assert resp.status == 200, resp


def answer_questions(bench, *, expert: str, n: int, asker: str = "UDAVE") -> None:
    """`asker` asks n questions; `expert` answers each once."""
    for i in range(n):
        q = post(bench, asker, f"How do I set up thing number {i}?")
        post(bench, expert, f"Open settings and pick option {i}.", thread_ts=q)


def job(bench, name: str):
    """The scheduled job called `name` (its .fn is what APScheduler runs)."""
    return next(j for j in bench.rt.jobs if j.name == name)


def run_job(bench, name: str) -> None:
    """Run a scheduled job as APScheduler would, then let the outbox drain."""
    bench.settle()
    job(bench, name).fn()
    bench.settle()


def text_of(message: dict) -> str:
    """Every piece of text in a message or an ack body, blocks included."""
    parts = [str(message.get("text") or "")]

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "text" and isinstance(value, str):
                    parts.append(value)
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(message.get("blocks") or [])
    return "\n".join(parts)


def dm_texts(fake, user: str) -> list[str]:
    return [text_of(m) for m in fake.dms(user)]


def channel_texts(fake, channel: str) -> list[str]:
    return [text_of(m) for m in fake.messages(channel) if m.get("bot_id")]


def command(bench, name: str, text: str = "", *, user: str, channel: str = GENERAL) -> dict:
    resp = bench.client.post_command(name, text, user_id=user, channel_id=channel)
    assert resp.status == 200, resp
    body = resp.json()
    assert body["response_type"] == "ephemeral"
    return body
