"""The event inbox: Slack events on disk before they are acknowledged.

Slack does not resend an event it got an acknowledgement for, so the inbox is
written first; a worker processes pending rows in arrival order, and a
restart picks up whatever was left pending.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction


@dataclass(frozen=True)
class InboxEvent:
    event_id: str
    event_type: str
    body: dict
    received_at: float
    attempts: int


def record_event(
    db: sqlite_utils.Database,
    *,
    event_id: str,
    event_type: str,
    body: str,
    now: float,
    retry_num: int | None = None,
    retry_reason: str | None = None,
) -> bool:
    """Store an event; True if it is new, False for a redelivery.

    A redelivery only bumps the delivery counter, so the record shows how
    often Slack retried while the work is done once.
    """
    with transaction(db):
        cur = db.execute(
            "INSERT OR IGNORE INTO events (event_id, event_type, body, received_at, last_retry_num, last_retry_reason)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [event_id, event_type, body, now, retry_num, retry_reason],
        )
        if cur.rowcount == 1:
            return True
        db.execute(
            "UPDATE events SET deliveries = deliveries + 1, last_retry_num = ?, last_retry_reason = ?"
            " WHERE event_id = ?",
            [retry_num, retry_reason, event_id],
        )
        return False


def pending_events(db: sqlite_utils.Database, *, limit: int = 100, max_attempts: int = 5) -> list[InboxEvent]:
    rows = db.execute(
        "SELECT event_id, event_type, body, received_at, attempts FROM events"
        " WHERE status = 'pending' AND attempts < ? ORDER BY received_at, rowid LIMIT ?",
        [max_attempts, limit],
    ).fetchall()
    return [InboxEvent(r[0], r[1], json.loads(r[2]), r[3], r[4]) for r in rows]


def mark_attempt(db: sqlite_utils.Database, event_id: str) -> None:
    db.execute("UPDATE events SET attempts = attempts + 1 WHERE event_id = ?", [event_id])


def mark_done(db: sqlite_utils.Database, event_id: str, *, now: float, status: str = "done") -> None:
    db.execute(
        "UPDATE events SET status = ?, processed_at = ?, error = NULL WHERE event_id = ?",
        [status, now, event_id],
    )


def mark_failed(db: sqlite_utils.Database, event_id: str, *, now: float, error: str, final: bool) -> None:
    db.execute(
        "UPDATE events SET status = ?, processed_at = ?, error = ? WHERE event_id = ?",
        ["failed" if final else "pending", now, error[:500], event_id],
    )


def event_status(db: sqlite_utils.Database, event_id: str) -> dict | None:
    row = db.execute(
        "SELECT status, deliveries, attempts, error FROM events WHERE event_id = ?", [event_id]
    ).fetchone()
    if row is None:
        return None
    return {"status": row[0], "deliveries": row[1], "attempts": row[2], "error": row[3]}


def count_by_status(db: sqlite_utils.Database) -> dict[str, int]:
    return dict(db.execute("SELECT status, count(*) FROM events GROUP BY status").fetchall())
