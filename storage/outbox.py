"""Pending Slack calls, recorded before they are made.

A service decides and enqueues; the gateway's drainer claims due rows, makes
the call and records the outcome. The unique `key` is the idempotency key:
enqueueing the same intent twice yields one row.

A call that was in flight when the process died is not blindly repeated: the
drainer hands such rows to a per-purpose reconciler (look at Slack, e.g. is
the card already posted?) before retrying. Likewise a call's follow-up (its
result handler) is recorded as owed with its outcome, so a crash between the
two leaves it to be run at the next start (`follow_up`).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    method: str
    args: dict
    token_kind: str
    case_id: int | None
    purpose: str | None
    status: str
    attempts: int
    result: dict | None
    error: str | None
    created_at: float = 0.0
    next_attempt_at: float = 0.0
    claimed_at: float | None = None
    label: str | None = None  # what the case card calls it while it is pending or failed
    topic: str | None = None  # the decision it belongs to ("suspension:3"), cancelled with it
    priority: int = 0  # higher goes first when calls queue up
    cancelled_why: str | None = None  # why it was cancelled before it was made


def _item(row) -> OutboxItem:
    return OutboxItem(
        id=row[0],
        key=row[1],
        method=row[2],
        args=json.loads(row[3]),
        token_kind=row[4],
        case_id=row[5],
        purpose=row[6],
        status=row[7],
        attempts=row[8],
        result=json.loads(row[9]) if row[9] else None,
        error=row[10],
        created_at=row[11],
        next_attempt_at=row[12],
        claimed_at=row[13],
        label=row[14],
        topic=row[15],
        priority=row[16],
        cancelled_why=row[17],
    )


_COLUMNS = ("id, key, method, args, token_kind, case_id, purpose, status, attempts, result, error, created_at,"
            " next_attempt_at, claimed_at, label, topic, priority, cancelled_why")


def _select(db: sqlite_utils.Database, where: str, params: list) -> list[OutboxItem]:
    """Rows matching `where` (and any ORDER BY / LIMIT after it)."""
    return [_item(r) for r in db.execute(f"SELECT {_COLUMNS} FROM outbox WHERE {where}", params).fetchall()]


def enqueue(
    db: sqlite_utils.Database,
    *,
    key: str,
    method: str,
    args: dict,
    now: float,
    token_kind: str = "bot",
    case_id: int | None = None,
    purpose: str | None = None,
    label: str | None = None,
    topic: str | None = None,
    priority: int = 0,
    not_before: float | None = None,
    again: bool = False,
) -> tuple[OutboxItem, bool]:
    """Add a call unless one with `key` exists; returns (item, created).
    `not_before`: not made before then (a card update gathering a flood's changes).

    `again`: the caller checked, in its own transaction, that the call is
    wanted anew (a flood's case reopened and Remove clicked), so a row with
    the key that was cancelled before it was made goes back in the queue, as
    a new call (created is True). Without it a cancelled row stays cancelled:
    a kick cancelled with its lifted suspension is never revived by a replay."""
    with transaction(db):
        cur = db.execute(
            "INSERT OR IGNORE INTO outbox (key, method, args, token_kind, case_id, purpose, created_at, next_attempt_at,"
            " label, topic, priority) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [key, method, json.dumps(args, separators=(",", ":")), token_kind, case_id, purpose, now,
             max(now, not_before or now), label, topic,
             priority],
        )
        created = cur.rowcount == 1
        if not created and again:
            created = db.execute(
                "UPDATE outbox SET status = 'pending', cancelled_why = NULL, done_at = NULL, error = NULL,"
                " claimed_at = NULL, attempts = 0, next_attempt_at = ? WHERE key = ? AND status = 'cancelled'",
                [max(now, not_before or now), key]).rowcount == 1
        item = _select(db, "key = ?", [key])[0]
    return item, created


def get(db: sqlite_utils.Database, key: str) -> OutboxItem | None:
    found = _select(db, "key = ?", [key])
    return found[0] if found else None


def claim(db: sqlite_utils.Database, item_id: int, *, now: float) -> bool:
    """Mark one due row in flight; False if another worker got it first."""
    cur = db.execute(
        "UPDATE outbox SET status = 'inflight', claimed_at = ?, attempts = attempts + 1"
        " WHERE id = ? AND status = 'pending'",
        [now, item_id],
    )
    return cur.rowcount == 1


def due(db: sqlite_utils.Database, *, now: float, limit: int = 50, skip_channels: list[str] = ()) -> list[OutboxItem]:
    """Calls due now, the most urgent first (a threat's card before spam's),
    then oldest first; not posts to `skip_channels` (over Slack's rate)."""
    skip = ""
    if skip_channels:
        marks = ",".join("?" for _ in skip_channels)
        skip = f" AND NOT (method = 'chat.postMessage' AND json_extract(args, '$.channel') IN ({marks}))"
    return _select(db, f"status = 'pending' AND next_attempt_at <= ?{skip} ORDER BY priority DESC, id LIMIT ?",
                   [now, *skip_channels, limit])


def unclaim(db: sqlite_utils.Database, item_id: int, *, at: float) -> None:
    """A claimed call not made (its channel is over Slack's rate): back in the queue, the try not counted."""
    db.execute("UPDATE outbox SET status = 'pending', attempts = max(attempts - 1, 0), next_attempt_at = ?"
               " WHERE id = ? AND status = 'inflight'", [at, item_id])


def waiting_posts(db: sqlite_utils.Database, *, channel: str, purpose: str, below_priority: int) -> int:
    """Queued posts of one kind to a channel under a priority (the low-severity card backlog)."""
    return db.execute(
        "SELECT count(*) FROM outbox WHERE status IN ('pending', 'inflight') AND purpose = ? AND priority < ?"
        " AND json_extract(args, '$.channel') = ?", [purpose, below_priority, channel]).fetchone()[0]


def stale_inflight(db: sqlite_utils.Database, *, claimed_before: float, now: float = float("inf")) -> list[OutboxItem]:
    """Calls claimed but never finished (the process died mid-call, or Retry
    handed them back for checking), whose check is due."""
    return _select(db, "status = 'inflight' AND claimed_at < ? AND next_attempt_at <= ? ORDER BY id",
                   [claimed_before, now])


def check_later(db: sqlite_utils.Database, item_id: int, *, at: float, error: str) -> None:
    """Slack could not say whether an interrupted call took effect: ask again at `at`."""
    db.execute("UPDATE outbox SET next_attempt_at = ?, error = ? WHERE id = ? AND status = 'inflight'",
               [at, error[:500], item_id])


# complete() and fail() record that the call's follow-up (its result
# handler) is owed in the same UPDATE as the outcome: a crash between the
# two cannot lose it. followed_up() clears it once the handler ran.

def complete(db: sqlite_utils.Database, item_id: int, *, now: float, result: dict) -> None:
    db.execute(
        "UPDATE outbox SET status = 'done', done_at = ?, result = ?, error = NULL, follow_up = 1 WHERE id = ?",
        [now, json.dumps(result, separators=(",", ":")), item_id],
    )


def retry_later(db: sqlite_utils.Database, item_id: int, *, at: float, error: str | None) -> None:
    """A call in flight goes back in the queue. Only from in flight: a row
    cancelled meanwhile (its case dismissed while the drainer was checking
    it after a restart) stays cancelled."""
    db.execute(
        "UPDATE outbox SET status = 'pending', next_attempt_at = ?, error = ? WHERE id = ? AND status = 'inflight'",
        [at, error[:500] if error else None, item_id],
    )


def fail(db: sqlite_utils.Database, item_id: int, *, now: float, error: str) -> None:
    db.execute(
        "UPDATE outbox SET status = 'failed', done_at = ?, error = ?, follow_up = 1 WHERE id = ?",
        [now, error[:500], item_id],
    )


def followed_up(db: sqlite_utils.Database, item_id: int) -> None:
    """What follows the call's outcome ran."""
    db.execute("UPDATE outbox SET follow_up = 0 WHERE id = ? AND follow_up = 1", [item_id])


def owed_follow_ups(db: sqlite_utils.Database) -> list[OutboxItem]:
    """Calls done or failed for good whose follow-up never ran (the process
    died between the two, or the handler raised), oldest first."""
    return _select(db, "follow_up = 1 AND status IN ('done', 'failed') ORDER BY id", [])


# `claimed_at` of a row handed back for checking: no process claims at 0.
VERIFY_FIRST = 0.0


def requeue(db: sqlite_utils.Database, item_id: int, *, now: float) -> bool:
    """A failed call sent round again (Retry, or after an outage).

    It goes the way of a call interrupted by a crash: marked in flight with
    a claim time no process uses, so the drainer first asks Slack whether
    the call already took effect (a post that timed out may have gone
    through) and makes it only if not. Only a row still `failed` is taken,
    so two moderators pressing Retry re-queue it once.
    """
    cur = db.execute(
        "UPDATE outbox SET status = 'inflight', claimed_at = ?, next_attempt_at = ?, attempts = 0, error = NULL"
        " WHERE id = ? AND status = 'failed'",
        [VERIFY_FIRST, now, item_id],
    )
    return cur.rowcount == 1


def cancel_unsent(db: sqlite_utils.Database, *, topic: str, why: str, now: float) -> list[OutboxItem]:
    """Cancel calls not made yet of a decision that ended, e.g. a kick or a
    "you are suspended" DM once the suspension was lifted, or a flood's
    queued removals once a moderator dismissed it; returns those cancelled.

    Not made yet: queued (pending), failed for good, or sent round again by
    Retry and not yet looked at (in flight with the VERIFY_FIRST claim). A
    call really in flight is left to finish: it may already be at Slack.
    A cancelled row is never claimed again (claim() takes only pending
    rows), so this holds across restarts."""
    rows = db.execute(
        f"UPDATE outbox SET status = 'cancelled', cancelled_why = ?, done_at = ? WHERE topic = ?"
        " AND (status IN ('pending', 'failed') OR (status = 'inflight' AND claimed_at = ?))"
        f" RETURNING {_COLUMNS}",
        [why[:500], now, topic, VERIFY_FIRST],
    ).fetchall()
    return [_item(r) for r in rows]


def cancel_claimed(db: sqlite_utils.Database, item_id: int, *, why: str, now: float) -> bool:
    """Cancel a call the drainer claimed and has not made: its decision ended
    while it was in flight (cancel_unsent leaves those to finish), and it is
    about to be made, after a restart say. False if it is no longer in flight."""
    return db.execute(
        "UPDATE outbox SET status = 'cancelled', cancelled_why = ?, done_at = ? WHERE id = ? AND status = 'inflight'",
        [why[:500], now, item_id]).rowcount == 1


def for_case(db: sqlite_utils.Database, case_id: int) -> list[OutboxItem]:
    return _select(db, "case_id = ? ORDER BY id", [case_id])


def case_counts(db: sqlite_utils.Database, case_id: int, *, purpose: str) -> dict[str, int]:
    """How many of a case's calls of one kind are in each status (a flood's
    removals: done, cancelled...)."""
    return dict(db.execute("SELECT status, count(*) FROM outbox WHERE case_id = ? AND purpose = ? GROUP BY status",
                           [case_id, purpose]).fetchall())


def count_by_status(db: sqlite_utils.Database) -> dict[str, int]:
    return dict(db.execute("SELECT status, count(*) FROM outbox GROUP BY status").fetchall())


# The card itself is not "work" shown on the card.
CARD_PURPOSES = ("card_post", "card_update")


def unfinished_for_case(db: sqlite_utils.Database, case_id: int) -> list[OutboxItem]:
    """A case's side effects at Slack not yet done: queued, retrying, in
    flight, or failed for good (what the card shows as pending or failed)."""
    return _select(db, "case_id = ? AND status IN ('pending', 'inflight', 'failed') AND purpose NOT IN (?, ?)"
                       " ORDER BY id", [case_id, *CARD_PURPOSES])


def requeue_failed_for_case(db: sqlite_utils.Database, case_id: int, *, now: float,
                            skip: tuple[str, ...] = ()) -> list[OutboxItem]:
    """Every call of a case that failed for good, sent round again (the
    card's Retry button); returns those re-queued. Conditional per row, so
    two moderators pressing Retry at once re-queue each call once."""
    again = []
    for item in (i for i in unfinished_for_case(db, case_id) if i.status == "failed" and i.purpose not in skip):
        if requeue(db, item.id, now=now):
            again.append(item)
    return again


def newest_for_case(db: sqlite_utils.Database, case_id: int, *, purpose: str) -> OutboxItem | None:
    found = _select(db, "case_id = ? AND purpose = ? ORDER BY id DESC LIMIT 1", [case_id, purpose])
    return found[0] if found else None


def exhausted_card_work(db: sqlite_utils.Database, *, min_attempts: int) -> tuple[list[OutboxItem], list[int]]:
    """Card posts that failed for good after every retry, and the cases whose
    newest card update did: what a long Slack outage left undone."""
    posts = _select(db, "purpose = 'card_post' AND status = 'failed' AND attempts >= ? ORDER BY id", [min_attempts])
    cases = [r[0] for r in db.execute(
        "SELECT o.case_id FROM outbox o WHERE o.purpose = 'card_update' AND o.status = 'failed' AND o.attempts >= ?"
        " AND o.id = (SELECT max(id) FROM outbox WHERE case_id = o.case_id AND purpose = 'card_update')"
        " ORDER BY o.case_id",
        [min_attempts],
    ).fetchall()]
    return posts, cases


def set_args(db: sqlite_utils.Database, item_id: int, args: dict) -> None:
    """Record the arguments a call is about to be made with (a refresher
    re-rendered them), so the row says what Slack was sent."""
    db.execute("UPDATE outbox SET args = ? WHERE id = ?", [json.dumps(args, separators=(",", ":")), item_id])


def supersede_card_updates(db: sqlite_utils.Database, *, case_id: int) -> int:
    """Cancel queued, not yet sent, card refreshes other than the newest one.

    The drainer renders a card update from the records at send time, so one
    pending row is enough. Keeping the newest pending row, rather than the
    caller's own, matters when two threads publish at once: each cancelling
    the other's row would leave no update at all.
    """
    return db.execute(
        "UPDATE outbox SET status = 'cancelled' WHERE case_id = ? AND purpose = 'card_update' AND status = 'pending'"
        " AND id < (SELECT max(id) FROM outbox WHERE case_id = ? AND purpose = 'card_update' AND status = 'pending')",
        [case_id, case_id],
    ).rowcount
