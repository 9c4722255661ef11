"""What can be asked of the warehouse from outside (HTTP). Orders drive the rest through events."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True, kw_only=True)
class ReceiveStock:
    sku: str
    quantity: int
