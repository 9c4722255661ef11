"""The embedded topology's storage: one SQLite database (WAL) per module."""

from martello.adapters.sqlite.database import SqliteDatabase
from martello.adapters.sqlite.event_store import SqliteEventStore
from martello.adapters.sqlite.memory import MemoryDatabase, memory_database
from martello.adapters.sqlite.storage import SqliteStorage

__all__ = ["MemoryDatabase", "SqliteDatabase", "SqliteEventStore", "SqliteStorage", "memory_database"]
