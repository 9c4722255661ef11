"""Response bodies of the workshop module API (request bodies are declared beside their routes)."""

from __future__ import annotations

from pydantic import BaseModel


class WidgetOut(BaseModel):
    id: str
    name: str
    retired: bool
    version: int
    created_at: str
    updated_at: str
