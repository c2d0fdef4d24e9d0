"""Side effects at Slack, as typed values.

A service decides what should happen ("delete this message", "DM this
member", "update this card") and hands the gateway one of these; the gateway
writes it to the outbox and carries it out exactly once. Each effect knows
its idempotency key (the same effect twice is one call), the Web API call it
is, the label the case card shows while it is pending or failed, and the
decision it belongs to (`topic`), so that a decision that ends takes its
unsent effects with it.

`Kind` is stored as the outbox row's purpose: when a call finishes, the
gateway reports it through its one hook (bot.slack.effects.EffectHandler) and
the handler picks the follow-up by kind. Nothing parses keys back.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

if TYPE_CHECKING:  # the gateway imports this module
    from bot.slack.gateway import Outcome
    from storage.outbox import OutboxItem


class Kind(str, enum.Enum):
    """What an outbox row is for (the values are what older rows hold)."""

    REMOVE = "remove"  # a case's message, deleted
    SUSPENDED_DELETE = "suspended_delete"  # a suspended member's new message, deleted
    FLOOD_DELETE = "flood_delete"  # one message of a flood or raid case, deleted (its repeats, slow mode, Remove)
    DM = "dm"
    KICK = "kick"
    THREAD = "thread"  # a post (or an update of one) in a case's thread, or a note to the moderator channel
    APPEAL_POST = "appeal_post"  # a member's appeal, posted in the case thread
    CARD_POST = "card_post"
    CARD_UPDATE = "card_update"
    SUGGESTION = "suggestion"  # earlier threads for a question, shown to the asker alone
    SUGGESTION_PUBLIC = "suggestion_public"  # the same, in the question's thread
    SUGGESTION_DM = "suggestion_dm"  # the same, by DM when Slack refused the ephemeral


class About(str, enum.Enum):
    """What a DM or a thread post is about: its key prefix and its label."""

    WARNING = "warn-dm"
    SUSPENSION = "suspend-dm"
    SUSPENSION_NOTICE = "suspension-notice"
    SUSPENSION_LIFTED = "suspension-lifted"
    REMOVAL = "removal-dm"
    APPEAL_OUTCOME = "appeal-outcome"
    ESCALATION = "escalate"
    NOTE = "note"
    APPEAL = "appeal"
    APPEAL_DECIDED = "appeal-decided"
    REOPENED = "reopen"
    SUSPENDED_POST = "suspended-post"
    PROFILE_CHECK = "impersonation"
    DIGEST = "digest"
    FLOOD = "flood-dm"


LABELS: dict[About, str] = {
    About.WARNING: "the warning DM to the author",
    About.SUSPENSION: "the suspension DM to the author",
    About.SUSPENSION_NOTICE: "the DM telling a suspended member about their message",
    About.SUSPENSION_LIFTED: "the DM telling the member their suspension ended",
    About.REMOVAL: "the DM telling the author their message was removed",
    About.APPEAL_OUTCOME: "the DM with the appeal decision",
    About.ESCALATION: "the escalation note in this thread",
    About.NOTE: "a moderator note in this thread",
    About.APPEAL: "posting the member's appeal in this thread",
    About.APPEAL_DECIDED: "updating the appeal message in this thread",
    About.REOPENED: "the note in this thread that the case is open again",
    About.SUSPENDED_POST: "the note about a suspended member's new message",
    About.PROFILE_CHECK: "a profile check note in the moderator channel",
    About.DIGEST: "the digest of low-severity cases waiting in the moderator channel",
    About.FLOOD: "the DM telling the author their flood's excess is removed",
}


# A case card's place in the queue by its severity (higher goes first); of
# the same severity, a single message's card before a flood's or a raid's
# (which stands for one spammer, whose excess is already answered).
PRIORITY = {"low": 0, "medium": 2, "high": 4, "critical": 6}
SEVERE = PRIORITY["high"]


def topic_id(topic: str | None, kind: str) -> int | None:
    """The record id in a topic made here ("appeal:7" -> 7 for kind "appeal")."""
    prefix, _, raw = (topic or "").partition(":")
    return int(raw) if prefix == kind and raw.isascii() and raw.isdigit() else None


@dataclass(frozen=True)
class Call:
    method: str
    args: dict
    token: str = "bot"


@dataclass(frozen=True, kw_only=True)
class Effect:
    case_id: int | None = None

    KIND: ClassVar[Kind]
    LABEL: ClassVar[str] = ""

    @property
    def kind(self) -> Kind:
        return self.KIND

    @property
    def label(self) -> str:
        return self.LABEL

    @property
    def topic(self) -> str | None:
        """The record this belongs to ("suspension:3"), if any."""
        return None

    @property
    def priority(self) -> int:
        """Which goes first when calls queue up (higher first): a threat's
        card before a spam card when the moderator channel is rate limited."""
        return 0

    @property
    def key(self) -> str:
        raise NotImplementedError

    def call(self) -> Call:
        raise NotImplementedError


def _message_args(channel: str, text: str, blocks: list | None, **more) -> dict:
    args = {"channel": channel, "text": text, **{k: v for k, v in more.items() if v is not None}}
    if blocks:
        args["blocks"] = blocks
    return args


@dataclass(frozen=True, kw_only=True)
class DeleteMessage(Effect):
    """chat.delete with the admin token (members' messages are not the bot's)."""

    channel: str
    ts: str
    suspended: bool = False  # a suspended member's new message, not the case's own

    @property
    def kind(self) -> Kind:
        return Kind.SUSPENDED_DELETE if self.suspended else Kind.REMOVE

    @property
    def label(self) -> str:
        return "deleting a suspended member's new message" if self.suspended else "deleting the message"

    @property
    def key(self) -> str:
        return f"{'suspended-delete' if self.suspended else 'remove'}:{self.channel}:{self.ts}"

    def call(self) -> Call:
        return Call("chat.delete", {"channel": self.channel, "ts": self.ts}, token="admin")


def group_topic(case_id: int | None) -> str | None:
    """The topic of what a flood's or raid's case queued to answer it (its
    messages' removals, the DM saying why): dismissing the case cancels
    those not yet made."""
    return f"group:{case_id}" if case_id is not None else None


@dataclass(frozen=True, kw_only=True)
class DeleteGroupMessage(DeleteMessage):
    """One message of a flood or raid case (not the case's own), deleted."""

    @property
    def kind(self) -> Kind:
        return Kind.FLOOD_DELETE

    @property
    def topic(self) -> str | None:
        return group_topic(self.case_id)

    @property
    def label(self) -> str:
        return "deleting a flood's or raid's message"

    @property
    def key(self) -> str:
        return f"flood-delete:{self.channel}:{self.ts}"


@dataclass(frozen=True, kw_only=True)
class _AboutSomething(Effect):
    """A DM or a post whose key and label follow from what it is about."""

    about: About
    ref: int | str  # what makes it one: the warning, the appeal, the case and view...
    text: str
    blocks: list | None = None

    @property
    def label(self) -> str:
        return LABELS[self.about]

    @property
    def key(self) -> str:
        return f"{self.about.value}:{self.ref}"


@dataclass(frozen=True, kw_only=True)
class DirectMessage(_AboutSomething):
    KIND = Kind.DM
    user: str

    @property
    def topic(self) -> str | None:
        if self.about is About.FLOOD:  # "your repeats are being removed": untrue once the flood is dismissed
            return group_topic(self.case_id)
        return {About.WARNING: f"warning:{self.ref}", About.SUSPENSION: f"suspension:{self.ref}"}.get(self.about)

    def call(self) -> Call:
        return Call("chat.postMessage", _message_args(self.user, self.text, self.blocks))


@dataclass(frozen=True, kw_only=True)
class ThreadPost(_AboutSomething):
    """A post in a case's thread (or, with no thread_ts, in the channel)."""

    channel: str
    thread_ts: str | None
    broadcast: bool = False  # also shown in the channel

    @property
    def kind(self) -> Kind:
        return Kind.APPEAL_POST if self.about is About.APPEAL else Kind.THREAD

    @property
    def topic(self) -> str | None:
        return f"appeal:{self.ref}" if self.about is About.APPEAL else None

    @property
    def priority(self) -> int:
        return SEVERE if self.about is About.DIGEST else 0

    def call(self) -> Call:
        return Call("chat.postMessage", _message_args(
            self.channel, self.text, self.blocks, thread_ts=self.thread_ts,
            reply_broadcast=True if self.broadcast and self.thread_ts else None))


@dataclass(frozen=True, kw_only=True)
class UpdateThreadPost(_AboutSomething):
    KIND = Kind.THREAD
    channel: str
    ts: str

    def call(self) -> Call:
        return Call("chat.update", _message_args(self.channel, self.text, self.blocks, ts=self.ts))


@dataclass(frozen=True, kw_only=True)
class Kick(Effect):
    KIND = Kind.KICK
    LABEL = "removing the author from a channel"
    channel: str
    user: str
    suspension_id: int

    @property
    def key(self) -> str:
        return f"kick:{self.suspension_id}:{self.channel}"

    @property
    def topic(self) -> str | None:
        return f"suspension:{self.suspension_id}"

    def call(self) -> Call:
        return Call("conversations.kick", {"channel": self.channel, "user": self.user})


@dataclass(frozen=True, kw_only=True)
class PostCard(Effect):
    KIND = Kind.CARD_POST
    LABEL = "posting the case card"
    channel: str
    text: str
    blocks: list
    metadata: dict  # finds the card again after a crash mid-post
    severity: str = "low"
    grouped: bool = False  # a flood's or a raid's card

    @property
    def key(self) -> str:
        return f"card:{self.case_id}"

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.severity, 0) + (0 if self.grouped else 1)

    def call(self) -> Call:
        return Call("chat.postMessage", {"channel": self.channel, "text": self.text, "blocks": self.blocks,
                                         "unfurl_links": False, "unfurl_media": False, "metadata": self.metadata})


@dataclass(frozen=True, kw_only=True)
class UpdateCard(Effect):
    KIND = Kind.CARD_UPDATE
    LABEL = "updating the case card"
    channel: str
    ts: str
    text: str
    blocks: list
    after: int  # the newest card update row before this one (0: none)
    digest: str  # of what it shows: two threads publishing the same change make one row

    @property
    def key(self) -> str:
        return f"card-update:{self.case_id}:{self.after}:{self.digest}"

    def call(self) -> Call:
        return Call("chat.update", {"channel": self.channel, "ts": self.ts, "text": self.text, "blocks": self.blocks})


class _UsualCheck:
    """EffectHandler.reconcile's answer for "nothing special: look for the key as usual"."""

    def __repr__(self) -> str:
        return "USUAL_CHECK"


USUAL_CHECK = _UsualCheck()


class EffectHandler(Protocol):
    """The one hook through which the gateway reports on effects (wired in
    bot/services/__init__.py: an EffectRouter over each service's handler)."""

    kinds: frozenset[Kind]  # the effects this handler owns

    def finished(self, outcome: Outcome) -> None:
        """A call finished, failed for good, or first failed and will be retried."""

    def refresh(self, item: OutboxItem) -> dict | None:
        """The call's arguments as they should be now (a card rendered from
        today's records), or None to send it as queued."""

    def reconcile(self, item: OutboxItem) -> Any:
        """After a crash mid-call: the result if Slack shows it took effect,
        False if it did not, USUAL_CHECK to let the gateway look."""

    def withdrawn(self, item: OutboxItem) -> bool:
        """Just before the call (claimed, not made): True if it is no longer
        wanted and the handler cancelled it (outbox.cancel_claimed), e.g. a
        flood's removal claimed when its case was dismissed, then left by a
        crash and re-queued at the restart."""


class EffectRouter:
    """The gateway's one hook: each effect goes to the handler that owns its
    kind; a call with no kind (the expert programme's, welcome DMs) is sent
    as queued and looked for as usual."""

    def __init__(self, handlers: list[EffectHandler]):
        self._owner: dict[Kind, EffectHandler] = {}
        for handler in handlers:
            for kind in handler.kinds:
                if kind in self._owner:
                    raise ValueError(f"two handlers own {kind.value}")
                self._owner[kind] = handler

    def _handler(self, item: OutboxItem) -> EffectHandler | None:
        try:
            return self._owner.get(Kind(item.purpose))
        except ValueError:
            return None

    def finished(self, outcome: Outcome) -> None:
        handler = self._handler(outcome.item)
        if handler is not None:
            handler.finished(outcome)

    def refresh(self, item: OutboxItem) -> dict | None:
        handler = self._handler(item)
        return handler.refresh(item) if handler is not None else None

    def reconcile(self, item: OutboxItem) -> Any:
        handler = self._handler(item)
        return handler.reconcile(item) if handler is not None else USUAL_CHECK

    def withdrawn(self, item: OutboxItem) -> bool:
        handler = self._handler(item)
        return handler.withdrawn(item) if handler is not None else False
