"""A Premiere Pro project (.prproj) for the demo, written with the object graph Premiere
itself writes (the element names, ClassIDs, ObjectID/ObjectUID links and tick units of
the projects Premiere CC 2015-2017 saved, as in ../shared/realworld/projects/prproj):

    RootProjectItem -> ClipProjectItem -> MasterClip -> VideoClip -> VideoMediaSource
    -> Media (ActualMediaFilePath); Sequence -> VideoTrackGroup -> VideoClipTrack
    -> VideoClipTrackItem -> SubClip -> VideoClip (in and out points) -> VideoMediaSource

Only what a reader of media use needs is written; Premiere's view state, effects and
audio are left out.
"""

from __future__ import annotations

import gzip
import uuid
from pathlib import Path
from xml.sax.saxutils import escape

__all__ = ["TICKS_PER_SECOND", "write_premiere_project"]

TICKS_PER_SECOND = 254_016_000_000
_CLASS = {  # ClassIDs as Premiere writes them
    "Project": "62ad66dd-0dcd-42da-a660-6d8fbde94876",
    "RootProjectItem": "1c307a89-9318-47d7-a583-bf2553736543",
    "ClipProjectItem": "cb4e0ed7-aca1-4171-8525-e3658dec06dd",
    "MasterClip": "fb11c33a-b0a9-4465-aa94-b6d5db2628cf",
    "VideoClip": "9308dbef-2440-4acb-9ab2-953b9a4e82ec",
    "VideoMediaSource": "e64ddf74-8fac-4682-8aa8-0e0ca2248949",
    "Media": "7a5c103e-f3ac-4391-b6b4-7cc3d2f9a7ff",
    "Sequence": "6a15d903-8739-11d5-af2d-9b7855ad8974",
    "VideoTrackGroup": "9e9abf7a-0918-49c2-91ae-991b5dde77bb",
    "VideoClipTrack": "f68dcd81-8805-11d5-af2d-9bfa89d4ddd4",
    "VideoClipTrackItem": "368b0406-29e3-4923-9fcd-094fbf9a1089",
    "SubClip": "e0c58dc9-dbdd-4166-aef7-5db7e3f22e84",
}
_VIDEO_MEDIA_TYPE = "228cda18-3625-4d2d-951e-348879e4ed93"
_IMPORTER = "1fa18bfa-255c-44b1-ad73-56bcd99fceaf"  # Premiere's file importer
_RATE_24 = TICKS_PER_SECOND // 24


class _Writer:
    def __init__(self) -> None:
        self.objects: list[str] = []
        self.next_id = 1

    def object_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def add(self, tag: str, body: str, *, oid: int | None = None, uid: str | None = None):
        ident = f'ObjectUID="{uid}"' if uid else f'ObjectID="{oid}"'
        self.objects.append(f'\t<{tag} {ident} ClassID="{_CLASS[tag]}">\n{body}\t</{tag}>\n')


