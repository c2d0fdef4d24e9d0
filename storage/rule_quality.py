"""What the moderators' decisions say about each rule: the decided cases a
rule opened (with its score), the overrides applied from modbot's
suggestions, and moderators' marks on shadow findings."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Credit:
    """One decided case a rule took part in: the rule's best score on it,
    and whether the moderators acted on it (right) or dismissed it."""

    rule: str
    category: str
    case_id: int
    score: float
    right: bool


@dataclass(frozen=True)
class Override:
    rule: str
    threshold: float | None
    auto_remove: bool
    applied_by: str
    applied_at: float


@dataclass(frozen=True)
class ShadowFinding:
    audit_id: int
    rule: str
    score: float
    channel: str
    ts: str
    at: float
    right: bool | None  # a moderator's mark, None when unmarked


def credits(db: sqlite_utils.Database) -> list[Credit]:
    """Every decided case, once per rule that opened it (acted on = closed:
    warn, suspend or close; dismissed = wrong). A case folded into a raid
    (handled_action 'merged') was decided by modbot, not a moderator: it
    counts neither way."""
    rows = db.execute(
        "SELECT f.rule, min(f.category), c.id, max(f.score), c.status FROM findings f"
        " JOIN cases c ON c.id = f.case_id WHERE c.status IN ('closed', 'dismissed') AND f.shadow = 0"
        " AND coalesce(c.handled_action, '') != 'merged'"
        " GROUP BY f.rule, c.id ORDER BY f.rule, c.id"
    ).fetchall()
    return [Credit(rule=r[0], category=r[1], case_id=r[2], score=r[3], right=r[4] == "closed") for r in rows]


def open_counts(db: sqlite_utils.Database) -> dict[str, int]:
    """Open cases per rule."""
    rows = db.execute(
        "SELECT f.rule, count(DISTINCT c.id) FROM findings f JOIN cases c ON c.id = f.case_id"
        " WHERE c.status = 'open' GROUP BY f.rule"
    ).fetchall()
    return {r[0]: r[1] for r in rows}


def overrides(db: sqlite_utils.Database) -> list[Override]:
    rows = db.execute(
        "SELECT rule, threshold, auto_remove, applied_by, applied_at FROM rule_overrides ORDER BY rule"
    ).fetchall()
    return [Override(r[0], r[1], bool(r[2]), r[3], r[4]) for r in rows]


def set_override(db: sqlite_utils.Database, *, rule: str, threshold: float | None, auto_remove: bool, by: str,
                 now: float) -> None:
    """Applying a threshold keeps an earlier auto-removal and the other way
    round: each suggestion changes one thing."""
    db.execute(
        "INSERT INTO rule_overrides (rule, threshold, auto_remove, applied_by, applied_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (rule) DO UPDATE SET threshold = coalesce(excluded.threshold, threshold),"
        " auto_remove = max(auto_remove, excluded.auto_remove), applied_by = excluded.applied_by,"
        " applied_at = excluded.applied_at",
        [rule, threshold, int(auto_remove), by, now],
    )


def shadow_findings(db: sqlite_utils.Database, *, since: float = 0.0) -> list[ShadowFinding]:
    """Shadow findings as intake audited them (no words are stored: the
    channel and ts point at the message)."""
    rows = db.execute(
        "SELECT a.id, a.detail, a.created_at, m.right FROM audit_log a LEFT JOIN shadow_marks m ON m.audit_id = a.id"
        " WHERE a.action = 'finding_shadow' AND a.created_at >= ? ORDER BY a.id",
        [since],
    ).fetchall()
    out = []
    for audit_id, detail, at, right in rows:
        d = json.loads(detail)
        out.append(ShadowFinding(audit_id=audit_id, rule=str(d.get("rule", "")), score=float(d.get("score", 0.0)),
                                 channel=str(d.get("channel", "")), ts=str(d.get("ts", "")), at=at,
                                 right=None if right is None else bool(right)))
    return out


def shadow_finding(db: sqlite_utils.Database, audit_id: int) -> ShadowFinding | None:
    row = db.execute("SELECT id, detail FROM audit_log WHERE id = ? AND action = 'finding_shadow'",
                     [audit_id]).fetchone()
    if row is None:
        return None
    d = json.loads(row[1])
    return ShadowFinding(audit_id=row[0], rule=str(d.get("rule", "")), score=float(d.get("score", 0.0)),
                         channel=str(d.get("channel", "")), ts=str(d.get("ts", "")), at=0.0, right=None)


def mark_shadow(db: sqlite_utils.Database, *, audit_id: int, rule: str, right: bool, by: str, now: float) -> bool:
    """The first mark stands (two moderators clicking: one wins)."""
    cur = db.execute(
        "INSERT OR IGNORE INTO shadow_marks (audit_id, rule, right, marked_by, marked_at) VALUES (?, ?, ?, ?, ?)",
        [audit_id, rule, int(right), by, now],
    )
    return cur.rowcount == 1


@dataclass(frozen=True)
class QueueEntry:
    id: int
    severity: str
    created_at: float
    category: str | None  # the first finding's, None for a flagged message without findings


def open_queue(db: sqlite_utils.Database, *, limit: int) -> tuple[list[QueueEntry], int]:
    """Open cases, most severe first, oldest first within a severity; and how many are open."""
    rows = db.execute(
        "SELECT c.id, c.severity, c.created_at, (SELECT f.category FROM findings f WHERE f.case_id = c.id"
        " ORDER BY f.id LIMIT 1) FROM cases c WHERE c.status = 'open' ORDER BY CASE c.severity WHEN 'critical'"
        " THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, c.created_at, c.id LIMIT ?",
        [limit],
    ).fetchall()
    total = db.execute("SELECT count(*) FROM cases WHERE status = 'open'").fetchone()[0]
    return [QueueEntry(r[0], r[1], r[2], r[3]) for r in rows], total


def case_counts(db: sqlite_utils.Database) -> list[tuple[str, str, int]]:
    """(main category, status, cases): the first finding's category, or
    "flagged" for a case members' flags opened."""
    rows = db.execute(
        "SELECT coalesce((SELECT f.category FROM findings f WHERE f.case_id = c.id ORDER BY f.id LIMIT 1),"
        " 'flagged'), c.status, count(*) FROM cases c GROUP BY 1, 2 ORDER BY 1, 2"
    ).fetchall()
    return [(r[0], r[1], r[2]) for r in rows]


def decision_counts(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    rows = db.execute("SELECT handled_action, count(*) FROM cases WHERE status != 'open' AND handled_action"
                      " IS NOT NULL GROUP BY 1 ORDER BY 1").fetchall()
    return [(r[0], r[1]) for r in rows]


@dataclass(frozen=True)
class DayFigures:
    opened: int
    decided: int
    median_decision_s: float | None


def day_figures(db: sqlite_utils.Database, *, since: float) -> DayFigures:
    opened = db.execute("SELECT count(*) FROM cases WHERE created_at >= ?", [since]).fetchone()[0]
    waits = sorted(r[0] for r in db.execute(
        "SELECT handled_at - created_at FROM cases WHERE handled_at >= ? AND status != 'open'"
        " AND coalesce(handled_action, '') != 'merged'", [since]))
    median = None
    if waits:
        mid = len(waits) // 2
        median = waits[mid] if len(waits) % 2 else (waits[mid - 1] + waits[mid]) / 2
    return DayFigures(opened=opened, decided=len(waits), median_decision_s=median)
