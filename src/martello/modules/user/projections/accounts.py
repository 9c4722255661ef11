"""The accounts read model: one row per user, for sign-in (lookup by username or e-mail), profiles and
the admin's user list. It holds the password hash because sign-in reads read models only."""

from __future__ import annotations

from martello.kernel.database import Transaction
from martello.kernel.envelope import Envelope
from martello.kernel.projection import Projection, on
from martello.modules.user.domain.events import (
    PasswordChanged,
    PasswordRehashed,
    ProfileChanged,
    RoleChanged,
    SessionsRevoked,
    UserRegistered,
)


class AccountsProjection(Projection):
    name = "user.accounts"
    tables = ("user_accounts",)
    schema = (
        """CREATE TABLE IF NOT EXISTS user_accounts (
            id TEXT PRIMARY KEY,
            username TEXT NOT NULL,
            username_normalized TEXT NOT NULL,
            email TEXT NOT NULL,
            email_normalized TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            role TEXT NOT NULL,
            display_name TEXT,
            locale TEXT,
            version INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX IF NOT EXISTS user_accounts_by_username ON user_accounts (username_normalized)",
        "CREATE INDEX IF NOT EXISTS user_accounts_by_email ON user_accounts (email_normalized)",
    )

    @on(UserRegistered)
    def _registered(self, tx: Transaction, e: Envelope[UserRegistered]) -> None:
        u, stamp = e.event, e.timestamp.isoformat()
        tx.execute(
            "INSERT INTO user_accounts (id, username, username_normalized, email, email_normalized, password_hash,"
            " role, display_name, locale, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?, ?, ?)",
            (
                u.user_id,
                u.username,
                u.username.lower(),
                u.email,
                u.email.lower(),
                u.password_hash,
                u.role,
                e.stream_version,
                stamp,
                stamp,
            ),
        )

    @on(ProfileChanged)
    def _profile_changed(self, tx: Transaction, e: Envelope[ProfileChanged]) -> None:
        tx.execute(
            "UPDATE user_accounts SET display_name = ?, locale = ?, version = ?, updated_at = ? WHERE id = ?",
            (e.event.display_name, e.event.locale, e.stream_version, e.timestamp.isoformat(), e.event.user_id),
        )

    @on(RoleChanged)
    def _role_changed(self, tx: Transaction, e: Envelope[RoleChanged]) -> None:
        tx.execute(
            "UPDATE user_accounts SET role = ?, version = ?, updated_at = ? WHERE id = ?",
            (e.event.role, e.stream_version, e.timestamp.isoformat(), e.event.user_id),
        )

    @on(PasswordChanged, PasswordRehashed)
    def _password_changed(self, tx: Transaction, e: Envelope[PasswordChanged | PasswordRehashed]) -> None:
        tx.execute(
            "UPDATE user_accounts SET password_hash = ?, version = ?, updated_at = ? WHERE id = ?",
            (e.event.password_hash, e.stream_version, e.timestamp.isoformat(), e.event.user_id),
        )

    @on(SessionsRevoked)
    def _sessions_revoked(self, tx: Transaction, e: Envelope[SessionsRevoked]) -> None:
        tx.execute(
            "UPDATE user_accounts SET version = ?, updated_at = ? WHERE id = ?",
            (e.stream_version, e.timestamp.isoformat(), e.event.user_id),
        )
