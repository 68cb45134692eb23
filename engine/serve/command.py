"""mediaopt serve: a read-only HTTP API over the catalog and the analyses.

Loopback (127.0.0.1) by default. Bound to any other address it requires a token
(`--token T` or MEDIAOPT_TOKEN), which clients send as `Authorization: Bearer T`. The
OpenAPI schema is at /schema/openapi.json, interactive documents at /schema.
"""

from __future__ import annotations

import argparse
import os

from mediaopt.engine.serve import DEFAULT_HOST, DEFAULT_PORT


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("serve", help="read-only HTTP API over the catalog", description=__doc__)
    p.add_argument("--host", default=DEFAULT_HOST, help=f"address to bind ({DEFAULT_HOST})")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port ({DEFAULT_PORT})")
    p.add_argument(
        "--token",
        default=os.environ.get("MEDIAOPT_TOKEN"),
        help="clients must send `Authorization: Bearer TOKEN` (required beyond loopback; "
        "default: $MEDIAOPT_TOKEN)",
    )
    p.add_argument(
        "--catalog",
        metavar="PATH",
        help="catalog file (default: $MEDIAOPT_CATALOG, else the user data dir)",
    )
    p.add_argument("--config", metavar="FILE", help="settings file (path maps, grace days)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from mediaopt.engine.catalog import default_catalog_path
    from mediaopt.engine.serve import serve

    catalog = args.catalog or str(default_catalog_path())
    serve(catalog, host=args.host, port=args.port, token=args.token, config=args.config)
    return 0
