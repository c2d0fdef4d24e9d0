"""Storage guarantees the rest of the app leans on."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from storage import Store, backup, open_db
from storage import audit as audit_db
from storage import events as events_db
from storage import messages as messages_db
from storage import retention

ROOT = Path(__file__).resolve().parents[2]


def test_migrations_are_applied_once(tmp_path):
    path = tmp_path / "m.db"
    first = open_db(path)
    applied = first.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0]
    first.conn.close()
    second = open_db(path)
    assert second.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == applied
    assert second.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_audit_log_is_append_only(fresh_db):
    entry = audit_db.append(fresh_db, actor="UMOD1", action="remove", now=1.0, case_id=None, detail={"x": 1})
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        fresh_db.execute("UPDATE audit_log SET actor = 'someone else' WHERE id = ?", [entry])
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        fresh_db.execute("DELETE FROM audit_log WHERE id = ?", [entry])
    assert [e.actor for e in audit_db.entries(fresh_db)] == ["UMOD1"]


def test_event_inbox_counts_redeliveries(fresh_db):
    assert events_db.record_event(fresh_db, event_id="E1", event_type="message", body="{}", now=1)
    assert not events_db.record_event(fresh_db, event_id="E1", event_type="message", body="{}", now=2, retry_num=1)
    assert events_db.event_status(fresh_db, "E1")["deliveries"] == 2
    assert [e.event_id for e in events_db.pending_events(fresh_db)] == ["E1"]


def test_retention_keeps_what_open_cases_hold(fresh_db):
    day = 86_400
    messages_db.remember(fresh_db, channel="C1", ts="1.0", author="U1", thread_ts=None, text="old and closed", files=[], edited=False, now=0)
    messages_db.remember(fresh_db, channel="C1", ts="2.0", author="U1", thread_ts=None, text="old but open case", files=[], edited=False, now=0)
    messages_db.remember(fresh_db, channel="C1", ts="3.0", author="U1", thread_ts=None, text="recent", files=[], edited=False, now=100 * day)
    fresh_db.execute("INSERT INTO cases (id, channel, ts, status, created_at, updated_at) VALUES (1, 'C1', '2.0', 'open', 0, 0)")
    fresh_db.execute("INSERT INTO cases (id, channel, ts, status, created_at, updated_at) VALUES (2, 'C1', '1.0', 'dismissed', 0, 0)")
    fresh_db.execute("INSERT INTO snapshots (case_id, channel, ts, text, captured_at) VALUES (1, 'C1', '2.0', 'held', 0)")
    fresh_db.execute("INSERT INTO snapshots (case_id, channel, ts, text, captured_at) VALUES (2, 'C1', '1.0', 'closed', 0)")
    purged = retention.purge(fresh_db, before=90 * day, activity_before=0)
    assert purged.messages == 1 and purged.snapshots == 1
    assert messages_db.get(fresh_db, channel="C1", ts="1.0") is None
    assert messages_db.get(fresh_db, channel="C1", ts="2.0").text == "old but open case"
    assert messages_db.get(fresh_db, channel="C1", ts="3.0").text == "recent"
    texts = dict(fresh_db.execute("SELECT case_id, text FROM snapshots").fetchall())
    assert texts == {1: "held", 2: None}


def test_backup_is_a_consistent_copy_while_writing(tmp_path):
    store = Store(tmp_path / "live.db")
    for i in range(50):
        events_db.record_event(store.db, event_id=f"E{i}", event_type="message", body="{}", now=i)
    backup(store.db, tmp_path / "copy.db")
    copy = open_db(tmp_path / "copy.db")
    assert copy.execute("SELECT count(*) FROM events").fetchone()[0] == 50
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_cli_db_backup(tmp_path):
    db_path = tmp_path / "cli.db"
    store = Store(db_path)
    events_db.record_event(store.db, event_id="E1", event_type="message", body="{}", now=1)
    env = {"PATH": "/usr/bin:/bin", "MODBOT_DB": str(db_path), "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "db", "backup", str(tmp_path / "b.db")],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert open_db(tmp_path / "b.db").execute("SELECT count(*) FROM events").fetchone()[0] == 1
