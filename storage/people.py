"""Read-only questions about members that moderation asks (who is an expert,
when did someone join). The tables are written by the membership and expert
services."""
from __future__ import annotations

import sqlite_utils

from storage import experts


def joined_at(db: sqlite_utils.Database, user_id: str) -> float | None:
    row = db.execute("SELECT joined_at FROM members WHERE user_id = ?", [user_id]).fetchone()
    return row[0] if row else None


def is_expert(db: sqlite_utils.Database, user_id: str) -> bool:
    found = experts.get_expert(db, user_id)
    return found is not None and found.status in experts.ACTIVE
