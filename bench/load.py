"""Load: `modbot serve` under many concurrent signed event deliveries.

Starts a local fake Slack (tests/fakeslack) and `modbot serve --port 0` as a
subprocess, sends N message events from C concurrent clients (keep-alive
HTTP, signed like Slack), a few percent of them violating, and prints:
acknowledgements per second, ack latency p50/p99/max, time from delivery to
case card p50/p99 (from the database: when the card's outbox call finished),
the server's peak and final memory, and how far processing fell behind.

    .venv/bin/python bench/load.py --events 20000 --concurrency 50

--flood N sends the flood-plus-violations scenario instead: N messages from
--flooders members (the same text, numbered) with --flood-violations real
violations spread evenly among them, against the fake Slack enforcing Slack's
per-channel posting rate (about one a second, a burst of 4; --no-slack-rate
lifts it). It prints the cases and cards the flood made and, for the real violations, delivery to
card p50/p99/max and how many had no card within 10 s and 30 s.

    .venv/bin/python bench/load.py --flood 5000 --flooders 6 --flood-violations 150 --rate 833

--soak also prints both processes' memory (RSS) over the run, every
--soak-seconds, beside how many events were acknowledged, processed and
waiting on disk, and how much each process grew from the moment a quarter
of its work was done (a quarter of the events acknowledged, for the server;
processed, for the worker) to the end: memory that keeps growing once the
caches are full is a leak.

    .venv/bin/python bench/load.py --soak --events 60000 --members 30000 --rate 300

Only 127.0.0.1 is used. The run stops by itself.
"""
from __future__ import annotations

import argparse
import http.client
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage import events as events_db  # noqa: E402
from storage import outbox as outbox_db  # noqa: E402
from tests.fakeslack.payloads import event_callback, message_event, sign  # noqa: E402
from tests.fakeslack.server import FakeSlack  # noqa: E402
from tests.harness import GENERAL, HELP, MOD_CHANNEL, SIGNING_SECRET, populate  # noqa: E402
from tests.procs import start_serve  # noqa: E402

ORDINARY = [
    "Has anyone set up the webhook retries with the new API version?",
    "Thanks, that fixed it for me!",
    "You can find the export option under Settings > Data.",
    "We upgraded last week and the dashboard loads much faster now.",
    "Is there a way to filter the report by team?",
    "Try clearing the cache and logging in again, that worked for us.",
    "Great write-up, bookmarking this for our onboarding docs.",
    "Does the mobile app support offline mode yet?",
]
TOPICS = ["webhooks", "the export", "SSO", "the mobile app", "billing", "the API", "reports", "custom fields",
          "the dashboard", "notifications", "the CSV import", "permissions", "the inbox", "tags", "workflows"]
OPENERS = ["Quick question about {t}:", "Has anyone else seen this with {t}?", "Following up on {t} -",
           "Tip for {t}:", "We just rolled out {t} to our team.", "Thanks for the help with {t} yesterday!"]
BODIES = ["it works after a restart", "the docs were a bit unclear on step {n}", "version {n}.{m} fixed it for us",
          "we had to wait about {n} minutes", "is there a setting for this", "our admin enabled it last week",
          "the team loves it", "I opened ticket {n}{m} with support", "any workaround would be appreciated"]


def ordinary(rng: random.Random) -> str:
    opener = rng.choice(OPENERS).format(t=rng.choice(TOPICS))
    body = rng.choice(BODIES).format(n=rng.randint(2, 40), m=rng.randint(0, 9))
    return f"{opener} {body}"


VIOLATING = [
    "my card is 4111 1111 1111 1111 exp 09/29, can someone test the checkout?",
    "here is our bot token xoxb-204813774526-120938475610-qwpl3kd9xr2mzt8vbn1yhs0e use it",
    "I will find where you live and kill you",
    "BUY NOW!!! cheap followers at http://bit.ly/xyz DM me for a discount code",
]


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    values = sorted(values)
    k = min(len(values) - 1, max(0, int(round(p / 100 * (len(values) - 1)))))
    return values[k]


