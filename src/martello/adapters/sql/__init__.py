"""What the SQL engines share: the event store and its schema, written once against the kernel's database port."""

from martello.adapters.sql.event_store import Dialect, SqlEventStore, StoreOptions
from martello.adapters.sql.schema import ColumnTypes, event_store_tables

__all__ = ["ColumnTypes", "Dialect", "SqlEventStore", "StoreOptions", "event_store_tables"]
