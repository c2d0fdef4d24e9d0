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
            else:
                mentions.append(Mention("special", name, s, e))
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
    for m in BARE_URL.finditer(plain):
        s, e = m.start(), m.end()
        while e > s and plain[e - 1] in _TRAILING_PUNCT:
            e -= 1
        if any(a <= s < b for a, b in taken):
            continue
        url = plain[s:e]
        links.append(Link(url if "://" in url else "http://" + url, "", s, e))
    code_spans: list[tuple[int, int]] = []
    if "`" in plain:
        for m in _CODE_BLOCK.finditer(plain):
            code_spans.append((m.start(), m.end()))
        for m in _CODE_SPAN.finditer(plain):
            if not any(a <= m.start() < b for a, b in code_spans):
                code_spans.append((m.start(), m.end()))
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
_RUNS = re.compile(r"(.)\1{2,}")
_RUNS2 = re.compile(r"(.)\1+")
_HAS_DIGIT_OR_SYM = re.compile(r"[\d@$!|*+]")
_HAS_ALPHA = re.compile(r"[^\W\d_]")


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
        if ord(ch) in _ZERO_WIDTH:
            continue
        if unicodedata.category(ch) == "Mn":  # combining accents: drop
            continue
        f = fold_char(ch)
        f = unicodedata.normalize("NFKD", f)
        f = "".join(x for x in f if unicodedata.category(x) != "Mn")
        for x in f:
            out.append(x)
            pos.append(i)
    return "".join(out), pos


@dataclass(slots=True)
class Token:
    norm: str  # normalised form (folded, leet mapped)
    start: int  # span in the ORIGINAL text
    end: int
    raw: str  # folded surface form, before leet mapping
    # Variant with repeated letters collapsed ("fuuuck" -> "fuck"), or "".
    squeezed: str = ""


@dataclass(slots=True)
class Normalised:
    tokens: list[Token]
    # Tokens' normalised forms joined by single spaces, for phrase patterns.
    text: str
    _starts: list[int]
    # Every normalised form (and squeezed variant): for quick "does any of
    # these words occur" gates before a phrase pattern runs.
    vocab: frozenset[str] = frozenset()

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a [start, end) range of `text` to the original message."""
        if not self.tokens:
            return (0, 0)
        i = max(0, bisect_right(self._starts, start) - 1)
        j = max(0, bisect_right(self._starts, max(start, end - 1)) - 1)
        return self.tokens[i].start, self.tokens[j].end

    def words(self) -> frozenset[str]:
        return self.vocab


def normalise(text: str) -> Normalised:
    """Tokens for word checks, each with its span in `text`.

    Steps: NFKC, case folding, zero-width removal, confusable letters,
    leetspeak inside words, collapsed letter runs, joined spaced-out letters.
    """
    folded, pos = fold(text)
    tokens: list[Token] = []
    spaced_ranges: list[tuple[int, int]] = []
    if " " in folded or "." in folded or "-" in folded:
        for m in _SPACED.finditer(folded):
            s, e = m.span()
            word = "".join(ch for ch in m.group() if ch.isalpha())
            if len(word) < 3:
                continue
            spaced_ranges.append((s, e))
            os_, oe = (s, e) if pos is None else (pos[s], pos[e - 1] + 1)
            tokens.append(Token(word, os_, oe, m.group(), _squeeze(word)))
    si = 0
    leet = _HAS_DIGIT_OR_SYM.search(folded) is not None
    runs = _RUNS.search(folded) is not None
    for m in _TOKEN.finditer(folded):
        s, e = m.span()
        if spaced_ranges:
            while si < len(spaced_ranges) and spaced_ranges[si][1] <= s:
                si += 1
            if si < len(spaced_ranges) and spaced_ranges[si][0] <= s < spaced_ranges[si][1]:
                continue
        raw = m.group()
        norm = raw
        if leet and _HAS_DIGIT_OR_SYM.search(raw) and _HAS_ALPHA.search(raw):
            norm = raw.translate(_LEET)
        os_, oe = (s, e) if pos is None else (pos[s], pos[e - 1] + 1)
        tokens.append(Token(norm, os_, oe, raw, _squeeze(norm) if runs else ""))
    if spaced_ranges:
        tokens.sort(key=lambda t: t.start)
    starts: list[int] = []
    n = 0
    for t in tokens:
        starts.append(n)
        n += len(t.norm) + 1
    vocab = {t.norm for t in tokens}
    if runs:
        vocab.update(t.squeezed for t in tokens if t.squeezed)
    return Normalised(tokens, " ".join(t.norm for t in tokens), starts, frozenset(vocab))


def _squeeze(word: str) -> str:
    """'fuuuuck' -> 'fuck', 'shiiit' -> 'shit'; '' when nothing repeats 3+."""
    if len(word) < 3 or not _RUNS.search(word):
        return ""
    return _RUNS2.sub(r"\1", word)
