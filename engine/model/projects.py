"""Projects and what they reference."""

from __future__ import annotations

import enum

import msgspec

# Project files of the applications a production uses, by extension: the scan files them
# as projects, and the readers' registry lists one it has no reader for as a project
# that could not be read (its media uncertain, never orphaned).
NATIVE_PROJECT_FILES: dict[str, str] = {
    "prproj": "Premiere Pro project",
    "prel": "Premiere Elements project",
    "hrox": "Hiero / Nuke Studio project",
    "aep": "After Effects project",
    "aepx": "After Effects XML project",
    "avb": "Avid Media Composer bin",
    "avp": "Avid Media Composer project",
    "drp": "DaVinci Resolve project archive",
    "drt": "DaVinci Resolve timeline",
    "comp": "Fusion composition",
    "ma": "Maya ASCII scene",
    "mb": "Maya binary scene",
    "hip": "Houdini scene",
    "hipnc": "Houdini scene",
    "hiplc": "Houdini scene",
    "ntp": "Natron project",
    "c4d": "Cinema 4D scene",
    "max": "3ds Max scene",
    "veg": "Vegas Pro project",
    "sesx": "Audition session",
    "ptx": "Pro Tools session",
    "ptf": "Pro Tools session",
    "rpp": "REAPER project",
    "fcp": "Final Cut Pro 7 project",
    "imovieproj": "iMovie project",
    "sfx": "Silhouette project",
    "mocha": "Mocha project",
}


class ReferenceTarget(enum.StrEnum):
    """What kind of thing a reference points at."""

    FILE = "file"
    SEQUENCE = "sequence"
    """A frame-sequence pattern; `frames` says which frames are used."""
    MISSING = "missing"
    """The project names media but no path (an OTIO MissingReference, an EDL clip name)."""
    UNRESOLVABLE = "unresolvable"
    """A path that cannot be worked out without running code (a Nuke `[python ...]`)."""


class Reference(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One thing a project points at."""

    target: ReferenceTarget
    path: str | None = None
    """The path as the project wrote it (a sequence as a `####` pattern)."""
    name: str | None = None
    """Clip, node or datablock name that holds the reference."""
    role: str = "read"
    """`read` (the project consumes it), `write` (it produces it: a render, an edit's
    export), `library`, or how it relates to the read of the same node or clip: `proxy`
    (made from it), `original` (it was made from this), `conform` (a conform pull made
    from it), `source` (its file was transcoded from this, as the project's metadata
    states)."""
    owner: str | None = None
    """Node class, clip kind or datablock type, e.g. `Read`, `Write`, `Clip`, `IM`."""
    frames: tuple[int, int] | None = None
    """First and last frame used, inclusive."""
    source_range: tuple[float, float] | None = None
    """Used range of a movie in seconds: start, duration."""
    reel: str | None = None
    """Source reel or tape name, where the project records one (EDL, AAF)."""
    timecode: str | None = None
    """Source start timecode of the used range, where the project says."""
    location: str | None = None
    """Where in the project file this comes from: `line 42`, `track V1 clip 3`."""
    note: str | None = None
    in_cut: bool = True
    """False for media the project holds but no timeline of it uses: a clip in an
    editing library's browser, a multicam angle the cut does not show. Still the
    project's: never an orphan while the project is active."""


class Project(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One project file (or folder) and everything it references."""

    path: str
    """The project file, or the folder for a folder-as-project."""
    kind: str
    """Reader that produced it: `otio`, `cmx_3600`, `fcp_xml`, `aaf`, `nuke`, `blend`, `folder`."""
    name: str | None = None
    references: list[Reference] = []
    errors: list[str] = []
    """Problems met while reading; the references found so far are still listed."""
    render_settings: dict[str, str] = {}
    """Output settings the project declares (format, depth, codec), where it has them."""
    notes: list[str] = []
    """Assumptions the reader made that a user should know (e.g. the frame rate an EDL
    was read at), as opposed to `errors`."""
