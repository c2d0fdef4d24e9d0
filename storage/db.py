"""Opening the database: one SQLite file in WAL mode, migrated at start-up.

Each thread gets its own connection (sqlite3 connections must not be shared
across threads without a lock, and WAL lets readers and one writer proceed
together), so the HTTP server's worker threads, the inbox worker and the
scheduler never wait on a Python-level lock.
"""
from __future__ import annotations

import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from storage.migrations import apply_migrations

BUSY_TIMEOUT_MS = 10_000


def _connect(path: str) -> sqlite_utils.Database:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    # WAL survives in the file; the rest is per connection.
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute("PRAGMA foreign_keys=ON")
    db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    # Deleted and overwritten content is zeroed on disk, whatever the
    # SQLite build's default: retention must not leave words in free pages.
    db.execute("PRAGMA secure_delete=ON")
    return db


class Store:
    """A database path and a connection per thread.

    `store.db` is the calling thread's sqlite_utils.Database. Migrations run
    once, when the Store is created.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._lock = threading.Lock()
        apply_migrations(self.db)

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = _connect(self.path)
            self._local.db = db
            with self._lock:
                self._all.append(db)
        return db

    def close(self) -> None:
        with self._lock:
            for db in self._all:
                try:
                    db.conn.close()
                except sqlite3.Error:
                    pass
            self._all.clear()
        self._local = threading.local()

    def healthy(self) -> bool:
        try:
            return self.db.execute("SELECT 1").fetchone() == (1,)
        except sqlite3.Error:
            return False


def open_db(path: str | Path) -> sqlite_utils.Database:
    """A single-thread database handle, migrated; for CLI tools and tests."""
    if str(path) != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    db = _connect(str(path))
    apply_migrations(db)
    return db


@contextmanager
def transaction(db: sqlite_utils.Database, *, immediate: bool = True) -> Iterator[sqlite_utils.Database]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on error.

    IMMEDIATE takes the write lock at the start, so two processes allocating
    the same thing (a case number, an outbox key) serialise instead of one of
    them failing at commit time.
    """
    conn = db.conn
    if conn.in_transaction:
        # Nested use joins the outer transaction.
        yield db
        return
    conn.execute("BEGIN IMMEDIATE" if immediate else "BEGIN")
    try:
        yield db
    except BaseException:
        # rollback() is harmless if the error already ended the transaction.
        conn.rollback()
        raise
    else:
        conn.execute("COMMIT")


def backup(db: sqlite_utils.Database, dest: str | Path) -> None:
    """A consistent online copy (SQLite's backup API), safe while others write."""
    target = sqlite3.connect(str(dest))
    try:
        db.conn.backup(target)
    finally:
        target.close()
