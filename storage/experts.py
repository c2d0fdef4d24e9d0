"""The expert roster, the monthly reviews and the job ledger.

Idempotency lives here: a review row exists once per expert and month
(primary key), a pending review is resolved once (`WHERE outcome =
'notified'`), and a job run is claimed once per period (job_runs primary key).
Callers enqueue Slack calls with keys derived from the same (user, month), so
a second process or a second run finds the row taken and sends nothing new.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from storage.db import transaction

ACTIVE = ("active", "grace")


@dataclass(frozen=True)
class Expert:
    user_id: str
    certified: bool
    source: str  # 'manual' | 'usergroup'
    status: str  # 'active' | 'grace' | 'revoked'
    added_at: float
    added_by: str | None
    removed_at: float | None
    removed_reason: str | None


@dataclass(frozen=True)
class Review:
    user_id: str
    month: str
    answers: int
    minimum: int
    grace_until: float | None
    outcome: str  # 'met' | 'notified' | 'recovered' | 'revoked' | 'closed'
    outcome_at: float | None
    created_at: float


_EXPERT_COLS = "user_id, certified, source, status, added_at, added_by, removed_at, removed_reason"
_REVIEW_COLS = "user_id, month, answers, minimum, grace_until, outcome, outcome_at, created_at"


def _expert(row) -> Expert:
    return Expert(row[0], bool(row[1]), row[2], row[3], row[4], row[5], row[6], row[7])


def _review(row) -> Review:
    return Review(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7])


# -- roster ------------------------------------------------------------------
def get_expert(db: sqlite_utils.Database, user: str) -> Expert | None:
    row = db.execute(f"SELECT {_EXPERT_COLS} FROM experts WHERE user_id = ?", [user]).fetchone()
    return _expert(row) if row else None


def list_experts(db: sqlite_utils.Database, *, statuses: tuple[str, ...] = ACTIVE) -> list[Expert]:
    marks = ",".join("?" for _ in statuses)
    rows = db.execute(
        f"SELECT {_EXPERT_COLS} FROM experts WHERE status IN ({marks}) ORDER BY certified DESC, added_at, user_id",
        list(statuses),
    ).fetchall()
    return [_expert(r) for r in rows]


def add_expert(
    db: sqlite_utils.Database, *, user: str, source: str, now: float, added_by: str | None = None
) -> bool:
    """Make `user` an active expert; False if they already were one.

    Someone who had lost the role starts again: `added_at` is the new start,
    so a month they were not an expert for is never reviewed.
    """
    with transaction(db):
        current = get_expert(db, user)
        if current is not None and current.status in ACTIVE:
            return False
        if current is None:
            db.execute(
                "INSERT INTO experts (user_id, certified, source, status, added_at, added_by) VALUES (?, 0, ?, 'active', ?, ?)",
                [user, source, now, added_by],
            )
        else:
            db.execute(
                "UPDATE experts SET status = 'active', source = ?, added_at = ?, added_by = ?,"
                " removed_at = NULL, removed_reason = NULL, removed_by = NULL WHERE user_id = ?",
                [source, now, added_by, user],
            )
    return True


def remove_expert(
    db: sqlite_utils.Database, *, user: str, now: float, reason: str, removed_by: str | None = None
) -> bool:
    """Take the role away; False if they were not an expert. A review still
    waiting on a grace period is closed, so it cannot act later."""
    with transaction(db):
        cur = db.execute(
            "UPDATE experts SET status = 'revoked', removed_at = ?, removed_reason = ?, removed_by = ?"
            " WHERE user_id = ? AND status IN ('active', 'grace')",
            [now, reason, removed_by, user],
        )
        if cur.rowcount != 1:
            return False
        db.execute(
            "UPDATE expert_reviews SET outcome = 'closed', outcome_at = ? WHERE user_id = ? AND outcome = 'notified'",
            [now, user],
        )
    return True


def set_certified(db: sqlite_utils.Database, *, user: str, certified: bool) -> bool:
    """True when the mark changed."""
    cur = db.execute(
        "UPDATE experts SET certified = ? WHERE user_id = ? AND certified != ?",
        [int(certified), user, int(certified)],
    )
    return cur.rowcount == 1


# -- reviews -----------------------------------------------------------------
def record_review(
    db: sqlite_utils.Database,
    *,
    user: str,
    month: str,
    answers: int,
    minimum: int,
    grace_until: float | None,
    now: float,
) -> tuple[Review, bool]:
    """The month's review of one expert, once: (review, created).

    Below the minimum the review waits ('notified') and the expert enters
    grace; otherwise it is settled at once ('met').
    """
    below = answers < minimum
    with transaction(db):
        cur = db.execute(
            "INSERT OR IGNORE INTO expert_reviews (user_id, month, answers, minimum, grace_until, outcome, outcome_at, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [user, month, answers, minimum, grace_until if below else None, "notified" if below else "met",
             None if below else now, now],
        )
        created = cur.rowcount == 1
        if created and below:
            db.execute("UPDATE experts SET status = 'grace' WHERE user_id = ? AND status = 'active'", [user])
        review = get_review(db, user=user, month=month)
    assert review is not None
    return review, created


def get_review(db: sqlite_utils.Database, *, user: str, month: str) -> Review | None:
    row = db.execute(f"SELECT {_REVIEW_COLS} FROM expert_reviews WHERE user_id = ? AND month = ?", [user, month]).fetchone()
    return _review(row) if row else None


def reviews_for_month(db: sqlite_utils.Database, month: str) -> list[Review]:
    rows = db.execute(
        f"SELECT {_REVIEW_COLS} FROM expert_reviews WHERE month = ? ORDER BY answers, user_id", [month]
    ).fetchall()
    return [_review(r) for r in rows]


def pending_reviews(db: sqlite_utils.Database) -> list[Review]:
    """Reviews whose grace period is still open."""
    rows = db.execute(
        f"SELECT {_REVIEW_COLS} FROM expert_reviews WHERE outcome = 'notified' ORDER BY grace_until, user_id"
    ).fetchall()
    return [_review(r) for r in rows]


def open_review(db: sqlite_utils.Database, user: str) -> Review | None:
    """The member's review in grace, if any."""
    row = db.execute(
        f"SELECT {_REVIEW_COLS} FROM expert_reviews WHERE user_id = ? AND outcome = 'notified'"
        " ORDER BY month DESC LIMIT 1",
        [user],
    ).fetchone()
    return _review(row) if row else None


