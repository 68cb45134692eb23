"""Near-duplicate search over the catalog: fingerprint (or reuse), index, verify, group.

Fingerprints come from the catalog's cache when the asset's identity is unchanged, so a
rerun decodes nothing. Candidate pairs come from the hash index (never all pairs), each is
verified on the full fingerprint, and verified pairs are joined into groups.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import msgspec
import numpy as np

from mediaopt.engine.catalog.fingerprints import Fingerprints
from mediaopt.engine.dedup.frames import searchable_frames
from mediaopt.engine.dedup.keeper import choose_keeper, quality_key, relation
from mediaopt.engine.fingerprint import audio, image, video
from mediaopt.engine.fingerprint.errors import MediaDecodeError
from mediaopt.engine.fingerprint.image_match import PrintArrays, image_matches
from mediaopt.engine.fingerprint.index import near_pairs
from mediaopt.engine.fingerprint.picture import graded
from mediaopt.engine.model import (
    Asset,
    AssetKind,
    DuplicateGroup,
    DuplicateMember,
    FileProblem,
    MatchKind,
)
from mediaopt.engine.progress import NullProgress, Progress

MEDIA_KINDS = {
    "image": [AssetKind.IMAGE],
    "video": [AssetKind.VIDEO, AssetKind.SEQUENCE],
    "audio": [AssetKind.AUDIO],
}


class _Item(msgspec.Struct):
    asset: Asset
    print: object
    thumb: bytes | None
    sequence: str | None = None
    """For one frame of an image sequence: the sequence's pattern."""
    frame: int | None = None


class NearFinder:
    def __init__(
        self,
        store: Fingerprints,
        *,
        low_impact: bool = False,
        progress: Progress | None = None,
        skip: frozenset[str] = frozenset(),
    ):
        self.store = store
        self.low_impact = low_impact
        self.progress = progress or NullProgress()
        self.skip = skip
        """Paths not to consider: copies already reported as exact duplicates, hard links."""
        self.problems: list[FileProblem] = []
        self.hashed = 0

    def groups(self, media: Iterable[str] = ("image", "video", "audio")) -> list[DuplicateGroup]:
        found: list[DuplicateGroup] = []
        for kind in media:
            items = self._prints(kind)
            pairs = {"image": _image_pairs, "video": _video_pairs, "audio": _audio_pairs}[kind](
                items
            )
            found += _grouped(items, pairs, kind)
        return found

    # -- fingerprints ------------------------------------------------------------------

    def _prints(self, kind: str) -> list[_Item]:
        method, struct, make = _METHODS[kind]
        kinds = [str(k) for k in MEDIA_KINDS[kind]]
        self.progress.phase(f"fingerprinting {kind}")
        items: list[_Item] = []
        for asset, identity in self.store.media_assets(kinds):
            if asset.path in self.skip:
                continue
            item = self._item(asset, identity, method, struct, make)
            if item is not None:
                items.append(item)
        if kind == "image":
            items += self._frame_items(method, struct, make)
        return items

    def _frame_items(self, method: str, struct: type, make: Callable) -> list[_Item]:
        """Frames of image sequences, searched as stills (see frames.py)."""
        items: list[_Item] = []
        for sequence, _ in self.store.media_assets([str(AssetKind.SEQUENCE)]):
            for frame in searchable_frames(sequence):
                item = self._item(frame.asset, frame.identity, method, struct, make)
                if item is not None:
                    item.sequence, item.frame = frame.sequence, frame.number
                    items.append(item)
        return items

    def _item(
        self, asset: Asset, identity: str, method: str, struct: type, make: Callable
    ) -> _Item | None:
        """The asset's fingerprint from the cache, or made now (None when undecodable)."""
        cached = self.store.get(identity, method)
        if cached is not None:
            data, thumb = cached
            return _Item(asset, msgspec.msgpack.decode(data, type=struct), thumb)
        try:
            value, thumb = make(asset, self.low_impact)
        except MediaDecodeError as exc:
            self.problems.append(FileProblem(path=asset.path, reason=exc.reason))
            self.progress.problem(asset.path, exc.reason)
            return None
        self.hashed += 1
        self.store.put(identity, method, msgspec.msgpack.encode(value), thumb)
        self.progress.advance()
        return _Item(asset, value, thumb)


