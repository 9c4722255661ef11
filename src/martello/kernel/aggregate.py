"""The aggregate root: state is a fold of its events, and it changes only by recording new ones.

class Catalog(Aggregate):
    stream_type = "catalog"

    def activate(self) -> None:
        if self.status != "approved":
            raise CatalogNotApproved(self.id)
        self.record(CatalogActivated(catalog_id=self.id))

    @applies(CatalogActivated)
    def _activated(self, event: CatalogActivated) -> None:
        self.status = "active"
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar, Self, TypeVar

from martello.kernel.events import Event

F = TypeVar("F", bound=Callable[..., None])
Applier = Callable[[Any, Any], None]


def applies(*event_types: type[Event]) -> Callable[[F], F]:
    """Mark a method as the state change that each of `event_types` brings."""

    def decorator(fn: F) -> F:
        fn.__applies__ = event_types  # type: ignore[attr-defined]
        return fn

    return decorator


class Aggregate:
    stream_type: ClassVar[str]
    """The prefix of this aggregate type's stream ids: `<stream_type>-<id>`."""
    snapshot_schema: ClassVar[int] = 1
    """Bump when the snapshot layout changes: older snapshots are then ignored and the stream replayed."""
    _appliers: ClassVar[dict[type[Event], Applier]]

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        appliers: dict[type[Event], Applier] = {}
        for base in reversed(cls.__mro__):
            for value in vars(base).values():
                for event_type in getattr(value, "__applies__", ()):
                    appliers[event_type] = value
        cls._appliers = appliers

    def __init__(self, id: str) -> None:
        self.id = id
        self.version = 0
        self._pending: list[Event] = []

    @classmethod
    def stream_id_for(cls, id: str) -> str:
        return f"{cls.stream_type}-{id}"

    @property
    def stream_id(self) -> str:
        return self.stream_id_for(self.id)

    @property
    def resource_id(self) -> str:
        """The id a client addresses what a command changed by, returned as `CommandResult.id`: the
        aggregate's id, unless one aggregate holds several things a client reads one by one."""
        return self.id

    def record(self, event: Event) -> None:
        """Apply a new event to this aggregate and keep it to be stored."""
        self._apply(event)
        self._pending.append(event)

    def _apply(self, event: Event) -> None:
        try:
            applier = self._appliers[type(event)]
        except KeyError:
            raise TypeError(f"{type(self).__name__} has no @applies method for {type(event).__name__}") from None
        applier(self, event)

    @classmethod
    def replay(cls, id: str, events: Iterable[Event], *, base: Self | None = None) -> Self:
        """Rebuild an aggregate by folding stored events (on top of a snapshot, if given)."""
        aggregate = base if base is not None else cls(id)
        appliers = cls._appliers
        version = aggregate.version
        for event in events:
            appliers[type(event)](aggregate, event)
            version += 1
        aggregate.version = version
        return aggregate

    @property
    def pending_events(self) -> list[Event]:
        return list(self._pending)

    def mark_saved(self, version: int) -> None:
        self.version = version
        self._pending.clear()

    # Snapshots: override both to make an aggregate type snapshot-able.
    def snapshot_state(self) -> dict[str, Any]:
        raise NotImplementedError(f"{type(self).__name__} does not take snapshots")

    @classmethod
    def from_snapshot(cls, id: str, version: int, state: dict[str, Any]) -> Self:
        raise NotImplementedError(f"{cls.__name__} does not take snapshots")

    @classmethod
    def supports_snapshots(cls) -> bool:
        return cls.snapshot_state is not Aggregate.snapshot_state
