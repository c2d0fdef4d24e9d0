"""Signed, real-shaped interactive payloads with fields missing or edited,
sent to the running app against the fake Slack: how many get a 5xx, and how
many Web API calls the app makes that Slack would reject for a missing
required argument.

    .venv/bin/python bench/hostile_payloads.py [--requests 2000] [--seed 11]

Each request starts from a payload modbot really receives (a card button, the
overflow menu, an appeal button, the Flag shortcut, each modal's submission)
and then drops, blanks or replaces one to three fields, seeded, so a run is
repeatable. Prints the figures; nothing is asserted (the scenario test
tests/scenario/test_lifecycle_fixes.py checks the behaviour).
"""
from __future__ import annotations

import argparse
import copy
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import ids  # noqa: E402
from tests.fakeslack.payloads import (  # noqa: E402
    action, block_actions, message_action, view_object, view_submission,
)
from tests.fakeslack.server import FakeSlack  # noqa: E402
from tests.harness import GENERAL, MOD_CHANNEL, populate, start_bench  # noqa: E402

ODD_VALUES = ["", None, "\u00b2", "9" * 30, "-1", "0", "1e400", [], {}, 7, True, "{", "[1]", '{"case": 1e400}',
              '{"case": "99999999999999999999999"}', "warning:" + "9" * 25, "removal:\u00b2", "suspension:"]


def _paths(obj, prefix=()):
    """Every (path) to a value inside a payload."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield prefix + (k,)
            yield from _paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield prefix + (i,)
            yield from _paths(v, prefix + (i,))


def _mutate(payload: dict, rng: random.Random) -> dict:
    out = copy.deepcopy(payload)
    paths = [p for p in _paths(out) if p[0] not in ("type", "token", "api_app_id", "team")]
    for path in rng.sample(paths, min(len(paths), rng.randint(1, 3))):
        parent = out
        try:
            for step in path[:-1]:
                parent = parent[step]
            if isinstance(parent, dict) and rng.random() < 0.5:
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = rng.choice(ODD_VALUES)
        except (KeyError, IndexError, TypeError):
            continue
    return out


def _seeds(bench) -> list[dict]:
    """One real payload of each kind modbot handles, on a real case."""
    ts = bench.say("UCAROL", "you are a worthless idiot and everyone here hates you")
    bench.settle()
    card = next(m for m in bench.fake.messages(MOD_CHANNEL) if m.get("blocks") and "Case #" in m.get("text", ""))
    case_id = 1
    seeds = []
    for action_id in (ids.ACT_REMOVE, ids.ACT_WARN, ids.ACT_DISMISS, ids.ACT_SUSPEND):
        seeds.append(block_actions([action(action_id, value=str(case_id), block_id="case_actions")], "UMOD1",
                                   channel=MOD_CHANNEL, message=card, channel_name="moderators"))
    seeds.append(block_actions([action(ids.ACT_MORE, type="overflow", block_id="case_actions", selected_option={
        "text": {"type": "plain_text", "text": "note"}, "value": "note"})], "UALICE", channel=MOD_CHANNEL, message=card))
    seeds.append(block_actions([action(ids.ACT_APPEAL, value="warning:1", block_id="appeal")], "UCAROL",
                               channel="D1", message=card))
    seeds.append(block_actions([action(ids.ACT_APPEAL_REVERSE, value="1", block_id="appeal_decision")], "UMOD2",
                               channel=MOD_CHANNEL, message=card))
    seeds.append(message_action(ids.FLAG_SHORTCUT, bench.fake.find_message(GENERAL, ts), GENERAL, "UBOB"))
    text = {"type": "plain_text_input", "value": "a reason that is long enough"}
    pick = {"type": "static_select", "selected_option": {"value": "harassment", "text": {"type": "plain_text", "text": "h"}}}
    meta = json.dumps({"case": case_id})
    for callback, values, md in (
        (ids.VIEW_WARN, {"guideline": {"guideline_select": pick}, "message": {"message_input": text}}, meta),
        (ids.VIEW_SUSPEND, {"duration": {"duration_select": {**pick, "selected_option": {"value": "1"}}},
                            "message": {"message_input": text}}, meta),
        (ids.VIEW_NOTE, {"note": {"note_input": text}}, meta),
        (ids.VIEW_APPEAL, {"appeal": {"appeal_input": text}}, "warning:1"),
        (ids.VIEW_FLAG, {"reason": {"reason_select": pick}}, json.dumps({"channel": GENERAL, "ts": ts})),
    ):
        seeds.append(view_submission(view_object(callback, values, private_metadata=md), "UMOD1"))
    return seeds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=11)
    args = ap.parse_args(argv)
    rng = random.Random(args.seed)
    fake = FakeSlack()
    populate(fake)
    fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        bench = start_bench(fake, Path(tmp) / "hostile.db")
        try:
            seeds = _seeds(bench)
            fake.clear_calls()
            started = time.monotonic()
            statuses: dict[int, int] = {}
            for _ in range(args.requests):
                seed = rng.choice(seeds)
                payload = _mutate(seed, rng)
                if "trigger_id" in seed and payload.get("trigger_id") == seed["trigger_id"]:
                    payload["trigger_id"] = fake.new_trigger_id()  # a live one, as Slack sends (unless mutated)
                status = bench.client.post_form(payload).status
                statuses[status] = statuses.get(status, 0) + 1
            bench.settle()
            elapsed = time.monotonic() - started
            missing = [(c.method, name) for c in fake.calls
                       for name in fake.methods[c.method].get("required") or [] if c.args.get(name) in (None, "")]
            refused = [c for c in fake.calls if not c.ok]
        finally:
            bench.close()
            fake.stop()
    by_method: dict[str, int] = {}
    for method, name in missing:
        by_method[f"{method} without {name}"] = by_method.get(f"{method} without {name}", 0) + 1
    print(f"{args.requests} hostile requests (seed {args.seed}) in {elapsed:.1f}s")
    print("HTTP statuses: " + ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items())))
    print(f"5xx answers: {sum(v for k, v in statuses.items() if k >= 500)}")
    reasons: dict[str, int] = {}
    for c in refused:
        reasons[f"{c.method}: {c.error}"] = reasons.get(f"{c.method}: {c.error}", 0) + 1
    print(f"Web API calls made: {len(fake.calls)}, refused by Slack (fake): {len(refused)}"
          + "".join(f"\n  {k}: {v}" for k, v in sorted(reasons.items(), key=lambda kv: -kv[1])))
    print(f"calls missing a required argument: {len(missing)}"
          + ("".join(f"\n  {k}: {v}" for k, v in sorted(by_method.items())) if missing else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
