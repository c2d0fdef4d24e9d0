"""The rule side of the policy checks, measured next to what a user would
pick instead, in one run:

    .venv/bin/python bench/quality_rules.py

* personal data per type on presidio_synth_first_half.json (modbot, presidio-
  analyzer's pattern recognizers, commonregex), street addresses as whole
  addresses;
* scam links: recall on generated gift/login/phishing links and false rate on
  benign links shaped like the ones developers post (modbot, a plain domain
  blocklist), and Gitter chat with real developers' links put back where
  the corpus has a placeholder;
* spam: F1 on YouTube comments and on the held-out half of the generated
  SMS-style set (bench/rules_data.py), next to a plain keyword filter;
* how often each rule fires on ordinary Gitter chat: tuned on appium, reported
  on docker, worst examples printed.

The peers are optional (`pip install -e '.[bench]'`); a missing one is named
and skipped. Also exposes `report()` for bench/quality.py.
"""
from __future__ import annotations

import os
import random
import re
import sys
import time
import zlib
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import _data  # noqa: E402

# A git worktree sits deeper than the main checkout: look for shared/ further up.
if not _data.available() and "MODBOT_SHARED_DATA" not in os.environ:
    for up in ROOT.parents:
        if (up / "shared" / "data" / "dev").is_dir():
            _data.SHARED = up / "shared" / "data" / "dev"
            break

import rules_data  # noqa: E402
from policies import Message, evaluate_many  # noqa: E402
from policies.links import FETCH_BEFORE, registered_domain  # noqa: E402
from policies.slacktext import parse  # noqa: E402

RULE_CATEGORIES = ("privacy", "malware", "spam")


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def prf_of(pred: list[bool], gold: list[int]) -> tuple[float, float, float]:
    """prf() of yes/no predictions against 0/1 gold labels."""
    tp = sum(1 for p, g in zip(pred, gold) if p and g)
    fp = sum(1 for p, g in zip(pred, gold) if p and not g)
    fn = sum(1 for p, g in zip(pred, gold) if not p and g)
    return prf(tp, fp, fn)


def row(name: str, p: float, r: float, f: float, extra: str = "") -> None:
    print(f"  {name:<40} P={p:.3f}  R={r:.3f}  F1={f:.3f}  {extra}")


def ours(texts: list[str]) -> list[list]:
    return evaluate_many([(Message(text=t), None) for t in texts])


# ------------------------------------------------------------ personal data

KIND = {"CREDIT_CARD": "card", "PHONE_NUMBER": "phone", "EMAIL_ADDRESS": "email", "IBAN_CODE": "iban",
        "US_SSN": "ssn", "IP_ADDRESS": "ip"}
_GAP = re.compile(r"[\s,>.\-()]*")


def address_groups(text: str, spans: list[dict]) -> list[tuple[int, int]]:
    """presidio's data splits one address into pieces ("975", "3968 Bay
    Street", a city, a postcode): pieces with nothing between them but other
    labelled pieces, spaces and punctuation are one address."""
    covered = bytearray(len(text) + 1)
    for s in spans:
        for i in range(s["start_position"], s["end_position"]):
            covered[i] = 1
    groups: list[list[int]] = []
    for a, b in sorted((s["start_position"], s["end_position"]) for s in spans
                       if s["entity_type"] == "STREET_ADDRESS"):
        if groups:
            gap = "".join(ch for i, ch in enumerate(text[groups[-1][1]:a], groups[-1][1]) if not covered[i])
            if _GAP.fullmatch(gap):
                groups[-1][1] = max(groups[-1][1], b)
                continue
        groups.append([a, b])
    return [(a, b) for a, b in groups]


def _score_types(data: list[dict], preds: list[list[tuple[int, int, str]]]) -> tuple[Counter, Counter, Counter]:
    tps, fps, fns = Counter(), Counter(), Counter()
    for d, pr in zip(data, preds):
        gold = [(s["start_position"], s["end_position"], KIND[s["entity_type"]])
                for s in d["spans"] if s["entity_type"] in KIND]
        gold += [(a, b, "address") for a, b in address_groups(d["full_text"], d["spans"])]
        for gs, ge, gk in gold:
            if any(ps < ge and gs < pe and pk == gk for ps, pe, pk in pr):
                tps[gk] += 1
            else:
                fns[gk] += 1
        for ps, pe, pk in pr:
            if not any(ps < ge and gs < pe and pk == gk for gs, ge, gk in gold):
                fps[pk] += 1
    return tps, fps, fns


