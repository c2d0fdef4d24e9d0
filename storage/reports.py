"""Read-only questions about one member's standing, for /myactivity: flags
they made, warnings in force, a suspension. The moderation workflow writes
these tables; nothing here changes them."""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class FlagTally:
    made: int
    upheld: int  # moderators agreed the message broke a guideline
    pending: int  # not decided yet


@dataclass(frozen=True)
class ActiveWarning:
    guideline: str
    issued_at: float
    expires_at: float


@dataclass(frozen=True)
class ActiveSuspension:
    starts_at: float
    ends_at: float | None  # None: until a moderator lifts it
    reason: str


def flag_tally(db: sqlite_utils.Database, user: str) -> FlagTally:
    row = db.execute(
        "SELECT count(*), coalesce(sum(upheld = 1), 0), coalesce(sum(upheld IS NULL), 0) FROM flags WHERE flagger = ?",
        [user],
    ).fetchone()
    return FlagTally(made=row[0], upheld=row[1], pending=row[2])


def active_warnings(db: sqlite_utils.Database, user: str, *, now: float) -> list[ActiveWarning]:
    rows = db.execute(
        "SELECT guideline, issued_at, expires_at FROM warnings"
        " WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY expires_at",
        [user, now],
    ).fetchall()
    return [ActiveWarning(r[0], r[1], r[2]) for r in rows]


def active_suspension(db: sqlite_utils.Database, user: str, *, now: float) -> ActiveSuspension | None:
    """The suspension in force now (the one ending last, if several overlap)."""
    row = db.execute(
        "SELECT starts_at, ends_at, reason FROM suspensions"
        " WHERE user_id = ? AND lifted_at IS NULL AND starts_at <= ? AND (ends_at IS NULL OR ends_at > ?)"
        " ORDER BY ends_at IS NULL DESC, ends_at DESC LIMIT 1",
        [user, now, now],
    ).fetchone()
    return ActiveSuspension(row[0], row[1], row[2]) if row else None
