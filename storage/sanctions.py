"""Warnings, suspensions and appeals against them.

A warning counts until it expires or is revoked (an upheld appeal leaves it,
a reversed one revokes it). A suspension is active from starts_at until
ends_at (None: permanent) unless lifted. One appeal per decision: the
UNIQUE (decision_kind, decision_id) constraint decides, not the caller.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction


@dataclass(frozen=True)
class Warning:
    id: int
    user_id: str
    case_id: int | None
    guideline: str
    message: str
    issued_by: str
    issued_at: float
    expires_at: float
    revoked_at: float | None
    revoked_by: str | None

    def active(self, now: float) -> bool:
        return self.revoked_at is None and self.expires_at > now


@dataclass(frozen=True)
class Suspension:
    id: int
    user_id: str
    case_id: int | None
    reason: str
    days: int | None  # None: permanent
    starts_at: float
    ends_at: float | None
    issued_by: str
    lifted_at: float | None
    lifted_by: str | None
    notified_at: float | None

    def active(self, now: float) -> bool:
        return self.lifted_at is None and self.starts_at <= now and (self.ends_at is None or self.ends_at > now)


@dataclass(frozen=True)
class Appeal:
    id: int
    case_id: int
    user_id: str
    decision_kind: str  # warning | suspension
    decision_id: int
    text: str
    created_at: float
    outcome: str | None  # upheld | reversed
    decided_by: str | None
    decided_at: float | None
    reviewer: str | None
    message_channel: str | None
    message_ts: str | None


_W = "id, user_id, case_id, guideline, message, issued_by, issued_at, expires_at, revoked_at, revoked_by"
_S = "id, user_id, case_id, reason, days, starts_at, ends_at, issued_by, lifted_at, lifted_by, notified_at"
_A = ("id, case_id, user_id, decision_kind, decision_id, text, created_at, outcome, decided_by, decided_at,"
      " reviewer, message_channel, message_ts")


# -- warnings ----------------------------------------------------------------

def add_warning(db: sqlite_utils.Database, *, user_id: str, case_id: int | None, guideline: str, message: str,
                issued_by: str, now: float, expires_at: float) -> int:
    cur = db.execute(
        "INSERT INTO warnings (user_id, case_id, guideline, message, issued_by, issued_at, expires_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [user_id, case_id, guideline, message, issued_by, now, expires_at],
    )
    return cur.lastrowid


def get_warning(db: sqlite_utils.Database, warning_id: int) -> Warning | None:
    row = db.execute(f"SELECT {_W} FROM warnings WHERE id = ?", [warning_id]).fetchone()
    return Warning(*row) if row else None


def warnings_for(db: sqlite_utils.Database, *, user_id: str) -> list[Warning]:
    return [Warning(*r) for r in db.execute(f"SELECT {_W} FROM warnings WHERE user_id = ? ORDER BY id", [user_id])]


def active_warnings(db: sqlite_utils.Database, *, user_id: str, now: float) -> list[Warning]:
    rows = db.execute(
        f"SELECT {_W} FROM warnings WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY id",
        [user_id, now],
    ).fetchall()
    return [Warning(*r) for r in rows]


def revoke_warning(db: sqlite_utils.Database, warning_id: int, *, by: str, now: float) -> bool:
    cur = db.execute(
        "UPDATE warnings SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL", [now, by, warning_id]
    )
    return cur.rowcount == 1


# -- suspensions -------------------------------------------------------------

def add_suspension(db: sqlite_utils.Database, *, user_id: str, case_id: int | None, reason: str, days: int | None,
                   issued_by: str, now: float) -> int:
    ends_at = None if days is None else now + days * 86400
    cur = db.execute(
        "INSERT INTO suspensions (user_id, case_id, reason, days, starts_at, ends_at, issued_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [user_id, case_id, reason, days, now, ends_at, issued_by],
    )
    return cur.lastrowid


def get_suspension(db: sqlite_utils.Database, suspension_id: int) -> Suspension | None:
    row = db.execute(f"SELECT {_S} FROM suspensions WHERE id = ?", [suspension_id]).fetchone()
    return Suspension(*row) if row else None


def suspensions_for(db: sqlite_utils.Database, *, user_id: str) -> list[Suspension]:
    return [Suspension(*r) for r in db.execute(f"SELECT {_S} FROM suspensions WHERE user_id = ? ORDER BY id", [user_id])]


def active_suspension(db: sqlite_utils.Database, *, user_id: str, now: float) -> Suspension | None:
    """The suspension in force now (the one ending last, permanent first)."""
    row = db.execute(
        f"SELECT {_S} FROM suspensions WHERE user_id = ? AND lifted_at IS NULL AND starts_at <= ?"
        " AND (ends_at IS NULL OR ends_at > ?) ORDER BY ends_at IS NULL DESC, ends_at DESC LIMIT 1",
        [user_id, now, now],
    ).fetchone()
    return Suspension(*row) if row else None


def recent_suspensions(db: sqlite_utils.Database, *, user_id: str, since: float) -> list[Suspension]:
    """Suspensions issued since `since` and not reversed on appeal."""
    rows = db.execute(
        f"SELECT {_S} FROM suspensions WHERE user_id = ? AND starts_at >= ?"
        " AND NOT (lifted_by IS NOT NULL AND lifted_by LIKE 'appeal:%') ORDER BY id",
        [user_id, since],
    ).fetchall()
    return [Suspension(*r) for r in rows]


def expired_unlifted(db: sqlite_utils.Database, *, now: float) -> list[Suspension]:
    rows = db.execute(
        f"SELECT {_S} FROM suspensions WHERE lifted_at IS NULL AND ends_at IS NOT NULL AND ends_at <= ? ORDER BY id",
        [now],
    ).fetchall()
    return [Suspension(*r) for r in rows]


def lift_suspension(db: sqlite_utils.Database, suspension_id: int, *, by: str, now: float) -> bool:
    cur = db.execute(
        "UPDATE suspensions SET lifted_at = ?, lifted_by = ? WHERE id = ? AND lifted_at IS NULL",
        [now, by, suspension_id],
    )
    return cur.rowcount == 1


def mark_notified(db: sqlite_utils.Database, suspension_id: int, *, now: float) -> bool:
    """The first enforcement DM of a suspension; True only for the first caller."""
    cur = db.execute(
        "UPDATE suspensions SET notified_at = ? WHERE id = ? AND notified_at IS NULL", [now, suspension_id]
    )
    return cur.rowcount == 1


# -- appeals -----------------------------------------------------------------

def add_appeal(db: sqlite_utils.Database, *, case_id: int, user_id: str, decision_kind: str, decision_id: int,
               text: str, reviewer: str | None, now: float) -> int | None:
    """The new appeal's id, or None when this decision was already appealed."""
    try:
        with transaction(db):
            cur = db.execute(
                "INSERT INTO appeals (case_id, user_id, decision_kind, decision_id, text, reviewer, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [case_id, user_id, decision_kind, decision_id, text, reviewer, now],
            )
    except sqlite3.IntegrityError:
        return None
    return cur.lastrowid


