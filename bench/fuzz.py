"""Coverage-guided fuzzing (atheris + libFuzzer) of everything modbot parses
from outside: request bodies, Slack mrkdwn, text normalisation, the policy
checks and the Slack-export reader.

    .venv/bin/pip install -e '.[fuzz]'                once (atheris)
    .venv/bin/python bench/fuzz.py                    every target, 60 s each
    .venv/bin/python bench/fuzz.py mrkdwn policies --seconds 300
    .venv/bin/python bench/fuzz.py --replay policies bench/fuzz-findings/policies-crash-...

Targets:
  payload    a request body (JSON or form) through the HTTP server's own
             request handler (bot/server.py), then Bolt's own routing to our
             listeners, with every service replaced by a stub that checks the
             arguments against the service's type hints
  mrkdwn     policies.slacktext.parse: links, mentions, code, entities
  normalise  policies.slacktext.fold / normalise: the map back to the text
  policies   policies.evaluate / evaluate_many / mask / mask_personal_data
  export     one Slack-export day file through the audit's reader and checker

Each target runs in its own process (libFuzzer owns the process it runs in)
with the modbot packages instrumented for coverage and atheris' regex and
str hooks on for them (the fuzzer learns the literals our patterns and
startswith() calls compare against); a per-input time limit (-timeout,
default 2 s) and a memory limit. An exception raised in our code, a broken
invariant, a timeout or running out of memory stops the target and leaves
the input under bench/fuzz-findings/ (git-ignored), with the log; `--replay`
runs it again with the traceback. Exceptions Bolt raises on a body it cannot
read are expected (the server answers 400), and are only counted.

The text targets now and then repeat a short input to 40,000 characters,
the size slacktext promises to handle without runaway work; the slowest
input of each target is kept as bench/fuzz-findings/TARGET-slowest, since
work growing faster than the text shows there long before a timeout.
"""
from __future__ import annotations

import argparse
import hashlib
import hmac
import importlib.util
import inspect
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import types
import typing
import urllib.parse
from dataclasses import fields, is_dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
FINDINGS = ROOT / "bench" / "fuzz-findings"
OUR_CODE = tuple(str(ROOT / p) + os.sep for p in ("bot", "handlers", "policies", "storage"))
TARGETS = ("payload", "mrkdwn", "normalise", "policies", "export")
# Inputs libFuzzer may grow to; the text targets also repeat a short input
# up to AMPLIFY characters now and then, to reach hostile sizes quickly.
MAX_LEN = {"payload": 8192, "mrkdwn": 4096, "normalise": 4096, "policies": 4096, "export": 16384}
AMPLIFY = 40_000


class Broken(AssertionError):
    """An invariant of our code did not hold (a bug, like an exception)."""


def check(ok: bool, what: str, *detail) -> None:
    if not ok:
        raise Broken(what + ("" if not detail else ": " + " | ".join(repr(d)[:300] for d in detail)))


def where(exc: BaseException) -> str:
    """"TypeError in slack_bolt/listener_matcher/builtins.py": what raised, where."""
    tb, last = exc.__traceback__, None
    while tb is not None:
        last, tb = tb, tb.tb_next
    path = last.tb_frame.f_code.co_filename if last else "?"
    parts = Path(path).parts
    short = "/".join(parts[parts.index("site-packages") + 1:]) if "site-packages" in parts else Path(path).name
    return f"{type(exc).__name__} in {short}"


def ours(exc: BaseException) -> bool:
    """True when the traceback passes through modbot's own code."""
    if isinstance(exc, Broken):
        return True
    tb = exc.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.startswith(OUR_CODE):
            return True
        tb = tb.tb_next
    return False


# ------------------------------------------------------------------ text
# Pieces that reach deep code quickly: markup, personal data shapes, secret
# prefixes, words the abuse and spam checks look for, odd Unicode.
FRAGMENTS = (
    "<@U0123ABCD>", "<@U1|alex>", "<#C024BE7LR|general>", "<#C1>", "<!here>", "<!channel>", "<!everyone>",
    "<!subteam^S0614TZR7|@mods>", "<https://example.com|example>", "<http://bit.ly/x>", "<mailto:a@b.io|a@b.io>",
    "<https://paypa1-login.com/verify|PayPal>", "https://", "http://", "www.", "ftp://", "://", "<", ">", "|",
    "`", "```", "`code`", "```\nkill -9 1\n```", "&amp;", "&lt;", "&gt;", "&", "*", "_", "~", ">",
    "4111 1111 1111 1111", "4242-4242-4242-4242", "378282246310005", "GB82 WEST 1234 5698 7654 32",
    "DE89370400440532013000", "123-45-6789", "ssn", "AB 12 34 56 C", "+44 7700 900123", "(415) 555-0132",
    "+1-202-555-0143", "192.168.1.20", "10.0.0.1", "2001:db8::1", "alex@example.com", "a.b+c@mail.co.uk",
    "password: hunter2", "pw=S3cret!", "xoxb-1234-5678-abcdEFGH", "xoxp-", "ghp_", "sk_live_", "AKIA",
    "AIzaSy", "eyJhbGciOi.eyJzdWIi.sig", "-----BEGIN RSA PRIVATE KEY-----", "hooks.slack.com/services/T/B/X",
    "221B Baker Street", "12 Main St, Springfield IL 62704", "Hauptstrasse 5", "apt 4B",
    "you", "you are", "u r", "idiot", "stupid", "kill", "kill you", "i will find you", "die", "hate",
    "f u c k", "f.u.c.k", "fuuuuck", "sh1t", "@ss", "h4te", "k1ll", "b!tch", "$hit", "ｆｕｃｋ", "ѕhіt",
    "buy now", "cheap", "DM me", "for sale", "$50", "20 usd", "discount code", "crypto", "giveaway",
    "free followers", "click here", "urgent", "verify your account", "download", "crack", ".exe", "keygen",
    "moderator", "admin", "official", "support team", "I am the admin", "confidential", "internal only",
    "customer list", "customer email", "NDA", "gore", "beheading", "blood", "cw", "nsfw", "vote for Alex",
    "election", "politics", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u202e", "\u0301", "\u0336",
    "é", "ß", "ﬁ", "½", "Å", "İ", "ı", "ﬀ", "😀", "👍🏽", "🏳️‍🌈", "🔪", "💀", "\U0001d41f\U0001d42e",
    " ", "  ", "\n", "\t", ".", ",", "!", "?", "-", "@", "$", "#", ":", "/", "+", "0", "7", "2024", "12345678",
)
# (first, last) code points; no surrogates.
RANGES = (
    (0x20, 0x7E), (0x00, 0x1F), (0xA0, 0x24F), (0x300, 0x36F), (0x370, 0x3FF), (0x400, 0x4FF),
    (0x530, 0x58F), (0x590, 0x6FF), (0x900, 0x97F), (0x1D00, 0x1DBF), (0x2000, 0x206F), (0x2070, 0x218F),
    (0x2460, 0x24FF), (0x3040, 0x30FF), (0x4E00, 0x4FFF), (0xAC00, 0xAC7F), (0xFB00, 0xFB4F),
    (0xFE00, 0xFE0F), (0xFF00, 0xFFEF), (0x1D400, 0x1D7FF), (0x1F300, 0x1FAFF), (0xE0000, 0xE007F),
)
SEPARATORS = (" ", "\n", ".", "-", "_", "*", " . ", "\u00a0", "\u3000", "")


