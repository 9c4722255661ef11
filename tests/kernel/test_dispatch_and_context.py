"""Dispatch by message type, the message context carried through a flow, errors, clocks and ids."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from martello.kernel import ids
from martello.kernel.clock import SystemClock
from martello.kernel.dispatch import CommandBus, CommandResult, QueryBus
from martello.kernel.envelope import Envelope, MessageContext
from martello.kernel.errors import ConcurrencyError, InvalidValue, MartelloError, UniqueKeyTaken
from martello.kernel.events import REDACTED, Event, EventRegistry, event
from tests.clock import FixedClock

local = EventRegistry()


@event("kerneltest.SignedUp", into=local, secret=("password_hash",))
class SignedUp(Event):
    user: str
    password_hash: str


@dataclass(frozen=True)
class Rename:
    name: str


@dataclass(frozen=True)
class Describe:
    id: str


CONTEXT = MessageContext("corr-1", "cause-1", actor="u-1")


async def test_a_command_goes_to_the_handler_registered_for_its_type() -> None:
    commands = CommandBus()
    seen: list[tuple[Rename, MessageContext]] = []

    @commands.handler
    async def rename(command: Rename, context: MessageContext) -> CommandResult:
        seen.append((command, context))
        return CommandResult("c-1", 2, 7)

    assert await commands.dispatch(Rename("x"), CONTEXT) == CommandResult("c-1", 2, 7)
    assert seen == [(Rename("x"), CONTEXT)]


async def test_a_type_has_one_handler_and_an_unknown_type_none() -> None:
    commands, queries = CommandBus(), QueryBus()

    async def describe(query: Describe, context: MessageContext) -> str:
        return query.id

    queries.register(Describe, describe)
    with pytest.raises(ValueError, match=r"^Describe already has a query handler$"):
        queries.register(Describe, describe)
    with pytest.raises(LookupError, match=r"^no command handler for Describe$"):
        await commands.dispatch(Describe("d"), CONTEXT)
    with pytest.raises(LookupError, match=r"^no query handler for Rename$"):
        await queries.dispatch(Rename("r"), CONTEXT)
    assert await queries.dispatch(Describe("d-1"), CONTEXT) == "d-1"


def test_a_new_context_starts_a_flow_with_its_actor_and_roles() -> None:
    first = MessageContext.new("u-1", frozenset({"admin"}))
    assert first.correlation_id == first.causation_id
    assert (first.actor, first.roles, first.is_admin) == ("u-1", frozenset({"admin"}), True)
    anonymous = MessageContext.new()
    assert (anonymous.actor, anonymous.roles, anonymous.is_admin) == (None, frozenset(), False)
    assert anonymous.correlation_id != first.correlation_id


def test_an_envelope_describes_itself_without_secrets_and_causes_the_next_message() -> None:
    moment = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    envelope = Envelope(
        "m-1", "kerneltest.SignedUp", 1, "user-1", 2, 9, moment, "corr-1", "cause-1", "u-1",
        SignedUp(user="ann", password_hash="secret"),
    )  # fmt: skip
    assert envelope.context == MessageContext("corr-1", "m-1", "u-1")
    assert envelope.describe() == {
        "message_id": "m-1",
        "type": "kerneltest.SignedUp",
        "schema_version": 1,
        "stream_id": "user-1",
        "stream_version": 2,
        "position": 9,
        "timestamp": "2026-01-02T03:04:05+00:00",
        "correlation_id": "corr-1",
        "causation_id": "cause-1",
        "actor": "u-1",
        "data": {"user": "ann", "password_hash": REDACTED},
    }


def test_errors_carry_a_code_a_message_and_details() -> None:
    conflict = ConcurrencyError("cart-1", 2, 3)
    assert (conflict.code, conflict.stream_id, conflict.expected, conflict.actual) == (
        "concurrency-conflict", "cart-1", 2, 3
    )  # fmt: skip
    assert str(conflict) == conflict.message == "stream cart-1 is at version 3, expected 2"
    assert conflict.details == {"stream_id": "cart-1", "expected_version": 2, "actual_version": 3}
    invalid = InvalidValue("name", "a name must not be blank")
    assert (invalid.code, invalid.field, invalid.details, str(invalid)) == (
        "invalid-value", "name", {"field": "name"}, "a name must not be blank"
    )  # fmt: skip
    taken = UniqueKeyTaken("email", "a@x.example")
    assert (taken.code, taken.kind, taken.value, taken.details, taken.message) == (
        "already-taken", "email", "a@x.example", {"kind": "email"}, "this email is already taken"
    )  # fmt: skip
    plain = MartelloError("boom", why="test")
    assert (plain.code, plain.message, plain.details) == ("error", "boom", {"why": "test"})


def test_clocks_tell_utc_time_and_a_fixed_clock_moves_only_when_told() -> None:
    before = datetime.now(UTC)
    now = SystemClock().now()
    assert now.tzinfo is not None and now.utcoffset() == timedelta(0)
    assert before <= now <= datetime.now(UTC)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    clock = FixedClock(start)
    assert clock.now() == clock.now() == start
    clock.advance(days=1, seconds=30)
    assert clock.now() == start + timedelta(days=1, seconds=30)


UUID7 = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def test_ids_are_uuid7_strings_in_creation_order() -> None:
    made = [ids.uuid7() for _ in range(5000)]  # more than one millisecond's sequence and entropy block
    assert all(UUID7.match(i) for i in made), made[:3]
    assert made == sorted(made) and len(set(made)) == len(made)
    millis = int(made[0].replace("-", "")[:12], 16)
    assert abs(millis - datetime.now(UTC).timestamp() * 1000) < 60_000, "the first 48 bits are the time in ms"


def test_ids_borrow_the_next_millisecond_when_one_millisecond_runs_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ids, "_last_ms", 0)  # restored afterwards: later ids carry the real time again
    monkeypatch.setattr(ids, "_seq", 0)
    monkeypatch.setattr(ids.time, "time_ns", lambda: 1_700_000_000_000 * 1_000_000)  # the clock stands still
    made = [ids.uuid7() for _ in range(0x1000 + 2)]
    stamps = [int(i.replace("-", "")[:12], 16) for i in made]
    sequences = [int(i.replace("-", "")[13:16], 16) for i in made]
    assert made == sorted(made) and len(set(made)) == len(made)
    assert stamps[-1] > stamps[0], "4096 ids in one millisecond: the next one takes the next millisecond"
    assert sequences[:2] == [0, 1] and sequences[0xFFF] == 0xFFF and sequences[-2:] == [0, 1]
    assert stamps[0] == stamps[0xFFF] == 1_700_000_000_000 and stamps[-2] == stamps[-1] == 1_700_000_000_001


def test_a_forked_child_draws_fresh_random_bytes() -> None:
    ids.uuid7()
    assert ids._entropy
    ids._forget_entropy()
    assert (ids._entropy, ids._entropy_used) == (b"", 0)
    assert UUID7.match(ids.uuid7())


def test_the_random_part_of_every_id_is_fresh_across_entropy_blocks() -> None:
    made = [ids.uuid7() for _ in range(3 * 512 + 7)]  # three blocks of random bytes and then some
    randoms = [int(i.replace("-", "")[16:], 16) & 0x3FFF_FFFF_FFFF_FFFF for i in made]
    assert len(set(randoms)) == len(randoms), "no random part repeats"
    assert min(randoms) > 2**24, "every id carries 62 random bits (a zero or short random part is a bug)"
