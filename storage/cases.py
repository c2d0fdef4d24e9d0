"""Cases: one per message (channel + ts), with the findings and flags that
brought it here, the snapshot taken before removal, and the decision.

Every state change is one conditional UPDATE, so two moderators clicking at
once cannot both succeed: the loser's UPDATE matches no row and the caller
reads who won.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction

_CASE_COLUMNS = (
    "id, channel, ts, author, status, severity, source, excerpt_masked, message_removed, removed_reason,"
    " flag_weight, card_channel, card_ts, handled_by, handled_action, handled_at, escalated, version,"
    " created_at, updated_at, removal, removal_error, removed_by, escalated_by, escalated_at, notes,"
    " removal_reversed_by, permalink, kind"
)

SEVERITY_ORDER = ("low", "medium", "high", "critical")
# A later finding can raise a case's severity, never lower it (params: its index, its name).
_RAISE_SEVERITY = ("severity = CASE WHEN ? > (CASE severity WHEN 'low' THEN 0 WHEN 'medium' THEN 1"
                   " WHEN 'high' THEN 2 ELSE 3 END) THEN ? ELSE severity END")


@dataclass(frozen=True)
class Case:
    id: int
    channel: str
    ts: str
    author: str | None
    status: str  # open | closed | dismissed
    severity: str
    source: str  # auto | flag
    excerpt_masked: str
    message_removed: bool
    removed_reason: str | None  # auto | flags | moderator | suspended
    flag_weight: float
    card_channel: str | None
    card_ts: str | None
    handled_by: str | None
    handled_action: str | None  # warn | suspend | dismiss | close
    handled_at: float | None
    escalated: bool
    version: int
    created_at: float
    updated_at: float
    removal: str  # none | pending | done | failed
    removal_error: str | None
    removed_by: str | None
    escalated_by: str | None
    escalated_at: float | None
    notes: int
    removal_reversed_by: str | None = None  # a moderator who upheld the member's appeal of the removal
    permalink: str | None = None  # the message's link from Slack, stored when the case opened
    kind: str = "message"  # message | flood | raid: a flood or a raid stands for many messages (case_messages)

    @property
    def is_open(self) -> bool:
        return self.status == "open"


def _case(row) -> Case:
    return Case(
        id=row[0], channel=row[1], ts=row[2], author=row[3], status=row[4], severity=row[5], source=row[6],
        excerpt_masked=row[7], message_removed=bool(row[8]), removed_reason=row[9], flag_weight=row[10],
        card_channel=row[11], card_ts=row[12], handled_by=row[13], handled_action=row[14], handled_at=row[15],
        escalated=bool(row[16]), version=row[17], created_at=row[18], updated_at=row[19], removal=row[20],
        removal_error=row[21], removed_by=row[22], escalated_by=row[23], escalated_at=row[24], notes=row[25],
        removal_reversed_by=row[26], permalink=row[27], kind=row[28],
    )


@dataclass(frozen=True)
class StoredFinding:
    id: int
    case_id: int
    category: str
    rule: str
    score: float
    severity: str
    start: int
    end: int
    explanation: str
    action: str
    shadow: bool
    message_version: str | None
    created_at: float


@dataclass(frozen=True)
class Flag:
    id: int
    case_id: int
    flagger: str
    reason: str
    note: str | None
    weight: float
    created_at: float
    upheld: bool | None


@dataclass(frozen=True)
class Snapshot:
    id: int
    case_id: int
    channel: str
    ts: str
    author: str | None
    text: str | None
    files: list
    edits: list
    posted_at: float | None
    captured_at: float


@dataclass(frozen=True)
class AuthorHistory:
    earlier_cases: int
    earlier_actioned: int


# -- cases -------------------------------------------------------------------

def get(db: sqlite_utils.Database, case_id: int) -> Case | None:
    row = db.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE id = ?", [case_id]).fetchone()
    return _case(row) if row else None


def for_message(db: sqlite_utils.Database, *, channel: str, ts: str) -> Case | None:
    row = db.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE channel = ? AND ts = ?", [channel, ts]).fetchone()
    return _case(row) if row else None


@dataclass(frozen=True)
class GroupSummary:
    """What a flood or raid case stands for."""

    messages: int
    first_at: float
    last_at: float
    channels: tuple[str, ...]  # in the order they were first seen
    authors: tuple[str, ...]


def open_group(
    db: sqlite_utils.Database,
    *,
    kind: str,
    channel: str,
    ts: str,
    author: str | None,
    group_key: str,
    excerpt_masked: str,
    severity: str,
    window_s: float,
    now: float,
    at: float,
) -> tuple[Case, bool, bool]:
    """The open flood or raid case `group_key` names (an author, or a raid's
    text) that grew within the last `window_s` seconds, or a new one opened
    on this message; the message joins it. Returns (case, created, joined):
    joined is False when this message was already in it (a redelivery).
    `at` is when the message was posted (its Slack ts)."""
    with transaction(db):
        row = db.execute(
            f"SELECT {_CASE_COLUMNS} FROM cases WHERE kind = ? AND author IS ? AND status = 'open' AND updated_at >= ?"
            " ORDER BY id DESC LIMIT 1", [kind, group_key, now - window_s]).fetchone()
        already = db.execute("SELECT case_id FROM case_messages WHERE channel = ? AND ts = ?", [channel, ts]).fetchone()
        if already is not None:
            found = get(db, already[0])
            assert found is not None
            return found, False, False
        created = row is None
        if created:
            case_id = db.execute(
                "INSERT INTO cases (channel, ts, author, source, excerpt_masked, severity, created_at, updated_at, kind)"
                " VALUES (?, ?, ?, 'auto', ?, ?, ?, ?, ?)",
                [channel, ts, group_key, excerpt_masked, severity, now, now, kind]).lastrowid
        else:
            case_id = row[0]
        db.execute("INSERT INTO case_messages (case_id, channel, ts, author, at) VALUES (?, ?, ?, ?, ?)",
                   [case_id, channel, ts, author, at])
        case = get(db, case_id)
    assert case is not None
    return case, created, True


def join_group(db: sqlite_utils.Database, case_id: int, messages: list[tuple[str, str, str, float]]) -> int:
    """Earlier messages (channel, ts, author, at) join a flood or raid case; returns how many were new."""
    return sum(db.execute("INSERT OR IGNORE INTO case_messages (case_id, channel, ts, author, at) VALUES (?, ?, ?, ?, ?)",
                          [case_id, *m]).rowcount for m in messages)


def merge_into_group(db: sqlite_utils.Database, *, messages: list[tuple[str, str]], now: float) -> list[int]:
    """The cases of single messages (channel, ts) that a raid case now
    stands for, closed as merged: only those opened by the checks and not
    yet touched (no decision, no removal, no flags). Returns their ids."""
    merged = []
    with transaction(db):
        for channel, ts in messages:
            row = db.execute(
                "UPDATE cases SET status = 'closed', handled_action = 'merged', handled_by = 'modbot', handled_at = ?,"
                " version = version + 1, updated_at = ? WHERE channel = ? AND ts = ? AND kind = 'message'"
                " AND status = 'open' AND source = 'auto' AND removal = 'none' AND flag_weight = 0 RETURNING id",
                [now, now, channel, ts]).fetchone()
            if row is not None:
                merged.append(row[0])
    return merged


def open_group_for(db: sqlite_utils.Database, *, kind: str, author: str) -> Case | None:
    row = db.execute(f"SELECT {_CASE_COLUMNS} FROM cases WHERE kind = ? AND author = ? AND status = 'open'"
                     " ORDER BY id DESC LIMIT 1", [kind, author]).fetchone()
    return _case(row) if row else None


def group_summary(db: sqlite_utils.Database, case_id: int) -> GroupSummary:
    n, first, last = db.execute("SELECT count(*), min(at), max(at) FROM case_messages WHERE case_id = ?",
                                [case_id]).fetchone()
    channels = tuple(r[0] for r in db.execute(
        "SELECT channel FROM case_messages WHERE case_id = ? GROUP BY channel ORDER BY min(at), min(rowid)", [case_id]))
    authors = tuple(r[0] for r in db.execute(
        "SELECT author FROM case_messages WHERE case_id = ? AND author IS NOT NULL GROUP BY author ORDER BY min(at), min(rowid)",
        [case_id]))
    return GroupSummary(n, first or 0.0, last or 0.0, channels, authors)


def group_messages(db: sqlite_utils.Database, case_id: int, *, removed: bool | None = None) -> list[tuple[str, str, str | None]]:
    """(channel, ts, author) of each message in a flood or raid case, oldest first."""
    where = "" if removed is None else f" AND removed = {int(removed)}"
    return [(r[0], r[1], r[2]) for r in db.execute(
        f"SELECT channel, ts, author FROM case_messages WHERE case_id = ?{where} ORDER BY at, rowid", [case_id])]


def group_messages_since(db: sqlite_utils.Database, case_id: int, *, author: str, since: float) -> int:
    """Messages by `author` in the case since `since`, not counting removed ones (slow mode's count)."""
    return db.execute("SELECT count(*) FROM case_messages WHERE case_id = ? AND author = ? AND at >= ? AND removed = 0",
                      [case_id, author, since]).fetchone()[0]


def mark_group_message_removed(db: sqlite_utils.Database, *, channel: str, ts: str) -> bool:
    return db.execute("UPDATE case_messages SET removed = 1 WHERE channel = ? AND ts = ? AND removed = 0",
                      [channel, ts]).rowcount == 1


def unmark_group_messages_removed(db: sqlite_utils.Database, messages: list[tuple[str, str]]) -> int:
    """Messages whose removal was cancelled before it was made: they are up,
    and count again as the flood's (channel, ts)."""
    return sum(db.execute("UPDATE case_messages SET removed = 0 WHERE channel = ? AND ts = ? AND removed = 1",
                          [channel, ts]).rowcount for channel, ts in messages)


def group_answer_allowed(db: sqlite_utils.Database, case_id: int) -> bool:
    """May the case still have its messages removed? Not once it was
    dismissed (read inside the caller's transaction, which the dismissal's
    serialises with)."""
    row = db.execute("SELECT status FROM cases WHERE id = ?", [case_id]).fetchone()
    return row is not None and row[0] != "dismissed"


def flood_dismissed_through(db: sqlite_utils.Database, *, author: str) -> float | None:
    """Up to when the author's activity was cleared by a moderator dismissing
    their flood: the later of the dismissal and the flood's newest message
    (Slack's clock and ours need not agree), for the newest such case."""
    row = db.execute(
        "SELECT max(max(coalesce(c.handled_at, 0), coalesce((SELECT max(m.at) FROM case_messages m"
        " WHERE m.case_id = c.id), 0))) FROM cases c WHERE c.kind = 'flood' AND c.author = ? AND c.status = 'dismissed'",
        [author]).fetchone()
    return row[0] if row and row[0] else None


def grew(db: sqlite_utils.Database, case_id: int, *, severity: str, now: float) -> None:
    """A flood or raid case took another message: a new version (its card updates), never a lower severity."""
    db.execute(
        f"UPDATE cases SET {_RAISE_SEVERITY}, version = version + 1, updated_at = ?"
        " WHERE id = ?", [SEVERITY_ORDER.index(severity), severity, now, case_id])


def open_case(
    db: sqlite_utils.Database,
    *,
    channel: str,
    ts: str,
    author: str | None,
    source: str,
    excerpt_masked: str,
    severity: str,
    now: float,
) -> tuple[Case, bool]:
    """The case for this message, created if needed; returns (case, created).

    The number is the rowid, allocated by SQLite inside the write lock.
    """
    with transaction(db):
        # Look first: with AUTOINCREMENT an ignored INSERT would still use up
        # a number, leaving gaps (#1, #3). The write lock makes this safe.
        exists = db.execute("SELECT 1 FROM cases WHERE channel = ? AND ts = ?", [channel, ts]).fetchone()
        created = exists is None
        if created:
            db.execute(
                "INSERT INTO cases (channel, ts, author, source, excerpt_masked, severity, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [channel, ts, author, source, excerpt_masked, severity, now, now],
            )
        else:
            # A later finding can raise the severity and refresh the excerpt
            # (an edit), never lower it.
            db.execute(
                f"UPDATE cases SET {_RAISE_SEVERITY},"
                " excerpt_masked = CASE WHEN ? != '' THEN ? ELSE excerpt_masked END,"
                " author = coalesce(author, ?), version = version + 1, updated_at = ? WHERE channel = ? AND ts = ?",
                [SEVERITY_ORDER.index(severity), severity, excerpt_masked, excerpt_masked, author, now, channel, ts],
            )
        case = for_message(db, channel=channel, ts=ts)
    assert case is not None  # inserted or found above, inside the write lock
    return case, created


def set_card(db: sqlite_utils.Database, case_id: int, *, channel: str, ts: str) -> None:
    db.execute("UPDATE cases SET card_channel = ?, card_ts = ? WHERE id = ?", [channel, ts, case_id])


def set_permalink(db: sqlite_utils.Database, case_id: int, *, permalink: str) -> None:
    db.execute("UPDATE cases SET permalink = ? WHERE id = ? AND permalink IS NULL", [permalink, case_id])


def for_card(db: sqlite_utils.Database, *, channel: str, ts: str) -> Case | None:
    row = db.execute(
        f"SELECT {_CASE_COLUMNS} FROM cases WHERE card_channel = ? AND card_ts = ?", [channel, ts]
    ).fetchone()
    return _case(row) if row else None


def touch(db: sqlite_utils.Database, case_id: int, *, now: float) -> None:
    db.execute("UPDATE cases SET version = version + 1, updated_at = ? WHERE id = ?", [now, case_id])


# -- removal -----------------------------------------------------------------

def claim_removal(db: sqlite_utils.Database, case_id: int, *, by: str, reason: str, now: float) -> bool:
    """none/failed -> pending; False if a removal is under way, done, or the case was dismissed."""
    cur = db.execute(
        "UPDATE cases SET removal = 'pending', removal_error = NULL, removed_by = ?, removed_reason = ?,"
        " version = version + 1, updated_at = ?"
        " WHERE id = ? AND removal IN ('none', 'failed') AND status != 'dismissed'",
        [by, reason, now, case_id],
    )
    return cur.rowcount == 1


def removal_failed(db: sqlite_utils.Database, case_id: int, *, error: str, by: str | None, reason: str | None,
                   now: float) -> bool:
    """Record that the message could not be removed (no token, Slack refused)."""
    cur = db.execute(
        "UPDATE cases SET removal = 'failed', removal_error = ?, removed_by = coalesce(?, removed_by),"
        " removed_reason = coalesce(?, removed_reason), version = version + 1, updated_at = ?"
        " WHERE id = ? AND removal IN ('none', 'pending', 'failed')",
        [error, by, reason, now, case_id],
    )
    return cur.rowcount == 1


def removal_done(db: sqlite_utils.Database, case_id: int, *, now: float) -> bool:
    cur = db.execute(
        "UPDATE cases SET removal = 'done', removal_error = NULL, message_removed = 1, version = version + 1,"
        " updated_at = ? WHERE id = ? AND removal != 'done'",
        [now, case_id],
    )
    return cur.rowcount == 1


def reverse_removal(db: sqlite_utils.Database, case_id: int, *, by: str, now: float) -> bool:
    """An appeal of the removal was upheld: the message stays gone (Slack
    cannot restore it), but it no longer counts against the member."""
    cur = db.execute(
        "UPDATE cases SET removal_reversed_by = ?, removal_reversed_at = ?, version = version + 1, updated_at = ?"
        " WHERE id = ? AND removal = 'done' AND removal_reversed_by IS NULL",
        [by, now, now, case_id],
    )
    return cur.rowcount == 1


# -- decisions ---------------------------------------------------------------

def claim_decision(db: sqlite_utils.Database, case_id: int, *, action: str, by: str, now: float) -> bool:
    """open -> closed (warn, suspend, close) or dismissed; exactly one caller wins."""
    status = "dismissed" if action == "dismiss" else "closed"
    extra = ""
    if action == "dismiss":
        # Not while a removal is under way, and not once the message is gone
        # (by a moderator, the flags or the checks): "no action" would be
        # untrue; Close says the removal stands. (bot/services/cases/rules.py
        # is the table; tests/unit/test_case_rules.py checks they agree.)
        extra = " AND removal NOT IN ('pending', 'done')"
    elif action == "close":
        extra = " AND removal = 'done'"
    cur = db.execute(
        "UPDATE cases SET status = ?, handled_action = ?, handled_by = ?, handled_at = ?, version = version + 1,"
        f" updated_at = ? WHERE id = ? AND status = 'open'{extra}",
        [status, action, by, now, now, case_id],
    )
    if cur.rowcount == 1:
        db.execute("UPDATE flags SET upheld = ? WHERE case_id = ?", [0 if action == "dismiss" else 1, case_id])
        return True
    return False


def reopen(db: sqlite_utils.Database, case_id: int, *, now: float) -> bool:
    """dismissed -> open: something new (a flag, a worse finding) arrived
    after the dismissal. Who dismissed it stays recorded."""
    cur = db.execute(
        "UPDATE cases SET status = 'open', version = version + 1, updated_at = ? WHERE id = ? AND status = 'dismissed'",
        [now, case_id],
    )
    return cur.rowcount == 1


def escalate(db: sqlite_utils.Database, case_id: int, *, by: str, now: float) -> bool:
    cur = db.execute(
        "UPDATE cases SET escalated = 1, escalated_by = ?, escalated_at = ?, version = version + 1, updated_at = ?"
        " WHERE id = ? AND escalated = 0",
        [by, now, now, case_id],
    )
    return cur.rowcount == 1


def add_note(db: sqlite_utils.Database, case_id: int, *, now: float) -> None:
    db.execute("UPDATE cases SET notes = notes + 1, version = version + 1, updated_at = ? WHERE id = ?", [now, case_id])


# -- findings ----------------------------------------------------------------

def add_findings(db: sqlite_utils.Database, case_id: int, findings: list, *, message_version: str, now: float) -> int:
    """Store policy findings (policies.Finding-like objects); returns how many were new."""
    added = 0
    for f in findings:
        cur = db.execute(
            'INSERT OR IGNORE INTO findings (case_id, category, rule, score, severity, start, "end", explanation,'
            " action, shadow, message_version, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [case_id, f.category, f.rule, float(f.score), f.severity, f.start, f.end, f.explanation, f.action,
             int(bool(f.shadow)), message_version, now],
        )
        added += cur.rowcount
    return added


