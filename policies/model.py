"""The vocabulary shared by every check: what goes in (a message and its
context) and what comes out (findings).

Everything here is plain data so that policies stay pure: no Slack client, no
database. The live bot, `modbot check` and the export audit all build these
objects and call `policies.evaluate` / `policies.evaluate_many`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

# One category per guideline rule. The order is the order /guidelines and
# reports use.
CATEGORIES: tuple[str, ...] = (
    "threat",
    "hate",
    "harassment",
    "vulgar",
    "violent_content",
    "privacy",
    "confidential",
    "impersonation",
    "malware",
    "spam",
    "selling",
    "off_topic",
)

Severity = Literal["low", "medium", "high", "critical"]
SEVERITIES: tuple[str, ...] = ("low", "medium", "high", "critical")

Role = Literal["member", "expert", "employee", "moderator", "admin"]
ROLES: tuple[str, ...] = ("member", "expert", "employee", "moderator", "admin")


@dataclass(frozen=True, slots=True)
class Message:
    """A message as Slack delivered it (mrkdwn `text`, not yet parsed)."""

    text: str
    channel: str = ""
    user: str = ""
    ts: str = ""
    thread_ts: str | None = None
    # File names attached to the message (not their contents).
    files: tuple[str, ...] = ()
    # Text of legacy attachments and unfurls the author supplied.
    attachments: tuple[str, ...] = ()
    edited: bool = False


class ActivityView(Protocol):
    """Recent behaviour of one author, for rate and duplicate checks.

    storage/ implements it on SQLite; policies.state has an in-memory one for
    tests and the offline audit. Times are Unix seconds.
    """

    def record(self, *, user: str, channel: str, ts: float, fingerprint: str, links: int) -> None: ...

    def count_since(self, *, user: str, since: float) -> int: ...

    def channels_with_fingerprint(self, *, user: str, fingerprint: str, since: float) -> set[str]: ...

    def links_since(self, *, user: str, since: float) -> int: ...


@dataclass(frozen=True, slots=True)
class Context:
    """Who posted where, as far as the checks need to know."""

    channel_name: str = ""
    # The channel's configured topic, for off_topic (empty: no topic check).
    channel_topic: str = ""
    author_role: Role = "member"
    display_name: str = ""
    real_name: str = ""
    # Days since the member joined; None when unknown (treated as established).
    account_age_days: float | None = None
    # Per-author state for spam checks; None disables the stateful checks.
    activity: ActivityView | None = None
    # Message time (Unix seconds) for the stateful checks.
    now: float = 0.0
    # Names of staff (moderators, admins, employees) to protect from impersonation.
    staff_names: tuple[str, ...] = ()
    # True when the caller resolved the author as exempt (a listed user or a
    # member of an exempt user group); exempt authors get no findings except
    # secrets, which are never fine to post.
    exempt: bool = False
    # Slack user group ids the author belongs to (the caller resolves them);
    # matched against the config's exempt_groups.
    user_groups: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    category: str
    rule: str  # stable id, e.g. "privacy.card_number"
    score: float  # 0..1
    severity: Severity
    start: int  # span in the original text, [start, end)
    end: int
    explanation: str
    # True when the span holds personal data or a secret that must be masked
    # wherever the text is shown again (cards, logs, reports).
    sensitive: bool = False
    # Filled from configuration: "ignore" | "log" | "route" | "remove"
    action: str = "route"
    shadow: bool = False
    extra: dict = field(default_factory=dict, compare=False, hash=False)
