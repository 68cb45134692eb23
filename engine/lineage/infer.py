"""Lineage inferred from names and headers, in two streamed passes over the index.

Every rule groups assets by a key in a dict and only compares within a group, so the work
grows with the library, not with its square: proxies by the clip name with the proxy mark
taken off, versions by the path with its version numbers taken out, transcodes by reel.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator

from mediaopt.engine.model import LineageEdge, LineageKind
from mediaopt.engine.refs.index import Entry, stem
from mediaopt.engine.refs.resolve import timecode_seconds

_PROXY_MARK = re.compile(r"[._ -](proxy|prx|lt|lowres|offline)$", re.IGNORECASE)
_PROXY_FOLDERS = {"proxy", "proxies", "proxy media", "proxy_media"}
_VERSION = re.compile(r"(?<![A-Za-z0-9])([vV])(\d{1,4})(?![0-9])")
_PICTURE = {"video", "sequence", "image"}
# A reel shared by more clips than this is a camera roll name, not a clip identity
# (some cameras write `A001` on every clip of the roll); pairing inside it says nothing.
_MAX_REEL_GROUP = 64


def infer_edges(entries: Iterable[Entry]) -> Iterator[LineageEdge]:
    """Proxy, version and reel edges among `entries`. A re-iterable (a list, or the
    index's `entries_under(roots)`) is read twice, so that only the assets that may pair
    are held in memory; a one-shot iterator is held whole."""
    if iter(entries) is entries:
        entries = list(entries)
    proxies: list[tuple[str, Entry]] = []
    versions: dict[str, list[tuple[tuple[int, ...], str]]] = defaultdict(list)
    reels: Counter[str] = Counter()
    for entry in _related(entries):
        name = stem(entry.path)
        if _is_proxy(entry, name):
            proxies.append((_PROXY_MARK.sub("", name), entry))
        numbers = tuple(int(m.group(2)) for m in _VERSION.finditer(entry.path))
        if numbers:
            versions[_VERSION.sub(r"\1#", entry.path)].append((numbers, entry.path))
        if _has_take(entry):
            reels[entry.reel.casefold()] += 1
    # Second pass: keep only the originals some proxy is named after, and the clips of
    # reels shared by a few clips: what can pair, not the library.
    wanted = {key for key, _ in proxies}
    originals: dict[str, list[Entry]] = defaultdict(list)
    by_reel: dict[str, list[Entry]] = defaultdict(list)
    for entry in _related(entries):
        name = stem(entry.path) if entry.kind in _PICTURE else None
        if name in wanted and not _is_proxy(entry, name):
            originals[name].append(entry)
        if _has_take(entry) and 2 <= reels[entry.reel.casefold()] <= _MAX_REEL_GROUP:
            by_reel[entry.reel.casefold()].append(entry)
    named: set[tuple[str, str]] = set()
    for edge in _proxy_edges(proxies, originals):
        named.add((edge.source, edge.derivative))
        yield edge
    yield from _version_edges(versions)
    for edge in _reel_edges(by_reel):
        if (edge.source, edge.derivative) not in named:
            yield edge


def _related(entries: Iterable[Entry]) -> Iterator[Entry]:
    return (e for e in entries if e.kind in _PICTURE or e.kind == "audio")


def _has_take(entry: Entry) -> bool:
    return bool(entry.reel and entry.start_timecode and entry.kind in _PICTURE)


def _is_proxy(entry: Entry, name: str) -> bool:
    """Whether the entry, whose stem is `name`, is named or filed as a proxy."""
    folders = entry.path.casefold().split("/")[:-1]
    return bool(_PROXY_MARK.search(name)) or any(f in _PROXY_FOLDERS for f in folders)


def _proxy_edges(
    proxies: list[tuple[str, Entry]], originals: dict[str, list[Entry]]
) -> Iterator[LineageEdge]:
    for key, proxy in proxies:
        for original in originals.get(key, ()):
            agrees = _same_take(original, proxy)
            yield LineageEdge(
                source=original.path,
                derivative=proxy.path,
                kind=LineageKind.PROXY,
                confidence=0.9 if agrees else 0.75,
                evidence="naming: proxy mark or Proxy folder on the same clip name"
                + (", same reel/timecode" if agrees else ""),
            )


def _version_edges(groups: dict[str, list[tuple[tuple[int, ...], str]]]) -> Iterator[LineageEdge]:
    for members in groups.values():
        if len(members) < 2:
            continue
        members.sort(key=lambda m: m[0])
        for (old_v, old), (new_v, new) in zip(members, members[1:], strict=False):
            if old_v == new_v:
                continue
            yield LineageEdge(
                source=old,
                derivative=new,
                kind=LineageKind.VERSION,
                confidence=0.9,
                evidence=f"naming: version {_v(old_v)} -> {_v(new_v)} of the same output",
            )


def _v(numbers: tuple[int, ...]) -> str:
    return "/".join(f"v{n:03d}" for n in numbers)


def _reel_edges(by_reel: dict[str, list[Entry]]) -> Iterator[LineageEdge]:
    for members in by_reel.values():
        if len(members) < 2 or len(members) > _MAX_REEL_GROUP:
            continue
        members.sort(key=lambda e: -_width(e))
        spans = {id(e): _span(e) for e in members}  # once per clip, not once per pair
        for i, big in enumerate(members):
            for small in members[i + 1 :]:
                overlap = _overlap(spans[id(big)], spans[id(small)])
                if not overlap or _format(big) == _format(small):
                    continue
                proxy = _width(small) * 2 <= _width(big)
                yield LineageEdge(
                    source=big.path,
                    derivative=small.path,
                    kind=LineageKind.PROXY if proxy else LineageKind.TRANSCODE,
                    confidence=0.7,
                    evidence=f"headers: reel {big.reel}, overlapping timecode, "
                    f"{_describe(big)} -> {_describe(small)}",
                )


def _width(entry: Entry) -> int:
    picture = entry.picture
    return picture.width or 0 if picture else 0


def _format(entry: Entry) -> tuple[str | None, int]:
    picture = entry.picture
    return (picture.codec if picture else None, _width(entry))


def _describe(entry: Entry) -> str:
    picture = entry.picture
    if picture is None:
        return entry.kind
    return f"{picture.codec or '?'} {picture.width or '?'}x{picture.height or '?'}"


def _span(entry: Entry) -> tuple[float, float] | None:
    start = timecode_seconds(entry.start_timecode, entry.frame_rate)
    if start is None:
        return None
    return start, start + (entry.duration_s or 0.0)


def _overlap(sa: tuple[float, float] | None, sb: tuple[float, float] | None) -> bool:
    return sa is not None and sb is not None and sa[0] <= sb[1] and sb[0] <= sa[1]


def _same_take(a: Entry, b: Entry) -> bool:
    if a.reel and b.reel and a.reel.casefold() == b.reel.casefold():
        return True
    return bool(a.start_timecode) and a.start_timecode == b.start_timecode
