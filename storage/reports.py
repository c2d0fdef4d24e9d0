"""Read-only questions about one member's standing, for /myactivity: flags
they made, warnings in force, a suspension. The moderation workflow writes
these tables; nothing here changes them."""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from storage import sanctions


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
    found = sanctions.active_warnings(db, user_id=user, now=now)
    return [ActiveWarning(w.guideline, w.issued_at, w.expires_at) for w in sorted(found, key=lambda w: w.expires_at)]


def active_suspension(db: sqlite_utils.Database, user: str, *, now: float) -> ActiveSuspension | None:
    """The suspension in force now (the one ending last, if several overlap)."""
    found = sanctions.active_suspension(db, user_id=user, now=now)
    return ActiveSuspension(found.starts_at, found.ends_at, found.reason) if found else None
