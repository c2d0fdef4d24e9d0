"""Train the promotion classifier shipped as policies/data/promo_model.json.gz.

    .venv/bin/python bench/train_promo.py      # rebuilds the shipped model exactly

Training data: UCI YouTube Spam Collection files 01-03 (Psy, Katy Perry,
LMFAO; spam as positives, the other comments as negatives), every message
of ONE real developer chat room (Gitter appium) and 3,000 generated ordinary
messages as negatives, so links, "check", "help" and "please" in ordinary
chat do not read as advertising. Held out: YouTube files 04-05 and the
docker chat room. Calibrated like the abuse model (Platt scaling): on
files 01-03 each scored by a model trained without that file, plus the
first half of the docker room.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import ordinary  # noqa: E402
import train_abuse  # noqa: E402
from policies import community  # noqa: E402

TRAIN_FILES = ("Youtube01", "Youtube02", "Youtube03")


def training_set(without_file: str | None = None):
    rows = [r for r in _data.youtube() if r[2].startswith(TRAIN_FILES) and not (without_file and r[2].startswith(without_file))]
    negatives = _data.chat(train_abuse.TRAIN_ROOM) + ordinary.generate(3000, seed=2, split="train")
    texts = [r[0] for r in rows] + negatives
    labels = [r[1] for r in rows] + [0] * len(negatives)
    return texts, labels


def main() -> int:
    if not _data.available():
        print(_data.missing_message())
        return 0
    import numpy as np

    # Out-of-fold scores for the spam comments (each file scored by a model
    # trained without it) plus the docker room's first half: the calibration set.
    cal_raw, cal_y = [], []
    docker = _data.halves(_data.chat("docker"), "first")
    for held in TRAIN_FILES:
        texts, labels = training_set(held)
        vec, clf = train_abuse.fit(texts, labels, None, train_abuse.feats, C=4.0, min_df=2)
        rows = [r for r in _data.youtube() if r[2].startswith(held)]
        cal_raw += list(clf.predict_proba(vec.transform([r[0] for r in rows]))[:, 1])
        cal_y += [r[1] for r in rows]
        if held == TRAIN_FILES[0]:
            cal_raw += list(clf.predict_proba(vec.transform(docker))[:, 1])
            cal_y += [0] * len(docker)
    slope, offset = train_abuse.platt(cal_raw, cal_y)
    texts, labels = training_set()
    vec, clf = train_abuse.fit(texts, labels, None, train_abuse.feats, C=4.0, min_df=2)
    out = community.PROMO_MODEL_PATH
    n_terms = train_abuse.write(
        out, vec, clf, slope=slope, offset=offset, min_coef=0.02,
        trained_on=f"UCI YouTube spam files 01-03, chat room {train_abuse.TRAIN_ROOM} (negatives), "
                   "3000 generated ordinary messages",
        calibrated_on="files 01-03 out of fold + first half of the docker chat room",
        held_out="YouTube files 04-05, docker chat room")
    print(f"wrote {out} ({n_terms} terms, {len(texts)} training texts, {int(np.sum(labels))} spam; "
          f"Platt slope {slope:.3f} offset {offset:.3f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