def _presidio_peer(quiet: bool = False):
    """presidio-analyzer's own pattern recognizers (no spaCy model needed,
    nothing downloaded): the regex and checksum half of presidio."""
    try:
        import logging

        logging.getLogger("presidio-analyzer").setLevel(logging.CRITICAL)
        import tldextract

        offline = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
        tldextract.extract = offline  # the email recognizer would fetch the suffix list
        from presidio_analyzer.predefined_recognizers import (CreditCardRecognizer, EmailRecognizer,
                                                              IbanRecognizer, IpRecognizer, PhoneRecognizer,
                                                              UsSsnRecognizer)
        import presidio_analyzer.predefined_recognizers.generic.email_recognizer as em  # type: ignore
        if hasattr(em, "tldextract"):
            em.tldextract.extract = offline
    except Exception as exc:  # ImportError, or a layout this bench does not know
        if not quiet:
            print(f"  (presidio-analyzer not available: {type(exc).__name__}; pip install -e '.[bench]')")
        return None
    recognizers = [CreditCardRecognizer(), EmailRecognizer(), IbanRecognizer(), IpRecognizer(), UsSsnRecognizer(),
                   PhoneRecognizer()]

    def run(text: str) -> list[tuple[int, int, str]]:
        out = []
        for r in recognizers:
            for x in r.analyze(text, r.supported_entities, None):
                if x.entity_type in KIND and x.score >= 0.4:
                    out.append((x.start, x.end, KIND[x.entity_type]))
        return out
    return run


def _commonregex_peer(quiet: bool = False):
    try:
        from commonregex import CommonRegex  # noqa: F401
        import commonregex
    except ImportError:
        if not quiet:
            print("  (commonregex not installed; pip install -e '.[bench]')")
        return None
    kinds = (("credit_card", "card"), ("phone", "phone"), ("email", "email"), ("ip", "ip"),
             ("ipv6", "ip"), ("street_address", "address"))
    regs = [(getattr(commonregex, name, None), k) for name, k in kinds]
    regs = [(r, k) for r, k in regs if r is not None]

    def run(text: str) -> list[tuple[int, int, str]]:
        return [(m.start(), m.end(), k) for r, k in regs for m in r.finditer(text)]
    return run


def _peer_rates(texts: list[str]) -> str:
    """"; presidio-analyzer (patterns) 1.031%; commonregex 2.344%": share of
    texts where each installed peer finds any personal data."""
    out = ""
    for name, make in (("presidio-analyzer (patterns)", _presidio_peer), ("commonregex", _commonregex_peer)):
        run = make(quiet=True)
        if run is not None:
            out += f"; {name} {sum(1 for t in texts if run(t)) / len(texts):.3%}"
    return out


def code_section() -> None:
    texts = rules_data.code_messages(800)
    res = ours(texts)
    flagged = [t for t, fs in zip(texts, res) if any(f.category == "privacy" for f in fs)]
    print(f"\nGenerated Slack messages carrying code (IPs, phone-shaped numbers, versions, hashes, timestamps; "
          f"n={len(texts)}): flagged as personal data: modbot {len(flagged) / len(texts):.2%}{_peer_rates(texts)}")
    for t in flagged[:3]:
        print(f"      | {t[:140]!r}")


def personal_section() -> None:
    data = _data.presidio()
    texts = [d["full_text"] for d in data]
    mine = [[(f.start, f.end, f.extra.get("kind")) for f in fs if f.category == "privacy"] for fs in ours(texts)]
    print(f"\nPersonal data on presidio_synth_first_half.json ({len(data)} sentences; a hit = same type and "
          "overlapping span; an address = presidio's pieces joined)")
    peers = {"modbot": mine}
    for name, make in (("presidio-analyzer (patterns)", _presidio_peer), ("commonregex", _commonregex_peer)):
        run = make()
        if run is not None:
            peers[name] = [run(t) for t in texts]
    for name, preds in peers.items():
        tps, fps, fns = _score_types(data, preds)
        print(f" {name}")
        for k in (*KIND.values(), "address"):
            if tps[k] + fps[k] + fns[k]:
                row(f"{k}", *prf(tps[k], fps[k], fns[k]), f"(gold {tps[k] + fns[k]})")
        six = list(KIND.values())
        row("six structured types together", *prf(sum(tps[k] for k in six), sum(fps[k] for k in six),
                                                   sum(fns[k] for k in six)))


# -------------------------------------------------------------- scam links

