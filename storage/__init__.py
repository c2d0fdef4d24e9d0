"""All SQL lives here: migrations and named query functions."""
from storage.db import Store, backup, open_db, transaction

__all__ = ["Store", "backup", "open_db", "transaction"]
