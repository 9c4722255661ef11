"""The event store's tables, as numbered migrations: each is applied once per schema, in order.

Never edit a migration that has shipped; add the next one.
"""

from __future__ import annotations

from martello.kernel.inbox import INBOX_DDL

Migration = tuple[int, str, tuple[str, ...]]

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
            """CREATE TABLE IF NOT EXISTS events (
                position BIGINT PRIMARY KEY,
                stream_id TEXT NOT NULL,
                stream_version BIGINT NOT NULL,
                message_id TEXT NOT NULL,
                type TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                data JSONB NOT NULL,
                timestamp TIMESTAMPTZ NOT NULL,
                correlation_id TEXT NOT NULL,
                causation_id TEXT NOT NULL,
                actor TEXT,
                UNIQUE (stream_id, stream_version)
            )""",
            "CREATE INDEX IF NOT EXISTS events_by_type ON events (type, position)",
            """CREATE OR REPLACE FUNCTION refuse_event_change() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                   RAISE EXCEPTION 'stored events are immutable: % refused', TG_OP
                       USING ERRCODE = 'restrict_violation';
               END $$""",
            """CREATE OR REPLACE TRIGGER events_are_immutable
               BEFORE UPDATE OR DELETE OR TRUNCATE ON events
               FOR EACH STATEMENT EXECUTE FUNCTION refuse_event_change()""",
            """CREATE TABLE IF NOT EXISTS outbox (
                id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                message_id TEXT NOT NULL,
                type TEXT NOT NULL,
                schema_version INTEGER NOT NULL,
                data JSONB NOT NULL,
                stream_id TEXT NOT NULL,
                stream_version BIGINT NOT NULL,
                position BIGINT NOT NULL,
                timestamp TIMESTAMPTZ NOT NULL,
                correlation_id TEXT NOT NULL,
                causation_id TEXT NOT NULL,
                actor TEXT
            )""",
            """CREATE TABLE IF NOT EXISTS snapshots (
                stream_id TEXT NOT NULL,
                version BIGINT NOT NULL,
                schema INTEGER NOT NULL,
                state JSONB NOT NULL,
                PRIMARY KEY (stream_id, version)
            )""",
            INBOX_DDL,
            """CREATE TABLE IF NOT EXISTS unique_keys (
                kind TEXT NOT NULL,
                value TEXT NOT NULL,
                stream_id TEXT NOT NULL,
                PRIMARY KEY (kind, value)
            )""",
        ),
    ),
)
