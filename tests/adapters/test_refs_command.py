"""`mediaopt refs`: per project its references and whether each resolved."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import opentimelineio as otio

from mediaopt.adapters import project_kind, read_project


def _refs(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "mediaopt.engine.cli", "refs", "--json", *args],
        capture_output=True,
        text=True,
        env={"MEDIAOPT_CATALOG": "/nonexistent/catalog.sqlite", "PATH": ""},
    )


def test_refs_says_which_references_are_on_disk_and_goes_on_after_a_bad_file(realworld: Path):
    good = realworld / "projects/blend/alembic-user.blend"
    bad = realworld / "projects/blend/corrupt_only_magic.blend"

    result = _refs(str(good), str(bad))

    first, second = (json.loads(line) for line in result.stdout.splitlines())
    statuses = {r["reference"]["path"]: r["status"] for r in first["references"]}
    assert statuses["//clothsim.abc"] == "on_disk"
    # Blender 3.4 itself names this output /tmp/0001-0070.mkv (`frame_path`).
    assert statuses["/tmp/0001-0070.mkv"] == "not_found"
    assert second["errors"][0].startswith(str(bad))
    assert result.returncode == 1


def test_a_folder_without_a_project_file_is_its_own_project(tmp_path: Path):
    (tmp_path / "plates").mkdir()
    (tmp_path / "plates" / "a.mov").write_bytes(b"x")
    (tmp_path / ".DS_Store").write_bytes(b"x")

    project = read_project(tmp_path)

    assert project_kind(tmp_path) == "folder"
    assert [r.location for r in project.references] == ["plates/a.mov"]


def _macos_cut(tmp_path: Path, cached_media) -> tuple[Path, Path, Path]:
    """A cut written on a Mac (`/Volumes/Projects/...`), its media here under `projects/`,
    scanned: a movie, and an EXR plate the cut names with `%04d`."""
    from mediaopt.engine.api import scan
    from mediaopt.engine.demo.media import write_movie
    from mediaopt.engine.demo.renders import write_render_sequence

    movie = cached_media("refs_a001c003.mov", write_movie, codec="mpeg4", pix_fmt="yuv420p")
    local = tmp_path / "projects"
    plates = local / "show" / "plates"
    plates.mkdir(parents=True)
    (plates / "A001C003.mov").write_bytes(movie.read_bytes())
    write_render_sequence(plates / "plate.####.exr", range(1001, 1004), width=32, height=18)
    catalog = tmp_path / "catalog.sqlite"
    scan([local], catalog=catalog, workers=0)

    track = otio.schema.Track()
    rt, tr = otio.opentime.RationalTime, otio.opentime.TimeRange
    track.append(
        otio.schema.Clip(
            name="A001C003",
            media_reference=otio.schema.ExternalReference(
                target_url="file:///Volumes/Projects/show/plates/A001C003.mov"
            ),
            source_range=tr(rt(0, 24), rt(6, 24)),
        )
    )
    track.append(
        otio.schema.Clip(
            name="plate",
            media_reference=otio.schema.ImageSequenceReference(
                target_url_base="file:///Volumes/Projects/show/plates/",
                name_prefix="plate.",
                name_suffix=".exr",
                start_frame=1001,
                frame_zero_padding=4,
                rate=24,
                available_range=tr(rt(0, 24), rt(3, 24)),
            ),
            source_range=tr(rt(0, 24), rt(3, 24)),
        )
    )
    timeline = otio.schema.Timeline(name="cut")
    timeline.tracks.append(track)
    cut = tmp_path / "cut.otio"
    otio.adapters.write_to_file(timeline, str(cut))
    return cut, local, catalog


def test_refs_with_a_path_map_resolves_paths_written_on_macos(tmp_path: Path, cached_media):
    cut, local, catalog = _macos_cut(tmp_path, cached_media)
    mapped = _refs(str(cut), "--catalog", str(catalog), "--map", f"/Volumes/Projects={local}")
    unmapped = _refs(str(cut), "--catalog", str(catalog))

    found = {r["reference"]["name"]: r for r in json.loads(mapped.stdout)["references"]}
    plates = local / "show" / "plates"
    assert found["A001C003"]["status"] == "cataloged"
    assert found["A001C003"]["found"] == str(plates / "A001C003.mov")
    assert found["plate"]["assets"] == [str(plates / "plate.####.exr")]
    assert found["plate"]["how"] == "sequence"
    statuses = [r["status"] for r in json.loads(unmapped.stdout)["references"]]
    assert statuses == ["not_found", "not_found"]


def test_refs_takes_the_path_map_from_the_config_file(tmp_path: Path, cached_media):
    cut, local, _ = _macos_cut(tmp_path, cached_media)
    config = tmp_path / "config.toml"
    config.write_text(f'[paths]\nmap = ["/Volumes/Projects={local}"]\n')

    # No catalog: the movie and the plate are found on disk through the mapped path.
    result = _refs(str(cut), "--config", str(config))

    found = [(r["status"], r["found"]) for r in json.loads(result.stdout)["references"]]
    plates = local / "show" / "plates"
    assert found == [
        ("on_disk", str(plates / "A001C003.mov")),
        ("on_disk", str(plates / "plate.####.exr")),
    ]


def test_bandwidth_need_maps_the_timelines_paths_like_refs(tmp_path: Path, cached_media):
    cut, local, catalog = _macos_cut(tmp_path, cached_media)
    command = [sys.executable, "-m", "mediaopt.engine.cli", "bandwidth", "need", str(cut)]
    env = {"MEDIAOPT_CATALOG": str(catalog), "PATH": ""}
    mapped = subprocess.run(
        [*command, "--map", f"/Volumes/Projects={local}", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    unmapped = subprocess.run([*command, "--json"], capture_output=True, text=True, env=env)

    clips = json.loads(mapped.stdout)["timeline"]["clips"]
    assert [c.get("problem") for c in clips] == [None, None]
    assert all(c.get("problem") for c in json.loads(unmapped.stdout)["timeline"]["clips"])
