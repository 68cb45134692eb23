"""Render outputs: what a farm job wrote, what its settings cost, and what they could cost."""

from __future__ import annotations

import msgspec

from mediaopt.engine.model.scan import FileProblem


class RenderJob(msgspec.Struct, kw_only=True, omit_defaults=True):
    """What a render farm knows about one finished job, and what its output weighs."""

    job_id: str
    """The farm's job id (Deadline job id, OpenCue job name, Flamenco job UUID)."""
    farm: str
    """`deadline`, `opencue`, `flamenco` or `plain`."""
    name: str | None = None
    user: str | None = None
    show: str | None = None
    """Show or project the job belongs to, where the farm says (OpenCue's CUE_SHOW)."""
    shot: str | None = None
    renderer: str | None = None
    """Renderer or plug-in, e.g. `Arnold`, `Cycles`, `Nuke`."""
    scene_file: str | None = None
    frames: str | None = None
    """Frame range as the farm wrote it, e.g. `1001-1100` or `1-10x2`."""
    output_pattern: str | None = None
    """Output path with `#` per frame digit (farm tokens `%04d`, `@@@@` are normalised)."""
    settings: dict[str, str] = {}
    """Render settings the farm or the scene declares: resolution, samples, AOVs ..."""
    render_seconds: float | None = None
    """Wall-clock render time of the whole job, where known."""
    finished: float | None = None
    """When the job finished (Unix seconds); the time it was posted when unknown."""
    output_bytes: int = 0
    """Bytes of the output found on disk."""
    output_frames: int = 0
    """Frames of the output found on disk."""
    missing_frames: list[int] = []
    """Frames in the job's range with no file on disk."""
    output_asset: str | None = None
    """Catalog path of the output asset (its `####` pattern)."""
    problems: list[str] = []
    """What went wrong collecting this job; the job is still recorded."""