def findings(db: sqlite_utils.Database, case_id: int) -> list[StoredFinding]:
    rows = db.execute(
        'SELECT id, case_id, category, rule, score, severity, start, "end", explanation, action, shadow,'
        " message_version, created_at FROM findings WHERE case_id = ? ORDER BY score DESC, id",
        [case_id],
    ).fetchall()
    return [StoredFinding(*r[:10], bool(r[10]), r[11], r[12]) for r in rows]


# -- flags -------------------------------------------------------------------

def flags_since(db: sqlite_utils.Database, *, flagger: str, since: float) -> int:
    return db.execute(
        "SELECT count(*) FROM flags WHERE flagger = ? AND created_at >= ?", [flagger, since]
    ).fetchone()[0]


def has_flagged(db: sqlite_utils.Database, *, channel: str, ts: str, flagger: str) -> bool:
    return db.execute(
        "SELECT 1 FROM flags JOIN cases ON cases.id = flags.case_id WHERE cases.channel = ? AND cases.ts = ?"
        " AND flags.flagger = ?",
        [channel, ts, flagger],
    ).fetchone() is not None


def add_flag(
    db: sqlite_utils.Database, case_id: int, *, flagger: str, reason: str, note: str | None, weight: float, now: float
) -> bool:
    """One flag per member and message; the case's weight is the sum of distinct flags."""
    with transaction(db):
        cur = db.execute(
            "INSERT OR IGNORE INTO flags (case_id, flagger, reason, note, weight, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            [case_id, flagger, reason, note, weight, now],
        )
        if cur.rowcount != 1:
            return False
        db.execute(
            "UPDATE cases SET flag_weight = (SELECT coalesce(sum(weight), 0) FROM flags WHERE case_id = ?),"
            " version = version + 1, updated_at = ? WHERE id = ?",
            [case_id, now, case_id],
        )
    return True


