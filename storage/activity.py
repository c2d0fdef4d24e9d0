"""Questions and answers per member and month, and recent posts for the
spam checks (policies.model.ActivityView on SQLite)."""
from __future__ import annotations

import sqlite_utils


def record_question(db: sqlite_utils.Database, *, channel: str, ts: str, user: str, month: str) -> bool:
    cur = db.execute(
        "INSERT OR IGNORE INTO questions (channel, ts, user_id, month) VALUES (?, ?, ?, ?)",
        [channel, ts, user, month],
    )
    return cur.rowcount == 1


def record_reply(
    db: sqlite_utils.Database, *, channel: str, ts: str, thread_ts: str, user: str, month: str
) -> bool:
    cur = db.execute(
        "INSERT OR IGNORE INTO replies (channel, ts, thread_ts, user_id, month) VALUES (?, ?, ?, ?, ?)",
        [channel, ts, thread_ts, user, month],
    )
    return cur.rowcount == 1


def mark_deleted(db: sqlite_utils.Database, *, channel: str, ts: str) -> None:
    """A deleted question or reply takes its count back."""
    db.execute("UPDATE questions SET deleted = 1 WHERE channel = ? AND ts = ?", [channel, ts])
    db.execute("UPDATE replies SET deleted = 1 WHERE channel = ? AND ts = ?", [channel, ts])


# An answer: a live reply in a live question's thread by someone other than
# the asker; one per question per member, in the month of their first reply.
_ANSWERS = """
    SELECT r.user_id AS user_id, r.channel AS channel, r.thread_ts AS thread_ts, min(r.month) AS month
    FROM replies r JOIN questions q ON q.channel = r.channel AND q.ts = r.thread_ts
    WHERE r.deleted = 0 AND q.deleted = 0 AND r.user_id != q.user_id
    GROUP BY r.user_id, r.channel, r.thread_ts
"""


def answers_in_month(db: sqlite_utils.Database, *, user: str, month: str) -> int:
    row = db.execute(
        f"SELECT count(*) FROM ({_ANSWERS}) WHERE user_id = ? AND month = ?", [user, month]
    ).fetchone()
    return row[0]


def answers_by_month(db: sqlite_utils.Database, *, user: str, months: list[str]) -> dict[str, int]:
    counts = {m: 0 for m in months}
    if not months:
        return counts
    marks = ",".join("?" for _ in months)
    for month, n in db.execute(
        f"SELECT month, count(*) FROM ({_ANSWERS}) WHERE user_id = ? AND month IN ({marks}) GROUP BY month",
        [user, *months],
    ).fetchall():
        counts[month] = n
    return counts


def top_answerers(db: sqlite_utils.Database, *, month: str, limit: int = 10) -> list[tuple[str, int]]:
    return [
        (r[0], r[1])
        for r in db.execute(
            f"SELECT user_id, count(*) AS n FROM ({_ANSWERS}) WHERE month = ?"
            " GROUP BY user_id ORDER BY n DESC, user_id LIMIT ?",
            [month, limit],
        ).fetchall()
    ]


def answered_threads(db: sqlite_utils.Database, *, user: str, month: str) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in db.execute(
            f"SELECT channel, thread_ts FROM ({_ANSWERS}) WHERE user_id = ? AND month = ? ORDER BY thread_ts",
            [user, month],
        ).fetchall()
    ]


class SqliteActivity:
    """policies.model.ActivityView backed by the author_activity table."""

    def __init__(self, db: sqlite_utils.Database):
        self.db = db

    def record(self, *, user: str, channel: str, ts: float, fingerprint: str, links: int) -> None:
        self.db.execute(
            "INSERT INTO author_activity (user_id, channel, ts, fingerprint, links) VALUES (?, ?, ?, ?, ?)",
            [user, channel, ts, fingerprint, links],
        )

    def count_since(self, *, user: str, since: float) -> int:
        return self.db.execute(
            "SELECT count(*) FROM author_activity WHERE user_id = ? AND ts >= ?", [user, since]
        ).fetchone()[0]

    def channels_with_fingerprint(self, *, user: str, fingerprint: str, since: float) -> set[str]:
        rows = self.db.execute(
            "SELECT DISTINCT channel FROM author_activity WHERE user_id = ? AND fingerprint = ? AND ts >= ?",
            [user, fingerprint, since],
        ).fetchall()
        return {r[0] for r in rows}

    def links_since(self, *, user: str, since: float) -> int:
        return self.db.execute(
            "SELECT coalesce(sum(links), 0) FROM author_activity WHERE user_id = ? AND ts >= ?", [user, since]
        ).fetchone()[0]


def prune_author_activity(db: sqlite_utils.Database, *, before: float) -> int:
    return db.execute("DELETE FROM author_activity WHERE ts < ?", [before]).rowcount
