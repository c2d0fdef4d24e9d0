"""The sentence reader: a small transformer that reads a whole message, for
the messages the fast word-based check is unsure about.

all-MiniLM-L6-v2 (6 layers, 384 wide), fine-tuned on the same data as the
fast abuse model (bench/train_encoder.py rebuilds it exactly), exported to
ONNX with int8 weights and run by onnxruntime on one thread; its tokenizer
is the model's own tokenizer.json, read by `tokenizers`. Both files ship in
policies/data/encoder/ with encoder.json, which holds the calibration
(Platt slope and offset on the model's logit) and says what it was trained
on. Nothing is fetched at run time.

Bags of words cannot tell "that demo was sick" from "you are sick"; this
can. It costs a few milliseconds a message, so policies.evaluate_many asks
it only about candidates: messages the fast word model scores at or above
policies.abuse.SENTENCE_GATE (a few in a hundred of ordinary chat).
"""
from __future__ import annotations

import json
import math
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path

from cachetools import LRUCache

from . import cpus, lexicon
from .slacktext import mend_surrogates, normalise

FOLDER = Path(__file__).with_name("data") / "encoder"
# Texts whose probability is kept: a flood repeats one text many times,
# and a text always scores the same, so it is read once.
REMEMBERED = 4096


# A name typed after an "@" ("@jane", "@docker-bot", Twitter's "@USER"):
# whom a line is addressed to, as a Slack mention (<@U123>) is, and parse()
# already leaves those out. It starts with a letter ("@5pm", "@12:30" are
# times). Not an e-mail address or "a@b" (a word before the "@").
_TYPED_HANDLE = re.compile(r"(?<![\w@.+\-])@[^\W\d](?:[\w.\-]*\w)?")
# Words an "@" cannot hide: the lexicon's obscenities, insults and slurs,
# written after an "@" ("you @idiot") or with it for an "a" ("@ss").
_WORDS_THAT_STAY = lexicon.OBSCENE.keys() | lexicon.INSULTS | lexicon.SLURS


def _without_handles(prose: str) -> str:
    if "@" not in prose:
        return prose
    return _TYPED_HANDLE.sub(lambda m: m.group() if _is_a_word(m.group()) else " ", prose)


@lru_cache(maxsize=4096)  # the same handles come back all day
def _is_a_word(handle: str) -> bool:
    for token in (handle, handle[1:]):
        norms = normalise(token).norms
        if len(norms) == 1 and norms[0] in _WORDS_THAT_STAY:
            return True
    return False


def text_of(prose: str, *, keep_handles: bool = False) -> str:
    """What the encoder reads: the message's prose on one line, without
    code, links or mentions (policies.slacktext.parse removes those) and
    without typed handles. Its tweets came without handles in training,
    and a line that opens with a few is read as something else: on OLID's
    held-out tweets as published ("@USER @USER ...") F1 was 0.545 with them
    and 0.604 without (bench/quality.py section 2). The language check
    (policies.language, which decides whether the models may score a
    message) reads the same text.
    `keep_handles`: as the shipped reader was trained (bench/train_encoder.py)."""
    text = " ".join((prose if keep_handles else _without_handles(prose)).split())
    return mend_surrogates(text[:1000])  # the tokenizer refuses a lone surrogate


class Encoder:
    """`threads`: onnxruntime threads inside one run (1: a text's score
    never depends on how the work was split). `parallel`: texts of one
    batch read at the same time, each run on its own thread (onnxruntime
    lets go of the GIL), so a batch uses several cores and every text still
    scores exactly as it does alone."""

    def __init__(self, folder: Path = FOLDER, *, threads: int = 1, parallel: int = 1):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        meta = json.loads((folder / "encoder.json").read_text(encoding="utf-8"))
        self.meta = meta
        self.max_len = int(meta["max_len"])
        self.slope = float(meta.get("slope", 1.0))
        self.offset = float(meta.get("offset", 0.0))
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tok.enable_truncation(self.max_len)
        tok.no_padding()  # the file asks for padding to 128; each text runs alone
        self.tokenizer = tok
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.inter_op_num_threads = 1
        opts.log_severity_level = 3
        self.session = ort.InferenceSession(str(folder / "model.onnx"), sess_options=opts,
                                            providers=["CPUExecutionProvider"])
        # The shipped model reads input_ids alone (one unpadded text a run);
        # a model exported with an attention mask is given one of ones.
        self._masked = any(i.name == "attention_mask" for i in self.session.get_inputs())
        self._seen: LRUCache[str, float] = LRUCache(REMEMBERED)
        self._lock = threading.Lock()  # Bolt's listeners may check messages on several threads
        self.parallel = max(1, parallel)
        self._pool: ThreadPoolExecutor | None = None

    def logits(self, texts: list[str]) -> list[float]:
        """The model's raw logit for each text. One text per run, unpadded:
        the int8 model quantises activations per run, so a text batched with
        others would score a little differently from the same text alone,
        and a live message must score as it does in an audit. (Batching
        saved under a tenth of the time.)"""
        encoded = self.tokenizer.encode_batch([t or "." for t in texts])
        if self.parallel > 1 and len(encoded) > 1:
            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.parallel, thread_name_prefix="modbot-reader")
            return list(self._pool.map(self._run, encoded))
        return [self._run(e) for e in encoded]

    def _run(self, encoding) -> float:
        import numpy as np

        ids = np.asarray([encoding.ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids)} if self._masked else {"input_ids": ids}
        (z,) = self.session.run(None, feed)
        return float(z.reshape(-1)[0])

    def forget(self) -> None:
        """Let go of every remembered probability, so the next pass reads
        again (bench/speed.py times each of its passes cold)."""
        with self._lock:
            self._seen.clear()

    def probabilities(self, texts: list[str]) -> list[float]:
        """Calibrated probability that each text is abusive. The model reads
        each distinct text once; the last REMEMBERED answers are kept."""
        with self._lock:  # cachetools' caches are not thread-safe
            known = {t: self._seen[t] for t in texts if t in self._seen}  # [] marks a text as recent
        new = list(dict.fromkeys(t for t in texts if t not in known))
        if new:
            fresh = {t: 1.0 / (1.0 + math.exp(-(self.slope * z + self.offset)))
                     for t, z in zip(new, self.logits(new))}
            with self._lock:
                self._seen.update(fresh)  # the oldest beyond REMEMBERED are let go
            known.update(fresh)
        return [known[t] for t in texts]


_override: list[Encoder | None] = []
_parallel: list[int] = []  # set by read_in_parallel; else one text per core


@lru_cache(maxsize=1)
def _shipped() -> Encoder | None:
    if not (FOLDER / "model.onnx").exists():
        return None
    try:
        return Encoder(parallel=_parallel[0] if _parallel else cpus.cores())
    except ImportError:
        return None


def read_in_parallel(n: int) -> None:
    """How many texts of a batch the shipped reader reads at once. A process
    pool that already has a worker per core (the export audit) sets 1."""
    _parallel[:] = [max(1, n)]
    if _shipped.cache_info().currsize:
        shipped = _shipped()
        if shipped is not None:
            shipped.parallel = _parallel[0]


def encoder() -> Encoder | None:
    return _override[0] if _override else _shipped()


def use_encoder(enc: Encoder | None) -> None:
    """Swap the encoder (tests, benches); None restores the shipped model."""
    _override[:] = [enc] if enc is not None else []
