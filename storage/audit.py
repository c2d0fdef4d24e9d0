"""The append-only audit log: who did what, when, to which case, and what
Slack answered."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction


@dataclass(frozen=True)
class AuditEntry:
    id: int
    case_id: int | None
    actor: str
    action: str
    detail: dict
    outcome: str
    created_at: float


def append(
    db: sqlite_utils.Database,
    *,
    actor: str,
    action: str,
    now: float,
    case_id: int | None = None,
    detail: dict | None = None,
    outcome: str = "recorded",
) -> int:
    cur = db.execute(
        "INSERT INTO audit_log (case_id, actor, action, detail, outcome, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [case_id, actor, action, json.dumps(detail or {}, separators=(",", ":")), outcome, now],
    )
    return cur.lastrowid


def append_result(
    db: sqlite_utils.Database,
    *,
    actor: str,
    action: str,
    now: float,
    outbox_id: int,
    case_id: int | None = None,
    detail: dict | None = None,
    outcome: str,
) -> int | None:
    """The outcome of one outbox call, appended once: a result handler runs
    again at start-up when modbot stopped before its run was recorded, and
    the log must not show the call's outcome twice. Keyed by the outbox row
    and the outcome (detail.outbox_id); None when already there."""
    with transaction(db):
        seen = db.execute(
            "SELECT 1 FROM audit_log WHERE case_id IS ? AND action = ? AND outcome = ?"
            " AND json_extract(detail, '$.outbox_id') = ?", [case_id, action, outcome, outbox_id]).fetchone()
        if seen:
            return None
        return append(db, actor=actor, action=action, now=now, case_id=case_id,
                      detail={**(detail or {}), "outbox_id": outbox_id}, outcome=outcome)


def entries(db: sqlite_utils.Database, *, case_id: int | None = None, actor: str | None = None) -> list[AuditEntry]:
    sql = "SELECT id, case_id, actor, action, detail, outcome, created_at FROM audit_log WHERE 1=1"
    params: list = []
    if case_id is not None:
        sql += " AND case_id = ?"
        params.append(case_id)
    if actor is not None:
        sql += " AND actor = ?"
        params.append(actor)
    rows = db.execute(sql + " ORDER BY id", params).fetchall()
    return [AuditEntry(r[0], r[1], r[2], r[3], json.loads(r[4]), r[5], r[6]) for r in rows]