_URLISH = re.compile(r"(?:https?://)?((?:[a-z0-9-]+\.)+[a-z]{2,})", re.I)


def _hosts(text: str) -> set[str]:
    out = set()
    for lk in parse(text).links:
        m = _URLISH.search(lk.url)
        if m:
            out.add(m.group(1).lower())
    if not out:
        out = {m.group(1).lower() for m in _URLISH.finditer(text)}
    return out


def links_section() -> None:
    tune = rules_data.scam_links("tune", 400)
    held = rules_data.scam_links("held", 600)
    benign = rules_data.benign_links(1500)
    print("\nScam links (generated: bench/rules_data.py; held-out = other brands, TLDs, paths and wording) and "
          "benign links shaped like the ones developers post")

    def flagged(texts: list[str]) -> list[bool]:
        return [any(f.category == "malware" for f in fs) for fs in ours(texts)]
    for name, texts in (("scam links, tune split", tune), ("scam links, held-out split", held)):
        hit = flagged(texts)
        print(f"  modbot   recall on {name:<28} {sum(hit) / len(texts):.3f}  (n={len(texts)})")
        for t, h in list(zip(texts, hit)):
            if not h:
                print(f"      missed | {t[:110]!r}")
                break
    fp = flagged(benign)
    print(f"  modbot   benign links flagged                  {sum(fp) / len(benign):.3%}  (n={len(benign)})")
    for t, h in zip(benign, fp):
        if h:
            print(f"      flagged | {t[:110]!r}")
    for split in ("tune", "held"):
        data = rules_data.malware_lures(split, 300)
        res = evaluate_many([(Message(text=t, files=tuple(f)), None) for t, f, _ in data])
        pred = [any(x.category == "malware" for x in fs) for fs in res]
        p, r, f1 = prf_of(pred, [g for _, _, g in data])
        print(f"  modbot   malware lures sent by hand, {split + ' split':<14} P={p:.3f}  R={r:.3f}  F1={f1:.3f}  "
              f"(n={len(data)}, {sum(g for *_, g in data)} lures; both splits were written with the rules: "
              "a check, not a held-out figure)")
    # The plain alternative: a blocklist of registered domains seen in known
    # scams (here: every domain of the tune split), matched exactly.
    blocklist = {registered_domain(h) for t in tune for h in _hosts(t)}
    hit = [any(registered_domain(h) in blocklist for h in _hosts(t)) for t in held]
    fp = [any(registered_domain(h) in blocklist for h in _hosts(t)) for t in benign]
    print(f"  blocklist of the {len(blocklist)} tune-split domains: held-out recall {sum(hit) / len(held):.3f}, "
          f"benign flagged {sum(fp) / len(benign):.3%}")


# -------------------------------------------------------------------- spam

# What a user reaches for without a model: a list of spam words, any one of which flags.
SPAM_WORDS = re.compile(r"\b(?:free|win|won|winner|prize|claim|cash|urgent|txt|call now|subscribe|offer|"
                        r"guaranteed|bitcoin|crypto|click here|check out my|congratulations)\b", re.I)


def spam_section() -> None:
    sets = []
    rows = _data.youtube()
    if rows:
        sets.append(("YouTube comments, all 5 files", [r[0] for r in rows], [r[1] for r in rows]))
    for split, label in (("tune", "generated SMS, tune split"), ("held", "generated SMS, held-out split")):
        data = rules_data.sms(split, 800)
        sets.append((label, [t for t, _ in data], [g for _, g in data]))
    print("\nSpam (spam rules alone; spam or selling, which adds the promotion rules and model; a spam-word list)")
    for label, texts, gold in sets:
        res = ours(texts)
        spam_only = [any(f.category == "spam" for f in fs) for fs in res]
        with_selling = [any(f.category in ("spam", "selling") for f in fs) for fs in res]
        words = [SPAM_WORDS.search(t) is not None for t in texts]
        print(f" {label} (n={len(texts)}, {sum(gold)} spam)")
        row("modbot spam rules", *prf_of(spam_only, gold))
        row("modbot spam or selling", *prf_of(with_selling, gold))
        row("spam-word list", *prf_of(words, gold))
        if "held" in label:
            for t, p, g in zip(texts, spam_only, gold):
                if p != g:
                    print(f"      {'missed' if g else 'flagged'} | {t[:110]!r}")


# ------------------------------------------------------------- chat lines

_CHAT_LINE = re.compile(r"\[[^\]]*\] <[^>]*> ?(.*)")


