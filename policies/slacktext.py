"""Slack mrkdwn parsing and text normalisation for word checks.

Two rules shape this module:

* Every derived text keeps a way back to the original message, so a Finding's
  (start, end) always points into the text Slack delivered. `parse` does this
  by blanking markup with spaces of the same length (positions do not move);
  `normalise` keeps, for each token, the span it came from.
* No pattern has nested quantifiers over overlapping character classes, so a
  hostile 40,000-character message cannot make a regex backtrack for ever.
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache

# ---------------------------------------------------------------- parsing


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    label: str
    start: int  # span of the whole <url|label> (or bare url) in the original
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    kind: str  # "user" | "channel" | "special" ("here", "channel", "everyone") | "usergroup"
    target: str
    start: int
    end: int


@dataclass(slots=True)
class ParsedText:
    text: str  # the original, untouched
    # Same length as `text`: markup blanked, labels and entities in place,
    # code kept (secrets and personal data in code blocks still count).
    plain: str
    # Same length again, with code spans and blocks blanked too: what word
    # checks read (a stack trace saying "kill" is not a threat).
    prose: str
    links: list[Link] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    code_spans: list[tuple[int, int]] = field(default_factory=list)

    @property
    def user_mentions(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "user"]

    @property
    def special_mentions(self) -> list[Mention]:
        return [m for m in self.mentions if m.kind == "special"]


# <...> markup: a link, a mention or a command. No '<' or '>' inside (Slack
# escapes them as &lt; &gt;), so [^<>\n] cannot backtrack.
_ANGLE = re.compile(r"<([^<>\n]{1,2000})>")
_ENTITY = re.compile(r"&(amp|lt|gt);")
# The broadcast mentions Slack sends as <!here>, <!channel>, <!everyone>.
_SPECIAL_NAMES = frozenset(("here", "channel", "everyone"))
_ENTITY_CHAR = {"amp": "&", "lt": "<", "gt": ">"}
_CODE_BLOCK = re.compile(r"```.*?```", re.S)
_CODE_SPAN = re.compile(r"`[^`\n]{1,2000}`")
# Bare URLs (messages from the API, files, tests): scheme or www. prefix.
BARE_URL = re.compile(r"(?:https?://|www\.)[^\s<>|\"'`]{1,2000}", re.I)
_TRAILING_PUNCT = ".,;:!?)]}'\""


def _blank(buf: list[str], start: int, end: int) -> None:
    for i in range(start, end):
        if buf[i] != "\n":
            buf[i] = " "


def _within(spans: list[tuple], starts: list[int], at: int) -> bool:
    """Whether `at` falls inside one of `spans` ((start, end, ...) tuples,
    sorted and disjoint; `starts` are their starts). A binary search, not a
    scan: a 40,000-character message can hold 13,000 code spans, and a scan
    per span was quadratic (eight seconds for "`a`" * 13000)."""
    i = bisect_right(starts, at) - 1
    return i >= 0 and at < spans[i][1]


def parse(text: str) -> ParsedText:
    """Split Slack mrkdwn into links, mentions and code, keeping positions."""
    if "<" not in text and "&" not in text and "`" not in text and "://" not in text and "www." not in text.lower():
        return ParsedText(text, text, text)
    buf = list(text)
    links: list[Link] = []
    mentions: list[Mention] = []
    for m in _ANGLE.finditer(text):
        inner = m.group(1)
        s, e = m.start(), m.end()
        target, bar, label = inner.partition("|")
        head = target[:1]
        if head == "@":
            kind = "usergroup" if target.startswith("@S") else "user"
            mentions.append(Mention(kind, target[1:], s, e))
        elif head == "#":
            mentions.append(Mention("channel", target[1:], s, e))
        elif head == "!":
            name = target[1:]
            if name.startswith("subteam^"):
                mentions.append(Mention("usergroup", name[8:], s, e))
            elif name in _SPECIAL_NAMES:
                mentions.append(Mention("special", name, s, e))
            elif not name.startswith("date^"):
                continue  # "<!DOCTYPE html>" pasted unescaped: markup, not a mention
        elif ":" in target or "." in target:
            links.append(Link(target, label, s, e))
        else:
            continue  # a literal "<word>" someone typed; leave it
        # Keep the visible label (or name) where it stands; blank the rest.
        keep_from = s + 1 + len(target) + 1 if bar else e
        _blank(buf, s, keep_from)
        if bar:
            buf[e - 1] = " "
    for m in _ENTITY.finditer(text):
        buf[m.start()] = _ENTITY_CHAR[m.group(1)]
        _blank(buf, m.start() + 1, m.end())
    plain = "".join(buf)
    # Bare URLs not already inside <...>.
    taken = [(lk.start, lk.end) for lk in links]
    taken_starts = [a for a, _ in taken]
    for m in BARE_URL.finditer(plain):
        s, e = m.start(), m.end()
        while e > s and plain[e - 1] in _TRAILING_PUNCT:
            e -= 1
        if _within(taken, taken_starts, s):
            continue
        url = plain[s:e]
        links.append(Link(url if "://" in url else "http://" + url, "", s, e))
    code_spans: list[tuple[int, int]] = []
    if "`" in plain:
        blocks = [m.span() for m in _CODE_BLOCK.finditer(plain)]
        block_starts = [a for a, _ in blocks]
        code_spans += blocks
        # Inline spans never overlap one another (one finditer), so only
        # the blocks can hold one.
        for m in _CODE_SPAN.finditer(plain):
            if not _within(blocks, block_starts, m.start()):
                code_spans.append(m.span())
    if code_spans:
        pbuf = list(plain)
        for s, e in code_spans:
            _blank(pbuf, s, e)
        prose = "".join(pbuf)
    else:
        prose = plain
    links.sort(key=lambda lk: lk.start)
    return ParsedText(text, plain, prose, links, mentions, sorted(code_spans))


# ---------------------------------------------------------------- normalising

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f"), None)

# Letters from other scripts that look like Latin ones (a small, common set:
# the ones used to dodge word filters in practice).
_CONFUSABLES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o",
    "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j",
    "ѕ": "s", "ԁ": "d", "ɡ": "g", "һ": "h", "ӏ": "l", "ո": "n", "ս": "u", "ԛ": "q", "ԝ": "w",
    # Greek
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o",
    "ρ": "p", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c", "ς": "c",
    # Latin variants NFKC leaves alone
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss",
}

# Leetspeak applies only inside tokens that also contain letters ("h4te",
# "sh1t", "@ss"), never to numbers standing alone ("2024", "404").
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t",
                       "8": "b", "9": "g", "@": "a", "$": "s", "!": "i", "|": "l", "*": "u", "+": "t"})

# A token: letters/digits with leet symbols inside. The separator class
# [*!|] and the letter class never overlap, so this cannot backtrack.
_TOKEN = re.compile(r"[@$]?[^\W_]+(?:[*!|@$+]+[^\W_]+)*[$]*")
# Spaced-out words: "f u c k", "f.u.c.k", "f-u-c-k" (three letters or more).
_SPACED = re.compile(r"(?<![^\W_])[^\W\d_](?:[ .\-_*][^\W\d_]){2,40}(?![^\W_])")
_RUNS = re.compile(r"([^\W\d_])\1{2,}")
_ANY_RUN = re.compile(r"(.)\1\1")  # a cheaper first test for _RUNS
_RUNS2 = re.compile(r"(.)\1+")
_HAS_DIGIT_OR_SYM = re.compile(r"[\d@$!|*+]")
# Text-level test: a leet character touching a letter somewhere ("h4te",
# "@ss", "sh!t"), not just any number or an exclamation mark after a word.
_LEET_SOMEWHERE = re.compile(r"[^\W\d_][\d@$]|[\d@$][^\W\d_]|[^\W_][!|*+]{1,3}[^\W\d_]")
_HAS_ALPHA = re.compile(r"[^\W\d_]")
# Every branch of _LEET_SOMEWHERE needs one of these: a much cheaper first test.
_LEET_CHAR = re.compile(r"[\d@$!|*+]")


# Half of a surrogate pair on its own (JSON can spell one: "\ud800") is
# not Unicode: a tokenizer, a UTF-8 file or a database refuses it. Decoded
# text holds a surrogate only alone (a pair decodes to one character).
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def mend_surrogates(text: str) -> str:
    """`text` with each lone surrogate as U+FFFD: one character for one, so
    offsets into it still hold."""
    return _LONE_SURROGATE.sub("\ufffd", text)


def fold_char(ch: str) -> str:
    """NFKC + casefold + confusables for one character (may be '' or 2 chars)."""
    c = unicodedata.normalize("NFKC", ch).casefold()
    if len(c) == 1:
        return _CONFUSABLES.get(c, c)
    return "".join(_CONFUSABLES.get(x, x) for x in c)


def fold(text: str) -> tuple[str, list[int] | None]:
    """Fold a text; return it with a map folded index -> original index.

    For ASCII text (nearly all messages) the map is None: positions match.
    """
    if text.isascii():
        return text.lower(), None
    out: list[str] = []
    pos: list[int] = []
    for i, ch in enumerate(text):
        if ch.isascii():
            out.append(ch.lower())
            pos.append(i)
            continue
        for x in _fold_other(ch):
            out.append(x)
            pos.append(i)
    return "".join(out), pos


@lru_cache(maxsize=65_536)
def _fold_other(ch: str) -> str:
    """What one non-ASCII character folds to ('' when dropped). Cached:
    messages reuse few such characters (emoji, accents) many times."""
    if ord(ch) in _ZERO_WIDTH:
        return ""
    if unicodedata.category(ch) == "Mn":  # combining accents: drop
        return ""
    f = fold_char(ch)
    f = unicodedata.normalize("NFKD", f)
    return "".join(x for x in f if unicodedata.category(x) != "Mn")


@dataclass(slots=True)
class Token:
    norm: str  # normalised form (folded, leet mapped)
    start: int  # span in the ORIGINAL text
    end: int
    raw: str  # folded surface form, before leet mapping
    # Variant with repeated letters collapsed ("fuuuck" -> "fuck"), or "".
    squeezed: str = ""


class Normalised:
    """Normalised tokens of a text. Token objects are built only on demand:
    most checks need just the words (`norms`), and messages are many."""

    __slots__ = ("norms", "squeezed", "text", "_starts", "vocab", "_spans", "_folded", "_raws", "_tokens")

    def __init__(self, norms: list[str], squeezed: list[str] | None, text: str, vocab: frozenset[str], *,
                 spans: list[tuple[int, int]] | None = None, folded: str | None = None,
                 raws: list[str] | None = None):
        self.norms = norms  # normalised forms, in text order
        self.squeezed = squeezed  # squeezed variants ("" if none), or None when no token had runs
        self.text = text  # norms joined by single spaces, for phrase patterns
        self._starts: list[int] | None = None  # where each norm starts in `text` (computed when first needed)
        # Every normalised form (and squeezed variant): for quick "does any
        # of these words occur" gates before a phrase pattern runs.
        self.vocab = vocab
        self._spans = spans  # or None: then re-tokenise `_folded` when a span is first needed
        self._folded = folded
        self._raws = raws
        self._tokens: list[Token] | None = None

    def orig_span(self, i: int) -> tuple[int, int]:
        """Span of token i in the original message."""
        if self._spans is None:
            self._spans = [m.span() for m in _TOKEN.finditer(self._folded)]
        return self._spans[i]

    def whole(self) -> tuple[int, int]:
        """From the first token's start to the last token's end."""
        if not self.norms:
            return (0, 0)
        return self.orig_span(0)[0], self.orig_span(len(self.norms) - 1)[1]

    def token(self, i: int) -> Token:
        s, e = self.orig_span(i)
        raw = self._raws[i] if self._raws is not None else self.norms[i]
        return Token(self.norms[i], s, e, raw, self.squeezed[i] if self.squeezed else "")

    @property
    def tokens(self) -> list[Token]:
        if self._tokens is None:
            self._tokens = [self.token(i) for i in range(len(self.norms))]
        return self._tokens

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of `text` to the original message."""
        if not self.norms:
            return (0, 0)
        if self._starts is None:
            self._starts = _starts_of(self.norms)
        i = max(0, bisect_right(self._starts, start) - 1)
        j = max(0, bisect_right(self._starts, max(start, end - 1)) - 1)
        return self.orig_span(i)[0], self.orig_span(j)[1]


