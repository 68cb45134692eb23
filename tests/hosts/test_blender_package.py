"""The Blender add-on's two install forms, checked without Blender: the 4.2+ extension
manifest (the keys and rules Blender's `extension validate` applies) and the legacy
bl_info, and relative imports only, as extensions require."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

PACKAGE = Path(__file__).parents[2] / "hosts/blender/mediaopt_blender"


def test_the_extension_manifest_has_what_blender_4_2_requires():
    manifest = tomllib.loads((PACKAGE / "blender_manifest.toml").read_text())
    required = {"schema_version", "id", "version", "name", "tagline", "maintainer", "type",
                "blender_version_min", "license"}  # fmt: skip
    assert required <= set(manifest)
    assert manifest["id"] == PACKAGE.name and manifest["type"] == "add-on"
    # Blender rejects a tagline over 64 characters or ending in punctuation.
    assert len(manifest["tagline"]) <= 64 and manifest["tagline"][-1].isalnum()
    assert manifest["license"][0].startswith("SPDX:")
    assert tuple(map(int, manifest["blender_version_min"].split("."))) >= (4, 2, 0)


def test_the_legacy_add_on_has_bl_info_for_blender_3():
    tree = ast.parse((PACKAGE / "__init__.py").read_text())
    [info] = [
        n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "bl_info"
    ]
    bl_info = ast.literal_eval(info)
    assert bl_info["blender"] == (3, 0, 0) and bl_info["name"] == "mediaopt"


def test_the_add_on_imports_its_own_modules_relatively():
    own = {p.stem for p in PACKAGE.glob("*.py")} | {"mediaopt_client", "mediaopt_blender"}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0:
                assert node.module.split(".")[0] not in own, f"{path.name}: {node.module}"
            if isinstance(node, ast.Import):
                assert not {a.name.split(".")[0] for a in node.names} & own, path.name
