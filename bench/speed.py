"""Messages per second and per-message latency of the policy checks, next to
alt-profanity-check and better-profanity, on 100,000 realistic messages.

    .venv/bin/python bench/speed.py [--n 100000]

The messages mix generated community posts (with links, mentions, code,
personal data and abuse mixed in) with public tweets and comments from
../shared/data/dev when it is there (generated only when it is not). One
core: numeric libraries are pinned to one thread, the process to one CPU.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

import argparse  # noqa: E402
import json  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Iterable  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import ordinary  # noqa: E402
from policies import Message, encoder, evaluate, evaluate_many  # noqa: E402

EXTRAS = [
    "<@U0123ABCD> can you look at <https://github.com/acme/sdk/issues/12|this issue>?",
    "Here is the trace:\n```Traceback (most recent call last):\n  File \"app.py\", line 3\nKeyError: 'id'```",
    "my number is +44 7700 900123 if anyone can call",
    "<!here> the maintenance window starts at 22:00 UTC",
    "check out my channel https://youtube.com/c/growthguru and subscribe!!",
    "you are a complete idiot, read the docs",
    "use token xoxb-204813774526-QWpL3kd9Xr2m for the test workspace",
    "download the fix from http://paypa1-support.com/fix.exe now",
]


def corpus(n: int) -> list[str]:
    rng = random.Random(5)
    pool: list[str] = ordinary.generate(20_000, seed=3, split="eval") + ordinary.generate(20_000, seed=4, split="train")
    public: list[str] = []
    if _data.available():
        public += [r["text"] for r in _data.olid()]
        public += [r[0] for r in _data.youtube()]
        public += [d["full_text"] for d in _data.presidio()]
    else:
        print(_data.missing_message() + " (using generated messages only)")
    out = []
    for _ in range(n):
        x = rng.random()
        if x < 0.05:
            out.append(rng.choice(EXTRAS))
        elif x < 0.30 and public:
            out.append(rng.choice(public))
        else:
            out.append(rng.choice(pool))
    return out


def forget_read_texts() -> None:
    """The sentence reader remembers the last 4,096 texts it read: every
    timed pass starts without them, or a second pass would time the memory."""
    reader = encoder.encoder()
    if reader is not None:
        reader.forget()


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def latencies(fn, items: Iterable) -> list[float]:
    """Seconds that fn(item) took, one item at a time."""
    out = []
    for item in items:
        t = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - t)
    return out


def line(name: str, n: int, seconds: float, lat: list[float] | None, note: str = "") -> None:
    lat_s = f"p50 {pct(lat, 0.5) * 1e3:.3f} ms  p99 {pct(lat, 0.99) * 1e3:.3f} ms  max {max(lat) * 1e3:.1f} ms" if lat else ""
    print(f"  {name:<40} {n / seconds:>10,.0f} msgs/s   {lat_s}  {note}")


def main() -> int:
    ap = argparse.ArgumentParser(description="speed of the policy checks")
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="runs of the evaluate_many pass")
    ap.add_argument("--slow-sample", type=int, default=300, help="texts for better-profanity (about 70 ms each)")
    args = ap.parse_args()
    every_core = None
    try:
        every_core = os.sched_getaffinity(0)
        os.sched_setaffinity(0, {sorted(every_core)[0]})
    except (AttributeError, OSError):
        pass
    texts = corpus(args.n)
    print(f"{len(texts):,} messages, mean length {statistics.mean(map(len, texts)):.0f} characters, one core"
          f" (load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs: other work slows wall time)")
    evaluate(Message(text="warm up"))  # loads the models once

    # Messages are built batch by batch inside the timed loop, as a consumer
    # reading a stream would: 100,000 live objects held by the bench itself
    # would make every garbage collection slower and blame it on the checks.
    # Repeated, because a shared machine's noise is large: the median and
    # the best run are both shown (timeit reports the best for this reason).
    runs = []
    for _ in range(args.repeat):
        forget_read_texts()
        t0 = time.perf_counter()
        c0 = time.process_time()
        flagged = 0
        for i in range(0, len(texts), 1000):
            batch = [(Message(text=t), None) for t in texts[i:i + 1000]]
            flagged += sum(1 for fs in evaluate_many(batch) if fs)
        runs.append((time.perf_counter() - t0, time.process_time() - c0))
    runs.sort()
    batch_s, batch_cpu = runs[len(runs) // 2]
    best_s = runs[0][0]
    forget_read_texts()
    lat = latencies(evaluate, (Message(text=t) for t in texts))  # one Message alive at a time, as above
    print("\nmodbot policies")
    line(f"evaluate_many (batches of 1000), median of {args.repeat}", len(texts), batch_s, None,
         f"(best {len(texts) / best_s:,.0f}; {len(texts) / batch_cpu:,.0f} per CPU-second; "
         f"{flagged / len(texts):.1%} flagged)")
    line("evaluate (one message at a time)", len(texts), sum(lat), lat)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        with path.open("w") as fh:
            for i, t in enumerate(texts):
                fh.write(json.dumps({"id": i, "text": t}) + "\n")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "bot.commands.check", "hello"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
        start_s = time.perf_counter() - t0

        def whole_run(cpus) -> tuple[int, float, bytes]:
            """`modbot check --jsonl` on the file, on these CPUs (None: this process's one core)."""
            pin = (lambda: os.sched_setaffinity(0, cpus)) if cpus else None
            t0 = time.perf_counter()
            with path.open() as inp:
                proc = subprocess.run([sys.executable, "-m", "bot.commands.check", "--jsonl"], cwd=ROOT, stdin=inp,
                                      stdout=subprocess.PIPE, check=True, preexec_fn=pin)
            return proc.stdout.count(b"\n"), time.perf_counter() - t0, proc.stdout

        out_lines, cli_s, one_out = whole_run(None)
        line("modbot check --jsonl (whole run, one core)", out_lines, cli_s, None,
             f"(includes {start_s:.2f} s start-up, measured by `modbot check TEXT`)")
        if every_core and len(every_core) > 1:
            out_lines, cli_s, all_out = whole_run(every_core)
            line(f"modbot check --jsonl (whole run, {len(every_core)} cores)", out_lines, cli_s, None,
                 f"(a worker per core; output {'identical' if all_out == one_out else 'DIFFERENT'})")

    print("\nbaselines, same messages")
    try:
        from profanity_check import predict

        predict(["warm up"])
        t0 = time.perf_counter()
        for i in range(0, len(texts), 1000):
            predict(texts[i:i + 1000])
        apc_s = time.perf_counter() - t0
        sample = texts[:5000]
        lat = latencies(lambda t: predict([t]), sample)
        line("alt-profanity-check predict (batches)", len(texts), apc_s, None)
        line("alt-profanity-check (one at a time)", len(sample), sum(lat), lat, f"(first {len(sample)})")
    except ImportError:
        print("  alt-profanity-check not installed")
    try:
        from better_profanity import profanity

        profanity.load_censor_words()
        sample = texts[: args.slow_sample]
        lat = latencies(profanity.contains_profanity, sample)
        line("better-profanity (one at a time)", len(sample), sum(lat), lat, f"(first {len(sample)} only: slow)")
    except ImportError:
        print("  better-profanity not installed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
