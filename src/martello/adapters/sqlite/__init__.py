"""The embedded topology's storage: one SQLite database (WAL) per module."""

from martello.adapters.sqlite.database import SqliteDatabase
from martello.adapters.sqlite.event_store import SqliteEventStore
from martello.adapters.sqlite.memory import MemoryDatabase, memory_database

__all__ = ["MemoryDatabase", "SqliteDatabase", "SqliteEventStore", "memory_database"]
