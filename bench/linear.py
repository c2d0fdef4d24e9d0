"""Regex-hostile input: the engine's time grows linearly with the text.

For each shape that makes backtracking patterns blow up, times
policies.evaluate at 5k, 10k, 20k and 40k characters and prints the time and
the ratio to the previous size (about 2.0 when linear; a quadratic pattern
shows 4, an exponential one never finishes).

    .venv/bin/python bench/linear.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import policies  # noqa: E402
from policies.model import Context, Message  # noqa: E402

SHAPES = {
    "letters, late mismatch": lambda n: "a" * n + "!",
    "digit pairs": lambda n: "1 " * (n // 2),
    "dashes": lambda n: "-" * n,
    "angle brackets": lambda n: "<" * (n // 2) + ">" * (n // 2),
    "x@ repeated": lambda n: "x@" * (n // 2),
    "dotted host": lambda n: "http://" + "a." * (n // 2),
    "you you you": lambda n: "you " * (n // 4),
    "zero-width": lambda n: "\u200b" * n,
    "spaced letters": lambda n: "f u " * (n // 4),
    "card-like digits": lambda n: "4111 " * (n // 5),
    "mentions": lambda n: "<@U12345> " * (n // 10),
}
SIZES = (5_000, 10_000, 20_000, 40_000)


def best_of(fn, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    print(f"{'shape':24s}" + "".join(f"{n:>14,}" for n in SIZES) + "   worst ratio")
    worst_overall = 0.0
    for name, make in SHAPES.items():
        times = []
        for n in SIZES:
            text = make(n)
            times.append(best_of(lambda: policies.evaluate(Message(text=text), Context())))
        ratios = [b / a for a, b in zip(times, times[1:]) if a > 0]
        worst = max(ratios) if ratios else 0.0
        worst_overall = max(worst_overall, worst)
        print(f"{name:24s}" + "".join(f"{t * 1000:>12.1f}ms" for t in times) + f"   {worst:.2f}")
    print(f"\nworst growth per doubling: {worst_overall:.2f} (2.0 is linear)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
