"""The whole demo production: two shows side by side under one folder, as `mediaopt
demo` builds it, for the demo, tests and anyone trying `mediaopt report` on it."""

from __future__ import annotations

from pathlib import Path

import msgspec

from mediaopt.engine.demo.commercial import SampleProduction, build_sample_production
from mediaopt.engine.demo.feature import OrphanTruth, build_orphan_production
from mediaopt.engine.demo.render_folder import build_render_folder


class DemoProduction(msgspec.Struct, kw_only=True):
    root: str
    """The folder holding both shows: what to scan."""
    commercial: SampleProduction
    """Many media kinds, an EXR plate with a missing frame, broken files, renders."""
    feature: OrphanTruth
    """Edits in several formats, a Nuke comp, proxies, a copy, foreign paths, orphans."""
    render: str
    """The render sequence (`####` pattern) written with the usual float ZIP default."""

    @property
    def roots(self) -> list[str]:
        """The two shows, analysed as separate roots."""
        return [self.feature.root, self.commercial.root]

    @property
    def cut(self) -> str:
        """The feature's edit, whose bandwidth curve the demo charts."""
        return str(Path(self.feature.root) / "show" / "edit" / "cut.otio")


def build_demo_production(root: str | Path) -> DemoProduction:
    """Write both shows under `root` (real media, seconds to build); scan `root` next."""
    root = Path(root).resolve()
    commercial = build_sample_production(root / "commercial")
    render = build_render_folder(Path(commercial.root) / "show")
    feature = build_orphan_production(root / "feature")
    return DemoProduction(
        root=str(root), commercial=commercial, feature=feature, render=str(render)
    )
