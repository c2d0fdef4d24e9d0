"""Data at rest: what is forgotten when the retention period ends.

Message text and event bodies go after `retention_days`. A snapshot is kept
while its case is open or an appeal on it is undecided; after that it is
purged like everything else. The audit log is never purged (append-only).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction

@dataclass(frozen=True)
class Purged:
    messages: int
    snapshots: int
    events: int
    author_activity: int


def purge(db: sqlite_utils.Database, *, before: float, activity_before: float) -> Purged:
    with transaction(db):
        messages = db.execute(
            """DELETE FROM messages WHERE seen_at < ?
               AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.channel = messages.channel AND c.ts = messages.ts
                               AND c.status = 'open')""",
            [before],
        ).rowcount
        snapshots = db.execute(
            """UPDATE snapshots SET text = NULL, files = '[]', edits = '[]', purged_at = ?
               WHERE purged_at IS NULL AND captured_at < ?
               AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.id = snapshots.case_id AND c.status = 'open')
               AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.case_id = snapshots.case_id AND a.outcome IS NULL)""",
            [before, before],
        ).rowcount
        events = db.execute(
            "UPDATE events SET body = '{}' WHERE status IN ('done', 'skipped', 'failed') AND received_at < ? AND body != '{}'",
            [before],
        ).rowcount
        activity = db.execute("DELETE FROM author_activity WHERE ts < ?", [activity_before]).rowcount
    return Purged(messages, snapshots, events, activity)
