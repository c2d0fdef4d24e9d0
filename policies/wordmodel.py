"""The fast word models' machinery: features of a normalised message
(words, word pairs, prefixes, links) and a TF-IDF + logistic-regression
Classifier scored with numpy alone. Two models use it: the abuse model
(policies.abuse) and the promotion model (policies.community); a
JointScorer scores both over one shared vocabulary in one pass."""
from __future__ import annotations

import gzip
import json
import math
from itertools import chain, repeat
from pathlib import Path

from .slacktext import Normalised


class Classifier:
    """TF-IDF + logistic regression scored without sklearn at run time.

    Weights live in numpy arrays behind a str -> int index (no per-term
    Python objects), which keeps the garbage collector's work small.
    """

    def __init__(self, index: dict[str, int], idf, coef, intercept: float):
        import numpy as np

        self.index = index
        self.idf = np.asarray(idf, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = intercept

    @classmethod
    def load(cls, path: Path) -> "Classifier | None":
        if not path.exists():
            return None
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            data = json.load(fh)
        terms = data["terms"]
        index = {t: i for i, t in enumerate(terms)}
        idf = [v[0] for v in terms.values()]
        coef = [v[1] for v in terms.values()]
        return cls(index, idf, coef, float(data["intercept"]))

    def score_many(self, batch: list[list[str]]) -> list[float]:
        """Probabilities for a batch of feature lists (one vectorised pass)."""
        return joint_scorer([self]).score_many(batch)[0]

    def score(self, feats: list[str]) -> float:
        return self.score_many([feats])[0]


class JointScorer:
    """Several Classifiers over one shared vocabulary: one dictionary lookup
    per feature for all models, then one vectorised pass per model."""

    def __init__(self, models: list[Classifier | None]):
        import numpy as np

        self.models = models
        vocab: dict[str, int] = {}
        for m in models:
            if m is not None:
                for t in m.index:
                    vocab.setdefault(t, len(vocab))
        self.index = vocab
        self.arrays = []
        for m in models:
            if m is None:
                self.arrays.append(None)
                continue
            where = np.fromiter((vocab[t] for t in m.index), dtype=np.int64, count=len(m.index))
            idf = np.zeros(len(vocab))
            coef = np.zeros(len(vocab))
            present = np.zeros(len(vocab), dtype=bool)
            idf[where], coef[where], present[where] = m.idf, m.coef, True
            self.arrays.append((idf, coef, present, m.intercept))

    def score_many(self, batch: list[list[str]]) -> list[list[float] | list[None]]:
        import numpy as np

        n = len(batch)
        # One lookup per feature over the flattened batch (-1: not in the
        # vocabulary), and each feature's row from the batch's lengths.
        flat = list(chain.from_iterable(batch))
        found_all = np.fromiter(map(self.index.get, flat, repeat(-1)), dtype=np.int64, count=len(flat))
        rows_all = np.repeat(np.arange(n, dtype=np.int64), [len(feats) for feats in batch])
        known = found_all >= 0
        cols = found_all[known]
        rows = rows_all[known]
        has_rows = cols.size > 0
        width = max(1, len(self.index))
        if has_rows:
            key = rows * width + cols
            uniq, counts = np.unique(key, return_counts=True)
            ur, uc = uniq // width, uniq % width
            tf = 1.0 + np.log(counts)
        out: list = []
        for arr in self.arrays:
            if arr is None:
                out.append([None] * n)
                continue
            idf, coef, present, intercept = arr
            if not has_rows:
                out.append([1.0 / (1.0 + math.exp(-intercept))] * n)
                continue
            keep = present[uc]
            r_, c_ = ur[keep], uc[keep]
            w = tf[keep] * idf[c_]
            dot = np.bincount(r_, weights=w * coef[c_], minlength=n)
            norm = np.sqrt(np.bincount(r_, weights=w * w, minlength=n))
            z = intercept + np.divide(dot, norm, out=np.zeros(n), where=norm > 0)
            out.append((1.0 / (1.0 + np.exp(-z))).tolist())
        return out


# Keyed by the models' ids; each scorer holds its models, so an id cannot be
# reused while its entry lives. Several entries, not one: evaluate_many's
# pair and _core_score's single model alternate, and with one slot each call
# rebuilt the other's shared vocabulary (a third of the engine's time).
_joint: dict[tuple[int, ...], JointScorer] = {}
_JOINT_MAX = 8


def joint_scorer(models: list[Classifier | None]) -> JointScorer:
    key = tuple(id(m) for m in models)
    js = _joint.get(key)
    if js is None:
        if len(_joint) >= _JOINT_MAX:
            _joint.clear()
        js = _joint[key] = JointScorer(models)
    return js


def features(norm: Normalised, n_links: int = 0, skip: frozenset[str] = frozenset()) -> list[str]:
    """Words (repeats squeezed), adjacent word pairs, prefixes, one marker per link.

    `skip`: words the community allows; they do not count at all."""
    toks = [sq or w for w, sq in zip(norm.norms, norm.squeezed)] if norm.squeezed else norm.norms
    if skip:
        toks = [w for w in toks if w not in skip]
    # Five-letter prefixes of longer words generalise over endings the
    # training data lacked ("stupidest", "idiotically").
    return (toks + [a + " " + b for a, b in zip(toks, toks[1:])] + ["~" + w[:5] for w in toks if len(w) > 5]
            + ["__link__"] * n_links)
