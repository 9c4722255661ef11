"""The event store's tables, as numbered migrations: each is applied once per schema, in order.

Never edit a migration that has shipped; add the next one. The tables are declared once, for both
engines, in `adapters/sql/schema.py`; PostgreSQL adds the `log_head` row appends take turns on, an
index for readers that follow some event types, and the trigger that keeps stored events immutable.
"""

from __future__ import annotations

from martello.adapters.sql import ColumnTypes, event_store_tables

Migration = tuple[int, str, tuple[str, ...]]

TYPES = ColumnTypes(
    big="BIGINT", identity="BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY", json="JSONB", timestamp="TIMESTAMPTZ"
)

MIGRATIONS: tuple[Migration, ...] = (
    (
        1,
        "event log, outbox, inbox, snapshots, unique keys",
        (
            """CREATE TABLE IF NOT EXISTS log_head (
                id BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (id),
                position BIGINT NOT NULL
            )""",
            "INSERT INTO log_head (id, position) VALUES (TRUE, 0) ON CONFLICT DO NOTHING",
            *event_store_tables(TYPES),
            "CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position)",
            """CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                   RAISE EXCEPTION 'stored events are immutable: % refused', TG_OP
                       USING ERRCODE = 'restrict_violation';
               END $$""",
            """CREATE OR REPLACE TRIGGER events_are_immutable
               BEFORE UPDATE OR DELETE OR TRUNCATE ON events
               FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change()""",
        ),
    ),
)
