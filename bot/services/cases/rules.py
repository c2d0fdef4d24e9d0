"""A case's life in one pure table: its states, and which actions a given
person may take on it in a given state.

Everything else reads this: the card's buttons (bot/slack/blocks/cases.py,
through `card_actions`), the services' guards (`may`), and the unit test
that drives storage's conditional UPDATEs (storage/cases.py) through every
state and checks they agree. Nothing here touches Slack or the database.

Adding a card action: a member of `Action` and the states it is offered in
(`_allowed_in_state`), its button in the card renderer (BUTTONS in
bot/slack/blocks/cases.py, which also registers its listener), and the
ClickService method it calls. CONTRIBUTING.md walks through it.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass


class Status(str, enum.Enum):
    OPEN = "open"
    CLOSED = "closed"  # a moderator decided: warn, suspend or close
    DISMISSED = "dismissed"  # a moderator decided nothing was wrong


class Removal(str, enum.Enum):
    NONE = "none"
    PENDING = "pending"  # chat.delete queued, not yet confirmed
    DONE = "done"
    FAILED = "failed"  # no admin token, or Slack refused


class RemovedBy(str, enum.Enum):
    """Why the message was removed (cases.removed_reason)."""

    AUTO = "auto"  # a severe, high-confidence finding
    FLAGS = "flags"  # flag weight passed the threshold: pending a moderator's review
    MODERATOR = "moderator"
    SUSPENDED = "suspended"


class Action(str, enum.Enum):
    """What a moderator can do from a case card."""

    REMOVE = "remove"
    WARN = "warn"
    SUSPEND = "suspend"
    DISMISS = "dismiss"  # nothing wrong: no action taken
    CLOSE = "close"  # the removal stands; no sanction
    RETRY = "retry"  # send the case's failed Slack calls again
    ESCALATE = "escalate"
    REVEAL = "reveal"
    NOTE = "note"


# handled_action of a case modbot folded into a raid's case (storage.cases.merge_into_group).
MERGED = "merged"

# Actions that end a case (one conditional UPDATE: exactly one wins).
DECISIONS = frozenset({Action.WARN, Action.SUSPEND, Action.DISMISS, Action.CLOSE})


@dataclass(frozen=True)
class CaseState:
    """What the rules need to know about a case."""

    status: Status
    removal: Removal = Removal.NONE
    removed_reason: str | None = None
    escalated: bool = False
    failed_work: bool = False  # a Slack call of this case failed for good
    author: str | None = None
    merged: bool = False  # folded into a raid's case by modbot: decided there

    @classmethod
    def of(cls, case, *, failed_work: bool = False) -> "CaseState":
        """From a storage.cases.Case."""
        return cls(status=Status(case.status), removal=Removal(case.removal), removed_reason=case.removed_reason,
                   escalated=bool(case.escalated), failed_work=failed_work, author=case.author,
                   merged=case.handled_action == MERGED)


@dataclass(frozen=True)
class Actor:
    """Who wants to act. `user` None means "any moderator" (the card is one
    message that every moderator sees)."""

    user: str | None
    is_moderator: bool = True


ANY_MODERATOR = Actor(user=None)


def _removed(s: CaseState) -> bool:
    return s.removal is Removal.DONE


def _allowed_in_state(s: CaseState) -> set[Action]:
    """The table: which actions the case's state allows, whoever asks."""
    is_open = s.status is Status.OPEN
    allowed = {Action.REVEAL, Action.NOTE}
    if not s.escalated:
        allowed.add(Action.ESCALATE)
    if s.failed_work:
        allowed.add(Action.RETRY)
    if s.status is not Status.DISMISSED and s.removal in (Removal.NONE, Removal.FAILED):
        allowed.add(Action.REMOVE)
    if is_open:
        allowed |= {Action.WARN, Action.SUSPEND}
        if _removed(s):
            # Something was removed (by a moderator, the flags or the checks):
            # the decision says so. "No action taken" would be untrue.
            allowed.add(Action.CLOSE)
        elif s.removal is not Removal.PENDING:
            allowed.add(Action.DISMISS)
    return allowed


def allowed(state: CaseState, actor: Actor = ANY_MODERATOR) -> frozenset[Action]:
    """Every action `actor` may take on a case in `state`."""
    if not actor.is_moderator or state.merged:  # a merged case is decided on the raid's card
        return frozenset()
    actions = _allowed_in_state(state)
    if actor.user is not None and state.author and actor.user == state.author:
        # A moderator's own message: another moderator decides. Looking and
        # adding notes stay allowed; nothing that changes the case does.
        actions &= {Action.REVEAL, Action.NOTE}
    return frozenset(actions)


def may(action: Action, state: CaseState, actor: Actor = ANY_MODERATOR) -> bool:
    return action in allowed(state, actor)


def card_actions(state: CaseState) -> frozenset[Action]:
    """The buttons the card shows: what any moderator may do now."""
    return allowed(state, ANY_MODERATOR)


def reopens(state: CaseState) -> bool:
    """Does something new about the message (a flag, a finding it did not
    have) bring the case back? Only a dismissal is undone: a sanction
    stands, and a new finding shows on its card."""
    return state.status is Status.DISMISSED


def may_decide_appeal(*, user: str, appellant: str, decided_by: str | None, other_moderators: int) -> bool:
    """An appeal is reviewed by a moderator who is neither the member who
    appealed nor (when someone else is available) the one who decided."""
    if user == appellant:
        return False
    return not (user == decided_by and other_moderators > 0)
