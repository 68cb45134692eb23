"""The savings plan (`mediaopt recommend`) and what carrying it out records (`apply`, `undo`)."""

from __future__ import annotations

import enum

import msgspec


class Risk(enum.StrEnum):
    SAFE = "safe"
    """Nothing is lost: the bytes can be made again by the host, or stay on disk (links)."""
    REVIEW = "review"
    """Reversible, but a person should look first (an archive moves media a project used)."""
    DESTRUCTIVE = "destructive"
    """What it removes cannot be made again without work (a re-render, a re-shoot)."""


class ActionKind(enum.StrEnum):
    ARCHIVE = "archive"
    """Copy to the archive root, verify by reading the copy back, write an ASC MHL, remove
    the source."""
    DELETE = "delete"
    """Move to the trash under the archive root (verified the same way), so `undo` can put
    it back; emptying the trash is a person's decision."""
    DEDUPE = "dedupe"
    """Replace a copy by a reflink (FIDEDUPERANGE) of the keeper, or a hard link when asked,
    after a byte-for-byte comparison made at apply time."""
    REVIEW = "review"
    """For a person: near-duplicates. Nothing is carried out."""
    RENDER_SETTINGS = "render_settings"
    """Change a render's settings per a measured what-if. Done in the host, not here."""
    ESTIMATE = "estimate"
    """What trimming a movie to its used ranges would save. Estimate only."""


class Category(enum.StrEnum):
    DORMANT_PROJECT = "dormant_project"
    ORPHAN = "orphan"
    REGENERABLE = "regenerable"
    """Proxies, optimized media and transcodes whose source is kept."""
    HOST_CACHE = "host_cache"
    """Caches a host (Resolve, Premiere, Avid, Nuke, Houdini, Blender) makes again itself."""
    SUPERSEDED = "superseded"
    DUPLICATE = "duplicate"
    NEAR_DUPLICATE = "near_duplicate"
    RENDER_SETTINGS = "render_settings"
    SEQUENCE_TRIM = "sequence_trim"
    MOVIE_TRIM = "movie_trim"


