"""Adapters: the kernel's ports implemented on real engines (SQLite, PostgreSQL, NATS)."""