def build_text(fdp, *, budget: int = 4000) -> str:
    """A text from fragments, typed characters and Unicode runs."""
    if fdp.ConsumeIntInRange(0, 3) == 0:  # a quarter: the bytes as UTF-8
        return fdp.ConsumeBytes(fdp.remaining_bytes()).decode("utf-8", "replace")
    parts: list[str] = []
    size = 0
    while fdp.remaining_bytes() > 0 and size < budget:
        kind = fdp.ConsumeIntInRange(0, 7)
        if kind <= 2:
            piece = FRAGMENTS[fdp.ConsumeIntInRange(0, len(FRAGMENTS) - 1)]
        elif kind == 3:
            piece = fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(1, 24))
        elif kind == 4:
            lo, hi = RANGES[fdp.ConsumeIntInRange(0, len(RANGES) - 1)]
            piece = "".join(chr(fdp.ConsumeIntInRange(lo, hi)) for _ in range(fdp.ConsumeIntInRange(1, 8)))
        elif kind == 5:
            piece = SEPARATORS[fdp.ConsumeIntInRange(0, len(SEPARATORS) - 1)]
        elif kind == 6:  # a number, grouped the way people type them
            digits = str(fdp.ConsumeIntInRange(0, 10**19))
            sep = SEPARATORS[fdp.ConsumeIntInRange(0, 4)]
            step = fdp.ConsumeIntInRange(1, 5)
            piece = sep.join(digits[i:i + step] for i in range(0, len(digits), step))
        else:  # spaced-out letters, a classic filter dodge
            word = fdp.ConsumeBytes(fdp.ConsumeIntInRange(1, 8)).decode("latin-1")
            piece = SEPARATORS[fdp.ConsumeIntInRange(0, 4)].join(word)
        parts.append(piece)
        size += len(piece)
    return "".join(parts)


