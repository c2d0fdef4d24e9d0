"""Newcomers: when a member joined and whether they were welcomed (the
members table's joined_at and welcomed_at). Other member columns belong to
the moderation workflow and are left alone."""
from __future__ import annotations

import sqlite_utils


def note_joined(db: sqlite_utils.Database, *, user: str, now: float) -> None:
    """Remember the first time we saw `user` join the workspace."""
    db.execute(
        "INSERT INTO members (user_id, joined_at, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(user_id) DO UPDATE SET joined_at = coalesce(members.joined_at, excluded.joined_at)",
        [user, now, now],
    )


def welcomed_at(db: sqlite_utils.Database, user: str) -> float | None:
    row = db.execute("SELECT welcomed_at FROM members WHERE user_id = ?", [user]).fetchone()
    return row[0] if row else None


def mark_welcomed(db: sqlite_utils.Database, *, user: str, now: float) -> bool:
    """Record the welcome; True only the first time, ever."""
    cur = db.execute(
        "INSERT INTO members (user_id, welcomed_at, updated_at) VALUES (?, ?, ?)"
        " ON CONFLICT(user_id) DO UPDATE SET welcomed_at = excluded.welcomed_at WHERE members.welcomed_at IS NULL",
        [user, now, now],
    )
    return cur.rowcount == 1
