"""`martello demo`: fill a shop with a catalog, stock, customers and their orders, through its HTTP API.

Against a running shop: the one named by `--url`, else the one `martello run` would serve
(MTL_HTTP_HOST/PORT) if it answers. Otherwise in-process: the shop is started on the data directory like
`martello run` does, filled, and stopped; `martello run` then serves what it holds.
Every step first looks at what exists, so running it twice adds nothing twice and does not fail.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from martello.modules.user.application.bootstrap import DEV_ADMIN_PASSWORD, DEV_ADMIN_USERNAME
from martello.runtime.config import Settings
from martello.runtime.lock import DataDirectoryInUse

if TYPE_CHECKING:
    import httpx

CATALOG_NAME = "Martello demo"
CUSTOMER_PASSWORD = "martello-demo-42"


@dataclass(frozen=True, slots=True)
class Product:
    sku: str
    name: str
    price: int
    stock: int


PRODUCTS = (
    Product("KETTLE-01", "Stovetop kettle", 3499, 20),
    Product("MUG-01", "Stoneware mug", 1250, 50),
    Product("TEAPOT-01", "Cast-iron teapot", 5900, 10),
    Product("PRINT-01", "Limited edition print", 9900, 1),
)


@dataclass(frozen=True, slots=True)
class Customer:
    username: str
    cart: dict[str, int]
    goal: str
    """What becomes of the order: confirmed, paid, shipped, rejected (a shortage), or open (not checked out)."""


CUSTOMERS = (
    Customer("alice", {"KETTLE-01": 1, "MUG-01": 2}, "shipped"),
    Customer("bob", {"TEAPOT-01": 1, "MUG-01": 4}, "paid"),
    Customer("carol", {"MUG-01": 1, "KETTLE-01": 1}, "confirmed"),
    Customer("dave", {"PRINT-01": 2}, "rejected"),
    Customer("erin", {"MUG-01": 1}, "open"),
)


class DemoFailed(Exception):
    pass


@dataclass
class Demo:
    http: httpx.AsyncClient
    admin: dict[str, str] = field(default_factory=dict)
    say: Callable[[str], None] = print

    async def call(self, method: str, path: str, *, ok: tuple[int, ...] = (200, 201), **kwargs: Any) -> Any:
        response = await self.http.request(method, path, **kwargs)
        if response.status_code not in ok:
            raise DemoFailed(f"{method} {path} answered {response.status_code}: {response.text}")
        return response.json() if response.content else None

    async def sign_in_admin(self, username: str, password: str) -> None:
        session = await self.call("POST", "/api/v1/user/sessions", json={"username": username, "password": password})
        self.admin = {"Authorization": f"Bearer {session['access_token']}"}
        self.say(f"admin      {username} signed in")

    async def open_catalog(self) -> None:
        active = await self.call("GET", "/api/v1/catalog/catalogs", params={"status": "active"})
        if any(catalog["name"] == CATALOG_NAME for catalog in active):
            self.say(f"catalog    {CATALOG_NAME!r} is already active")
            return
        body = {"name": CATALOG_NAME, "description": "What `martello demo` sells"}
        catalog_id = (await self.call("POST", "/api/v1/catalog/catalogs", json=body, headers=self.admin))["id"]
        for p in PRODUCTS:
            product = {"sku": p.sku, "name": p.name, "price": {"amount": p.price, "currency": "EUR"}}
            await self.call("POST", f"/api/v1/catalog/catalogs/{catalog_id}/products", json=product, headers=self.admin)
        for action in ("submit", "approve", "activate"):
            await self.call("POST", f"/api/v1/catalog/catalogs/{catalog_id}/{action}", headers=self.admin)
        self.say(f"catalog    {CATALOG_NAME!r} created and activated with {len(PRODUCTS)} products")

    async def receive_stock(self) -> None:
        received = []
        for p in PRODUCTS:
            path = f"/api/v1/warehouse/stock/{p.sku}"
            response = await self.http.get(path, headers=self.admin)
            if response.status_code == 404:
                await self.call("POST", f"{path}/receive", json={"quantity": p.stock}, headers=self.admin)
                received.append(f"{p.sku} x{p.stock}")
        self.say(f"stock      received {', '.join(received)}" if received else "stock      already received")

    async def wait_until_on_sale(self) -> None:
        """The cart learns products from the catalog's events, a moment after the catalog is activated."""
        wanted = {p.sku for p in PRODUCTS}
        await poll(
            lambda: self.call("GET", "/api/v1/cart/products"), lambda on_sale: wanted <= {p["sku"] for p in on_sale}
        )

    async def sign_in(self, username: str) -> dict[str, str]:
        email = f"{username}@example.com"
        sign_up = {"username": username, "email": email, "emailConfirmation": email, "password": CUSTOMER_PASSWORD}
        await self.call("POST", "/api/v1/user/users", ok=(201, 409), json=sign_up)
        login = {"username": username, "password": CUSTOMER_PASSWORD}
        session = await self.call("POST", "/api/v1/user/sessions", json=login)
        return {"Authorization": f"Bearer {session['access_token']}"}

    async def shop_as(self, customer: Customer) -> str:
        """The customer's purchase, unless they made it in an earlier run; the answer says what happened."""
        headers = await self.sign_in(customer.username)
        orders = await self.call("GET", "/api/v1/order/orders", headers=headers)
        if orders:
            return f"{orders[0]['status']} (from an earlier run)"
        cart = await self.http.get("/api/v1/cart/cart", headers=headers)
        if cart.status_code == 200 and cart.json().get("lines"):
            return "cart left open (from an earlier run)"
        for sku, quantity in customer.cart.items():
            await self.call("POST", "/api/v1/cart/cart/items", json={"sku": sku, "quantity": quantity}, headers=headers)
        if customer.goal == "open":
            return "cart left open"
        cart_id = (await self.call("POST", "/api/v1/cart/cart/checkout", headers=headers))["id"]
        order = await poll(
            lambda: self.call("GET", "/api/v1/order/orders", params={"cart_id": cart_id}, headers=headers),
            lambda found: bool(found) and found[0]["status"] not in ("placed", "cancelling"),
        )
        order = order[0]
        path = f"/api/v1/order/orders/{order['id']}"
        position = 0
        if order["status"] == "confirmed" and customer.goal in ("paid", "shipped"):
            position = (await self.call("POST", f"{path}/pay", headers=headers))["position"]
            if customer.goal == "shipped":
                position = (await self.call("POST", f"{path}/ship", headers=self.admin))["position"]
        final = await self.call("GET", path, params={"min_position": position}, headers=self.admin)
        total = final["total"]
        outcome = f"{final['status']:<10} {total['amount'] / 100:>8.2f} {total['currency']}"
        return f"{outcome}  {final['reason']}" if final["reason"] else outcome

    async def summary(self, expected_orders: int) -> None:
        stock = await self.call("GET", "/api/v1/warehouse/stock", headers=self.admin)
        self.say("stock now  " + ", ".join(f"{s['sku']} {s['available']}/{s['on_hand']} available" for s in stock))
        funnel = await poll(
            lambda: self.call("GET", "/api/v1/analytics/funnel", headers=self.admin),
            lambda f: f["placed"] >= expected_orders,
            tries=40,
            fail=False,
        )
        self.say(
            f"funnel     placed {funnel['placed']} -> confirmed {funnel['confirmed']} / rejected {funnel['rejected']}"
            f" -> paid {funnel['paid']} -> shipped {funnel['shipped']} / cancelled {funnel['cancelled']}"
        )
        revenue = await self.call("GET", "/api/v1/analytics/revenue/by-product", headers=self.admin)
        self.say(
            "revenue    "
            + (", ".join(f"{r['sku']} {r['revenue'] / 100:.2f} {r['currency']}" for r in revenue) or "none")
        )

    async def run(self, admin_username: str, admin_password: str) -> None:
        await self.sign_in_admin(admin_username, admin_password)
        await self.open_catalog()
        await self.receive_stock()
        await self.wait_until_on_sale()
        self.say(f"customers  {', '.join(c.username for c in CUSTOMERS)} (password {CUSTOMER_PASSWORD!r})")
        for customer in CUSTOMERS:
            self.say(f"  {customer.username:<8} {await self.shop_as(customer)}")
        await self.summary(sum(1 for c in CUSTOMERS if c.goal != "open"))