def normalise(text: str) -> Normalised:
    """Tokens for word checks, each with its span in `text`.

    Steps: NFKC, case folding, zero-width removal, confusable letters,
    leetspeak inside words, collapsed letter runs, joined spaced-out letters.
    Works on whole lists (no per-token objects) because it runs on every
    message; Token objects are made later, only for the few that matter.
    """
    folded, pos = fold(text)
    spaced: list[tuple[int, int, str, str]] = []  # (start, end, word, raw) in folded
    if " " in folded or "." in folded or "-" in folded:
        for m in _SPACED.finditer(folded):
            word = "".join(ch for ch in m.group() if ch.isalpha())
            if len(word) >= 3:
                spaced.append((m.start(), m.end(), word, m.group()))
    if spaced:
        # Spaced-out runs come from finditer: sorted and disjoint, so a
        # binary search finds the one a token could fall in (a per-token scan
        # of every run was quadratic on long "f u f u ..." texts).
        starts = [a for a, _, _, _ in spaced]
        matches = [m for m in _TOKEN.finditer(folded) if not _within(spaced, starts, m.start())]
        raws = [m.group() for m in matches]
    else:
        # Strings only (no match objects): most messages never need a span.
        matches = None
        raws = _TOKEN.findall(folded)
    norms = raws
    if _LEET_CHAR.search(folded) is not None and _LEET_SOMEWHERE.search(folded) is not None:
        norms = [r if r.isalpha() or not (_HAS_DIGIT_OR_SYM.search(r) and _HAS_ALPHA.search(r))
                 else r.translate(_LEET) for r in raws]
    runs = _ANY_RUN.search(folded) is not None and _RUNS.search(folded) is not None
    if not spaced and pos is None and norms is raws and not runs:
        # The common case: plain words, positions unchanged.
        # Keep the folded text, not the match objects: spans are recomputed
        # only for the few messages that produce a finding.
        return Normalised(norms, None, " ".join(norms), frozenset(norms), folded=folded)
    spans = [m.span() for m in (matches if matches is not None else _TOKEN.finditer(folded))]
    if spaced:
        merged = sorted(list(zip(spans, norms, raws)) + [((a, b), w, r) for a, b, w, r in spaced])
        spans = [x[0] for x in merged]
        norms = [x[1] for x in merged]
        raws = [x[2] for x in merged]
    if pos is not None:
        spans = [(pos[a], pos[b - 1] + 1) for a, b in spans]
    squeezed = [_squeeze(w) for w in norms] if runs or spaced else None
    vocab = set(norms)
    if squeezed:
        vocab.update(x for x in squeezed if x)
    return Normalised(norms, squeezed, " ".join(norms), frozenset(vocab), spans=spans, raws=raws)


def _starts_of(norms: list[str]) -> list[int]:
    starts: list[int] = []
    n = 0
    for w in norms:
        starts.append(n)
        n += len(w) + 1
    return starts


def _squeeze(word: str) -> str:
    """'fuuuuck' -> 'fuck', 'shiiit' -> 'shit'; '' when nothing repeats 3+."""
    if len(word) < 3 or not _RUNS.search(word):
        return ""
    return _RUNS2.sub(r"\1", word)


def words(s: str) -> frozenset[str]:
    """A word list written as one string: words("damn hell crap")."""
    return frozenset(s.split())


# A word glued into a dotted name or a path is part of an identifier:
# "com.mofo.android", "./entrypoint.shit" (".sh" run into "it"), "my_shit_var".
_IDENT_BEFORE = re.compile(r"[^\W_][./_]$|_$")
_IDENT_AFTER = re.compile(r"[._][^\W_]|_")


def in_identifier(source: str, start: int, end: int) -> bool:
    return (_IDENT_BEFORE.search(source, max(0, start - 2), start) is not None
            or (_IDENT_AFTER.match(source, end) is not None and source[start - 1:start] in (".", "_")))
