"""Configuration from `MTL_*` environment variables, overridable by CLI flags."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from martello.runtime.registry import MODULE_NAMES

ALL_MODULES = MODULE_NAMES
"""Every module, in the registry's order (`runtime/registry.py` is the one list)."""


class ConfigError(ValueError):
    pass


@dataclass(frozen=True)
class Settings:
    data_dir: Path = Path("var")
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    modules: tuple[str, ...] = ALL_MODULES
    sqlite_synchronous: str = "NORMAL"
    snapshot_every: int = 100
    log_level: str = "INFO"
    log_format: str = "text"
    auth_secret: str | None = None
    """Signs bearer tokens; every process of one shop must share it. Default: kept in the data directory."""
    auth_previous_secrets: tuple[str, ...] = ()
    """Secrets rotated out (`MTL_AUTH_PREVIOUS_SECRETS`, comma-separated): their tokens verify until they expire."""
    token_ttl_seconds: int = 3600
    store_url: str | None = None
    """`postgresql://...`: every module on its own schema there. Default: SQLite files in `data_dir`."""
    store_schema_prefix: str = "mtl_"
    """A module's PostgreSQL schema is this prefix and its name (`mtl_order`)."""
    bus_url: str | None = None
    """`nats://...`: integration events over NATS JetStream. Default: the in-process bus."""
    bus_stream: str = "MARTELLO"
    """The JetStream stream carrying the shop's integration events (subjects `mtl.<stream>.<type>`)."""
    max_body_bytes: int = 1024 * 1024
    """A request body larger than this is refused (413) before it is parsed."""
    cors_origins: tuple[str, ...] = ()
    """Origins a browser may call the API from (CORS); none by default: CORS off."""
    metrics_token: str | None = None
    """When set, /metrics requires `Authorization: Bearer <metrics_token>`."""
    extra: Mapping[str, str] = field(default_factory=dict)
    """Every other MTL_* variable, lower-cased without the prefix, for modules to read (see `module_settings`)."""

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        extra: dict[str, str] = {}
        for key, value in env.items():
            if not key.startswith("MTL_"):
                continue
            name = key[4:].lower()
            if name == "data_dir":
                values["data_dir"] = Path(value)
            elif name == "http_host":
                values["http_host"] = value
            elif name in ("auth_secret", "store_url", "store_schema_prefix", "bus_url", "bus_stream"):
                values[name] = value
            elif name == "auth_previous_secrets":
                values[name] = tuple(part.strip() for part in value.split(",") if part.strip())
            elif name in ("http_port", "snapshot_every", "token_ttl_seconds", "max_body_bytes"):
                values[name] = _int(key, value)
                if name == "max_body_bytes" and values[name] < 1:
                    raise ConfigError(f"{key} must be at least 1, got {value}")
            elif name == "cors_origins":
                values[name] = tuple(origin.strip() for origin in value.split(",") if origin.strip())
            elif name == "metrics_token":
                values[name] = value or None
            elif name == "modules":
                values["modules"] = parse_modules(value)
            elif name in ("sqlite_synchronous", "log_level", "log_format"):
                values[name] = value.upper() if name != "log_format" else value.lower()
            else:
                extra[name] = value
        return cls(**values, extra=extra)

    def override(self, **changes: Any) -> Settings:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def module_settings(self, name: str) -> dict[str, str]:
        """What module `name` reads: `snapshot_every` and every other `MTL_<KEY>`, where `MTL_<MODULE>_<KEY>`
        (e.g. `MTL_ORDER_SNAPSHOT_EVERY=20`) overrides `<key>` for that module alone."""
        prefix = f"{name}_"
        own = {key.removeprefix(prefix): value for key, value in self.extra.items() if key.startswith(prefix)}
        return {"snapshot_every": str(self.snapshot_every), **self.extra, **own}


def auth_secret(settings: Settings) -> str:
    """The configured secret, or one generated once and kept in the data directory."""
    if settings.auth_secret:
        return settings.auth_secret
    path = settings.data_dir / "auth-secret"
    if not path.exists():
        private_directory(settings.data_dir)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(32))
    return path.read_text().strip()


def private_directory(path: Path) -> None:
    """Create the data directory readable by its owner only (0700); an existing one is left as it is."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _int(key: str, value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ConfigError(f"{key} must be an integer, got {value!r}") from None


def parse_modules(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(part.strip() for part in value.split(",") if part.strip()))
    if not names or names == ("all",):
        return ALL_MODULES
    unknown = [n for n in names if n not in ALL_MODULES]
    if unknown:
        raise ConfigError(f"unknown module(s): {', '.join(unknown)}; known: {', '.join(ALL_MODULES)}")
    return names