def _image(asset: Asset, low_impact: bool) -> tuple[image.PicturePrint, bytes]:
    return image.image_print(asset.path)


def _video(asset: Asset, low_impact: bool) -> tuple[video.VideoPrint, bytes]:
    return video.video_print(asset, low_impact=low_impact)


def _audio(asset: Asset, low_impact: bool) -> tuple[audio.AudioPrint, None]:
    return audio.audio_print(asset.path, low_impact=low_impact), None


_METHODS: dict[str, tuple[str, type, Callable]] = {
    "image": (image.METHOD, image.PicturePrint, _image),
    "video": (video.METHOD, video.VideoPrint, _video),
    "audio": (audio.METHOD, audio.AudioPrint, _audio),
}


# -- candidate pairs and verification ----------------------------------------------------


def _image_pairs(items: list[_Item]) -> dict[tuple[int, int], float]:
    # Frames never pair with frames: neighbours in one shot look alike without being
    # copies, and sequences against sequences is the video matcher's work.
    return {
        (i, j): sim
        for (i, j), sim in image_pairs([it.print for it in items]).items()
        if items[i].frame is None or items[j].frame is None
    }


def image_pairs(prints: list[image.PicturePrint]) -> dict[tuple[int, int], float]:
    """(i, j) -> similarity for every pair i < j of the same picture."""
    pairs, dist = image_matches(PrintArrays.of(prints))
    return {
        (i, j): image.similarity(d) for (i, j), d in zip(pairs.tolist(), dist.tolist(), strict=True)
    }


def _video_pairs(items: list[_Item]) -> dict[tuple[int, int], float]:
    owner, p, d = [], [], []
    for i, it in enumerate(items):
        owner += [i] * len(it.print.phash)
        p += it.print.phash
        d += it.print.dhash
    owner_a = np.array(owner, dtype=np.int64)
    candidates: set[tuple[int, int]] = set()
    for hashes in (p, d):
        pairs = near_pairs(np.array(hashes, dtype=np.uint64), image.INDEX_RADIUS)
        a, b = owner_a[pairs[:, 0]], owner_a[pairs[:, 1]]
        lo, hi = np.minimum(a, b), np.maximum(a, b)
        keep = lo < hi
        candidates.update(zip(lo[keep].tolist(), hi[keep].tolist(), strict=True))
    verified = {}
    for i, j in candidates:
        share = video.match_share(items[i].print, items[j].print)
        if share >= video.SAME_FOOTAGE:
            verified[(i, j)] = round(share, 3)
    return verified


def _audio_pairs(items: list[_Item]) -> dict[tuple[int, int], float]:
    arrays = [it.print.array() for it in items]
    verified = {}
    for (i, j), offsets in audio.candidate_offsets(arrays).items():
        ber = audio.same_sound(arrays[i], arrays[j], offsets)
        if ber is not None:
            verified[(i, j)] = round(1.0 - ber, 3)
    return verified


# -- groups ------------------------------------------------------------------------------


