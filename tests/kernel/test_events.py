"""Event naming and schema evolution: explicit type names, upcasters chained on read."""

from __future__ import annotations

import pytest

from martello.kernel.events import REDACTED, Event, EventRegistry, UnknownEventType, event, to_data, to_public_data

local = EventRegistry()


@event("test.PriceSet", version=3, into=local)
class PriceSet(Event):
    sku: str
    amount: int
    currency: str
    tags: tuple[str, ...] = ()


@local.upcaster("test.PriceSet", from_version=1)
def _v1_to_v2(data: dict[str, object]) -> dict[str, object]:
    return {"sku": data["sku"], "amount": round(float(str(data["price"])) * 100)}


@local.upcaster("test.PriceSet", from_version=2)
def _v2_to_v3(data: dict[str, object]) -> dict[str, object]:
    return {**data, "currency": "EUR"}


def test_old_versions_are_upcast_step_by_step() -> None:
    assert local.decode("test.PriceSet", 1, {"sku": "A", "price": "19.99"}) == PriceSet(
        sku="A", amount=1999, currency="EUR"
    )
    assert local.decode("test.PriceSet", 2, {"sku": "A", "amount": 5}) == PriceSet(sku="A", amount=5, currency="EUR")


def test_the_current_version_round_trips_and_lists_become_tuples() -> None:
    price = PriceSet(sku="A", amount=5, currency="USD", tags=("new", "sale"))
    data = to_data(price)
    data["tags"] = list(price.tags)  # as JSON gives it back
    assert local.decode("test.PriceSet", 3, data) == price


def test_stored_names_are_explicit_strings_not_import_paths() -> None:
    assert PriceSet.__event_type__ == "test.PriceSet"
    with pytest.raises(UnknownEventType) as unknown:
        local.decode("tests.kernel.test_events.PriceSet", 3, {})
    assert unknown.value.args == ("tests.kernel.test_events.PriceSet",)
    assert "test.PriceSet" in local
    assert "tests.kernel.test_events.PriceSet" not in local


def test_a_name_cannot_be_taken_twice() -> None:
    with pytest.raises(ValueError, match="already registered"):

        @event("test.PriceSet", into=local)
        class Impostor(Event):
            sku: str


def test_a_missing_upcaster_is_reported() -> None:
    registry = EventRegistry()

    @event("test.Gap", version=2, into=registry)
    class Gap(Event):
        value: int

    with pytest.raises(LookupError, match=r"^no upcaster for test\.Gap v1 -> v2$"):
        registry.decode("test.Gap", 1, {"value": 1})


def test_secret_fields_are_stored_but_never_shown() -> None:
    @event("test.Registered", into=EventRegistry(), secret=("password_hash",))
    class Registered(Event):
        user_id: str
        password_hash: str

    registered = Registered(user_id="u-1", password_hash="$scrypt$...")
    assert to_data(registered) == {"user_id": "u-1", "password_hash": "$scrypt$..."}
    assert to_public_data(registered) == {"user_id": "u-1", "password_hash": REDACTED}
    with pytest.raises(ValueError, match="not fields"):

        @event("test.Typo", into=EventRegistry(), secret=("pasword_hash",))
        class Typo(Event):
            password_hash: str
