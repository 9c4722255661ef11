"""Events and the registry that names them.

An event is a frozen dataclass of plain data (str, int, bool, None, tuples and dicts of those).
Its stored name is an explicit string, never an import path, so classes can be renamed or moved
freely. Every event type has a schema version; upcasters turn stored older versions into the
current shape on read, one step at a time (v1 -> v2 -> v3).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar, dataclass_transform

JSON = dict[str, Any]
Upcaster = Callable[[JSON], JSON]


class Event:
    """Base class of domain and integration events."""

    __slots__ = ()

    __event_type__: ClassVar[str]
    __schema_version__: ClassVar[int]
    __fields__: ClassVar[tuple[str, ...]]
    __tuple_fields__: ClassVar[frozenset[str]]
    __secret_fields__: ClassVar[frozenset[str]]


E = TypeVar("E", bound=Event)


class UnknownEventType(LookupError):
    pass


class EventRegistry:
    """Maps stored type names to classes and upgrades stored payloads to the current schema."""

    def __init__(self) -> None:
        self._classes: dict[str, type[Event]] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}

    def register(self, cls: type[E]) -> type[E]:
        name = cls.__event_type__
        existing = self._classes.get(name)
        if existing is not None and existing is not cls:
            raise ValueError(f"event type {name!r} is already registered by {existing.__qualname__}")
        self._classes[name] = cls
        return cls

    def upcaster(self, type_name: str, from_version: int) -> Callable[[Upcaster], Upcaster]:
        """Register a function turning a `from_version` payload into a `from_version + 1` one."""

        def decorator(fn: Upcaster) -> Upcaster:
            self._upcasters[(type_name, from_version)] = fn
            return fn

        return decorator

    def class_for(self, type_name: str) -> type[Event]:
        try:
            return self._classes[type_name]
        except KeyError:
            raise UnknownEventType(type_name) from None

    def __contains__(self, type_name: str) -> bool:
        return type_name in self._classes

    def upcast(self, type_name: str, version: int, data: JSON) -> JSON:
        current = self.class_for(type_name).__schema_version__
        while version < current:
            step = self._upcasters.get((type_name, version))
            if step is None:
                raise LookupError(f"no upcaster for {type_name} v{version} -> v{version + 1}")
            data = step(data)
            version += 1
        return data

    def decode(self, type_name: str, version: int, data: JSON) -> Event:
        cls = self.class_for(type_name)
        if version != cls.__schema_version__:
            data = self.upcast(type_name, version, data)
        for name in cls.__tuple_fields__:
            value = data.get(name)
            if isinstance(value, list):
                data[name] = tuple(value)
        return cls(**data)


def to_data(event: Event) -> JSON:
    """The event's fields as a dict (shallow: events hold plain data only)."""
    return {name: getattr(event, name) for name in event.__fields__}


REDACTED = "***"


def to_public_data(event: Event) -> JSON:
    """The event's fields for people to read: fields declared `secret` show as `REDACTED`."""
    secret = event.__secret_fields__
    return {name: REDACTED if name in secret else getattr(event, name) for name in event.__fields__}


registry = EventRegistry()
"""The process-wide registry; the `event` decorator adds to it."""


@dataclass_transform(frozen_default=True, kw_only_default=True)
def event(
    type_name: str, version: int = 1, *, into: EventRegistry = registry, secret: tuple[str, ...] = ()
) -> Callable[[type[E]], type[E]]:
    """Declare an event class: `@event("catalog.CatalogCreated")` over a plain class body.

    `secret` names fields that are stored (the log is the truth) but never shown in histories, tails
    or listings, such as a password hash.
    """

    def decorator(cls: type[E]) -> type[E]:
        data_cls = dataclasses.dataclass(frozen=True, slots=True, kw_only=True)(cls)
        data_cls.__event_type__ = type_name
        data_cls.__schema_version__ = version
        fields = dataclasses.fields(data_cls)  # type: ignore[arg-type]
        data_cls.__fields__ = tuple(f.name for f in fields)
        data_cls.__tuple_fields__ = frozenset(f.name for f in fields if str(f.type).startswith(("tuple", "Tuple")))
        unknown = set(secret) - set(data_cls.__fields__)
        if unknown:
            raise ValueError(f"{type_name}: secret fields {sorted(unknown)} are not fields of the event")
        data_cls.__secret_fields__ = frozenset(secret)
        return into.register(data_cls)

    return decorator