async def poll(
    probe: Callable[[], Awaitable[Any]],
    done: Callable[[Any], bool],
    *,
    tries: int = 100,
    fail: bool = True,
) -> Any:
    """The shop's modules talk asynchronously: ask again, a bounded number of times."""
    result = None
    for _ in range(tries):
        result = await probe()
        if done(result):
            return result
        await asyncio.sleep(0.05)
    if fail:
        raise DemoFailed(f"the shop did not get there in time (last answer: {result!r})")
    return result


@asynccontextmanager
async def in_process(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The shop on the data directory, started in this process and driven through its ASGI app."""
    import httpx

    from martello.runtime.app import create_app
    from martello.runtime.shop import Shop

    shop = Shop.from_settings(settings)
    shop.claim_data_dir()  # first, before anything is written: DataDirectoryInUse if a running shop holds it
    app = create_app(settings, shop=shop)
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="http://demo") as http:
        yield http


async def answering(url: str) -> bool:
    """Does a shop answer at `url`?"""
    import httpx

    try:
        async with httpx.AsyncClient(base_url=url, timeout=1.0) as http:
            return (await http.get("/healthz")).status_code == 200
    except httpx.HTTPError:
        return False


@asynccontextmanager
async def remote(url: str) -> AsyncIterator[httpx.AsyncClient]:
    import httpx

    async with httpx.AsyncClient(base_url=url, timeout=30.0) as http:
        yield http


def add_demo_parser(commands: Any) -> None:
    """Add `martello demo` to the CLI's subcommands."""
    demo = commands.add_parser("demo", help="fill the shop with a demo catalog, stock, customers and orders")
    demo.add_argument("--url", help="a running shop (default: the local one if it answers, else in-process)")
    demo.add_argument("--in-process", action="store_true", help="start the shop here on the data dir, fill, stop")
    demo.add_argument("--data-dir", help="in-process: where the SQLite databases live (env MTL_DATA_DIR)")
    demo.add_argument(
        "--admin-username", help="default: env MTL_ADMIN_USERNAME, else the development admin (docs/user.md)"
    )
    demo.add_argument("--admin-password", help="default: env MTL_ADMIN_PASSWORD, else the development admin's")
    demo.set_defaults(handler=demo_command)


def demo_command(args: argparse.Namespace, settings: Settings) -> int:
    try:
        import httpx
    except ImportError:
        print("martello demo needs httpx: pip install httpx", file=sys.stderr)
        return 2
    from martello.runtime import logs

    logs.configure("WARNING", settings.log_format)
    username = args.admin_username or settings.extra.get("admin_username") or DEV_ADMIN_USERNAME
    password = args.admin_password or settings.extra.get("admin_password") or DEV_ADMIN_PASSWORD

    async def main() -> str | None:
        url: str | None = args.url
        if url is None and not args.in_process:
            local = f"http://{settings.http_host}:{settings.http_port}"
            url = local if await answering(local) else None
        print(f"Martello demo ({url or f'in-process, data in {settings.data_dir}/'})", flush=True)
        async with remote(url) if url else in_process(settings) as http:
            await Demo(http).run(username, password)
        return url

    try:
        url = asyncio.run(main())
    except (DemoFailed, httpx.HTTPError) as error:
        print(f"martello demo: {error}", file=sys.stderr)
        return 1
    except DataDirectoryInUse as error:
        print(
            f"martello demo: {error}; refusing to start a second shop on its files in-process. Fill the running"
            " shop through its HTTP API instead: pass --url http://HOST:PORT (where it listens)",
            file=sys.stderr,
        )
        return 2
    if url is None:
        print(f"Now `make run` (or `martello run`) and open http://{settings.http_host}:{settings.http_port}/docs")
    return 0
