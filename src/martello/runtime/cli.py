"""The `martello` command line."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from martello.generator.command import add_new_parser
from martello.kernel.errors import NotFound
from martello.kernel.events import to_public_data
from martello.runtime.config import ConfigError, Settings, parse_modules
from martello.runtime.demo import add_demo_parser

if TYPE_CHECKING:
    from martello.runtime.shop import Shop

log = logging.getLogger("martello")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env()
        if getattr(args, "data_dir", None):
            settings = settings.override(data_dir=Path(args.data_dir))
        result: int = args.handler(args, settings)
        return result
    except ConfigError as error:
        print(f"martello: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="martello", description="Martello: the micro monolith online shop.")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="start the shop (all modules, or those named with --modules)")
    run.add_argument("--modules", help="comma-separated module names (default: all; env MTL_MODULES)")
    run.add_argument("--host", help="HTTP host (env MTL_HTTP_HOST, default 127.0.0.1)")
    run.add_argument("--port", type=int, help="HTTP port (env MTL_HTTP_PORT, default 8080)")
    run.add_argument("--data-dir", help="where the SQLite databases live (env MTL_DATA_DIR, default ./var)")
    run.add_argument("--store-url", help="postgresql://... to keep every module's data there (env MTL_STORE_URL)")
    run.add_argument("--bus-url", help="nats://... to exchange integration events over JetStream (env MTL_BUS_URL)")
    run.set_defaults(handler=run_command)

    add_demo_parser(commands)
    add_new_parser(commands)

    stream = commands.add_parser("stream", help="event streams").add_subparsers(dest="stream_command", required=True)
    show = stream.add_parser("show", help="list a stream's events with their envelopes")
    show.add_argument("stream_id")
    show.add_argument("--json", action="store_true", help="one JSON document per event")
    show.add_argument("--data-dir")
    show.set_defaults(handler=stream_show_command)

    projections = commands.add_parser("projections", help="read models").add_subparsers(
        dest="projections_command", required=True
    )
    listing = projections.add_parser("list", help="name, checkpoint, head position and lag of every projection")
    listing.add_argument("--data-dir")
    listing.set_defaults(handler=projections_list_command)
    rebuild = projections.add_parser("rebuild", help="rebuild a projection from its log and swap it in atomically")
    rebuild.add_argument("name")
    rebuild.add_argument("--data-dir")
    rebuild.set_defaults(handler=projections_rebuild_command)
    add_recovery_parsers(commands, projections)

    events = commands.add_parser("events", help="the event log").add_subparsers(dest="events_command", required=True)
    tail = events.add_parser("tail", help="print events as they are appended (Ctrl-C to stop)")
    tail.add_argument("--module", action="append", help="only this module (repeatable)")
    tail.add_argument("--type", action="append", help="only this event type, e.g. catalog.ProductAdded (repeatable)")
    tail.add_argument("--from-start", action="store_true", help="print the existing log first")
    tail.add_argument("--json", action="store_true", help="one JSON document per event")
    tail.add_argument("--data-dir")
    tail.set_defaults(handler=events_tail_command)
    return parser


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    class ShopServer(uvicorn.Server):
        """uvicorn, listening before the modules start: the shop starts in the background (it may wait for
        PostgreSQL or NATS), answering /healthz meanwhile, /readyz 503 and other routes 503 `starting`.
        On SIGINT/SIGTERM it stops accepting connections, lets in-flight requests finish, then stops the
        modules (projections end between batches, every batch one transaction: nothing is left
        half-written), or, still starting, stops waiting. A start that fails ends the process."""

        start_failure: BaseException | None = None

        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets)
            if self.started:
                log.info("http-server started listening at http://%s:%d", self.config.host, self.config.port)

        async def on_tick(self, counter: int) -> bool:
            starting: asyncio.Task[None] = app.state.starting
            if starting.done() and not starting.cancelled() and starting.exception() is not None:
                self.start_failure = starting.exception()
                return True
            return await super().on_tick(counter)

    from martello.runtime import logs
    from martello.runtime.app import create_app
    from martello.runtime.lock import DataDirectoryInUse

    settings = settings.override(
        modules=parse_modules(args.modules) if args.modules else None,
        http_host=args.host,
        http_port=args.port,
        store_url=args.store_url,
        bus_url=args.bus_url,
    )
    logs.configure(settings.log_level, settings.log_format)
    app = create_app(settings, start_in_background=True)
    try:
        app.state.shop.claim_data_dir()  # before listening: a second shop on the same files is refused at once
    except DataDirectoryInUse as error:
        raise ConfigError(f"{error}; stop that shop first, or give this one another --data-dir") from None
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        server_header=False,  # no server name and version for a scanner to match against known flaws
        timeout_graceful_shutdown=10,
    )
    server = ShopServer(config)
    with contextlib.suppress(KeyboardInterrupt):  # uvicorn re-raises the SIGINT it handled, after a clean stop
        server.run()  # on uvloop when installed (uvicorn[standard]): cheaper wake-ups and socket writes
    if server.start_failure is not None:
        failure = server.start_failure
        log.error("martello could not start: %s", failure, exc_info=None if _explained(failure) else failure)
        return 1
    return 0


def _explained(error: BaseException) -> bool:
    """Errors whose message says all there is to say (no traceback needed)."""
    from martello.adapters.postgres import DatabaseMissing

    return isinstance(error, DatabaseMissing | ConfigError)


def _offline(settings: Settings, work: Callable[[Shop], Awaitable[int]]) -> int:
    """Run `work` against the shop's storage without starting it (the shop may be running elsewhere).
    On SQLite it opens only the module databases that exist, and refuses a data directory without any:
    a mistyped --data-dir is an error, and reading creates nothing."""
    from martello.runtime.shop import Shop

    if not settings.store_url:
        settings = settings.override(modules=_modules_in(settings.data_dir))

    async def main() -> int:
        shop = Shop.from_settings(settings)  # MTL_STORE_URL: the PostgreSQL schemas of a distributed shop
        await shop.open()
        try:
            return await work(shop)
        finally:
            shop.close()

    from martello.adapters.postgres import DatabaseMissing

    try:
        return asyncio.run(main())
    except NotFound as error:
        print(f"martello: {error}", file=sys.stderr)
        return 1
    except DatabaseMissing as error:
        print(f"martello: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def _modules_in(data_dir: Path) -> tuple[str, ...]:
    """The modules whose SQLite database is in `data_dir` (ConfigError if none is)."""
    from martello.runtime.config import ALL_MODULES

    if not data_dir.is_dir():
        raise ConfigError(f"data directory {data_dir} does not exist (pass --data-dir, or set MTL_DATA_DIR)")
    present = tuple(name for name in ALL_MODULES if (data_dir / f"{name}.db").is_file())
    if not present:
        raise ConfigError(f"data directory {data_dir} holds no shop data (no <module>.db file)")
    return present


def stream_show_command(args: argparse.Namespace, settings: Settings) -> int:
    from martello.runtime.operations import stream_history

    async def show(shop: Shop) -> int:
        module, envelopes = await stream_history(shop, args.stream_id)
        if args.json:
            for envelope in envelopes:
                print(json.dumps(envelope.describe()))
            return 0
        print(f"stream {args.stream_id} ({module} module), version {envelopes[-1].stream_version}")
        print(f"{'ver':>4} {'pos':>7}  {'timestamp':<32} {'type':<40} {'schema':>6}  correlation / causation / actor")
        for e in envelopes:
            print(
                f"{e.stream_version:>4} {e.position:>7}  {e.timestamp.isoformat():<32} {e.type:<40} "
                f"v{e.schema_version:<5}  {e.correlation_id} / {e.causation_id} / {e.actor or '-'}"
            )
            print(f"{'':>14}{json.dumps(to_public_data(e.event))}")
        return 0

    return _offline(settings, show)


def projections_list_command(args: argparse.Namespace, settings: Settings) -> int:
    from martello.runtime.operations import projection_status

    async def listing(shop: Shop) -> int:
        print(f"{'projection':<36} {'module':<10} {'status':<10} {'checkpoint':>10} {'head':>10} {'lag':>8}")
        for s in await projection_status(shop):
            print(f"{s.name:<36} {s.module:<10} {s.status:<10} {s.checkpoint:>10} {s.head:>10} {s.lag:>8}")
            if s.stall is not None:
                print(f"{'':>4}stalled at position {s.stall.position} ({s.stall.event_type}): {s.stall.error}")
        return 0

    return _offline(settings, listing)


def projections_rebuild_command(args: argparse.Namespace, settings: Settings) -> int:
    from martello.runtime.operations import rebuild

    interactive = sys.stderr.isatty()
    last_report = [0.0]

    def progress(position: int, head: int) -> None:
        share = position / head if head else 1.0
        if interactive:
            bar = "#" * int(share * 30)
            print(f"\r  [{bar:<30}] {share:6.1%}  {position:,}/{head:,}", end="", file=sys.stderr, flush=True)
        elif time.monotonic() - last_report[0] > 1 or position >= head:
            last_report[0] = time.monotonic()
            print(f"  {position:,}/{head:,} ({share:.0%})", file=sys.stderr)

    async def run(shop: Shop) -> int:
        from martello.kernel.rebuild import RebuildStalled

        began = time.perf_counter()
        try:
            position = await rebuild(shop, args.name, progress)
        except RebuildStalled as stalled:
            print(f"\nmartello: {stalled}", file=sys.stderr)
            return 1
        if interactive:
            print(file=sys.stderr)
        seconds = time.perf_counter() - began
        print(f"rebuilt {args.name} up to position {position} in {seconds:.2f}s; swapped in atomically")
        return 0

    return _offline(settings, run)


def events_tail_command(args: argparse.Namespace, settings: Settings) -> int:
    from martello.runtime.operations import tail

    async def follow(shop: Shop) -> int:
        unknown = set(args.module or ()) - set(shop.modules)
        if unknown:
            raise ConfigError(f"unknown module(s): {', '.join(sorted(unknown))}")
        async for module, e in tail(shop, args.module, args.type, from_start=args.from_start):
            if args.json:
                print(json.dumps({"module": module, **e.describe()}), flush=True)
            else:
                print(
                    f"{e.timestamp.isoformat()} {module:<9} #{e.position:<6} {e.stream_id} v{e.stream_version} "
                    f"{e.type} {json.dumps(to_public_data(e.event))} corr={e.correlation_id}",
                    flush=True,
                )
        return 0

    return _offline(settings, follow)


def add_recovery_parsers(commands: Any, projections: Any) -> None:
    """`projections retry` and `messages dead-letters`: recovering from poison events and messages."""
    retry = projections.add_parser("retry", help="resume a stalled projection (after an upcaster or a fix)")
    retry.add_argument("name")
    retry.add_argument("--data-dir")
    retry.set_defaults(handler=projections_retry_command)
    messages = commands.add_parser("messages", help="integration messages").add_subparsers(
        dest="messages_command", required=True
    )
    letters = messages.add_parser("dead-letters", help="list parked messages, or deliver one again (--retry ID)")
    letters.add_argument("--retry", metavar="ID", help="deliver this dead letter again; on success it is removed")
    letters.add_argument("--json", action="store_true", help="one JSON document per dead letter")
    letters.add_argument("--data-dir")
    letters.set_defaults(handler=dead_letters_command)


def projections_retry_command(args: argparse.Namespace, settings: Settings) -> int:
    from martello.runtime.operations import retry

    async def run(shop: Shop) -> int:
        runner, stall = await retry(shop, args.name)
        if stall is not None:
            print(
                f"martello: {args.name} still stalls at position {stall.position} ({stall.event_type}): {stall.error}",
                file=sys.stderr,
            )
            return 1
        print(f"{args.name} resumed: caught up to position {runner.position}")
        return 0

    return _offline(settings, run)


def dead_letters_command(args: argparse.Namespace, settings: Settings) -> int:
    from martello.kernel.store import describe_error
    from martello.runtime.dead_letters import list_dead_letters, redeliver

    async def run(shop: Shop) -> int:
        if args.retry:
            try:
                module, letter = await redeliver(shop, args.retry)
            except NotFound:
                raise
            except Exception as error:
                print(f"martello: dead letter {args.retry} failed again: {describe_error(error)}", file=sys.stderr)
                return 1
            print(f"delivered {letter.type} {letter.message_id} to {module}/{letter.consumer}; dead letter removed")
            return 0
        listing = await list_dead_letters(shop)
        if args.json:
            for module, letter in listing:
                print(json.dumps({"module": module, **letter.describe()}))
            return 0
        print(f"{'id':<36} {'module':<10} {'consumer':<20} {'type':<36} {'attempts':>8}  last failed / error")
        for module, letter in listing:
            print(
                f"{letter.id:<36} {module:<10} {letter.consumer:<20} {letter.type:<36} {letter.attempts:>8}"
                f"  {letter.last_failed_at}  {letter.error}"
            )
        return 0

    return _offline(settings, run)


if __name__ == "__main__":
    sys.exit(main())