class RenderSample(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One render output (a sequence or a movie) with the settings that drive its size."""

    path: str
    format: str
    """`OpenEXR`, `DPX`, `TIFF`, `PNG`, or a movie codec such as `ProRes 4444`."""
    compression: str
    pixel_type: str
    """`half`, `float`, `uint8`, `uint16`, `10-bit` ..."""
    channels: int
    resolution: str
    """Display window, `2048x1080`."""
    frames: int
    bytes: int
    bytes_per_frame: float
    bytes_per_pixel: float
    """Bytes per displayed pixel per frame, over all channels."""
    show: str | None = None
    job_id: str | None = None
    user: str | None = None
    mtime: float = 0.0


class SettingGroup(msgspec.Struct, kw_only=True, frozen=True):
    """Renders sharing one combination of settings."""

    format: str
    compression: str
    pixel_type: str
    channels: int
    resolution: str
    renders: int
    frames: int
    bytes: int
    bytes_per_frame: float
    """Mean over the group's frames."""
    bytes_per_pixel: float
    forecast_per_1000_frames: int
    """Bytes 1,000 more frames would take at these settings."""


class SettingEffect(msgspec.Struct, kw_only=True, frozen=True):
    """How much of the spread in bytes per pixel one setting explains."""

    setting: str
    """`format`, `compression`, `pixel_type`, `channels` or `resolution`."""
    explained: float
    """Share of the variance of log(bytes per pixel) explained by this setting alone (eta²)."""
    unique: float
    """Share lost when this setting is left out of the full model (partial R²)."""
    levels: dict[str, float] = {}
    """Mean bytes per pixel at each value of the setting."""


class FrameOutlier(msgspec.Struct, kw_only=True, frozen=True):
    """A frame far larger or smaller than its neighbours: noise, a fireflies burst, a
    truncated or black frame."""

    sequence: str
    frame: int
    bytes: int
    neighbour_median: int
    ratio: float
    reason: str


class RenderTotal(msgspec.Struct, kw_only=True, frozen=True):
    key: str
    """Show, job id or user."""
    renders: int
    frames: int
    bytes: int
    forecast_per_1000_frames: int


class RenderAnalysis(msgspec.Struct, kw_only=True):
    """`mediaopt render analyze`: what each setting costs across the catalog's renders."""

    under: str | None
    renders: int
    frames: int
    bytes: int
    groups: list[SettingGroup]
    effects: list[SettingEffect]
    """Settings ranked by how much of the size they explain."""
    driver: str | None
    """The setting that drives size most, None with too few renders to tell."""
    fit_r2: float | None
    """R² of log(bytes per pixel) on all settings together (1.0 = sizes fully explained)."""
    outliers: list[FrameOutlier]
    by_show: list[RenderTotal]
    by_job: list[RenderTotal]
    by_user: list[RenderTotal]
    forecast_per_1000_frames: int
    """Bytes 1,000 frames take at the current mix of settings (frame-weighted)."""
    problems: list[str] = []


class WhatIfCandidate(msgspec.Struct, kw_only=True):
    """One candidate setting, measured by re-encoding sample frames."""

    name: str
    """E.g. `exr dwab:45 half`, `exr zip`, `dpx 10-bit`, `prores 4444`."""
    settings: dict[str, str]
    sample_bytes: int
    """Bytes of the re-encoded sample frames."""
    original_sample_bytes: int
    ratio: float
    """Re-encoded size over original size, over the sample."""
    estimated_bytes: int
    """Extrapolated size of the whole sequence."""
    error_bytes: int
    """95% bound on the extrapolation error (from the spread of per-frame ratios)."""
    saved_bytes: int
    saved_fraction: float
    lossless: bool
    """Every channel bit-exact after decoding."""
    psnr_db: float | None = None
    """Lowest per-frame PSNR of the colour passes in PQ (ST 2084) space; None if exact."""
    ssim: float | None = None
    """Lowest per-frame SSIM of the colour passes in PQ space."""
    data_passes_exact: bool = True
    """Depth, position, normals, motion vectors and IDs decode bit-exact."""
    acceptable: bool = False
    """Meets the asked quality."""
    on_front: bool = False
    """No other candidate is both smaller and of better quality."""
    note: str | None = None
    encode_seconds: float = 0.0
    drops_alpha: bool = False
    """The source has an alpha channel this candidate cannot store (ProRes 422, DNxHR)."""
    sampled_frames: int = 0
    """Sample frames this candidate was re-encoded on. Candidates that fail the asked
    quality, or are clearly larger than an as-good one, stop after the first few."""


class Recommendation(msgspec.Struct, kw_only=True):
    """What to render with instead, and why, or a plain statement that nothing qualifies."""

    sequence: str
    quality: str
    """The quality asked for: `lossless` or `psnr:50`."""
    current: dict[str, str]
    original_bytes: int
    sampled_frames: list[int]
    candidates: list[WhatIfCandidate]
    """Every candidate, smallest acceptable first."""
    recommended: str | None
    """Name of the recommended candidate; None when nothing saves enough."""
    saved_bytes: int = 0
    saved_fraction: float = 0.0
    confidence: str = ""
    """How sure the saving is: the extrapolation bound and the sample size."""
    summary: str = ""
    """One paragraph a person can act on."""
    problems: list[str] = []


class DeclaredOutput(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One Nuke Write node or Blender scene output: the settings the project declares next
    to what the catalog holds at its path, and what to change them to."""

    project: str
    host: str
    """`nuke` or `blend`."""
    node: str
    """Write node name (`Write1`, `Group1.Write2`) or scene name."""
    path: str
    """The output path as the project writes it."""
    unresolvable: str | None = None
    """Why the path cannot be worked out without running code (a Nuke `[python ...]`
    expression, which mediaopt never runs): nothing on disk is compared with it."""
    frames: tuple[int, int] | None = None
    declared: dict[str, str] = {}
    """The host's own settings: Nuke knobs (`datatype`) or Blender properties (`depth`)."""
    declared_as: dict[str, str] = {}
    """The same in the analysis' terms (`format`, `compression`, `pixel_type`), defaults
    filled in where the host omits a knob left at its default."""
    outputs: list[str] = []
    """Cataloged render outputs at that path."""
    rendered: dict[str, str] = {}
    """Settings of the (first) cataloged output, as `render analyze` reports them."""
    rendered_bytes: int = 0
    mismatches: list[str] = []
    """Declared settings the files on disk do not have (`compression: declared dwab,
    rendered zip`): the script changed since, or something else wrote there."""
    recommendation: Recommendation | None = None
    """The what-if over candidates this host can render, when asked for."""
    changes: dict[str, str] = {}
    """Knob or property values that render the recommendation."""
    change_text: str = ""
    """The changes as typed: `Write1: compression DWAB; datatype "16 bit half"`."""
    notes: list[str] = []
    problems: list[str] = []


class RenderSettingsReport(msgspec.Struct, kw_only=True):
    """`mediaopt render settings --json`: every output the projects declare, and the
    project files that could not be read (a corrupt script declares nothing we can see)."""

    outputs: list[DeclaredOutput] = []
    problems: list[FileProblem] = []
    """Project files that could not be read, each with its reason."""
