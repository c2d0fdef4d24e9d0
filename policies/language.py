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

import re
import threading
from functools import lru_cache

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
        from py3langid.langid import MODEL_FILE, LanguageIdentifier
    except ImportError:
        return None
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _identifier():
    """Loaded once, on first use (about half a second): most batches never ask."""
    with _loading:
        return _load()


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
