"""Messages seen, kept until the retention period ends, so that a case can
snapshot the text (and its edits) before anything is removed."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class StoredMessage:
    channel: str
    ts: str
    author: str | None
    thread_ts: str | None
    text: str | None
    files: list
    edits: list
    seen_at: float
    deleted: bool


def remember(
    db: sqlite_utils.Database,
    *,
    channel: str,
    ts: str,
    author: str,
    thread_ts: str | None,
    text: str,
    files: list,
    edited: bool,
    now: float,
) -> None:
    row = db.execute("SELECT text, edits FROM messages WHERE channel = ? AND ts = ?", [channel, ts]).fetchone()
    if row is None:
        db.execute(
            "INSERT OR IGNORE INTO messages (channel, ts, author, thread_ts, text, files, seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [channel, ts, author, thread_ts, text, json.dumps(files), now],
        )
        return
    if edited and row[0] != text:
        edits = json.loads(row[1])
        edits.append({"text": row[0], "replaced_at": now})
        db.execute(
            "UPDATE messages SET text = ?, edits = ?, files = ? WHERE channel = ? AND ts = ?",
            [text, json.dumps(edits[-20:]), json.dumps(files), channel, ts],
        )


def get(db: sqlite_utils.Database, *, channel: str, ts: str) -> StoredMessage | None:
    row = db.execute(
        "SELECT channel, ts, author, thread_ts, text, files, edits, seen_at, deleted FROM messages WHERE channel = ? AND ts = ?",
        [channel, ts],
    ).fetchone()
    if row is None:
        return None
    return StoredMessage(row[0], row[1], row[2], row[3], row[4], json.loads(row[5]), json.loads(row[6]), row[7], bool(row[8]))


def mark_deleted(db: sqlite_utils.Database, *, channel: str, ts: str) -> None:
    db.execute("UPDATE messages SET deleted = 1 WHERE channel = ? AND ts = ?", [channel, ts])
