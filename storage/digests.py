"""The digest message in the moderator channel: one open at a time per
channel, saying how many low-severity case cards wait to be posted."""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction


@dataclass(frozen=True)
class Digest:
    id: int
    channel: str
    waiting: int
    opened_at: float
    closed_at: float | None


def current(db: sqlite_utils.Database, *, channel: str) -> Digest | None:
    row = db.execute("SELECT id, channel, waiting, opened_at, closed_at FROM card_digests"
                     " WHERE channel = ? AND closed_at IS NULL ORDER BY id DESC LIMIT 1", [channel]).fetchone()
    return Digest(*row) if row else None


def open_digest(db: sqlite_utils.Database, *, channel: str, waiting: int, now: float) -> tuple[Digest, bool]:
    """The open digest of `channel`, opened if there is none; returns (digest, created)."""
    with transaction(db):
        found = current(db, channel=channel)
        if found is not None:
            return found, False
        db.execute("INSERT INTO card_digests (channel, waiting, opened_at) VALUES (?, ?, ?)", [channel, waiting, now])
        digest = current(db, channel=channel)
    assert digest is not None
    return digest, True


def set_waiting(db: sqlite_utils.Database, digest_id: int, *, waiting: int, now: float, close: bool) -> bool:
    """A new count (and, at zero, the digest closed); False if it said so already."""
    return db.execute(
        "UPDATE card_digests SET waiting = ?, closed_at = CASE WHEN ? THEN ? ELSE closed_at END"
        " WHERE id = ? AND closed_at IS NULL AND (waiting != ? OR ?)",
        [waiting, close, now, digest_id, waiting, close]).rowcount == 1
