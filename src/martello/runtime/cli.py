"""The `martello` command line."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from martello.runtime.config import ConfigError, Settings, parse_modules

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
    return parser


def run_command(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from martello.runtime import logs
    from martello.runtime.app import create_app

    settings = settings.override(
        modules=parse_modules(args.modules) if args.modules else None,
        http_host=args.host,
        http_port=args.port,
        store_url=args.store_url,
        bus_url=args.bus_url,
    )
    logs.configure(settings.log_level, settings.log_format)
    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=10,
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        await server.serve()

    asyncio.run(serve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
