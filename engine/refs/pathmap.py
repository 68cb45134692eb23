"""Where a path written in a project file is on this machine.

Projects carry paths as their authors' machines wrote them: relative to the project,
`file://` URLs with percent-encoding, Windows drives and UNC shares, macOS `/Volumes`.
Every facility has a table that says which mount is which on each OS; PathMap is that
table, and `local_paths` lists the local places a written path may mean, best first.
"""

from __future__ import annotations

import os
import posixpath
import re
from urllib.parse import unquote, urlsplit

_DRIVE = re.compile(r"^[A-Za-z]:(/|$)")
_URL_SCHEME = re.compile(r"^file:", re.IGNORECASE)


class PathMapError(ValueError):
    pass


def normalise(written: str) -> str:
    """A written path in one spelling: forward slashes, URLs decoded, `//host/share` for
    UNC and `file://host/share`, `C:/...` for drives. Relative paths stay relative."""
    text = written.strip().strip('"').strip("'")
    if _URL_SCHEME.match(text):
        url = urlsplit(text)
        path = unquote(url.path)
        host = url.netloc
        if host and host.lower() != "localhost":
            return "//" + host + (path if path.startswith("/") else "/" + path)
        if re.match(r"^/[A-Za-z]:/", path):  # file:///C:/show -> C:/show
            path = path[1:]
        return path
    text = text.replace("\\", "/")
    if text.startswith("//"):
        return "//" + re.sub("/+", "/", text[2:])
    return re.sub("/+", "/", text)


def is_foreign(path: str) -> bool:
    """A Windows drive or UNC path: it cannot be opened here without a mapping."""
    return bool(_DRIVE.match(path)) or path.startswith("//")


def is_absolute(path: str) -> bool:
    return path.startswith("/") or bool(_DRIVE.match(path))


class PathMap:
    """Prefix rules `written=local`, tried longest first. Prefixes match whole path
    components and ignore case: Windows and macOS volumes are case-insensitive, and the
    same share is often typed `//Server/Projects` in one file and `//server/projects` in
    the next."""

    def __init__(self, rules: list[tuple[str, str]] | None = None):
        cleaned = [(normalise(a).rstrip("/"), os.path.normpath(b)) for a, b in rules or []]
        self.rules = sorted(cleaned, key=lambda rule: len(rule[0]), reverse=True)
        self._folded = [(a.casefold(), a, b) for a, b in self.rules]

    @classmethod
    def parse(cls, specs: list[str]) -> PathMap:
        """From `--map A=B` strings; the last `=` splits, since Windows shares never hold
        one but a local path might."""
        rules = []
        for spec in specs:
            written, sep, local = spec.rpartition("=")
            if not sep or not written or not local:
                raise PathMapError(f"path map {spec!r} is not WRITTEN=LOCAL")
            rules.append((written, local))
        return cls(rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    def map(self, path: str) -> list[str]:
        """Local paths the rules turn a normalised path into, longest rule first."""
        folded = path.casefold()
        found = []
        for prefix, _, local in self._folded:
            if folded == prefix or (folded.startswith(prefix) and folded[len(prefix)] == "/"):
                rest = path[len(prefix) :].lstrip("/")
                found.append(os.path.normpath(os.path.join(local, rest)) if rest else local)
        return found

    def local_paths(self, written: str, project_dir: str | None) -> list[str]:
        """Where `written` may be on this machine, best first: mapped places, then the
        path itself when it is a local absolute path, then relative to the project."""
        path = normalise(written)
        if not path:
            return []
        found = self.map(path)
        if is_absolute(path) and not is_foreign(path):
            found.append(posixpath.normpath(path))
        elif not is_absolute(path) and project_dir:
            found.append(os.path.normpath(os.path.join(project_dir, path)))
        # `%20` in a path that is not a URL: some writers encode without the scheme.
        if "%" in path and not _URL_SCHEME.match(written.strip()):
            found += [p for p in self.local_paths(unquote(written), project_dir) if p not in found]
        return list(dict.fromkeys(found))
