"""Sweep the abuse cut-offs on tuning data only, and print what each pair
gives. Two readers give the probability the cut-offs apply to:

- the sentence reader (default; policies.encoder, `[policies] second_stage
  = true`): SENTENCE_SURE (it decides alone), SENTENCE_WITH_CUE (next to
  "you" with an insult or a strong word, or a group in dehumanising words)
  and SENTENCE_GATE (the word model's score from which a message is read);
- `--words`: the word model alone (second_stage = false): MODEL_SURE and
  MODEL_WITH_CUE.

For each pair:
- ordinary chat: the appium room plus the docker room's FIRST half; the
  share of lines an abusive category sends to moderators;
- the labelled sets' "val" splits: precision / recall / F1 of the abusive
  categories, pooled and per set.

    .venv/bin/python bench/tune_abuse.py [--words]

The rule the defaults follow: the pair with the best pooled val F1 among
those that add at most MAX_CHAT of the chat lines to what the rules alone
flag (real strong profanity), keep pooled val precision at or above
MIN_PRECISION, and keep the pinned hard cases of
tests/unit/test_policies_abuse.py clean. The docker room's second half and
the test splits (bench/quality.py's figures) are never read here.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import train_abuse  # noqa: E402
from quality import Remembering, abusive, prf  # noqa: E402
from policies import Message, PolicyConfig, _prepare, abuse, encoder, wordmodel  # noqa: E402

SURE = (0.9, 0.8, 0.7, 0.65, 0.6, 0.55, 0.5, 0.45, 0.4)
CUE = (0.5, 0.4)
GATES = (0.1, 0.15, 0.2, 0.3)  # the reader's gate (SENTENCE_GATE)
NEVER = (1.01, 1.01, 1.01)  # no finding from the reader's probability alone (and nothing read)
MAX_CHAT = 0.0005
MIN_PRECISION = 0.7


def sweep(texts: list[str], points: list[tuple], *, words: bool) -> dict[tuple, list[bool]]:
    """Abusive flags per point: (sure, cue), or (sure, cue, gate) for the
    reader. Only texts whose probability can reach the lowest cut-off (or
    the lowest gate) are re-read per point."""
    config = PolicyConfig(second_stage=not words)
    prepared = [_prepare(Message(text=t)) for t in texts]
    feats = [wordmodel.features(norm, len(parsed.links)) for parsed, _, norm in prepared]
    probs = abuse.classifier().score_many(feats)
    low = min(min(p[:2]) for p in points) - 0.02 if words else min(p[2] for p in points)
    near = [i for i, p in enumerate(probs) if p >= low]
    base = _with(NEVER, words, lambda: abusive(texts, config=config))
    out = {NEVER: base}
    for point in points:
        got = _with(point, words, lambda: abusive([texts[i] for i in near], config=config))
        pred = list(base)
        for i, g in zip(near, got):
            pred[i] = g
        out[point] = pred
    return out


def _with(point: tuple, words: bool, run):
    names = ("MODEL_SURE", "MODEL_WITH_CUE") if words else ("SENTENCE_SURE", "SENTENCE_WITH_CUE", "SENTENCE_GATE")
    old = tuple(getattr(abuse, n) for n in names)
    for n, v in zip(names, point):
        setattr(abuse, n, v)
    try:
        return run()
    finally:
        for n, v in zip(names, old):
            setattr(abuse, n, v)


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description="sweep the abuse cut-offs on tuning data")
    ap.add_argument("--words", action="store_true", help="the word model alone (second_stage = false)")
    ap.add_argument("--reader", type=Path, help="sweep for another sentence reader (a folder laid out as "
                    "policies/data/encoder)")
    args = ap.parse_args()
    if not args.words:
        reader = encoder.Encoder(args.reader) if args.reader else encoder.encoder()
        encoder.use_encoder(Remembering(reader))  # each pair reads the same texts
    chat = _data.chat("appium") + _data.halves(_data.chat("docker"), "first")
    val = {k: v for k, v in train_abuse.labelled("val").items() if v}
    if args.words:
        pairs = [(s, c) for s in SURE for c in CUE if c <= s]
    else:
        pairs = [(s, c, g) for g in GATES for s in SURE for c in CUE if c <= s]
    flags = sweep(chat, pairs, words=args.words)
    texts = [t for rows in val.values() for t, _ in rows]
    gold = [y for rows in val.values() for _, y in rows]
    preds = sweep(texts, pairs, words=args.words)
    reader = "word model alone" if args.words else "sentence reader"
    print(f"{reader}; tuning chat n={len(chat):,} (appium + docker first half); val n={len(texts):,} "
          f"({', '.join(val)})")
    print(f"  {'sure':>5} {'cue':>5}{'' if args.words else ' gate'} {'chat flags':>14}  {'val P':>6} {'val R':>6} {'val F1':>6}  per-set F1")
    k0 = sum(flags[NEVER])
    best, best_f = None, -1.0
    for pair in [NEVER] + pairs:
        k = sum(flags[pair])
        p, r, f = prf(preds[pair], gold)
        per, at = [], 0
        for name, rows in val.items():
            per.append(f"{name} {prf(preds[pair][at:at + len(rows)], [y for _, y in rows])[2]:.3f}")
            at += len(rows)
        ok = (k - k0) / len(chat) <= MAX_CHAT and p >= MIN_PRECISION
        if ok and f > best_f:
            best, best_f = pair, f
        label = "rules" if pair == NEVER else " ".join(f"{v:>5}" for v in pair)
        print(f"  {label:>11} {k / len(chat):>8.3%} ({k:>3})  {p:.3f} {r:.3f} {f:.3f}  "
              f"{'ok ' if ok else 'no '}{'; '.join(per)}")
    if best is not None and best != NEVER:
        print(f"chat lines the reader adds at {best} (beyond the rules' flags):")
        for t, a, b in zip(chat, flags[NEVER], flags[best]):
            if b and not a:
                print(f"    {t[:120]!r}")
    print(f"best val F1 among pairs adding <= {MAX_CHAT:.2%} of chat to the rules' flags with val precision >= "
          f"{MIN_PRECISION}: {best} (then check the pinned hard cases)")


if __name__ == "__main__":
    main()
