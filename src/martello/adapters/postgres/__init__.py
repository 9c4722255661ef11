"""The distributed topology's storage: one PostgreSQL schema per module (psycopg 3)."""

from martello.adapters.postgres.database import DatabaseMissing, PostgresDatabase
from martello.adapters.postgres.event_store import PostgresEventStore
from martello.adapters.postgres.storage import PostgresStorage

__all__ = ["DatabaseMissing", "PostgresDatabase", "PostgresEventStore", "PostgresStorage"]
