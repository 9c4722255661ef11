"""Response bodies of the user API (request bodies are declared beside their routes)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class SessionOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_at: datetime
    user_id: str
    roles: list[str]


class UserOut(BaseModel):
    id: str
    username: str
    email: str
    role: str
    display_name: str | None
    locale: str | None
    version: int
    created_at: str
    updated_at: str