def resolve_review(db: sqlite_utils.Database, *, user: str, month: str, outcome: str, now: float) -> bool:
    """Settle a waiting review ('recovered' or 'revoked'); True for the one
    caller that settled it, so only that caller acts on it."""
    if outcome not in ("recovered", "revoked"):
        raise ValueError(outcome)
    with transaction(db):
        cur = db.execute(
            "UPDATE expert_reviews SET outcome = ?, outcome_at = ? WHERE user_id = ? AND month = ? AND outcome = 'notified'",
            [outcome, now, user, month],
        )
        if cur.rowcount != 1:
            return False
        if outcome == "recovered":
            db.execute("UPDATE experts SET status = 'active' WHERE user_id = ? AND status = 'grace'", [user])
        else:
            db.execute(
                "UPDATE experts SET status = 'revoked', removed_at = ?, removed_reason = 'inactive', removed_by = NULL"
                " WHERE user_id = ? AND status IN ('active', 'grace')",
                [now, user],
            )
    return True


# -- the job ledger ----------------------------------------------------------
def claim_run(db: sqlite_utils.Database, *, job: str, period: str, now: float) -> bool:
    """False when this job already finished for this period. A run that
    started but never finished (a crash, or another process right now) may be
    resumed: every step after the claim is idempotent on its own."""
    with transaction(db):
        db.execute("INSERT OR IGNORE INTO job_runs (job, period, started_at) VALUES (?, ?, ?)", [job, period, now])
        row = db.execute("SELECT finished_at FROM job_runs WHERE job = ? AND period = ?", [job, period]).fetchone()
    return row[0] is None


def finish_run(db: sqlite_utils.Database, *, job: str, period: str, now: float) -> None:
    db.execute(
        "UPDATE job_runs SET finished_at = ? WHERE job = ? AND period = ? AND finished_at IS NULL", [now, job, period]
    )
