"""The Blender caches the plan calls regenerable, as real Blender writes them: a smoke
simulation and a cloth point cache baked to disk by Blender 3.4 (Debian's package;
skipped without it). Every cache file is recognised, with Blender named; the .blend is not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mediaopt.engine.recommend.caches import host_cache

pytestmark = pytest.mark.skipif(
    shutil.which("blender") is None, reason="Blender is not installed (Debian: apt install blender)"
)
BAKE = Path(__file__).with_name("blender_bake.py")


def test_caches_blender_bakes_are_recognised_as_blenders(tmp_path: Path):
    shot = tmp_path / "fx" / "shot.blend"
    shot.parent.mkdir()
    cmd = ["blender", "-b", "--factory-startup", "--python", str(BAKE), "--", str(shot)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    written = sorted(
        os.path.join(folder, name) for folder, _, names in os.walk(tmp_path) for name in names
    )
    caches = [p for p in written if not p.endswith((".blend", ".blend1"))]
    folders = {Path(p).relative_to(shot.parent).parts[0] for p in caches}
    # Blender's own names: blendcache_<file> for point caches, cache_fluid_<hex> for fluids.
    assert "blendcache_shot" in folders
    assert any(f.startswith("cache_fluid_") for f in folders)
    assert any(p.endswith(".bphys") for p in caches) and any(p.endswith(".vdb") for p in caches)
    for path in caches:
        hit = host_cache(path, str(tmp_path))
        assert hit is not None and hit.rule.host == "Blender", path
    assert host_cache(str(shot), str(tmp_path)) is None
