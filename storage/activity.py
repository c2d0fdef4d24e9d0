"""Questions and answers per member and month, and recent posts for the
spam checks (policies.model.ActivityView on SQLite)."""
from __future__ import annotations

from dataclasses import dataclass

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
# the asker; one per question per member, in the month of their first live
# reply (answered_at is that reply's Slack timestamp, in Unix seconds).
_ANSWERS = """
    SELECT r.user_id AS user_id, r.channel AS channel, r.thread_ts AS thread_ts, min(r.month) AS month,
           min(CAST(r.ts AS REAL)) AS answered_at, q.user_id AS asker
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


def answers_between(db: sqlite_utils.Database, *, user: str, start: float, end: float) -> int:
    """Answers whose first reply was posted in [start, end) (Unix seconds)."""
    return db.execute(
        f"SELECT count(*) FROM ({_ANSWERS}) WHERE user_id = ? AND answered_at >= ? AND answered_at < ?",
        [user, start, end],
    ).fetchone()[0]


def questions_in_month(db: sqlite_utils.Database, *, user: str, month: str) -> int:
    return db.execute(
        "SELECT count(*) FROM questions WHERE user_id = ? AND month = ? AND deleted = 0", [user, month]
    ).fetchone()[0]


@dataclass(frozen=True)
class BestAnswer:
    channel: str
    thread_ts: str
    answer_ts: str  # the member's first live reply in the thread
    asker_followups: int  # the asker's replies after it (a follow-up, a thank-you)
    later_replies: int  # everyone's replies after it


def best_answers(db: sqlite_utils.Database, *, user: str, month: str, limit: int = 3) -> list[BestAnswer]:
    """A member's best-received answers of a month.

    "Best received" is measured from the thread itself, which modbot already
    records: an answer the asker came back to (to follow up or to say thanks)
    ranks above one they never replied to; ties go to the livelier thread,
    then to the earlier answer.
    """
    rows = db.execute(
        f"""
        SELECT a.channel, a.thread_ts,
               (SELECT r.ts FROM replies r WHERE r.channel = a.channel AND r.thread_ts = a.thread_ts
                  AND r.user_id = a.user_id AND r.deleted = 0 ORDER BY CAST(r.ts AS REAL) LIMIT 1) AS answer_ts,
               (SELECT count(*) FROM replies f WHERE f.channel = a.channel AND f.thread_ts = a.thread_ts
                  AND f.user_id = a.asker AND f.deleted = 0 AND CAST(f.ts AS REAL) > a.answered_at) AS followups,
               (SELECT count(*) FROM replies l WHERE l.channel = a.channel AND l.thread_ts = a.thread_ts
                  AND l.deleted = 0 AND CAST(l.ts AS REAL) > a.answered_at) AS later
        FROM ({_ANSWERS}) a
        WHERE a.user_id = ? AND a.month = ?
        ORDER BY followups DESC, later DESC, a.answered_at
        LIMIT ?
        """,
        [user, month, limit],
    ).fetchall()
    return [BestAnswer(r[0], r[1], r[2], r[3], r[4]) for r in rows]


class SqliteActivity:
    """policies.model.ActivityView backed by the author_activity table.

    `cleared`: per member, a time up to which their posts no longer count
    (a moderator dismissed their flood: the same posts must not make the
    next message look like the flood again)."""

    def __init__(self, db: sqlite_utils.Database, *, cleared: dict[str, float] | None = None):
        self.db = db
        self.cleared = cleared or {}

    def _since(self, user: str, since: float) -> tuple[str, list]:
        """The WHERE clause for the member's posts since `since` that still count."""
        floor = self.cleared.get(user)
        if floor is None:
            return "user_id = ? AND ts >= ?", [user, since]
        return "user_id = ? AND ts >= ? AND ts > ?", [user, since, floor]

    def record(self, *, user: str, channel: str, ts: float, fingerprint: str, links: int) -> None:
        self.db.execute(
            "INSERT INTO author_activity (user_id, channel, ts, fingerprint, links) VALUES (?, ?, ?, ?, ?)",
            [user, channel, ts, fingerprint, links],
        )

    def count_since(self, *, user: str, since: float) -> int:
        where, params = self._since(user, since)
        return self.db.execute(f"SELECT count(*) FROM author_activity WHERE {where}", params).fetchone()[0]

    def channels_with_fingerprint(self, *, user: str, fingerprint: str, since: float) -> set[str]:
        where, params = self._since(user, since)
        rows = self.db.execute(
            f"SELECT DISTINCT channel FROM author_activity WHERE {where} AND fingerprint = ?", [*params, fingerprint],
        ).fetchall()
        return {r[0] for r in rows}

    def links_since(self, *, user: str, since: float) -> int:
        where, params = self._since(user, since)
        return self.db.execute(
            f"SELECT coalesce(sum(links), 0) FROM author_activity WHERE {where}", params).fetchone()[0]