def text_input(fdp) -> str:
    """A text; now and then (1 in 64) the start of it repeated to a hostile
    length: short units repeated ("`a`", "<@U1> ", "f u ") make the most
    structures per character, which is where work can grow faster than
    the text."""
    amplify = fdp.ConsumeIntInRange(0, 255) in (0x5A, 0xA6, 0xC3, 0x3C)
    unit = fdp.ConsumeIntInRange(1, 64) if amplify else 0
    text = build_text(fdp)
    if amplify and text:
        text = text[:unit]
        return text * (AMPLIFY // len(text))
    return text


# ------------------------------------------------------------------ targets
class Counters:
    """Per-target tallies (what share of inputs got how far), written to a
    file the parent reads: libFuzzer ends the process without returning."""

    def __init__(self, path: str | None):
        self.path = path
        self.counts: dict[str, int] = {}
        self._last = 0.0

    def add(self, key: str) -> None:
        self.counts[key] = self.counts.get(key, 0) + 1
        now = time.monotonic()
        if self.path and now - self._last > 1.0:
            self._last = now
            Path(self.path).write_text(json.dumps(self.counts))


def mrkdwn_target(counters: Counters):
    import atheris
    from policies import slacktext

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        text = text_input(fdp)
        p = slacktext.parse(text)
        n = len(text)
        check(p.text is text, "parse changed the original")
        check(len(p.plain) == n and len(p.prose) == n, "plain/prose length differs from the text", text)
        # Markup is blanked in place, an entity becomes its character, code
        # is blanked in prose; line breaks never move.
        bad = next((i for i, (t, a) in enumerate(zip(text, p.plain))
                    if a != t and a != " " and not (t == "&" and a in "&<>")), None)
        check(bad is None, "plain changed a character", text, bad)
        bad = next((i for i, (a, b) in enumerate(zip(p.plain, p.prose)) if a != b and b != " "), None)
        check(bad is None, "prose changed a character", text, bad)
        breaks = [m.start() for m in re.finditer("\n", text)]
        check(all(p.plain[i] == "\n" == p.prose[i] for i in breaks)
              and p.plain.count("\n") == p.prose.count("\n") == len(breaks), "a line break moved", text)
        for lk in p.links:
            check(0 <= lk.start < lk.end <= n, "link span out of bounds", text, lk)
            if text[lk.start] == "<":
                check(text[lk.end - 1] == ">", "angle link not closed", text, lk)
                check(text[lk.start + 1:].startswith(lk.url), "link url not at its span", text, lk)
                if lk.label:
                    check(text[lk.end - 1 - len(lk.label):lk.end - 1] == lk.label, "label not at its span", text, lk)
            else:
                url = p.plain[lk.start:lk.end]
                check(lk.url in (url, "http://" + url), "bare url not at its span", text, lk)
        check([lk.start for lk in p.links] == sorted(lk.start for lk in p.links), "links not in text order")
        for m in p.mentions:
            check(0 <= m.start < m.end <= n and text[m.start] == "<" and text[m.end - 1] == ">",
                  "mention span wrong", text, m)
            check(m.kind in ("user", "channel", "special", "usergroup"), "unknown mention kind", m)
        check(p.code_spans == sorted(p.code_spans), "code spans not sorted")
        for s, e in p.code_spans:
            check(0 <= s < e <= n, "code span out of bounds", text, (s, e))
            check(p.prose[s:e].strip() == "", "code left in prose", text, (s, e))
        counters.add("links" if p.links else "mentions" if p.mentions else "code" if p.code_spans else "plain")

    return one


def normalise_target(counters: Counters):
    import atheris
    from policies import slacktext

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        text = text_input(fdp)
        n = len(text)
        folded, pos = slacktext.fold(text)
        if pos is None:
            check(text.isascii() and folded == text.lower(), "no position map for a changed text", text)
        else:
            check(len(pos) == len(folded), "position map length", text)
            check(all(0 <= a <= b < n for a, b in zip(pos, pos[1:])) and (not pos or 0 <= pos[0] < n)
                  and (not pos or pos[-1] < n), "position map not monotonic or out of bounds", text)
        norm = slacktext.normalise(text)
        k = len(norm.norms)
        check(norm.text == " ".join(norm.norms), "text is not the joined norms", text)
        check(norm.squeezed is None or len(norm.squeezed) == k, "squeezed length", text)
        check(set(norm.norms) <= norm.vocab, "vocab misses a word", text)
        spans = [norm.orig_span(i) for i in range(k)]
        bad = next((i for i, (s, e) in enumerate(spans) if not 0 <= s < e <= n), None)
        check(bad is None, "token span out of bounds or empty", text, bad, bad is not None and spans[bad])
        bad = next((i for i in range(1, k) if spans[i][0] < spans[i - 1][0]), None)
        check(bad is None, "token spans not in text order", text, bad)
        # The details on at most ~400 tokens: a repeated hostile text has
        # thousands, all alike, and the fuzzer's time is better spent elsewhere.
        for i in range(0, k, max(1, k // 400)):
            s, e = spans[i]
            tok = norm.token(i)
            check(tok.norm == norm.norms[i] and (tok.start, tok.end) == (s, e), "token() disagrees", text, i)
            # The token's surface form comes from folding exactly that span.
            check(tok.raw in slacktext.fold(text[s:e])[0], "span does not hold the token", text, i, tok)
            check(norm.squeezed is None or norm.squeezed[i] == "" or len(norm.squeezed[i]) < len(tok.norm),
                  "squeezed variant not shorter", text, i)
        if k:
            a = fdp.ConsumeIntInRange(0, len(norm.text))
            b = fdp.ConsumeIntInRange(a, len(norm.text))
            s, e = norm.span(a, b)
            check(0 <= s <= e <= n, "span() out of bounds", text, (a, b), (s, e))
            s, e = norm.whole()
            check(0 <= s < e <= n, "whole() out of bounds", text, (s, e))
        else:
            check(norm.whole() == (0, 0), "whole() of no tokens")
        counters.add("tokens" if k else "empty")

    return one


def policies_target(counters: Counters):
    import atheris
    import policies
    from policies.config import ACTIONS, load_policy_config
    from policies.model import CATEGORIES, ROLES, SEVERITIES
    from policies.state import MemoryActivity

    # Every category on at threshold 0: every raw finding reaches the checks.
    everything = load_policy_config(
        {**{c: {"enabled": True, "threshold": 0.0} for c in CATEGORIES},
         "allowed_words": ["crap"], "allowed_domains": ["example.com"],
         "channels": {"off-topic": {"spam": {"enabled": False}}}}, source="fuzz")
    configs = (None, everything)
    names = ("", "Alex", "Alex (Moderator)", "modbot support", "Sam Admin", "ѕаm")
    ages = (None, 0.2, 3.0, 400.0)

    def findings_ok(text: str, found) -> None:
        for f in found:
            check(0 <= f.start <= f.end <= len(text), "finding span out of bounds", text, f)
            if f.extra.get("attachment"):
                check((f.start, f.end) == (0, 0), "a finding in an attachment has a span in the text", f)
            check(isinstance(f.score, float) and 0.0 <= f.score <= 1.0 and not math.isnan(f.score),
                  "score not in 0..1", text, f)
            check(f.category in CATEGORIES, "unknown category", f)
            check(f.severity in SEVERITIES, "unknown severity", f)
            check(f.action in ACTIONS, "unknown action", f)
            check(isinstance(f.rule, str) and f.rule, "no rule id", f)

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        config = configs[fdp.ConsumeIntInRange(0, 1)]
        role = ROLES[fdp.ConsumeIntInRange(0, len(ROLES) - 1)]
        activity = MemoryActivity()
        ctx = policies.Context(
            channel_name=("general", "off-topic", "random")[fdp.ConsumeIntInRange(0, 2)],
            channel_topic=("", "product help and questions")[fdp.ConsumeIntInRange(0, 1)],
            author_role=role, display_name=names[fdp.ConsumeIntInRange(0, len(names) - 1)],
            real_name=names[fdp.ConsumeIntInRange(0, len(names) - 1)],
            account_age_days=ages[fdp.ConsumeIntInRange(0, len(ages) - 1)], activity=activity, now=1_700_000_000.0,
            staff_names=("Alex", "Sam Admin"), exempt=fdp.ConsumeIntInRange(0, 15) == 0)
        files = ("invoice.pdf.exe", "photo.png")[:fdp.ConsumeIntInRange(0, 2)]
        attachments = (fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 200)),) \
            if fdp.ConsumeIntInRange(0, 7) == 0 else ()
        stateful = fdp.ConsumeIntInRange(0, 3) == 0
        text = text_input(fdp)
        msg = policies.Message(text=text, channel="C1", user="U1", ts="1700000000.000100", files=files,
                               attachments=attachments)
        found = policies.evaluate(msg, ctx, config=config)
        findings_ok(text, found)
        if stateful:  # the same author again, in two more channels: flood and cross-post checks
            again = policies.evaluate_many(
                [(policies.Message(text=text, channel=ch, user="U1", ts="1700000001.0"), ctx) for ch in ("C2", "C3")],
                config=config)
            for fs in again:
                findings_ok(text, fs)
        masked = policies.mask(text, found)
        check(isinstance(masked, str), "mask did not return text")
        sens = [f for f in found if f.sensitive and f.end > f.start]
        if sens:
            first, last = min(f.start for f in sens), max(f.end for f in sens)
            check(masked.startswith(text[:first]) and masked.endswith(text[last:]),
                  "mask changed text outside the sensitive spans", text)
            for f in sens:
                secret = text[f.start:f.end]
                if len(secret.strip()) >= 8 and text.count(secret) == 1 and f.extra.get("kind") != "password":
                    check(secret not in masked, "a sensitive span is still in clear after mask", text, f)
        else:
            check(masked == text, "mask changed a text without sensitive findings", text)
        masked2 = policies.mask_personal_data(text, config=config)
        check(isinstance(masked2, str), "mask_personal_data did not return text")
        counters.add("findings" if found else "clean")

    return one


def export_target(counters: Counters):
    """One day file of a small, real export, through SlackExport.read_day and
    the audit's checker (the same code `modbot audit` runs per work unit).
    The file is either the input's bytes or built from template messages
    with fields swapped for odd values."""
    from datetime import datetime, timezone

    import atheris
    from bot.commands.export_audit import export as export_mod
    from bot.commands.export_audit.runner import AuditSettings, Unit, _Checker

    root = Path(tempfile.mkdtemp(prefix="modbot-fuzz-export-"))
    (root / "users.json").write_text(json.dumps([
        {"id": "U1", "name": "alex", "real_name": "Alex Doe", "profile": {"display_name": "Alex"}},
        {"id": "U2", "name": "sam", "is_admin": True, "profile": {"display_name": "Sam Admin", "email": "s@corp.io"}},
        {"id": "UB", "name": "bot", "is_bot": True, "profile": {}}]))
    (root / "channels.json").write_text(json.dumps([
        {"id": "C1", "name": "general", "topic": {"value": "product help"}, "purpose": {"value": ""}}]))
    (root / "general").mkdir()
    (root / "general" / "2024-03-01.json").write_text("[]")
    export = export_mod.SlackExport(root)
    day = export.day_files[0]

    class FuzzedDay(export_mod._Source):
        data = b"[]"

        def names(self):
            return iter(())

        def read(self, name: str) -> bytes:
            return self.data

        def size(self, name: str) -> int:
            return len(self.data)

    source = FuzzedDay()
    export._source = source
    checker = _Checker(export, AuditSettings(topics={"general": "product help"}, import_activity=True))
    unit = Unit(0, (day.date,), (day,))
    shutil.rmtree(root, ignore_errors=True)

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        if fdp.ConsumeIntInRange(0, 1):
            source.data = structured_day(fdp)
        else:
            source.data = fdp.ConsumeBytes(fdp.remaining_bytes())
        try:
            export.read_day(day)
        except export_mod.DayFileError as exc:
            check(isinstance(exc.reason, str) and exc.reason, "a DayFileError without a reason")
            counters.add("day file refused")
        else:
            counters.add("day file read")
        res = checker.run_unit(unit)  # reads the day again, as the audit does
        for row in res.findings:
            # What the report does with every row.
            row.time.strftime("%Y-%m-%dT%H:%M:%SZ")
            check(isinstance(row.excerpt, str), "excerpt not text")
        for item in res.activity:
            datetime.fromtimestamp(float(item[2]), tz=timezone.utc)
        if res.messages:
            counters.add("messages checked")

    return one


def payload_target(counters: Counters):
    """The HTTP path of bot/server.py and bot/app.py, minus the network: the
    body goes through the server's own request handler, then the app's inbox
    middleware (which stores events) and Bolt's routing to our listeners;
    stored events are replayed as the event worker replays them. The services
    are stubs that check the arguments they get."""
    import io
    import logging
    import threading
    from types import SimpleNamespace

    from slack_bolt import App
    from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest
    from slack_bolt.authorization import AuthorizeResult
    from slack_bolt.request import BoltRequest

    import atheris
    import handlers
    from bot.app import REPLAY, make_inbox_middleware
    from bot.server import EVENTS_PATH, _Handler
    from bot.services.slash_commands import CommandService, Reply
    from bot.services.experts import ExpertService
    from bot.services.messages import MessageService
    from bot.services.cases.wiring import Moderation
    from bot.services.people import PeopleService
    from bot.services.welcome import WelcomeService
    from storage import events as events_db
    from storage import open_db

    logging.disable(logging.CRITICAL)  # Bolt logs every 500; the fuzzer reports them
    raised: list[BaseException] = []

    class Stub:
        """Stands in for a service: accepts a call only if its arguments fit
        the real method's signature and type hints."""

        def __init__(self, real: type):
            self.real = real

        def __getattr__(self, name: str):
            method = getattr(self.real, name)
            hints = typing.get_type_hints(method)
            sig = inspect.signature(method)

            def call(*args, **kwargs):
                bound = sig.bind(None, *args, **kwargs)  # None for self; a wrong arity raises here
                for arg, value in list(bound.arguments.items())[1:]:
                    if arg in hints:
                        check(fits(value, hints[arg]), f"{self.real.__name__}.{name}({arg}=...) got the wrong type",
                              value, hints[arg])
                counters.add("service called")
                return Reply("ok", []) if hints.get("return") is Reply else None

            setattr(self, name, call)  # built once per method
            return call

    class Services:
        messages = Stub(MessageService)
        moderation = SimpleNamespace(**{name: Stub(cls) for name, cls in typing.get_type_hints(Moderation).items()})
        people = Stub(PeopleService)
        experts = Stub(ExpertService)
        commands = Stub(CommandService)
        welcome = Stub(WelcomeService)

    class Runtime:
        """What the middlewares and listeners use of bot.runtime.Modbot."""
        services = Services()
        store = SimpleNamespace(db=open_db(":memory:"))  # the inbox
        clock = SimpleNamespace(now=time.time)
        event_wake = threading.Event()

    rt = Runtime()
    # As bot.app.create_app wires it: the inbox before authorisation.
    app = App(signing_secret="fuzz", request_verification_enabled=False, token_verification_enabled=False,
              process_before_response=True, raise_error_for_unhandled_request=False,
              before_authorize=make_inbox_middleware(rt),
              authorize=lambda **kw: AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-fuzz",
                                                     bot_id="B0", bot_user_id="UBOT"))

    def attach(context, next):
        context["modbot"] = rt
        return next()

    app.use(attach)

    @app.error
    def on_error(error):
        raised.append(error)

    handlers.register_all(app)

    def bolt_raised(exc: BaseException, body) -> None:
        kind = where(exc)
        counters.add(f"Bolt raised: {kind}")
        # One example of each, to see which field Bolt needed.
        example = FINDINGS / f"payload-bolt-{kind.replace(' ', '-').replace('/', '.')}.json"
        if not example.exists():
            FINDINGS.mkdir(parents=True, exist_ok=True)
            example.write_text(json.dumps({"error": repr(exc), "body": body}, default=str, indent=1))

    def dispatch(req):
        raised.clear()
        try:
            resp = app.dispatch(req)
        except Exception as exc:
            if ours(exc):
                raise
            bolt_raised(exc, req.body)
            return None
        for exc in raised:
            if ours(exc):
                raise exc
            bolt_raised(exc, req.body)
        return resp

    server = _Handler(SimpleNamespace(dispatch=dispatch), path=EVENTS_PATH, signing_secret="fuzz")

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        form = fdp.ConsumeIntInRange(0, 1)
        if fdp.ConsumeIntInRange(0, 1):
            body = structured_body(fdp, form).encode("utf-8", "surrogatepass")
        else:
            body = fdp.ConsumeBytes(fdp.remaining_bytes())
        ctype = "application/x-www-form-urlencoded" if form else "application/json"
        # Signed, as Slack signs (the server checks before anything reads the
        # body; an unsigned one would only ever get a 401). Bolt's own check
        # is off.
        ts = str(int(time.time()))
        mac = hmac.new(b"fuzz", b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
        resp = server.dispatch(WsgiHttpRequest({
            "REQUEST_METHOD": "POST", "PATH_INFO": EVENTS_PATH, "CONTENT_TYPE": ctype,
            "CONTENT_LENGTH": str(len(body)), "wsgi.input": io.BytesIO(body),
            "HTTP_X_SLACK_REQUEST_TIMESTAMP": ts, "HTTP_X_SLACK_SIGNATURE": "v0=" + mac}))
        counters.add(f"answered {resp.status}" if resp is not None else "answered 500 (Bolt raised)")
        db = rt.store.db
        for item in events_db.pending_events(db):  # the event worker (bot.app.process_pending_events)
            counters.add("event replayed")
            dispatch(BoltRequest(body=item.body, mode="socket_mode", context={REPLAY: True}))
        db.execute("DELETE FROM events")

    return one


def fits(value, hint) -> bool:
    """Does `value` fit the type hint (the shapes our services use)?"""
    if hint is typing.Any:
        return True
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is type(None) or hint is None:
        return value is None
    if origin in (typing.Union, types.UnionType):
        return any(fits(value, a) for a in args)
    if origin is typing.Literal:
        return value in args
    if origin in (list, set, frozenset):
        return isinstance(value, origin) and (not args or all(fits(x, args[0]) for x in value))
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(fits(x, args[0]) for x in value)
        return len(args) == len(value) and all(fits(x, a) for x, a in zip(value, args))
    if origin is dict:
        return isinstance(value, dict)
    if is_dataclass(hint):
        if not isinstance(value, hint):
            return False
        hints = typing.get_type_hints(hint)
        return all(fits(getattr(value, f.name), hints[f.name]) for f in fields(hint) if f.name in hints)
    if isinstance(hint, type):
        if hint is float:
            return isinstance(value, (int, float)) and not isinstance(value, bool)
        if hint is int:
            return isinstance(value, int) and not isinstance(value, bool)
        return isinstance(value, hint)
    return True


# ------------------------------------------------------------- payloads
def _payload_templates() -> list[tuple[str, dict]]:
    """(how it travels, body) for each kind of request the app listens to."""
    from bot import ids
    from bot.slack.blocks import case_forms as forms

    def state(*items) -> dict:
        values: dict = {}
        for block, action, element in items:
            values.setdefault(block, {})[action] = element
        return {"values": values}

    def view(callback: str, st: dict, meta: str = "42") -> dict:
        return {"type": "view_submission", "team": {"id": "T1", "domain": "x"}, "user": {"id": "U2", "name": "sam"},
                "api_app_id": "A1", "trigger_id": "1.2.3", "view": {
                    "id": "V1", "type": "modal", "callback_id": callback, "private_metadata": meta, "state": st,
                    "hash": "h", "blocks": []}}

    def action(action_id: str, value: str = "42", **extra) -> dict:
        return {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U2", "name": "sam"},
                "api_app_id": "A1", "trigger_id": "1.2.3", "container": {
                    "type": "message", "message_ts": "1700000000.000200", "channel_id": "CMOD", "is_ephemeral": False},
                "channel": {"id": "CMOD", "name": "mods"}, "message": {"ts": "1700000000.000200", "text": "case"},
                "actions": [{"action_id": action_id, "block_id": "b", "type": "button", "value": value,
                             "action_ts": "1700000001.0", **extra}]}

    def event(ev: dict) -> dict:
        return {"token": "t", "team_id": "T1", "api_app_id": "A1", "type": "event_callback", "event_id": "Ev1",
                "event_time": 1700000000, "event": ev}

    msg = {"type": "message", "channel": "C1", "user": "U1", "text": "hello <@U2> see <https://x.io|x>",
           "ts": "1700000000.000100", "channel_type": "channel", "event_ts": "1700000000.000100",
           "files": [{"name": "a.pdf"}], "attachments": [{"text": "quoted", "title": "t"}]}
    out: list[tuple[str, dict]] = [
        ("json", event(msg)),
        ("json", event({**msg, "thread_ts": "1699999999.0", "subtype": "thread_broadcast"})),
        ("json", event({"type": "message", "subtype": "message_changed", "channel": "C1", "hidden": True,
                        "message": {**msg, "text": "edited", "edited": {"user": "U1", "ts": "1700000005.0"}},
                        "previous_message": msg, "event_ts": "1700000005.0", "ts": "1700000005.0"})),
        ("json", event({"type": "message", "subtype": "message_deleted", "channel": "C1", "hidden": True,
                        "deleted_ts": "1700000000.000100", "previous_message": msg, "ts": "1700000006.0"})),
        ("json", event({"type": "message", "subtype": "bot_message", "bot_id": "B9", "channel": "C1", "text": "x",
                        "ts": "1700000000.3"})),
        ("json", event({"type": "user_change", "user": {"id": "U1", "name": "alex", "profile": {
            "display_name": "Alex (Admin)", "real_name": "Alex"}}, "event_ts": "1.0"})),
        ("json", event({"type": "team_join", "user": {"id": "U3", "name": "new"}, "event_ts": "1.0"})),
        ("json", event({"type": "member_joined_channel", "user": "U3", "channel": "C1", "channel_type": "C",
                        "event_ts": "1.0"})),
        ("json", event({"type": "member_left_channel", "user": "U3", "channel": "CMOD", "event_ts": "1.0"})),
        ("json", event({"type": "subteam_members_changed", "subteam_id": "S1", "added_users": ["U1"],
                        "removed_users": ["U2"], "event_ts": "1.0"})),
        ("json", {"type": "url_verification", "challenge": "abc", "token": "t"}),
        ("payload", {"type": "message_action", "callback_id": ids.FLAG_SHORTCUT, "trigger_id": "1.2.3",
                     "team": {"id": "T1"}, "user": {"id": "U1"}, "channel": {"id": "C1", "name": "general"},
                     "message": msg, "message_ts": msg["ts"], "response_url": "https://hooks.slack.com/x"}),
        ("payload", action(ids.ACT_MORE, selected_option={"value": "escalate", "text": {"type": "plain_text",
                                                                                        "text": "Escalate"}})),
        ("payload", view(ids.VIEW_FLAG, state((forms.B_REASON, forms.A_REASON, {
            "type": "static_select", "selected_option": {"value": "harassment"}}), (forms.B_NOTE, forms.A_NOTE, {
                "type": "plain_text_input", "value": "rude"})), meta='{"c":"C1","ts":"1.2"}')),
        ("payload", view(ids.VIEW_WARN, state((forms.B_GUIDELINE, forms.A_GUIDELINE, {
            "type": "static_select", "selected_option": {"value": "vulgar"}}), (forms.B_MESSAGE, forms.A_MESSAGE, {
                "type": "plain_text_input", "value": "please"}), (forms.B_OPTIONS, forms.A_OPTIONS, {
                    "type": "checkboxes", "selected_options": [{"value": forms.OPT_REMOVE}]})))),
        ("payload", view(ids.VIEW_SUSPEND, state((forms.B_DURATION, forms.A_DURATION, {
            "selected_option": {"value": "7d"}}), (forms.B_MESSAGE, forms.A_MESSAGE, {"value": "why"}), (
                forms.B_OPTIONS, forms.A_OPTIONS, {"selected_options": [{"value": forms.OPT_KICK}]})))),
        ("payload", view(ids.VIEW_NOTE, state((forms.B_NOTE, forms.A_NOTE, {"value": "a note"})))),
        ("payload", view(ids.VIEW_APPEAL, state((forms.B_APPEAL, forms.A_APPEAL, {"value": "I was quoting"})),
                         meta="d-7")),
        ("form", {"token": "t", "team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": ids.CMD_GUIDELINES,
                  "text": "privacy", "response_url": "https://hooks.slack.com/c", "trigger_id": "1.2.3"}),
        ("form", {"token": "t", "team_id": "T1", "channel_id": "C1", "user_id": "U1", "command": ids.CMD_EXPERTS,
                  "text": "add <@U2|sam>", "trigger_id": "1.2.3"}),
        ("form", {"token": "t", "team_id": "T1", "user_id": "U1", "command": ids.CMD_MYACTIVITY, "text": ""}),
    ]
    for act in (ids.ACT_REMOVE, ids.ACT_WARN, ids.ACT_SUSPEND, ids.ACT_DISMISS, ids.ACT_CLOSE, ids.ACT_RETRY,
                ids.ACT_APPEAL, ids.ACT_APPEAL_UPHOLD, ids.ACT_APPEAL_REVERSE):
        out.append(("payload", action(act)))
    return out


_TEMPLATES: list[tuple[str, dict]] | None = None
# JSON that json.dumps cannot write from Python values: spliced into the
# text in place of a marker string.
RAW_JSON = ("1" * 5000, "[" * 3000 + "]" * 3000, "1e999", "-1e999", "NaN", "-0", '"\\ud800"', "123456789" * 50)
ODD_VALUES = (None, True, False, 0, -1, 1.5, 10**30, "", "x", "U1", "1700000000.000100", "null", [], {}, [None],
              {"id": None}, ["U1", 5], {"value": []}, "<@U1>", "a" * 300, "nan", "inf", "1e20", "-5",
              *(f"\x00RAW{i}\x00" for i in range(len(RAW_JSON))))


def _dumps(fdp, value) -> str:
    text = json.dumps(value, ensure_ascii=fdp.ConsumeIntInRange(0, 1) if fdp.remaining_bytes() else True)
    for i, raw in enumerate(RAW_JSON):
        text = text.replace(json.dumps(f"\x00RAW{i}\x00"), raw)
    return text


def _mutate(fdp, value, depth: int = 0):
    """Walk a template; at each node the fuzzer may keep it, swap in an odd
    value, drop keys or go deeper. Zero bytes keep everything."""
    choice = fdp.ConsumeIntInRange(0, 7) if fdp.remaining_bytes() else 0
    if choice == 1:
        return ODD_VALUES[fdp.ConsumeIntInRange(0, len(ODD_VALUES) - 1)]
    if choice == 2:
        return fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40))
    if choice == 3 and depth < 6:
        return [_mutate(fdp, value, depth + 1)]
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if fdp.remaining_bytes() and fdp.ConsumeIntInRange(0, 15) == 0:
                continue  # key dropped
            out[k] = _mutate(fdp, v, depth + 1)
        if fdp.remaining_bytes() and fdp.ConsumeIntInRange(0, 15) == 0:
            out[fdp.ConsumeUnicodeNoSurrogates(8)] = ODD_VALUES[fdp.ConsumeIntInRange(0, len(ODD_VALUES) - 1)]
        return out
    if isinstance(value, list):
        return [_mutate(fdp, v, depth + 1) for v in value]
    if isinstance(value, str) and choice == 4:
        return value + fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 20))
    return value


