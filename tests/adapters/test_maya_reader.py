"""Maya scenes read as text (never run) and from their binary chunks: every real scene in
realworld agrees with its own `setAttr` and `file -r` lines, UDIM tiles, sequences,
caches and the workspace's relative paths are read, and a production keeps their media."""

from __future__ import annotations

import re
from pathlib import Path

from native_kit import keeps_media

from mediaopt.adapters import read_project
from mediaopt.engine.model import ReferenceTarget

_FTN = re.compile(r'setAttr "\.ftn" -type "string" "([^"]*)";')
_USD = re.compile(r'setAttr "\.fp" -type "string" "([^"]*)";')
_REFERENCE = re.compile(r'^file -r .*?\n?\s*"([^"]+)";', re.M)


def _scenes(realworld: Path, pattern: str) -> list[Path]:
    return sorted((realworld / "projects" / "maya").rglob(pattern))


def test_every_ascii_scene_lists_what_its_setattr_and_file_lines_name(realworld: Path):
    scenes = _scenes(realworld, "*.ma")
    assert len(scenes) == 9
    for path in scenes:
        text = path.read_text(encoding="utf-8", errors="replace")
        project = read_project(path)
        assert project.kind == "maya" and project.errors == [], (path, project.errors)
        by_owner: dict[str, set[str]] = {}
        for ref in project.references:
            by_owner.setdefault(ref.owner, set()).add(ref.path)
        assert by_owner.get("file", set()) == set(_FTN.findall(text)), path
        assert by_owner.get("mayaUsdProxyShape", set()) == set(_USD.findall(text)), path
        assert by_owner.get("reference", set()) == set(_REFERENCE.findall(text)), path


def test_the_binary_scene_is_read_from_its_chunks(realworld: Path):
    (path,) = _scenes(realworld, "*.mb")
    project = read_project(path)
    assert project.kind == "maya" and project.errors == []
    assert b"ftn\0" not in path.read_bytes()  # it has no file texture
    assert project.references == [] and "only string attributes" in project.notes[0]


def test_a_64_bit_binary_scene_is_recognised_and_in_doubt(tmp_path: Path):
    scene = tmp_path / "big.mb"
    scene.write_bytes(b"FOR8" + b"\0" * 4 + (24).to_bytes(8, "big") + b"Maya" + b"\0" * 20)
    project = read_project(scene)
    assert project.kind == "maya" and project.references == []
    assert "64-bit Maya binary" in project.errors[0] and str(scene) in project.errors[0]


SCENE = r"""//Maya ASCII 2024 scene
requires maya "2024";
createNode transform -n "grp";
	setAttr ".t" -type "double3" 0 1 0 ;
createNode file -n "skin";
	setAttr ".ftn" -type "string" "sourceimages/skin.1001.exr";
	setAttr ".uvt" 3;
createNode file -n "plate";
	setAttr ".ftn" -type "string" "/show/plates/sh010.1001.exr";
	setAttr ".ufe" yes;
createNode file -n "env";
	setAttr ".ftn" -type "string" "$HOME/env.hdr";
createNode gpuCache -n "rockCache";
	setAttr ".cfn" -type "string" "rock.abc";
createNode cacheFile -n "clothCache";
	setAttr ".cp" -type "string" "/show/cache/nCache/";
	setAttr ".cn" -type "string" "cloth";
createNode script -n "uiConfigurationScriptNode";
	setAttr ".b" -type "string"
		"createNode file; setAttr \".ftn\" -type \"string\" \"/not/a/node.exr\";";
"""


def test_udim_sequences_caches_and_the_workspace_rules(tmp_path: Path):
    (tmp_path / "workspace.mel").write_text(
        'workspace -fr "sourceImages" "sourceimages";\nworkspace -fr "alembicCache" "cache/abc";\n'
    )
    (tmp_path / "cache" / "abc").mkdir(parents=True)
    (tmp_path / "cache" / "abc" / "rock.abc").write_bytes(b"")
    scene = tmp_path / "scenes" / "shot.ma"
    scene.parent.mkdir()
    scene.write_text(SCENE)
    refs = {r.name: r for r in read_project(scene).references}
    assert set(refs) == {"skin", "plate", "env", "rockCache", "clothCache"}
    assert refs["skin"].target is ReferenceTarget.SEQUENCE
    assert refs["skin"].path == str(tmp_path / "sourceimages/skin.<UDIM>.exr")
    assert (refs["plate"].target, refs["plate"].path) == (
        ReferenceTarget.SEQUENCE,
        "/show/plates/sh010.####.exr",
    )
    assert refs["env"].target is ReferenceTarget.UNRESOLVABLE
    # Not at the project root: found where the alembicCache rule points, as Maya would.
    assert refs["rockCache"].path == str(tmp_path / "cache/abc/rock.abc")
    assert refs["clothCache"].path == "/show/cache/nCache/cloth.xml"


def test_productions_holding_real_scenes_keep_their_textures_and_usd(
    realworld: Path, tmp_path: Path
):
    base = realworld / "projects" / "maya" / "maya-usd"
    kept = keeps_media(
        [base / "MaterialX/color_management.ma", base / "tree/tree.ma"],
        tmp_path,
        beside=[base / "MaterialX/textures", base / "tree/tree.usda"],
    )
    assert kept.written == set()  # all seven EXRs and the USD stage came with the scenes
    assert [o.path for o in kept.report.orphans] == [kept.unused]
    assert kept.report.uncertain == [] and kept.report.unresolved_references == []
    assert len(list((tmp_path / "root" / "textures").glob("*.exr"))) == 7
