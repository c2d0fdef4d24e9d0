"""Train the abuse classifier shipped as policies/data/abuse_model.json.gz.

    .venv/bin/python bench/train_abuse.py            # rebuilds the shipped model exactly
    .venv/bin/python bench/train_abuse.py --out X --without olid   # leave one set out

What it learns from (bench/_data.py loads each; nothing is copied here):

* negatives a community produces all day: every message of ONE real
  developer chat room (Gitter appium, ~24,800 lines) and 6,000 generated
  ordinary support-forum messages (bench/ordinary.py "train" templates);
* abuse as people label it: OLID part A (tweets), the "train" split (60%,
  by a hash) of Civil Comments toxic_spans, ConvAbuse (abuse aimed at chat
  bots), Stormfront (forum hate) and ToxiGen (implicit hate), and Davidson
  at a fifth of the weight (its "offensive" class is mostly casual slurs).

Never trained on: the docker chat room (the first half in time chooses the
thresholds, the second half is where bench/quality.py reports), OLID part
B, the "val" and "test" splits of the other sets, HateCheck.

Calibration: the logistic regression is fitted unweighted, then a Platt
scaling (one slope, one offset) is fitted on the validation data: the "val"
splits plus the first half of the docker room. So a score of 0.9 means
that, on that mix, about nine in ten messages scoring there were labelled
abusive. bench/quality.py prints the reliability table.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
import ordinary  # noqa: E402
from policies import abuse, wordmodel  # noqa: E402
from policies.slacktext import normalise, parse  # noqa: E402

TRAIN_ROOM = "appium"
# Weights smaller than this are dropped: a third fewer terms (faster
# start-up), and on the validation data F1 was no lower.
MIN_COEF = 0.1
DAVIDSON_WEIGHT = 0.2
# Sets that can be left out as a whole (leave-one-set-out in bench/quality.py).
SETS = ("olid", "toxic_spans", "convabuse", "stormfront", "toxigen", "davidson")


def feats(text: str) -> list[str]:
    parsed = parse(text)
    return wordmodel.features(normalise(parsed.prose), len(parsed.links))


def olid_split(row: dict) -> str:
    """OLID: part A is train; part B is halved into val and test."""
    return "train" if row["part"] == "A" else ("val" if int(row["id"]) % 2 else "test")


def labelled(split: str) -> dict[str, list[tuple[str, int]]]:
    """set name -> (text, abusive) for one split: 'train', 'val' or 'test'."""
    out: dict[str, list[tuple[str, int]]] = {}
    out["olid"] = [(r["text"], r["off"]) for r in _data.olid() if olid_split(r) == split]
    for name in ("toxic_spans", "convabuse", "stormfront", "toxigen"):
        out[name] = [(t, y) for t, y, s in getattr(_data, name)() if s == split]
    if split == "train":
        out["davidson"] = [(t, y) for t, y, _ in _data.davidson()]
    return out


def training_set(without: str | None = None):
    texts, labels, weights = [], [], []
    for name, rows in labelled("train").items():
        if name == without:
            continue
        w = DAVIDSON_WEIGHT if name == "davidson" else 1.0
        for t, y in rows:
            texts.append(t)
            labels.append(y)
            weights.append(w)
    for t in _data.chat(TRAIN_ROOM) + ordinary.generate(6000, seed=1, split="train"):
        texts.append(t)
        labels.append(0)
        weights.append(1.0)
    return texts, labels, weights


def validation_set() -> tuple[list[str], list[int]]:
    texts, labels = [], []
    for rows in labelled("val").values():
        for t, y in rows:
            texts.append(t)
            labels.append(y)
    for t in _data.halves(_data.chat("docker"), "first"):
        texts.append(t)
        labels.append(0)
    return texts, labels


def fit(texts, labels, weights, analyzer, *, C: float, min_df: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=analyzer, min_df=min_df, sublinear_tf=True)
    X = vec.fit_transform(texts)
    clf = LogisticRegression(C=C, max_iter=3000)
    clf.fit(X, labels, sample_weight=weights)
    return vec, clf


def platt(raw: list[float], labels: list[int]) -> tuple[float, float]:
    """Slope and offset on the logit of the raw score (Platt scaling)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    r = np.clip(np.asarray(raw), 1e-6, 1 - 1e-6)
    z = np.log(r / (1 - r)).reshape(-1, 1)
    lr = LogisticRegression(C=1e4).fit(z, labels)
    return float(lr.coef_[0][0]), float(lr.intercept_[0])


def write(out: Path, vec, clf, *, slope: float = 1.0, offset: float = 0.0, min_coef: float = 0.0,
          **about) -> int:
    """Write the model in the format policies.wordmodel.Classifier.load reads.
    The calibration is folded into the weights (slope times every weight and
    the intercept, plus the offset), so the run-time scorer is unchanged.
    Returns the number of terms kept. train_promo.py uses it too."""
    coef = clf.coef_[0]
    terms = {t: [round(float(vec.idf_[i]), 4), round(float(coef[i] * slope), 4)]
             for t, i in sorted(vec.vocabulary_.items()) if abs(coef[i]) > min_coef}
    out.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps({"intercept": round(float(clf.intercept_[0] * slope + offset), 6), "terms": terms, **about},
                         separators=(",", ":"), sort_keys=True)
    # mtime=0: the same data gives the same bytes (rebuilt exactly).
    with open(out, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(payload.encode())
    return len(terms)


def train(out: Path, *, without: str | None = None, C: float = 4.0, min_df: int = 3,
          calibrate: bool = True, quiet: bool = False) -> None:
    texts, labels, weights = training_set(without)
    vec, clf = fit(texts, labels, weights, feats, C=C, min_df=min_df)
    slope, offset = 1.0, 0.0
    if calibrate:
        # Calibrate what ships: the pruned weights, scored as at run time.
        write(out, vec, clf, min_coef=MIN_COEF)
        vt, vl = validation_set()
        raw = wordmodel.Classifier.load(out).score_many([feats(t) for t in vt])
        slope, offset = platt(raw, vl)
    n = write(out, vec, clf, slope=slope, offset=offset, min_coef=MIN_COEF,
              trained_on=(f"chat room {TRAIN_ROOM} (all, negatives), 6000 generated ordinary messages, "
                          f"train splits of {', '.join(s for s in SETS if s != without)} "
                          f"(davidson weight {DAVIDSON_WEIGHT})"),
              calibrated_on="val splits + first half of the docker chat room" if calibrate else "not calibrated",
              held_out="docker chat room, OLID part B, val/test splits, hatecheck")
    if not quiet:
        print(f"wrote {out} ({n} terms, {len(texts)} training texts, Platt slope {slope:.3f} offset {offset:.3f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=abuse.MODEL_PATH)
    ap.add_argument("--without", choices=SETS, help="leave this labelled set out entirely")
    args = ap.parse_args()
    if not _data.available():
        print(_data.missing_message())
        return 0
    train(args.out, without=args.without)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