def flags(db: sqlite_utils.Database, case_id: int) -> list[Flag]:
    rows = db.execute(
        "SELECT id, case_id, flagger, reason, note, weight, created_at, upheld FROM flags WHERE case_id = ? ORDER BY id",
        [case_id],
    ).fetchall()
    return [Flag(*r[:7], None if r[7] is None else bool(r[7])) for r in rows]


# -- snapshots ---------------------------------------------------------------

def add_snapshot(
    db: sqlite_utils.Database,
    case_id: int,
    *,
    channel: str,
    ts: str,
    author: str | None,
    text: str | None,
    files: list,
    edits: list,
    posted_at: float | None,
    now: float,
) -> int:
    cur = db.execute(
        "INSERT INTO snapshots (case_id, channel, ts, author, text, files, edits, posted_at, captured_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [case_id, channel, ts, author, text, json.dumps(files), json.dumps(edits), posted_at, now],
    )
    return cur.lastrowid


def snapshot_for(db: sqlite_utils.Database, *, case_id: int, channel: str | None = None,
                 ts: str | None = None) -> Snapshot | None:
    sql = ("SELECT id, case_id, channel, ts, author, text, files, edits, posted_at, captured_at FROM snapshots"
           " WHERE case_id = ?")
    params: list = [case_id]
    if channel is not None and ts is not None:
        sql += " AND channel = ? AND ts = ?"
        params += [channel, ts]
    row = db.execute(sql + " ORDER BY id DESC LIMIT 1", params).fetchone()
    if row is None:
        return None
    return Snapshot(row[0], row[1], row[2], row[3], row[4], row[5], json.loads(row[6]), json.loads(row[7]), row[8], row[9])


# -- history -----------------------------------------------------------------

def author_history(db: sqlite_utils.Database, *, author: str, before_case: int) -> AuthorHistory:
    row = db.execute(
        "SELECT count(*), coalesce(sum(CASE WHEN handled_action IN ('warn', 'suspend')"
        " OR (removal = 'done' AND removal_reversed_by IS NULL) THEN 1 ELSE 0 END), 0)"
        " FROM cases WHERE author = ? AND id < ?",
        [author, before_case],
    ).fetchone()
    return AuthorHistory(earlier_cases=row[0], earlier_actioned=row[1])