def get_appeal(db: sqlite_utils.Database, appeal_id: int) -> Appeal | None:
    row = db.execute(f"SELECT {_A} FROM appeals WHERE id = ?", [appeal_id]).fetchone()
    return Appeal(*row) if row else None


def appeal_for(db: sqlite_utils.Database, *, decision_kind: str, decision_id: int) -> Appeal | None:
    row = db.execute(
        f"SELECT {_A} FROM appeals WHERE decision_kind = ? AND decision_id = ?", [decision_kind, decision_id]
    ).fetchone()
    return Appeal(*row) if row else None


def appeals_for_case(db: sqlite_utils.Database, case_id: int) -> list[Appeal]:
    return [Appeal(*r) for r in db.execute(f"SELECT {_A} FROM appeals WHERE case_id = ? ORDER BY id", [case_id])]


def set_appeal_message(db: sqlite_utils.Database, appeal_id: int, *, channel: str, ts: str) -> None:
    db.execute("UPDATE appeals SET message_channel = ?, message_ts = ? WHERE id = ?", [channel, ts, appeal_id])


def decide_appeal(db: sqlite_utils.Database, appeal_id: int, *, outcome: str, by: str, now: float) -> bool:
    cur = db.execute(
        "UPDATE appeals SET outcome = ?, decided_by = ?, decided_at = ? WHERE id = ? AND outcome IS NULL",
        [outcome, by, now, appeal_id],
    )
    return cur.rowcount == 1


def for_case(db: sqlite_utils.Database, case_id: int) -> tuple[list[Warning], list[Suspension]]:
    ws = [Warning(*r) for r in db.execute(f"SELECT {_W} FROM warnings WHERE case_id = ? ORDER BY id", [case_id])]
    ss = [Suspension(*r) for r in db.execute(f"SELECT {_S} FROM suspensions WHERE case_id = ? ORDER BY id", [case_id])]
    return ws, ss
