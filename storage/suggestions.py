"""Earlier questions for "has this been answered before?", the suggestions
made, what members and moderators said about them, and who opted out.

Every change to a question row takes the next `seq`, so an in-memory index
catches up with `changes_since(last seq)`; an answer count is read from the
expert programme's replies table (one answer per member, as it counts them).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction

_NEXT_SEQ = "(SELECT coalesce(max(seq), 0) + 1 FROM suggest_questions)"


@dataclass(frozen=True)
class QuestionChange:
    seq: int
    id: int
    text: str
    live: bool  # False: deleted, drop it from the index


@dataclass(frozen=True)
class EarlierQuestion:
    id: int
    channel: str
    ts: str
    user_id: str
    first_line: str
    answers: int
    deleted: bool


@dataclass(frozen=True)
class Suggestion:
    id: int
    channel: str
    ts: str
    asker: str
    matches: list[dict]  # [{"question": id, "score": float}], best first
    top_score: float
    threshold: float
    public: bool
    created_at: float


# -- the questions -----------------------------------------------------------
def record_question(
    db: sqlite_utils.Database, *, channel: str, ts: str, user: str, text: str, first_line: str, posted_at: float
) -> int | None:
    """Add a question, or take an edit of one; returns its id (None for a
    deleted question, which stays deleted)."""
    with transaction(db):
        row = db.execute(
            "SELECT id, text, deleted FROM suggest_questions WHERE channel = ? AND ts = ?", [channel, ts]
        ).fetchone()
        if row is None:
            cur = db.execute(
                "INSERT INTO suggest_questions (channel, ts, user_id, text, first_line, posted_at, seq)"
                f" VALUES (?, ?, ?, ?, ?, ?, {_NEXT_SEQ})",
                [channel, ts, user, text, first_line, posted_at],
            )
            return cur.lastrowid
        if row[2]:
            return None
        if row[1] != text:
            db.execute(
                f"UPDATE suggest_questions SET text = ?, first_line = ?, trimmed = 0, seq = {_NEXT_SEQ} WHERE id = ?",
                [text, first_line, row[0]],
            )
        return row[0]


def mark_deleted(db: sqlite_utils.Database, *, channel: str, ts: str) -> bool:
    """A deleted question is no longer visible in Slack: its words go now."""
    cur = db.execute(
        f"UPDATE suggest_questions SET deleted = 1, text = '', first_line = '', seq = {_NEXT_SEQ}"
        " WHERE channel = ? AND ts = ? AND deleted = 0",
        [channel, ts],
    )
    return cur.rowcount == 1


def trim_before(db: sqlite_utils.Database, *, before: float) -> int:
    """Retention: questions posted before `before` keep only their first line."""
    return db.execute(
        f"UPDATE suggest_questions SET text = first_line, trimmed = 1, seq = {_NEXT_SEQ}"
        " WHERE posted_at < ? AND trimmed = 0 AND deleted = 0",
        [before],
    ).rowcount


def max_seq(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT coalesce(max(seq), 0) FROM suggest_questions").fetchone()[0]


def count_changes_since(db: sqlite_utils.Database, seq: int) -> int:
    return db.execute("SELECT count(*) FROM suggest_questions WHERE seq > ?", [seq]).fetchone()[0]


def changes_since(db: sqlite_utils.Database, seq: int) -> list[QuestionChange]:
    rows = db.execute(
        "SELECT seq, id, text, deleted FROM suggest_questions WHERE seq > ? ORDER BY seq", [seq]
    ).fetchall()
    return [QuestionChange(r[0], r[1], r[2], not r[3]) for r in rows]


def live_questions(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute("SELECT id, text FROM suggest_questions WHERE deleted = 0 ORDER BY id")]


def earlier_questions(db: sqlite_utils.Database, ids: list[int]) -> dict[int, EarlierQuestion]:
    """The questions with these ids, each with its answer count."""
    if not ids:
        return {}
    marks = ",".join("?" for _ in ids)
    rows = db.execute(
        f"""SELECT q.id, q.channel, q.ts, q.user_id, q.first_line, q.deleted,
               (SELECT count(DISTINCT r.user_id) FROM replies r
                 WHERE r.channel = q.channel AND r.thread_ts = q.ts AND r.deleted = 0 AND r.user_id != q.user_id)
            FROM suggest_questions q WHERE q.id IN ({marks})""",
        list(ids),
    ).fetchall()
    return {r[0]: EarlierQuestion(r[0], r[1], r[2], r[3], r[4], r[6], bool(r[5])) for r in rows}


# -- suggestions and what people said about them -----------------------------------
_SUGGESTION_COLS = "id, channel, ts, asker, matches, top_score, threshold, public, created_at"


def _suggestion(row) -> Suggestion:
    return Suggestion(row[0], row[1], row[2], row[3], json.loads(row[4]), row[5], row[6], bool(row[7]), row[8])


def record_suggestion(
    db: sqlite_utils.Database,
    *,
    channel: str,
    ts: str,
    asker: str,
    matches: list[dict],
    threshold: float,
    public: bool,
    now: float,
) -> tuple[Suggestion, bool]:
    """The suggestion for the question at (channel, ts), once: (row, created)."""
    with transaction(db):
        cur = db.execute(
            "INSERT OR IGNORE INTO suggestions (channel, ts, asker, matches, top_score, threshold, public, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [channel, ts, asker, json.dumps(matches), matches[0]["score"], threshold, int(public), now],
        )
        row = db.execute(f"SELECT {_SUGGESTION_COLS} FROM suggestions WHERE channel = ? AND ts = ?", [channel, ts]).fetchone()
    return _suggestion(row), cur.rowcount == 1


def get_suggestion(db: sqlite_utils.Database, suggestion_id: int) -> Suggestion | None:
    row = db.execute(f"SELECT {_SUGGESTION_COLS} FROM suggestions WHERE id = ?", [suggestion_id]).fetchone()
    return _suggestion(row) if row else None


def record_feedback(
    db: sqlite_utils.Database, *, suggestion_id: int, user: str, role: str, now: float, verdict: str = "not_related"
) -> bool:
    """True the first time this person marks this suggestion."""
    cur = db.execute(
        "INSERT OR IGNORE INTO suggestion_feedback (suggestion_id, user_id, role, verdict, created_at) VALUES (?, ?, ?, ?, ?)",
        [suggestion_id, user, role, verdict, now],
    )
    return cur.rowcount == 1


def feedback(db: sqlite_utils.Database, suggestion_id: int) -> list[tuple[str, str]]:
    """(user, role) of everyone who marked this suggestion, oldest first."""
    return [(r[0], r[1]) for r in db.execute(
        "SELECT user_id, role FROM suggestion_feedback WHERE suggestion_id = ? ORDER BY rowid", [suggestion_id]
    )]


def outcomes_since(db: sqlite_utils.Database, *, since: float) -> list[tuple[float, bool]]:
    """(top score, marked not related) for each suggestion made since `since`."""
    rows = db.execute(
        """SELECT s.top_score, EXISTS (SELECT 1 FROM suggestion_feedback f
                                       WHERE f.suggestion_id = s.id AND f.verdict = 'not_related')
           FROM suggestions s WHERE s.created_at >= ?""",
        [since],
    ).fetchall()
    return [(r[0], bool(r[1])) for r in rows]


def purge_suggestions(db: sqlite_utils.Database, *, before: float) -> int:
    with transaction(db):
        db.execute(
            "DELETE FROM suggestion_feedback WHERE suggestion_id IN (SELECT id FROM suggestions WHERE created_at < ?)",
            [before],
        )
        return db.execute("DELETE FROM suggestions WHERE created_at < ?", [before]).rowcount


# -- opting out ----------------------------------------------------------------
def set_opted_out(db: sqlite_utils.Database, *, user: str, opted_out: bool, now: float) -> bool:
    """True when the member's choice changed."""
    if opted_out:
        cur = db.execute("INSERT OR IGNORE INTO suggestion_optouts (user_id, created_at) VALUES (?, ?)", [user, now])
    else:
        cur = db.execute("DELETE FROM suggestion_optouts WHERE user_id = ?", [user])
    return cur.rowcount == 1


def is_opted_out(db: sqlite_utils.Database, user: str) -> bool:
    return db.execute("SELECT 1 FROM suggestion_optouts WHERE user_id = ?", [user]).fetchone() is not None
