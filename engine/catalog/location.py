"""Where a catalog lives: an SQLite file (the default) or a PostgreSQL URL.

A URL's password is never shown: `Catalog.path` is the URL without it, which is what
messages, reports and JSON print. The password is remembered for this process (so a
catalog reopened by its shown URL connects again), and otherwise comes from where libpq
looks for it ($PGPASSWORD, ~/.pgpass) or from $MEDIAOPT_CATALOG naming the same server,
database and user with one. Processes this one starts inherit what it was given;
Dask workers on other machines need one of the others.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import platformdirs

ENV_VAR = "MEDIAOPT_CATALOG"
SCHEMES = ("postgresql://", "postgres://")

_PASSWORDS: dict[str, str] = {}
"""Shown URL -> full URL, for catalogs opened in this process."""
_INHERITED = "MEDIAOPT_CATALOG_URLS"
"""The same map (JSON) in the environment, for the processes this one starts: probe
pools and `--executor local:N` Dask workers reopen the catalog by its shown URL. The
password is no more exposed there than in the `--catalog` argument it came from."""


def is_url(location: object) -> bool:
    """True for a PostgreSQL catalog (`postgresql://...`), False for an SQLite file."""
    return isinstance(location, str) and location.startswith(SCHEMES)


def default_catalog_path() -> Path | str:
    """`MEDIAOPT_CATALOG` when set (a file, or a `postgresql://` URL), else catalog.sqlite
    in the user's data directory."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env if is_url(env) else Path(env).expanduser()
    return Path(platformdirs.user_data_dir("mediaopt")) / "catalog.sqlite"


def resolve(location: str | os.PathLike[str] | None) -> Path | str:
    """The catalog `location` names: a URL as given (a str), anything else as a Path,
    None as the default."""
    if location is None:
        return default_catalog_path()
    if is_url(location):
        return str(location)
    return Path(location)


def catalog_exists(location: str | os.PathLike[str] | None) -> bool:
    """Whether opening `location` would find a catalog rather than create one. A server
    catalog counts as existing: its database is there by the time anyone names it."""
    where = resolve(location)
    return is_url(where) or Path(where).is_file()


def shown(url: str) -> str:
    """The URL without its password (in the user part or a `password=` parameter)."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        netloc = f"{user.partition(':')[0]}@{host}"
    # The query is filtered as text, not decoded and encoded again: libpq reads `+` as
    # itself, where urlencode would write a space as `+`.
    query = "&".join(p for p in parts.query.split("&") if not p.startswith("password="))
    return urlunsplit(parts._replace(netloc=netloc, query=query))


def remember(url: str) -> str:
    """The URL to connect with: `url` itself when it holds a password, else the one this
    process or $MEDIAOPT_CATALOG gave for the same shown URL. Returns the shown URL's
    secret-bearing twin and remembers it."""
    masked = shown(url)
    if masked != url:
        _PASSWORDS[masked] = url
        os.environ[_INHERITED] = json.dumps(_PASSWORDS)
        return url
    env = os.environ.get(ENV_VAR, "")
    if is_url(env) and shown(env) == masked:
        return env
    if masked not in _PASSWORDS:
        with contextlib.suppress(ValueError, TypeError):
            _PASSWORDS.update(json.loads(os.environ.get(_INHERITED, "{}")))
    return _PASSWORDS.get(masked, url)
