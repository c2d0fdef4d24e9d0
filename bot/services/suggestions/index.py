"""The question index: which earlier questions read like this one?

Pure (no Slack, no database): texts in, (question id, score) out, so the
bench measures exactly what the bot runs.

How it finds them:
- Words: lower-cased, Snowball-stemmed (PyStemmer), without stop words and
  chat filler ("anyone", "thanks"), Slack markup and the export's
  [<-LINK->]/[<-CODE->] placeholders.
- Candidates: a settled segment indexed by bm25s (sparse matrices; a lookup
  among 100,000 questions takes a few milliseconds) plus the questions
  added since it was built that share a word with the new one (the tail
  keeps a small word -> questions map). bm25s cannot add a document to a
  built index, and rebuilding it for every new question costs about a
  second at 100,000, so the tail is folded in only when it reaches
  `tail_limit` (amortised: well under a millisecond per question).
- Scores: every candidate (from the segment and the tail alike) is scored
  again with the same BM25 (k1, b) over the live statistics, so a score does
  not depend on when the segment was last built, and divided by the score
  the question would get against itself. 1.0 is "the same words, weighted
  the same"; the threshold that decides whether to suggest at all is on
  this scale (chosen in bench/suggest.py).
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable

import numpy as np
import Stemmer

if TYPE_CHECKING:
    import bm25s

K1 = 1.2
B = 0.75
CANDIDATES = 30  # from the settled segment, before rescoring

_MARKUP = re.compile(r"\[<-(?:LINK|CODE)->\]|<[^>]*>|```.*?```|`[^`]*`", re.DOTALL)
_WORD = re.compile(r"[a-z0-9]+[+#]*")
# English stop words plus what chat questions open and close with; none of
# them says what a question is about.
STOP_WORDS = frozenset(
    """a about above after again all also am an and any anybody anyone anything are as at be because been before
    being below between both but by can cannot could did do does doing done down during each else etc ever every
    for from further get gets getting got guys had has have having he hello her here hey hi him his how however i
    i'm im if in into is it it's its just know let like me might more most much must my need needs no nor not now
    of off ok okay on once one only or other our out over own please pls really same see seems she should so some
    somebody someone something still such sure than thank thanks that the their them then there these they thing
    things this those through thx to too trying try tried u under until up use used using very want wants was way
    we well were what when where whether which while who whom why will with would yes yet you your""".split()
)
_stemmer = Stemmer.Stemmer("english")


def tokens(text: str) -> list[str]:
    """The words a question is matched on."""
    plain = _MARKUP.sub(" ", (text or "").lower())
    words = [w for w in _WORD.findall(plain) if w not in STOP_WORDS and len(w) > 1]
    return _stemmer.stemWords(words)


FIRST_LINE_LIMIT = 150


def first_line(text: str) -> str:
    """What a suggestion shows of a question, and all that is kept of it
    after the retention period: its first non-empty line, shortened."""
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= FIRST_LINE_LIMIT else line[: FIRST_LINE_LIMIT - 1].rstrip() + "\u2026"
    return ""


@dataclass(frozen=True)
class Match:
    doc_id: int
    score: float  # 0..1, see the module docstring


class QuestionIndex:
    """Questions by integer id; thread-safe (one lock; lookups are short)."""

    def __init__(self, *, tail_limit: int = 2000, k1: float = K1, b: float = B):
        self.k1, self.b = k1, b
        self.tail_limit = tail_limit
        self._lock = threading.Lock()
        self._docs: dict[int, tuple[str, ...]] = {}  # live documents' tokens
        self._df: Counter[str] = Counter()
        self._total_len = 0
        self._segment: bm25s.BM25 | None = None
        self._segment_ids = np.zeros(0, dtype=np.int64)  # segment row -> doc id
        self._segment_alive = np.zeros(0, dtype=np.float32)  # 1 for live rows (bm25s weight_mask)
        self._segment_row: dict[int, int] = {}
        self._tail: dict[str, set[int]] = {}  # word -> questions added since the fold
        self._tail_size = 0

    # -- building -------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._docs

    def build(self, docs: Iterable[tuple[int, str]]) -> None:
        """Replace the contents with `docs` ((id, text) pairs)."""
        with self._lock:
            self._docs.clear()
            self._df.clear()
            self._total_len = 0
            for doc_id, text in docs:
                self._add_stats(doc_id, tokens(text))
            self._fold()

    def add(self, doc_id: int, text: str) -> None:
        """Index one question (replacing an earlier text under the same id)."""
        with self._lock:
            if doc_id in self._docs:
                self._remove_stats(doc_id)
            toks = tokens(text)
            self._add_stats(doc_id, toks)
            for t in set(toks):
                self._tail.setdefault(t, set()).add(doc_id)
            self._tail_size += 1
            if self._tail_size >= self.tail_limit:
                self._fold()

    def remove(self, doc_id: int) -> None:
        with self._lock:
            if doc_id in self._docs:
                self._remove_stats(doc_id)

    def _add_stats(self, doc_id: int, toks: list[str]) -> None:
        self._docs[doc_id] = tuple(toks)
        self._df.update(set(toks))
        self._total_len += len(toks)

    def _remove_stats(self, doc_id: int) -> None:
        toks = self._docs.pop(doc_id)
        self._df.subtract(set(toks))
        self._total_len -= len(toks)
        row = self._segment_row.get(doc_id)
        if row is not None:
            self._segment_alive[row] = 0.0

    def _fold(self) -> None:
        """Rebuild the settled segment from every live document."""
        ids = [i for i, toks in self._docs.items() if toks]
        self._tail = {}
        self._tail_size = 0
        self._segment_row = {doc_id: row for row, doc_id in enumerate(ids)}
        self._segment_ids = np.asarray(ids, dtype=np.int64)
        self._segment_alive = np.ones(len(ids), dtype=np.float32)
        if not ids:
            self._segment = None
            return
        # Imported at the first fold, not at start-up: bm25s brings scipy
        # (a tenth of a second), which a bot with suggestions off, or
        # `modbot audit` (it needs only first_line), never uses.
        import bm25s

        segment = bm25s.BM25(k1=self.k1, b=self.b, method="lucene")
        segment.index([list(self._docs[i]) for i in ids], show_progress=False)
        self._segment = segment

    # -- lookup ---------------------------------------------------------------
    def search(self, text: str, *, limit: int = 3, exclude: Iterable[int] = ()) -> list[Match]:
        """The best `limit` questions for `text`, best first (scores > 0)."""
        words = tokens(text)
        query = list(dict.fromkeys(words))
        if not query:
            return []
        skip = set(exclude)
        with self._lock:
            candidates = set(self._segment_candidates(query))
            for t in query:
                candidates |= self._tail.get(t, set())
            candidates -= skip
            n = len(self._docs)
            if not candidates or n == 0:
                return []
            avgdl = self._total_len / n
            idf = {t: self._idf(t, n) for t in query}
            qtf = Counter(words)
            self_score = self._score(query, idf, qtf, sum(qtf.values()), avgdl)
            if self_score <= 0:
                return []
            scored = []
            for doc_id in candidates:
                toks = self._docs.get(doc_id)
                if not toks:
                    continue
                s = self._score(query, idf, Counter(toks), len(toks), avgdl)
                if s > 0:
                    scored.append(Match(doc_id, min(1.0, s / self_score)))
        scored.sort(key=lambda m: (-m.score, -m.doc_id))
        return scored[:limit]

    def _segment_candidates(self, query: list[str]) -> list[int]:
        segment = self._segment
        if segment is None:
            return []
        known = [t for t in query if t in segment.vocab_dict]
        if not known:
            return []
        k = min(CANDIDATES, len(self._segment_ids))
        rows, scores = segment.retrieve(
            [known], k=k, show_progress=False, n_threads=0, weight_mask=self._segment_alive
        )
        return [int(self._segment_ids[r]) for r, s in zip(rows[0], scores[0]) if s > 0]

    def _idf(self, term: str, n: int) -> float:
        # Lucene's BM25 idf (as bm25s's "lucene" method); a word no question
        # has gets the highest weight, so an unknown topic lowers the score.
        df = max(0, self._df.get(term, 0))
        return math.log(1 + (n - df + 0.5) / (df + 0.5))

    def _score(self, query: list[str], idf: dict[str, float], tf: Counter, length: int, avgdl: float) -> float:
        norm = self.k1 * (1 - self.b + self.b * length / avgdl) if avgdl else self.k1
        total = 0.0
        for t in query:
            f = tf.get(t, 0)
            if f:
                total += idf[t] * f * (self.k1 + 1) / (f + norm)
        return total