def structured_body(fdp, form: bool) -> str:
    global _TEMPLATES
    if _TEMPLATES is None:
        _TEMPLATES = _payload_templates()
    how, template = _TEMPLATES[fdp.ConsumeIntInRange(0, len(_TEMPLATES) - 1)]
    body = _mutate(fdp, template)
    text = _dumps(fdp, body)
    if not form:
        return text
    if how == "form" and isinstance(body, dict):  # slash commands: plain fields
        return urllib.parse.urlencode({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    return "payload=" + urllib.parse.quote(text)


SEED_TEXTS = (
    "hello team, the new release fixed my sync issue, thanks!",
    "hey <@U0123ABCD> can you check <https://example.com/docs|the docs>? `npm install` fails with ```Error: kill 9```",
    "my card is 4111 1111 1111 1111 and my ssn is 123-45-6789, call me on +44 7700 900123",
    "you are a worthless idiot, i will find you",
    "f u c k this, ｓｈｉｔ, h4te it, fuuuuck",
    "BUY NOW cheap followers $20 DM me bit.ly/x <!channel>",
    "Здравствуйте, как дела? 今日は 😀👍🏽 café naïve ﬁle ½ \u200bhidden",
    "token xoxb-1234-5678-abcdEFGH and password: hunter2 at 221B Baker Street, apt 4",
    "&lt;script&gt; &amp; <#C024BE7LR|general> <!subteam^S1|@mods> <mailto:a@b.io|a@b.io>",
)


def _day_messages() -> list[dict]:
    """A day file's worth of messages, one of each kind the audit meets."""
    texts = SEED_TEXTS
    msgs = [{"type": "message", "user": "U1", "text": t, "ts": f"1709251200.{i:06d}"} for i, t in enumerate(texts)]
    msgs += [
        {"type": "message", "subtype": "channel_join", "user": "U3", "text": "joined", "ts": "1709251300.0"},
        {"type": "message", "subtype": "bot_message", "bot_id": "B1", "text": "hi", "ts": "1709251301.0"},
        {"type": "message", "user": "U1", "text": "see file", "ts": "1709251302.0", "files": [{"name": "a.exe"}],
         "attachments": [{"text": "my iban is DE89370400440532013000", "fallback": "x"}],
         "thread_ts": "1709251200.000000", "edited": {"user": "U1", "ts": "1709251400.0"}},
        {"type": "message", "user": "U2", "text": "Is this confidential? ask Sam Admin", "ts": "1709251303.0",
         "user_profile": {"display_name": "Sam", "real_name": "Sam A"}},
    ]
    return msgs


def structured_day(fdp) -> bytes:
    """A day file built from the template messages, each perhaps altered."""
    msgs = _day_messages()
    picked = [msgs[fdp.ConsumeIntInRange(0, len(msgs) - 1)] for _ in range(fdp.ConsumeIntInRange(1, 6))]
    text = _dumps(fdp, _mutate(fdp, picked))
    if fdp.remaining_bytes() and fdp.ConsumeIntInRange(0, 31) == 0:  # deeply nested
        depth = fdp.ConsumeIntInRange(1, 5000)
        text = "[" * depth + text + "]" * depth
    return text.encode("utf-8", "surrogatepass")


# ------------------------------------------------------------------- seeds
def seeds(target: str) -> list[bytes]:
    """A few realistic inputs per target, built here (no files fetched)."""
    texts = SEED_TEXTS
    # atheris' FuzzedDataProvider takes numbers (ConsumeIntInRange) from the
    # end of the input and bytes and strings from the front: a seed is the
    # text, then the choices, the first one last.
    if target in ("mrkdwn", "normalise"):
        return [t.encode() + b"\x00\x00" for t in texts]  # no repetition; the text as UTF-8
    if target == "policies":
        out = []
        for i, t in enumerate(texts):
            # config, role, channel, topic, display name, real name, age,
            # exempt (0 = yes), files, attachment (0 = yes), stateful (0 =
            # yes), repeat (0 = no), text mode (0 = the bytes as UTF-8)
            choices = [i % 2, i % 5, i % 3, i % 2, i % 6, (i + 1) % 6, i % 4, 1, i % 3, 1, i % 4, 0, 0]
            out.append(t.encode() + bytes(reversed(choices)))
        return out
    if target == "export":
        msgs = _day_messages()
        # Raw mode ("structured" = 0 at the end), then structured: a list of
        # templates 0..k unchanged.
        return [json.dumps(msgs).encode() + b"\x00", json.dumps(msgs[:3], indent=1).encode() + b"\x00", b"[]\x00",
                b"{}\x00", json.dumps([{"ts": "x"}, "not a message", None]).encode() + b"\x00",
                bytes([len(msgs) - 1, 1]), bytes([2, 1])]
    if target == "payload":
        out = []
        for i, (how, body) in enumerate(_payload_templates()):
            text = json.dumps(body)
            # Raw mode: the body, then "structured" = 0, then "form".
            if how == "json":
                out.append(text.encode() + bytes([0, 0]))
            elif how == "payload":
                out.append(("payload=" + urllib.parse.quote(text)).encode() + bytes([0, 1]))
            else:
                out.append(urllib.parse.urlencode(body).encode() + bytes([0, 1]))
            # Structured mode: template i, nothing changed.
            out.append(bytes([i, 1, 0 if how == "json" else 1]))
        return out
    raise ValueError(target)


def dictionary(target: str) -> list[bytes]:
    """libFuzzer dictionary entries: words our parsers compare against."""
    if target == "payload":
        words = ['"type"', '"event"', '"event_callback"', '"message"', '"subtype"', '"channel"', '"user"', '"text"',
                 '"ts"', '"thread_ts"', '"block_actions"', '"actions"', '"action_id"', '"value"', '"container"',
                 '"view_submission"', '"view"', '"state"', '"values"', '"selected_option"', '"selected_options"',
                 '"private_metadata"', '"callback_id"', '"message_action"', '"trigger_id"', '"message_changed"',
                 '"message_deleted"', '"previous_message"', '"deleted_ts"', '"files"', '"attachments"', "payload=",
                 "command=", "&text=", "&user_id=", "null", "true", "[]", "{}", "%7B", "%22"]
        from bot import ids
        words += [f'"{v}"' for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)]
        return [w.encode() for w in words]
    words = [f for f in FRAGMENTS if len(f) > 1]
    if target == "export":
        words = ['"ts"', '"text"', '"user"', '"type"', '"subtype"', '"files"', '"attachments"', '"thread_ts"',
                 '"from_url"', '"fallback"', '"name"', '"bot_id"', '"edited"', '"user_profile"', "1709251200.000100",
                 "null", "[", "]", "{", "}", "1e999", "-1", "NaN", "Infinity"]
    return [w.encode() for w in words]


def _dict_line(entry: bytes) -> str:
    return '"' + "".join(chr(b) if 32 <= b < 127 and b not in (34, 92) else f"\\x{b:02x}" for b in entry) + '"'


# ------------------------------------------------------------------ child
THIRD_PARTY = ("numpy", "scipy", "sklearn", "phonenumbers", "slack_bolt", "slack_sdk", "sqlite_utils",
               "apscheduler", "waitress", "dotenv")


class _RegexHookForOurCode:
    """atheris' RegEx hook, on while modbot's modules are imported only.

    The hook replaces re's compile step so that each pattern comes back as a
    proxy that tells libFuzzer a string it matches. Left on, it breaks
    libraries that hand compiled patterns back to re (phonenumbers does), and
    its proxy's search() takes no pos/endpos (our code passes them). So:
    third-party modules are imported first, patterns compiled while our
    modules load are proxies with the full signature, and afterwards re
    compiles as usual (unwrapping a proxy it is handed)."""

    def __enter__(self):
        import re

        import atheris
        from atheris import _trace_regex_match, function_hooks

        for name in THIRD_PARTY:
            try:
                __import__(name)
            except ImportError:
                pass
        proxy = function_hooks.AtherisPatternProxy

        def traced(name: str):
            def method(self, string, *args, **kwargs):
                _trace_regex_match(self.generated, self.re_obj)
                return getattr(self.re_obj, name)(string, *args, **kwargs)
            return method

        for name in ("search", "match", "fullmatch", "findall", "finditer"):
            setattr(proxy, name, traced(name))
        self.re, self.original = re, re._compile
        atheris.enabled_hooks.add("RegEx")  # replaces re._compile
        hooked, original, self.on = re._compile, self.original, True

        def compile_(pattern, flags):
            if isinstance(pattern, proxy):
                return pattern if self.on else pattern.re_obj
            return hooked(pattern, flags) if self.on else original(pattern, flags)

        re._compile = compile_
        return self

    def __exit__(self, *exc) -> None:
        self.on = False


def child(target: str, libfuzzer_args: list[str], counts_path: str | None) -> None:
    import atheris

    atheris.enabled_hooks.add("str")  # str.startswith/endswith in instrumented code
    counters = Counters(counts_path)
    with _RegexHookForOurCode(), atheris.instrument_imports(include=["policies", "handlers", "bot", "storage"]):
        import policies  # noqa: F401
        import handlers  # noqa: F401
        import bot.commands.export_audit.runner  # noqa: F401
        import bot.app  # noqa: F401
        one = {"payload": payload_target, "mrkdwn": mrkdwn_target, "normalise": normalise_target,
               "policies": policies_target, "export": export_target}[target](counters)
    # Warm up (models, caches) outside libFuzzer's per-input clock.
    for s in seeds(target):
        one(s)
    counters.counts.clear()
    atheris.Setup([sys.argv[0], *libfuzzer_args], timed(one, target, counters))
    atheris.Fuzz()


def timed(one, target: str, counters: Counters):
    """Keep the slowest input so far (FINDINGS/TARGET-slowest): work that
    grows faster than the input shows up here well before a timeout."""
    slowest = 0.0

    def run(data: bytes) -> None:
        nonlocal slowest
        started = time.perf_counter()
        one(data)
        took = time.perf_counter() - started
        if took > slowest and counters.path:
            slowest = took
            (FINDINGS / f"{target}-slowest").write_bytes(data)
            counters.counts["slowest input (ms)"] = round(took * 1000)
            counters.counts["slowest input (bytes)"] = len(data)

    return run


# ----------------------------------------------------------------- parent
_STAT = re.compile(r"^stat::(\w+):\s+(\d+)", re.M)
_PROGRESS = re.compile(r"^#(\d+)\s+\w+\s+cov: (\d+) ft: (\d+)", re.M)
_ARTIFACT = re.compile(r"Test unit written to (\S+)")
_KIND = re.compile(r"ERROR: libFuzzer: ([\w-]+)|=== Uncaught Python exception: ===")


def run_target(target: str, args, workdir: Path) -> dict:
    seed_dir = workdir / "seeds" / target
    seed_dir.mkdir(parents=True)
    for i, s in enumerate(seeds(target)):
        (seed_dir / f"seed-{i:02d}").write_bytes(s)
    corpus = Path(args.corpus) / target if args.corpus else workdir / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    dict_file = workdir / f"{target}.dict"
    dict_file.write_text("\n".join(_dict_line(e) for e in dictionary(target)) + "\n")
    FINDINGS.mkdir(parents=True, exist_ok=True)
    counts = workdir / f"{target}.counts.json"
    log = FINDINGS / f"{target}.log"
    lib_args = [str(corpus), str(seed_dir), f"-max_total_time={args.seconds}", f"-timeout={args.timeout}",
                f"-rss_limit_mb={args.rss_mb}", f"-max_len={args.max_len or MAX_LEN[target]}",
                f"-dict={dict_file}", f"-artifact_prefix={FINDINGS}/{target}-", "-print_final_stats=1",
                "-print_pcs=0"]
    started = time.monotonic()
    with open(log, "w") as out:
        proc = subprocess.run([sys.executable, __file__, "--child", target, "--counts", str(counts), "--", *lib_args],
                              stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    wall = time.monotonic() - started
    text = log.read_text(errors="replace")
    stats = {k: int(v) for k, v in _STAT.findall(text)}
    progress = _PROGRESS.findall(text)
    kinds = [m.group(1) or "python-exception" for m in _KIND.finditer(text)]
    if not kinds and proc.returncode != 0:
        kinds = [f"harness failed (exit {proc.returncode})"]
    return {
        "target": target, "exit": proc.returncode, "wall_s": round(wall, 1),
        "execs": stats.get("number_of_executed_units", int(progress[-1][0]) if progress else 0),
        "execs_per_s": stats.get("average_exec_per_sec", 0),
        "cov": int(progress[-1][1]) if progress else 0, "ft": int(progress[-1][2]) if progress else 0,
        "new_units": stats.get("new_units_added", 0), "peak_rss_mb": stats.get("peak_rss_mb", 0),
        "finding": kinds[0] if kinds else None, "artifacts": _ARTIFACT.findall(text), "log": str(log),
        "counts": json.loads(counts.read_text()) if counts.exists() else {},
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        target, rest = argv[1], argv[2:]
        counts = None
        if rest[:1] == ["--counts"]:
            counts, rest = rest[1], rest[2:]
        if rest[:1] == ["--"]:
            rest = rest[1:]
        child(target, rest, counts)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("targets", nargs="*", default=[], metavar="TARGET",
                    help=f"any of {', '.join(TARGETS)} (default: all)")
    ap.add_argument("--seconds", type=int, default=60, help="fuzzing time per target (default 60)")
    ap.add_argument("--timeout", type=int, default=2, help="seconds one input may take (default 2)")
    ap.add_argument("--rss-mb", type=int, default=2048, help="memory limit per target process (default 2048)")
    ap.add_argument("--max-len", type=int, default=0, help="largest input in bytes (default: per target)")
    ap.add_argument("--corpus", help="keep the evolved corpus in DIR/TARGET and start from it next time")
    ap.add_argument("--replay", nargs=2, metavar=("TARGET", "FILE"), help="run one saved input, show what happens")
    args = ap.parse_args(argv)
    if args.replay:
        target, path = args.replay
        if target not in TARGETS:
            ap.error(f"unknown target {target!r} (expected any of {', '.join(TARGETS)})")
        return subprocess.call([sys.executable, __file__, "--child", target, "--", f"-timeout={args.timeout}",
                                str(Path(path).resolve())], cwd=ROOT)
    if importlib.util.find_spec("atheris") is None:
        print("atheris is not installed: .venv/bin/pip install -e '.[fuzz]'", file=sys.stderr)
        return 2
    unknown = [t for t in args.targets if t not in TARGETS]
    if unknown:
        ap.error(f"unknown target {unknown[0]!r} (expected any of {', '.join(TARGETS)})")
    targets = args.targets or list(TARGETS)
    workdir = Path(tempfile.mkdtemp(prefix="modbot-fuzz-"))
    results = []
    try:
        for t in targets:
            print(f"fuzzing {t} for {args.seconds} s ...", flush=True)
            r = run_target(t, args, workdir)
            results.append(r)
            note = f"FOUND {r['finding']}: {', '.join(r['artifacts']) or '(no artifact)'}; log {r['log']}" \
                if r["finding"] else "no crash, no timeout"
            print(f"  {r['execs']:,} executions, {r['execs_per_s']:,}/s, cov {r['cov']}, ft {r['ft']}, "
                  f"corpus +{r['new_units']}, peak {r['peak_rss_mb']} MB: {note}", flush=True)
            counts = dict(r["counts"])
            ms, size = counts.pop("slowest input (ms)", None), counts.pop("slowest input (bytes)", None)
            if ms is not None:
                print(f"  slowest input: {ms:,} ms ({size:,} bytes, {FINDINGS / (t + '-slowest')})", flush=True)
            if counts:
                print("  " + ", ".join(f"{k} {v:,}" for k, v in sorted(counts.items())), flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    print()
    print(f"{'target':<10} {'execs':>10} {'execs/s':>8} {'cov':>6} {'ft':>7} {'slowest':>9}  finding")
    for r in results:
        ms = r["counts"].get("slowest input (ms)")
        print(f"{r['target']:<10} {r['execs']:>10,} {r['execs_per_s']:>8,} {r['cov']:>6} {r['ft']:>7} "
              f"{'-' if ms is None else f'{ms:,} ms':>9}  {r['finding'] or '-'}")
    return 1 if any(r["finding"] for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
