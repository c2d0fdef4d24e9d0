"""Which of a case's words the retention purge empties, and when: only once
the case is decided, every appeal on it is decided, and all of that is older
than the retention period; a Slack call still to be made keeps its
arguments."""
from __future__ import annotations

from storage import retention

DAY = 86_400
BEFORE = 90 * DAY


def _case(db, case_id: int, *, status: str = "closed", updated: float = 0, appeal: str | None = "upheld",
          decided: float | None = 0, call_status: str = "done") -> None:
    db.execute("INSERT INTO cases (id, channel, ts, status, excerpt_masked, created_at, updated_at) "
               "VALUES (?, 'C1', ?, ?, 'words', 0, ?)", [case_id, f"{case_id}.0", status, updated])
    db.execute("INSERT INTO flags (case_id, flagger, reason, note, weight, created_at) VALUES (?, 'U2', 'spam', 'words', 1, 0)",
               [case_id])
    db.execute("INSERT INTO warnings (user_id, case_id, guideline, message, issued_by, issued_at, expires_at) "
               "VALUES ('U1', ?, 'g', 'words', 'UMOD', 0, 1)", [case_id])
    if appeal != "none":
        db.execute("INSERT INTO appeals (case_id, user_id, decision_kind, decision_id, text, created_at, outcome, decided_at) "
                   "VALUES (?, 'U1', 'warning', ?, 'words', 0, ?, ?)", [case_id, case_id, appeal, decided])
    db.execute("INSERT INTO outbox (key, method, args, case_id, status, result, created_at) "
               "VALUES (?, 'chat.postMessage', '{\"text\": \"words\"}', ?, ?, '{\"ts\": \"1\"}', 0)",
               [f"k{case_id}", case_id, call_status])


def _words_left(db, case_id: int) -> int:
    return sum(db.execute(sql, [case_id]).fetchone()[0] for sql in (
        "SELECT count(*) FROM cases WHERE id = ? AND excerpt_masked != ''",
        "SELECT count(*) FROM flags WHERE case_id = ? AND note IS NOT NULL",
        "SELECT count(*) FROM warnings WHERE case_id = ? AND message != ''",
        "SELECT count(*) FROM appeals WHERE case_id = ? AND text != ''",
        "SELECT count(*) FROM outbox WHERE case_id = ? AND args != '{}'",
    ))


def test_words_go_only_when_the_case_and_its_appeals_are_decided_and_old(fresh_db):
    _case(fresh_db, 1)  # decided long ago: purged
    _case(fresh_db, 2, status="open")
    _case(fresh_db, 3, appeal=None, decided=None)  # an appeal undecided
    _case(fresh_db, 4, decided=BEFORE + DAY)  # appeal decided recently
    _case(fresh_db, 5, updated=BEFORE + DAY)  # case changed recently
    _case(fresh_db, 6, appeal="none")  # never appealed: purged
    purged = retention.purge(fresh_db, before=BEFORE, activity_before=0)
    assert [_words_left(fresh_db, i) for i in range(1, 7)] == [0, 5, 5, 5, 5, 0]
    assert purged.case_words == 5 + 4 and purged.wal_truncated
    # A second purge finds nothing to write.
    assert retention.purge(fresh_db, before=BEFORE, activity_before=0).case_words == 0


def test_a_call_still_to_be_made_keeps_its_arguments(fresh_db):
    _case(fresh_db, 1, call_status="pending")
    retention.purge(fresh_db, before=BEFORE, activity_before=0)
    assert fresh_db.execute("SELECT args FROM outbox WHERE case_id = 1").fetchone()[0] != "{}"
    assert _words_left(fresh_db, 1) == 1
