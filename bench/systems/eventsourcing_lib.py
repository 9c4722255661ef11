"""The `eventsourcing` library (9.x), configured only through its documented environment settings:
PERSISTENCE_MODULE=eventsourcing.sqlite and SQLITE_DBNAME=<file>. It puts the file in WAL mode and
leaves `synchronous` at SQLite's default (FULL)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from uuid import UUID

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import InfrastructureFactory, Tracking
from eventsourcing.projection import Projection
from eventsourcing.sqlite import SQLiteTrackingRecorder
from eventsourcing.utils import Environment

from bench.shape import payload

NAME = "eventsourcing"
KEY = "eventsourcing"
BACKEND = "sqlite"
"""For --systems."""


class Basket(Aggregate):
    @event("BasketOpened")
    def __init__(self, sku: str, quantity: int, price_cents: int) -> None:
        self.lines = 0
        self.units = 0
        self.total_cents = 0
        self._count(quantity, price_cents)

    def add(self, sku: str, quantity: int, price_cents: int) -> None:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        self._item_added(sku, quantity, price_cents)

    @event("ItemAdded")
    def _item_added(self, sku: str, quantity: int, price_cents: int) -> None:
        self._count(quantity, price_cents)

    def _count(self, quantity: int, price_cents: int) -> None:
        self.lines += 1
        self.units += quantity
        self.total_cents += quantity * price_cents


class Shop(Application[UUID]):
    pass


class SnapshottingShop(Application[UUID]):
    snapshotting_intervals = {Basket: 100}


def env(directory: Path, *, snapshots: bool = False) -> dict[str, str]:
    settings = {"PERSISTENCE_MODULE": "eventsourcing.sqlite", "SQLITE_DBNAME": str(directory / "eventsourcing.db")}
    if snapshots:
        settings["IS_SNAPSHOTTING_ENABLED"] = "y"
    return settings


def shop(directory: Path, snapshot_every: int = 0, *, snapshots: bool = False) -> Application[UUID]:
    """The application; `snapshot_every` takes snapshots automatically, `snapshots` only enables the store."""
    if not snapshot_every:
        return Shop(env(directory, snapshots=snapshots))
    cls = type("SnapshottingShop", (SnapshottingShop,), {"snapshotting_intervals": {Basket: snapshot_every}})
    return cls(env(directory))


def _open_many(app: Application[UUID], count: int) -> None:
    data = payload()
    for _ in range(count):
        app.save(Basket(**data))


def w1_sequential(directory: Path, aggregates: int) -> float:
    app = shop(directory)
    began = time.perf_counter()
    _open_many(app, aggregates)
    elapsed = time.perf_counter() - began
    app.close()
    return aggregates / elapsed


def w1_concurrent(directory: Path, aggregates: int, callers: int) -> float:
    """`callers` threads sharing one application (the library is synchronous and thread-safe)."""
    app = shop(directory)
    shares = [aggregates // callers + (1 if i < aggregates % callers else 0) for i in range(callers)]
    with ThreadPoolExecutor(max_workers=callers) as pool:
        began = time.perf_counter()
        list(pool.map(lambda count: _open_many(app, count), shares))
        elapsed = time.perf_counter() - began
    app.close()
    return aggregates / elapsed


def w2_commands(directory: Path, commands: int, snapshot_every: int) -> float:
    app = shop(directory, snapshot_every)
    data = payload()
    basket = Basket(**data)
    app.save(basket)
    began = time.perf_counter()
    for _ in range(commands):
        loaded: Basket = app.repository.get(basket.id)
        loaded.add(**data)
        app.save(loaded)
    elapsed = time.perf_counter() - began
    app.close()
    return commands / elapsed


def _long_basket(app: Application[UUID], events: int) -> UUID:
    data = payload()
    basket = Basket(**data)
    for i in range(1, events):
        basket.add(**data)
        if i % 1000 == 0:
            app.save(basket)
    app.save(basket)
    return basket.id


def w3_load(directory: Path, events: int, snapshot: bool) -> float:
    app = shop(directory, snapshots=snapshot)
    basket_id = _long_basket(app, events)
    if snapshot:
        app.take_snapshot(basket_id)
    app.close()
    cold = shop(directory, snapshots=snapshot)
    cold.recorder.max_notification_id()  # open the connection, as a running service has
    began = time.perf_counter()
    basket: Basket = cold.repository.get(basket_id)
    elapsed = time.perf_counter() - began
    cold.close()
    assert basket.version == events
    return elapsed * 1000


# -- W4: the library's own projection runner writing a read model ----------------------------------


class SalesView(SQLiteTrackingRecorder):
    """A materialised view in the documented style: each event's effect and its tracking commit together."""

    upsert = (
        "INSERT INTO bench_sales (sku, units, revenue_cents) VALUES (?, ?, ?) ON CONFLICT (sku) DO UPDATE"
        " SET units = units + excluded.units, revenue_cents = revenue_cents + excluded.revenue_cents"
    )

    def construct_create_table_statements(self) -> list[str]:
        return [
            *super().construct_create_table_statements(),
            "CREATE TABLE IF NOT EXISTS bench_sales (sku TEXT PRIMARY KEY, units INTEGER NOT NULL,"
            " revenue_cents INTEGER NOT NULL)",
        ]

    def record_sale(self, sku: str, quantity: int, price_cents: int, tracking: Tracking) -> None:
        with self.datastore.transaction(commit=True) as c:
            c.execute(self.upsert, (sku, quantity, quantity * price_cents))
            self._insert_tracking(c, tracking)


class SalesProjection(Projection[SalesView]):
    name = "sales"

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        if isinstance(domain_event, Basket.BasketOpened | Basket.ItemAdded):  # type: ignore[attr-defined]
            self.view.record_sale(domain_event.sku, domain_event.quantity, domain_event.price_cents, tracking)
        else:
            self.view.insert_tracking(tracking)


def w4_catch_up(directory: Path, events: int, per_stream: int) -> float:
    """The library's `ProjectionRunner` needs a recorder with subscriptions, which its SQLite module does not
    have (NotImplementedError); so this pulls the application's notifications in pages and feeds the same
    `Projection.process_event` its runner would call: one transaction per event, effect and tracking together."""
    app = shop(directory)
    data = payload()
    for s in range(events // per_stream):
        basket = Basket(**payload(s))
        for _ in range(per_stream - 1):
            basket.add(**data)
        app.save(basket)
    app.close()
    app = shop(directory)
    view = InfrastructureFactory.construct(Environment(SalesProjection.name, env(directory))).tracking_recorder(
        SalesView
    )
    projection = SalesProjection(view=view)
    began = time.perf_counter()
    start, seen = (view.max_tracking_id(app.name) or 0) + 1, 0
    while notifications := app.recorder.select_notifications(start=start, limit=500):
        for notification in notifications:
            projection.process_event(app.mapper.to_domain_event(notification), Tracking(app.name, notification.id))
        seen += len(notifications)
        start = notifications[-1].id + 1
    elapsed = time.perf_counter() - began
    app.close()
    view.datastore.close()
    return seen / elapsed
