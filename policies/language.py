"""Which messages the models can read.

The abuse and promotion word models and the sentence reader learned from
English text only. On a message in another language their probabilities
say nothing: an English model reads the Portuguese "sou idiota" ("I am an
idiot") as hostile, and any short post with a link as promotion. So a
message written, with confidence, in another language gets no model score,
and only the rules judge it (word lists, slurs, threats, personal data,
links).

py3langid (langid.py's model, 97 languages, numpy only, in its wheel)
decides. A message counts as foreign only when its language is not English
with probability SURE or more: a few words ("you idiot", "kys") never are,
and neither is code or a log, which the model calls "zxx" (no language).
"""
from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
import threading
from array import array
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_LANGUAGES = frozenset({"en"})
# Of the English sets' 20,353 abusive texts (OLID, toxic_spans, ConvAbuse,
# Stormfront, ToxiGen, HateCheck) 0.9 takes one away, a tweet in Nigerian
# Pidgin; of the Gitter rooms' 53,413 lines, 25 (Chinese, Russian, logs).
# 0.7 would add 4% of ToLD-BR's ordinary tweets (0.34% -> 0.28% sent) for
# two more English ones.
SURE = 0.9
_NO_LANGUAGE = "zxx"
# Sentences and clauses: where a mixed message changes language.
_CLAUSE = re.compile(r"[.!?;:\n]+\s*|\s+[—–-]\s+")


_loading = threading.Lock()  # Bolt's listeners check messages on several threads


@lru_cache(maxsize=1)
def _load():
    try:
        from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    try:
        from py3langid.modelio import load_model
    except ImportError:  # a py3langid laid out otherwise: its own loader, uncached
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    cached = cache_file(MODEL_DIR / MODEL_FILE)
    parts = _read_unpacked(cached) if cached else None
    if parts is None:
        parts = load_model(MODEL_DIR / MODEL_FILE)
        if cached:
            _write_unpacked(cached, parts)
    # the arguments py3langid's own LanguageIdentifier.from_model_file passes
    ptc, pc, classes, nextmove, row, output = parts
    return LanguageIdentifier(np.asarray(ptc), np.asarray(pc), classes, nextmove, output, norm_probs=True,
                              tk_row=row)


def _identifier():
    """Loaded once, on first use: most batches never ask."""
    with _loading:
        return _load()


# py3langid ships its model compressed with xz: reading it takes about half
# a second, in every process that asks (each worker of `modbot check
# --jsonl` and of the audit, the bot, `modbot check TEXT`). The same model
# unpacked (about 68 MB, in the user's cache folder) loads in a twentieth of
# that. It is a cache only: any failure to read or write it falls back to
# py3langid's own file, and a new py3langid gets a new file.
_UNPACKED = ("ptc", "pc", "classes", "nextmove", "row", "output", "typecodes")


def cache_file(model: Path) -> Path | None:
    """Where the unpacked model is kept: $XDG_CACHE_HOME/modbot (else
    ~/.cache/modbot), named after the py3langid version and the size of
    its model file. None when neither is known."""
    try:
        from importlib.metadata import version

        tag = f"{version('py3langid')}-{model.stat().st_size}"
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except (OSError, RuntimeError, ImportError, ValueError):
        return None
    return base / "modbot" / f"py3langid-{tag}.npz"


def _read_unpacked(path: Path):
    """The model as py3langid's load_model returns it, or None when the
    file is missing, damaged or not of this shape."""
    try:
        with np.load(path, allow_pickle=False) as data:
            if set(data.files) != set(_UNPACKED):
                return None
            nextmove_code, row_code = data["typecodes"].tolist()
            parts = (data["ptc"], data["pc"], data["classes"].tolist(),
                     array(nextmove_code, data["nextmove"].tobytes()), array(row_code, data["row"].tobytes()),
                     data["output"].tolist())
    except Exception:  # a cache: whatever is wrong with it, py3langid's own file is read instead
        return None
    ptc, pc, classes, _, row, output = parts
    if ptc.ndim != 2 or ptc.shape[1] != len(pc) or len(pc) != len(classes) or len(row) != len(output):
        return None
    return parts


def _write_unpacked(path: Path, parts) -> None:
    ptc, pc, classes, nextmove, row, output = parts
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=path.stem, suffix=".tmp", delete=False) as fh:
            tmp = fh.name
            np.savez(fh, ptc=ptc, pc=pc, classes=np.asarray(classes), output=np.asarray(output),
                     nextmove=np.frombuffer(nextmove, dtype=nextmove.typecode),
                     row=np.frombuffer(row, dtype=row.typecode),
                     typecodes=np.asarray([nextmove.typecode, row.typecode]))
        os.replace(tmp, path)  # a reader never sees half a file
    except Exception as e:  # a cache: failing to keep one never stops a check
        log.debug("language model not cached in %s: %s", path.parent, e)
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


@lru_cache(maxsize=4096)  # a flood repeats one text
def language(text: str) -> tuple[str, float]:
    """(ISO 639 code, probability); ("", 0.0) when py3langid is missing."""
    ident = _identifier()
    if ident is None or not text.strip():
        return "", 0.0
    lang, p = ident.classify(text)
    return lang, float(p)


def models_cannot_read(text: str) -> bool:
    """Is `text` confidently in a language the models never learned, with
    no sentence of three words or more confidently in one they did? A German
    greeting then an English insult is German as a whole, yet the models
    can read its insult."""
    lang, p = language(text)
    if p < SURE or lang in MODEL_LANGUAGES or lang in ("", _NO_LANGUAGE):
        return False
    for clause in _CLAUSE.split(text):
        if len(clause.split()) >= 3:
            lang, p = language(clause)
            if p >= SURE and lang in MODEL_LANGUAGES:
                return False
    return True