def chat_lines(room: str) -> list[str]:
    path = Path(_data.SHARED) / "chat" / f"gitter_{room}_{room}.txt"
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            m = _CHAT_LINE.match(line.rstrip("\n"))
            if m and m.group(1).strip():
                out.append(m.group(1))
    return out


def chat_section(room: str, label: str, worst: int = 3) -> None:
    lines = chat_lines(room)
    res = ours(lines)
    fired: Counter = Counter()
    examples: dict[str, list[str]] = defaultdict(list)
    for text, fs in zip(lines, res):
        for rule in {f.rule for f in fs if f.category in RULE_CATEGORIES}:
            fired[rule] += 1
            examples[rule].append(text)
    anyrule = sum(1 for fs in res if any(f.category in RULE_CATEGORIES for f in fs))
    print(f"\nOrdinary Gitter chat, {room} ({len(lines)} lines; {label}): privacy, malware and spam rules")
    print(f"  any of them: {anyrule} lines ({anyrule / len(lines):.3%})")
    for rule, n in fired.most_common():
        print(f"  {rule:<34} {n:>4} ({n / len(lines):.3%})")
        for t in examples[rule][:worst]:
            print(f"      | {t[:150]!r}")
    privacy = sum(1 for fs in res if any(f.category == "privacy" for f in fs))
    print(f"  personal data, lines with any finding: modbot {privacy / len(lines):.3%}{_peer_rates(lines)}")


# ------------------------------------------- real links in real chat

# The Gitter rooms replace every link with a placeholder (bench/_data.py
# turns it into example.com, which no check minds). This puts real
# developers' links back, drawn from bench/data/dev_links.txt, to see what
# the link checks make of them in the sentences they came in. The pool is
# split by registered domain: one half goes into the tuning chat (appium,
# docker's first half), the other into docker's second half.
_LINK_POOL = ROOT / "bench" / "data" / "dev_links.txt"
_PLACEHOLDER = "<https://example.com/page>"
# "curl -sSL <link> | sh" (links.FETCH_BEFORE): a random page in an
# installer's place is not what anyone pastes; those lines keep their placeholder.


def link_pool(half: str) -> list[str]:
    hosts = {u: urlsplit(u).hostname for u in _LINK_POOL.read_text(encoding="utf-8").split() if u.startswith("http")}
    return [u for u, h in hosts.items()
            if h and (zlib.crc32(registered_domain(h).encode()) % 2 == 0) == (half == "tune")]


def with_real_links(lines: list[str], pool: list[str], seed: int = 7) -> list[tuple[str, str]]:
    """(line as the corpus has it, the same line with real links) for every
    line with a link outside a fetch command."""
    rng = random.Random(seed)
    out = []
    for text in lines:
        if _PLACEHOLDER not in text:
            continue
        parts = text.split(_PLACEHOLDER)
        real = parts[0]
        for part in parts[1:]:
            real += (_PLACEHOLDER if FETCH_BEFORE.search(real[-80:]) else f"<{rng.choice(pool)}>") + part
        if real != text:
            out.append((text, real))
    return out


def real_links_section() -> None:
    print("\nGitter chat with its links restored from real developers' links (bench/data/dev_links.txt): "
          "lines that gain a finding")
    for label, lines, half in (
            ("tuning chat: appium + docker 1st half", (_data.chat("appium") or [])
             + _data.halves(_data.chat("docker") or [], "first"), "tune"),
            ("docker 2nd half, other half of the pool", _data.halves(_data.chat("docker") or [], "second"), "report")):
        pairs = with_real_links(lines, link_pool(half))
        before = ours([a for a, _ in pairs])
        after = ours([b for _, b in pairs])
        gained = [(b, sorted({f.rule for f in fa} - {f.rule for f in fb}))
                  for (_, b), fb, fa in zip(pairs, before, after) if {f.rule for f in fa} - {f.rule for f in fb}]
        print(f"  {label:<42} {len(gained)} of {len(pairs)} lines with links ({len(gained) / max(1, len(pairs)):.2%})")
        for text, rules in gained:
            print(f"      {', '.join(rules)} | {text[:140]!r}")


def report() -> None:
    if not _data.available():
        print(_data.missing_message())
        return
    t0 = time.perf_counter()
    personal_section()
    code_section()
    links_section()
    real_links_section()
    spam_section()
    chat_section("appium", "the rules were tuned looking at this room")
    chat_section("docker", "not looked at while tuning")
    print(f"\n(rules report done in {time.perf_counter() - t0:.0f}s)")


if __name__ == "__main__":
    report()