def write_premiere_project(
    path: str | Path, clips: list[str], cut: list[tuple[int, float, float]], name: str = "Cut"
) -> Path:
    """A project with `clips` (media paths) in its root bin and one sequence using
    `cut` (clip index, in and out in seconds) end to end on track V1, gzipped to `path`."""
    w = _Writer()
    uids = [str(uuid.uuid5(uuid.NAMESPACE_URL, f"{path}#{i}")) for i in range(len(clips) * 3 + 4)]
    root_uid, sequence_uid, track_uid = uids[-1], uids[-2], uids[-3]
    sources, items = [], []
    for i, clip in enumerate(clips):
        media_uid, master_uid, item_uid = uids[3 * i : 3 * i + 3]
        title = escape(Path(clip.replace("\\", "/")).name)
        w.add(
            "Media",
            f"\t\t<FilePath>{escape(clip)}</FilePath>\n\t\t<ImplementationID>{_IMPORTER}"
            f"</ImplementationID>\n\t\t<Title>{title}</Title>\n\t\t<ActualMediaFilePath>"
            f"{escape(clip)}</ActualMediaFilePath>\n\t\t<Start>0</Start>\n",
            uid=media_uid,
        )
        source = w.object_id()
        w.add("VideoMediaSource", _media_source(media_uid), oid=source)
        sources.append(source)
        master_clip = w.object_id()
        w.add("VideoClip", _clip(source, None, None), oid=master_clip)
        w.add(
            "MasterClip",
            f'\t\t<Clips Version="1">\n\t\t\t<Clip Index="0" ObjectRef="{master_clip}"/>\n'
            f"\t\t</Clips>\n\t\t<Name>{title}</Name>\n",
            uid=master_uid,
        )
        w.add(
            "ClipProjectItem",
            f'\t\t<ProjectItem Version="1">\n\t\t\t<Name>{title}</Name>\n\t\t</ProjectItem>\n'
            f'\t\t<MasterClip ObjectURef="{master_uid}"/>\n',
            uid=item_uid,
        )
        items.append(item_uid)
    track_items, at = [], 0
    for index, start, end in cut:
        clip = w.object_id()
        w.add("VideoClip", _clip(sources[index], start, end), oid=clip)
        subclip = w.object_id()
        w.add(
            "SubClip",
            f'\t\t<Clip ObjectRef="{clip}"/>\n\t\t<MasterClip ObjectURef="{uids[3 * index + 1]}"/>'
            f"\n\t\t<Name>{escape(Path(clips[index]).name)}</Name>\n",
            oid=subclip,
        )
        length = round((end - start) * TICKS_PER_SECOND)
        item = w.object_id()
        w.add(
            "VideoClipTrackItem",
            f'\t\t<ClipTrackItem Version="6">\n\t\t\t<TrackItem Version="3">\n\t\t\t\t<Start>{at}'
            f"</Start>\n\t\t\t\t<End>{at + length}</End>\n\t\t\t</TrackItem>\n"
            f'\t\t\t<SubClip ObjectRef="{subclip}"/>\n\t\t</ClipTrackItem>\n',
            oid=item,
        )
        track_items.append(item)
        at += length
    listed = "".join(
        f'\t\t\t\t\t<TrackItem Index="{n}" ObjectRef="{item}"/>\n'
        for n, item in enumerate(track_items)
    )
    w.add(
        "VideoClipTrack",
        '\t\t<ClipTrack Version="2">\n\t\t\t<Track Version="3">\n'
        f"\t\t\t\t<MediaType>{_VIDEO_MEDIA_TYPE}</MediaType>\n\t\t\t\t<Index>0</Index>\n"
        '\t\t\t\t<ID>1</ID>\n\t\t\t</Track>\n\t\t\t<ClipItems Version="3">\n'
        f'\t\t\t\t<TrackItems Version="1">\n{listed}\t\t\t\t</TrackItems>\n'
        "\t\t\t</ClipItems>\n\t\t</ClipTrack>\n",
        uid=track_uid,
    )
    group = w.object_id()
    w.add(
        "VideoTrackGroup",
        '\t\t<TrackGroup Version="1">\n\t\t\t<Tracks Version="1">\n'
        f'\t\t\t\t<Track Index="0" ObjectURef="{track_uid}"/>\n\t\t\t</Tracks>\n'
        f"\t\t\t<FrameRate>{_RATE_24}</FrameRate>\n\t\t</TrackGroup>\n",
        oid=group,
    )
    w.add(
        "Sequence",
        '\t\t<TrackGroups Version="1">\n\t\t\t<TrackGroup Version="1" Index="0">\n'
        f'\t\t\t\t<First>{_VIDEO_MEDIA_TYPE}</First>\n\t\t\t\t<Second ObjectRef="{group}"/>\n'
        f"\t\t\t</TrackGroup>\n\t\t</TrackGroups>\n\t\t<Name>{escape(name)}</Name>\n",
        uid=sequence_uid,
    )
    bin_items = "".join(
        f'\t\t\t\t<Item Index="{n}" ObjectURef="{uid}"/>\n' for n, uid in enumerate(items)
    )
    w.add(
        "RootProjectItem",
        '\t\t<ProjectItem Version="1">\n\t\t\t<Name>Root Bin</Name>\n\t\t</ProjectItem>\n'
        f'\t\t<ProjectItemContainer Version="1">\n\t\t\t<Items Version="1">\n{bin_items}'
        "\t\t\t</Items>\n\t\t</ProjectItemContainer>\n",
        uid=root_uid,
    )
    project = (
        f'\t<Project ObjectRef="1"/>\n\t<Project ObjectID="1" ClassID="{_CLASS["Project"]}">\n'
        f'\t\t<RootProjectItem ObjectURef="{root_uid}"/>\n\t</Project>\n'
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" ?>\n<PremiereData Version="3">\n'
        + project
        + "".join(w.objects)
        + "</PremiereData>\n"
    )
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(xml.encode("utf-8"), mtime=0))
    return path


def _media_source(media_uid: str) -> str:
    return (
        '\t\t<MediaSource Version="3">\n\t\t\t<Content Version="10">\n\t\t\t</Content>\n'
        f'\t\t\t<Media ObjectURef="{media_uid}"/>\n\t\t</MediaSource>\n'
    )


def _clip(source: int, start: float | None, end: float | None) -> str:
    points = ""
    if start is not None and end is not None:
        points = (
            f"\t\t\t<InPoint>{round(start * TICKS_PER_SECOND)}</InPoint>\n"
            f"\t\t\t<OutPoint>{round(end * TICKS_PER_SECOND)}</OutPoint>\n"
        )
    return (
        f'\t\t<Clip Version="18">\n\t\t\t<Source ObjectRef="{source}"/>\n'
        f"\t\t\t<ClipID>{uuid.uuid4()}</ClipID>\n{points}\t\t</Clip>\n"
    )
