"""What modbot leaves on disk: files only its own user can read, and deleted
content zeroed whatever the SQLite build's default."""
from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

from storage import db as storage_db

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "bot" / "data" / "sample-export.zip"


def _modbot(tmp_path: Path, *args: str, umask: int = 0o022) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "MODBOT_"))}
    env.update(PYTHONPATH=str(ROOT), MODBOT_DB=str(tmp_path / "data" / "modbot.db"))
    # A typical login umask: without modbot's own, files come out 0644.
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=120, preexec_fn=lambda: os.umask(umask))


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_database_backup_and_audit_report_are_readable_by_their_owner_only(tmp_path):
    assert _modbot(tmp_path, "db", "migrate").returncode == 0
    assert _modbot(tmp_path, "db", "backup", str(tmp_path / "backup.db")).returncode == 0
    proc = _modbot(tmp_path, "audit", str(SAMPLE), "--out", str(tmp_path / "report"), "--quiet", "--jobs", "1")
    assert proc.returncode == 0, proc.stderr
    created = [tmp_path / "data" / "modbot.db", tmp_path / "backup.db", *sorted((tmp_path / "report").iterdir())]
    created += [p for p in (tmp_path / "data").iterdir() if p.name.endswith(("-wal", "-shm"))]
    assert len(created) >= 5
    for path in created:
        assert _mode(path) & 0o077 == 0, f"{path.name} is {oct(_mode(path))}"
    for folder in (tmp_path / "report", tmp_path / "data"):
        assert _mode(folder) & 0o077 == 0, f"{folder.name}/ is {oct(_mode(folder))}"


def test_connections_zero_deleted_content_even_where_sqlite_does_not_by_default(tmp_path, monkeypatch):
    real_connect = sqlite3.connect

    def connect_without_secure_delete(*args, **kwargs):
        conn = real_connect(*args, **kwargs)
        conn.execute("PRAGMA secure_delete=OFF")  # as many SQLite builds ship
        return conn

    monkeypatch.setattr(storage_db.sqlite3, "connect", connect_without_secure_delete)
    store = storage_db.Store(tmp_path / "m.db")
    try:
        assert store.db.execute("PRAGMA secure_delete").fetchone() == (1,)
    finally:
        store.close()
