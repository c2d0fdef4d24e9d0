"""Run every message of an export through the policy engine the live bot uses.

`_Checker` runs one work unit (units.py: consecutive calendar days, every
conversation's day files for them): the messages of a day are checked in
time order across all channels, in batches (`policies.evaluate_many`), with
one `MemoryActivity` for the per-author spam state, warmed with the end of
the previous day.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Iterable

import policies
from policies import Context, Finding, Message
from policies.state import MemoryActivity

# The live bot's definition, so that --import-activity counts what it counts.
from bot.services.experts.questions import looks_like_question

from .export import Conversation, DayFile, DayFileError, ExportLimits, Member, Problem, SlackExport

# Subtypes that are people talking; everything else (joins, topic changes,
# pins, bot posts ...) is Slack's own bookkeeping and is not audited.
AUDITED_SUBTYPES = frozenset({"", "thread_broadcast", "file_share", "me_message"})
BATCH = 256
EXCERPT_BEFORE = 80
EXCERPT_WIDTH = 240
MAX_TEXT = 40_000


@dataclass(frozen=True)
class AuditSettings:
    """What the audit needs besides the export (from modbot.toml or defaults)."""

    policy_config: object | None = None  # policies.PolicyConfig
    # channel name or id -> configured topic, for the off_topic check
    topics: dict[str, str] = field(default_factory=dict)
    # channels whose questions and answers count (--import-activity); empty: all public
    help_channels: tuple[str, ...] = ()
    # member id -> role, overriding what users.json says (admins/owners are "admin")
    roles: dict[str, str] = field(default_factory=dict)
    # members whose users.json email is at one of these domains are employees
    employee_email_domains: tuple[str, ...] = ()
    # extra names to protect from impersonation, besides admins' and owners'
    staff_names: tuple[str, ...] = ()
    import_activity: bool = False
    # how much of the export may be read (per file and in all)
    limits: ExportLimits = field(default_factory=ExportLimits)


@dataclass(slots=True)
class FindingRow:
    """One finding, ready for the report: excerpt already masked."""

    channel: str
    channel_name: str
    ts: str
    thread_ts: str | None
    user: str
    user_name: str
    category: str
    rule: str
    severity: str
    score: float
    action: str
    explanation: str
    excerpt: str
    edited: bool
    file: str

    @property
    def time(self) -> datetime:
        return datetime.fromtimestamp(float(self.ts), tz=timezone.utc)


@dataclass(slots=True)
class UnitResult:
    index: int
    files: int = 0
    messages: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    per_channel: Counter = field(default_factory=Counter)  # channel id -> audited messages
    findings: list[FindingRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # ("q", channel, ts, user, text) and ("r", channel, ts, thread_ts, user), in time order
    activity: list[tuple] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Unit:
    index: int
    dates: tuple[str, ...]
    files: tuple[DayFile, ...]
    # the previous day's files, replayed (not reported) to warm the spam state
    warmup: tuple[DayFile, ...] = ()


# ------------------------------------------------------------------ times
# The report dates every finding, so a ts must be a time a date can be made
# of: Unix seconds from 1970 to the last days of year 9999 (a day short, so
# that a local time zone cannot push it into year 10000).
_LAST_TS = datetime(9999, 12, 30, tzinfo=timezone.utc).timestamp()


def message_time(raw) -> float | None:
    """A day-file entry's Slack ts ("1709251200.000100") as Unix seconds, or
    None when it has none a date can be made of: missing, not a number,
    infinite, before 1970 or after 9999."""
    ts = raw.get("ts") if isinstance(raw, dict) else None
    if isinstance(ts, bool) or not isinstance(ts, (str, int, float)):
        return None
    try:
        t = float(ts)
    except (ValueError, OverflowError):  # OverflowError: an integer of 400 digits
        return None
    return t if 0.0 <= t <= _LAST_TS else None


# ------------------------------------------------------------------ worker
class _Checker:
    """Everything a worker needs, built once per process."""

    def __init__(self, export: SlackExport, settings: AuditSettings):
        self.export = export
        self.settings = settings
        self.config = settings.policy_config
        members = export.members
        self.roles: dict[str, str] = {}
        staff: list[str] = list(settings.staff_names)
        domains = tuple(d.lower().lstrip("@") for d in settings.employee_email_domains)
        for m in members.values():
            if m.is_admin or m.is_owner:
                self.roles[m.id] = "admin"
            elif domains and m.email.lower().rpartition("@")[2] in domains:
                self.roles[m.id] = "employee"
        self.roles.update(settings.roles)
        for uid, role in self.roles.items():
            m = members.get(uid)
            if m and role in ("admin", "moderator", "employee"):
                staff += [n for n in (m.display_name, m.real_name) if n]
        self.staff_names = tuple(dict.fromkeys(staff))
        limits = getattr(self.config, "limits", None) or policies.Limits()
        self.warmup_s = max(limits.duplicate_window_s, limits.flood_window_s)
        help_set = set(settings.help_channels)
        self.help_channels = {
            c.id for c in export.conversations.values()
            if (c.name in help_set or c.id in help_set) or (not help_set and c.kind == "public")
        }

    def topic(self, conv: Conversation) -> str:
        t = self.settings.topics
        return t.get(conv.id) or t.get(conv.name) or ""

    def member(self, uid: str, raw: dict) -> tuple[str, str, str]:
        m: Member | None = self.export.members.get(uid)
        if m is not None:
            return m.label, m.display_name, m.real_name
        prof = raw.get("user_profile") if isinstance(raw.get("user_profile"), dict) else {}
        display = str(prof.get("display_name") or "")
        real = str(prof.get("real_name") or "")
        return display or real or uid, display, real

    # -------------------------------------------------------------- messages
    def _load(self, files: Iterable[DayFile], res: UnitResult | None) -> list[tuple[float, DayFile, dict]]:
        out: list[tuple[float, DayFile, dict]] = []
        for day in files:
            try:
                raw_msgs = self.export.read_day(day)
            except DayFileError as exc:
                if res is not None:
                    res.problems.append(Problem(day.path, exc.reason + "; skipped"))
                continue
            if res is not None:
                res.files += 1
            bad = 0
            for raw in raw_msgs:
                t = message_time(raw)
                if t is None:
                    bad += 1
                    continue
                out.append((t, day, raw))
            if bad and res is not None:
                res.problems.append(Problem(day.path, f"{bad} entr{'y' if bad == 1 else 'ies'} without a valid ts; skipped"))
        # Time order across channels; the sort is stable, so ties keep file order.
        out.sort(key=lambda x: x[0])
        return out

    def _to_message(self, raw: dict, conv: Conversation) -> tuple[Message | None, str]:
        if raw.get("type", "message") != "message":
            return None, "not a message"
        subtype = raw.get("subtype") or ""
        if not isinstance(subtype, str):  # a list or an object: not a set member, not anything Slack writes
            return None, "malformed"
        if subtype == "bot_message" or (raw.get("bot_id") and not raw.get("user")):
            return None, "bot"
        if subtype not in AUDITED_SUBTYPES:
            return None, "system"
        user = raw.get("user")
        if isinstance(user, str):
            member = self.export.members.get(user)
            if member is not None and member.is_bot:
                return None, "bot"
        text = raw.get("text")
        if not isinstance(text, str) or not isinstance(user, str):
            return None, "malformed"
        # Slack keeps at most 40,000 characters of a message: a longer text
        # was not written in Slack, and the checks' memory grows with it.
        text = text[:MAX_TEXT]
        # Most messages have neither files nor attachments: skip the scans.
        files = raw.get("files")
        names = tuple(str(f.get("name")) for f in files if isinstance(f, dict) and f.get("name")) \
            if files and isinstance(files, list) else ()
        atts = raw.get("attachments")
        att_texts = tuple(
            str(a.get("text") or a.get("fallback"))[:MAX_TEXT]
            for a in atts
            # Unfurls (from_url) were written by the linked site, not the author.
            if isinstance(a, dict) and not a.get("from_url") and (a.get("text") or a.get("fallback"))
        ) if atts and isinstance(atts, list) else ()
        thread_ts = raw.get("thread_ts") if isinstance(raw.get("thread_ts"), str) else None
        return Message(text=text, channel=conv.id, user=user, ts=str(raw["ts"]), thread_ts=thread_ts,
                       files=names, attachments=att_texts, edited=bool(raw.get("edited"))), ""

    def _context(self, msg: Message, raw: dict, conv: Conversation, activity: MemoryActivity) -> Context:
        _label, display, real = self.member(msg.user, raw)
        return Context(channel_name=conv.name, channel_topic=self.topic(conv),
                       author_role=self.roles.get(msg.user, "member"), display_name=display, real_name=real,
                       activity=activity, now=float(msg.ts), staff_names=self.staff_names)

    def run_unit(self, unit: Unit) -> UnitResult:
        res = UnitResult(unit.index)
        activity = MemoryActivity()
        if unit.warmup:
            cutoff = datetime.strptime(unit.dates[0], "%Y-%m-%d").replace(tzinfo=timezone.utc).timestamp() - self.warmup_s
            tail = [(t, d, raw) for t, d, raw in self._load(unit.warmup, None) if t >= cutoff]
            self._evaluate(tail, activity, None)
        by_date: dict[str, list[DayFile]] = {}
        for d in unit.files:
            by_date.setdefault(d.date, []).append(d)
        for date in unit.dates:
            self._evaluate(self._load(by_date.get(date, ()), res), activity, res)
        return res

    def _evaluate(self, loaded: list[tuple[float, DayFile, dict]], activity: MemoryActivity,
                  res: UnitResult | None) -> None:
        batch: list[tuple[Message, Context, DayFile, dict]] = []
        for _t, day, raw in loaded:
            conv = self.export.conversation(day.folder)
            msg, why = self._to_message(raw, conv)
            if msg is None:
                if res is not None:
                    res.skipped[why] += 1
                continue
            batch.append((msg, self._context(msg, raw, conv, activity), day, raw))
            if len(batch) >= BATCH:
                self._flush(batch, res)
                batch = []
        if batch:
            self._flush(batch, res)

    def _flush(self, batch: list[tuple[Message, Context, DayFile, dict]], res: UnitResult | None) -> None:
        results = policies.evaluate_many(((m, c) for m, c, _d, _r in batch), config=self.config)
        if res is None:
            return  # warm-up: the activity state is all we wanted
        for (msg, ctx, day, raw), findings in zip(batch, results):
            res.messages += 1
            res.per_channel[msg.channel] += 1
            if self.settings.import_activity and msg.channel in self.help_channels:
                self._note_activity(msg, res)
            if not findings:
                continue
            label = self.member(msg.user, raw)[0]
            for f in findings:
                res.findings.append(FindingRow(
                    channel=msg.channel, channel_name=ctx.channel_name, ts=msg.ts, thread_ts=msg.thread_ts,
                    user=msg.user, user_name=label, category=f.category, rule=f.rule, severity=f.severity,
                    # Explanations may quote what they found; mask that too.
                    score=round(f.score, 3), action=f.action, explanation=policies.mask_personal_data(f.explanation),
                    excerpt=masked_excerpt(msg.text, findings, f), edited=msg.edited, file=day.path))

    @staticmethod
    def _note_activity(msg: Message, res: UnitResult) -> None:
        if msg.thread_ts is None or msg.thread_ts == msg.ts:
            if looks_like_question(msg.text):
                res.activity.append(("q", msg.channel, msg.ts, msg.user, msg.text))
        else:
            res.activity.append(("r", msg.channel, msg.ts, msg.thread_ts, msg.user))


def masked_excerpt(text: str, findings: list[Finding], focus: Finding) -> str:
    """A window of the message around `focus`, every sensitive span masked.

    The window never cuts through a sensitive span (half a card number is
    still personal data), and what is left is masked a second time with the
    detectors alone, whatever the thresholds, so the report never shows
    personal data or a secret in clear.
    """
    if focus.end > focus.start:
        a = max(0, focus.start - EXCERPT_BEFORE)
    else:
        a = 0
    b = min(len(text), max(a + EXCERPT_WIDTH, focus.end if focus.end > focus.start else 0))
    sens = [f for f in findings if f.sensitive and f.end > f.start]
    changed = True
    while changed:
        changed = False
        for f in sens:
            if f.start < a < f.end:
                a, changed = f.start, True
            if f.start < b < f.end:
                b, changed = f.end, True
    inside = [replace(f, start=f.start - a, end=f.end - a) for f in sens if f.start >= a and f.end <= b]
    window = policies.mask(text[a:b], inside)
    window = policies.mask_personal_data(window)
    return ("…" if a > 0 else "") + window + ("…" if b < len(text) else "")
