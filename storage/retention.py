"""Data at rest: what is forgotten when the retention period ends.

Message text and event bodies go after `retention_days`. A snapshot is kept
while its case is open or an appeal on it is undecided; after that it is
purged like everything else. So are the other places a member's words (or a
moderator's words about them) sit: the case's masked excerpt, flag notes,
appeal texts, warning and suspension wording, and the arguments and results
of finished Slack calls (cards and DMs). The audit log is never purged
(append-only; it holds ids, rules and outcomes, not words).

Deleted bytes must not stay on disk: connections run with secure_delete
(storage/db.py), and a purge ends with a WAL checkpoint that truncates the
write-ahead log, which would otherwise keep old copies of the pages.
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
    case_words: int = 0  # rows of cases, flags, appeals, warnings, suspensions and outbox emptied
    wal_truncated: bool = True  # False: a reader held the WAL; the next purge tries again

# A case whose words may go: decided, every appeal on it decided, and its
# last change and its appeals' decisions older than the retention period.
_DONE_CASE = """SELECT c.id FROM cases c WHERE c.status != 'open' AND c.updated_at < :before
    AND NOT EXISTS (SELECT 1 FROM appeals a WHERE a.case_id = c.id
                    AND (a.outcome IS NULL OR coalesce(a.decided_at, 0) >= :before))"""
_OUTBOX_FINISHED = "status IN ('done', 'failed', 'cancelled')"

# (statement, what it empties). Each skips rows already emptied, so a purge
# that finds nothing writes nothing.
_WORDS = (
    f"UPDATE cases SET excerpt_masked = '' WHERE excerpt_masked != '' AND id IN ({_DONE_CASE})",
    f"UPDATE flags SET note = NULL WHERE note IS NOT NULL AND case_id IN ({_DONE_CASE})",
    f"UPDATE appeals SET text = '' WHERE text != '' AND case_id IN ({_DONE_CASE})",
    f"""UPDATE warnings SET message = '' WHERE message != '' AND issued_at < :before
        AND (case_id IN ({_DONE_CASE}) OR case_id IS NULL)""",
    f"""UPDATE suspensions SET reason = '' WHERE reason != '' AND starts_at < :before
        AND (case_id IN ({_DONE_CASE}) OR case_id IS NULL)""",
    f"""UPDATE outbox SET args = '{{}}', result = NULL, error = NULL
        WHERE {_OUTBOX_FINISHED} AND created_at < :before AND (args != '{{}}' OR result IS NOT NULL)
        AND (case_id IN ({_DONE_CASE}) OR case_id IS NULL)""",
)


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
        words = sum(db.execute(statement, {"before": before}).rowcount for statement in _WORDS)
    return Purged(messages, snapshots, events, activity, words, truncate_wal(db))


def truncate_wal(db: sqlite_utils.Database) -> bool:
    """Copy the write-ahead log into the database and empty it: until then it
    holds the pages as they were before the purge. False when another
    connection's read kept it from finishing."""
    busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0