class PlannedFile(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One file an action touches, as it was when the plan was made. Apply refuses the
    file when any of these changed."""

    path: str
    bytes: int
    mtime_ns: int
    inode: int
    device: int
    xxh128: str | None = None
    """Content hash (xxh3-128, hex), taken at plan time for what will be deleted or
    deduplicated."""
    asset: str | None = None
    """The catalog asset it belongs to (a sequence's `####` pattern), when not the file."""
    keeper: str | None = None
    """Dedupe: the file this one is replaced by a link to."""
    freed: int = 0
    """Bytes this file frees: 0 for a second name of a hard link counted already, or a
    file whose extents are all shared with another (a reflink)."""


class Evidence(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """Why an action is proposed."""

    analysis: str
    """Which analysis found it: `orphans`, `projects`, `lineage`, `dedup`, `host caches`,
    `render what-if`, `sequence use`."""
    reason: str
    """In a person's words."""
    projects: list[tuple[str, float]] = []
    """Project files read for it, each with its modification time (Unix seconds)."""
    catalog_rows: list[str] = []
    """Catalog assets (paths or `####` patterns) it rests on."""
    read_at: float = 0.0
    """When the analysis read the projects and the catalog (Unix seconds)."""


class Action(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One line of the plan."""

    id: str
    """Stable within the plan: `A001`, ...; `apply --only` takes these."""
    kind: ActionKind
    category: Category
    risk: Risk
    title: str
    """One line: what and how much."""
    bytes: int
    """Bytes it frees (hard links and reflinks counted once; a sequence's frames summed);
    for `estimate` and `render_settings` what it would save."""
    estimate_only: bool = False
    """Not carried out by `apply`: a person acts on it (near-duplicates, render settings,
    movie trims)."""
    host: str | None = None
    """Host cache: which host makes it (`DaVinci Resolve`, `Adobe Premiere Pro` ...)."""
    files: list[PlannedFile] = []
    archive_subdir: str | None = None
    """Archive: the folder (relative to its root) that becomes the archived tree."""
    evidence: list[Evidence] = []
    command: str = ""
    """The command that carries it out."""


class CatalogState(msgspec.Struct, kw_only=True, frozen=True):
    """The catalog the plan was made from."""

    path: str
    assets: int
    last_scan: float | None = None
    """When the last scan finished (Unix seconds)."""


class PlanTotals(msgspec.Struct, kw_only=True):
    bytes_under_roots: int = 0
    """Logical bytes of every cataloged asset under the roots."""
    reclaimable: int = 0
    """Bytes the actions `apply` carries out would free."""
    estimated: int = 0
    """Bytes the estimate-only actions might save."""
    by_category: dict[str, int] = {}
    by_risk: dict[str, int] = {}


class Plan(msgspec.Struct, kw_only=True):
    """`mediaopt recommend --json`: a ranked plan of actions, with evidence."""

    version: int = 1
    id: str
    """Unique per plan; journals name it."""
    created: float
    roots: list[str]
    catalog: CatalogState
    projects: list[str] = []
    """Project files named with --project (empty: discovered under the roots)."""
    path_map: list[str] = []
    dormant_days: float = 90.0
    grace_days: float = 14.0
    handles: int = 8
    """Frames kept either side of the used range when trimming sequences."""
    projects_read: list[tuple[str, float]] = []
    """Every project file read for the plan, with its modification time then: the
    evidence that no active project uses what the plan removes."""
    unreadable_projects: list[str] = []
    """Project files that could not be read when the plan was made: what they might use
    is uncertain and left alone. One more unreadable at apply time stops every removal."""
    actions: list[Action] = []
    """Ranked by bytes over risk."""
    totals: PlanTotals = msgspec.field(default_factory=PlanTotals)
    problems: list[str] = []


class StepKind(enum.StrEnum):
    BEGIN = "begin"
    INTENT_COPY = "intent_copy"
    COPIED = "copied"
    VERIFIED = "verified"
    INTENT_REMOVE = "intent_remove"
    REMOVED = "removed"
    INTENT_LINK = "intent_link"
    LINKED = "linked"
    MANIFEST = "manifest"
    REFUSED = "refused"
    ACTION_DONE = "action_done"
    END = "end"
    UNDONE = "undone"
    UNDO_END = "undo_end"


class JournalEntry(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    """One line of an apply's journal, written and fsynced before (intent) or after the
    step it names, so a killed apply can be finished or rolled back."""

    seq: int
    step: StepKind
    time: float
    action: str | None = None
    path: str | None = None
    dest: str | None = None
    """Archive or trash copy; dedupe: the keeper."""
    bytes: int | None = None
    xxh128: str | None = None
    mtime_ns: int | None = None
    atime_ns: int | None = None
    mode: int | None = None
    uid: int | None = None
    gid: int | None = None
    method: str | None = None
    """Dedupe: `reflink` or `hardlink`."""
    reason: str | None = None
    plan: str | None = None
    """BEGIN: the plan file and its id."""


class FileOutcome(msgspec.Struct, kw_only=True, frozen=True, omit_defaults=True):
    path: str
    done: bool
    reason: str | None = None
    """Why it was refused or skipped."""


class ActionOutcome(msgspec.Struct, kw_only=True):
    id: str
    kind: ActionKind
    status: str
    """`done`, `partly`, `refused`, `skipped`, `would` (dry run)."""
    bytes: int = 0
    """Bytes moved off the source (done) or that would be (dry run)."""
    files: list[FileOutcome] = []
    manifest: str | None = None
    """Archive: the ASC MHL folder written."""
    note: str | None = None


class ApplyReport(msgspec.Struct, kw_only=True):
    """`mediaopt apply --json`."""

    plan: str
    executed: bool
    journal: str | None = None
    actions: list[ActionOutcome] = []
    free_before: dict[str, int] = {}
    """statvfs free bytes per root's file system before the run."""
    free_after: dict[str, int] = {}
    resumed: bool = False
    """A journal of an earlier, interrupted apply was found and finished first."""
    problems: list[str] = []


class UndoReport(msgspec.Struct, kw_only=True):
    """`mediaopt undo --json`."""

    journal: str
    restored: list[str] = []
    """Source paths put back."""
    removed_copies: list[str] = []
    """Archive and trash copies removed after their source was restored."""
    problems: list[str] = []
