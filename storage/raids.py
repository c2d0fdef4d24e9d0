"""New members' recent posts (a fingerprint and a link count, no words),
for spotting a raid: many new accounts posting links or the same text."""
from __future__ import annotations

import sqlite_utils


def record_post(db: sqlite_utils.Database, *, user: str, channel: str, ts: str, fingerprint: str, links: int,
                at: float, keep_s: float) -> None:
    db.execute("INSERT OR IGNORE INTO new_member_posts (user_id, channel, ts, fingerprint, links, at)"
               " VALUES (?, ?, ?, ?, ?, ?)", [user, channel, ts, fingerprint, links, at])
    db.execute("DELETE FROM new_member_posts WHERE at < ?", [at - keep_s])


def raid_posts(db: sqlite_utils.Database, *, fingerprint: str, since: float, min_accounts: int
               ) -> list[tuple[str, str, str, float]]:
    """(channel, ts, user, at) of the posts that make a raid, if there is one
    since `since`: those with a link, when at least `min_accounts` new
    accounts posted links; or those with this text, when that many posted it."""
    for where, params in (("links > 0", []), ("fingerprint = ?", [fingerprint])):
        rows = db.execute(f"SELECT channel, ts, user_id, at FROM new_member_posts WHERE at >= ? AND {where}"
                          " ORDER BY at, rowid", [since, *params]).fetchall()
        if len({r[2] for r in rows}) >= min_accounts:
            return [(r[0], r[1], r[2], r[3]) for r in rows]
    return []
