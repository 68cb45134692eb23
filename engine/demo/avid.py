"""An Avid Media Composer bin (.avb) for the demo, written with pyavb in the shape Media
Composer gives an imported, Avid-managed clip (as in ../shared/realworld/projects/avb):
a master mob -> a file source mob whose CDCI descriptor holds an MSMLocator (the media
is managed: the bin knows only its package ID) -> an import source mob whose
MacFileLocator names the original file; and a sequence (composition mob) using the
clips. The managed media itself is an OP-Atom MXF in `Avid MediaFiles/MXF/<n>/`, written
by FFmpeg, whose file package UMID is what the bin's file mob is named by.
"""

from __future__ import annotations

from pathlib import Path

from mediaopt.engine.demo import media

__all__ = ["managed_mxf", "write_avid_bin"]


def managed_mxf(path: str | Path) -> str:
    """Write a short OP-Atom MXF (PCM audio, as Avid manages sound) at `path`; return its
    file package UMID as a URN, read back the way FFmpeg's MXF demuxer reports it."""
    import av

    media.write_audio(
        path, codec="pcm_s16le", layout="mono", seconds=0.05, container_format="mxf_opatom"
    )
    with av.open(str(path)) as container:
        umid = container.streams[0].metadata["file_package_umid"][2:].lower()
    return "urn:smpte:umid:" + ".".join(umid[i : i + 8] for i in range(0, 64, 8))


def write_avid_bin(
    path: str | Path, clips: list[tuple[str, str, str]], used: list[tuple[int, int, int]]
):
    """An Avid bin written with pyavb, shaped as Media Composer writes an imported clip:
    for each (name, managed package URN, original file path) a master mob -> a file mob
    whose CDCI descriptor has an MSMLocator (Avid-managed media) -> an import source mob
    whose MacFileLocator names the original file; and one sequence using the clips at
    `used` (clip index, start frame, length in frames) at 24 fps."""
    import avb

    rate = 24
    with avb.open() as f:
        masters = []
        for name, urn, original in clips:
            imported = f.create.Composition(mob_type="SourceMob")
            imported.name = name
            imported.descriptor = f.create.MediaDescriptor()
            imported.descriptor.mob_kind = 3
            locator = f.create.MacFileLocator()
            locator.path, locator.path_posix, locator.path_utf8 = original, original, original
            imported.descriptor.locator = locator
            imported.length = 100
            file_mob = f.create.Composition(mob_type="SourceMob")
            file_mob.mob_id = avb.mobid.MobID(urn)
            file_mob.name = f"{name}.PHYS"
            file_mob.descriptor = f.create.CDCIDescriptor()
            file_mob.descriptor.length = 100
            file_mob.descriptor.mob_kind = 1
            msml = f.create.MSMLocator()
            msml.mob_id, msml.last_known_volume = avb.mobid.MobID(urn), "Media"
            file_mob.descriptor.locator = msml
            file_mob.length = 100
            file_mob.tracks.append(_track(f, rate, imported.mob_id))
            master = f.create.Composition(mob_type="MasterMob")
            master.name, master.length = name, 100
            master.tracks.append(_track(f, rate, file_mob.mob_id))
            for mob in (master, file_mob, imported):
                f.content.add_mob(mob)
            masters.append(master)
        sequence = f.create.Composition(mob_type="CompositionMob")
        sequence.name, sequence.length = "cut", sum(n for _, _, n in used)
        track = f.create.Track()
        track.index = 1
        track.component = f.create.Sequence(edit_rate=rate, media_kind="picture")
        track.filler_proxy = f.create.TrackRef(edit_rate=rate, media_kind="picture")
        track.filler_proxy.length = 2147483647
        for index, start, length in used:
            clip = f.create.SourceClip(edit_rate=rate, media_kind="picture")
            clip.mob_id, clip.track_id, clip.start_time, clip.length = (
                masters[index].mob_id, 1, start, length,
            )  # fmt: skip
            track.component.components.append(clip)
        sequence.tracks.append(track)
        f.content.add_mob(sequence)
        f.write(str(path))
    return path


def _track(f, rate: int, mob_id):
    track = f.create.Track()
    track.index = 1
    track.component = f.create.SourceClip(edit_rate=rate, media_kind="picture")
    track.component.length, track.component.track_id, track.component.mob_id = 100, 1, mob_id
    track.filler_proxy = f.create.TrackRef(edit_rate=rate, media_kind="picture")
    track.filler_proxy.length = 2147483647
    return track
