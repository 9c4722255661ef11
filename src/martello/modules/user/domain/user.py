"""The User aggregate: an account that can sign in, with a profile and a role."""

from __future__ import annotations

from datetime import datetime

from martello.kernel.aggregate import Aggregate, applies
from martello.modules.user.domain.errors import CannotDemoteYourself
from martello.modules.user.domain.events import (
    PasswordChanged,
    PasswordRehashed,
    ProfileChanged,
    RoleChanged,
    SessionsRevoked,
    UserRegistered,
)
from martello.modules.user.domain.locale import Locale
from martello.modules.user.domain.values import EmailAddress, Role, Username


class User(Aggregate):
    stream_type = "user"

    def __init__(self, id: str) -> None:
        super().__init__(id)
        self.username = ""
        self.email = ""
        self.password_hash = ""
        self.role = Role.CUSTOMER
        self.display_name: str | None = None
        self.locale: Locale | None = None
        self.sessions_valid_from: str | None = None
        """The instant (ISO-8601) before which the account's tokens were revoked, if ever."""

    # -- behaviour -------------------------------------------------------------------------------

    @classmethod
    def register(
        cls, id: str, username: Username, email: EmailAddress, password_hash: str, role: Role = Role.CUSTOMER
    ) -> User:
        """A new account. Its password arrives already hashed: the domain never sees it stored in clear."""
        user = cls(id)
        user.record(
            UserRegistered(
                user_id=id, username=username.value, email=email.value, password_hash=password_hash, role=role.value
            )
        )
        return user

    def change_profile(self, display_name: str | None, locale: Locale) -> None:
        """`display_name` is an already cleaned `values.display_name`; an unchanged profile records nothing."""
        if (display_name, locale) == (self.display_name, self.locale):
            return
        self.record(ProfileChanged(user_id=self.id, display_name=display_name, locale=str(locale)))

    def change_role(self, role: Role, *, by: str | None, at: datetime) -> None:
        """Give the account `role`; `by` is the acting user's id. An admin cannot demote themselves.
        Tokens issued before `at` (carrying the old role) stop counting."""
        if role == self.role:
            return
        if by == self.id and self.role == Role.ADMIN:
            raise CannotDemoteYourself(self.id)
        self.record(RoleChanged(user_id=self.id, role=role.value))
        self._revoke_sessions(at, "role-changed")

    def change_password(self, password_hash: str, *, at: datetime) -> None:
        """A new password (already hashed; the caller proved the current one). Every session before `at`
        ends: whoever may have learnt the old password loses the tokens it got them."""
        self.record(PasswordChanged(user_id=self.id, password_hash=password_hash))
        self._revoke_sessions(at, "password-changed")

    def rehash_password(self, password_hash: str) -> None:
        """The same password hashed with stronger parameters: nothing else changes, no session ends."""
        self.record(PasswordRehashed(user_id=self.id, password_hash=password_hash))

    def sign_out(self, *, at: datetime) -> None:
        """End every session of the account: its tokens issued before `at` stop counting."""
        self._revoke_sessions(at, "signed-out")

    def _revoke_sessions(self, at: datetime, reason: str) -> None:
        self.record(SessionsRevoked(user_id=self.id, not_before=at.isoformat(), reason=reason))

    # -- state changes ---------------------------------------------------------------------------

    @applies(UserRegistered)
    def _registered(self, event: UserRegistered) -> None:
        self.username, self.email, self.password_hash = event.username, event.email, event.password_hash
        self.role = Role(event.role)

    @applies(ProfileChanged)
    def _profile_changed(self, event: ProfileChanged) -> None:
        self.display_name = event.display_name
        self.locale = Locale.parse(event.locale)

    @applies(RoleChanged)
    def _role_changed(self, event: RoleChanged) -> None:
        self.role = Role(event.role)

    @applies(PasswordChanged, PasswordRehashed)
    def _password_changed(self, event: PasswordChanged | PasswordRehashed) -> None:
        self.password_hash = event.password_hash

    @applies(SessionsRevoked)
    def _sessions_revoked(self, event: SessionsRevoked) -> None:
        self.sessions_valid_from = event.not_before
