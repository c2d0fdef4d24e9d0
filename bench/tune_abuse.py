"""Sweep the abuse model's cut-offs (policies.abuse.MODEL_SURE, the model
alone; MODEL_WITH_CUE, next to "you" with an insult or a strong word) on
tuning data only, and print what each pair gives:

- ordinary chat: the appium room plus the docker room's FIRST half; the
  share of lines an abusive category sends to moderators;
- the labelled sets' "val" splits: precision / recall / F1 of the abusive
  categories, pooled and per set.

    .venv/bin/python bench/tune_abuse.py

The rule the defaults follow: the lowest MODEL_SURE (then MODEL_WITH_CUE)
that adds at most 0.05% of the chat lines to the flags the current
defaults already raise (those are real strong profanity), keeps pooled val
precision at or above 0.75, and keeps the pinned hard cases of
tests/unit/test_policies_abuse.py clean ("that talk was insane, killer
demo" scores 0.67, so MODEL_SURE stays above it). The docker room's second
half and the test splits (bench/quality.py's figures) are never read here.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import train_abuse  # noqa: E402
from quality import abusive, prf  # noqa: E402
from policies import Message, _prepare, abuse  # noqa: E402

SURE = (0.7, 0.69, 0.68, 0.65, 0.6, 0.55, 0.5)
CUE = (0.4, 0.3)
MAX_CHAT = 0.0005
MIN_PRECISION = 0.75


def sweep(texts: list[str], pairs: list[tuple[float, float]]) -> dict[tuple[float, float], list[bool]]:
    """Abusive flags per pair. Only texts the model scores near or above the
    lowest cut-off can change, so only those are re-read per pair."""
    prepared = [_prepare(Message(text=t)) for t in texts]
    feats = [abuse.features(norm, len(parsed.links)) for parsed, norm in prepared]
    base = abusive(texts)
    probs = abuse.classifier().score_many(feats)
    low = min(min(p) for p in pairs) - 0.02
    near = [i for i, p in enumerate(probs) if p >= low]
    out = {}
    for pair in pairs:
        got = _with(pair, lambda: abusive([texts[i] for i in near]))
        pred = list(base)
        for i, g in zip(near, got):
            pred[i] = g
        out[pair] = pred
    return out


def _with(pair: tuple[float, float], run):
    old = abuse.MODEL_SURE, abuse.MODEL_WITH_CUE
    abuse.MODEL_SURE, abuse.MODEL_WITH_CUE = pair
    try:
        return run()
    finally:
        abuse.MODEL_SURE, abuse.MODEL_WITH_CUE = old


def main() -> None:
    chat = _data.chat("appium") + _data.halves(_data.chat("docker"), "first")
    val = {k: v for k, v in train_abuse.labelled("val").items() if v}
    pairs = [(s, c) for s in SURE for c in CUE]
    flags = sweep(chat, pairs)
    texts = [t for rows in val.values() for t, _ in rows]
    gold = [y for rows in val.values() for _, y in rows]
    preds = sweep(texts, pairs)
    print(f"tuning chat n={len(chat):,} (appium + docker first half); val n={len(texts):,} ({', '.join(val)})")
    print(f"  {'sure':>5} {'cue':>5} {'chat flags':>14}  {'val P':>6} {'val R':>6} {'val F1':>6}  per-set F1")
    chosen = None
    k0 = sum(flags[(abuse.MODEL_SURE, abuse.MODEL_WITH_CUE)]) if (abuse.MODEL_SURE, abuse.MODEL_WITH_CUE) in flags \
        else sum(flags[pairs[0]])
    for pair in pairs:
        k = sum(flags[pair])
        p, r, f = prf(preds[pair], gold)
        per, at = [], 0
        for name, rows in val.items():
            per.append(f"{name} {prf(preds[pair][at:at + len(rows)], [y for _, y in rows])[2]:.3f}")
            at += len(rows)
        ok = (k - k0) / len(chat) <= MAX_CHAT and p >= MIN_PRECISION
        if ok and (chosen is None or pair < chosen):
            chosen = pair
        print(f"  {pair[0]:>5} {pair[1]:>5} {k / len(chat):>8.3%} ({k:>3})  {p:.3f} {r:.3f} {f:.3f}  "
              f"{'ok ' if ok else 'no '}{'; '.join(per)}")
    print(f"lowest pair adding <= {MAX_CHAT:.2%} of chat and keeping val precision >= {MIN_PRECISION}: {chosen}"
          " (then check the pinned hard cases)")


if __name__ == "__main__":
    main()
