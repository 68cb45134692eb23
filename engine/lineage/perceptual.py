"""Lineage inferred from pictures: two files showing the same footage in a different
resolution or codec are a transcode or a proxy of one another, even when their names
and headers share nothing.

The video fingerprints are the duplicate detector's (`engine/dedup/near/video.py`: hashes
of frames sampled by time), cached in the catalog's `fingerprints` table, so a library
`mediaopt dupes --near` has seen costs nothing to search again. Candidate pairs come from
the multi-index hash index over every sampled frame (never all pairs) and are verified
on the whole fingerprint, exactly as near-duplicates are.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import msgspec
import numpy as np

from mediaopt.engine.catalog import Catalog
from mediaopt.engine.fingerprint import video
from mediaopt.engine.fingerprint.errors import MediaDecodeError
from mediaopt.engine.fingerprint.image import INDEX_RADIUS, SAME_PICTURE
from mediaopt.engine.fingerprint.index import near_pairs_between
from mediaopt.engine.model import FileProblem, LineageEdge, LineageKind
from mediaopt.engine.progress import NullProgress, Progress
from mediaopt.engine.refs.index import Entry

KINDS = ("video", "sequence")
"""Movies and image sequences share the video fingerprint (sampled by time), which is
what lets an EXR plate match the ProRes made from it."""

_print = msgspec.msgpack.Decoder(video.VideoPrint).decode


def cached_prints(catalog: Catalog, roots: list[str]) -> dict[str, video.VideoPrint]:
    """The cached video fingerprint of every movie and sequence under the roots whose
    file is unchanged since it was fingerprinted (the cache is keyed by identity)."""
    rows = catalog.fingerprints.printed(video.METHOD, list(KINDS), roots)
    return {path: _print(data) for path, data in rows}


def fingerprint_missing(
    catalog: Catalog, roots: list[str], *, progress: Progress | None = None
) -> list[FileProblem]:
    """Fingerprint the movies and sequences under the roots that have no cached print
    (decoding a few sampled frames of each); returns the files that could not be."""
    progress = progress or NullProgress()
    store = catalog.fingerprints
    problems: list[FileProblem] = []
    # Listed first: the catalog is written to while these are fingerprinted.
    todo = list(store.unprinted(video.METHOD, list(KINDS), roots))
    progress.phase("fingerprinting", total=len(todo))
    for asset, identity in todo:
        progress.advance(1)
        try:
            value, thumb = video.video_print(asset)
        except MediaDecodeError as exc:
            problems.append(FileProblem(path=asset.path, reason=exc.reason))
            continue
        store.put(identity, video.METHOD, msgspec.msgpack.encode(value), thumb)
    return problems


def perceptual_edges(
    entries: Iterable[Entry],
    prints: dict[str, video.VideoPrint],
    linked: set[frozenset[str]] = frozenset(),  # type: ignore[assignment]
) -> Iterator[LineageEdge]:
    """Transcode and proxy edges between fingerprinted files of the same footage in a
    different format, for pairs no other evidence (`linked`) already ties."""
    items = [(e, prints[e.path]) for e in entries if e.path in prints and prints[e.path].phash]
    for i, j in _candidates([p for _, p in items]):
        (a, pa), (b, pb) = items[i], items[j]
        if frozenset((a.path, b.path)) in linked or _format(a) == _format(b):
            continue  # the same format is a copy: the duplicate detector's to report
        share, distance = _match(pa, pb)
        if share < video.SAME_FOOTAGE:
            continue
        big, small = sorted((a, b), key=_fullness, reverse=True)
        proxy = _width(small) * 2 <= _width(big)
        yield LineageEdge(
            source=big.path,
            derivative=small.path,
            kind=LineageKind.PROXY if proxy else LineageKind.TRANSCODE,
            confidence=_confidence(share, distance),
            evidence=f"pictures: {share:.0%} of sampled frames match (mean distance "
            f"{distance:.1f} of 128 bits), {_describe(big)} -> {_describe(small)}",
        )


QUERIES = 4
"""Samples per file looked up in the index (spread over the clip); the table holds them
all. A verified pair has at least 70% of the shorter clip's samples matched, so one of
four spread samples almost surely is, while four lookups cost a sixth of twenty-four
(benchmarks/projects.py --prints 10000: the whole analysis went from 28 s to 13 s)."""


def _candidates(prints: list[video.VideoPrint]) -> set[tuple[int, int]]:
    """Pairs of files where a sampled frame of one is within the index radius of any
    sampled frame of the other on pHash or dHash: the same pigeonhole argument the
    near-duplicate search rests on."""
    owner = np.array([i for i, p in enumerate(prints) for _ in p.phash], dtype=np.int64)
    picks = [_spread(len(p.phash)) for p in prints]
    q_owner = np.array([i for i, pick in enumerate(picks) for _ in pick], dtype=np.int64)
    found: set[tuple[int, int]] = set()
    for which in ("phash", "dhash"):
        table = np.array([x for p in prints for x in getattr(p, which)], dtype=np.uint64)
        queries = np.array(
            [getattr(p, which)[k] for p, pick in zip(prints, picks, strict=True) for k in pick],
            dtype=np.uint64,
        )
        pairs = near_pairs_between(queries, table, INDEX_RADIUS)
        a, b = q_owner[pairs[:, 0]], owner[pairs[:, 1]]
        keep = a != b
        lo, hi = np.minimum(a, b)[keep].tolist(), np.maximum(a, b)[keep].tolist()
        found.update(zip(lo, hi, strict=True))
    return found


def _spread(count: int) -> list[int]:
    if count <= QUERIES:
        return list(range(count))
    return sorted({round((k + 0.5) * count / QUERIES - 0.5) for k in range(QUERIES)})


def _match(a: video.VideoPrint, b: video.VideoPrint) -> tuple[float, float]:
    """Share of the shorter clip's samples with a same-picture frame in the other (as
    `video.match_share`), and the mean pHash + dHash distance of those matches."""
    short, long_ = (a, b) if a.duration <= b.duration else (b, a)
    pa = np.array(short.phash, dtype=np.uint64)[:, None]
    da = np.array(short.dhash, dtype=np.uint64)[:, None]
    pb = np.array(long_.phash, dtype=np.uint64)[None, :]
    db = np.array(long_.dhash, dtype=np.uint64)[None, :]
    best = (np.bitwise_count(pa ^ pb) + np.bitwise_count(da ^ db)).min(axis=1)
    matched = best[best <= SAME_PICTURE]
    share = float(matched.size / best.size)
    return share, float(matched.mean()) if matched.size else float(SAME_PICTURE)


def _confidence(share: float, distance: float) -> float:
    # 0.5 at the weakest match the duplicate detector accepts (70% of samples, at the
    # largest same-picture distance), 0.8 for every frame identical: below what a
    # naming convention (0.9) says, since a second take of a locked-off shot can look
    # alike, and above a reel and timecode alone (0.7) only for near-identical pictures.
    return round(0.5 + 0.3 * share * (1 - distance / SAME_PICTURE), 2)


def _width(entry: Entry) -> int:
    picture = entry.picture
    return picture.width or 0 if picture else 0


def _format(entry: Entry) -> tuple[str | None, int, int]:
    picture = entry.picture
    if picture is None:
        return (None, 0, 0)
    return (picture.codec, picture.width or 0, picture.height or 0)


def _fullness(entry: Entry) -> tuple[int, float]:
    """Wider is the source; at the same width, more bytes per second is (a transcode for
    delivery or editing compresses, it does not add)."""
    seconds = entry.duration_s or 0.0
    if not seconds and entry.sequence is not None:
        frames = entry.sequence.last_frame - entry.sequence.first_frame + 1
        seconds = frames / (entry.frame_rate or 24.0)
    return _width(entry), entry.bytes / seconds if seconds else float(entry.bytes)


def _describe(entry: Entry) -> str:
    picture = entry.picture
    if picture is None:
        return entry.kind
    return f"{picture.codec or '?'} {picture.width or '?'}x{picture.height or '?'}"
