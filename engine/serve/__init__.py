"""`mediaopt serve`: a read-only HTTP API over the catalog and the analyses.

Litestar speaks msgspec natively: the handlers return the same Structs the CLI prints
with `--json`, and the OpenAPI schema (`/schema/openapi.json`) is generated from them, so
an asset-management system reads one format whichever way it asks. Nothing here writes
media or the catalog's assets; the analyses may fill their caches (content hashes), as
they do from the CLI.

Bound beyond loopback the API requires a token (`Authorization: Bearer T`): a catalog
lists every file of a production and where it lives.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

__all__ = ["ServeError", "build_app", "is_loopback", "serve"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


class ServeError(ValueError):
    """The API cannot start as asked (no token beyond loopback, no catalog)."""


def is_loopback(host: str) -> bool:
    """True when only this machine can reach `host`: `localhost` or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a name: it may resolve to anything


def check_can_serve(host: str, token: str | None, catalog: str | Path) -> None:
    """Refuse to start where the API would be open to the network, or has nothing to serve."""
    if not is_loopback(host) and not token:
        raise ServeError(
            f"refusing to serve on {host} without a token: beyond loopback the catalog would "
            "be open to the network; give --token T (or MEDIAOPT_TOKEN), or bind 127.0.0.1"
        )
    if (
        not str(catalog).startswith(("postgresql://", "postgres://"))
        and not Path(catalog).is_file()
    ):
        raise ServeError(f"{catalog}: no catalog there; scan first (`mediaopt scan ROOT`)")


def build_app(catalog: str | Path, *, token: str | None = None, config: str | None = None):
    """The Litestar application serving `catalog` (requests need `token` when one is given)."""
    from mediaopt.engine.serve.app import make_app

    return make_app(str(catalog), token=token, config=config)


def serve(
    catalog: str | Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    token: str | None = None,
    config: str | None = None,
    log_level: str = "warning",
) -> None:
    """Serve the API until interrupted."""
    check_can_serve(host, token, catalog)
    import uvicorn

    app = build_app(catalog, token=token, config=config)
    uvicorn.run(app, host=host, port=port, log_level=log_level)
