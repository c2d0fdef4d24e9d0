"""Train the abuse classifier shipped as policies/data/abuse_model.json.gz.

    .venv/bin/python bench/train_abuse.py                      # the shipped model
    .venv/bin/python bench/train_abuse.py --train-part B --out X  # the swapped check's model

Training data: all of Davidson et al. (hate + offensive = abusive), the half
of OLID's training file named by --train-part (default A; the other half is
held out for bench/quality.py), and generated ordinary community messages
(bench/ordinary.py, "train" templates) as clean examples. Features are the
normaliser's tokens and token pairs, so the model sees text exactly as the
checks do at run time (leetspeak undone, repeats squeezed).

Why our own model rather than alt-profanity-check's: it is trained on
Davidson only and on raw text, so obfuscated words slip past it and it has
never seen support-forum language; ours is small (a JSON file of weights, no
pickle), scored in pure Python/numpy at run time.
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
from policies import abuse  # noqa: E402
from policies.slacktext import normalise, parse  # noqa: E402


def feats(text: str) -> list[str]:
    return abuse.features(normalise(parse(text).prose))


# Davidson's "offensive" is mostly casual slurs and profanity in tweets; at
# full weight it drowns OLID's broader notion of offence, so it counts a
# fifth (chosen by training on one OLID half and scoring the other).
DAVIDSON_WEIGHT = 0.2


def training_set(train_part: str):
    texts, labels, weights = [], [], []
    for text, y, _ in _data.davidson():
        texts.append(text)
        labels.append(y)
        weights.append(DAVIDSON_WEIGHT)
    for row in _data.olid():
        if row["part"] == train_part:
            texts.append(row["text"])
            labels.append(row["off"])
            weights.append(1.0)
    for text in ordinary.generate(6000, seed=1, split="train"):
        texts.append(text)
        labels.append(0)
        weights.append(1.0)
    return texts, labels, weights


def fit_and_write(out: Path, texts: list[str], labels: list[int], analyzer, *, C: float, min_df: int = 2,
                  weights: list[float] | None = None, **about: str) -> int:
    """Fit TF-IDF + logistic regression and write it in the format
    policies.abuse.Classifier.load reads (`about`: provenance fields).
    Returns the number of terms kept. train_promo.py uses it too."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = TfidfVectorizer(analyzer=analyzer, min_df=min_df, sublinear_tf=True)
    X = vec.fit_transform(texts)
    clf = LogisticRegression(C=C, max_iter=2000, class_weight="balanced")
    clf.fit(X, labels, sample_weight=weights)
    terms = {t: [round(float(vec.idf_[i]), 5), round(float(clf.coef_[0][i]), 5)]
             for t, i in vec.vocabulary_.items() if abs(clf.coef_[0][i]) > 1e-4}
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as fh:
        json.dump({"intercept": float(clf.intercept_[0]), "terms": terms, **about}, fh, separators=(",", ":"))
    return len(terms)


def train(train_part: str, out: Path, *, min_df: int = 2, C: float = 8.0) -> None:
    texts, labels, weights = training_set(train_part)
    n_terms = fit_and_write(
        out, texts, labels, feats, C=C, min_df=min_df, weights=weights,
        trained_on=f"davidson (all, weight {DAVIDSON_WEIGHT}), OLID part {train_part}, 6000 generated ordinary messages",
        held_out=f"OLID part {'B' if train_part == 'A' else 'A'}")
    print(f"wrote {out} ({n_terms} terms, {len(texts)} training texts, OLID part {train_part})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--train-part", choices=("A", "B"), default="A")
    ap.add_argument("--out", type=Path, default=abuse.MODEL_PATH)
    args = ap.parse_args()
    if not _data.available():
        print(_data.missing_message())
        return 0
    train(args.train_part, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
