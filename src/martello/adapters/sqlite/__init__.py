"""The embedded topology's storage: one SQLite database (WAL) per module."""

from martello.adapters.sqlite.database import SqliteDatabase
from martello.adapters.sqlite.event_store import SqliteEventStore

__all__ = ["SqliteDatabase", "SqliteEventStore"]
