"""The deployment files follow the module registry: every module has its service and its route, and
nothing else is routed or deployed as a module. (Adding a module to `runtime/registry.py` fails here
until `docker-compose.yml` and `deploy/nginx.conf` name it too.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from martello.runtime.app import create_app
from martello.runtime.registry import MODULES
from tests.conftest import shop_settings

ROOT = Path(__file__).resolve().parents[2]
NGINX_MODULE_ROUTE = re.compile(r"location ~ \^/api/v1/\(([a-z_|]+)\)\(/\|\$\)")
INFRASTRUCTURE = {"postgres", "nats", "proxy"}


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return loaded


def test_docker_compose_runs_one_service_per_registered_module() -> None:
    services = compose()["services"]
    modules = {name: service for name, service in services.items() if name not in INFRASTRUCTURE}
    assert list(modules) == list(MODULES)
    for name, service in modules.items():
        assert service["command"] == ["martello", "run", "--modules", name], name
        assert service["environment"]["MTL_STORE_URL"].startswith("postgresql://"), name
        assert service["environment"]["MTL_BUS_URL"].startswith("nats://"), name
    assert services["proxy"]["depends_on"] == list(MODULES)


def test_the_proxy_routes_each_registered_module_to_its_service() -> None:
    config = (ROOT / "deploy" / "nginx.conf").read_text()
    routes = NGINX_MODULE_ROUTE.findall(config)
    assert len(routes) == 1, "one location sends /api/v1/<module> to the service named <module>"
    assert routes[0].split("|") == list(MODULES)
    assert "proxy_pass http://$service:8080;" in config


def test_every_module_serves_its_api_under_its_own_name(tmp_path: Path) -> None:
    app = create_app(shop_settings(tmp_path / "var"))
    try:
        paths = [path for path in app.openapi()["paths"] if path.startswith("/api/")]
        served = {path.split("/")[3] for path in paths}
        assert served == {*MODULES, "ops"}  # ops: each process's own operations API, not a module's
    finally:
        app.state.shop.close()