def _grouped(
    items: list[_Item], pairs: dict[tuple[int, int], float], kind: str
) -> list[DuplicateGroup]:
    parent = list(range(len(items)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, j in pairs:
        parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in {k for pair in pairs for k in pair}:
        members.setdefault(root(i), []).append(i)
    groups = []
    for indices in members.values():
        boxed = {items[i].asset.path for i in indices if getattr(items[i].print, "boxed", 0)}

        def best(candidates: list[int], boxed: set[str] = boxed) -> int:
            chosen = choose_keeper([items[i].asset for i in candidates], boxed)
            return next(i for i in candidates if items[i].asset is chosen)

        def keeper(candidates: list[int]) -> int:
            frames = [i for i in candidates if items[i].frame is not None]
            stills = [i for i in candidates if items[i].frame is None]
            if not frames:
                return best(candidates)
            source = _source_frame(frames, candidates, pairs)
            if stills and _still_is_source(items[best(stills)].asset, items[source].asset):
                return best(stills)
            return source

        for star in stars(indices, pairs, keeper):
            groups.append(_group(items, star, pairs, kind))
    groups.sort(key=lambda g: -g.reclaimable_bytes)
    return groups


def _source_frame(
    frames: list[int], candidates: list[int], pairs: dict[tuple[int, int], float]
) -> int:
    """The frame a still was taken from: a frame cannot be removed from its sequence, so
    it keeps; of neighbouring frames that all look alike, the one most like the stills."""

    def likeness(f: int) -> float:
        return max(
            (pairs.get((min(f, c), max(f, c)), 0.0) for c in candidates if c != f), default=0.0
        )

    return max(frames, key=lambda f: (likeness(f), -f))


def _still_is_source(still: Asset, frame: Asset) -> bool:
    """Whether a still is the original a frame was made from rather than a copy of it:
    a camera's photograph (EXIF) is nobody's copy, and a still with more picture (more
    pixels, bits, a better codec) is not a frame's export. Otherwise the frame keeps."""
    if still.camera_make or still.recorded_date:
        return True
    return quality_key(still)[:6] > quality_key(frame)[:6]


def stars(
    indices: list[int], pairs: dict[tuple[int, int], float], keeper: Callable[[list[int]], int]
) -> list[list[int]]:
    """Split a connected set of matches into groups of a keeper and the copies that match
    it directly, keeper first. Joining matches transitively chains different footage
    (A looks like B, B like C, C nothing like A) into one group whose far members would be
    deleted as copies of something they do not resemble."""
    remaining = sorted(indices)
    groups: list[list[int]] = []
    while len(remaining) > 1:
        k = keeper(remaining)
        direct = [i for i in remaining if i != k and (min(i, k), max(i, k)) in pairs]
        if direct:
            groups.append([k, *direct])
        taken = {k, *direct}
        remaining = [i for i in remaining if i not in taken]
    return groups


def _group(
    items: list[_Item], indices: list[int], pairs: dict[tuple[int, int], float], kind: str
) -> DuplicateGroup:
    k = indices[0]  # stars() puts the keeper first
    keep_asset = items[k].asset
    members = [
        DuplicateMember(
            path=keep_asset.path,
            bytes=keep_asset.bytes,
            similarity=1.0,
            media=kind,
            sequence=items[k].sequence,
            frame=items[k].frame,
        )
    ]
    relations: list[str] = []
    for i in sorted(indices, key=lambda x: items[x].asset.path):
        if i == k:
            continue
        other = items[i]
        sim = pairs[(min(i, k), max(i, k))]
        boxed = bool(getattr(other.print, "boxed", False)) and not getattr(
            items[k].print, "boxed", False
        )
        cropped = kind == "image" and image.alignment(items[k].print, other.print)[1]
        rel = relation(
            keep_asset,
            other.asset,
            graded=graded(items[k].thumb, other.thumb),
            boxed=boxed,
            cropped=cropped,
        )
        relations += [r for r in rel.split(", ") if r not in relations]
        members.append(
            DuplicateMember(
                path=other.asset.path,
                bytes=other.asset.bytes,
                similarity=sim,
                media=kind,
                relation=rel,
                sequence=other.sequence,
                frame=other.frame,
            )
        )
    return DuplicateGroup(
        kind=MatchKind.NEAR,
        members=members,
        keep=keep_asset.path,
        # A frame is never removed on its own: it would leave a hole in its sequence.
        reclaimable_bytes=sum(m.bytes for m in members[1:] if m.frame is None),
        relation=", ".join(relations),
    )