def rss_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=20_000)
    ap.add_argument("--concurrency", type=int, default=50)
    ap.add_argument("--violating", type=float, default=0.03, help="share of violating messages (default 0.03)")
    ap.add_argument("--rate", type=float, default=0, help="events per second to offer (default 0: as fast as the clients can)")
    ap.add_argument("--members", type=int, default=20000, help="posting members (default 20000)")
    ap.add_argument("--worker", choices=("process", "thread", "none"), default="process", help="serve's --worker mode")
    ap.add_argument("--drain-timeout", type=float, default=300, help="seconds to wait for processing to finish")
    ap.add_argument("--soak", action="store_true", help="print memory over time and its growth after the first quarter")
    ap.add_argument("--soak-seconds", type=float, default=15, help="seconds between the rows --soak prints (default 15)")
    ap.add_argument("--flood", type=int, default=0, help="flood-plus-violations: this many flood messages (default 0: off)")
    ap.add_argument("--flooders", type=int, default=6, help="members sending the flood (default 6)")
    ap.add_argument("--flood-violations", type=int, default=150, help="real violations among the flood (default 150)")
    ap.add_argument("--slack-rate", action=argparse.BooleanOptionalAction, default=None,
                    help="the fake Slack enforces the per-channel posting rate (default: only with --flood)")
    args = ap.parse_args()

    # Slack's per-channel posting rate: on for the flood scenario, which is
    # about it; off by default otherwise, so figures compare with earlier runs.
    rate_limited = args.slack_rate if args.slack_rate is not None else bool(args.flood)
    fake = FakeSlack(post_rate=1.0 if rate_limited else None)
    populate(fake)
    # A community of a few hundred posting members, not four people flooding.
    members = [f"ULOAD{i:04d}" for i in range(args.members)]
    for uid in members:
        fake.add_user(uid, uid.lower(), real_name=f"Member {uid[-4:]}", display_name=f"m{uid[-4:]}")
    for channel in (GENERAL, HELP):
        fake.channels[channel]["members"].extend(members)
    fake.start()
    tmp = Path(tempfile.mkdtemp(prefix="modbot-load-"))
    db_path = tmp / "load.db"
    try:
        serve = start_serve(fake, db_path, log_level="WARNING", extra_args=("--threads", "16", "--worker", args.worker))
    except RuntimeError as exc:
        print(exc)
        return 1
    server, port = serve.proc, serve.port

    rng = random.Random(7)
    plan = flood_plan(args, members, rng) if args.flood else []
    for i in range(0 if args.flood else args.events):
        bad = rng.random() < args.violating
        text = rng.choice(VIOLATING) if bad else (rng.choice(ORDINARY) if rng.random() < 0.2 else ordinary(rng))
        channel = rng.choice((GENERAL, HELP))
        user = rng.choice(members)
        ts = f"{1_800_000_000 + i // 1000}.{i % 1000:06d}"
        plan.append((f"EvLoad{i:07d}", channel, user, text, ts, bad))
    args.events = len(plan)

    acks: list[float] = []
    sent_at: dict[tuple[str, str], float] = {}
    errors = []
    lock = threading.Lock()
    acked = [0]  # acknowledged so far, for the memory samples
    cursor = iter(range(len(plan)))
    begin = time.perf_counter() + 0.2

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local = []
        while True:
            with lock:
                i = next(cursor, None)
            if i is None:
                break
            if args.rate:
                # open loop: event i is due at i / rate, whatever the server does
                delay = begin + i / args.rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
            event_id, channel, user, text, ts, bad = plan[i]
            body, ctype = event_callback(message_event(channel, user, text, ts=ts), event_id=event_id)
            headers = sign(body, SIGNING_SECRET, int(time.time()), ctype)
            start = time.perf_counter()
            sent = time.time()
            try:
                conn.request("POST", "/slack/events", body=body.encode(), headers=headers)
                resp = conn.getresponse()
                resp.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                with lock:
                    errors.append(repr(exc))
                continue
            local.append(time.perf_counter() - start)
            with lock:
                acked[0] += 1
            if resp.status != 200:
                with lock:
                    errors.append(f"status {resp.status}")
            if bad:
                with lock:
                    sent_at[(channel, ts)] = sent
        with lock:
            acks.extend(local)

    samples: list[int] = []
    worker_samples: list[int] = []
    timeline: list[Sample] = []
    stop_sampling = threading.Event()

    def take_sample(conn: sqlite3.Connection) -> None:
        server_kb = rss_kb(server.pid, "VmRSS")
        samples.append(server_kb)
        kids = children(server.pid)
        worker_kb = sum(rss_kb(k, "VmRSS") for k in kids) if kids else 0
        if kids:
            worker_samples.append(worker_kb)
        try:
            # From the (status, received_at) index: cheap.
            by_status = events_db.count_by_status(conn)
        except sqlite3.OperationalError:
            by_status = {}
        waiting = by_status.get("pending", 0)
        timeline.append(Sample(time.perf_counter() - t0, acked[0], sum(by_status.values()) - waiting, waiting,
                               server_kb, worker_kb))

    def sampler() -> None:
        conn = sqlite3.connect(db_path, timeout=30)  # its own: connections stay in their thread
        while not stop_sampling.wait(0.5):
            take_sample(conn)
        conn.close()

    t0 = time.perf_counter()
    sampling = threading.Thread(target=sampler, daemon=True)
    sampling.start()
    threads = [threading.Thread(target=client) for _ in range(args.concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    send_seconds = time.perf_counter() - t0

    # Processing may lag the acks: wait for the inbox and outbox to drain.
    db = sqlite3.connect(db_path, timeout=30)
    max_pending = 0
    deadline = time.time() + args.drain_timeout
    while time.time() < deadline:
        pending = events_db.count_by_status(db).get("pending", 0)
        box = sum(outbox_db.count_by_status(db).get(s, 0) for s in ("pending", "inflight"))
        max_pending = max(max_pending, pending)
        if not pending and not box:
            break
        time.sleep(0.5)
    drain_seconds = time.perf_counter() - t0
    stop_sampling.set()
    sampling.join()
    take_sample(db)  # the end: everything processed (or the drain timed out)

    card_latency = []
    try:
        rows = db.execute(
            "SELECT c.channel, c.ts, min(o.done_at) FROM cases c JOIN outbox o ON o.case_id = c.id"
            " WHERE o.method = 'chat.postMessage' AND json_extract(o.args, '$.channel') = ? AND o.status = 'done'"
            " GROUP BY c.id",
            [MOD_CHANNEL],
        ).fetchall()
        for channel, ts, done_at in rows:
            if (channel, ts) in sent_at and done_at:
                card_latency.append(done_at - sent_at[(channel, ts)])
        cases = db.execute("SELECT count(*) FROM cases").fetchone()[0]
    except sqlite3.OperationalError:
        cases = 0
    counts = events_db.count_by_status(db)
    peak = rss_kb(server.pid, "VmHWM")
    final = rss_kb(server.pid, "VmRSS")
    worker_peak = sum(rss_kb(k, "VmHWM") for k in children(server.pid))
    serve.stop()
    fake.stop()

    ms = [a * 1000 for a in acks]
    offered = f"offered at {args.rate:.0f}/s" if args.rate else "offered as fast as possible"
    print(f"modbot load: {args.events} events, {args.concurrency} concurrent clients, {offered}, {args.violating:.0%} violating, worker={args.worker}"
          f", Slack's per-channel posting rate {'enforced' if rate_limited else 'not enforced'}")
    print(f"  acks/s                 {len(acks) / send_seconds:,.0f}  ({len(acks)} acked in {send_seconds:.1f} s, {len(errors)} errors)")
    print(f"  ack latency ms         p50 {percentile(ms, 50):.1f}   p99 {percentile(ms, 99):.1f}   max {max(ms) if ms else float('nan'):.1f}")
    if card_latency:
        cl = [c * 1000 for c in card_latency]
        print(f"  delivery->card ms      p50 {percentile(cl, 50):.0f}   p99 {percentile(cl, 99):.0f}   ({len(cl)} cards, {cases} cases)")
    else:
        print(f"  delivery->card         no cards measured ({cases} cases)")
    if args.flood:
        print_flood(db, card_latency, violations=len(sent_at))
    print(f"  all processed after    {drain_seconds:.1f} s; most events waiting on disk at once: {max_pending}")
    print(f"  events by status       {counts}")
    if samples:
        first = statistics.mean(samples[: max(1, len(samples) // 10)])
        last = statistics.mean(samples[-max(1, len(samples) // 10):])
        print(f"  server memory MB       peak {peak / 1024:.0f}   first tenth {first / 1024:.0f}   last tenth {last / 1024:.0f}   final {final / 1024:.0f}")
    if worker_samples:
        wf = statistics.mean(worker_samples[: max(1, len(worker_samples) // 10)])
        wl = statistics.mean(worker_samples[-max(1, len(worker_samples) // 10):])
        print(f"  worker memory MB       peak {worker_peak / 1024:.0f}   first tenth {wf / 1024:.0f}   last tenth {wl / 1024:.0f}")
    rate = len(acks) / send_seconds
    print(f"  Slack's limit is 30,000 events per workspace per hour (8.3/s); this process acked {rate * 3600:,.0f}/hour")
    if args.soak:
        print_soak(timeline, every=args.soak_seconds)
    db.close()
    if errors:
        print("  first errors:", errors[:3])
        print(f"  the database and serve's log are kept in {tmp}")
        return 1
    shutil.rmtree(tmp, ignore_errors=True)  # a long run leaves a database of 100 MB or more
    return 0


FLOOD_TEXT = "Join my trading group for guaranteed daily returns, message me now"


def flood_plan(args, members: list[str], rng: random.Random) -> list[tuple]:
    """The flood-plus-violations scenario: --flood messages from --flooders
    members, with --flood-violations real violations spread evenly among them."""
    flooders, others = members[: args.flooders], members[args.flooders:]
    every = max(1, args.flood // max(1, args.flood_violations))
    plan, bad_sent = [], 0
    for i in range(args.flood + args.flood_violations):
        bad = bad_sent < args.flood_violations and i % (every + 1) == every // 2
        if bad:
            text, user = VIOLATING[bad_sent % len(VIOLATING)], others[bad_sent % len(others)]
            bad_sent += 1
        else:
            text, user = f"{FLOOD_TEXT} ({i})", flooders[i % len(flooders)]
        ts = f"{1_800_000_000 + i // 1000}.{i % 1000:06d}"
        plan.append((f"EvLoad{i:07d}", rng.choice((GENERAL, HELP)), user, text, ts, bad))
    return plan


def print_flood(db: sqlite3.Connection, card_latency: list[float], *, violations: int) -> None:
    kinds = dict(db.execute("SELECT kind, count(*) FROM cases GROUP BY kind").fetchall())
    cards = db.execute("SELECT count(*) FROM outbox WHERE purpose = 'card_post' AND status = 'done'").fetchone()[0]
    updates = db.execute("SELECT count(*) FROM outbox WHERE purpose = 'card_update' AND status = 'done'").fetchone()[0]
    digests = db.execute("SELECT count(*) FROM card_digests").fetchone()[0]
    print(f"  cases by kind          {kinds}; cards posted {cards}, card updates {updates}, digests {digests}")
    late10 = violations - sum(1 for c in card_latency if c <= 10)
    late30 = violations - sum(1 for c in card_latency if c <= 30)
    top = max(card_latency) * 1000 if card_latency else float("nan")
    print(f"  violations             {violations}: no card within 10 s {late10}, within 30 s {late30}; "
          f"slowest {top:.0f} ms")


class Sample(NamedTuple):
    seconds: float
    acked: int
    processed: int
    waiting: int
    server_kb: int
    worker_kb: int


def print_soak(timeline: list[Sample], *, every: float) -> None:
    """Memory over the run, and each process's growth from the moment a
    quarter of its own work was done (most caches have filled by then) to the
    end: the server's work is acknowledging, the worker's is processing,
    which lags far behind when events are offered faster than it can go."""
    if len(timeline) < 4:
        print("  soak: too few samples (the run was shorter than two seconds)")
        return
    print(f"  memory over time (RSS, MB; a row every {every:g} s):")
    print(f"    {'s':>6} {'acked':>7} {'processed':>9} {'on disk':>7} {'server':>7} {'worker':>7}")
    next_row = 0.0
    for i, s in enumerate(timeline):
        if s.seconds >= next_row or i == len(timeline) - 1:
            print(f"    {s.seconds:6.0f} {s.acked:7d} {s.processed:9d} {s.waiting:7d} "
                  f"{s.server_kb / 1024:7.1f} {s.worker_kb / 1024:7.1f}")
            next_row = s.seconds + every
    end = timeline[-1]
    for name, field, work, done in (("server", "server_kb", "acked", end.acked),
                                    ("worker", "worker_kb", "processed", end.processed)):
        quarter = next(s for s in timeline if getattr(s, work) >= done / 4)
        a, b = getattr(quarter, field) / 1024, getattr(end, field) / 1024
        top = max(getattr(s, field) for s in timeline) / 1024
        share = f" ({(b - a) / a:+.1%})" if a else ""
        print(f"  {name} growth after a quarter {work} ({getattr(quarter, work)} at {quarter.seconds:.0f} s): "
              f"{a:.1f} -> {b:.1f} MB at {end.seconds:.0f} s, {b - a:+.1f} MB{share}; highest sample {top:.1f} MB")


if __name__ == "__main__":
    sys.exit(main())
